/**
 * The density block of the 2D walled kinetic solver's preconditioner (./kinetic2dWalls.ts): the limit operator
 *
 *   L z = c0 z − dt div(<v²(1−γ)> Df ∇z) + the absorbing and inflow walls' own terms (diagonal),
 *
 * the density rows with q = 0 (exact as eps → 0, where S = L), with the face coefficients kinetic2dWalls.ts
 * assembled into its banded L: zero flux through specular and diffuse walls, a periodic direction wraps.
 * L is symmetric positive definite; z ≈ L⁻¹ r by conjugate gradients preconditioned by one multigrid V-cycle of
 * the Kirchhoff-scaled operator, L ≈ K^{1/2} (s − dt Δ) K^{1/2} with K the mean face coefficient of each cell and
 * s = (c0 + wall terms)/K (../linear/multigrid.ts with walls; the scaling as ../transport/limitSolve2d.ts on
 * the torus): O(N) per iteration where the banded LU cost O(N b²) to factor (b the cells across the box).
 */
import { ScaledMgCg } from '../linear/scaledMgCg.js';
import { lineGeometry, type Direction2D, type WallTransport2D } from '../transport/walls2d.js';

export class WallLimit2D extends ScaledMgCg {
  /** Face coefficients dt/h² <v²(1−γ)> Df of the face east of cell c (ax) and north of c (ay); 0 at a wall. */
  readonly ax: Float64Array;
  readonly ay: Float64Array;
  /** c0 + the walls' diagonal terms. */
  readonly dg: Float64Array;

  constructor(
    private readonly nx: number,
    private readonly ny: number,
    private readonly dirs: readonly [Direction2D, Direction2D],
  ) {
    super(nx, ny, [dirs[0] === null, dirs[1] === null]);
    this.ax = new Float64Array(this.N);
    this.ay = new Float64Array(this.N);
    this.dg = new Float64Array(this.N);
  }

  /** East and north neighbours of cell c (−1: a wall). */
  east(c: number): number {
    const i = c % this.nx;
    return i < this.nx - 1 ? c + 1 : this.dirs[0] === null ? c - this.nx + 1 : -1;
  }

  north(c: number): number {
    return c + this.nx < this.N ? c + this.nx : this.dirs[1] === null ? c + this.nx - this.N : -1;
  }

  /** This step's L from the prepared transport (its c0, dt, faces and wall terms): the faces, then the V-cycle's scaling. */
  prepare(T: WallTransport2D, eps: number, vcycle = true): void {
    const { nx, ny, N, ax, ay, dg, dirs } = this;
    ax.fill(0);
    ay.fill(0);
    dg.fill(T.c0);
    for (let d = 0 as 0 | 1; d < 2; d = (d + 1) as 0 | 1) {
      const h = d === 0 ? T.dx : T.dy;
      const kap = T.dt / (h * h);
      const sig = T.dt / (eps * h);
      const Df = d === 0 ? T.DfX : T.DfY;
      const v2b = d === 0 ? T.v2bX : T.v2bY;
      const { n, M, cs, cm, fs, fm } = lineGeometry(d, nx, ny);
      const dir = dirs[d];
      const a = d === 0 ? ax : ay;
      for (let m = 0; m < M; m++) {
        for (let F = dir === null ? 0 : 1; F < n; F++) {
          const f = m * fm + F * fs;
          a[m * cm + (F === 0 ? n - 1 : F - 1) * cs] = kap * Df[f] * v2b[f];
        }
        if (dir === null) continue;
        for (let s = 0; s < 2; s++) {
          if (dir[s].kind !== 'absorbing' && dir[s].kind !== 'inflow') continue;
          const f = m * fm + (s === 0 ? 0 : n) * fs;
          const e = (d === 0 ? T.eX : T.eY)[s * M + m];
          const o = (d === 0 ? T.outX : T.outY)[s * M + m];
          dg[m * cm + (s === 0 ? 0 : n - 1) * cs] += sig * (o + e * v2b[f]);
        }
      }
    }
    if (!vcycle) return;
    // K = the mean of the four faces' coefficients in units of dt/h² (a wall face counts 0)
    const kx = T.dt / (T.dx * T.dx);
    const ky = T.dt / (T.dy * T.dy);
    const { meanCoef, mass } = this;
    for (let c = 0; c < N; c++) {
      const w = c % nx > 0 ? c - 1 : dirs[0] === null ? c + nx - 1 : -1;
      const so = c >= nx ? c - nx : dirs[1] === null ? c - nx + N : -1;
      meanCoef[c] = 0.25 * ((ax[c] + (w >= 0 ? ax[w] : 0)) / kx + (ay[c] + (so >= 0 ? ay[so] : 0)) / ky);
      mass[c] = dg[c];
    }
    this.scale(kx, ky);
  }

  /** y = L x. */
  apply(x: Float64Array, y: Float64Array): void {
    const { N, ax, ay, dg } = this;
    for (let c = 0; c < N; c++) y[c] = dg[c] * x[c];
    for (let c = 0; c < N; c++) {
      const e = this.east(c);
      if (e >= 0) {
        const t = ax[c] * (x[c] - x[e]);
        y[c] += t;
        y[e] -= t;
      }
      const n = this.north(c);
      if (n >= 0) {
        const t = ay[c] * (x[c] - x[n]);
        y[c] += t;
        y[n] -= t;
      }
    }
  }
}

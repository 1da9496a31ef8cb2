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
import { HelmholtzMG } from '../linear/multigrid.js';
import { pcg, PcgWork, type PcgResult, type SpdOperator } from '../linear/pcg.js';
import type { Direction2D, WallTransport2D } from '../transport/walls2d.js';

export class WallLimit2D {
  private readonly N: number;
  private readonly mg: HelmholtzMG;
  /** Face coefficients dt/h² <v²(1−γ)> Df of the face east of cell c (ax) and north of c (ay); 0 at a wall. */
  private readonly ax: Float64Array;
  private readonly ay: Float64Array;
  /** c0 + the walls' diagonal terms. */
  private readonly dg: Float64Array;
  private readonly isk: Float64Array;
  private readonly s: Float64Array;
  private readonly t: Float64Array;
  private readonly work: PcgWork;
  private readonly out: PcgResult = { iterations: 0, converged: true, relResidual: 0 };
  private readonly op: SpdOperator;
  /** CG iterations (summed). */
  iterations = 0;

  constructor(
    private readonly nx: number,
    private readonly ny: number,
    private readonly dirs: readonly [Direction2D, Direction2D],
  ) {
    const N = nx * ny;
    this.N = N;
    this.mg = new HelmholtzMG(nx, ny, { periodic: [dirs[0] === null, dirs[1] === null] });
    const f = () => new Float64Array(N);
    this.ax = f();
    this.ay = f();
    this.dg = f();
    this.isk = f();
    this.s = f();
    this.t = f();
    this.work = new PcgWork(N);
    this.op = {
      apply: (x, y) => this.apply(x, y),
      precondition: (r, z) => this.vcycle(r, z),
    };
  }

  /** This step's L from the prepared transport (its c0, dt, faces and wall terms). */
  prepare(T: WallTransport2D, eps: number): void {
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
      const n = d === 0 ? nx : ny;
      const M = d === 0 ? ny : nx;
      const dir = dirs[d];
      const cs = d === 0 ? 1 : nx;
      const cm = d === 0 ? nx : 1;
      const fs = d === 0 ? 1 : nx;
      const fm = d === 0 ? nx + 1 : 1;
      const a = d === 0 ? ax : ay;
      for (let m = 0; m < M; m++) {
        for (let F = dir === null ? 0 : 1; F < n; F++) {
          const cL = m * cm + (F === 0 ? n - 1 : F - 1) * cs;
          const f = m * fm + F * fs;
          a[cL] = kap * Df[f] * v2b[f];
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
    // Kirchhoff scaling: K = the mean of the four faces' coefficients in units of dt/h² (a wall face counts 0)
    const kx = T.dt / (T.dx * T.dx);
    const ky = T.dt / (T.dy * T.dy);
    const s = this.s;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const c = i + nx * j;
        const w = i > 0 ? c - 1 : dirs[0] === null ? c + nx - 1 : -1;
        const so = j > 0 ? c - nx : dirs[1] === null ? c - nx + N : -1;
        const k = 0.25 * ((ax[c] + (w >= 0 ? ax[w] : 0)) / kx + (ay[c] + (so >= 0 ? ay[so] : 0)) / ky);
        const kk = Math.max(k, 1e-300);
        this.isk[c] = 1 / Math.sqrt(kk);
        s[c] = dg[c] / kk;
      }
    }
    this.mg.setOperator(s, kx, ky);
  }

  /** y = L x. */
  apply(x: Float64Array, y: Float64Array): void {
    const { nx, ny, N, ax, ay, dg, dirs } = this;
    for (let c = 0; c < N; c++) y[c] = dg[c] * x[c];
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const c = i + nx * j;
        const e = i < nx - 1 ? c + 1 : dirs[0] === null ? c - nx + 1 : -1;
        if (e >= 0) {
          const t = ax[c] * (x[c] - x[e]);
          y[c] += t;
          y[e] -= t;
        }
        const n = j < ny - 1 ? c + nx : dirs[1] === null ? c + nx - N : -1;
        if (n >= 0) {
          const t = ay[c] * (x[c] - x[n]);
          y[c] += t;
          y[n] -= t;
        }
      }
    }
  }

  private vcycle(r: Float64Array, z: Float64Array): void {
    const { N, isk, t } = this;
    for (let p = 0; p < N; p++) t[p] = r[p] * isk[p];
    this.mg.precondition(t, z);
    for (let p = 0; p < N; p++) z[p] *= isk[p];
  }

  /** z ≈ L⁻¹ r to a relative residual rtol (z is overwritten). */
  solve(r: Float64Array, z: Float64Array, rtol: number): void {
    pcg(this.op, r, z, rtol, 500, this.work, this.out);
    this.iterations += this.out.iterations;
  }
}

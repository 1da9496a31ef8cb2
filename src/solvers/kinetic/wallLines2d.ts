/**
 * Factored line solves for the per-velocity blocks of the 2D walled kinetic solver's preconditioner
 * (./kinetic2dWalls.ts, docs/kinetic-scheme.md "Walls", 2D). The scaled h-row block of velocity k is
 *
 *   M̃_k = I + X_k + Y_k,   X_k = a⁻¹ σx u D(γ avg ·) along x with its wall faces' own terms, Y_k along y,
 *
 * (the same entries kinetic2dWalls.ts assembles into its banded matrices). It is approximated by the
 * product of its line operators (Beam & Warming's approximate factorisation),
 *
 *   M̃_k ≈ (I + X_k)(I + Y_k) = M̃_k + X_k Y_k,
 *
 * each factor a tridiagonal system per grid line (Thomas; bordering Thomas along a periodic direction, as
 * ../linear/periodicTridiag.ts), O(N) per velocity to factor and to solve where the banded LU costs
 * O(N b²) and O(N b) (b the cells across a line). The splitting term X_k Y_k is bounded by
 * ‖X_k‖∞ ‖Y_k‖∞ (`splitting()`): the caller uses the lines only where that product is small (the
 * preconditioner then differs from the exact block by a small relative perturbation and GMRES needs a
 * few more iterations, never a different answer: the system is solved to the same tolerance).
 * Like the banded LU, Thomas runs without pivoting: the lines are principal submatrices of M̃_k, whose
 * symmetric part is positive definite (relaxation plus centred transport and outgoing wall terms).
 *
 * Storage per velocity and direction: lo, the inverse pivots and cp = up · inv (N each), and for a
 * periodic direction the bordering column (N) and 1/Schur per line.
 */
import type { Direction2D, WallTransport2D } from '../transport/walls2d.js';

export class WallLines2D {
  private readonly N: number;
  private readonly lo: Float64Array[];
  private readonly inv: Float64Array[];
  private readonly cp: Float64Array[];
  private readonly z: Float64Array[];
  private readonly invS: Float64Array[];
  // assembly scratch (one line)
  private readonly la: Float64Array;
  private readonly da: Float64Array;
  private readonly ua: Float64Array;
  /** max over the active velocities of ‖X_k‖∞ and ‖Y_k‖∞ (the last factor()). */
  private readonly norms = new Float64Array(2);

  constructor(
    private readonly nx: number,
    private readonly ny: number,
    K: number,
    private readonly dirs: readonly [Direction2D, Direction2D],
  ) {
    const N = nx * ny;
    this.N = N;
    const f = () => [0, 1].map(() => new Float64Array(K * N));
    this.lo = f();
    this.inv = f();
    this.cp = f();
    this.z = [0, 1].map((d) => new Float64Array(dirs[d] === null ? K * N : 0));
    this.invS = [0, 1].map((d) => new Float64Array(dirs[d] === null ? K * (d === 0 ? ny : nx) : 0));
    const L = Math.max(nx, ny);
    this.la = new Float64Array(L);
    this.da = new Float64Array(L);
    this.ua = new Float64Array(L);
  }

  /** ‖X‖∞ ‖Y‖∞ over the velocities factored since the last reset(): a bound of the splitting term X_k Y_k. */
  splitting(): number {
    return this.norms[0] * this.norms[1];
  }

  reset(): void {
    this.norms.fill(0);
  }

  /** Assemble and factor the x- and y-lines of velocity k (transport T prepared for the step, ia = 1/a per cell). */
  factor(k: number, T: WallTransport2D, ia: Float64Array, eps: number): void {
    for (let d = 0 as 0 | 1; d < 2; d = (d + 1) as 0 | 1) this.factorDirection(k, d, T, ia, eps);
  }

  private factorDirection(k: number, d: 0 | 1, T: WallTransport2D, ia: Float64Array, eps: number): void {
    const { nx, ny, N } = this;
    const uk = d === 0 ? T.vx[k] : T.vy[k];
    const sig = (T.dt / (eps * (d === 0 ? T.dx : T.dy))) * uk;
    const gam = d === 0 ? T.gX : T.gY;
    const nf = d === 0 ? T.nfx : T.nfy;
    const n = d === 0 ? nx : ny;
    const M = d === 0 ? ny : nx;
    const dir = this.dirs[d];
    const cs = d === 0 ? 1 : nx;
    const cm = d === 0 ? nx : 1;
    const fs = d === 0 ? 1 : nx;
    const fm = d === 0 ? nx + 1 : 1;
    const { la, da, ua } = this;
    const lo = this.lo[d];
    const inv = this.inv[d];
    const cp = this.cp[d];
    const b = k * N;
    let norm = this.norms[d];
    for (let m = 0; m < M; m++) {
      la.fill(0, 0, n);
      ua.fill(0, 0, n);
      da.fill(0, 0, n);
      if (uk !== 0) {
        // the entries of kinetic2dWalls.ts assemble(), line by line (face F between cells F − 1 and F)
        for (let F = dir === null ? 0 : 1; F < n; F++) {
          const iL = F === 0 ? n - 1 : F - 1;
          const cL = m * cm + iL * cs;
          const cR = m * cm + F * cs;
          const g = gam[k * nf + m * fm + F * fs];
          if (g === 0) continue;
          const t = 0.5 * sig * g;
          da[iL] += ia[cL] * t;
          ua[iL] += ia[cL] * t;
          la[F] -= ia[cR] * t;
          da[F] -= ia[cR] * t;
        }
        if (dir !== null) {
          for (let s = 0; s < 2; s++) {
            const i = s === 0 ? 0 : n - 1;
            const c = m * cm + i * cs;
            const g = gam[k * nf + m * fm + (s === 0 ? 0 : n) * fs];
            const incoming = s === 0 ? uk > 0 : uk < 0;
            const self = dir[s].kind === 'specular' ? 0.5 * g : incoming ? 0 : g;
            if (self !== 0) da[i] += (s === 0 ? -sig : sig) * self * ia[c];
          }
        }
      }
      for (let i = 0; i < n; i++) {
        const r = Math.abs(la[i]) + Math.abs(da[i]) + Math.abs(ua[i]);
        if (r > norm) norm = r;
        da[i] += 1;
      }
      if (dir === null) this.factorPeriodic(d, k, m, n, b + m * cm, cs);
      else {
        // Thomas on the line (row i: la[i] x_{i-1} + da[i] x_i + ua[i] x_{i+1})
        let c = b + m * cm;
        let iv = 1 / da[0];
        inv[c] = iv;
        cp[c] = ua[0] * iv;
        lo[c] = 0;
        for (let i = 1; i < n; i++) {
          const cPrev = c;
          c += cs;
          iv = 1 / (da[i] - la[i] * cp[cPrev]);
          inv[c] = iv;
          cp[c] = ua[i] * iv;
          lo[c] = la[i];
        }
      }
    }
    this.norms[d] = norm;
  }

  /** Bordering Thomas (../linear/periodicTridiag.ts): the leading n − 1 rows, z = T⁻¹ e, 1/Schur. */
  private factorPeriodic(d: 0 | 1, k: number, m: number, n: number, c0: number, cs: number): void {
    const { la, da, ua } = this;
    const lo = this.lo[d];
    const inv = this.inv[d];
    const cp = this.cp[d];
    const z = this.z[d];
    const mm = n - 1;
    let c = c0;
    let iv = 1 / da[0];
    inv[c] = iv;
    cp[c] = ua[0] * iv;
    lo[c] = la[0];
    let zz = la[0] * iv;
    z[c] = zz;
    for (let i = 1; i < mm; i++) {
      const cPrev = c;
      c += cs;
      iv = 1 / (da[i] - la[i] * cp[cPrev]);
      inv[c] = iv;
      cp[c] = ua[i] * iv;
      lo[c] = la[i];
      zz = ((i === mm - 1 ? ua[i] : 0) - la[i] * zz) * iv;
      z[c] = zz;
    }
    // back substitution of z over the leading block
    for (let i = mm - 2; i >= 0; i--) {
      const ci = c0 + i * cs;
      z[ci] -= cp[ci] * z[ci + cs];
    }
    const cl = c0 + mm * cs;
    lo[cl] = la[mm];
    cp[cl] = ua[mm]; // the last row's upper coefficient (its neighbour is cell 0)
    this.invS[d][k * (d === 0 ? this.ny : this.nx) + m] = 1 / (da[mm] - la[mm] * z[cl - cs] - ua[mm] * z[c0]);
  }

  /** y ← (I + Y_k)⁻¹ (I + X_k)⁻¹ y on the block of velocity k (y[off + c], c = i + nx j). */
  solve(k: number, y: Float64Array, off: number): void {
    for (let d = 0 as 0 | 1; d < 2; d = (d + 1) as 0 | 1) {
      const { nx, ny } = this;
      const n = d === 0 ? nx : ny;
      const M = d === 0 ? ny : nx;
      const cs = d === 0 ? 1 : nx;
      const cm = d === 0 ? nx : 1;
      if (this.dirs[d] === null) this.solvePeriodic(d, k, y, off, n, M, cs, cm);
      else this.solveLines(d, k, y, off, n, M, cs, cm);
    }
  }

  private solveLines(d: 0 | 1, k: number, y: Float64Array, off: number, n: number, M: number, cs: number, cm: number): void {
    const lo = this.lo[d];
    const inv = this.inv[d];
    const cp = this.cp[d];
    const b = k * this.N;
    for (let m = 0; m < M; m++) {
      const c0 = m * cm;
      let c = c0;
      let v = y[off + c] * inv[b + c];
      y[off + c] = v;
      for (let i = 1; i < n; i++) {
        c += cs;
        v = (y[off + c] - lo[b + c] * v) * inv[b + c];
        y[off + c] = v;
      }
      for (let i = n - 2; i >= 0; i--) {
        c -= cs;
        v = y[off + c] - cp[b + c] * v;
        y[off + c] = v;
      }
    }
  }

  private solvePeriodic(d: 0 | 1, k: number, y: Float64Array, off: number, n: number, M: number, cs: number, cm: number): void {
    const lo = this.lo[d];
    const inv = this.inv[d];
    const cp = this.cp[d];
    const z = this.z[d];
    const invS = this.invS[d];
    const b = k * this.N;
    const mm = n - 1;
    for (let m = 0; m < M; m++) {
      const c0 = m * cm;
      let c = c0;
      let v = y[off + c] * inv[b + c];
      y[off + c] = v;
      for (let i = 1; i < mm; i++) {
        c += cs;
        v = (y[off + c] - lo[b + c] * v) * inv[b + c];
        y[off + c] = v;
      }
      for (let i = mm - 2; i >= 0; i--) {
        c -= cs;
        v = y[off + c] - cp[b + c] * v;
        y[off + c] = v;
      }
      const cl = c0 + mm * cs;
      const xl = (y[off + cl] - lo[b + cl] * y[off + cl - cs] - cp[b + cl] * y[off + c0]) * invS[k * M + m];
      y[off + cl] = xl;
      for (let i = 0; i < mm; i++) {
        const ci = c0 + i * cs;
        y[off + ci] -= xl * z[b + ci];
      }
    }
  }
}

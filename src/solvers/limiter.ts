/**
 * The conservative bound limiter of the micro–macro kinetic schemes (h = rho + q, <q> = 0): the
 * discrete maximum principle (paper Theorem 2.1: a <= h <= b with [a, b] = [min h_in, max h_in])
 * enforced after each step, for every equation whose collision operator has the maximum principle
 * (the BGK-type relaxation (1.2) and the Fokker–Planck operator (1.5)). docs/kinetic-scheme.md,
 * "Bound preservation", derives it:
 *
 *  1. the density is updated conservatively from the face mass fluxes, rho^{n+1} = rho^n − div F;
 *     if some rho^{n+1} leaves [a, b], the fluxes are limited by Zalesak FCT against the zero-flux
 *     solution rho^n (which is in [a, b]) — conservative, and rho^{n+1} ∈ [a, b] follows;
 *  2. per cell q is projected onto <q> = 0 (removing the linear solver's residual) and scaled,
 *     q ← θ q with the largest θ ∈ [0, 1] that puts rho + θ q_k in [a, b]: the cell's mass is
 *     unchanged, only the non-equilibrium part shrinks.
 *
 * No condition on dt or eps; it needs only rho^n ∈ [a, b] (induction). Cells where it acted are
 * marked in `limitedC` (the error estimate leaves them out). Periodic grids, cells x fastest.
 * V8: each hot loop nest is its own method (docs/kinetic-scheme.md).
 */
import { NumericalFailure } from './stepper.js';
import { plainAllocator, type Allocator } from './parallel/arena.js';

/** 1D: cells 0..N-1, face f = f+1/2 (face N-1 is the periodic face between cells N-1 and 0); q cell-major q[i*K + k]. */
export class BoundLimiter1D {
  /** Cells where the last call's limiter acted (FCT on an adjacent face, or q scaled): 1. */
  readonly limitedC: Uint8Array;
  private readonly Rp: Float64Array;
  private readonly Rm: Float64Array;

  constructor(
    readonly N: number,
    readonly K: number,
    readonly dx: number,
    readonly lo: number,
    readonly hi: number,
    readonly useLimiter: boolean,
    private readonly w: Float64Array,
    /** Who reports a non-finite state (e.g. 'KineticSolver'). */
    private readonly name: string,
  ) {
    this.limitedC = new Uint8Array(N);
    this.Rp = new Float64Array(N);
    this.Rm = new Float64Array(N);
  }

  /** rhoNew = rhoN − D F / dx, with FCT when it leaves the bounds; true when FCT acted. */
  limitDensity(rhoN: Float64Array, rhoNew: Float64Array, F: Float64Array): boolean {
    this.limitedC.fill(0);
    const out = this.updateRho(rhoN, rhoNew, F);
    if (out && this.useLimiter) {
      this.fct(rhoN, F);
      this.updateRho(rhoN, rhoNew, F);
      return true;
    }
    return false;
  }

  /** rhoNew = rhoN - D F / dx; whether some value left [lo, hi]. */
  updateRho(rhoN: Float64Array, rhoNew: Float64Array, F: Float64Array): boolean {
    const { N, dx, lo, hi } = this;
    const idx = 1 / dx;
    let out = false;
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? N - 1 : i - 1;
      const r = rhoN[i] - (F[i] - F[im]) * idx;
      rhoNew[i] = r;
      if (r > hi || r < lo) out = true;
    }
    return out;
  }

  /** Zalesak FCT with the zero-flux low-order solution rho^n (inside [lo, hi]): scales F in place. */
  fct(rhoN: Float64Array, F: Float64Array): void {
    const { N, dx, lo, hi, Rp, Rm } = this;
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? N - 1 : i - 1;
      const pin = Math.max(0, F[im]) + Math.max(0, -F[i]);
      const pout = Math.max(0, F[i]) + Math.max(0, -F[im]);
      // rho^n may sit an ulp outside [lo, hi] (the quadrature of h = lo): then Q < 0 and, with no flux
      // at all (P = 0), P > Q held and 0/0 gave NaN; compare with max(0, Q)
      const qp = Math.max(0, (hi - rhoN[i]) * dx);
      const qm = Math.max(0, (rhoN[i] - lo) * dx);
      Rp[i] = pin > qp ? qp / pin : 1;
      Rm[i] = pout > qm ? qm / pout : 1;
    }
    this.fctScale(F);
  }

  private fctScale(F: Float64Array): void {
    const { N, Rp, Rm, limitedC } = this;
    for (let f = 0; f < N; f++) {
      const fp = f + 1 === N ? 0 : f + 1;
      const C = F[f] >= 0 ? Math.min(Rm[f], Rp[fp]) : Math.min(Rp[f], Rm[fp]);
      if (C < 1) limitedC[f] = limitedC[fp] = 1;
      F[f] *= C;
    }
  }

  /** The q-scaling of projectQ for q already projected (per-cell extremes in qMaxC, qMinC); cells scaled. */
  limitProjected(rhoNew: Float64Array, qNew: Float64Array, qMaxC: Float64Array, qMinC: Float64Array): number {
    const { N, K, lo, hi } = this;
    const lim = this.useLimiter;
    let scaled = 0;
    for (let i = 0; i < N; i++) {
      const qmax = qMaxC[i];
      const qmin = qMinC[i];
      if (!Number.isFinite(qmax) || !Number.isFinite(qmin) || !Number.isFinite(rhoNew[i])) {
        throw new NumericalFailure(`${this.name}: non-finite state`, { cell: i });
      }
      if (lim) {
        const r = rhoNew[i];
        const theta = boundTheta(r, qmax, qmin, lo, hi);
        if (theta < 1) {
          this.limitedC[i] = 1;
          const b = i * K;
          for (let k = 0; k < K; k++) qNew[b + k] *= theta;
          scaled++;
        }
      }
    }
    return scaled;
  }

  /**
   * The first two loops of projectQ on the cells [i0, i1) (q −= <q>, the extremes of the new q into qMaxC,
   * qMinC): with limitProjected after it, projectQ's values (the 1D kinetic stepper's WebAssembly pairs of cells
   * take the rest, ../kinetic/kinetic1d.ts).
   */
  projectSums(qNew: Float64Array, qMaxC: Float64Array, qMinC: Float64Array, i0: number, i1: number): void {
    const { K, w } = this;
    for (let i = i0; i < i1; i++) {
      const b = i * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += w[k] * qNew[b + k];
      let qmax = -Infinity;
      let qmin = Infinity;
      for (let k = 0; k < K; k++) {
        const val = qNew[b + k] - s;
        qNew[b + k] = val;
        if (val > qmax) qmax = val;
        if (val < qmin) qmin = val;
      }
      qMaxC[i] = qmax;
      qMinC[i] = qmin;
    }
  }

  /**
   * Project q onto <q> = 0 (removes the solver residual), then scale q towards rho into bounds; cells scaled.
   * projectSums on every cell, then limitProjected (each cell's operations as they were in one loop).
   */
  projectQ(rhoNew: Float64Array, qNew: Float64Array): number {
    const qmax = (this.qMaxW ??= new Float64Array(this.N));
    const qmin = (this.qMinW ??= new Float64Array(this.N));
    this.projectSums(qNew, qmax, qmin, 0, this.N);
    return this.limitProjected(rhoNew, qNew, qmax, qmin);
  }

  /** projectQ's per-cell extremes (made at its first call). */
  private qMaxW?: Float64Array;
  private qMinW?: Float64Array;
}

/**
 * 2D: cells p = i + nx j; x face p is between p and its east neighbour, y face p between p and its
 * north neighbour; q velocity-major q[k*N + p] (contiguous passes).
 */
export class BoundLimiter2D {
  readonly limitedC: Uint8Array;
  private readonly N: number;
  private readonly Rp: Float64Array;
  private readonly Rm: Float64Array;
  /** Work arrays of projectQ (per cell: <q> then theta, and the extremes of q), for projectQCells on shared memory. */
  readonly sum: Float64Array;
  readonly qmax: Float64Array;
  readonly qmin: Float64Array;

  constructor(
    readonly nx: number,
    readonly ny: number,
    readonly K: number,
    readonly dx: number,
    readonly dy: number,
    readonly lo: number,
    readonly hi: number,
    readonly useLimiter: boolean,
    private readonly w: Float64Array,
    private readonly name: string,
    alloc: Allocator = plainAllocator,
  ) {
    const N = nx * ny;
    this.N = N;
    this.limitedC = alloc.u8(N);
    this.Rp = alloc.f64(N);
    this.Rm = alloc.f64(N);
    this.sum = alloc.f64(N);
    this.qmax = alloc.f64(N);
    this.qmin = alloc.f64(N);
  }

  /** rho^{n+1} = rho^n − div F with FCT when it leaves the bounds; true when FCT acted. */
  limitDensity(rN: Float64Array, r: Float64Array, Fx: Float64Array, Fy: Float64Array): boolean {
    this.limitedC.fill(0);
    if (this.updateDensity(rN, r, Fx, Fy) && this.useLimiter) {
      // Zalesak FCT against the zero-flux solution rho^n; mass units per cell: F/dx (x), F/dy (y)
      this.fctRatios(rN, Fx, Fy);
      this.fctScale(Fx, Fy);
      this.updateDensity(rN, r, Fx, Fy);
      return true;
    }
    return false;
  }

  /** rho^{n+1} = rho^n − div F (telescoping: mass to round-off); true when it leaves [lo, hi]. */
  updateDensity(rN: Float64Array, r: Float64Array, Fx: Float64Array, Fy: Float64Array): boolean {
    const { nx, ny, dx, dy, lo, hi } = this;
    let out = false;
    for (let j = 0; j < ny; j++) {
      const js = j === 0 ? ny - 1 : j - 1;
      for (let i = 0; i < nx; i++) {
        const iw = i === 0 ? nx - 1 : i - 1;
        const p = i + nx * j;
        const v = rN[p] - (Fx[p] - Fx[iw + nx * j]) / dx - (Fy[p] - Fy[i + nx * js]) / dy;
        r[p] = v;
        if (v > hi || v < lo) out = true;
      }
    }
    return out;
  }

  private fctRatios(rN: Float64Array, Fx: Float64Array, Fy: Float64Array): void {
    const { nx, ny, dx, dy, lo, hi } = this;
    for (let j = 0; j < ny; j++) {
      const js = j === 0 ? ny - 1 : j - 1;
      for (let i = 0; i < nx; i++) {
        const iw = i === 0 ? nx - 1 : i - 1;
        const p = i + nx * j;
        const fe = Fx[p] / dx;
        const fw = Fx[iw + nx * j] / dx;
        const fn = Fy[p] / dy;
        const fs = Fy[i + nx * js] / dy;
        const pin = Math.max(0, fw) + Math.max(0, -fe) + Math.max(0, fs) + Math.max(0, -fn);
        const pout = Math.max(0, fe) + Math.max(0, -fw) + Math.max(0, fn) + Math.max(0, -fs);
        const qp = hi - rN[p];
        const qm = rN[p] - lo;
        this.Rp[p] = pin > Math.max(0, qp) ? Math.max(0, qp) / pin : 1;
        this.Rm[p] = pout > Math.max(0, qm) ? Math.max(0, qm) / pout : 1;
      }
    }
  }

  private fctScale(Fx: Float64Array, Fy: Float64Array): void {
    const { nx, ny, limitedC } = this;
    for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      for (let i = 0; i < nx; i++) {
        const ie = i + 1 === nx ? 0 : i + 1;
        const p = i + nx * j;
        const pe = ie + nx * j;
        const pn = i + nx * jn;
        const cx = Fx[p] >= 0 ? Math.min(this.Rm[p], this.Rp[pe]) : Math.min(this.Rp[p], this.Rm[pe]);
        const cy = Fy[p] >= 0 ? Math.min(this.Rm[p], this.Rp[pn]) : Math.min(this.Rp[p], this.Rm[pn]);
        if (cx < 1) limitedC[p] = limitedC[pe] = 1;
        if (cy < 1) limitedC[p] = limitedC[pn] = 1;
        Fx[p] *= cx;
        Fy[p] *= cy;
      }
    }
  }

  /**
   * Project q onto <q> = 0 (removes the solver residual), then scale q towards rho into bounds;
   * velocity-major passes (contiguous). Returns the number of cells scaled.
   */
  projectQ(r: Float64Array, q: Float64Array): number {
    const n = projectQCells(this.N, this.K, this.w, this.lo, this.hi, this.useLimiter, r, q, this.sum, this.qmax, this.qmin, this.limitedC, 0, this.N);
    if (n < 0) throw new NumericalFailure(`${this.name}: non-finite state`, { cell: -n - 1 });
    return n;
  }
}

/**
 * The per-cell part of BoundLimiter2D.projectQ on the cells [p0, p1) (velocity-major q[k*N + p], each
 * cell's velocities in order: the same operations for any split of the cells, so threads may share it):
 * sum = <q>, q -= sum, the extremes of q (weightedSumCells, subtractExtremesCells), theta per cell into
 * sum (thetaCells; cells scaled are marked in limitedC), q *= theta (scaleCells, when some cell is scaled).
 * Returns the number of cells scaled, or −(p+1) for the first cell p with a non-finite value.
 * The 2D kinetic stepper runs the passes over q as WebAssembly where it can (../kinetic/cells2d.ts).
 */
export function projectQCells(
  N: number,
  K: number,
  w: Float64Array,
  lo: number,
  hi: number,
  useLimiter: boolean,
  r: Float64Array,
  q: Float64Array,
  sum: Float64Array,
  qmax: Float64Array,
  qmin: Float64Array,
  limitedC: Uint8Array,
  p0: number,
  p1: number,
): number {
  weightedSumCells(N, K, w, q, sum, p0, p1);
  subtractExtremesCells(N, K, q, sum, qmax, qmin, p0, p1);
  const scaled = thetaCells(lo, hi, useLimiter, r, sum, qmax, qmin, limitedC, p0, p1);
  if (scaled > 0) scaleCells(N, K, q, sum, p0, p1);
  return scaled;
}

/**
 * projectQCells' per-cell θ from the extremes (into `theta`, which held <q>), cells scaled marked in limitedC:
 * the number of cells scaled, or −(p+1) for the first cell p with a non-finite value (cells after it untouched).
 */
export function thetaCells(
  lo: number,
  hi: number,
  useLimiter: boolean,
  r: Float64Array,
  theta: Float64Array,
  qmax: Float64Array,
  qmin: Float64Array,
  limitedC: Uint8Array,
  p0: number,
  p1: number,
): number {
  let scaled = 0;
  for (let p = p0; p < p1; p++) {
    if (!Number.isFinite(qmax[p]) || !Number.isFinite(qmin[p]) || !Number.isFinite(r[p])) return -(p + 1);
    let th = 1;
    if (useLimiter) {
      th = boundTheta(r[p], qmax[p], qmin[p], lo, hi);
      if (th < 1) {
        scaled++;
        limitedC[p] = 1;
      }
    }
    theta[p] = th;
  }
  return scaled;
}

export function weightedSumCells(N: number, K: number, w: Float64Array, q: Float64Array, sum: Float64Array, p0: number, p1: number): void {
  for (let p = p0; p < p1; p++) sum[p] = 0;
  for (let k = 0; k < K; k++) {
    const b = k * N;
    const wk = w[k];
    for (let p = p0; p < p1; p++) sum[p] += wk * q[b + p];
  }
}

export function subtractExtremesCells(N: number, K: number, q: Float64Array, sum: Float64Array, qmax: Float64Array, qmin: Float64Array, p0: number, p1: number): void {
  for (let p = p0; p < p1; p++) {
    qmax[p] = -Infinity;
    qmin[p] = Infinity;
  }
  for (let k = 0; k < K; k++) {
    const b = k * N;
    for (let p = p0; p < p1; p++) {
      const v = q[b + p] - sum[p];
      q[b + p] = v;
      if (v > qmax[p]) qmax[p] = v;
      if (v < qmin[p]) qmin[p] = v;
    }
  }
}

export function scaleCells(N: number, K: number, q: Float64Array, theta: Float64Array, p0: number, p1: number): void {
  for (let k = 0; k < K; k++) {
    const b = k * N;
    for (let p = p0; p < p1; p++) q[b + p] *= theta[p];
  }
}

/** The largest θ ∈ [0, 1] that puts r + θ q in [lo, hi] for q between qmin ≤ 0 ≤ qmax (1D and 2D projections). */
function boundTheta(r: number, qmax: number, qmin: number, lo: number, hi: number): number {
  let theta = 1;
  if (r + qmax > hi) theta = Math.min(theta, Math.max(0, hi - r) / qmax);
  if (r + qmin < lo) theta = Math.min(theta, Math.max(0, r - lo) / -qmin);
  return theta;
}

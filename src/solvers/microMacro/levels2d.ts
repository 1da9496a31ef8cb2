/**
 * The 2D time levels of the micro–macro kinetic steppers (q velocity-major q[k*N + p], for the line solves),
 * their checkpoint layout and the error estimate's per-cell sums on them; what 1D and 2D share is ./levels.ts.
 */
import type { StepperState, Tolerances } from '../stepper.js';
import { milneConstant, predictorCoefficients } from '../errorEstimate.js';
import { plainAllocator, type Allocator } from '../parallel/arena.js';
import { estimateMaxCells, newLevelId, stateArray } from './levels.js';

/** 2D time levels (q velocity-major q[k*N + p]); face mass fluxes per direction. */
export class Levels2D {
  rhoN: Float64Array;
  qN: Float64Array;
  rhoOld: Float64Array;
  qOld: Float64Array;
  rhoOld2: Float64Array;
  qOld2: Float64Array;
  FxPrev: Float64Array;
  FyPrev: Float64Array;
  rhoNew: Float64Array;
  qNew: Float64Array;
  FxNew: Float64Array;
  FyNew: Float64Array;
  dtPrev = 0;
  dtPrev2 = 0;
  /** MicroLevel ids of the current and the previous level (new ones at every commit and restore). */
  idN = newLevelId();
  idOld = newLevelId();
  time = 0;
  place = -1;
  noise = 0;
  private readonly pc = new Float64Array(3);
  private readonly er: Float64Array;
  private readonly filt: Float64Array;
  private readonly se: Float64Array;
  private readonly sy: Float64Array;

  constructor(
    readonly N: number,
    readonly K: number,
    private readonly w: Float64Array,
    h0: Float64Array,
    alloc: Allocator = plainAllocator,
  ) {
    const f = (): Float64Array => alloc.f64(N);
    const fk = (): Float64Array => alloc.f64(N * K);
    this.rhoN = f();
    this.qN = fk();
    this.rhoOld = f();
    this.qOld = fk();
    this.rhoOld2 = f();
    this.qOld2 = fk();
    this.FxPrev = f();
    this.FyPrev = f();
    this.rhoNew = f();
    this.qNew = fk();
    this.FxNew = f();
    this.FyNew = f();
    this.er = f();
    this.filt = f();
    this.se = f();
    this.sy = f();
    // The other levels are written whole by the first steps (qNew at each, qOld and qOld2 as the levels rotate),
    // on every thread of the stepper at once. Fresh memory is mapped in page by page on its first write, and those
    // page faults cost several times more taken by two threads together in the first steps than here on one
    // (128² × 12², 2 threads: 54 MB; see docs/kinetic-scheme.md "Speed"). Writing the zeros they hold changes nothing.
    for (const level of [this.qOld, this.qOld2, this.qNew]) level.fill(0);
    for (let p = 0; p < N; p++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += w[k] * h0[p * K + k];
      this.rhoN[p] = s;
      for (let k = 0; k < K; k++) this.qN[k * N + p] = h0[p * K + k] - s;
    }
  }

  /** Accept the attempt: rotate the levels old2 <- old <- n <- new. */
  commit(dt: number): void {
    let t: Float64Array = this.rhoOld2;
    this.rhoOld2 = this.rhoOld;
    this.rhoOld = this.rhoN;
    this.rhoN = this.rhoNew;
    this.rhoNew = t;
    t = this.qOld2;
    this.qOld2 = this.qOld;
    this.qOld = this.qN;
    this.qN = this.qNew;
    this.qNew = t;
    t = this.FxPrev;
    this.FxPrev = this.FxNew;
    this.FxNew = t;
    t = this.FyPrev;
    this.FyPrev = this.FyNew;
    this.FyNew = t;
    this.dtPrev2 = this.dtPrev;
    this.dtPrev = dt;
    this.idOld = this.idN;
    this.idN = newLevelId();
    this.time += dt;
  }

  /** As Levels1D.estimate, with velocity-major passes. */
  estimate(dt: number, order: 1 | 2, c0: number, aC: Float64Array, limitedC: Uint8Array, tol: Tolerances, solveStop: number): number {
    const K = this.estimateBegin(dt, order, c0, aC);
    if (Number.isNaN(K)) return NaN;
    const pc = this.pc;
    estimateSumsCells(this.N, this.K, this.w, this.rhoN, this.qN, this.qOld, this.qOld2, this.qNew, this.er, this.filt, this.se, this.sy, pc[0], pc[1], pc[2], 0, this.N);
    return this.estimateEnd(K, limitedC, tol, solveStop);
  }

  /**
   * The estimate in three parts (so that threads can share the middle one, estimateSumsCells on cell
   * ranges with the arrays `estimateArrays()` and the predictor coefficients `predictor`): the Milne
   * constant (NaN while the history is short) and the density part of the difference and the filter.
   */
  estimateBegin(dt: number, order: 1 | 2, c0: number, aC: Float64Array): number {
    this.place = -1;
    if (!(this.dtPrev > 0 && this.dtPrev2 > 0)) return NaN;
    const K = Math.abs(milneConstant(order, dt, this.dtPrev, this.dtPrev2));
    const [p0, p1, p2] = predictorCoefficients(dt, this.dtPrev, this.dtPrev2, this.pc);
    const { N, er, filt } = this;
    for (let p = 0; p < N; p++) {
      er[p] = this.rhoNew[p] - (p0 * this.rhoN[p] + p1 * this.rhoOld[p] + p2 * this.rhoOld2[p]);
      filt[p] = c0 / aC[p];
    }
    return K;
  }

  /** The predictor coefficients of the last estimateBegin. */
  get predictor(): Float64Array {
    return this.pc;
  }

  /** The estimate's work arrays (per cell): density difference, filter, and the sums Σ w e², Σ w y². */
  estimateArrays(): { er: Float64Array; filt: Float64Array; se: Float64Array; sy: Float64Array } {
    return { er: this.er, filt: this.filt, se: this.se, sy: this.sy };
  }

  /** The weighted max over the cells (left out: limited cells) once the sums are in place. */
  estimateEnd(K: number, limitedC: Uint8Array, tol: Tolerances, solveStop: number): number {
    const pc = this.pc;
    return estimateMaxCells(this, this.N, this.se, this.sy, K, pc[0], pc[1], pc[2], limitedC, tol, solveStop);
  }

  h(out: Float64Array): Float64Array {
    transposeH(this.N, this.K, this.rhoN, this.qN, out);
    return out;
  }

  /** Whether every h = rho + q at t_n (transposeH's sums) lies in [lo, hi] (NaN fails): one pass over q as stored. */
  hWithin(lo: number, hi: number): boolean {
    const { N, K, rhoN, qN } = this;
    let ok = true;
    for (let k = 0; k < K; k++) {
      const o = k * N;
      for (let i = 0; i < N; i++) {
        const x = rhoN[i] + qN[o + i];
        ok = ok && x >= lo && x <= hi;
      }
      if (!ok) return false;
    }
    return true;
  }

  previousH(out: Float64Array): number {
    if (!(this.dtPrev > 0)) return 0;
    transposeH(this.N, this.K, this.rhoOld, this.qOld, out);
    return this.dtPrev;
  }

  q(i: number, k: number): number {
    return this.qN[k * this.N + i];
  }

  flux(out: Float64Array, vd: Float64Array): Float64Array {
    const { N, K, w, qN } = this;
    // velocity outside (q is velocity-major): the same sums in the same order as cell by cell
    out.fill(0, 0, N);
    for (let k = 0; k < K; k++) {
      const c = w[k] * vd[k];
      const o = k * N;
      for (let i = 0; i < N; i++) out[i] += c * qN[o + i];
    }
    return out;
  }

  /** Both fluxes in one pass over q: the same sums in the same order as flux(out[0], v[0]) and flux(out[1], v[1]). */
  fluxes(out: readonly Float64Array[], v: readonly Float64Array[]): void {
    const { N, K, w, qN } = this;
    const [ox, oy] = out;
    const [vx, vy] = v;
    ox.fill(0, 0, N);
    oy.fill(0, 0, N);
    for (let k = 0; k < K; k++) {
      const cx = w[k] * vx[k];
      const cy = w[k] * vy[k];
      const o = k * N;
      for (let i = 0; i < N; i++) {
        const q = qN[o + i];
        ox[i] += cx * q;
        oy[i] += cy * q;
      }
    }
  }

  save(steps: number, lastError: number, copy = true): StepperState {
    const c = (a: Float64Array) => (copy ? a.slice() : a);
    return {
      rho: c(this.rhoN), q: c(this.qN), rhoOld: c(this.rhoOld), qOld: c(this.qOld), rhoOld2: c(this.rhoOld2), qOld2: c(this.qOld2),
      FxPrev: c(this.FxPrev), FyPrev: c(this.FyPrev), dtPrev: this.dtPrev, dtPrev2: this.dtPrev2, time: this.time, steps, lastError,
    };
  }

  restore(state: StepperState, who: string): number {
    const get = (key: string) => stateArray(state, key, who);
    this.idN = newLevelId();
    this.idOld = newLevelId();
    this.rhoN.set(get('rho'));
    this.qN.set(get('q'));
    this.rhoOld.set(get('rhoOld'));
    this.qOld.set(get('qOld'));
    this.rhoOld2.set(get('rhoOld2'));
    this.qOld2.set(get('qOld2'));
    this.FxPrev.set(get('FxPrev'));
    this.FyPrev.set(get('FyPrev'));
    this.dtPrev = Number(state.dtPrev);
    this.dtPrev2 = Number(state.dtPrev2);
    this.time = Number(state.time);
    return Number(state.steps);
  }
}

/**
 * The error estimate's per-cell sums on the cells [c0, c1) (Levels2D, velocity-major q[k*N + p]):
 * se = Σ_k w_k e_k², sy = Σ_k w_k (rho^n + q^n_k)², e_k = er + filt (qNew_k − P q_k), P the predictor
 * with coefficients p0, p1, p2.
 * Each cell's velocities are summed in order: the same for any split of the cells.
 */
export function estimateSumsCells(
  N: number,
  nv: number,
  w: Float64Array,
  rhoN: Float64Array,
  qN: Float64Array,
  qOld: Float64Array,
  qOld2: Float64Array,
  qNew: Float64Array,
  er: Float64Array,
  filt: Float64Array,
  se: Float64Array,
  sy: Float64Array,
  p0: number,
  p1: number,
  p2: number,
  c0: number,
  c1: number,
): void {
  for (let p = c0; p < c1; p++) {
    se[p] = 0;
    sy[p] = 0;
  }
  for (let k = 0; k < nv; k++) {
    const b = k * N;
    const wk = w[k];
    for (let p = c0; p < c1; p++) {
      const i = b + p;
      const e = er[p] + filt[p] * (qNew[i] - (p0 * qN[i] + p1 * qOld[i] + p2 * qOld2[i]));
      const y = rhoN[p] + qN[i];
      se[p] += wk * e * e;
      sy[p] += wk * y * y;
    }
  }
}

/** out[i K + k] = rho[i] + q[k N + i] (velocity-major q to cell-major h), by blocks of cells that stay in cache. */
function transposeH(N: number, K: number, rho: Float64Array, q: Float64Array, out: Float64Array): void {
  for (let b0 = 0; b0 < N; b0 += 64) {
    const b1 = Math.min(N, b0 + 64);
    for (let k = 0; k < K; k++) {
      const o = k * N;
      for (let i = b0; i < b1; i++) out[i * K + k] = rho[i] + q[o + i];
    }
  }
}


/**
 * What the micro–macro kinetic steppers share (h = f/M = rho + q, <q> = Σ_k w_k q_k = 0, q stored
 * apart from rho so that h − rho = O(eps) does not cancel at eps = 1e-8): the time levels with
 * their checkpoint layout and the Milne local error estimate on them (src/solvers/errorEstimate.ts);
 * the solver facade over them is ./facade.ts; the 2D levels are ./levels2d.ts. Used by the kinetic AP scheme
 * for (1.2) (solvers/kinetic).
 *
 * Layouts: 1D q cell-major q[i*K + k] (one pass over the cells updates all velocities), 2D q
 * velocity-major q[k*N + p] (line solves); saved states keep the velocity-major layout in both.
 *
 * The estimate is ||K (h^{n+1} − P)||_w, P the quadratic predictor through the last three levels, in
 * the per-cell L²(M dv) norm over the nodes (stepper.ts). The non-equilibrium part is filtered by
 * c0 / a_i, a_i = c0 + dt × (the slowest relaxation rate of q in cell i): its relaxation is stiff (the
 * corrector's error of a component decaying at rate μ is the non-stiff one times c0/(c0 + dt μ)), so
 * an initial layer far shorter than the step (eps -> 0) does not shrink the step, one comparable to
 * it (intermediate eps) does. Cells where the bound limiter acted are left out: there the values are
 * set by the maximum principle, not by the time integration, and their kink in time is no truncation
 * error (without this, data touching its bounds drove the step to 1e-10 at eps = 1).
 */
import type { StepperState, Tolerances } from '../stepper.js';
import { milneConstant, predictorCoefficients } from '../errorEstimate.js';
import { plainAllocator, type Allocator, type ArenaArray } from '../parallel/arena.js';
import type { WasmKernels } from '../wasm/kernels.js';

export interface MicroMacroCounters {
  /** Steps taken, including the extra ones of split steps. */
  steps: number;
  /** 2D: extra steps because a step had to be split into halves (the Schur solve did not converge). */
  substeps: number;
  /** Total Krylov iterations of the implicit solves. */
  solverIterations: number;
  maxSolverIterations: number;
  /** Steps in which the density flux limiter (FCT) changed a flux. */
  rhoLimiterSteps: number;
  /** Cells in which the non-equilibrium part q was scaled down (summed over steps). */
  hLimiterCells: number;
}

export function newCounters(): MicroMacroCounters {
  return { steps: 0, substeps: 0, solverIterations: 0, maxSolverIterations: 0, rhoLimiterSteps: 0, hLimiterCells: 0 };
}

/** A checkpoint entry that must be a Float64Array. */
export function stateArray(state: StepperState, key: string, who: string): Float64Array {
  const x = state[key];
  if (!(x instanceof Float64Array)) throw new RangeError(`${who}.restoreState: missing ${key}`);
  return x;
}

/**
 * 1D time levels: rho, q at t_n (N), t_{n-1} (Old), t_{n-2} (Old2), the attempt's new level, and the face
 * mass flux of the last step (integrated over the step: rho^n − rho^{n−1} = −D Fprev, BDF2's history).
 */
/** A time level of a micro–macro state as stored (MicroMacroSolver.microLevel): rho per cell, q of cell i, velocity k at q[i * cellStride + k * velocityStride]. */
export interface MicroLevel {
  rho: Float64Array;
  q: Float64Array;
  cellStride: number;
  velocityStride: number;
  /** Names this state: the same id means the same numbers (ids are never reused in a process), so diagnostics may cache by it. */
  id?: number;
}

let lastLevelId = 0;
/** A fresh level id (MicroLevel.id). */
export function newLevelId(): number {
  return ++lastLevelId;
}

export class Levels1D {
  rhoN: Float64Array;
  qN: Float64Array;
  rhoOld: Float64Array;
  qOld: Float64Array;
  rhoOld2: Float64Array;
  qOld2: Float64Array;
  Fprev: Float64Array;
  rhoNew: Float64Array;
  qNew: Float64Array;
  Fnew: Float64Array;
  dtPrev = 0;
  dtPrev2 = 0;
  /** MicroLevel ids of the current and the previous level (new ones at every commit and restore). */
  idN = newLevelId();
  idOld = newLevelId();
  time = 0;
  /** The last estimate's cell of the largest error (-1: none) and its solver-noise level. */
  place = -1;
  noise = 0;
  private readonly pc = new Float64Array(3);
  /** The estimate's per-cell sums Σ w e², Σ w y². */
  private readonly se: Float64Array;
  private readonly sy: Float64Array;
  private wasm: WasmKernels | null = null;
  private wasmW: Float64Array | null = null;
  private readonly wasmBuffers = new Set<ArrayBufferLike>();

  constructor(
    readonly N: number,
    readonly K: number,
    private readonly w: Float64Array,
    h0: Float64Array,
    /** Number of faces with a mass flux: N on the periodic line, N + 1 on an interval with walls. */
    faces = N,
    /** Where the level arrays live (a SharedArena on a WebAssembly.Memory for the 1D kinetic kernels). */
    alloc: Allocator = plainAllocator,
  ) {
    this.rhoN = alloc.f64(N);
    this.qN = alloc.f64(N * K);
    this.rhoOld = alloc.f64(N);
    this.qOld = alloc.f64(N * K);
    this.rhoOld2 = alloc.f64(N);
    this.qOld2 = alloc.f64(N * K);
    this.Fprev = alloc.f64(faces);
    this.rhoNew = alloc.f64(N);
    this.qNew = alloc.f64(N * K);
    this.Fnew = alloc.f64(faces);
    this.se = alloc.f64(N);
    this.sy = alloc.f64(N);
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += w[k] * h0[i * K + k];
      this.rhoN[i] = s;
      for (let k = 0; k < K; k++) this.qN[i * K + k] = h0[i * K + k] - s;
    }
  }

  /** Accept the attempt: rotate the levels old2 <- old <- n <- new. */
  commit(dt: number): void {
    const ro = this.rhoOld2;
    this.rhoOld2 = this.rhoOld;
    this.rhoOld = this.rhoN;
    this.rhoN = this.rhoNew;
    this.rhoNew = ro;
    const qo = this.qOld2;
    this.qOld2 = this.qOld;
    this.qOld = this.qN;
    this.qN = this.qNew;
    this.qNew = qo;
    const fo = this.Fprev;
    this.Fprev = this.Fnew;
    this.Fnew = fo;
    this.dtPrev2 = this.dtPrev;
    this.dtPrev = dt;
    this.idOld = this.idN;
    this.idN = newLevelId();
    this.time += dt;
  }

  /** The Milne estimate of the attempt in rhoNew, qNew (see the header); NaN while the history is short. */
  estimate(dt: number, order: 1 | 2, c0: number, aC: Float64Array, limitedC: Uint8Array, tol: Tolerances, solveStop: number): number {
    this.place = -1;
    if (!(this.dtPrev > 0 && this.dtPrev2 > 0)) return NaN;
    const K = Math.abs(milneConstant(order, dt, this.dtPrev, this.dtPrev2));
    const [p0, p1, p2] = predictorCoefficients(dt, this.dtPrev, this.dtPrev2, this.pc);
    return this.estimateLoop(K, p0, p1, p2, c0, aC, limitedC, tol, solveStop);
  }

  private estimateLoop(K: number, p0: number, p1: number, p2: number, c0: number, aC: Float64Array, limitedC: Uint8Array, tol: Tolerances, solveStop: number): number {
    const N = this.N;
    let i0 = 0;
    const wasm = this.wasm;
    const w = this.wasmW;
    if (wasm && w && this.wasmBuffers.has(aC.buffer)) {
      i0 = N - (N & 1);
      if (i0 > 0) {
        wasm.estimateSums1D(this.K, w.byteOffset, this.rhoNew.byteOffset, this.rhoN.byteOffset, this.rhoOld.byteOffset, this.rhoOld2.byteOffset, this.qNew.byteOffset, this.qN.byteOffset, this.qOld.byteOffset, this.qOld2.byteOffset, aC.byteOffset, this.se.byteOffset, this.sy.byteOffset, p0, p1, p2, c0, 0, i0);
      }
    }
    if (i0 < N) this.cellSums(p0, p1, p2, c0, aC, i0, N);
    return estimateMaxCells(this, this.N, this.se, this.sy, K, p0, p1, p2, limitedC, tol, solveStop);
  }

  /** Per cell i in [i0, i1): se = Σ_k w_k e_k², sy = Σ_k w_k y_k² (velocities in order; ../wasm/cells1d.wat's twin). */
  private cellSums(p0: number, p1: number, p2: number, c0: number, aC: Float64Array, i0: number, i1: number): void {
    const { K: nv, w, rhoN, rhoOld, rhoOld2, qN, qOld, qOld2, se: seC, sy: syC } = this;
    const rhoNew = this.rhoNew;
    const qNew = this.qNew;
    for (let i = i0; i < i1; i++) {
      const er = rhoNew[i] - (p0 * rhoN[i] + p1 * rhoOld[i] + p2 * rhoOld2[i]);
      const filt = c0 / aC[i];
      const r = rhoN[i];
      const b = i * nv;
      let se = 0;
      let sy = 0;
      for (let k = 0; k < nv; k++) {
        const p = b + k;
        const e = er + filt * (qNew[p] - (p0 * qN[p] + p1 * qOld[p] + p2 * qOld2[p]));
        const y = r + qN[p];
        se += w[k] * e * e;
        sy += w[k] * y * y;
      }
      seC[i] = se;
      syC[i] = sy;
    }
  }

  /**
   * Let the estimate's per-cell sums run as WebAssembly (../wasm/cells1d.wat, the same bytes): this level's
   * arrays must live in the kernels' memory (its allocator a SharedArena there, `arrays` that arena's), `w` a
   * copy of the weights there; a filter array (aC) outside it keeps the JavaScript.
   */
  attachWasm(wasm: WasmKernels, w: Float64Array, arrays: readonly ArenaArray[]): void {
    this.wasm = wasm;
    this.wasmW = w;
    for (const a of arrays) this.wasmBuffers.add(a.buffer);
  }

  /** Whether every h = rho + q at t_n lies in [lo, hi] (NaN fails), without building h. */
  hWithin(lo: number, hi: number): boolean {
    const { N, K, rhoN, qN } = this;
    for (let i = 0; i < N; i++) {
      const r = rhoN[i];
      const b = i * K;
      for (let k = 0; k < K; k++) {
        const x = r + qN[b + k];
        if (!(x >= lo && x <= hi)) return false;
      }
    }
    return true;
  }

  /** h = rho + q at t_n, cells x velocities (velocity fastest). */
  h(out: Float64Array): Float64Array {
    const { N, K, rhoN, qN } = this;
    for (let i = 0; i < N; i++) {
      const r = rhoN[i];
      const b = i * K;
      for (let k = 0; k < K; k++) out[b + k] = r + qN[b + k];
    }
    return out;
  }

  /** h at t_{n-1} into out; the length of the last step (0 before the first). */
  previousH(out: Float64Array): number {
    const { N, K, rhoOld, qOld, dtPrev } = this;
    if (!(dtPrev > 0)) return 0;
    for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) out[i * K + k] = rhoOld[i] + qOld[i * K + k];
    return dtPrev;
  }

  q(i: number, k: number): number {
    return this.qN[i * this.K + k];
  }

  /** j = Σ_k w_k v_k h_k = Σ_k w_k v_k q_k at cell centres. */
  flux(out: Float64Array, v: Float64Array): Float64Array {
    const { N, K, w, qN } = this;
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += w[k] * v[k] * qN[i * K + k];
      out[i] = s;
    }
    return out;
  }

  /** q in the velocity-major layout q[k*N + i] of saved states (checkpoints written before the layout change). */
  private velocityMajor(q: Float64Array): Float64Array {
    const { N, K } = this;
    const out = new Float64Array(N * K);
    for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) out[k * N + i] = q[i * K + k];
    return out;
  }

  private fromVelocityMajor(src: Float64Array, q: Float64Array, who: string): void {
    const { N, K } = this;
    if (src.length !== N * K) throw new RangeError(`${who}.restoreState: q must have ${N * K} entries`);
    for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) q[i * K + k] = src[k * N + i];
  }

  save(steps: number, lastError: number, copy = true): StepperState {
    const c = (a: Float64Array) => (copy ? a.slice() : a);
    return {
      rho: c(this.rhoN),
      q: this.velocityMajor(this.qN),
      rhoOld: c(this.rhoOld),
      qOld: this.velocityMajor(this.qOld),
      rhoOld2: c(this.rhoOld2),
      qOld2: this.velocityMajor(this.qOld2),
      Fprev: c(this.Fprev),
      dtPrev: this.dtPrev,
      dtPrev2: this.dtPrev2,
      time: this.time,
      steps,
      lastError,
    };
  }

  /** Restore the levels; returns the step count. */
  restore(state: StepperState, who: string): number {
    const get = (key: string) => stateArray(state, key, who);
    this.idN = newLevelId();
    this.idOld = newLevelId();
    this.rhoN.set(get('rho'));
    this.fromVelocityMajor(get('q'), this.qN, who);
    this.rhoOld.set(get('rhoOld'));
    this.fromVelocityMajor(get('qOld'), this.qOld, who);
    this.rhoOld2.set(get('rhoOld2'));
    this.fromVelocityMajor(get('qOld2'), this.qOld2, who);
    this.Fprev.set(get('Fprev'));
    this.dtPrev = Number(state.dtPrev);
    this.dtPrev2 = Number(state.dtPrev2);
    this.time = Number(state.time);
    return Number(state.steps);
  }
}

/**
 * The Milne estimate's weighted max over the cells from the per-cell sums se = Σ w e², sy = Σ w y² (cells with
 * limitedC left out): max K sqrt(se) / (atol + rtol sqrt(sy)); `out.place` the cell of the max (−1: none),
 * `out.noise` the solver's stopping bound solveStop in the same norm (K (|p0| + |p1| + |p2| + 1) solveStop / min weight).
 */
export function estimateMaxCells(
  out: { place: number; noise: number },
  N: number,
  se: Float64Array,
  sy: Float64Array,
  K: number,
  p0: number,
  p1: number,
  p2: number,
  limitedC: Uint8Array,
  tol: Tolerances,
  solveStop: number,
): number {
  const { rtol, atol } = tol;
  let mx = 0;
  let at = -1;
  let wmin = Infinity;
  for (let i = 0; i < N; i++) {
    if (limitedC[i]) continue;
    const wt = atol + rtol * Math.sqrt(sy[i]);
    const ec = (K * Math.sqrt(se[i])) / wt;
    if (!(ec <= mx)) {
      mx = ec;
      at = i;
    }
    if (wt < wmin) wmin = wt;
  }
  out.place = at;
  out.noise = (K * (Math.abs(p0) + Math.abs(p1) + Math.abs(p2) + 1) * solveStop) / wmin;
  return mx;
}

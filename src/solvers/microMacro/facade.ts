/**
 * The AdaptiveStepper facade of the micro–macro kinetic solvers (h = rho + q; ./levels.ts): checks the
 * data, holds the bounds, counters and estimate bookkeeping, and delegates each step to a 1D or 2D
 * implementation (solvers/kinetic).
 */
import type { Grid } from '../../grid/grid.js';
import type { RateLaw } from '../../models/rate.js';
import type { VelocityGrid } from '../../velocity/gaussHermite.js';
import { type AdaptiveStepper, type StepperState, type Tolerances } from '../stepper.js';
import { weightedDistance } from '../errorEstimate.js';
import { newCounters, type MicroLevel, type MicroMacroCounters } from './levels.js';
import { resolveThreads } from '../parallel/pool.js';
import type { LevelMomentArrays } from './moments.js';
import type { WallSide1D } from '../transport/walls1d.js';

/**
 * What the facade reads of an implementation's time levels (./levels.ts Levels1D, ./levels2d.ts Levels2D; a view of the
 * box for mirrored walls, ../kinetic/mirror2d.ts): q of the current and previous level in the layout of
 * microLevel() (1D cell-major, 2D velocity-major), their ids, the step lengths.
 */
export interface MicroMacroLevels {
  readonly time: number;
  /** rho at t_n, one value per cell of the facade's grid. */
  readonly rhoN: Float64Array;
  readonly qN: Float64Array;
  readonly rhoOld: Float64Array;
  readonly qOld: Float64Array;
  readonly idN: number;
  readonly idOld: number;
  readonly dtPrev: number;
  h(out: Float64Array): Float64Array;
  /** Whether every value of h = rho + q at t_n (the same sums as h()) lies in [lo, hi], without building h. */
  hWithin?(lo: number, hi: number): boolean;
  previousH(out: Float64Array): number;
  q(i: number, k: number): number;
  flux(out: Float64Array, v: Float64Array): Float64Array;
  /** Every direction's flux in one pass over q (out[d] as flux(out[d], v[d]), bitwise), where the levels offer it. */
  fluxes?(out: readonly Float64Array[], v: readonly Float64Array[]): void;
  /** The levels' state for saveState(); with copy false its arrays may be the levels' own (checkpointState()). */
  save(steps: number, lastError: number, copy?: boolean): StepperState;
  restore(state: StepperState, who: string): number;
}

/** One dimension's implementation behind a MicroMacroSolver facade. */
export interface MicroMacroImpl {
  readonly counters: MicroMacroCounters;
  tolerances: Tolerances;
  readonly lastError: number;
  readonly lastFailure: string;
  readonly errorPlace: number;
  readonly estimateNoise: number;
  readonly levels: MicroMacroLevels;
  /** As MicroMacroLevels.hWithin, where the implementation knows the extremes of the current level cheaper. */
  hWithin?(lo: number, hi: number): boolean;
  /** Fixed step (2D may split it into halves when its Schur solve fails). */
  step(dt: number): void;
  attempt(dt: number): number;
  accept(): void;
  /** Restore lastError with the levels (the checkpoint's value, NaN when there was none). */
  setLastError(e: number): void;
  /** Domains with walls: cumulative outflow per side (index 2 dim + side), and its checkpoint entries. */
  outflow?(): Float64Array;
  saveExtra?(state: StepperState): void;
  restoreExtra?(state: StepperState): void;
  /** Release worker-thread resources (threaded implementations). */
  dispose?(): void;
  /** The per-cell moments of a level computed by the implementation's threads (./moments.ts), if it has them. */
  levelMoments?(previous: boolean): LevelMomentArrays | null;
  /** Whether each step also computes the new level's moments for levelMoments (implementations that can fuse that pass). */
  momentsEachStep?: boolean;
}

/** One wall of a kinetic domain (src/solvers/transport/walls1d.ts); null pairs are periodic directions. */
export type MicroMacroWalls = readonly (readonly [WallSide1D, WallSide1D] | null)[];

export interface MicroMacroOptions {
  grid: Grid;
  velocity: VelocityGrid;
  rate: RateLaw;
  eps: number;
  /** Initial h, cells x velocity count, velocity fastest: h0[cell * count + k]. */
  h0: Float64Array;
  /** dt = cfl * dx (default 0.5); independent of eps. */
  cfl?: number;
  /** Bounds to enforce; default [min h0, max h0]. */
  bounds?: readonly [number, number];
  /** Disable the bound limiter (for studies of the unlimited scheme). Default true (limiter on). */
  limiter?: boolean;
  /** Time integrator: 'bdf2' (default, second order) or 'euler' (backward Euler, first order). */
  time?: 'bdf2' | 'euler';
  /** Relative tolerance of the implicit solve's Krylov iteration (default 1e-12). */
  rtol?: number;
  /** The walls of each direction that is not periodic (grid.sides: specular, diffuse, absorbing, inflow). */
  walls?: MicroMacroWalls;
  /**
   * Threads for the kernels (2D): a count, or undefined for automatic (the machine's cores when the
   * grid is large enough to pay for them, 1 in a browser). Results are bitwise the same for every count.
   */
  threads?: number;
  /**
   * 2D per-velocity transport solve: 'factored' (default, the stabilised approximate factorisation in delta
   * form), 'exact' (a reference: GMRES per velocity to round-off, no splitting term; tens of times slower) or
   * 'plain' (the unstabilised factorisation, for comparisons: its Schur complement can be nearly singular).
   * In a 2D box with diffuse, absorbing or inflow walls the scheme has no splitting term (GMRES on the whole
   * system); there 'exact' makes its preconditioner use the banded LU of every block, never the factored lines
   * (where the banded factors fit in memory: kinetic2dWalls.ts WALLS2D_BANDED_MAX_DOUBLES).
   */
  perVelocitySolve?: 'factored' | 'exact' | 'plain';
  /**
   * 2D torus: how many FGMRES directions' per-velocity solves are kept (K·N values each), so that the solve's
   * correction q_k −= M_k⁻¹ G_k δ is their combination instead of one more solve per velocity. Default: up to 6,
   * within 512 MiB (storedSolveSlots); 0: always the extra solve (the results differ by round-off). (In 1D the
   * combination in JavaScript measured slower than the WebAssembly solve: 1.08–1.22× a step.)
   */
  storedSolves?: number;
  /**
   * 1D only: λ per cell read from this array (owned and filled by the caller before every attempt or
   * step) instead of λ(rho) of the own density: one species among several, λ_i(rho_1, …, rho_n) at
   * the extrapolated densities (src/solvers/species/kinetic.ts). `rate` then only describes the law.
   */
  lambdaField?: Float64Array;
}

/** At most this many FGMRES directions' per-velocity solves are kept (a solve takes 1–4 after the first steps, up to ~9 in them). */
export const STORED_SOLVES_MAX = 6;
/** ... within this many bytes. */
export const STORED_SOLVES_BYTES = 512 * 2 ** 20;

/**
 * Slots for the per-velocity solves M_k⁻¹ G_k z_c of an FGMRES cycle (K·N doubles each, `unknowns` = K·N), so that
 * the correction q_k −= M_k⁻¹ G_k δ is their combination Σ_c y_c M_k⁻¹ G_k z_c instead of one more solve per
 * velocity (the 2D kinetic torus stepper): STORED_SOLVES_MAX within STORED_SOLVES_BYTES (a function of
 * the sizes only: the same for every thread count).
 */
export function storedSolveSlots(unknowns: number): number {
  return Math.max(0, Math.min(STORED_SOLVES_MAX, Math.floor(STORED_SOLVES_BYTES / (8 * unknowns))));
}

/** The settings a facade hands to its implementation. */
export interface MicroMacroSetup {
  grid: Grid;
  velocity: VelocityGrid;
  rate: RateLaw;
  eps: number;
  h0: Float64Array;
  lo: number;
  hi: number;
  useLimiter: boolean;
  bdf2: boolean;
  rtol: number;
  walls?: MicroMacroWalls;
  /** Threads to use (resolved: >= 1). */
  threads: number;
  perVelocitySolve: 'factored' | 'exact' | 'plain';
  /** See MicroMacroOptions.storedSolves, resolved (storedSolveSlots when not given). */
  storedSolves: number;
  /** See MicroMacroOptions.lambdaField. */
  lambdaField?: Float64Array;
}

/**
 * The AdaptiveStepper surface of a micro–macro kinetic solver over its 1D or 2D implementation:
 * checks the data, holds the bounds [min h0, max h0] (or given ones), the counters and the estimate's
 * bookkeeping, and the diagnostics' views (rho, h, the paper's flux j_eps, mass).
 */
export abstract class MicroMacroSolver implements AdaptiveStepper {
  readonly grid: Grid;
  abstract readonly scheme: string;
  readonly velocity: VelocityGrid;
  readonly rate: RateLaw;
  readonly eps: number;
  /** Discrete velocities per cell. */
  readonly count: number;
  readonly counters: MicroMacroCounters = newCounters();
  readonly order: number;
  tolerances: Tolerances = { rtol: 1e-4, atol: 1e-4 };
  lastError = NaN;
  lastFailure = '';
  errorPlace = -1;
  estimateNoise = 0;
  protected readonly impl: MicroMacroImpl;
  protected readonly cfl: number;
  protected readonly lo: number;
  protected readonly hi: number;
  protected readonly useLimiter: boolean;
  protected readonly bdf2: boolean;
  private readonly hOut: Float64Array;
  private readonly noOutflow: Float64Array;

  constructor(
    protected readonly who: string,
    opts: MicroMacroOptions,
    make: (setup: MicroMacroSetup) => MicroMacroImpl,
  ) {
    const { grid, velocity, rate, eps, h0 } = opts;
    if (velocity.dim !== grid.dim) throw new RangeError(`${who}: velocity and grid dimensions differ`);
    if (!(eps > 0) || !Number.isFinite(eps)) throw new RangeError(`${who}: eps must be positive, got ${eps}`);
    const N = grid.cells;
    const K = velocity.count;
    if (h0.length !== N * K) throw new RangeError(`${who}: h0 must have ${N * K} entries, got ${h0.length}`);
    if (N < 3) throw new RangeError(`${who}: at least 3 cells`);
    this.grid = grid;
    this.velocity = velocity;
    this.rate = rate;
    this.eps = eps;
    this.cfl = opts.cfl ?? 0.5;
    this.useLimiter = opts.limiter ?? true;
    this.bdf2 = (opts.time ?? 'bdf2') === 'bdf2';
    this.order = this.bdf2 ? 2 : 1;
    this.count = K;
    let lo = Infinity;
    let hi = -Infinity;
    for (let p = 0; p < h0.length; p++) {
      const x = h0[p];
      if (!Number.isFinite(x)) throw new RangeError(`${who}: non-finite initial data`);
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (opts.bounds) {
      if (opts.bounds[0] > lo || opts.bounds[1] < hi) throw new RangeError(`${who}: initial data outside the given bounds`);
      lo = opts.bounds[0];
      hi = opts.bounds[1];
    }
    this.lo = lo;
    this.hi = hi;
    this.hOut = new Float64Array(N * K);
    if (opts.lambdaField && (grid.dim !== 1 || opts.lambdaField.length !== N)) throw new RangeError(`${who}: a lambda field needs a 1D grid and one value per cell`);
    const threads = resolveThreads(opts.threads, N * K);
    this.impl = make({ grid, velocity, rate, eps, h0, lo, hi, useLimiter: this.useLimiter, bdf2: this.bdf2, rtol: opts.rtol ?? 1e-12, threads, perVelocitySolve: opts.perVelocitySolve ?? 'factored', storedSolves: opts.storedSolves === undefined ? storedSolveSlots(N * K) : Math.max(0, Math.min(STORED_SOLVES_MAX, Math.floor(opts.storedSolves))), lambdaField: opts.lambdaField, walls: opts.walls });
    this.noOutflow = new Float64Array(2 * grid.dim);
  }

  suggestedDt(): number {
    return this.cfl * Math.min(...this.grid.dx);
  }

  /** [lower, upper] bounds that the limiter enforces on h (default [min h0, max h0]). */
  hBounds(): [number, number] {
    return [this.lo, this.hi];
  }

  /** Current time (sum of the steps taken). */
  get t(): number {
    return this.impl.levels.time;
  }

  rho(): Float64Array {
    return this.impl.levels.rhoN;
  }

  /** h = rho + q, cells x velocities (velocity fastest); a view overwritten by the next call. */
  h(): Float64Array {
    return this.impl.levels.h(this.hOut);
  }

  /**
   * The first value of h = f/M at t_n outside [lo, hi] (cell, velocity node, value), or null: the
   * per-step check of the discrete maximum principle. The levels test the range in their own layout
   * first (one pass, no copy); only a breach builds h to name its place.
   */
  hOutside(lo: number, hi: number): { cell: number; node: number; value: number } | null {
    const L = this.impl.levels;
    if (this.impl.hWithin ? this.impl.hWithin(lo, hi) : L.hWithin?.(lo, hi)) return null;
    const h = this.h();
    const K = this.count;
    for (let i = 0; i < h.length; i++) {
      const x = h[i];
      if (!(x >= lo && x <= hi)) return { cell: Math.floor(i / K), node: i % K, value: x };
    }
    return null;
  }

  /**
   * h at the previous time level (cells × velocities, velocity fastest) into `out`; returns the
   * length of the last step, or 0 before the first step. Diagnostics use it for the residuals of
   * the moment equations over the last step (paper Lemma 2.5).
   */
  previousH(out: Float64Array): number {
    return this.impl.levels.previousH(out);
  }

  /**
   * The current time level (previous = true: the one before it, null before the first step) as it is
   * stored, without copies: rho per cell and q = h − rho of cell i, velocity k at
   * q[i * cellStride + k * velocityStride]. Views, valid until the next step. The series diagnostics
   * read it (../../diagnostics/kineticSeries.ts).
   */
  microLevel(previous = false): MicroLevel | null {
    const L = this.impl.levels;
    if (previous && !(L.dtPrev > 0)) return null;
    const vm = this.grid.dim === 2; // Levels2D keeps q velocity-major, Levels1D cell-major
    return { rho: previous ? L.rhoOld : L.rhoN, q: previous ? L.qOld : L.qN, cellStride: vm ? 1 : this.count, velocityStride: vm ? this.grid.cells : 1, id: previous ? L.idOld : L.idN };
  }

  /**
   * Let the worker threads drop this solver's memory now (threaded 2D runs; otherwise they do when the
   * solver is garbage-collected). The solver must not be stepped afterwards.
   */
  dispose(): void {
    this.impl.dispose?.();
  }

  /**
   * The per-cell moments (./moments.ts) of the current or previous level as MicroMacroSolver.microLevel gives
   * it, computed by the stepper's threads; null where the stepper has no such pass (then the caller computes
   * them: the values are the same bitwise).
   */
  levelMoments(previous: boolean): LevelMomentArrays | null {
    return this.impl.levelMoments?.(previous) ?? null;
  }

  /**
   * Ask for the current level's moments after every step (series rows every step): implementations that
   * can compute them in a pass the step makes anyway do so (the 2D torus stepper, in its error estimate's
   * pass over q); the values are the same bitwise.
   */
  momentsEveryStep(on: boolean): void {
    if (this.impl.momentsEachStep !== undefined) this.impl.momentsEachStep = on;
  }

  /** The length of the step that ended at the current level (0 before the first step). */
  previousDt(): number {
    return this.impl.levels.dtPrev;
  }

  /** Non-equilibrium part q = h - rho at cell i, velocity k. */
  q(i: number, k: number): number {
    return this.impl.levels.q(i, k);
  }

  /**
   * The paper's flux j_eps = int v f dv = sum_k w_k v_k h_k (cell centres). Mass balance:
   * d_t rho + (1/eps) div j_eps = 0, and j_eps / eps -> -lambda(rho)^{-1} grad rho as eps -> 0.
   * In 2D, dir = 0 gives jx and dir = 1 gives jy.
   */
  flux(out: Float64Array, dir: 0 | 1 = 0): Float64Array {
    return this.impl.levels.flux(out, this.velocity.v[dir]);
  }

  /** Every direction's flux, out[d] = flux(out[d], d) bitwise, in one pass over h where the implementation can. */
  fluxes(out: readonly Float64Array[]): void {
    const levels = this.impl.levels;
    if (levels.fluxes && out.length === 2) levels.fluxes(out, this.velocity.v);
    else out.forEach((f, d) => levels.flux(f, this.velocity.v[d]));
  }

  /**
   * Cumulative mass that left through each side (index 2 dim + side; 0 for periodic and zero-flux
   * sides): mass() + Σ outflow is the initial mass to round-off.
   */
  outflow(): Float64Array {
    return this.impl.outflow?.() ?? this.noOutflow;
  }

  /** Total mass sum_i rho_i dx. */
  mass(): number {
    const r = this.rho();
    let s = 0;
    for (let i = 0; i < r.length; i++) s += r[i];
    return s * this.grid.cellVolume;
  }

  solution(): Float64Array {
    return this.h();
  }

  distance(a: Float64Array, b: Float64Array): number {
    return weightedDistance(a, b, b, this.velocity.w, this.tolerances.rtol, this.tolerances.atol).norm;
  }

  /** Fixed step of length dt (no error control); 2D retakes a step whose Schur solve fails as two halves. */
  step(dt: number): void {
    if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`${this.who}.step: dt must be positive, got ${dt}`);
    const m = this.impl;
    m.tolerances = this.tolerances;
    try {
      m.step(dt);
    } finally {
      this.lastFailure = m.lastFailure;
      this.sync();
    }
    this.lastError = m.lastError;
  }

  /** The step of length dt into work buffers (nothing committed) and its weighted local error estimate. */
  attempt(dt: number): number {
    if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`${this.who}.attempt: dt must be positive, got ${dt}`);
    const m = this.impl;
    m.tolerances = this.tolerances;
    const err = m.attempt(dt);
    this.lastFailure = m.lastFailure;
    this.sync();
    return err;
  }

  accept(): void {
    this.impl.accept();
    this.lastError = this.impl.lastError;
    this.sync();
  }

  private sync(): void {
    const m = this.impl;
    this.errorPlace = m.errorPlace;
    this.estimateNoise = m.estimateNoise;
    const c = m.counters;
    this.counters.steps = c.steps;
    this.counters.substeps = c.substeps;
    this.counters.solverIterations = c.solverIterations;
    this.counters.maxSolverIterations = c.maxSolverIterations;
    this.counters.rhoLimiterSteps = c.rhoLimiterSteps;
    this.counters.hLimiterCells = c.hLimiterCells;
  }

  saveState(): StepperState {
    return this.stateOf(true);
  }

  /** saveState() without copying the levels' arrays where they are stored as saved (2D): for a checkpoint written at once. */
  checkpointState(): StepperState {
    return this.stateOf(false);
  }

  private stateOf(copy: boolean): StepperState {
    const lastError = Number.isFinite(this.lastError) ? this.lastError : -1;
    const state = this.impl.levels.save(this.impl.counters.steps, lastError, copy);
    this.impl.saveExtra?.(state);
    return state;
  }

  restoreState(state: StepperState): void {
    const le = Number(state.lastError);
    this.lastError = le >= 0 ? le : NaN;
    const steps = this.impl.levels.restore(state, this.who);
    this.impl.restoreExtra?.(state);
    this.impl.counters.steps = this.counters.steps = steps;
    this.impl.setLastError(this.lastError);
  }
}

/**
 * Implicit finite-volume solver for the diffusive limit (paper eq. (1.3))
 *
 *     d_t rho = div( D(rho) grad rho ) = Laplacian Phi(rho),   D = 1/lambda(rho),  Phi(rho) = int_1^rho D,
 *
 * on the domains of src/grid/grid.ts — the unit torus T^1 or T^2 (the paper's), boxes with
 * zero-flux, Dirichlet or far-field sides, radial meshes of R^d — with cell averages rho_i
 * (index i + Nx j), including vacuum (rho = 0 on open sets) where the rate allows it.
 *
 * Space (Kirchhoff form, cell-centred conservative finite volumes): V_p d rho_p/dt =
 * sum_f T_f (Phi(rho_q) - Phi(rho_p)) - B_p, T_f = face area / centre distance, B_p the outflow
 * through boundary faces (./boundary.ts). The face flux Phi(rho_q) - Phi(rho_p) = Dbar_pq (rho_q -
 * rho_p), Dbar_pq the mean of D over [rho_p, rho_q]: second-order consistent, sign of rho_q - rho_p.
 * The space part lives in a NewtonSpace (./space.ts): ./torus.ts for periodic boxes with positive
 * data (bit-identical to the solver before the domain work), ./mesh.ts for everything else.
 *
 * Time: variable-step BDF2 (Grigorieff 1983; Becker 1998), step h_n, ratio w = h_n / h_{n-1}:
 *     (1+2w)/(1+w) rho^{n+1} - (1+w) rho^n + w^2/(1+w) rho^{n-1} = h_n L Phi(rho^{n+1}),
 * or backward Euler (c = 1, history rho^n). The first step (and any step with w > 2, e.g. after a
 * tiny snapshot-landing step) is a "ramp": backward Euler over dt/16, then BDF2 over dt/16, dt/8,
 * dt/4, dt/2 (ratios 1, 2, 2, 2 <= 1 + sqrt 2, the zero-stability bound for constant ratios), so
 * the first-order start costs only (dt/16)^2 and the next step(dt) has ratio 2.
 *
 * Stability / maximum principle. Backward Euler: at a cell p where rho^{n+1} is maximal every flux
 * Phi(rho_q) - Phi(rho_p) <= 0 (Phi nondecreasing), so rho_p^{n+1} <= rho_p^n <= max rho^n; same at the
 * minimum (boundary values enter like neighbours; outflow-only sides can only lower rho). Hence
 * lo <= rho^n <= hi for EVERY dt (no CFL condition), [lo, hi] = [min, max] of the data and the
 * boundary values (lo = 0 with vacuum or open sides). BDF2 is A-stable but not monotone: after each
 * BDF2 step the solution is checked against [lo, hi] (relative tolerance boundsTol = 1e-12, plus the
 * round-off floor of Newton; with lo = 0 off the torus exactly: rho >= 0, and rho > 0 for
 * alpha >= 1); if it leaves, the step is redone by backward Euler and `stats.fallbackSteps` is
 * incremented. So the bound holds for every dt.
 *
 * Nonlinear solve: Newton, stopped on the consistent update rho* = rho^n + (hist + h F(Phi(rho_k))/V)/c,
 * which is ACCEPTED (not rho_k): its flux sum telescopes, so the mass changes by exactly the outflow
 * through the boundary however inexact the linear solves are. Details in ./torus.ts and ./mesh.ts.
 *
 * Outflow: with B^{n+1} the boundary outflow rate of a step, the mass obeys
 * M^{n+1} - M^n = (a2/c)(M^n - M^{n-1}) - (h/c) B^{n+1}; the cumulative outflow per side follows the
 * same recursion (O^{n+1} - O^n = (a2/c)(O^n - O^{n-1}) + (h/c) B_side), so that mass + outflow =
 * initial mass to round-off (`outflow()`).
 *
 * Time step: chosen by the Simulation's error control (attempt/accept, src/simulation/stepControl.ts)
 * from the local error estimate of src/solvers/errorEstimate.ts (Milne's device with the quadratic
 * predictor through rho^n, rho^{n-1}, rho^{n-2}). Without error control (time.dt, or step()),
 * suggestedDt = dtFactor * min(dx) / max D (D over [lo, hi]; [max(lo, 1e-3 hi), hi] when D is
 * unbounded at lo = 0) is the fixed fallback, proportional to dx (no stability restriction).
 *
 * The solver keeps its own clock `time` (t0 + the committed steps) for time-dependent boundary data.
 * No allocation in step(): every work array is created by the constructor.
 */
import type { Grid } from '../../grid/grid.js';
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure, type AdaptiveStepper, type StepperState, type Tolerances } from '../stepper.js';
import { milneConstant, predictorCoefficients, weightedDistance } from '../errorEstimate.js';
import { hasFaces, principleBounds, sideLaws, type SideLaw } from './boundary.js';
import { MeshSpace, type UpdateRule } from './mesh.js';
import { TorusSpace } from './torus.js';
import type { NewtonBuffers, NewtonSpace } from './space.js';

export interface DiffusionOptions {
  grid: Grid;
  rate: RateLaw;
  /** Initial cell averages (x fastest); copied. Finite; > 0 for power laws with alpha >= 1, else >= 0. */
  rho0: Float64Array;
  /** Time integrator: variable-step BDF2 with backward-Euler fallback (default), or backward Euler. */
  scheme?: 'bdf2' | 'euler';
  /** Newton stops when max |rho_k - consistent update| <= newtonTol * max|rho_in| (default 1e-13). */
  newtonTol?: number;
  /** Newton iteration cap per (sub)step (default 30). */
  maxNewton?: number;
  /** 2D: relative residual tolerance of each multigrid-PCG solve (default 1e-3: inexact Newton; the
   *  accepted update is conservative regardless, and 1e-3 was fastest in bench/diffusion.ts). */
  linearTol?: number;
  /** 2D: PCG iteration cap (default 200). */
  maxLinear?: number;
  /** suggestedDt = dtFactor * min(dx) / max D (default DEFAULT_DT_FACTOR). */
  dtFactor?: number;
  /** Relative tolerance of the maximum-principle check (default 1e-12). */
  boundsTol?: number;
  /** The maximum principle's interval [lo, hi] (default: the range of rho0 and of the boundary values, ./boundary.ts principleBounds without tEnd). */
  bounds?: [number, number];
  /** Time of the initial data (default 0): the clock of time-dependent boundary data (far field). */
  t0?: number;
  /** Diagnostics: called at every Newton iteration with the residual and the tolerance. */
  trace?: (iteration: number, residual: number, tolerance: number) => void;
}

/** Default C in dt = C dx / max D (measured, see docs/diffusion-scheme.md). */
export const DEFAULT_DT_FACTOR = 0.1;

const ONE = [1];

/** Largest step ratio taken by BDF2 without a ramp restart. */
const OMEGA_MAX = 2;

export interface DiffusionStats {
  /** step() calls. */
  steps: number;
  /** Implicit solves accepted (ramps and fallbacks make this larger than steps). */
  substeps: number;
  /** Newton iterations (linear solves). */
  newtonIterations: number;
  /** 2D: PCG iterations in total (1D: equal to newtonIterations, one direct solve each). */
  linearIterations: number;
  /** BDF2 substeps that left [lo, hi] (or whose Newton failed) and were redone by backward Euler. */
  fallbackSteps: number;
  /** Ramp starts (first step, or step ratio > 2). */
  ramps: number;
  /** Solves whose round-off-size negative values were removed conservatively (./mesh.ts). */
  positivityFixes: number;
}

export class DiffusionSolver implements AdaptiveStepper {
  readonly grid: Grid;
  readonly scheme: string;
  readonly rate: RateLaw;
  readonly stats: DiffusionStats = { steps: 0, substeps: 0, newtonIterations: 0, linearIterations: 0, fallbackSteps: 0, ramps: 0, positivityFixes: 0 };
  readonly order: number;
  lastError = NaN;
  lastFailure = '';
  errorPlace = -1;
  estimateNoise = 0;
  /** The boundary law of every side (index 2 dim + side). */
  readonly laws: readonly SideLaw[];
  /** The space discretisation (./torus.ts or ./mesh.ts). */
  readonly space: NewtonSpace;
  /** The Newton update of ./mesh.ts, or 'torus' for the scheme of periodic boxes with positive data. */
  readonly update: UpdateRule | 'torus';

  private readonly n: number;
  private readonly bdf2: boolean;
  private readonly dtFactor: number;
  private readonly maxNewton: number;
  private readonly boundsTol: number;
  /** Off the torus with lo = 0: rho >= 0 is checked exactly (rho > 0 when strictly positive). */
  private readonly exactFloor: boolean;
  private readonly strictlyPositive: boolean;
  private tol: Tolerances = { rtol: 1e-4, atol: 1e-4 };

  /** Bounds of the maximum principle; part of the state. */
  private lo: number;
  private hi: number;
  private scale = 1;
  /** Time of the current state (t0 + committed steps). */
  private time: number;

  // Rotating state buffers: rho^n, rho^{n-1}, rho^{n-2} (error estimate), the attempt.
  private cur: Float64Array;
  private prev: Float64Array;
  private prev2: Float64Array;
  private next: Float64Array;
  private dtPrev = 0;
  private dtPrev2 = 0;
  /** The attempt in `next`: its length, whether it is a backward-Euler step, its estimate. */
  private pendingDt = 0;
  private pendingEuler = false;
  private pendingError = NaN;
  private readonly pc = new Float64Array(3);
  /** Cumulative outflow per side, its last increment (BDF2 history), the attempt's increment. */
  private readonly out: Float64Array;
  private readonly outStep: Float64Array;
  private readonly outPending: Float64Array;

  private readonly b: NewtonBuffers;

  constructor(opts: DiffusionOptions) {
    const { grid, rate, rho0 } = opts;
    this.grid = grid;
    this.rate = rate;
    const n = grid.cells;
    if (rho0.length !== n) throw new RangeError(`DiffusionSolver: rho0 has ${rho0.length} values, grid has ${n} cells`);
    this.n = n;
    this.bdf2 = (opts.scheme ?? 'bdf2') === 'bdf2';
    this.order = this.bdf2 ? 2 : 1;
    this.scheme = this.bdf2 ? 'fv-kirchhoff-bdf2' : 'fv-kirchhoff-euler';
    this.dtFactor = opts.dtFactor ?? DEFAULT_DT_FACTOR;
    this.boundsTol = opts.boundsTol ?? 1e-12;
    this.time = opts.t0 ?? 0;
    const alpha = rate.alpha;
    // rho = 0 is allowed where Phi(0) is finite: alpha < 1, or a general rate (checked finite at 0 by the caller)
    const zeroOk = alpha === undefined || alpha < 1;

    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = rho0[i];
      if (!Number.isFinite(v) || !(zeroOk ? v >= 0 : v > 0)) {
        throw new RangeError(`DiffusionSolver: rho0[${i}] = ${v}, expected a finite value ${zeroOk ? '>= 0' : '> 0'}`);
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.laws = sideLaws(grid, rate);
    const periodicBox = grid.geometry === 'cartesian' && grid.periodic.every((p) => p);
    [lo, hi] = opts.bounds ?? principleBounds(grid, this.laws, [lo, hi]);
    this.lo = lo;
    this.hi = hi;

    this.cur = Float64Array.from(rho0);
    this.prev = new Float64Array(n);
    this.prev2 = new Float64Array(n);
    this.next = new Float64Array(n);
    this.b = {
      hist: new Float64Array(n),
      iter: new Float64Array(n),
      phi: new Float64Array(n),
      dphi: new Float64Array(n),
      rhs: new Float64Array(n),
      z: new Float64Array(n),
      diag: new Float64Array(n),
    };
    const settings = {
      newtonTol: opts.newtonTol ?? 1e-13,
      maxNewton: opts.maxNewton ?? 30,
      linearTol: opts.linearTol ?? 1e-3,
      maxLinear: opts.maxLinear ?? 200,
      trace: opts.trace,
    };
    this.maxNewton = settings.maxNewton;
    if (periodicBox && lo > 0) {
      this.update = 'torus';
      this.space = new TorusSpace(grid, rate, this.b, this.stats, settings);
    } else {
      this.update = alpha !== undefined ? (alpha > 0 ? 'phi' : 'rho-projected') : lo === 0 ? 'rho-projected' : 'rho-damped';
      this.space = new MeshSpace(grid, rate, this.b, this.stats, settings, this.laws, this.update);
    }
    this.exactFloor = this.update !== 'torus' && lo === 0;
    this.strictlyPositive = alpha !== undefined && alpha >= 1;
    const sides = this.laws.length;
    this.out = new Float64Array(sides);
    this.outStep = new Float64Array(sides);
    this.outPending = new Float64Array(sides);
    this.setScales();
  }

  get tolerances(): Tolerances {
    return this.tol;
  }

  set tolerances(t: Tolerances) {
    this.tol = t;
    this.setScales();
  }

  private setScales(): void {
    this.scale = Math.max(Math.abs(this.lo), Math.abs(this.hi), Number.MIN_VALUE);
    const phiScale = Math.max(Math.abs(this.rate.kirchhoff(this.lo)), Math.abs(this.rate.kirchhoff(this.hi)), 1e-300);
    this.space.setScales(this.scale, phiScale, this.tol);
  }

  /** The maximum-principle interval [lo, hi]. */
  bounds(): [number, number] {
    return [this.lo, this.hi];
  }

  /** BDF2 substeps redone by backward Euler (see stats). */
  get fallbackSteps(): number {
    return this.stats.fallbackSteps;
  }

  /** Time of the current state (t0 plus the committed steps). */
  get t(): number {
    return this.time;
  }

  /** Cumulative mass that left through each side (index 2 dim + side; 0 for periodic and centre sides). */
  outflow(): Float64Array {
    return this.out;
  }

  /** Which sides can pass mass (zero-flux, dirichlet, far-field): those get an outflow column. */
  openSides(): number[] {
    return this.laws.map((l, k) => (hasFaces(l) ? k : -1)).filter((k) => k >= 0);
  }

  suggestedDt(): number {
    let lo = this.lo;
    if (this.update !== 'torus' && !Number.isFinite(this.rate.diffusivity(lo))) lo = Math.max(lo, 1e-3 * this.hi);
    const [, dMax] = this.rate.diffusivityBounds(lo, this.hi);
    const dx = Math.min(...this.grid.dx);
    return (this.dtFactor * dx) / dMax;
  }

  rho(): Float64Array {
    return this.cur;
  }

  solution(): Float64Array {
    return this.cur;
  }

  distance(a: Float64Array, b: Float64Array): number {
    return weightedDistance(a, b, b, ONE, this.tol.rtol, this.tol.atol).norm;
  }

  /**
   * Fixed step of length dt (no error control): backward Euler, or BDF2 with a "ramp" start —
   * backward Euler over dt/16 and BDF2 over dt/16, dt/8, dt/4, dt/2 — on the first step and after a
   * step-ratio jump above 2. Throws NumericalFailure when a substep fails.
   */
  step(dt: number): void {
    if (!(dt > 0 && Number.isFinite(dt))) throw new RangeError(`DiffusionSolver.step: dt must be finite and > 0, got ${dt}`);
    this.stats.steps++;
    if (this.bdf2 && (this.dtPrev === 0 || dt > OMEGA_MAX * this.dtPrev)) {
      // Ramp: BE(dt/16), BDF2(dt/16, dt/8, dt/4, dt/2); all exact binary fractions of dt.
      this.stats.ramps++;
      const h0 = dt / 16;
      this.substep(h0, true);
      for (const h of [h0, 2 * h0, 4 * h0, 8 * h0]) this.substep(h, false);
    } else {
      this.substep(dt, !this.bdf2);
    }
  }

  private substep(h: number, euler: boolean): void {
    if (this.solve(h, euler) === Infinity) throw new NumericalFailure(this.lastFailure);
    this.commit();
  }

  /**
   * The step of length dt into the work buffers (BDF2 once there is a previous level, else backward
   * Euler; a BDF2 result outside [lo, hi] is redone by backward Euler) and its weighted local error
   * estimate (NaN while fewer than three levels exist; Infinity on failure).
   */
  attempt(dt: number): number {
    if (!(dt > 0 && Number.isFinite(dt))) throw new RangeError(`DiffusionSolver.attempt: dt must be finite and > 0, got ${dt}`);
    return this.solve(dt, !this.bdf2 || this.dtPrev === 0);
  }

  accept(): void {
    if (!(this.pendingDt > 0)) throw new Error('DiffusionSolver.accept: no attempt to accept');
    this.stats.steps++;
    this.commit();
  }

  private solve(h: number, euler: boolean): number {
    this.pendingDt = 0;
    this.lastFailure = '';
    const ok = euler ? this.eulerCandidate(h, true) : this.bdf2Candidate(h);
    if (!ok) return Infinity;
    this.pendingDt = h;
    this.pendingError = this.estimate(h);
    return this.pendingError;
  }

  /** Clip a predictor value to the invariant interval (strictly positive where rho must be). */
  private clip(p: number, u: number): number {
    if (p < this.lo) p = this.lo;
    else if (p > this.hi) p = this.hi;
    if (this.strictlyPositive && !(p > 0)) p = u;
    return p;
  }

  private bdf2Candidate(h: number): boolean {
    const w = h / this.dtPrev;
    const c = (1 + 2 * w) / (1 + w);
    const a2 = (w * w) / (1 + w);
    const { cur, prev, n } = this;
    const { hist, iter } = this.b;
    for (let i = 0; i < n; i++) {
      const u = cur[i];
      const v = prev[i];
      // c (rho^{n+1} - rho^n) = a2 (rho^n - rho^{n-1}) + h L Phi   (since (1+w) - c = a2): the
      // increment form keeps the rounding of the update relative to the increment, not to rho,
      // so the mass drift per step is ~eps |increment| instead of ~eps |rho| (no systematic bias).
      hist[i] = a2 * (u - v);
      // Linear extrapolation predictor, clipped to the invariant interval.
      iter[i] = this.clip(u + w * (u - v), u);
    }
    const ok = this.space.solve(c, h, this.time + h, cur, this.next);
    if (ok && this.firstOutOfBounds(this.next) < 0) {
      this.pendingEuler = false;
      this.outflowIncrement(a2 / c, h / c);
      return true;
    }
    // BDF2 left the invariant interval (or Newton failed): redo by backward Euler, which is
    // monotone for every h. Start Newton from the clipped BDF2 result when available.
    this.stats.fallbackSteps++;
    if (ok) {
      const nx = this.next;
      for (let i = 0; i < n; i++) iter[i] = this.clip(nx[i], cur[i]);
    }
    return this.eulerCandidate(h, !ok);
  }

  /** Backward Euler from cur over h (Newton from cur, or from the iterate in place when fromCur is false). */
  private eulerCandidate(h: number, fromCur: boolean): boolean {
    const { iter, hist } = this.b;
    if (fromCur) iter.set(this.cur);
    hist.fill(0);
    this.pendingEuler = true;
    if (!this.space.solve(1, h, this.time + h, this.cur, this.next)) {
      this.lastFailure = `diffusion: Newton did not converge in ${this.maxNewton} iterations (backward Euler, dt = ${h})`;
      return false;
    }
    const bad = this.firstOutOfBounds(this.next);
    if (bad >= 0) {
      this.lastFailure = `diffusion: rho = ${this.next[bad]} outside [${this.lo}, ${this.hi}] after a backward-Euler step in cell ${bad}`;
      return false;
    }
    this.outflowIncrement(0, h);
    return true;
  }

  /** The attempt's outflow per side: (a2/c) (last increment) + (h/c) rate. */
  private outflowIncrement(ratio: number, hc: number): void {
    const rates = this.space.rates;
    for (let k = 0; k < rates.length; k++) this.outPending[k] = ratio * this.outStep[k] + hc * rates[k];
  }

  /** ||K (rho^{n+1} - P)||_w with the quadratic predictor P through rho^n, rho^{n-1}, rho^{n-2}. */
  private estimate(h: number): number {
    this.errorPlace = -1;
    if (!(this.dtPrev > 0 && this.dtPrev2 > 0)) return NaN;
    const K = Math.abs(milneConstant(this.pendingEuler ? 1 : 2, h, this.dtPrev, this.dtPrev2));
    const [p0, p1, p2] = predictorCoefficients(h, this.dtPrev, this.dtPrev2, this.pc);
    const { cur, prev, prev2, next, n } = this;
    const { rtol, atol } = this.tol;
    let mx = 0;
    let at = -1;
    let wmin = Infinity;
    for (let i = 0; i < n; i++) {
      const wt = atol + rtol * Math.abs(cur[i]);
      const e = (K * Math.abs(next[i] - (p0 * cur[i] + p1 * prev[i] + p2 * prev2[i]))) / wt;
      if (!(e <= mx)) {
        mx = e;
        at = i;
      }
      if (wt < wmin) wmin = wt;
    }
    this.errorPlace = at;
    // each of the four levels may be off by Newton's tolerance; the predictor weighs them |p0|+|p1|+|p2| + 1
    this.estimateNoise = this.space.estimateNoise(K * (Math.abs(p0) + Math.abs(p1) + Math.abs(p2) + 1), wmin);
    return mx;
  }

  private commit(): void {
    const t = this.prev2;
    this.prev2 = this.prev;
    this.prev = this.cur;
    this.cur = this.next;
    this.next = t;
    this.dtPrev2 = this.dtPrev;
    this.dtPrev = this.pendingDt;
    this.lastError = this.pendingError;
    this.time += this.pendingDt;
    for (let k = 0; k < this.out.length; k++) {
      this.outStep[k] = this.outPending[k];
      this.out[k] += this.outPending[k];
    }
    this.pendingDt = 0;
    this.stats.substeps++;
  }

  /** The first cell outside [lo, hi] (with the tolerance of the check), or -1. */
  private firstOutOfBounds(u: Float64Array): number {
    const tol = Math.max(this.boundsTol * this.scale, 2 * this.space.stop);
    const a = this.exactFloor ? 0 : this.lo - tol;
    const b = this.hi + tol;
    const strict = this.exactFloor && this.strictlyPositive;
    for (let i = 0; i < this.n; i++) {
      const v = u[i];
      if (!(v >= a && v <= b) || (strict && !(v > 0))) return i;
    }
    return -1;
  }

  saveState(): StepperState {
    return {
      rho: Float64Array.from(this.cur),
      rhoPrev: Float64Array.from(this.prev),
      rhoPrev2: Float64Array.from(this.prev2),
      dtPrev: this.dtPrev,
      dtPrev2: this.dtPrev2,
      lastError: Number.isFinite(this.lastError) ? this.lastError : -1,
      lo: this.lo,
      hi: this.hi,
      time: this.time,
      outflow: Float64Array.from(this.out),
      outflowStep: Float64Array.from(this.outStep),
      steps: this.stats.steps,
      substeps: this.stats.substeps,
      newtonIterations: this.stats.newtonIterations,
      linearIterations: this.stats.linearIterations,
      fallbackSteps: this.stats.fallbackSteps,
      ramps: this.stats.ramps,
      positivityFixes: this.stats.positivityFixes,
    };
  }

  restoreState(state: StepperState): void {
    const { rho, rhoPrev, rhoPrev2 } = state;
    const ok = (a: unknown, len = this.n): a is Float64Array => a instanceof Float64Array && a.length === len;
    if (!ok(rho) || !ok(rhoPrev) || !ok(rhoPrev2)) {
      throw new RangeError(`DiffusionSolver.restoreState: expected rho, rhoPrev and rhoPrev2 of length ${this.n}`);
    }
    const num = (k: string, fallback?: number): number => {
      const v = state[k] ?? fallback;
      if (typeof v !== 'number') throw new RangeError(`DiffusionSolver.restoreState: missing number ${k}`);
      return v;
    };
    this.cur.set(rho);
    this.prev.set(rhoPrev);
    this.prev2.set(rhoPrev2);
    this.dtPrev = num('dtPrev');
    this.dtPrev2 = num('dtPrev2');
    const le = num('lastError');
    this.lastError = le < 0 ? NaN : le;
    this.pendingDt = 0;
    this.lo = num('lo');
    this.hi = num('hi');
    this.time = num('time', 0);
    const sides = this.out.length;
    if (sides > 0) {
      if (!ok(state.outflow, sides) || !ok(state.outflowStep, sides)) throw new RangeError(`DiffusionSolver.restoreState: expected outflow and outflowStep of length ${sides}`);
      this.out.set(state.outflow as Float64Array);
      this.outStep.set(state.outflowStep as Float64Array);
    }
    this.setScales();
    this.stats.steps = num('steps');
    this.stats.substeps = num('substeps');
    this.stats.newtonIterations = num('newtonIterations');
    this.stats.linearIterations = num('linearIterations');
    this.stats.fallbackSteps = num('fallbackSteps');
    this.stats.ramps = num('ramps');
    this.stats.positivityFixes = num('positivityFixes', 0);
  }
}

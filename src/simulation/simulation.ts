/**
 * The Simulation owns the time loop (after Oceananigans' Simulation): it chooses each dt, steps the
 * solver, checks the state, and calls the scheduled callbacks — a series row every `seriesEvery`
 * steps and at every snapshot time, a snapshot at each output time. Solvers know nothing of
 * schedules; writers know nothing of schemes.
 *
 * Two modes (docs/time-stepping.md):
 *  - error-controlled (no `dt` given and an AdaptiveStepper): the stepper attempts a step and returns
 *    its local error estimate, the StepController accepts or rejects it and sizes the next one
 *    (nothing is committed before acceptance). The first step is taken as two half steps (backward
 *    Euler, then BDF2) and compared with one backward-Euler step over the whole of it (step doubling,
 *    the first-order error of the start), which must pass the same test as every step: this chooses
 *    the initial step from the data and resolves initial layers whose effect on the solution is above
 *    the tolerance.
 *  - fixed (`dt` given, or a stepper without an estimate such as the particles): equal steps between
 *    event times, as FixedClock describes; the estimate is still computed and reported.
 */
import { AdaptiveClock, FixedClock, type AdaptiveClockState, type FixedClockState } from './clock.js';
import { StepController, type ControllerState } from './stepControl.js';
import type { Problem } from './problem.js';
import { describeCell } from '../grid/grid.js';
import { isAdaptive, NumericalFailure, type AdaptiveStepper, type StepperState } from '../solvers/stepper.js';

export interface SimulationCallbacks {
  /** A row of diagnostics at time t (after `steps` steps); `step` describes the step that ended at t. */
  onSeries?(t: number, values: number[], steps: number, step: StepInfo): void;
  /** The state at a snapshot time. */
  onSnapshot?(t: number, fields: Record<string, Float64Array>, steps: number): void;
  /** After every accepted step (progress display). */
  onStep?(t: number, steps: number, dt: number): void;
}

/** The step that ended at the current time: its length and its error ratio r (NaN when unknown). */
export interface StepInfo {
  dt: number;
  /** ||e||_w / rtol^(1/p) (src/simulation/stepControl.ts): <= 1 for an accepted error-controlled step; NaN without an estimate. */
  r: number;
}

export interface SimulationOptions {
  end: number;
  /** Fixed step; omitted: error-controlled steps (AdaptiveStepper), else the stepper's suggestedDt. */
  dt?: number;
  /** Tolerances of the error control (and of the estimate reported with fixed steps). */
  rtol: number;
  atol: number;
  /** Largest step of the error control (default: none). */
  dtMax?: number;
  snapshotTimes: readonly number[];
  seriesEvery: number;
  maxSteps: number;
  /** Relative tolerance for the maximum-principle check (null: no bounds check, e.g. particles). */
  boundsTolerance: number | null;
}

/** What a checkpoint stores of the time loop (JSON: numbers round-trip exactly). */
export interface SimulationState {
  mode: 'adaptive' | 'fixed';
  clock: FixedClockState | AdaptiveClockState;
  controller: ControllerState;
  /** 1 once the start-up step is done. */
  started: number;
  /** The last step's length and r (series rows report them). */
  lastDt: number;
  lastR: number;
}

/** Statistics of the time stepping for run.json (rtol, atol and error_sum only where the stepper has an estimate). */
export interface SteppingReport {
  mode: 'adaptive' | 'fixed';
  rtol?: number;
  atol?: number;
  /** Fixed steps: the requested dt. */
  dt?: number;
  accepted: number;
  rejected: number;
  dt_min: number | null;
  dt_max: number | null;
  /** Σ ||e||_w over the steps: the accumulated local error estimate in units of the tolerance (a global-error proxy). */
  error_sum?: number;
}

export class Simulation {
  readonly clock: FixedClock | AdaptiveClock;
  readonly controller: StepController;
  readonly adaptive: boolean;
  wallSeconds = 0;
  private started = 0;
  private lastDt = 0;
  private lastR = NaN;
  private startupCopy: Float64Array | null = null;

  constructor(
    readonly problem: Problem,
    readonly options: SimulationOptions,
    readonly callbacks: SimulationCallbacks = {},
  ) {
    const { stepper } = problem;
    this.adaptive = options.dt === undefined && isAdaptive(stepper);
    if (isAdaptive(stepper)) stepper.tolerances = { rtol: options.rtol, atol: options.atol };
    const order = isAdaptive(stepper) ? stepper.order : 1;
    if (this.adaptive) {
      this.clock = new AdaptiveClock(options.end, options.snapshotTimes);
      this.controller = new StepController({ order, rtol: options.rtol, dtMax: options.dtMax }, this.initialDt());
    } else {
      const dt = options.dt ?? stepper.suggestedDt();
      this.clock = new FixedClock(options.end, options.snapshotTimes, dt);
      if (this.clock.totalSteps > options.maxSteps) {
        throw new RangeError(`the run needs ${this.clock.totalSteps} steps, more than time.max_steps = ${options.maxSteps}`);
      }
      this.controller = new StepController({ order, rtol: options.rtol }, dt);
    }
  }

  /**
   * The first step to try: the stepper's fixed step, capped by a hundredth of the first event
   * interval and floored at 1e-8 of it; the start-up's error test shrinks it until the first-order
   * start meets the tolerance, or enlarges it. (The floor: the limit equation's fixed step is
   * 0.1 dx / max D, and D = rho^-alpha of a density floored at 1e-300 made it 1e-298, where the
   * predictor's step ratios underflow.)
   */
  private initialDt(): number {
    const first = this.clock.events[1];
    const guess = Math.min(this.problem.stepper.suggestedDt(), first / 100, this.options.dtMax ?? Infinity);
    return Math.max(guess, Math.min(1e-8 * first, this.options.dtMax ?? Infinity));
  }

  /** Statistics for run.json. */
  report(): SteppingReport {
    const s = this.controller.state;
    const estimated = isAdaptive(this.problem.stepper);
    return {
      mode: this.adaptive ? 'adaptive' : 'fixed',
      ...(estimated ? { rtol: this.options.rtol, atol: this.options.atol } : {}),
      ...(this.adaptive ? {} : { dt: this.options.dt ?? this.problem.stepper.suggestedDt() }),
      accepted: s.accepted,
      rejected: s.rejected,
      dt_min: Number.isFinite(s.dtMin) ? s.dtMin : null,
      dt_max: s.dtMax > 0 ? s.dtMax : null,
      ...(estimated ? { error_sum: s.errorSum } : {}),
    };
  }

  saveState(): SimulationState {
    return {
      mode: this.adaptive ? 'adaptive' : 'fixed',
      clock: { ...this.clock.state },
      controller: { ...this.controller.state },
      started: this.started,
      lastDt: this.lastDt,
      lastR: this.lastR,
    };
  }

  restoreState(s: SimulationState): void {
    if (s.mode !== (this.adaptive ? 'adaptive' : 'fixed')) throw new RangeError(`the saved time loop is ${s.mode}, this run is ${this.adaptive ? 'adaptive' : 'fixed'}`);
    (this.clock as { state: object }).state = { ...s.clock };
    this.controller.state = { ...s.controller };
    this.started = s.started;
    this.lastDt = s.lastDt;
    this.lastR = s.lastR;
  }

  /** Record the initial state (series row and the t = 0 snapshot). */
  start(): void {
    const { onSeries, onSnapshot } = this.callbacks;
    onSeries?.(0, this.problem.sample(), 0, { dt: 0, r: NaN });
    onSnapshot?.(0, this.problem.snapshotFields(), 0);
  }

  /**
   * Run to the end, or until `shouldStop` says so after a step, or until time `until` is reached
   * (error-controlled runs land on it exactly; it is not a snapshot time).
   */
  run(shouldStop?: () => boolean, until = Infinity): void {
    const { onSeries, onSnapshot, onStep } = this.callbacks;
    const snapshotSet = new Set(this.options.snapshotTimes);
    const t0 = performance.now();
    if (this.clock instanceof AdaptiveClock) this.clock.stopAt = until;
    try {
      while (!this.clock.done && this.clock.t < until) {
        const atEvent = this.adaptive ? this.adaptiveStep() : this.fixedStep();
        const t = this.clock.t;
        const steps = this.clock.steps;
        if (steps > this.options.maxSteps) {
          throw new NumericalFailure(`step ${steps}, t = ${t}: more than time.max_steps = ${this.options.maxSteps} steps before t = ${this.options.end} (raise time.max_steps, or loosen time.rtol)`);
        }
        this.check(t, steps);
        const info = { dt: this.lastDt, r: this.lastR };
        if (atEvent || steps % this.options.seriesEvery === 0) onSeries?.(t, this.problem.sample(), steps, info);
        if (atEvent && snapshotSet.has(t)) onSnapshot?.(t, this.problem.snapshotFields(), steps);
        onStep?.(t, steps, this.lastDt);
        if (shouldStop?.()) break;
      }
    } finally {
      this.wallSeconds += (performance.now() - t0) / 1000;
      if (this.clock instanceof AdaptiveClock) this.clock.stopAt = Infinity;
    }
  }

  /** One fixed step (the stepper's own step(), as without error control); its estimate is reported, not acted on. */
  private fixedStep(): boolean {
    const clock = this.clock as FixedClock;
    const { stepper } = this.problem;
    const dt = clock.dt;
    stepper.step(dt);
    const err = isAdaptive(stepper) ? stepper.lastError : NaN;
    this.controller.record(dt, err);
    this.lastDt = dt;
    this.lastR = this.controller.ratio(err);
    return clock.advance();
  }

  /** One accepted error-controlled step (retrying rejected attempts); true when it ended on an event. */
  private adaptiveStep(): boolean {
    const clock = this.clock as AdaptiveClock;
    const stepper = this.problem.stepper as AdaptiveStepper;
    if (!this.started) return this.startup(clock, stepper);
    for (;;) {
      const dt = clock.landing(this.controller.state.dtNext);
      const raw = stepper.attempt(dt);
      if (Number.isNaN(raw)) throw new Error('adaptive step without an error estimate (the start-up did not build the history)');
      // errors at the level of the algebraic solvers' tolerance are not the step's: do not ask for less
      const err = raw === Infinity ? raw : Math.max(0, raw - stepper.estimateNoise);
      const dtNext = this.controller.state.dtNext;
      if (this.controller.judge(dt, err)) {
        stepper.accept();
        // a landing step shortened by the clock does not shrink the controller's proposal
        if (dt < dtNext && this.controller.state.dtNext < dtNext) this.controller.state.dtNext = Math.min(dtNext, 2 * dt);
        this.lastDt = dt;
        this.lastR = this.controller.ratio(err);
        return clock.advance(dt);
      }
      this.checkUnderflow(clock, stepper, dt, err);
    }
  }

  /**
   * The first step, of length dt: two half steps (backward Euler, then BDF2 from the two levels) are
   * compared with one backward-Euler step of length dt. The difference is ≈ 3× the error of the
   * half-step result (first order: (dt/2)²y''/2 against dt²y''/2), which is kept.
   */
  private startup(clock: AdaptiveClock, stepper: AdaptiveStepper): boolean {
    const saved: StepperState = stepper.saveState();
    let enlarged = 0;
    for (;;) {
      const dt = clock.landing(this.controller.state.dtNext);
      let err = Infinity;
      if (stepper.attempt(dt) !== Infinity) {
        stepper.accept();
        const y = stepper.solution();
        if (this.startupCopy === null || this.startupCopy.length !== y.length) this.startupCopy = new Float64Array(y.length);
        this.startupCopy.set(y);
        stepper.restoreState(saved);
        if (stepper.attempt(dt / 2) !== Infinity) {
          stepper.accept();
          if (stepper.attempt(dt - dt / 2) !== Infinity) {
            stepper.accept();
            err = stepper.distance(this.startupCopy, stepper.solution()) / 3;
          }
        }
      }
      const r = this.controller.ratio(err);
      // far below the tolerance: try a longer first step (the guess is only the scheme's fixed step)
      if (r < 0.05 && enlarged < 6 && dt === this.controller.state.dtNext && !clock.done) {
        enlarged++;
        stepper.restoreState(saved);
        this.controller.state.dtNext = dt * Math.min(10, 0.9 * Math.pow(Math.max(r, 1e-12), -0.5));
        continue;
      }
      if (this.controller.judge(dt, err, 1)) {
        this.started = 1;
        // the stepper's last step was dt/2: keep BDF2's next step ratio <= 2
        this.controller.state.dtNext = Math.min(this.controller.state.dtNext, dt);
        this.startupCopy = null;
        this.lastDt = dt;
        this.lastR = r;
        return clock.advance(dt);
      }
      stepper.restoreState(saved);
      this.checkUnderflow(clock, stepper, dt, err);
    }
  }

  /** Stop when the controller's step has become meaninglessly small (the tolerance cannot be met). */
  private checkUnderflow(clock: AdaptiveClock, stepper: AdaptiveStepper, dt: number, err: number): void {
    const next = this.controller.state.dtNext;
    const floor = Math.max(1e-14 * this.options.end, 64 * Number.EPSILON * Math.abs(clock.t), 1e-300);
    if (next >= floor) return;
    const steps = clock.steps;
    const why = err === Infinity
      ? `the step failed at every size down to dt = ${dt}: ${stepper.lastFailure}`
      : `the local error estimate stays above the tolerance (r = ${this.controller.ratio(err).toPrecision(3)} at dt = ${dt}), largest ${stepper.errorPlace >= 0 ? `in ${this.describeCell(stepper.errorPlace)}` : 'somewhere'}`;
    throw new NumericalFailure(`step ${steps + 1}, t = ${clock.t}: the step size fell below ${floor.toPrecision(3)}; ${why} (time.rtol = ${this.options.rtol}, time.atol = ${this.options.atol})`);
  }

  private describeCell(c: number): string {
    return describeCell(this.problem.grid, c);
  }

  /** Stop on NaN/Inf or on a density outside the maximum-principle bounds, naming step, time and cell. */
  private check(t: number, steps: number): void {
    const rho = this.problem.stepper.rho();
    const { lo, hi } = this.problem.bounds;
    const tol = this.options.boundsTolerance;
    const slack = tol === null ? 0 : tol * Math.max(Math.abs(lo), Math.abs(hi));
    for (let c = 0; c < rho.length; c++) {
      const r = rho[c];
      const bad = !Number.isFinite(r) || (tol !== null && (r < lo - slack || r > hi + slack));
      if (bad) {
        const what = Number.isFinite(r) ? `rho = ${r} outside the maximum-principle bounds [${lo}, ${hi}]` : `rho = ${r}`;
        throw new NumericalFailure(`step ${steps}, t = ${t}: ${what} in ${this.describeCell(c)}`, { cell: c });
      }
    }
    const other = this.problem.check?.();
    if (other) throw new NumericalFailure(`step ${steps}, t = ${t}: ${other}`);
  }
}

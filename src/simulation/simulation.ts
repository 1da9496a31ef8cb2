/**
 * The Simulation owns the time loop (after Oceananigans' Simulation): it asks the Clock for each
 * dt, steps the solver, checks the state, and calls the scheduled callbacks — a series row every
 * `seriesEvery` steps and at every snapshot time, a snapshot at each output time. Solvers know
 * nothing of schedules; writers know nothing of schemes.
 */
import { Clock } from './clock.js';
import type { Problem } from './problem.js';
import { NumericalFailure } from '../solvers/stepper.js';

export interface SimulationCallbacks {
  /** A row of diagnostics at time t (after `steps` steps). */
  onSeries?(t: number, values: number[], steps: number): void;
  /** The state at a snapshot time. */
  onSnapshot?(t: number, fields: Record<string, Float64Array>, steps: number): void;
  /** After every step (progress display). */
  onStep?(t: number, steps: number): void;
}

export interface SimulationOptions {
  end: number;
  dt: number;
  snapshotTimes: readonly number[];
  seriesEvery: number;
  maxSteps: number;
  /** Relative tolerance for the maximum-principle check (null: no bounds check, e.g. particles). */
  boundsTolerance: number | null;
}

export class Simulation {
  readonly clock: Clock;
  wallSeconds = 0;

  constructor(
    readonly problem: Problem,
    readonly options: SimulationOptions,
    readonly callbacks: SimulationCallbacks = {},
  ) {
    this.clock = new Clock(options.end, options.snapshotTimes, options.dt);
    if (this.clock.totalSteps > options.maxSteps) {
      throw new RangeError(`the run needs ${this.clock.totalSteps} steps, more than time.max_steps = ${options.maxSteps}`);
    }
  }

  /** Record the initial state (series row and the t = 0 snapshot). */
  start(): void {
    const { onSeries, onSnapshot } = this.callbacks;
    onSeries?.(0, this.problem.sample(), 0);
    onSnapshot?.(0, this.problem.snapshotFields(), 0);
  }

  /** Run to the end (or until `shouldStop` says so after a step). */
  run(shouldStop?: () => boolean): void {
    const { stepper } = this.problem;
    const { onSeries, onSnapshot, onStep } = this.callbacks;
    const snapshotSet = new Set(this.options.snapshotTimes);
    const t0 = performance.now();
    try {
      while (!this.clock.done) {
        const dt = this.clock.dt;
        stepper.step(dt);
        const atEvent = this.clock.advance();
        const t = this.clock.t;
        const steps = this.clock.state.steps;
        this.check(t, steps);
        if (atEvent || steps % this.options.seriesEvery === 0) onSeries?.(t, this.problem.sample(), steps);
        if (atEvent && snapshotSet.has(t)) onSnapshot?.(t, this.problem.snapshotFields(), steps);
        onStep?.(t, steps);
        if (shouldStop?.()) break;
      }
    } finally {
      this.wallSeconds += (performance.now() - t0) / 1000;
    }
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
        const g = this.problem.grid;
        const place = g.dim === 1 ? `cell ${c} (x = ${(c + 0.5) / g.n[0]})` : `cell (${c % g.n[0]}, ${Math.floor(c / g.n[0])})`;
        const what = Number.isFinite(r) ? `rho = ${r} outside the maximum-principle bounds [${lo}, ${hi}]` : `rho = ${r}`;
        throw new NumericalFailure(`step ${steps}, t = ${t}: ${what} in ${place}`, { cell: c });
      }
    }
    const other = this.problem.check?.();
    if (other) throw new NumericalFailure(`step ${steps}, t = ${t}: ${other}`);
  }
}

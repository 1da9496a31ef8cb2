import type { Grid } from '../grid/grid.js';

/**
 * The contract between a time stepper and the Simulation that owns the clock.
 *
 * A stepper knows its equation and scheme, nothing of files or schedules. The Simulation
 * chooses every dt (it lands exactly on snapshot times). Two ways to step:
 *
 *  - fixed steps (`time.dt` given, or a stepper without error control such as the particles):
 *    `step(dt)` advances the state;
 *  - error-controlled steps (every grid solver, the default): `attempt(dt)` computes the step into
 *    work buffers, commits nothing and returns the weighted local error estimate; the Simulation's
 *    controller then calls `accept()` or simply attempts again with a smaller dt (after SUNDIALS'
 *    CVODE: the stepper proposes, the controller decides; docs/time-stepping.md).
 */
export interface TimeStepper {
  readonly grid: Grid;
  /** Human-readable scheme name, recorded in run.json. */
  readonly scheme: string;
  /** The fixed step this scheme falls back to without error control (never tied to dx^2 or eps). */
  suggestedDt(): number;
  /**
   * The largest step the scheme is stable (and bound- or positivity-preserving) for, when it has an
   * explicit part (e.g. the full BGK's transport); error-controlled steps are capped by it. Absent: no limit.
   */
  stableDt?(): number;
  /** Advance the state by dt. Throws NumericalFailure when the step cannot be completed. */
  step(dt: number): void;
  /** The density rho (cell averages, x fastest), a view that the stepper may overwrite on the next step. */
  rho(): Float64Array;
  /** Everything needed to restart bit-for-bit (checkpoints). */
  saveState(): StepperState;
  restoreState(state: StepperState): void;
  /**
   * Optional: the same state as saveState(), with the same keys, order and values, but its arrays may
   * be the stepper's own buffers (no copy; valid until the next step): for writing a checkpoint at once.
   */
  checkpointState?(): StepperState;
}

/**
 * Relative and absolute tolerance of the weighted norm ||e||_w = max over cells of |e_c| / (atol + rtol |y_c|),
 * where |·|_c is the absolute value (limit equation) or, for kinetic unknowns h = f/M, the L²(M dv)
 * norm over the velocity nodes of the cell (the paper's L²(M⁻¹) norm of f, cell by cell).
 */
export interface Tolerances {
  rtol: number;
  atol: number;
}

/** A stepper with a local error estimate: the Simulation controls its steps (src/simulation/stepControl.ts). */
export interface AdaptiveStepper extends TimeStepper {
  /** Tolerances of the weighted norm of `attempt`'s estimate (set by the Simulation). */
  tolerances: Tolerances;
  /** Order p of the scheme: the local error of a step of length dt is O(dt^(p+1)). */
  readonly order: number;
  /**
   * Compute the step of length dt from the current state into work buffers, committing nothing, and
   * return the weighted max norm of its estimated local error: NaN when the history is still too
   * short for an estimate (the first two steps), +Infinity when the step could not be completed
   * (a solver that did not converge, a failed bound) and should be retried with a smaller dt.
   * `lastFailure` then says why and `errorPlace` where the estimate is largest.
   */
  attempt(dt: number): number;
  /** Commit the last attempt (its state becomes the current one). */
  accept(): void;
  /** The estimate ||e||_w of the last committed step (by accept() or step()); NaN when there is none. */
  readonly lastError: number;
  /**
   * The part of the last attempt's estimate that the algebraic solvers' own tolerance (Newton, GMRES)
   * can produce, in the same weighted norm: the controller does not ask for errors below it.
   */
  readonly estimateNoise: number;
  /** The unknowns whose error is controlled (rho for the limit equation, h = rho + q for kinetic runs): a view. */
  solution(): Float64Array;
  /** Why the last attempt returned +Infinity (empty otherwise). */
  readonly lastFailure: string;
  /** The cell where the last finite estimate was largest (for messages), or -1. */
  readonly errorPlace: number;
  /** The weighted norm of the estimates applied to a − b, b a state like solution() (start-up step doubling). */
  distance(a: Float64Array, b: Float64Array): number;
}

export function isAdaptive(s: TimeStepper): s is AdaptiveStepper {
  return typeof (s as Partial<AdaptiveStepper>).attempt === 'function';
}

export type StepperState = Record<string, Float64Array | number>;

/** A step that failed: non-finite values, a bound violation, or a solver that did not converge. */
export class NumericalFailure extends Error {
  constructor(
    message: string,
    readonly where: { cell?: number; velocity?: number } = {},
  ) {
    super(message);
    this.name = 'NumericalFailure';
  }
}

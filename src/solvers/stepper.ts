import type { Grid } from '../grid/grid.js';

/**
 * The contract between a time stepper and the Simulation that owns the clock.
 *
 * A stepper knows its equation and scheme, nothing of files or schedules. The Simulation
 * chooses every dt (it lands exactly on snapshot times) and calls `step(dt)`.
 */
export interface TimeStepper {
  readonly grid: Grid;
  /** Human-readable scheme name, recorded in run.json. */
  readonly scheme: string;
  /** The step this scheme recommends on this grid (accuracy-based; never tied to dx^2 or eps). */
  suggestedDt(): number;
  /** Advance the state by dt. Throws NumericalFailure when the step cannot be completed. */
  step(dt: number): void;
  /** The density rho (cell averages, x fastest), a view that the stepper may overwrite on the next step. */
  rho(): Float64Array;
  /** Everything needed to restart bit-for-bit (checkpoints). */
  saveState(): StepperState;
  restoreState(state: StepperState): void;
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

/**
 * The Simulation options of a config: one function for the CLI's runs, the studies and the explorer,
 * so that all three step a config identically.
 */
import { defaultRtol, type Config } from '../config/schema.js';
import type { Problem } from './problem.js';
import type { SimulationOptions } from './simulation.js';

/** Relative tolerance of the maximum-principle check of every run. */
export const BOUNDS_TOLERANCE = 1e-9;

export function simulationOptions(config: Config, problem: Problem): SimulationOptions {
  const { time } = config;
  const scale = problem.scale ?? Math.max(Math.abs(problem.bounds.lo), Math.abs(problem.bounds.hi));
  // a scheme with an explicit part caps the error-controlled steps at its stability limit
  const stable = problem.stepper.stableDt?.() ?? Infinity;
  const dtMax = Math.min(time.dt_max ?? Infinity, stable);
  const rtol = time.rtol ?? defaultRtol(config.domain.cells);
  return {
    end: time.end,
    dt: time.dt,
    rtol,
    atol: time.atol ?? rtol * (scale > 0 ? scale : 1),
    dtMax: Number.isFinite(dtMax) ? dtMax : undefined,
    snapshotTimes: config.output.times ?? [time.end],
    seriesEvery: config.output.series_every,
    maxSteps: time.max_steps,
    boundsTolerance: config.model.equation === 'particles' ? null : BOUNDS_TOLERANCE,
  };
}

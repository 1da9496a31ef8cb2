/**
 * The limit equation (paper eq. (1.3)) as a run: `equation: diffusion`.
 */
import type { Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import type { RateLaw } from '../../models/rate.js';
import { densityDiagnostics } from '../../diagnostics/density.js';
import { buildRate, initialDensity, minMax, type EquationBuilder, type Problem } from '../../simulation/problem.js';
import { DiffusionSolver } from './solver.js';
import { buildSpeciesLimit } from '../species/builder.js';

export const diffusionEquation: EquationBuilder = { build: buildDiffusion, species: buildSpeciesLimit };

export function buildDiffusion(config: Config, grid: Grid): Problem {
  const rho0 = initialDensity(grid, config.initial.rho as string, 'initial.rho');
  const [lo, hi] = minMax(rho0);
  return diffusionProblem(config, grid, buildRate(config, [lo, hi]), rho0);
}

/** The limit-equation problem for given initial cell averages (also the explorer's limit run beside a kinetic one). */
export function diffusionProblem(config: Config, grid: Grid, rate: RateLaw, rho0: Float64Array): Problem {
  const [lo, hi] = minMax(rho0);
  const stepper = new DiffusionSolver({ grid, rate, rho0 });
  return {
    config,
    grid,
    rate,
    stepper,
    bounds: { lo, hi },
    columns: ['mass', 'rho_min', 'rho_max', 'rho_l2_dev'],
    sample() {
      const d = densityDiagnostics(grid, stepper.rho());
      return [d.mass, d.rho_min, d.rho_max, d.rho_l2_dev];
    },
    snapshotFields() {
      return { rho: stepper.rho() };
    },
  };
}


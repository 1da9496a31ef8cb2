/**
 * The kinetic equation (paper eq. (1.2)) as a run: `equation: kinetic`, with the extended series
 * (kinetic norms and the theorem diagnostics) and h(x, v) in fields.h5 (../microMacro/problem.ts).
 */
import type { Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import { configThreads, type EquationBuilder, type Problem } from '../../simulation/problem.js';
import { microMacroProblem } from '../microMacro/problem.js';
import { KineticSolver } from './solver.js';
import { buildSpeciesKinetic } from '../species/builder.js';

export const kineticEquation: EquationBuilder = { build: buildKinetic, species: buildSpeciesKinetic };

function buildKinetic(config: Config, grid: Grid): Problem {
  return microMacroProblem(config, grid, ({ velocity, rate, eps, h0 }) => new KineticSolver({ grid, velocity, rate, eps, h0, threads: configThreads(config) }));
}

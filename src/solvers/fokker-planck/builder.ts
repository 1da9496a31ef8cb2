/**
 * The kinetic Fokker–Planck equation (paper eq. (1.5)) as a run: `equation: fokker-planck`, with the
 * same configs, series, theorem diagnostics and fields as `kinetic` (../microMacro/problem.ts).
 */
import type { Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import type { EquationBuilder, Problem } from '../../simulation/problem.js';
import { microMacroProblem } from '../microMacro/problem.js';
import { FokkerPlanckSolver } from './solver.js';

export const fokkerPlanckEquation: EquationBuilder = { build: buildFokkerPlanck };

function buildFokkerPlanck(config: Config, grid: Grid): Problem {
  return microMacroProblem(config, grid, ({ velocity, rate, eps, h0 }) => new FokkerPlanckSolver({ grid, velocity, rate, eps, h0 }));
}

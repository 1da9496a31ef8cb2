/**
 * The limit equation (paper eq. (1.3)) as a run: `equation: diffusion`, on every domain of
 * src/grid/grid.ts. Columns after the density's: the cumulative outflow through each side that can
 * pass mass (`outflow_x_lo`, …, `outflow_r_hi`), the front of a porous-medium support
 * (`front_x_lo`, `front_x_hi`, `front_r`: alpha < 0 with vacuum data on 1D and radial meshes) and the
 * mass beyond far-field sides implied by their tail model (`tail_mass`: fast and logarithmic diffusion
 * on 1D and radial meshes). The unit torus keeps exactly the columns it had.
 */
import type { Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import type { RateLaw } from '../../models/rate.js';
import { ConfigError } from '../../config/validate.js';
import { directionNames } from '../../config/domain.js';
import { densityDiagnostics } from '../../diagnostics/density.js';
import { frontPositions } from '../../diagnostics/fronts.js';
import { buildRate, initialDensity, minMax, type EquationBuilder, type Problem } from '../../simulation/problem.js';
import { BoundaryError, principleBounds, sideLaws, tailMass, type SideLaw } from './boundary.js';
import { DiffusionSolver } from './solver.js';
import { buildSpeciesLimit } from '../species/builder.js';

export const diffusionEquation: EquationBuilder = { build: buildDiffusion, species: buildSpeciesLimit };

export function buildDiffusion(config: Config, grid: Grid): Problem {
  const alpha = config.model.alpha;
  const vacuum = {
    allowed: alpha === undefined || alpha < 1,
    why: `alpha = ${alpha} >= 1: Phi(rho) = ${alpha === 1 ? 'log rho' : 'rho^(1-alpha)/(1-alpha)'} is -infinity at rho = 0, so vacuum is not allowed (logarithmic and faster diffusion need rho > 0)`,
  };
  const rho0 = initialDensity(grid, config.initial.rho as string, 'initial.rho', vacuum);
  const laws = boundaryLaws(config, grid);
  const [lo, hi] = principleBounds(grid, laws, minMax(rho0), config.time.end);
  return diffusionProblem(config, grid, buildRate(config, [lo, hi]), rho0, [lo, hi]);
}

/** The side laws of the grid for this config, boundary errors as ConfigErrors naming the side. */
function boundaryLaws(config: Config, grid: Grid): SideLaw[] {
  const alpha = config.model.alpha;
  // the laws depend on the rate only through alpha (general rates: no far field)
  const probe = { alpha, kirchhoff: () => 0 } as unknown as RateLaw;
  try {
    return sideLaws(grid, probe);
  } catch (err) {
    if (!(err instanceof BoundaryError)) throw err;
    const name = directionNames(grid.geometry, grid.dim)[err.dim];
    throw new ConfigError([{ path: `domain.boundary.${name}[${err.side}]`, message: err.message }]);
  }
}

/** The limit-equation problem for given initial cell averages (also the explorer's limit run beside a kinetic one). */
export function diffusionProblem(config: Config, grid: Grid, rate: RateLaw, rho0: Float64Array, bounds?: [number, number]): Problem {
  const [lo, hi] = bounds ?? minMax(rho0);
  const stepper = new DiffusionSolver({ grid, rate, rho0, bounds: [lo, hi] });
  const names = directionNames(grid.geometry, grid.dim);
  const open = stepper.openSides();
  const columns = ['mass', 'rho_min', 'rho_max', 'rho_l2_dev', ...open.map((k) => `outflow_${names[k >> 1]}_${(k & 1) === 0 ? 'lo' : 'hi'}`)];
  const alpha = rate.alpha;
  const fronts = alpha !== undefined && alpha < 0 && grid.dim === 1 && minMax(rho0)[0] === 0;
  if (fronts) columns.push(...(grid.geometry === 'radial' ? ['front_r'] : ['front_x_lo', 'front_x_hi']));
  const far = stepper.laws.map((law, k) => (law.type === 'log-flux' || (law.type === 'value' && law.far && alpha !== undefined && alpha > 0) ? k : -1)).filter((k) => k >= 0);
  const tails = grid.dim === 1 && far.length > 0;
  if (tails) columns.push('tail_mass');
  const out = stepper.outflow();
  return {
    config,
    grid,
    rate,
    stepper,
    bounds: { lo, hi },
    columns,
    sample() {
      const rho = stepper.rho();
      const d = densityDiagnostics(grid, rho);
      const row = [d.mass, d.rho_min, d.rho_max, d.rho_l2_dev, ...open.map((k) => out[k])];
      if (fronts) {
        const [a, b] = frontPositions(grid, rho, alpha as number);
        if (grid.geometry === 'radial') row.push(b);
        else row.push(a, b);
      }
      if (tails) row.push(far.reduce((s, k) => s + tailMass(grid, rate, stepper.laws[k], k >> 1, k & 1, rho, stepper.t), 0));
      return row;
    },
    snapshotFields() {
      return { rho: stepper.rho() };
    },
  };
}

/**
 * The kinetic equation (paper eq. (1.2)) as a run: `equation: kinetic`, with the extended series
 * (kinetic norms and, on periodic domains, the theorem diagnostics) and h(x, v) in fields.h5
 * (../microMacro/problem.ts). Domains (./boundary.ts): periodic boxes of any size, and in 1D intervals
 * with specular, diffuse, absorbing and inflow walls (series columns outflow_x_lo, outflow_x_hi: the
 * cumulative mass that left). Vacuum: rho_in = 0 (or h_in = 0) on open sets is allowed; lambda(0) = 0
 * for alpha > 0 (free streaming), infinity for alpha < 0 (instant relaxation) (docs/kinetic-scheme.md
 * "Vacuum"). Snapshots hold rho, the flux and the local Knudsen number eps/lambda(rho) (`knudsen`).
 */
import type { Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import { ConfigError } from '../../config/validate.js';
import { generalRate, powerLaw, type RateLaw } from '../../models/rate.js';
import { compileField, configThreads, type EquationBuilder, type Problem } from '../../simulation/problem.js';
import { microMacroProblem } from '../microMacro/problem.js';
import { KineticSolver } from './solver.js';
import { kineticDomain } from './boundary.js';
import { buildSpeciesKinetic } from '../species/builder.js';

export const kineticEquation: EquationBuilder = { build: buildKinetic, species: buildSpeciesKinetic };

/**
 * lambda(rho) for the kinetic solver: rho^alpha, or the general rate checked finite and > 0 on the data's
 * range; at rho = 0 (vacuum) it may be 0 (free streaming) or infinite (instant relaxation).
 */
export function kineticRate(config: Config, lo: number, hi: number): RateLaw {
  const { alpha, rate } = config.model;
  if (alpha !== undefined) return powerLaw(alpha);
  const expr = compileField(rate as string, ['rho'], 'model.rate');
  const a = lo > 0 ? lo : hi * 1e-6;
  for (let k = 0; k <= 64; k++) {
    const r = a + ((hi - a) * k) / 64;
    const lam = expr.fn(r);
    if (!(Number.isFinite(lam) && lam > 0)) {
      throw new ConfigError([{ path: 'model.rate', message: `lambda(rho) must be finite and > 0 for rho in [${a}, ${hi}] (the range of the data), but lambda(${r}) = ${lam}` }]);
    }
  }
  if (!(lo > 0)) {
    const l0 = expr.fn(0);
    if (!(l0 >= 0)) throw new ConfigError([{ path: 'model.rate', message: `lambda(0) must be in [0, infinity] (vacuum: 0 is free streaming, infinity instant relaxation), got ${l0}` }]);
  }
  return generalRate((r) => expr.fn(r), `lambda(rho) = ${rate}`, [a, hi]);
}

function buildKinetic(config: Config, grid: Grid): Problem {
  return microMacroProblem(
    config,
    grid,
    ({ velocity, rate, eps, h0, bounds, walls }) => new KineticSolver({ grid, velocity, rate, eps, h0, bounds, walls, threads: configThreads(config) }),
    { domain: (c, g, velocity) => kineticDomain(c, g, velocity.v), rate: kineticRate },
  );
}

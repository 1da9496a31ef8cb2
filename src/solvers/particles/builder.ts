/**
 * The particle problem (equation: particles): run-and-tumble particles whose density is
 * estimated on the grid, with the same run contract as the grid solvers (series.csv with mass,
 * rho_min, rho_max, rho_l2_dev and the estimated flux; snapshots of rho and j), so that
 * `nlbgk compare` works between a particle run and a kinetic or diffusion run.
 */
import type { Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import { chooseParticleScheme, particleDefaultDt, ParticleSolver } from './solver.js';
import { densityDiagnostics } from '../../diagnostics/density.js';
import { buildRate, fluxFields, initialDensity, minMax, requireUnitTorus, type EquationBuilder, type Problem } from '../../simulation/problem.js';
import { buildSpeciesParticles } from '../species/builder.js';

export const particlesEquation: EquationBuilder = { build: buildParticles, species: buildSpeciesParticles };

export function buildParticles(config: Config, grid: Grid): Problem {
  requireUnitTorus(config, grid);
  const rho0 = initialDensity(grid, config.initial.rho as string, 'initial.rho');
  const [lo, hi] = minMax(rho0);
  const rate = buildRate(config, [lo, hi]);
  const eps = config.model.eps as number;
  const p = config.particles;
  if (!p) throw new Error('buildParticles: the config has no particles section (validateConfig fills it in for equation particles)');
  const lambdaMax = Math.max(rate.lambda(lo), rate.lambda(hi));
  const scheme = p.scheme === 'auto' ? chooseParticleScheme(lambdaMax, config.time.dt ?? particleDefaultDt(grid), eps) : p.scheme;
  const stepper = new ParticleSolver({
    grid,
    rate,
    eps,
    rho0,
    count: p.count,
    seed: p.seed,
    ensembles: p.ensembles,
    density: { method: p.density.method, bandwidth: p.density.bandwidth },
    scheme,
  });
  const fluxes = fluxFields(grid);
  const flux = fluxes.flux;
  return {
    config,
    grid,
    rate,
    stepper,
    bounds: { lo, hi },
    columns: ['mass', 'rho_min', 'rho_max', 'rho_l2_dev', 'flux_l2_sq'],
    sample() {
      const d = densityDiagnostics(grid, stepper.rho());
      stepper.flux(flux);
      let fl = 0;
      for (const f of flux) for (let c = 0; c < grid.cells; c++) fl += f[c] * f[c];
      return [d.mass, d.rho_min, d.rho_max, d.rho_l2_dev, fl * grid.cellVolume];
    },
    snapshotFields() {
      stepper.flux(flux);
      return fluxes.addTo({ rho: stepper.rho() });
    },
  };
}

/**
 * The particle problem (equation: particles): run-and-tumble particles whose density is
 * estimated on the grid, with the same run contract as the grid solvers (series.csv with mass,
 * rho_min, rho_max, rho_l2_dev and the estimated flux; snapshots of rho and j), so that
 * `nlbgk compare` works between a particle run and a kinetic or diffusion run. Domains: the unit
 * torus, or the unit box [0, 1]^d with specular, diffuse or absorbing sides (./walls.ts); absorbing
 * sides add the series columns outflow_<dir>_<lo|hi> (mass that left, comparable with the kinetic
 * equation's) and absorbed_<dir>_<lo|hi> (the number of particles absorbed there, all members).
 */
import type { Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import { chooseParticleScheme, particleDefaultDt, ParticleSolver } from './solver.js';
import { densityDiagnostics } from '../../diagnostics/density.js';
import { buildRate, fluxFields, initialDensity, minMax, type EquationBuilder, type Problem } from '../../simulation/problem.js';
import { ConfigError } from '../../config/validate.js';
import { directionNames } from '../../config/domain.js';
import { PERIODIC, wallCodes } from './walls.js';
import { buildSpeciesParticles } from '../species/builder.js';

export const particlesEquation: EquationBuilder = { build: buildParticles, species: buildSpeciesParticles };

const PARTICLE_SIDES = ['periodic', 'specular', 'diffuse', 'absorbing'];

/** The side codes of a particle run's domain: the unit box with periodic, specular, diffuse or absorbing sides; else a ConfigError naming the key. */
export function particleWalls(config: Config, grid: Grid): Int8Array {
  const d = config.domain;
  if (grid.geometry !== 'cartesian') throw new ConfigError([{ path: 'domain.geometry', message: `particles run on the unit box [0, 1]^d (got ${d.geometry})` }]);
  if (!grid.box.every(([a, b]) => a === 0 && b === 1)) throw new ConfigError([{ path: 'domain.box', message: `particles run on the unit box [0, 1]^d for now (got ${JSON.stringify(d.box)})` }]);
  const names = directionNames(grid.geometry, grid.dim);
  grid.sides.forEach((pair, dir) => {
    pair.forEach((side, s) => {
      if (!PARTICLE_SIDES.includes(side.kind)) {
        throw new ConfigError([{ path: `domain.boundary.${names[dir]}[${s}]`, message: `${side.kind} is not a particle boundary (periodic, specular, diffuse, absorbing${side.kind === 'inflow' ? '; inflow is a wall of the kinetic equation only' : ''})` }]);
      }
    });
  });
  const codes = wallCodes(grid.sides.map(([a, b]) => [a.kind, b.kind] as const));
  if (codes.some((c) => c !== PERIODIC) && config.particles?.density.method === 'kernel') {
    throw new ConfigError([{ path: 'particles.density.method', message: 'the kernel estimator wraps around the torus; with walls use histogram' }]);
  }
  return codes;
}

export function buildParticles(config: Config, grid: Grid): Problem {
  const codes = particleWalls(config, grid);
  const walled = codes.some((c) => c !== PERIODIC);
  const names = directionNames(grid.geometry, grid.dim);
  const outSides: number[] = [];
  codes.forEach((c, k) => {
    if (c !== PERIODIC) outSides.push(k);
  });
  const sideName = (k: number) => `${names[k >> 1]}_${k & 1 ? 'hi' : 'lo'}`;
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
    walls: walled ? codes : undefined,
  });
  const outflow = new Float64Array(2 * grid.dim);
  const fluxes = fluxFields(grid);
  const flux = fluxes.flux;
  return {
    config,
    grid,
    rate,
    stepper,
    bounds: { lo, hi },
    columns: ['mass', 'rho_min', 'rho_max', 'rho_l2_dev', 'flux_l2_sq', ...outSides.map((k) => `outflow_${sideName(k)}`), ...outSides.map((k) => `absorbed_${sideName(k)}`)],
    sample() {
      const d = densityDiagnostics(grid, stepper.rho());
      stepper.flux(flux);
      let fl = 0;
      for (const f of flux) for (let c = 0; c < grid.cells; c++) fl += f[c] * f[c];
      const row = [d.mass, d.rho_min, d.rho_max, d.rho_l2_dev, fl * grid.cellVolume];
      if (!walled) return row;
      stepper.outflow(outflow);
      const counts = stepper.absorbedCounts();
      return [...row, ...outSides.map((k) => outflow[k]), ...outSides.map((k) => counts[k])];
    },
    snapshotFields() {
      stepper.flux(flux);
      return fluxes.addTo({ rho: stepper.rho() });
    },
  };
}

/**
 * Species runs (a config with `species:`; docs/species.md): the kinetic model, its limit system and
 * particles with species labels, each as a Problem. Registered as the `species` form of the kinetic,
 * diffusion and particles equations (src/solvers/<equation>/builder.ts).
 *
 * Before anything runs, the rates are checked on the densities the data can reach (./rates.ts): a rate
 * that is 0, infinite, negative or undefined there — or an Itô system that is not parabolic — is a
 * ConfigError (exit 2) naming the rate and the state.
 *
 * Series columns: the total density's (mass, rho_min, rho_max, rho_l2_dev: what `nlbgk compare` reads),
 * then per species NAME: mass_NAME, min_NAME, max_NAME (density), lammin_NAME, lammax_NAME (its rate
 * over the cells now), and the Lyapunov functionals `entropy` and `energy` (./diagnostics.ts). Kinetic
 * runs add hmin_NAME, hmax_NAME and the distance of each species to the limit system stepped beside
 * it, dist_NAME = ||h_i − rho_i,lim M||_{L²(M⁻¹)} and distrho_NAME = ||rho_i − rho_i,lim||_{L²}.
 * Snapshots: rho (total), rho_NAME, and j_NAME (kinetic, particles) or rholim_NAME (kinetic).
 */
import { cellAverages, isUnitTorus, type Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import { ConfigError, type ConfigIssue } from '../../config/validate.js';
import { velocityGrid } from '../../velocity/gaussHermite.js';
import { densityDiagnostics } from '../../diagnostics/density.js';
import { compileField, minMax, type Problem } from '../../simulation/problem.js';
import { chooseParticleScheme, particleDefaultDt } from '../particles/solver.js';
import { describedRate, SpeciesRates, type LimitFlux } from './rates.js';
import { SpeciesLimitSolver } from './limit.js';
import { SpeciesKineticSolver } from './kinetic.js';
import { SpeciesParticleSolver } from './particles.js';
import { densityEntropy, kineticEntropy, kineticDistance, l2Distance } from './diagnostics.js';

/** The rates of a config's species list, compiled in rho1 … rhon and the species' names. */
export function speciesRates(config: Config): SpeciesRates {
  const list = config.species ?? [];
  const vars = SpeciesRates.variables(list.map((s) => s.name));
  return new SpeciesRates(list.map((s, i) => ({ name: s.name, source: s.rate, fn: compileField(s.rate, vars, `species[${i}].rate`).fn })));
}

/** Initial densities (cell averages) per species; finite, >= 0, with mass > 0. */
export function speciesDensities(config: Config, grid: Grid): Float64Array[] {
  return (config.species ?? []).map((sp, i) => {
    const path = `species[${i}].rho`;
    const f = compileField(sp.rho as string, ['x'], path);
    const rho = cellAverages(grid, (x) => f.fn(x));
    checkData(rho, path, 'the initial density', 1, grid);
    return rho;
  });
}

/** Initial h = f/M per species at the velocity nodes (cells × nodes); finite, >= 0, with mass > 0. */
function speciesKineticData(config: Config, grid: Grid, nodes: { count: number; v: readonly Float64Array[] }): Float64Array[] {
  const K = nodes.count;
  return (config.species ?? []).map((sp, i) => {
    const h0 = new Float64Array(grid.cells * K);
    if (sp.rho !== undefined) {
      const f = compileField(sp.rho, ['x'], `species[${i}].rho`);
      const rho = cellAverages(grid, (x) => f.fn(x));
      for (let c = 0; c < grid.cells; c++) h0.fill(rho[c], c * K, (c + 1) * K);
      checkData(h0, `species[${i}].rho`, 'the initial density', K, grid);
      return h0;
    }
    const f = compileField(sp.h as string, ['x', 'v'], `species[${i}].h`);
    for (let k = 0; k < K; k++) {
      const v = nodes.v[0][k];
      const avg = cellAverages(grid, (x) => f.fn(x, v));
      for (let c = 0; c < grid.cells; c++) h0[c * K + k] = avg[c];
    }
    checkData(h0, `species[${i}].h`, 'the initial h = f/M', K, grid);
    return h0;
  });
}

function checkData(values: Float64Array, path: string, what: string, stride: number, grid: Grid): void {
  let sum = 0;
  for (let p = 0; p < values.length; p++) {
    const x = values[p];
    if (!(Number.isFinite(x) && x >= 0)) {
      const cell = Math.floor(p / stride);
      throw new ConfigError([{ path, message: `${what} must be finite and >= 0 everywhere, but its cell average is ${x} in the cell at x = ${(cell + 0.5) / grid.cells}` }]);
    }
    sum += x;
  }
  if (!(sum > 0)) throw new ConfigError([{ path, message: `${what} is 0 everywhere: a species needs a positive mass` }]);
}

/** Species runs are on the periodic unit torus T¹ (the dimension is checked by validateConfig). */
function requireTorus(config: Config, grid: Grid): void {
  if (isUnitTorus(grid)) return;
  const d = config.domain;
  throw new ConfigError([{ path: 'domain', message: `species runs are on the periodic unit torus only for now (got geometry ${d.geometry}, box ${JSON.stringify(d.box)}, boundary ${JSON.stringify(d.boundary)})` }]);
}

/** The description attribute of each species field in fields.h5. */
function fieldDescriptions(names: readonly string[], kinetic: boolean, particles = false): Record<string, string> {
  const out: Record<string, string> = { rho: 'total density sum_i rho_i of the species: cell averages at the snapshot times, shape (S, Nx)' };
  for (const n of names) {
    out[`rho_${n}`] = `density of species ${n}: cell averages, shape (S, Nx)`;
    if (kinetic || particles) out[`j_${n}`] = `flux of species ${n}, j = int v f dv (cell averages; not squared), shape (S, Nx)`;
    if (kinetic) out[`rholim_${n}`] = `density of species ${n} in the Fickian limit system stepped beside the kinetic run, shape (S, Nx)`;
  }
  return out;
}

/** Refuse rates that are not finite and > 0 on the reachable box (and a non-parabolic Itô system) with exit 2. */
function checkRates(rates: SpeciesRates, lo: number[], hi: number[], flux: LimitFlux, rho: readonly Float64Array[]): void {
  const N = rho[0].length;
  const states: number[][] = [];
  for (let c = 0; c < N; c++) states.push(rho.map((r) => r[c]));
  const problems = rates.check(lo, hi, flux, states, states.map((_, c) => `x = ${(c + 0.5) / N}`));
  if (problems.length === 0) return;
  const issues: ConfigIssue[] = problems.map((p) => ({ path: p.species >= 0 ? `species[${p.species}].rate` : 'model.flux', message: p.message }));
  throw new ConfigError(issues);
}

/** Density of each species from h (cells × nodes) into out. */
function densityOf(h: Float64Array, w: Float64Array, out: Float64Array): Float64Array {
  const K = w.length;
  for (let c = 0; c < out.length; c++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += w[k] * h[c * K + k];
    out[c] = s;
  }
  return out;
}

/** The columns and values every species problem shares: total density, per species mass/min/max and rate range. */
function commonColumns(names: readonly string[]): string[] {
  return ['mass', 'rho_min', 'rho_max', 'rho_l2_dev', ...names.flatMap((n) => [`mass_${n}`, `min_${n}`, `max_${n}`, `lammin_${n}`, `lammax_${n}`])];
}

function commonValues(grid: Grid, rates: SpeciesRates, total: Float64Array, rho: readonly Float64Array[], lo: number[], hi: number[], lam: Float64Array[], work: Float64Array): number[] {
  const d = densityDiagnostics(grid, total);
  rates.fill(rho, lo, hi, lam, grid.cells, work);
  const out = [d.mass, d.rho_min, d.rho_max, d.rho_l2_dev];
  rho.forEach((r, i) => {
    const di = densityDiagnostics(grid, r);
    const [a, b] = minMax(lam[i]);
    out.push(di.mass, di.rho_min, di.rho_max, a, b);
  });
  return out;
}

function describeAll(rates: SpeciesRates): string {
  return rates.names.map((_, i) => rates.describe(i)).join('; ');
}

/** `equation: kinetic` with species. */
export function buildSpeciesKinetic(config: Config, grid: Grid): Problem {
  if (!config.velocity) throw new Error('buildSpeciesKinetic: the config has no velocity section');
  requireTorus(config, grid);
  const velocity = velocityGrid(1, config.velocity.nodes);
  const K = velocity.count;
  const N = grid.cells;
  const rates = speciesRates(config);
  const h0 = speciesKineticData(config, grid, velocity);
  const lo = h0.map((h) => minMax(h)[0]);
  const hi = h0.map((h) => minMax(h)[1]);
  const rho0 = h0.map((h) => densityOf(h, velocity.w, new Float64Array(N)));
  checkRates(rates, lo, hi, 'fick', rho0);
  const eps = config.model.eps as number;
  const companion = new SpeciesLimitSolver({ grid, rates, rho0 });
  const stepper = new SpeciesKineticSolver({ grid, velocity, rates, eps, h0, companion });
  const names = rates.names;
  const n = rates.n;
  const lam = names.map(() => new Float64Array(N));
  const work = new Float64Array(n);
  const flux = names.map(() => new Float64Array(N));
  const rhoViews = () => stepper.species.map((s) => s.rho());
  const columns = [
    ...commonColumns(names),
    ...names.flatMap((nm) => [`hmin_${nm}`, `hmax_${nm}`, `dist_${nm}`, `distrho_${nm}`]),
    'entropy',
    'energy',
  ];
  return {
    config,
    grid,
    rate: describedRate(describeAll(rates)),
    stepper,
    bounds: { lo: lo.reduce((a, b) => a + b, 0), hi: hi.reduce((a, b) => a + b, 0) },
    hdf5: { trailing: {}, datasets: {}, descriptions: fieldDescriptions(names, true) },
    check() {
      // per species: h_i within [min h_i,in, max h_i,in] (the maximum principle each species keeps)
      for (let i = 0; i < n; i++) {
        const h = stepper.species[i].h();
        const slack = 1e-9 * Math.max(Math.abs(lo[i]), Math.abs(hi[i]), 1e-300);
        for (let p = 0; p < h.length; p++) {
          if (!(h[p] >= lo[i] - slack && h[p] <= hi[i] + slack)) {
            return `species ${names[i]}: h = ${h[p]} at cell ${Math.floor(p / K)}, velocity node ${p % K} outside its maximum-principle bounds [${lo[i]}, ${hi[i]}]`;
          }
        }
      }
      return null;
    },
    columns,
    sample() {
      const rho = rhoViews();
      const out = commonValues(grid, rates, stepper.rho(), rho, lo, hi, lam, work);
      let ent = 0;
      let en = 0;
      stepper.species.forEach((s, i) => {
        const h = s.h();
        const [a, b] = minMax(h);
        const lim = companion.speciesRho(i);
        out.push(a, b, kineticDistance(h, velocity.w, lim, grid.dx[0]), l2Distance(rho[i], lim, grid.dx[0]));
        const k = kineticEntropy(h, velocity.w, grid.dx[0]);
        ent += k.entropy;
        en += k.energy;
      });
      out.push(ent, en);
      return out;
    },
    snapshotFields() {
      const fields: Record<string, Float64Array> = { rho: stepper.rho() };
      stepper.species.forEach((s, i) => {
        fields[`rho_${names[i]}`] = s.rho();
        fields[`j_${names[i]}`] = s.flux(flux[i]);
        fields[`rholim_${names[i]}`] = companion.speciesRho(i);
      });
      return fields;
    },
  };
}

/** `equation: diffusion` with species: the limit system (Fick, or Itô with model.flux: ito). */
export function buildSpeciesLimit(config: Config, grid: Grid): Problem {
  requireTorus(config, grid);
  const rates = speciesRates(config);
  const rho0 = speciesDensities(config, grid);
  const flux: LimitFlux = config.model.flux ?? 'fick';
  const lo = rho0.map((r) => minMax(r)[0]);
  const hi = rho0.map((r) => minMax(r)[1]);
  checkRates(rates, lo, hi, flux, rho0);
  const stepper = new SpeciesLimitSolver({ grid, rates, rho0, flux });
  const names = rates.names;
  const n = rates.n;
  const N = grid.cells;
  const lam = names.map(() => new Float64Array(N));
  const work = new Float64Array(n);
  const rhoViews = () => names.map((_, i) => stepper.speciesRho(i));
  const dataScale = hi.reduce((a, b) => a + b, 0);
  return {
    config,
    grid,
    rate: describedRate(describeAll(rates)),
    stepper,
    // Fick keeps each species in its data's range; Itô only rho_i >= 0
    bounds: flux === 'fick' ? { lo: lo.reduce((a, b) => a + b, 0), hi: dataScale } : { lo: 0, hi: Infinity },
    scale: dataScale,
    hdf5: { trailing: {}, datasets: {}, descriptions: fieldDescriptions(names, false) },
    check() {
      for (let i = 0; i < n; i++) {
        const r = stepper.speciesRho(i);
        const a = stepper.lo[i];
        const b = stepper.hi[i];
        const slack = 1e-9 * Math.max(hi[i], 1e-300);
        for (let c = 0; c < N; c++) {
          if (!(r[c] >= a - slack && r[c] <= b + slack)) return `species ${names[i]}: rho = ${r[c]} in cell ${c} outside [${a}, ${b}]`;
        }
      }
      return null;
    },
    columns: [...commonColumns(names), 'entropy', 'energy'],
    sample() {
      const rho = rhoViews();
      const out = commonValues(grid, rates, stepper.rho(), rho, stepper.lo, stepper.hi, lam, work);
      const e = densityEntropy(rho, grid.dx[0]);
      out.push(e.entropy, e.energy);
      return out;
    },
    snapshotFields() {
      const fields: Record<string, Float64Array> = { rho: stepper.rho() };
      names.forEach((nm, i) => (fields[`rho_${nm}`] = stepper.speciesRho(i)));
      return fields;
    },
  };
}

/** `equation: particles` with species. */
export function buildSpeciesParticles(config: Config, grid: Grid): Problem {
  const p = config.particles;
  if (!p) throw new Error('buildSpeciesParticles: the config has no particles section');
  requireTorus(config, grid);
  const rates = speciesRates(config);
  const rho0 = speciesDensities(config, grid);
  const lo = rho0.map((r) => minMax(r)[0]);
  const hi = rho0.map((r) => minMax(r)[1]);
  checkRates(rates, lo, hi, 'fick', rho0);
  const eps = config.model.eps as number;
  const lambdaMax = Math.max(...rates.range(lo, hi).map((r) => r[1]));
  const scheme = p.scheme === 'auto' ? chooseParticleScheme(lambdaMax, config.time.dt ?? particleDefaultDt(grid), eps) : p.scheme;
  const stepper = new SpeciesParticleSolver({
    grid,
    rates,
    eps,
    rho0,
    count: p.count,
    seed: p.seed,
    ensembles: p.ensembles,
    density: { method: p.density.method, bandwidth: p.density.bandwidth },
    scheme,
  });
  const names = rates.names;
  const N = grid.cells;
  const lam = names.map(() => new Float64Array(N));
  const work = new Float64Array(rates.n);
  const flux = names.map(() => [new Float64Array(N)]);
  return {
    config,
    grid,
    rate: describedRate(describeAll(rates)),
    stepper,
    bounds: { lo: lo.reduce((a, b) => a + b, 0), hi: hi.reduce((a, b) => a + b, 0) },
    hdf5: { trailing: {}, datasets: {}, descriptions: fieldDescriptions(names, false, true) },
    columns: [...commonColumns(names), 'entropy', 'energy'],
    sample() {
      const rho = stepper.species.map((s) => s.rho());
      const out = commonValues(grid, rates, stepper.rho(), rho, lo, hi, lam, work);
      const e = densityEntropy(rho, grid.dx[0]);
      out.push(e.entropy, e.energy);
      return out;
    },
    snapshotFields() {
      const fields: Record<string, Float64Array> = { rho: stepper.rho() };
      stepper.species.forEach((s, i) => {
        fields[`rho_${names[i]}`] = s.rho();
        s.flux(flux[i]);
        fields[`j_${names[i]}`] = flux[i][0];
      });
      return fields;
    },
  };
}

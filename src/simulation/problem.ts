/**
 * From a validated config to a ready-to-step problem: the grid, the rate law, the initial data
 * (cell averages of the user's expressions), the solver, and what the run records (series
 * columns and snapshot fields). Problems in the data that only show on evaluation (a density
 * that is zero, negative or not finite somewhere) are ConfigErrors naming the field.
 */
import { cellAverages, makeGrid, type Grid } from '../grid/grid.js';
import { compileExpression, ExpressionError, type CompiledExpression } from '../models/expression.js';
import { generalRate, powerLaw, type RateLaw } from '../models/rate.js';
import { DiffusionSolver } from '../solvers/diffusion.js';
import { KineticSolver } from '../solvers/kinetic.js';
import { velocityGrid } from '../velocity/gaussHermite.js';
import { buildParticles } from './particlesProblem.js';
import { KINETIC_COLUMNS, THEOREM_COLUMNS, kineticDiagnostics } from '../diagnostics/kinetic.js';
import { defaultDelta, momentResiduals, theoremDiagnostics } from '../diagnostics/theorems.js';
import type { TimeStepper } from '../solvers/stepper.js';
import { densityDiagnostics } from '../diagnostics/density.js';
import { ConfigError } from '../config/validate.js';
import type { Config } from '../config/schema.js';

export interface Problem {
  readonly config: Config;
  readonly grid: Grid;
  readonly rate: RateLaw;
  readonly stepper: TimeStepper;
  /** Columns of series.csv after `t`. */
  readonly columns: readonly string[];
  /** Current values of `columns`. */
  sample(): number[];
  /** Fields stored at snapshot times (cell averages, x fastest), e.g. rho and the flux j. */
  snapshotFields(): Record<string, Float64Array>;
  /** Bounds every density value must keep (the maximum principle), for failure detection. */
  readonly bounds: { lo: number; hi: number };
  /**
   * A further check after every step beyond the density's (e.g. h = f/M within the maximum-principle
   * bounds for kinetic runs): a description of the first violation, or null.
   */
  check?(): string | null;
  /** Extra layout for fields.h5: trailing dimensions of fields (e.g. h: Nv) and constant datasets (velocity nodes). */
  readonly hdf5?: { trailing: Record<string, number>; datasets: Record<string, Float64Array> };
}

export function compileField(source: string, variables: readonly string[], path: string): CompiledExpression {
  try {
    return compileExpression(source, variables);
  } catch (err) {
    if (err instanceof ExpressionError) throw new ConfigError([{ path, message: err.message }]);
    throw err;
  }
}

/** Cell averages of an expression in x (and y), checked finite and > 0. */
export function initialDensity(grid: Grid, source: string, path: string): Float64Array {
  const expr = compileField(source, grid.dim === 1 ? ['x'] : ['x', 'y'], path);
  const rho = cellAverages(grid, grid.dim === 1 ? (x) => expr.fn(x) : (x, y) => expr.fn(x, y));
  checkPositive(grid, rho, path, 'the initial density');
  return rho;
}

export function checkPositive(grid: Grid, values: Float64Array, path: string, what: string, stride = 1): void {
  for (let c = 0; c < values.length; c++) {
    const val = values[c];
    if (!(Number.isFinite(val) && val > 0)) {
      const cell = Math.floor(c / stride);
      const i = cell % grid.n[0];
      const j = Math.floor(cell / grid.n[0]);
      const at = grid.dim === 1 ? `x = ${(i + 0.5) / grid.n[0]}` : `(x, y) = (${(i + 0.5) / grid.n[0]}, ${(j + 0.5) / grid.n[1]})`;
      throw new ConfigError([
        { path, message: `${what} must be finite and > 0 everywhere (the theory needs rho bounded away from 0), but its cell average is ${val} in the cell at ${at}` },
      ]);
    }
  }
}

export function buildRate(config: Config, range: [number, number]): RateLaw {
  const { alpha, rate } = config.model;
  if (alpha !== undefined) return powerLaw(alpha);
  const expr = compileField(rate as string, ['rho'], 'model.rate');
  // The rate is needed on [min rho_in, max rho_in] (the maximum principle keeps rho there): check it there.
  const [lo, hi] = range;
  for (let k = 0; k <= 64; k++) {
    const r = lo + ((hi - lo) * k) / 64;
    const lam = expr.fn(r);
    if (!(Number.isFinite(lam) && lam > 0)) {
      throw new ConfigError([
        { path: 'model.rate', message: `lambda(rho) must be finite and > 0 for rho in [${lo}, ${hi}] (the range of the initial data), but lambda(${r}) = ${lam}` },
      ]);
    }
  }
  return generalRate((r) => expr.fn(r), `lambda(rho) = ${rate}`, [lo, hi]);
}

/**
 * The flux j (1D) or jx, jy (2D) of kinetic and particle runs: one array per dimension, filled by
 * the solver, and the names under which snapshots store them.
 */
export function fluxFields(grid: Grid): { flux: Float64Array[]; addTo(fields: Record<string, Float64Array>): Record<string, Float64Array> } {
  const flux = Array.from({ length: grid.dim }, () => new Float64Array(grid.cells));
  const names = grid.dim === 1 ? ['j'] : ['jx', 'jy'];
  return {
    flux,
    addTo(fields) {
      names.forEach((n, d) => (fields[n] = flux[d]));
      return fields;
    },
  };
}

export function minMax(a: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of a) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

export function buildProblem(config: Config): Problem {
  const grid = makeGrid(config.domain.cells);
  switch (config.model.equation) {
    case 'diffusion':
      return buildDiffusion(config, grid);
    case 'kinetic':
      return buildKinetic(config, grid);
    case 'particles':
      return buildParticles(config, grid);
    default:
      throw new ConfigError([{ path: 'model.equation', message: `equation ${config.model.equation} is not available in this build` }]);
  }
}

function buildDiffusion(config: Config, grid: Grid): Problem {
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

/** Kinetic initial data h_in(x, v) = f_in/M at the velocity nodes, cell-averaged in x; checked finite and > 0. */
export function initialKinetic(config: Config, grid: Grid, vel: ReturnType<typeof velocityGrid>): Float64Array {
  const nv = vel.count;
  const h0 = new Float64Array(grid.cells * nv);
  if (config.initial.rho !== undefined) {
    const rho0 = initialDensity(grid, config.initial.rho, 'initial.rho');
    for (let c = 0; c < grid.cells; c++) h0.fill(rho0[c], c * nv, (c + 1) * nv);
    return h0;
  }
  const vars = grid.dim === 1 ? ['x', 'v'] : ['x', 'y', 'vx', 'vy'];
  const expr = compileField(config.initial.h as string, vars, 'initial.h');
  for (let k = 0; k < nv; k++) {
    const vx = vel.v[0][k];
    const vy = grid.dim === 2 ? vel.v[1][k] : 0;
    const avg = cellAverages(grid, grid.dim === 1 ? (x) => expr.fn(x, vx) : (x, y) => expr.fn(x, y, vx, vy));
    for (let c = 0; c < grid.cells; c++) h0[c * nv + k] = avg[c];
  }
  checkPositive(grid, h0, 'initial.h', 'the initial h = f/M', nv);
  return h0;
}

function buildKinetic(config: Config, grid: Grid): Problem {
  if (!config.velocity) throw new Error('buildKinetic: the config has no velocity section (validateConfig fills it in for equation kinetic)');
  const velocity = velocityGrid(grid.dim, config.velocity.nodes);
  const h0 = initialKinetic(config, grid, velocity);
  const [lo, hi] = minMax(h0);
  const rate = buildRate(config, [lo, hi]);
  const eps = config.model.eps as number;
  const stepper = new KineticSolver({ grid, velocity, rate, eps, h0 });
  const fluxes = fluxFields(grid);
  const flux = fluxes.flux;
  const datasets: Record<string, Float64Array> = { w: velocity.w };
  if (grid.dim === 1) datasets.v = velocity.v[0];
  else [datasets.vx, datasets.vy] = velocity.v;
  const updateFlux = () => flux.forEach((f, d) => stepper.flux(f, d as 0 | 1));
  // Theorem diagnostics (src/diagnostics/theorems.ts; docs/studies.md): E, Lemma 2.4 ratios, the DMS
  // functional H_delta = ||f||² + delta ∫ j·(I−Δ)⁻¹∇rho with its time derivative, Lemma 2.5 residuals.
  const lambda = (r: number) => rate.lambda(r);
  let lamMin = Infinity;
  let lamMax = 0;
  for (let k = 0; k <= 64; k++) {
    const l = lambda(lo + ((hi - lo) * k) / 64);
    lamMin = Math.min(lamMin, l);
    lamMax = Math.max(lamMax, l);
  }
  const delta = defaultDelta(eps, lamMin, lamMax);
  const theoremOpts = { eps, lambda };
  const hOld = new Float64Array(grid.cells * velocity.count);
  const hNow = new Float64Array(grid.cells * velocity.count);
  return {
    config,
    grid,
    rate,
    stepper,
    bounds: { lo, hi },
    hdf5: { trailing: { h: velocity.count }, datasets },
    check() {
      // Discrete Theorem 2.1: h stays in [min h_in, max h_in]; the solver's limiter guarantees it, this catches a breach.
      const h = stepper.h();
      const slack = 1e-9 * Math.max(Math.abs(lo), Math.abs(hi));
      for (let i = 0; i < h.length; i++) {
        const x = h[i];
        if (!(x >= lo - slack && x <= hi + slack)) {
          const cell = Math.floor(i / velocity.count);
          return `h = ${x} at cell ${cell}, velocity node ${i % velocity.count} outside the maximum-principle bounds [${lo}, ${hi}]`;
        }
      }
      return null;
    },
    columns: ['mass', 'rho_min', 'rho_max', 'rho_l2_dev', ...KINETIC_COLUMNS, ...THEOREM_COLUMNS],
    sample() {
      const rho = stepper.rho();
      const d = densityDiagnostics(grid, rho);
      updateFlux();
      hNow.set(stepper.h());
      const k = kineticDiagnostics(grid, velocity, hNow, rho, flux);
      const th = theoremDiagnostics(grid, velocity, hNow, theoremOpts);
      // Lemma 2.5 residuals over the last step (the stepper's previous level; NaN before the first step)
      const dtPrev = stepper.previousH(hOld);
      const res = dtPrev > 0 ? momentResiduals(grid, velocity, hOld, hNow, dtPrev, theoremOpts) : { res_rho: NaN, res_j: NaN };
      const extra = [th.E_l2, th.lemma24_j, th.lemma24_E, th.cross, k.l2_sq + delta * th.cross, th.dl2_dt, th.dcross_dt, th.dl2_dt + delta * th.dcross_dt, res.res_rho, res.res_j];
      return [d.mass, d.rho_min, d.rho_max, d.rho_l2_dev, ...KINETIC_COLUMNS.map((c) => k[c]), ...extra];
    },
    snapshotFields() {
      updateFlux();
      const fields = fluxes.addTo({ rho: stepper.rho() });
      if (config.output.store_h) fields.h = stepper.h();
      return fields;
    },
  };
}

/**
 * What a run steps: the Problem (grid, rate law, stepper, series columns, snapshot fields, bounds)
 * and the helpers every equation's builder shares (initial data from expressions, the rate law, flux
 * fields). Each equation's builder (config -> Problem) lives in its own folder
 * src/solvers/<equation>/builder.ts and is listed in ./equations.ts; ./build.ts dispatches.
 * Problems in the data that only show on evaluation (a density that is zero, negative or not finite
 * somewhere) are ConfigErrors naming the field.
 */
import { cellAverages, isUnitTorus, type Grid } from '../grid/grid.js';
import { compileExpression, ExpressionError, type CompiledExpression } from '../models/expression.js';
import { generalRate, powerLaw, type RateLaw } from '../models/rate.js';
import type { TimeStepper } from '../solvers/stepper.js';
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
   * The size of the controlled unknowns, for the default absolute tolerance (default: the largest
   * |bound|; an equation without a maximum principle, whose bounds are [0, ∞), gives it).
   */
  readonly scale?: number;
  /**
   * A further check after every step beyond the density's (e.g. h = f/M within the maximum-principle
   * bounds for kinetic runs): a description of the first violation, or null.
   */
  check?(): string | null;
  /** Extra layout for fields.h5: trailing dimensions of fields (e.g. h: Nv) and constant datasets (velocity nodes). */
  readonly hdf5?: { trailing: Record<string, number>; datasets: Record<string, Float64Array>; descriptions?: Record<string, string> };
}

export function compileField(source: string, variables: readonly string[], path: string): CompiledExpression {
  try {
    return compileExpression(source, variables);
  } catch (err) {
    if (err instanceof ExpressionError) throw new ConfigError([{ path, message: err.message }]);
    throw err;
  }
}

/** The variables of a density expression on this grid: x (and y), or r on radial meshes. */
export function densityVariables(grid: Grid): string[] {
  return grid.geometry === 'radial' ? ['r'] : grid.dim === 1 ? ['x'] : ['x', 'y'];
}

/**
 * Cell averages of an expression in x (and y; r on radial meshes), checked finite and > 0, or, when
 * `vacuum` says why zero is allowed, finite and >= 0 (then zero is refused with that reason).
 */
export function initialDensity(grid: Grid, source: string, path: string, vacuum?: { allowed: boolean; why: string }): Float64Array {
  const expr = compileField(source, densityVariables(grid), path);
  const rho = cellAverages(grid, grid.dim === 1 ? (x) => expr.fn(x) : (x, y) => expr.fn(x, y));
  if (vacuum?.allowed) checkNonNegative(grid, rho, path, 'the initial density');
  else checkPositive(grid, rho, path, 'the initial density', 1, vacuum?.why);
  return rho;
}

function where(grid: Grid, cell: number): string {
  const i = cell % grid.n[0];
  const j = Math.floor(cell / grid.n[0]);
  if (grid.dim === 1) return `${grid.geometry === 'radial' ? 'r' : 'x'} = ${grid.centres[0][i]}`;
  return `(x, y) = (${grid.centres[0][i]}, ${grid.centres[1][j]})`;
}

export function checkPositive(grid: Grid, values: Float64Array, path: string, what: string, stride = 1, why = 'the theory needs rho bounded away from 0'): void {
  for (let c = 0; c < values.length; c++) {
    const val = values[c];
    if (!(Number.isFinite(val) && val > 0)) {
      throw new ConfigError([
        { path, message: `${what} must be finite and > 0 everywhere (${why}), but its cell average is ${val} in the cell at ${where(grid, Math.floor(c / stride))}` },
      ]);
    }
  }
}

function checkNonNegative(grid: Grid, values: Float64Array, path: string, what: string): void {
  for (let c = 0; c < values.length; c++) {
    const val = values[c];
    if (!(Number.isFinite(val) && val >= 0)) {
      throw new ConfigError([{ path, message: `${what} must be finite and >= 0 everywhere, but its cell average is ${val} in the cell at ${where(grid, c)}` }]);
    }
  }
}

/**
 * Equations that run on the periodic unit torus only (kinetic and particles until their boundaries
 * exist, issue 13): a ConfigError naming the first domain key that leaves it.
 */
export function requireUnitTorus(config: Config, grid: Grid): void {
  if (isUnitTorus(grid)) return;
  const d = config.domain;
  const [path, got] = d.geometry !== 'cartesian' ? ['domain.geometry', d.geometry] : grid.periodic.every((p) => p) ? ['domain.box', JSON.stringify(d.box)] : ['domain.boundary', JSON.stringify(d.boundary)];
  throw new ConfigError([
    { path, message: `equation ${config.model.equation} runs on the periodic unit torus only for now (non-periodic domains: equation diffusion) (got ${got})` },
  ]);
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
  // an indexed loop: the iterator form cost ~20 ns per value (47 ms on a 128² × 12² initial h)
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

/** An equation: how a validated config becomes a Problem on its grid (src/simulation/equations.ts lists them). */
export interface EquationBuilder {
  build(config: Config, grid: Grid): Problem;
  /** The equation for several species (a config with `species`; src/solvers/species); absent: refused. */
  species?(config: Config, grid: Grid): Problem;
}


/** The solver thread count of a config (compute.threads): a count, or undefined for the solver's automatic choice. */
export function configThreads(config: Config): number | undefined {
  const t = config.compute?.threads;
  return typeof t === 'number' ? t : undefined;
}

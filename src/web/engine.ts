/**
 * The explorer's computation, run inside the Web Worker (and in Node by the tests): the library's
 * own buildProblem and Simulation — the CLI's code path, no second implementation — for the chosen
 * equation, in one or two dimensions, and for kinetic and particle runs a second Simulation of the
 * limit equation from the same initial data, advanced with its own error-controlled steps to land on
 * every time of the run, with the Theorem 2.3 distance between the two at each of them.
 *
 * The Simulation options are those of `nlbgk run` (src/simulation/options.ts): the same error
 * control (or fixed time.dt), snapshot times, series cadence and bounds tolerance. Hence the series
 * recorded here are the rows of the CLI's series.csv for the same config (the tests check it).
 *
 * Browser-safe: imports nothing that touches node: modules (not src/index.ts, not src/run.ts).
 */
import type { Config } from '../config/schema.js';
import { ConfigError, validateConfig } from '../config/validate.js';
import { densityDiagnostics } from '../diagnostics/density.js';
import { buildProblem } from '../simulation/build.js';
import { diffusionProblem } from '../solvers/diffusion/builder.js';
import { buildRate, minMax, type Problem } from '../simulation/problem.js';
import { Simulation } from '../simulation/simulation.js';
import { BOUNDS_TOLERANCE, simulationOptions } from '../simulation/options.js';
import { KineticSolver } from '../solvers/kinetic/solver.js';
import { cellCentres, isUnitTorus, type Grid } from '../grid/grid.js';
import { continuousSpectrum, discreteSpectrum } from '../spectrum/linear.js';
import { diffusionDecayRate, kineticDecayRate, KAPPA } from './linearRate.js';
import { NEQ_COLUMN, rowIndex } from './columns.js';

export { BOUNDS_TOLERANCE };

export interface EngineMeta {
  equation: Config['model']['equation'];
  dim: 1 | 2;
  /** Cells per dimension. */
  n: number[];
  /** Series columns after t (those of series.csv). */
  columns: string[];
  /** Columns of the limit-equation series (kinetic runs), else null. */
  limitColumns: string[] | null;
  /** Maximum-principle bounds [min, max] of the initial data (h for kinetic runs, rho otherwise). */
  bounds: [number, number];
  /** [min, max] of the densities at t = 0 (the run's and the limit's): the fixed colour scale of the density maps. */
  rhoRange: [number, number];
  /** Cell centres along x (and y in 2D; null in 1D). */
  x: Float64Array;
  y: Float64Array | null;
  /** Velocity nodes of the first dimension in 1D (the phase-space axis), else null. */
  v: Float64Array | null;
  /** Velocity nodes per dimension (kinetic; 2D: the tensor grid, one entry per velocity) and weights, else null. */
  velocities: Float64Array[] | null;
  w: Float64Array | null;
  /** Error-controlled steps (or fixed ones: time.dt). */
  adaptive: boolean;
  /** The run's time.rtol (null for particles, which take fixed steps). */
  rtol: number | null;
  end: number;
  /** Mean density m (mass over the domain's volume; = mass on the unit torus) and r = lambda(m). */
  mean: number;
  lambdaMean: number;
  /** Exact decay rate d of the slowest linear mode (||·||² decays like e^{−2dt}), or null with a note. */
  decayRate: number | null;
  decayNote: string;
  /** The limit run's config (kinetic runs with initial.rho), for download. */
  limitConfig: Config | null;
  /** Why there is no limit run, if there is none. */
  limitNote: string;
  /**
   * What `Frame.distance` holds: 'kinetic' ||f − rho~ M||_{L²(M⁻¹)} (Theorem 2.3), 'density'
   * ||rho − rho~||_{L²} (particles: no f), null without a limit run.
   */
  distanceKind: 'kinetic' | 'density' | null;
  /** Scheme names. */
  scheme: string;
  limitScheme: string | null;
}

export interface Frame {
  t: number;
  steps: number;
  /** The last step's length (0 before the first), and the limit run's. */
  dt: number;
  limitDt: number | null;
  done: boolean;
  /** The density of the run at t (cell averages, x fastest). */
  rho: Float64Array;
  /** The limit equation's density at the same t (kinetic and particle runs). */
  limitRho: Float64Array | null;
  /** h = f/M, cells × velocities, velocity fastest (kinetic runs). */
  h: Float64Array | null;
  /** New series rows since the previous frame: [t, ...values]. */
  rows: number[][];
  limitRows: number[][];
  /** For each row of `rows`, the limit run's row at the same time (kinetic runs), else empty. */
  limitAligned: number[][];
  /** For each row of `rows`, the distance to the limit run at that time (see EngineMeta.distanceKind), else empty. */
  distance: number[];
  /** For each row of `rows`, its density part ||rho − rho~||_{L²}, else empty. */
  densityDistance: number[];
  /** Set when a step failed (the run stops there). */
  failure: string | null;
}

export interface Run {
  problem: Problem;
  simulation: Simulation;
  rows: number[][];
  /** The last step's length. */
  dt: number;
}

/** A Simulation of `problem` with the CLI's options, recording its series rows (series.csv's, with dt and err), started. */
export function startRun(problem: Problem): Run {
  const rows: number[][] = [];
  let simulation: Simulation;
  try {
    simulation = new Simulation(problem, simulationOptions(problem.config, problem), {
      onSeries: (t, values, _steps, step) => rows.push([t, ...values, step.dt, step.r]),
      onStep: (_t, _steps, dt) => void (run.dt = dt),
    });
  } catch (err) {
    if (err instanceof RangeError) throw new ConfigError([{ path: 'time.end', message: err.message }]);
    throw err;
  }
  const run: Run = { problem, simulation, rows, dt: 0 };
  simulation.start();
  return run;
}

/**
 * The limit equation (paper eq. (1.3)) from the initial data of `config`: with initial.rho, the
 * CLI's own diffusion config (the same grid and time section); with initial.h, a DiffusionSolver
 * from the density of h_in (`problem`'s, at t = 0), which no config describes.
 */
export function limitProblem(config: Config, problem: Problem): { problem: Problem; config: Config | null } {
  const { alpha, rate, dim } = config.model;
  const model = alpha !== undefined ? { equation: 'diffusion' as const, dim, alpha } : { equation: 'diffusion' as const, dim, rate };
  const t = config.time;
  const time = { end: t.end, max_steps: t.max_steps, ...(t.rtol !== undefined ? { rtol: t.rtol } : {}), ...(t.atol !== undefined ? { atol: t.atol } : {}), ...(t.dt !== undefined ? { dt: t.dt } : {}), ...(t.dt_max !== undefined ? { dt_max: t.dt_max } : {}) };
  const domain = { cells: [...config.domain.cells] };
  if (config.initial.rho !== undefined) {
    const limitConfig = validateConfig({ model, domain, initial: { rho: config.initial.rho }, time });
    return { problem: buildProblem(limitConfig), config: limitConfig };
  }
  const rho0 = Float64Array.from(problem.stepper.rho());
  const limitRate = buildRate({ ...config, model }, minMax(rho0));
  const limit = diffusionProblem(validateConfig({ model, domain, initial: { rho: '1' }, time }), problem.grid, limitRate, rho0);
  return { problem: limit, config: null };
}

/**
 * ||rho − rho~||²_{L²} on the unit torus, summed in cell order with the cell volume 1/(N_x N_y), as
 * `nlbgk compare` sums it (src/diagnostics/compare.ts), so that the distances agree to the last bit.
 */
export function densityDistance2(rho: Float64Array, limit: Float64Array): number {
  let s2 = 0;
  for (let i = 0; i < rho.length; i++) {
    const d = rho[i] - limit[i];
    s2 += d * d;
  }
  return s2 * (1 / rho.length);
}

/** Theorem 2.3's ||f − rho~ M||_{L²(M⁻¹)} = sqrt(||(I − Π)f||² + ||rho − rho~||²) from the series value l2_neq_sq, as `nlbgk compare` computes it. */
export function kineticToLimit(l2Neq: number, rho: Float64Array, limit: Float64Array): number {
  return Math.sqrt(l2Neq + densityDistance2(rho, limit));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class Engine {
  readonly config: Config;
  readonly meta: EngineMeta;
  private readonly main: Run;
  private readonly limit: Run | null;
  private failure: string | null = null;
  private aligned: number[][] = [];
  private distances: number[] = [];
  private densityDistances: number[] = [];
  /** Index of l2_neq_sq in a series row (kinetic runs), else -1. */
  private readonly iNeq: number;

  /** Builds the problems; throws ConfigError (with field paths) for data the schema cannot check. */
  constructor(config: Config) {
    this.config = config;
    const problem = buildProblem(config);
    this.main = startRun(problem);
    const { grid, stepper } = problem;
    const kinetic = stepper instanceof KineticSolver ? stepper : null;
    const d0 = densityDiagnostics(grid, stepper.rho());
    const torus = isUnitTorus(grid);
    const mean = torus ? d0.mass : d0.mass / domainVolume(grid); // the unit torus has volume 1
    const lambdaMean = problem.rate.lambda(mean);
    this.iNeq = kinetic ? rowIndex(problem.columns, NEQ_COLUMN) : -1;

    let limit: Run | null = null;
    let limitConfig: Config | null = null;
    let limitNote = '';
    if (config.model.equation !== 'diffusion') {
      try {
        const built = limitProblem(config, problem);
        limit = startRun(built.problem);
        limitConfig = built.config;
      } catch (err) {
        limitNote = `no limit run: ${message(err)}`;
      }
      if (limit && !limitConfig) limitNote = 'the limit run starts from the density of h_in (not an expression, so no limit config to download)';
    }
    this.limit = limit;
    if (limit) {
      this.aligned.push(limit.rows[limit.rows.length - 1]);
      this.recordDistance(true, 1);
    }
    const [rlo, rhi] = minMax(stepper.rho());
    const [llo, lhi] = limit ? minMax(limit.problem.stepper.rho()) : [rlo, rhi];

    const { decayRate, decayNote } = torus
      ? linearRate(config, kinetic, mean, lambdaMean)
      : { decayRate: null, decayNote: 'no exact linear rate drawn: it is that of the mode exp(2πix) on the periodic unit torus' };
    const velocities = kinetic ? kinetic.velocity.v.map((v) => Float64Array.from(v)) : null;

    this.meta = {
      equation: config.model.equation,
      dim: grid.dim,
      n: [...grid.n],
      columns: [...problem.columns, 'dt', 'err'],
      limitColumns: limit ? [...limit.problem.columns, 'dt', 'err'] : null,
      bounds: [problem.bounds.lo, problem.bounds.hi],
      rhoRange: [Math.min(rlo, llo), Math.max(rhi, lhi)],
      x: cellCentres(grid, 0),
      y: grid.dim === 2 ? cellCentres(grid, 1) : null,
      v: kinetic && grid.dim === 1 ? Float64Array.from(kinetic.velocity.v[0]) : null,
      velocities,
      w: kinetic ? Float64Array.from(kinetic.velocity.w) : null,
      adaptive: this.main.simulation.adaptive,
      rtol: config.model.equation === 'particles' ? null : this.main.simulation.options.rtol,
      end: config.time.end,
      mean,
      lambdaMean,
      decayRate,
      decayNote,
      limitConfig,
      limitNote,
      distanceKind: limit ? (kinetic ? 'kinetic' : 'density') : null,
      scheme: stepper.scheme,
      limitScheme: limit ? limit.problem.stepper.scheme : null,
    };
  }

  get done(): boolean {
    return this.main.simulation.clock.done || this.failure !== null;
  }

  /**
   * Record the distance to the limit run for the last `count` series rows: now (both runs at the
   * same time, `landed`), from the latest row's l2_neq_sq; NaN when the limit run is not at this time.
   */
  private recordDistance(landed: boolean, count: number): void {
    const { main, limit } = this;
    let total = NaN;
    let density = NaN;
    if (limit && landed) {
      const rho = main.problem.stepper.rho();
      const lim = limit.problem.stepper.rho();
      const d2 = densityDistance2(rho, lim);
      density = Math.sqrt(d2);
      const row = main.rows[main.rows.length - 1];
      total = this.iNeq < 0 ? density : row ? kineticToLimit(row[this.iNeq], rho, lim) : NaN;
    }
    for (let j = 0; j < count; j++) {
      this.distances.push(total);
      this.densityDistances.push(density);
    }
  }

  /** The current state, with the series rows recorded since the last frame. */
  frame(): Frame {
    const { main, limit } = this;
    const stepper = main.problem.stepper;
    return {
      t: main.simulation.clock.t,
      steps: main.simulation.clock.steps,
      dt: main.dt,
      limitDt: limit ? limit.dt : null,
      done: this.done,
      rho: Float64Array.from(stepper.rho()),
      limitRho: limit ? Float64Array.from(limit.problem.stepper.rho()) : null,
      h: stepper instanceof KineticSolver ? Float64Array.from(stepper.h()) : null,
      rows: main.rows.splice(0),
      limitRows: limit ? limit.rows.splice(0) : [],
      limitAligned: this.aligned.splice(0),
      distance: this.distances.splice(0),
      densityDistance: this.densityDistances.splice(0),
      failure: this.failure,
    };
  }

  /**
   * Advance the run by up to `steps` steps, the limit run to the same time after each of them
   * (its error control lands on the run's time exactly), and return the frame.
   */
  advance(steps: number): Frame {
    const { main, limit } = this;
    for (let s = 0; s < steps && !this.done; s++) {
      const before = main.rows.length;
      try {
        let n = 0;
        main.simulation.run(() => ++n >= 1);
      } catch (err) {
        this.failure = message(err);
      }
      let landed = false;
      if (limit && !limit.simulation.clock.done && this.failure === null) {
        try {
          limit.simulation.run(undefined, main.simulation.clock.t);
          landed = true;
        } catch (err) {
          this.failure = `limit run: ${message(err)}`;
        }
      } else if (limit) {
        landed = limit.simulation.clock.t === main.simulation.clock.t;
      }
      if (limit) {
        const last = limit.rows[limit.rows.length - 1] ?? [];
        for (let j = before; j < main.rows.length; j++) this.aligned.push(last);
        this.recordDistance(landed, main.rows.length - before);
      }
    }
    return this.frame();
  }
}

/** Volume of the domain a grid covers (the sum of its cell volumes). */
function domainVolume(grid: Grid): number {
  let v = 0;
  for (const x of grid.volumes) v += x;
  return v;
}

/**
 * The exact decay rate d of the slowest linear mode exp(2πix) about the mean density (the line on the
 * log plot: ||·||² decays like e^{−2dt}). Discrete velocities: the top real root of the secular
 * equation (./linearRate.ts), or the top eigenvalue of src/spectrum/linear.ts when that one is
 * complex (an oscillating mode); particles (Gaussian velocities): src/spectrum's continuous answer.
 */
function linearRate(config: Config, kinetic: KineticSolver | null, mean: number, r: number): { decayRate: number | null; decayNote: string } {
  const { alpha, eps, equation } = config.model;
  const at = `linearised at m = ${fmt(mean)}`;
  if (equation === 'diffusion' || eps === undefined) {
    return { decayRate: diffusionDecayRate(r, KAPPA), decayNote: `exact linear rate 4π²/λ(m) of the limit equation ${at}` };
  }
  if (kinetic) {
    const nodes = config.velocity?.nodes ?? kinetic.velocity.count; // per dimension: the mode exp(2πix) sees vx only
    // The secular equation's top real root is accurate to round-off for every eps (no cancellation);
    // the dense eigen-solve also finds complex (oscillating) top modes, but loses digits as eps → 0
    // (its matrix entries are ~r/eps²). So: the real root when the top eigenvalue is real, else the eigenvalue.
    const real = kineticDecayRate(kinetic.velocity.v[0], kinetic.velocity.w, r, eps, KAPPA);
    if (alpha !== undefined) {
      try {
        const sp = discreteSpectrum({ eps, alpha, rhoBar: mean, kappa: KAPPA }, nodes);
        const oscillating = Math.abs(sp.top.im) > 1e-3 * Math.abs(sp.top.re);
        if (oscillating && Number.isFinite(sp.rate) && (real === null || sp.rate < real * (1 - 1e-3))) {
          return { decayRate: sp.rate, decayNote: `exact linear rate: top eigenvalue for exp(2πix) of the ${nodes}-velocity BGK operator ${at} (an oscillating mode: the line is its envelope)` };
        }
      } catch {
        // the real root below
      }
    }
    return real === null
      ? { decayRate: null, decayNote: 'no real root of the secular equation: the slowest linear mode oscillates, no line drawn' }
      : { decayRate: real, decayNote: `exact linear rate: top eigenvalue for exp(2πix) of the ${nodes}-velocity BGK operator ${at}` };
  }
  if (alpha !== undefined) {
    try {
      const sp = continuousSpectrum({ eps, alpha, rhoBar: mean, kappa: KAPPA });
      return {
        decayRate: sp.rate,
        decayNote: sp.kind === 'eigenvalue'
          ? `exact linear rate: top eigenvalue for exp(2πix) of linear BGK with Gaussian velocities ${at}`
          : `no eigenvalue for exp(2πix) above the threshold wave number: the line is the essential-spectrum bound r/eps² (${at})`,
      };
    } catch {
      // no line
    }
  }
  return { decayRate: null, decayNote: 'no exact linear rate for this rate law' };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : '—';
}

/**
 * A micro–macro kinetic run (h = f/M on Gauss–Hermite nodes: the BGK-type equation (1.2) and the
 * kinetic Fokker–Planck equation (1.5)) as a Problem: the initial data h_in(x, v), the rate law, the
 * extended series (kinetic norms and the theorem diagnostics — the moment equations of Lemma 2.5 are
 * the same for both collision operators, since both give ∫ v C(f) dv = −λ j / eps², the discrete
 * Fokker–Planck operator through L v = −v) and h(x, v) in fields.h5. Each equation's builder supplies
 * its stepper, and, when it has walls (the kinetic equation, issue 13), its boundaries: then the
 * domain may be any box with walls, the data may have vacuum (rho = 0 on open sets), the series has
 * the cumulative outflow per walled side instead of the torus's theorem diagnostics, and snapshots
 * hold the local Knudsen number eps/lambda(rho) (`knudsen`).
 */
import { cellAverages, type Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import { velocityGrid } from '../../velocity/gaussHermite.js';
import { densityDiagnostics } from '../../diagnostics/density.js';
import { KINETIC_COLUMNS, THEOREM_COLUMNS, kineticDiagnostics } from '../../diagnostics/kinetic.js';
import { defaultDelta } from '../../diagnostics/theorems.js';
import { KineticSeries } from '../../diagnostics/kineticSeries.js';
import { buildRate, checkPositive, compileField, fluxFields, initialDensity, minMax, requireUnitTorus, type Problem } from '../../simulation/problem.js';
import type { RateLaw } from '../../models/rate.js';
import { ConfigError } from '../../config/validate.js';
import { DF_CAP } from '../transport/vacuum.js';
import type { MicroMacroSolver, MicroMacroWalls } from './facade.js';
import type { VelocityGrid } from '../../velocity/gaussHermite.js';

/**
 * Kinetic initial data h_in(x, v) = f_in/M at the velocity nodes, cell-averaged in x; checked finite
 * and > 0 (with `vacuum`: finite and >= 0); with its smallest and largest value (from `initial.rho`
 * alone when h_in = rho: the same values, without a pass over all K·N of h, 20 ms at 128² × 12²).
 */
export function initialKinetic(config: Config, grid: Grid, vel: ReturnType<typeof velocityGrid>, vacuum = false): { h0: Float64Array; range: [number, number] } {
  const nv = vel.count;
  const h0 = new Float64Array(grid.cells * nv);
  if (config.initial.rho !== undefined) {
    const rho0 = initialDensity(grid, config.initial.rho, 'initial.rho', vacuum ? { allowed: true, why: '' } : undefined);
    for (let c = 0; c < grid.cells; c++) h0.fill(rho0[c], c * nv, (c + 1) * nv);
    return { h0, range: minMax(rho0) };
  }
  const vars = grid.dim === 1 ? ['x', 'v'] : ['x', 'y', 'vx', 'vy'];
  const expr = compileField(config.initial.h as string, vars, 'initial.h');
  for (let k = 0; k < nv; k++) {
    const vx = vel.v[0][k];
    const vy = grid.dim === 2 ? vel.v[1][k] : 0;
    const avg = cellAverages(grid, grid.dim === 1 ? (x) => expr.fn(x, vx) : (x, y) => expr.fn(x, y, vx, vy));
    for (let c = 0; c < grid.cells; c++) h0[c * nv + k] = avg[c];
  }
  if (vacuum) checkNonNegativeH(h0, nv);
  else checkPositive(grid, h0, 'initial.h', 'the initial h = f/M', nv);
  return { h0, range: minMax(h0) };
}

function checkNonNegativeH(h0: Float64Array, nv: number): void {
  for (let p = 0; p < h0.length; p++) {
    const val = h0[p];
    if (!(Number.isFinite(val) && val >= 0)) {
      throw new ConfigError([{ path: 'initial.h', message: `the initial h = f/M must be finite and >= 0 everywhere, but its cell average is ${val} in cell ${Math.floor(p / nv)} at velocity node ${p % nv}` }]);
    }
  }
}

/** The walls of a micro–macro run's domain (per direction null: periodic) and what they add to the run. */
export interface MicroMacroDomain {
  readonly walls: MicroMacroWalls;
  /** Extra range for the maximum principle's interval (absorbing walls: 0; inflow values); null when none. */
  readonly range: [number, number] | null;
  /** Series column names of the sides with a wall (outflow_x_lo, …), and their indices 2 dim + side. */
  readonly outflowColumns: string[];
  readonly outflowSides: number[];
}

/** An equation with walls and vacuum: how it reads its domain and its rate law (vacuum-aware). */
export interface MicroMacroBoundaries {
  domain(config: Config, grid: Grid, velocity: VelocityGrid): MicroMacroDomain;
  rate(config: Config, lo: number, hi: number): RateLaw;
}

/** What a micro–macro stepper is made from. */
export interface MicroMacroData {
  velocity: VelocityGrid;
  rate: RateLaw;
  eps: number;
  h0: Float64Array;
  /** With boundaries: the walls (when some direction is not periodic) and the maximum principle's interval. */
  walls?: MicroMacroWalls;
  bounds?: [number, number];
}

/** The Problem of a micro–macro kinetic run; `makeStepper` builds the equation's solver from the data. */
export function microMacroProblem(config: Config, grid: Grid, makeStepper: (d: MicroMacroData) => MicroMacroSolver, boundaries?: MicroMacroBoundaries): Problem {
  if (!boundaries) requireUnitTorus(config, grid);
  if (!config.velocity) throw new Error(`${config.model.equation}: the config has no velocity section (validateConfig fills it in for the kinetic equations)`);
  const velocity = velocityGrid(grid.dim, config.velocity.nodes);
  const domain = boundaries?.domain(config, grid, velocity);
  const { h0, range } = initialKinetic(config, grid, velocity, boundaries !== undefined);
  let [lo, hi] = range;
  if (!(hi > 0)) throw new ConfigError([{ path: config.initial.rho !== undefined ? 'initial.rho' : 'initial.h', message: 'the initial data are 0 everywhere (no mass)' }]);
  if (domain?.range) {
    lo = Math.min(lo, domain.range[0]);
    hi = Math.max(hi, domain.range[1]);
  }
  const rate = boundaries ? boundaries.rate(config, lo, hi) : buildRate(config, [lo, hi]);
  const eps = config.model.eps as number;
  const walled = domain !== undefined && domain.walls.some((w) => w !== null);
  const stepper = boundaries ? makeStepper({ velocity, rate, eps, h0, bounds: [lo, hi], walls: walled ? domain.walls : undefined }) : makeStepper({ velocity, rate, eps, h0 });
  const fluxes = fluxFields(grid);
  const flux = fluxes.flux;
  const datasets: Record<string, Float64Array> = { w: velocity.w };
  if (grid.dim === 1) datasets.v = velocity.v[0];
  else [datasets.vx, datasets.vy] = velocity.v;
  const updateFlux = () => stepper.fluxes(flux);
  // Theorem diagnostics (src/diagnostics/theorems.ts; docs/studies.md): E, Lemma 2.4 ratios, the DMS
  // functional H_delta = ||f||² + delta ∫ j·(I−Δ)⁻¹∇rho with its time derivative, Lemma 2.5 residuals.
  // (vacuum: lambda = infinity only where rho = 0, i.e. h = 0, where its products vanish: taken as 0 there)
  const lambda = (r: number) => {
    const l = rate.lambda(r);
    return Number.isFinite(l) ? l : 0;
  };
  let lamMin = Infinity;
  let lamMax = 0;
  const l0 = lo > 0 ? lo : hi * 1e-3;
  for (let k = 0; k <= 64; k++) {
    const l = lambda(l0 + ((hi - l0) * k) / 64);
    lamMin = Math.min(lamMin, l);
    lamMax = Math.max(lamMax, l);
  }
  const delta = defaultDelta(eps, lamMin, lamMax);
  // one pass over q per level and four FFTs per row (the reference formulas of kinetic.ts / theorems.ts to round-off)
  const lambdaArray = (r: Float64Array, out: Float64Array, n: number) => {
    rate.lambdaArray(r, out, n);
    for (let i = 0; i < n; i++) if (!Number.isFinite(out[i])) out[i] = 0;
  };
  const series = walled ? null : new KineticSeries(grid, velocity, { eps, lambda, lambdaArray });
  const momentProvider = (previous: boolean) => stepper.levelMoments(previous);
  // a row after every step: the stepper computes the new level's moments in its estimate's pass over q
  if (series && config.output.series_every === 1) stepper.momentsEveryStep(true);
  // walled domains: the kinetic columns by the reference formulas (the theorem columns are the torus's)
  const hNow = walled ? new Float64Array(grid.cells * velocity.count) : null;
  const knudsen = new Float64Array(grid.cells);
  return {
    config,
    grid,
    rate,
    stepper,
    bounds: { lo, hi },
    hdf5: { trailing: { h: velocity.count }, datasets },
    check() {
      // Discrete Theorem 2.1: h stays in [min h_in, max h_in]; the solver's limiter guarantees it, this catches a breach.
      const slack = 1e-9 * Math.max(Math.abs(lo), Math.abs(hi));
      const out = stepper.hOutside(lo - slack, hi + slack);
      return out && `h = ${out.value} at cell ${out.cell}, velocity node ${out.node} outside the maximum-principle bounds [${lo}, ${hi}]`;
    },
    // the theorem diagnostics are the torus's (periodic FFT, the paper's setting); walls give outflow columns instead
    columns: ['mass', 'rho_min', 'rho_max', 'rho_l2_dev', ...KINETIC_COLUMNS, ...(walled ? domain.outflowColumns : THEOREM_COLUMNS)],
    sample() {
      const rho = stepper.rho();
      const d = densityDiagnostics(grid, rho);
      if (walled) {
        updateFlux();
        hNow!.set(stepper.h());
        const k = kineticDiagnostics(grid, velocity, hNow!, rho, flux);
        const out = stepper.outflow();
        return [d.mass, d.rho_min, d.rho_max, d.rho_l2_dev, ...KINETIC_COLUMNS.map((c) => k[c]), ...domain.outflowSides.map((s) => out[s])];
      }
      // Lemma 2.5 residuals over the last step (the stepper's previous level; NaN before the first step)
      const s = series!.sample(stepper.microLevel()!, stepper.microLevel(true), stepper.previousDt(), momentProvider);
      const extra = [s.E_l2, s.lemma24_j, s.lemma24_E, s.cross, s.l2_sq + delta * s.cross, s.dl2_dt, s.dcross_dt, s.dl2_dt + delta * s.dcross_dt, s.res_rho, s.res_j];
      return [d.mass, d.rho_min, d.rho_max, d.rho_l2_dev, ...KINETIC_COLUMNS.map((c) => s[c]), ...extra];
    },
    snapshotFields() {
      updateFlux();
      const rho = stepper.rho();
      const fields = fluxes.addTo(boundaries ? { rho, knudsen: knudsenField(rate, eps, rho, knudsen) } : { rho });
      if (config.output.store_h) fields.h = stepper.h();
      return fields;
    },
  };
}

/**
 * The local Knudsen number eps/lambda(rho) per cell: the mean free path in units of the macroscopic
 * length (eps·DF_CAP = 1e300 eps where lambda = 0: free streaming; 0 where lambda = infinity).
 */
export function knudsenField(rate: RateLaw, eps: number, rho: Float64Array, out: Float64Array): Float64Array {
  for (let c = 0; c < rho.length; c++) {
    const lam = rate.lambda(Math.max(rho[c], 0));
    out[c] = lam > 0 ? eps * Math.min(1 / lam, DF_CAP) : eps * DF_CAP;
  }
  return out;
}

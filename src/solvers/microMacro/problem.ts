/**
 * A micro–macro kinetic run (h = f/M on Gauss–Hermite nodes: the BGK-type equation (1.2) and the
 * kinetic Fokker–Planck equation (1.5)) as a Problem: the initial data h_in(x, v), the rate law, the
 * extended series (kinetic norms and the theorem diagnostics — the moment equations of Lemma 2.5 are
 * the same for both collision operators, since both give ∫ v C(f) dv = −λ j / eps², the discrete
 * Fokker–Planck operator through L v = −v) and h(x, v) in fields.h5. Each equation's builder supplies
 * its stepper.
 */
import { cellAverages, type Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import { velocityGrid } from '../../velocity/gaussHermite.js';
import { densityDiagnostics } from '../../diagnostics/density.js';
import { KINETIC_COLUMNS, THEOREM_COLUMNS } from '../../diagnostics/kinetic.js';
import { defaultDelta } from '../../diagnostics/theorems.js';
import { KineticSeries } from '../../diagnostics/kineticSeries.js';
import { buildRate, checkPositive, compileField, fluxFields, initialDensity, minMax, requireUnitTorus, type Problem } from '../../simulation/problem.js';
import type { RateLaw } from '../../models/rate.js';
import type { MicroMacroSolver } from './facade.js';
import type { VelocityGrid } from '../../velocity/gaussHermite.js';

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

/** What a micro–macro stepper is made from. */
export interface MicroMacroData {
  velocity: VelocityGrid;
  rate: RateLaw;
  eps: number;
  h0: Float64Array;
}

/** The Problem of a micro–macro kinetic run; `makeStepper` builds the equation's solver from the data. */
export function microMacroProblem(config: Config, grid: Grid, makeStepper: (d: MicroMacroData) => MicroMacroSolver): Problem {
  requireUnitTorus(config, grid);
  if (!config.velocity) throw new Error(`${config.model.equation}: the config has no velocity section (validateConfig fills it in for the kinetic equations)`);
  const velocity = velocityGrid(grid.dim, config.velocity.nodes);
  const h0 = initialKinetic(config, grid, velocity);
  const [lo, hi] = minMax(h0);
  const rate = buildRate(config, [lo, hi]);
  const eps = config.model.eps as number;
  const stepper = makeStepper({ velocity, rate, eps, h0 });
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
  // one pass over q per level and four FFTs per row (the reference formulas of kinetic.ts / theorems.ts to round-off)
  const series = new KineticSeries(grid, velocity, { eps, lambda });
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
      // Lemma 2.5 residuals over the last step (the stepper's previous level; NaN before the first step)
      const s = series.sample(stepper.microLevel()!, stepper.microLevel(true), stepper.previousDt());
      const extra = [s.E_l2, s.lemma24_j, s.lemma24_E, s.cross, s.l2_sq + delta * s.cross, s.dl2_dt, s.dcross_dt, s.dl2_dt + delta * s.dcross_dt, s.res_rho, s.res_j];
      return [d.mass, d.rho_min, d.rho_max, d.rho_l2_dev, ...KINETIC_COLUMNS.map((c) => s[c]), ...extra];
    },
    snapshotFields() {
      updateFlux();
      const fields = fluxes.addTo({ rho: stepper.rho() });
      if (config.output.store_h) fields.h = stepper.h();
      return fields;
    },
  };
}

/**
 * The kinetic equation (paper eq. (1.2)) as a run: `equation: kinetic`, with the extended series
 * (kinetic norms and, on periodic domains, the theorem diagnostics) and h(x, v) in fields.h5.
 * Domains (./boundary.ts): periodic boxes of any size, and in 1D intervals with specular, diffuse,
 * absorbing and inflow walls (series columns outflow_x_lo, outflow_x_hi: the cumulative mass that left).
 * Vacuum: rho_in = 0 (or h_in = 0) on open sets is allowed; lambda(0) = 0 for alpha > 0 (free
 * streaming), infinity for alpha < 0 (instant relaxation) (docs/kinetic-scheme.md "Vacuum").
 * Snapshots hold rho, the flux and the local Knudsen number eps/lambda(rho) (`knudsen`).
 */
import { cellAverages, type Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import { ConfigError } from '../../config/validate.js';
import { velocityGrid } from '../../velocity/gaussHermite.js';
import { generalRate, powerLaw, type RateLaw } from '../../models/rate.js';
import { densityDiagnostics } from '../../diagnostics/density.js';
import { KINETIC_COLUMNS, THEOREM_COLUMNS, kineticDiagnostics } from '../../diagnostics/kinetic.js';
import { defaultDelta, momentResiduals, theoremDiagnostics } from '../../diagnostics/theorems.js';
import { compileField, fluxFields, initialDensity, minMax, type EquationBuilder, type Problem } from '../../simulation/problem.js';
import { DF_CAP } from '../transport/walls1d.js';
import { KineticSolver } from './solver.js';
import { kineticDomain } from './boundary.js';

export const kineticEquation: EquationBuilder = { build: buildKinetic };

/** Kinetic initial data h_in(x, v) = f_in/M at the velocity nodes, cell-averaged in x; checked finite and >= 0. */
export function initialKinetic(config: Config, grid: Grid, vel: ReturnType<typeof velocityGrid>): Float64Array {
  const nv = vel.count;
  const h0 = new Float64Array(grid.cells * nv);
  if (config.initial.rho !== undefined) {
    const rho0 = initialDensity(grid, config.initial.rho, 'initial.rho', { allowed: true, why: '' });
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
  for (let p = 0; p < h0.length; p++) {
    const val = h0[p];
    if (!(Number.isFinite(val) && val >= 0)) {
      const c = Math.floor(p / nv);
      throw new ConfigError([{ path: 'initial.h', message: `the initial h = f/M must be finite and >= 0 everywhere, but its cell average is ${val} in cell ${c} at velocity node ${p % nv}` }]);
    }
  }
  return h0;
}

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
  if (!config.velocity) throw new Error('buildKinetic: the config has no velocity section (validateConfig fills it in for equation kinetic)');
  const velocity = velocityGrid(grid.dim, config.velocity.nodes);
  const domain = kineticDomain(config, grid, velocity.v);
  const h0 = initialKinetic(config, grid, velocity);
  let [lo, hi] = minMax(h0);
  if (!(hi > 0)) throw new ConfigError([{ path: config.initial.rho !== undefined ? 'initial.rho' : 'initial.h', message: 'the initial data are 0 everywhere (no mass)' }]);
  if (domain.range) {
    lo = Math.min(lo, domain.range[0]);
    hi = Math.max(hi, domain.range[1]);
  }
  const rate = kineticRate(config, lo, hi);
  const eps = config.model.eps as number;
  const walled = domain.walls.some((w) => w !== null);
  const stepper = new KineticSolver({ grid, velocity, rate, eps, h0, bounds: [lo, hi], walls: walled ? domain.walls : undefined });
  const fluxes = fluxFields(grid);
  const flux = fluxes.flux;
  const datasets: Record<string, Float64Array> = { w: velocity.w };
  if (grid.dim === 1) datasets.v = velocity.v[0];
  else [datasets.vx, datasets.vy] = velocity.v;
  const updateFlux = () => flux.forEach((f, d) => stepper.flux(f, d as 0 | 1));
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
  const theoremOpts = { eps, lambda };
  const hOld = new Float64Array(grid.cells * velocity.count);
  const knudsen = new Float64Array(grid.cells);
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
    // the theorem diagnostics are the torus's (periodic FFT, the paper's setting); walls give outflow columns instead
    columns: ['mass', 'rho_min', 'rho_max', 'rho_l2_dev', ...KINETIC_COLUMNS, ...(walled ? domain.outflowColumns : THEOREM_COLUMNS)],
    sample() {
      const rho = stepper.rho();
      const d = densityDiagnostics(grid, rho);
      updateFlux();
      hNow.set(stepper.h());
      const k = kineticDiagnostics(grid, velocity, hNow, rho, flux);
      if (walled) {
        const out = stepper.outflow();
        return [d.mass, d.rho_min, d.rho_max, d.rho_l2_dev, ...KINETIC_COLUMNS.map((c) => k[c]), ...domain.outflowSides.map((s) => out[s])];
      }
      const th = theoremDiagnostics(grid, velocity, hNow, theoremOpts);
      // Lemma 2.5 residuals over the last step (the stepper's previous level; NaN before the first step)
      const dtPrev = stepper.previousH(hOld);
      const res = dtPrev > 0 ? momentResiduals(grid, velocity, hOld, hNow, dtPrev, theoremOpts) : { res_rho: NaN, res_j: NaN };
      const extra = [th.E_l2, th.lemma24_j, th.lemma24_E, th.cross, k.l2_sq + delta * th.cross, th.dl2_dt, th.dcross_dt, th.dl2_dt + delta * th.dcross_dt, res.res_rho, res.res_j];
      return [d.mass, d.rho_min, d.rho_max, d.rho_l2_dev, ...KINETIC_COLUMNS.map((c) => k[c]), ...extra];
    },
    snapshotFields() {
      updateFlux();
      const rho = stepper.rho();
      const fields = fluxes.addTo({ rho, knudsen: knudsenField(rate, eps, rho, knudsen) });
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

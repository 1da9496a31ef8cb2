/**
 * The full BGK equation (paper eq. (1.4)) as a run: `equation: bgk` (1D). The initial f is, in each
 * cell, Mieussens' discrete Maxwellian of the cell averages of rho_in, u_in, T_in (exact moments);
 * the velocity grid is uniform over `bgk.range`, by default [min u − 8 √(max T), max u + 8 √(max T)].
 * Series: mass, momentum, energy (conserved to round-off), extremes of rho and T, the smallest f and
 * the entropy ∫∫ f ln f; snapshots: rho, u, T (and the flux j = rho u).
 */
import type { Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import { ConfigError } from '../../config/validate.js';
import { densityDiagnostics } from '../../diagnostics/density.js';
import { buildRate, compileField, initialDensity, minMax, requireUnitTorus, type EquationBuilder, type Problem } from '../../simulation/problem.js';
import { cellAverages } from '../../grid/grid.js';
import { BgkSolver } from './solver.js';
import { DiscreteMaxwellian } from './maxwellian.js';

export const bgkEquation: EquationBuilder = { build: buildBgk };

export const BGK_COLUMNS = ['mass', 'rho_min', 'rho_max', 'rho_l2_dev', 'momentum', 'energy', 'T_min', 'T_max', 'f_min', 'entropy'] as const;

/** The uniform velocity grid: nodes at vmin and vmax. */
export function velocityNodes(range: readonly [number, number], nodes: number): Float64Array {
  const [a, b] = range;
  return Float64Array.from({ length: nodes }, (_, j) => a + ((b - a) * j) / (nodes - 1));
}

function buildBgk(config: Config, grid: Grid): Problem {
  requireUnitTorus(config, grid);
  const bgk = config.bgk;
  if (!bgk) throw new Error('buildBgk: the config has no bgk section (validateConfig fills it in for equation bgk)');
  const rho0 = initialDensity(grid, config.initial.rho as string, 'initial.rho');
  const uExpr = compileField(bgk.u, ['x'], 'bgk.u');
  const TExpr = compileField(bgk.T, ['x'], 'bgk.T');
  const u0 = cellAverages(grid, (x) => uExpr.fn(x));
  const T0 = cellAverages(grid, (x) => TExpr.fn(x));
  for (let i = 0; i < grid.cells; i++) {
    if (!Number.isFinite(u0[i])) throw new ConfigError([{ path: 'bgk.u', message: `the initial velocity must be finite, but its cell average is ${u0[i]} in cell ${i}` }]);
    if (!(T0[i] > 0) || !Number.isFinite(T0[i])) throw new ConfigError([{ path: 'bgk.T', message: `the initial temperature must be finite and > 0, but its cell average is ${T0[i]} in cell ${i}` }]);
  }
  const [uMin, uMax] = minMax(u0);
  const [, TMax] = minMax(T0);
  const range: [number, number] = bgk.range ? [bgk.range[0], bgk.range[1]] : [uMin - 8 * Math.sqrt(TMax), uMax + 8 * Math.sqrt(TMax)];
  const v = velocityNodes(range, bgk.nodes);
  const dv = v[1] - v[0];
  const K = v.length;
  const f0 = new Float64Array(grid.cells * K);
  const maxw = new DiscreteMaxwellian(v, dv);
  const M = new Float64Array(K);
  for (let i = 0; i < grid.cells; i++) {
    const r = rho0[i];
    const ok = maxw.solve(r, r * u0[i], 0.5 * r * (u0[i] * u0[i] + T0[i]), M);
    if (!ok) {
      throw new ConfigError([
        { path: 'bgk.range', message: `no discrete Maxwellian with rho = ${r}, u = ${u0[i]}, T = ${T0[i]} (cell ${i}) on the velocity grid [${range[0]}, ${range[1]}] with ${K} nodes: widen the range or add nodes` },
      ]);
    }
    f0.set(M, i * K);
  }
  const [rlo, rhi] = minMax(rho0);
  const rate = buildRate(config, [rlo, rhi]);
  const eps = config.model.eps as number;
  const stepper = new BgkSolver({ grid, rate, eps, scaling: bgk.scaling, v, f0, cfl: bgk.cfl });
  const N = grid.cells;
  const rho = new Float64Array(N);
  const u = new Float64Array(N);
  const T = new Float64Array(N);
  const j = new Float64Array(N);
  const fScale = minMax(f0)[1];
  return {
    config,
    grid,
    rate,
    stepper,
    // no maximum principle for BGK: only positivity (check below) and finiteness
    bounds: { lo: 0, hi: Infinity },
    scale: fScale,
    hdf5: { trailing: {}, datasets: { v } },
    check() {
      const f = stepper.distribution();
      const slack = 1e-12 * fScale;
      for (let p = 0; p < f.length; p++) {
        if (!(f[p] >= -slack)) return `f = ${f[p]} at cell ${Math.floor(p / K)}, velocity node ${p % K}: positivity lost`;
      }
      return null;
    },
    columns: [...BGK_COLUMNS],
    sample() {
      stepper.moments(rho, u, T);
      const d = densityDiagnostics(grid, rho);
      const [mass, momentum, energy] = stepper.totals();
      const [Tmin, Tmax] = minMax(T);
      const [fmin] = minMax(stepper.distribution());
      return [mass, d.rho_min, d.rho_max, d.rho_l2_dev, momentum, energy, Tmin, Tmax, fmin, stepper.entropy()];
    },
    snapshotFields() {
      stepper.moments(rho, u, T);
      for (let i = 0; i < N; i++) j[i] = rho[i] * u[i];
      return { rho, u, T, j };
    },
  };
}

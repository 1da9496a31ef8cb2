/**
 * The eps sweep: Theorem 2.3's distance ||f_eps(T) − rho~(T) M||_{L²(M⁻¹)} between kinetic runs at
 * several eps and the limit equation, at one time T, with the fitted order p of distance ≈ C eps^p —
 * "the limit happening" as numbers.
 *
 * Every run is a CLI run: the kinetic config of the page with model.eps = eps and time.end = T, and
 * the limit run of `limitProblem` (for initial.rho the CLI's own diffusion config, limit.yaml) with
 * time.end = T, each with its own error-controlled steps. The distance is computed as `nlbgk
 * compare` computes it from the two run directories (src/diagnostics/compare.ts: l2_neq_sq of the
 * kinetic series at T plus the density difference), so the sweep's numbers are the CLI's (the tests
 * check it). The distance contains, besides the eps-dependence, the difference between the kinetic
 * scheme's own limit and the diffusion solver (O(dx²)) and the time errors (∝ time.rtol): it levels
 * off at that floor as eps → 0, which the local orders show.
 *
 * Browser-safe (runs in the sweep worker).
 */
import type { Config } from '../config/schema.js';
import { validateConfig } from '../config/validate.js';
import { buildProblem } from '../simulation/build.js';
import { fitPowerLaw, type PowerLawFit } from '../fitting/rates.js';
import { densityDistance2, kineticToLimit, limitProblem, startRun } from './engine.js';
import { NEQ_COLUMN, rowIndex } from './columns.js';

export interface SweepPoint {
  eps: number;
  /** ||f − rho~ M||_{L²(M⁻¹)} at T. */
  distance: number;
  /** Its parts: ||(I − Π)f|| and ||rho − rho~||. */
  neq: number;
  density: number;
  steps: number;
  seconds: number;
}

/** n values of eps from `from` to `to`, evenly spaced in log eps, each rounded to 3 significant digits. */
export function sweepEps(from: number, to: number, n: number): number[] {
  if (!(from > 0 && to > 0 && Number.isInteger(n) && n >= 2)) throw new RangeError('sweepEps: need eps > 0 and at least 2 values');
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number((from * (to / from) ** (i / (n - 1))).toPrecision(3)));
  return out;
}

/** The config of a sweep run: `config` (kinetic) at eps, ending at T (snapshot at T only). */
export function sweepConfig(config: Config, eps: number, T: number): Config {
  const { output, ...rest } = config;
  return validateConfig({ ...rest, model: { ...config.model, eps }, time: { ...config.time, end: T }, output: { ...output, times: undefined } });
}

/** The limit run to T: its density at T and its config (null for initial.h data). */
export function sweepLimit(config: Config, T: number): { rho: Float64Array; config: Config | null; steps: number } {
  const kinetic = buildProblem(sweepConfig(config, config.model.eps as number, T));
  const built = limitProblem(kinetic.config, kinetic);
  const run = startRun(built.problem);
  run.simulation.run();
  return { rho: Float64Array.from(built.problem.stepper.rho()), config: built.config, steps: run.simulation.clock.steps };
}

/** One kinetic run at eps to T and its distance to the limit density `limitRho` at T. */
export function sweepPoint(config: Config, eps: number, T: number, limitRho: Float64Array): SweepPoint {
  const t0 = performance.now();
  const problem = buildProblem(sweepConfig(config, eps, T));
  const run = startRun(problem);
  run.simulation.run();
  const row = run.rows[run.rows.length - 1];
  const l2Neq = row[rowIndex(problem.columns, NEQ_COLUMN)];
  const rho = problem.stepper.rho();
  return {
    eps,
    distance: kineticToLimit(l2Neq, rho, limitRho),
    neq: Math.sqrt(l2Neq),
    density: Math.sqrt(densityDistance2(rho, limitRho)),
    steps: run.simulation.clock.steps,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The fitted order of distance ≈ C eps^p (least squares in log–log) and the local orders, or null with fewer than 2 points. */
export function sweepFit(points: readonly SweepPoint[]): PowerLawFit | null {
  const ok = points.filter((p) => p.distance > 0 && Number.isFinite(p.distance));
  return ok.length >= 2 ? fitPowerLaw(ok.map((p) => p.eps), ok.map((p) => p.distance)) : null;
}

/** sweep.csv: one row per eps. */
export function sweepCsv(T: number, points: readonly SweepPoint[]): string {
  let out = 'eps,t,distance,neq,density,steps\n';
  for (const p of points) out += [p.eps, T, p.distance, p.neq, p.density, p.steps].map(String).join(',') + '\n';
  return out;
}

/**
 * Distances between two runs at their common snapshot times (`nlbgk compare`).
 *
 * - rho_l2: ||rho_A − rho_B||_{L²(T^d)} of the cell averages. When one grid refines the other by
 *   an integer factor per dimension, the finer densities are averaged onto the coarser cells
 *   (exact for cell averages), so refinement studies compare like with like.
 * - kinetic_to_limit (Theorem 2.3's distance, a kinetic run — `kinetic` (1.2) or `fokker-planck` (1.5),
 *   which share the limit — against a diffusion run):
 *   ||f_eps − rho~ M||_{L²(M⁻¹)}. With the quadrature it splits exactly (Pythagoras, since
 *   Σ_k w_k (h_k − rho) = 0) into ||(I − Π) f||² + ||rho − rho~||², so it needs only the kinetic
 *   run's `l2_neq_sq` series value at that time (series.csv always has a row at snapshot times).
 */
import type { RunRecord } from '../io/readRun.js';

export interface ComparisonRow {
  t: number;
  rho_l2: number;
  rho_max_abs: number;
  kinetic_to_limit?: number;
}

export interface Comparison {
  a: string;
  b: string;
  cells: number[];
  rows: ComparisonRow[];
  /** sup over the common times of rho_l2 (and of kinetic_to_limit when present). */
  sup: { rho_l2: number; kinetic_to_limit?: number };
  /** What the reader should know: a distance left out, runs of different models. */
  notes: string[];
}

export class CompareError extends Error {}

/** Average `values` on grid `from` onto the coarser grid `to` (integer refinement per dimension). */
export function restrictToGrid(values: readonly number[], from: readonly number[], to: readonly number[]): Float64Array {
  const r = from.map((n, d) => n / to[d]);
  if (r.some((x) => !Number.isInteger(x) || x < 1)) throw new CompareError(`grids ${JSON.stringify(from)} and ${JSON.stringify(to)}: one must refine the other by an integer factor per dimension`);
  const nx = to[0];
  const ny = to.length === 2 ? to[1] : 1;
  const rx = r[0];
  const ry = to.length === 2 ? r[1] : 1;
  const out = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      let s = 0;
      for (let b = 0; b < ry; b++) for (let a = 0; a < rx; a++) s += values[i * rx + a + from[0] * (j * ry + b)];
      out[i + nx * j] = s / (rx * ry);
    }
  return out;
}

export function compareRuns(A: RunRecord, B: RunRecord): Comparison {
  const ca = A.run.config.domain.cells;
  const cb = B.run.config.domain.cells;
  if (ca.length !== cb.length) throw new CompareError(`cannot compare a ${ca.length}D run with a ${cb.length}D run`);
  const coarse = ca.map((n, d) => Math.min(n, cb[d]));
  const eqA = A.run.config.model.equation;
  const eqB = B.run.config.model.equation;
  const notes: string[] = [];
  const kin = (eq: string) => eq === 'kinetic' || eq === 'fokker-planck';
  let kineticSide = kin(eqA) && eqB === 'diffusion' ? A : kin(eqB) && eqA === 'diffusion' ? B : undefined;
  if (kineticSide && ca.some((n, d) => n !== cb[d])) {
    // ||(I-Π)f|| is only known on the kinetic grid: the theorem's distance needs equal grids.
    notes.push('the kinetic-to-limit distance ||f_eps - rho~ M|| is left out: it needs the same grid in both runs');
    kineticSide = undefined;
  }
  const limitPair = (kin(eqA) && eqB === 'diffusion') || (kin(eqB) && eqA === 'diffusion');
  if (eqA !== eqB && !limitPair) notes.push(`the runs solve different equations (${eqA} against ${eqB}): only the densities are compared`);
  const ma = A.run.config.model as { alpha?: number; rate?: string };
  const mb = B.run.config.model as { alpha?: number; rate?: string };
  if (ma.alpha !== mb.alpha || ma.rate !== mb.rate) {
    const law = (m: { alpha?: number; rate?: string }) => (m.alpha !== undefined ? `alpha = ${m.alpha}` : `rate = ${m.rate}`);
    notes.push(`the runs solve different models (${law(ma)} against ${law(mb)})`);
  }
  const cellVolume = 1 / coarse.reduce((x, y) => x * y, 1);
  const rows: ComparisonRow[] = [];
  for (const sa of A.snapshots) {
    const sb = B.snapshots.find((s) => Math.abs(s.t - sa.t) <= 1e-12 * Math.max(1, Math.abs(sa.t)));
    if (!sb) continue;
    const ra = restrictToGrid(sa.rho, ca, coarse);
    const rb = restrictToGrid(sb.rho, cb, coarse);
    let s2 = 0;
    let mx = 0;
    for (let i = 0; i < ra.length; i++) {
      const d = ra[i] - rb[i];
      s2 += d * d;
      mx = Math.max(mx, Math.abs(d));
    }
    const row: ComparisonRow = { t: sa.t, rho_l2: Math.sqrt(s2 * cellVolume), rho_max_abs: mx };
    if (kineticSide) {
      const ts = kineticSide.series.t;
      const idx = ts.findIndex((t) => Math.abs(t - sa.t) <= 1e-12 * Math.max(1, Math.abs(sa.t)));
      const neq = kineticSide.series.l2_neq_sq?.[idx];
      if (idx < 0 || neq === undefined) throw new CompareError(`${kineticSide.dir}: series.csv has no l2_neq_sq at t = ${sa.t}`);
      row.kinetic_to_limit = Math.sqrt(neq + s2 * cellVolume);
    }
    rows.push(row);
  }
  if (rows.length === 0) throw new CompareError(`no common snapshot times between ${A.dir} and ${B.dir}`);
  const sup: Comparison['sup'] = { rho_l2: Math.max(...rows.map((r) => r.rho_l2)) };
  if (kineticSide) sup.kinetic_to_limit = Math.max(...rows.map((r) => r.kinetic_to_limit!));
  return { a: A.dir, b: B.dir, cells: coarse, rows, sup, notes };
}

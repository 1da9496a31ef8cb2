/**
 * Figures of one run directory (`nlbgk plot RUN`): the snapshots (rho, and the flux for kinetic and
 * particle runs; heat maps in 2D), the series over time (mass drift, extremes, decay of the
 * deviations on a log axis, the kinetic norms), and kinetic h(x, v) where fields.h5 stores it
 * (1D runs with output.store_h). Vega-Lite specs rendered by render.ts with the shared theme.
 */
import type { RunRecord } from '../io/readRun.js';
import { LOG_AXIS, unitSquareMapEncoding, type VlSpec } from './render.js';
import { SEQUENTIAL } from './theme.js';

const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(8)) : null);

/** At most `n` indices of 0..len-1, evenly spread, first and last included. */
export function spread(len: number, n: number): number[] {
  if (len <= n) return Array.from({ length: len }, (_, i) => i);
  return Array.from(new Set(Array.from({ length: n }, (_, k) => Math.round((k * (len - 1)) / (n - 1)))));
}

function describeRun(run: RunRecord): string {
  const c = run.run.config as unknown as { model: { equation: string; alpha?: number; rate?: string; eps?: number }; domain: { cells: number[] } };
  const law = c.model.alpha !== undefined ? `alpha = ${c.model.alpha}` : `lambda = ${c.model.rate}`;
  return `${c.model.equation}, ${law}${c.model.eps !== undefined ? `, eps = ${c.model.eps}` : ''}, ${c.domain.cells.join(' × ')} cells`;
}

/** rho (and the flux) at the snapshot times. */
export function snapshotsSpec(run: RunRecord): VlSpec {
  const cells = run.run.config.domain.cells;
  const picked = spread(run.snapshots.length, cells.length === 1 ? 10 : 6);
  const subtitle = `${describeRun(run)}; ${picked.length} of ${run.snapshots.length} snapshots`;
  if (cells.length === 2) {
    const [nx, ny] = cells;
    const values: Record<string, unknown>[] = [];
    for (const k of picked) {
      const s = run.snapshots[k];
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) values.push({ t: `t = ${s.t}`, order: k, x: i / nx, x2: (i + 1) / nx, y: j / ny, y2: (j + 1) / ny, rho: round(s.rho[i + nx * j]) });
    }
    return {
      title: { text: 'Density rho(x, y) at the snapshot times', subtitle },
      data: { values },
      facet: { field: 't', type: 'nominal', title: null, sort: { field: 'order' }, header: { labelFontSize: 13 } },
      columns: 3,
      spec: {
        width: 200,
        height: 200,
        mark: { type: 'rect' },
        encoding: unitSquareMapEncoding(),
      },
    };
  }
  const nx = cells[0];
  const fields = ['rho', ...(run.snapshots[0] && 'j' in run.snapshots[0] ? ['j'] : [])];
  const values: Record<string, unknown>[] = [];
  for (const k of picked) {
    const s = run.snapshots[k];
    for (const f of fields) {
      const a = s[f] as number[];
      for (let i = 0; i < nx; i++) values.push({ t: s.t, field: f, x: (i + 0.5) / nx, value: round(a[i]) });
    }
  }
  const panel = (f: string, title: string): VlSpec => ({
    width: 520,
    height: 240,
    transform: [{ filter: `datum.field == '${f}'` }],
    mark: { type: 'line', strokeWidth: 1.8 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'x', scale: { domain: [0, 1], nice: false } },
      y: { field: 'value', type: 'quantitative', title, scale: { zero: false } },
      color: { field: 't', type: 'ordinal', title: 'time t', scale: { scheme: SEQUENTIAL.name, extent: SEQUENTIAL.extent } },
    },
  });
  return {
    title: { text: `Snapshots: ${fields.length > 1 ? 'density rho(x) and flux j(x)' : 'density rho(x)'}`, subtitle },
    data: { values },
    vconcat: fields.map((f) => panel(f, f === 'rho' ? 'density rho' : 'flux j')),
  };
}

interface Panel {
  title: string;
  columns: string[];
  log?: boolean;
  /** Transform a column before plotting (e.g. mass to its relative drift). */
  map?: (values: number[]) => number[];
}

/** The series over time, one panel per kind of quantity. */
export function seriesSpec(run: RunRecord): VlSpec {
  const s = run.series;
  const has = (c: string) => c in s;
  const panels: Panel[] = [
    { title: 'mass drift (m − m₀)/m₀', columns: ['mass'], map: (m) => m.map((x) => (x - m[0]) / Math.abs(m[0] || 1)) },
    { title: 'extremes (Theorem 2.1)', columns: ['rho_min', 'rho_max', 'h_min', 'h_max'].filter(has) },
    { title: 'distance to equilibrium (log)', columns: ['rho_l2_dev', 'dist_eq'].filter(has), log: true },
  ];
  if (has('l2_neq_sq')) panels.push({ title: 'kinetic squared norms (log)', columns: ['l2_neq_sq', 'flux_l2_sq'], log: true });
  else if (has('flux_l2_sq')) panels.push({ title: 'squared flux norm (log)', columns: ['flux_l2_sq'], log: true });
  const charts = panels.map((p) => {
    const values: Record<string, unknown>[] = [];
    const stride = Math.max(1, Math.ceil(s.t.length / 2000)); // at most ~2000 points per line
    for (const c of p.columns) {
      const col = p.map ? p.map(s[c]) : s[c];
      for (let i = 0; i < s.t.length; i += stride) {
        const v = col[i];
        if (!Number.isFinite(v) || (p.log && !(v > 0))) continue;
        values.push({ t: s.t[i], value: round(v), column: c });
      }
    }
    return {
      width: 300,
      height: 190,
      title: { text: p.title, fontSize: 13, fontWeight: 'normal' },
      data: { values },
      mark: { type: 'line', strokeWidth: 1.8 },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 't' },
        y: { field: 'value', type: 'quantitative', title: null, scale: p.log ? { type: 'log' } : { zero: false }, axis: p.log ? LOG_AXIS : { format: '.3~g' } },
        color: { field: 'column', type: 'nominal', title: null, scale: { domain: p.columns }, legend: { orient: 'bottom', direction: 'horizontal' } },
      },
    };
  });
  return {
    title: { text: 'Series over time (series.csv)', subtitle: describeRun(run) },
    concat: charts,
    columns: 2,
    resolve: { scale: { color: 'independent' } },
  };
}

/** Kinetic h(x, v) at up to four snapshot times (1D runs with h in fields.h5). */
export function kineticHSpec(run: RunRecord, h: { t: Float64Array; v: Float64Array; h: Float64Array }, nx: number): VlSpec {
  const nv = h.v.length;
  const vmax = 4;
  // rectangles between the midpoints of neighbouring nodes, clipped to |v| <= vmax
  const edges = Array.from({ length: nv + 1 }, (_, k) => (k === 0 ? -vmax : k === nv ? vmax : Math.max(-vmax, Math.min(vmax, 0.5 * (h.v[k - 1] + h.v[k])))));
  const values: Record<string, unknown>[] = [];
  const picked = spread(h.t.length, 4);
  for (const k of picked) {
    for (let i = 0; i < nx; i++)
      for (let q = 0; q < nv; q++) {
        if (edges[q + 1] <= edges[q]) continue;
        values.push({ t: `t = ${h.t[k]}`, order: k, x: i / nx, x2: (i + 1) / nx, v: edges[q], v2: edges[q + 1], h: round(h.h[(k * nx + i) * nv + q]) });
      }
  }
  return {
    title: { text: 'Kinetic h = f/M at the velocity nodes', subtitle: `${describeRun(run)}, Nv = ${nv}; |v| ≤ ${vmax} shown` },
    data: { values },
    facet: { field: 't', type: 'nominal', title: null, sort: { field: 'order' } },
    columns: 2,
    spec: {
      width: 280,
      height: 200,
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'x', scale: { domain: [0, 1], nice: false } },
        x2: { field: 'x2' },
        y: { field: 'v', type: 'quantitative', title: 'velocity v', scale: { domain: [-vmax, vmax], nice: false } },
        y2: { field: 'v2' },
        color: { field: 'h', type: 'quantitative', scale: { scheme: 'viridis' }, title: 'h' },
      },
    },
  };
}

/**
 * What the page exports: the config as YAML for `nlbgk run`, the series as CSV in the format of
 * the CLI's series.csv (header `t,<columns>`, numbers as String(x), non-finite as inf/-inf/nan),
 * and the fields of the displayed frame as CSV: rho (with the limit's rho~) and h = f/M, one row per
 * cell (and velocity), numbers at full precision (String(x) round-trips every double).
 */
import { Document, isMap } from 'yaml';
import type { Config, ConfigInput } from '../config/schema.js';

/** Drop undefined entries (YAML has no undefined). */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
    return out;
  }
  return value;
}

/** The config as a YAML file that `nlbgk run` accepts, with a header saying how to run it. */
export function configYaml(config: ConfigInput | Config, header: string[] = []): string {
  const lines = ['# nlbgk config exported by the explorer', ...header, '# run it with: npx nlbgk run explorer.yaml --out runs/explorer'];
  const doc = new Document(clean(config));
  // block style at the top, one flow mapping per section: `model: { equation: kinetic, ... }`
  if (isMap(doc.contents)) for (const item of doc.contents.items) if (isMap(item.value)) item.value.flow = true;
  return lines.map((l) => (l.startsWith('#') ? l : `# ${l}`)).join('\n') + '\n' + doc.toString({ lineWidth: 0 });
}

export function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
}

/** series.csv text: a header `t,<columns>` and one row per recorded time. */
export function seriesCsv(columns: readonly string[], rows: readonly (readonly number[])[]): string {
  let out = ['t', ...columns].join(',') + '\n';
  for (const row of rows) out += row.map(formatNumber).join(',') + '\n';
  return out;
}

/** Parse a series.csv text into header and numeric rows (inf/nan read back). */
export function parseSeriesCsv(text: string): { columns: string[]; rows: number[][] } {
  const lines = text.trim().split('\n');
  const columns = lines[0].split(',');
  const num = (s: string) => (s === 'inf' ? Infinity : s === '-inf' ? -Infinity : s === 'nan' ? NaN : Number(s));
  return { columns, rows: lines.slice(1).map((l) => l.split(',').map(num)) };
}

/** A number for display: never "NaN" or "Infinity". */
export function display(x: number | null | undefined, digits = 6): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? String(Number(x.toPrecision(digits))) : x.toExponential(digits - 1);
}

/** The grid and velocity layout of the fields (from the Engine's meta). */
export interface FieldLayout {
  dim: 1 | 2;
  x: Float64Array;
  y: Float64Array | null;
  velocities: Float64Array[] | null;
  w: Float64Array | null;
}

/** rho.csv: `t,x[,y],rho[,rho_limit]`, one row per cell, x fastest (the order of fields.h5 and summary.json). */
export function rhoCsv(layout: FieldLayout, t: number, rho: Float64Array, limitRho: Float64Array | null): string {
  const nx = layout.x.length;
  const head = ['t', 'x', ...(layout.dim === 2 ? ['y'] : []), 'rho', ...(limitRho ? ['rho_limit'] : [])];
  const lines = [head.join(',')];
  for (let c = 0; c < rho.length; c++) {
    const cells = layout.dim === 2 ? [layout.x[c % nx], (layout.y as Float64Array)[Math.floor(c / nx)]] : [layout.x[c]];
    lines.push([t, ...cells, rho[c], ...(limitRho ? [limitRho[c]] : [])].map(formatNumber).join(','));
  }
  return lines.join('\n') + '\n';
}

/** h.csv: `t,x[,y],v[,vx,vy],w,h`, one row per (cell, velocity node), velocity fastest (the solver's layout). */
export function hCsv(layout: FieldLayout, t: number, h: Float64Array): string {
  const vel = layout.velocities;
  const w = layout.w;
  if (!vel || !w) throw new Error('hCsv: no velocity grid');
  const K = w.length;
  const nx = layout.x.length;
  const vNames = layout.dim === 2 ? ['vx', 'vy'] : ['v'];
  const lines = [['t', 'x', ...(layout.dim === 2 ? ['y'] : []), ...vNames, 'w', 'h'].join(',')];
  for (let c = 0; c * K < h.length; c++) {
    const cells = layout.dim === 2 ? [layout.x[c % nx], (layout.y as Float64Array)[Math.floor(c / nx)]] : [layout.x[c]];
    for (let k = 0; k < K; k++) lines.push([t, ...cells, ...vel.map((v) => v[k]), w[k], h[c * K + k]].map(formatNumber).join(','));
  }
  return lines.join('\n') + '\n';
}

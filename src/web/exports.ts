/**
 * What the page exports: the config as YAML for `nlbgk run` and the series as CSV in the format of
 * the CLI's series.csv (header `t,<columns>`, numbers as String(x), non-finite as inf/-inf/nan).
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

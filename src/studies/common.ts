/**
 * Shared machinery of the studies: run a config through the sweep machinery (exactly what
 * `nlbgk sweep` and `nlbgk run` do, in a temporary directory), write CSV/JSON/figures, assemble
 * report.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import type { Problem } from '../simulation/problem.js';
import { readRun } from '../io/readRun.js';
import { runMembers } from '../sweeps/members.js';
import { parseSeriesNumber } from '../sweeps/collect.js';
import { writeFigure, type VlSpec } from '../plot/render.js';

export interface StudyOptions {
  quick: boolean;
  out: string;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface StudyCheck {
  name: string;
  passed: boolean;
  detail: string;
}

export interface StudyResult {
  name: string;
  quick: boolean;
  wallSeconds: number;
  /** The measured numbers (also in results.json). */
  results: Record<string, unknown>;
  /** The physics assertions of the study (the tests assert `passed`). */
  checks: StudyCheck[];
  files: string[];
}

export interface SeriesRun {
  problem: Problem;
  columns: string[];
  series: Record<string, number[]>;
  snapshots: { t: number; fields: Record<string, Float64Array> }[];
  steps: number;
  wallSeconds: number;
}

/**
 * Run a config (the same schema as `nlbgk run`) as a one-point sweep through the sweep machinery
 * (src/sweeps/members.ts: plan, run-point, in process) in a temporary directory, and read back
 * series.csv's columns and the snapshots. A failed run throws its error (NumericalFailure,
 * ConfigError) as before.
 */
export async function runSeries(input: Record<string, unknown>): Promise<SeriesRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-member-'));
  try {
    const [m] = await runMembers([input], path.join(dir, 'sweep'), 'study');
    const r = m.result;
    if (r.outcome !== 'completed' || !r.problem) throw r.error ?? new Error(`study member ${m.id}: ${r.outcome}: ${r.message ?? ''}`);
    const run = readRun(m.runDir);
    const lines = fs.readFileSync(path.join(m.runDir, 'series.csv'), 'utf8').trim().split('\n');
    const columns = lines[0].split(',');
    const series: Record<string, number[]> = Object.fromEntries(columns.map((c) => [c, [] as number[]]));
    for (const line of lines.slice(1)) line.split(',').forEach((x, k) => series[columns[k]].push(parseSeriesNumber(x)));
    const snapshots: SeriesRun['snapshots'] = run.snapshots.map((s) => ({
      t: s.t,
      fields: Object.fromEntries(Object.entries(s).filter(([k]) => k !== 't' && k !== 'cells').map(([k, v]) => [k, Float64Array.from(v as number[])])),
    }));
    return { problem: r.problem, columns, series, snapshots, steps: run.run.steps as number, wallSeconds: run.run.wall_s as number };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function csvText(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]);
  const fmt = (x: unknown) => (typeof x === 'number' ? (Number.isFinite(x) ? String(x) : x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan') : x === undefined || x === null ? '' : /[",\n]/.test(String(x)) ? `"${String(x).replace(/"/g, '""')}"` : String(x));
  return [cols.join(','), ...rows.map((r) => cols.map((c) => fmt(r[c])).join(','))].join('\n') + '\n';
}

/** Collects the files of one report directory. */
export class ReportWriter {
  readonly files: string[] = [];
  constructor(readonly dir: string) {}

  csv(name: string, rows: Record<string, unknown>[]): string {
    const f = path.join(this.dir, name);
    fs.writeFileSync(f, csvText(rows));
    this.files.push(name);
    return name;
  }

  json(name: string, data: unknown): string {
    const f = path.join(this.dir, name);
    fs.writeFileSync(f, JSON.stringify(data, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v instanceof Float64Array ? Array.from(v) : v), 2) + '\n');
    this.files.push(name);
    return name;
  }

  /** Figure NAME.svg/.png/.vl.json; `data` is also written as NAME.csv (the numbers behind it). */
  async figure(name: string, spec: VlSpec, data: Record<string, unknown>[]): Promise<string> {
    this.csv(`${name}.csv`, data);
    await writeFigure(this.dir, name, spec);
    this.files.push(`${name}.svg`, `${name}.png`, `${name}.vl.json`);
    return `${name}.png`;
  }

  text(name: string, content: string): void {
    fs.writeFileSync(path.join(this.dir, name), content);
    this.files.push(name);
  }
}

/**
 * A number for reports and figure labels, `sig` significant digits with trailing zeros dropped:
 * 5.000000000000001 → "5", 0.05 → "0.05", 0.001 → "1e-3", 2.5e-4 → "2.5e-4", 39.477491 → "39.48" (sig 4),
 * −0.0021 → "−2.1e-3". Exponent form below 1e-2 and from 1e5 on; integers below 1e6 as they are;
 * the sign is a true minus (U+2212), the exponent's an ASCII hyphen (as in the docs' "1e-3").
 * `trim = false` keeps the trailing zeros (measured values: 3.0e-5 has two significant digits).
 */
export function num(x: number, sig = 4, trim = true): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const sign = x < 0 ? '−' : '';
  const a = Math.abs(x);
  if (Number.isInteger(a) && a < 1e6) return sign + String(a);
  const strip = (m: string) => (trim && m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m);
  if (a < 1e-2 || a >= 1e5) {
    const [m, e] = a.toExponential(sig - 1).split('e');
    return `${sign}${strip(m)}e${e.replace('+', '')}`;
  }
  const p = a.toPrecision(sig);
  // toPrecision switches to exponent form for large values with few digits (e.g. 1.2e+3): spell out
  return sign + (p.includes('e') ? String(Number(p)) : strip(p));
}

/** A relative deviation as a signed percentage with `sig` significant digits: 0.0010440 → "+0.10 %". */
export function pct(x: number, sig = 2): string {
  if (!Number.isFinite(x)) return num(x);
  const v = 100 * x;
  if (v === 0) return '0 %';
  const a = Math.abs(v);
  const digits = Math.max(0, sig - 1 - Math.floor(Math.log10(a)));
  return `${v < 0 ? '−' : '+'}${a.toFixed(Math.min(digits, 6))} %`;
}

/** Markdown table from rows: numbers through `num` with `digits` significant digits, strings as they are. */
export function mdTable(rows: Record<string, unknown>[], digits = 4): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]);
  const fmt = (x: unknown) => (typeof x === 'number' ? num(x, digits) : String(x ?? ''));
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => fmt(r[c])).join(' | ')} |`)].join('\n') + '\n';
}

export function checksMarkdown(checks: StudyCheck[]): string {
  return checks.map((c) => `- ${c.passed ? 'PASS' : 'FAIL'} — ${c.name}: ${c.detail}`).join('\n') + '\n';
}

export const nowSeconds = () => performance.now() / 1000;

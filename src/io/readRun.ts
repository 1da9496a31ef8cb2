/**
 * Reading a finished (or interrupted) run directory back: run.json, summary.json, series.csv.
 * Everything read is checked (JSON that parses, the fields compare and plot use, arrays of the grid's
 * size, numeric series), so a damaged directory is one RunReadError naming the file and the problem.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RunSnapshot {
  t: number;
  cells: number[];
  rho: number[];
  [field: string]: unknown;
}

export interface RunRecord {
  dir: string;
  run: { config: { model: { equation: string; dim: number }; domain: { cells: number[] } }; [k: string]: unknown };
  snapshots: RunSnapshot[];
  /** series.csv as columns. */
  series: Record<string, number[]>;
}

export class RunReadError extends Error {}

/** Files larger than this are not read (a run's JSON files are far smaller). */
const MAX_BYTES = 2 ** 30;

export function readRun(dir: string): RunRecord {
  const read = (name: string) => {
    const file = path.join(dir, name);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new RunReadError(`${dir}: no ${name} (is this an nlbgk run directory?)`);
    }
    if (!st.isFile()) throw new RunReadError(`${dir}: ${name} is not a regular file`);
    if (st.size > MAX_BYTES) throw new RunReadError(`${dir}: ${name} is larger than 1 GiB`);
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new RunReadError(`${dir}: cannot read ${name} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  const parse = (name: string) => {
    try {
      return JSON.parse(read(name)) as unknown;
    } catch (err) {
      if (err instanceof RunReadError) throw err;
      throw new RunReadError(`${dir}: ${name} is not valid JSON (truncated or edited?)`);
    }
  };
  const bad = (name: string, why: string) => new RunReadError(`${dir}: ${name} ${why}`);
  const run = parse('run.json') as RunRecord['run'];
  const cfg = (run as { config?: RunRecord['run']['config'] } | null)?.config;
  const cells = cfg?.domain?.cells;
  if (!cfg || typeof cfg.model?.equation !== 'string' || !Array.isArray(cells) || cells.length < 1 || cells.length > 2 || !cells.every((n) => Number.isInteger(n) && n > 0)) {
    throw bad('run.json', 'lacks a valid config (model.equation, domain.cells)');
  }
  const size = cells.reduce((a, b) => a * b, 1);
  const summary = parse('summary.json') as { snapshots?: unknown };
  if (!summary || !Array.isArray(summary.snapshots)) throw bad('summary.json', 'has no snapshots list');
  const snapshots = summary.snapshots as RunSnapshot[];
  snapshots.forEach((s, k) => {
    if (!s || typeof s.t !== 'number' || !Number.isFinite(s.t)) throw bad('summary.json', `snapshot ${k} has no time t`);
    if (!Array.isArray(s.rho) || s.rho.length !== size || !s.rho.every((x) => typeof x === 'number')) throw bad('summary.json', `snapshot ${k} (t = ${s.t}) has no rho of ${size} numbers`);
  });
  const lines = read('series.csv').trim().split('\n');
  const header = lines[0].split(',');
  if (header[0] !== 't' || header.some((h) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(h))) throw bad('series.csv', 'has no valid header (t, columns...)');
  const series: Record<string, number[]> = Object.fromEntries(header.map((h) => [h, [] as number[]]));
  lines.slice(1).forEach((line, i) => {
    const cols = line.split(',');
    if (cols.length !== header.length) throw bad('series.csv', `row ${i + 2} has ${cols.length} values, the header ${header.length} (truncated?)`);
    header.forEach((h, c) => {
      const v = cols[c] === 'nan' ? NaN : cols[c] === 'inf' ? Infinity : cols[c] === '-inf' ? -Infinity : Number(cols[c]);
      if (Number.isNaN(v) && cols[c] !== 'nan') throw bad('series.csv', `row ${i + 2}, column ${h}: '${cols[c].slice(0, 20)}' is not a number`);
      series[h].push(v);
    });
  });
  return { dir, run, snapshots, series };
}

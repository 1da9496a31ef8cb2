/**
 * `nlbgk sweep collect DIR`: one row per planned point into results.csv and results.parquet, with
 * the column schema in results.schema.json (also in the Parquet file's key-value metadata).
 *
 * Columns: index, id, status (the point state), the swept parameters (dotted config keys, typed
 * by the config schema; values from the resolved config), wall_s, steps, resumes, attempts,
 * error, then final.<column> for every column of series.csv (its last row; whatever columns the
 * solver writes). Pending and failed points are rows too, with empty cells where nothing exists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { writeFileAtomic } from '../io/files.js';
import { readSweep, runDir, type Sweep } from './manifest.js';
import { getPath, type ParamType } from './paths.js';
import { pointStatus } from './state.js';

export interface ResultColumn {
  name: string;
  type: ParamType;
  source: 'manifest' | 'state' | 'config' | 'run.json' | 'attempts' | 'series.csv';
  description: string;
}

export interface ResultsTable {
  columns: ResultColumn[];
  rows: Record<string, unknown>[];
}

/** Header and last data row of a series.csv, reading only its ends. */
export function readSeriesEnds(file: string): { header: string[]; last: string[] | null } | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const headBuf = Buffer.alloc(Math.min(size, 65536));
    fs.readSync(fd, headBuf, 0, headBuf.length, 0);
    const headText = headBuf.toString('utf8');
    const nl = headText.indexOf('\n');
    if (nl < 0) return null;
    const header = headText.slice(0, nl).split(',');
    const tailLen = Math.min(size, 65536);
    const tailBuf = Buffer.alloc(tailLen);
    fs.readSync(fd, tailBuf, 0, tailLen, size - tailLen);
    const lines = tailBuf.toString('utf8').split('\n');
    // the last complete line (a run that is still writing may leave a partial one)
    const complete = lines.slice(0, -1).filter((l) => l.length > 0);
    const last = complete.length ? complete[complete.length - 1].split(',') : null;
    // a file with the header only has no data row (its one complete line is the header)
    const isHeader = last !== null && size <= tailLen && complete.length === 1;
    return { header, last: last && last.length === header.length && !isHeader ? last : null };
  } finally {
    fs.closeSync(fd);
  }
}

/** series.csv numbers: the shortest round-trip decimal, nan, inf, -inf. */
export function parseSeriesNumber(s: string): number {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan') return NaN;
  return Number(s);
}

export function collectResults(sweepOrDir: Sweep | string): ResultsTable {
  const sweep = typeof sweepOrDir === 'string' ? readSweep(sweepOrDir) : sweepOrDir;
  const columns: ResultColumn[] = [
    { name: 'index', type: 'INT32', source: 'manifest', description: 'point index (line of sweep.jsonl; run-point INDEX, SLURM task)' },
    { name: 'id', type: 'STRING', source: 'manifest', description: 'run id: runs/<id>/' },
    { name: 'status', type: 'STRING', source: 'state', description: 'done, failed, interrupted, running or pending' },
    ...sweep.meta.params.map((p): ResultColumn => ({ name: p.name, type: p.type, source: 'config', description: `swept parameter ${p.name} (resolved config)` })),
    { name: 'wall_s', type: 'DOUBLE', source: 'run.json', description: 'wall seconds of the time loop (summed over resumes)' },
    { name: 'steps', type: 'INT32', source: 'run.json', description: 'time steps taken' },
    { name: 'resumes', type: 'INT32', source: 'run.json', description: 'times the run was resumed from a checkpoint' },
    { name: 'attempts', type: 'INT32', source: 'attempts', description: 'attempts recorded in points/<id>/attempts.jsonl' },
    { name: 'error', type: 'STRING', source: 'run.json', description: 'the error of a failed point' },
  ];
  const finals: string[] = [];
  const rows: Record<string, unknown>[] = [];
  const configs = new Map<string, unknown>();
  for (const p of sweep.points) {
    const st = pointStatus(sweep.dir, p.id);
    const row: Record<string, unknown> = { index: p.i, id: p.id, status: st.state };
    let config: unknown = configs.get(p.id);
    if (config === undefined) {
      try {
        config = JSON.parse(fs.readFileSync(path.join(sweep.dir, 'points', p.id, 'config.json'), 'utf8'));
      } catch {
        config = null;
      }
    }
    for (const c of sweep.meta.params) row[c.name] = config ? (getPath(config, c.name) ?? null) : (p.params[c.name] ?? null);
    row.wall_s = typeof st.run?.wall_s === 'number' ? st.run.wall_s : null;
    row.steps = typeof st.run?.steps === 'number' ? st.run.steps : null;
    row.resumes = typeof st.run?.resumes === 'number' ? st.run.resumes : null;
    row.attempts = st.attempts;
    row.error = st.state === 'failed' ? (st.run?.status === 'failed' ? (st.run.error ?? null) : (st.lastAttempt?.message ?? null)) : null;
    const series = readSeriesEnds(path.join(runDir(sweep.dir, p.id), 'series.csv'));
    if (series?.last && st.state !== 'pending') {
      series.header.forEach((h, k) => {
        const name = `final.${h}`;
        if (!finals.includes(name)) finals.push(name);
        row[name] = parseSeriesNumber(series.last![k]);
      });
    }
    rows.push(row);
  }
  for (const f of finals) columns.push({ name: f, type: 'DOUBLE', source: 'series.csv', description: `last row of series.csv, column ${f.slice(6)}` });
  for (const r of rows) for (const f of finals) if (!(f in r)) r[f] = null;
  return { columns, rows };
}

function csvCell(x: unknown, type: ParamType): string {
  if (x === null || x === undefined) return '';
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const s = type === 'JSON' ? JSON.stringify(x) : String(x);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function resultsCsv(table: ResultsTable): string {
  const lines = [table.columns.map((c) => c.name).join(',')];
  for (const r of table.rows) lines.push(table.columns.map((c) => csvCell(r[c.name], c.type)).join(','));
  return lines.join('\n') + '\n';
}

export function resultsParquet(table: ResultsTable, meta: Record<string, unknown>): Uint8Array {
  const columnData = table.columns.map((c) => ({
    name: c.name,
    type: c.type,
    nullable: true,
    data: table.rows.map((r) => {
      const x = r[c.name];
      if (x === null || x === undefined) return null;
      if (c.type === 'INT64') return BigInt(x as number);
      if (c.type === 'JSON') return x;
      return x;
    }),
  }));
  const buf = parquetWriteBuffer({ columnData, kvMetadata: [{ key: 'nlbgk.results.schema', value: JSON.stringify(meta) }] } as Parameters<typeof parquetWriteBuffer>[0]);
  return new Uint8Array(buf);
}

export interface CollectSummary {
  rows: number;
  counts: Record<string, number>;
  files: string[];
}

/** Write results.csv, results.parquet and results.schema.json into the sweep directory. */
export function writeResults(sweepOrDir: Sweep | string): CollectSummary {
  const sweep = typeof sweepOrDir === 'string' ? readSweep(sweepOrDir) : sweepOrDir;
  const table = collectResults(sweep);
  const schema = {
    sweep: sweep.meta.name,
    key: sweep.meta.key,
    collected: new Date().toISOString(),
    rows: table.rows.length,
    columns: table.columns,
  };
  writeFileAtomic(path.join(sweep.dir, 'results.csv'), resultsCsv(table));
  writeFileAtomic(path.join(sweep.dir, 'results.parquet'), resultsParquet(table, schema));
  writeFileAtomic(path.join(sweep.dir, 'results.schema.json'), JSON.stringify(schema, null, 2) + '\n');
  const counts: Record<string, number> = {};
  for (const r of table.rows) counts[r.status as string] = (counts[r.status as string] ?? 0) + 1;
  return { rows: table.rows.length, counts, files: ['results.csv', 'results.parquet', 'results.schema.json'] };
}

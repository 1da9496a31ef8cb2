/** Reading a finished (or interrupted) run directory back: run.json, summary.json, series.csv. */
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

export function readRun(dir: string): RunRecord {
  const read = (name: string) => {
    const file = path.join(dir, name);
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      throw new RunReadError(`${dir}: no ${name} (is this an nlbgk run directory?)`);
    }
  };
  const run = JSON.parse(read('run.json'));
  const snapshots = JSON.parse(read('summary.json')).snapshots as RunSnapshot[];
  const lines = read('series.csv').trim().split('\n');
  const header = lines[0].split(',');
  const series: Record<string, number[]> = Object.fromEntries(header.map((h) => [h, [] as number[]]));
  for (const line of lines.slice(1)) {
    const cols = line.split(',');
    header.forEach((h, i) => series[h].push(Number(cols[i])));
  }
  return { dir, run, snapshots, series };
}

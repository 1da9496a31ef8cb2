/**
 * The sweep directory (docs/sweeps.md):
 *
 *   DIR/sweep.json                  what was planned: name, key, parameter columns and their types, id rule
 *   DIR/sweep.jsonl                 one line per point {i, id, source, params}: i is the index that
 *                                   `run-point`, SLURM array tasks and the results table use
 *   DIR/points/<id>/config.json     the fully resolved run config of the point
 *   DIR/points/<id>/attempts.jsonl  one line per attempt (host, pid, backend, outcome, exit status)
 *   DIR/points/<id>/nlbgk.lock      the claim of the process deciding about / running the point
 *   DIR/runs/<id>/                  the point's run directory, written only by `nlbgk run` / `resume`
 *   DIR/results.csv, results.parquet, results.schema.json     (`nlbgk sweep collect`)
 *   DIR/slurm/<n>/                  SLURM submissions (point list, array and collect scripts, logs)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParamType } from './paths.js';

export const SWEEP_FORMAT = 1;

export interface SweepMeta {
  format: number;
  name: string;
  /** Random, fixed at the first plan: tells sweeps apart in a shared queue. */
  key: string;
  created: string;
  updated: string;
  nlbgk: string;
  result_schema: number;
  id_rule: string;
  points: number;
  params: { name: string; type: ParamType }[];
  spec_file: string | null;
}

export interface ManifestPoint {
  i: number;
  id: string;
  source: string;
  params: Record<string, unknown>;
}

export class SweepDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepDirError';
  }
}

export const sweepFile = (dir: string) => path.join(dir, 'sweep.json');
export const manifestFile = (dir: string) => path.join(dir, 'sweep.jsonl');
export const pointDir = (dir: string, id: string) => path.join(dir, 'points', id);
export const configFile = (dir: string, id: string) => path.join(dir, 'points', id, 'config.json');
export const attemptsFile = (dir: string, id: string) => path.join(dir, 'points', id, 'attempts.jsonl');
export const runDir = (dir: string, id: string) => path.join(dir, 'runs', id);

export interface Sweep {
  dir: string;
  meta: SweepMeta;
  points: ManifestPoint[];
}

/** Read a planned sweep directory (exit status 2 in the CLI when it is not one). */
export function readSweep(dir: string): Sweep {
  let meta: SweepMeta;
  try {
    meta = JSON.parse(fs.readFileSync(sweepFile(dir), 'utf8')) as SweepMeta;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SweepDirError(code === 'ENOENT' ? `${dir}: no sweep.json (plan it first: nlbgk sweep plan SPEC --out ${dir})` : `${dir}/sweep.json: ${code ?? (err as Error).message}`);
  }
  if (meta.format !== SWEEP_FORMAT) throw new SweepDirError(`${dir}/sweep.json: format ${meta.format}, this nlbgk reads format ${SWEEP_FORMAT}`);
  const text = fs.readFileSync(manifestFile(dir), 'utf8');
  const points = text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as ManifestPoint);
  if (points.length !== meta.points) throw new SweepDirError(`${dir}: sweep.jsonl has ${points.length} points, sweep.json says ${meta.points} (re-plan the sweep)`);
  return { dir: path.resolve(dir), meta, points };
}

/** A point by manifest index (`17`) or run id (16 hex digits). */
export function findPoint(sweep: Sweep, ref: string | number): ManifestPoint {
  const s = String(ref);
  if (/^\d+$/.test(s)) {
    const p = sweep.points[Number(s)];
    if (!p) throw new SweepDirError(`point index ${s} is out of range: the sweep has ${sweep.points.length} points (0 … ${sweep.points.length - 1})`);
    return p;
  }
  const p = sweep.points.find((q) => q.id === s);
  if (!p) throw new SweepDirError(`no point with id ${s} in ${sweep.dir}/sweep.jsonl`);
  return p;
}

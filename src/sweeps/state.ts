/**
 * The state of a point, read from its run directory and its point directory only (the same
 * answer for every backend; nothing is asked of Redis or SLURM):
 *
 *   done         runs/<id>/run.json says "completed"
 *   failed       run.json says "failed" (numerical failure), or the last attempt ended with exit
 *                status 1 or 2 (bad input, internal error) and left no completed run
 *   running      a live process holds the point's claim (points/<id>/nlbgk.lock) or the run
 *                directory's lock (runs/<id>/nlbgk.lock)
 *   interrupted  run.json says "running" or "interrupted", checkpoint.bin exists, no live lock:
 *                the next attempt resumes from the checkpoint
 *   pending      none of these: not started, or stopped before its first checkpoint (starts over)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { liveLock, type LockOwner } from '../io/lock.js';
import { attemptsFile, pointDir, runDir } from './manifest.js';

export const POINT_STATES = ['done', 'failed', 'interrupted', 'running', 'pending'] as const;
export type PointState = (typeof POINT_STATES)[number];

/** One line of points/<id>/attempts.jsonl. */
export interface Attempt {
  at: string;
  host: string;
  pid: number;
  backend: string;
  job?: string;
  action: 'run' | 'resume';
  outcome: Outcome;
  exit: number | null;
  signal: string | null;
  wall_s: number;
  message?: string;
}

/** How an attempt (or a decision not to attempt) ended. */
export type Outcome = 'completed' | 'skipped' | 'busy' | 'failed' | 'interrupted' | 'error';

export interface RunJson {
  status?: string;
  wall_s?: number;
  steps?: number;
  error?: string;
  resumes?: number;
  [k: string]: unknown;
}

export interface PointStatus {
  state: PointState;
  run: RunJson | null;
  hasCheckpoint: boolean;
  lastAttempt: Attempt | null;
  attempts: number;
  lockOwner: LockOwner | null;
}

export function readRunJson(dir: string): RunJson | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunJson;
  } catch {
    return null;
  }
}

export function readAttempts(sweepDir: string, id: string): Attempt[] {
  let text: string;
  try {
    text = fs.readFileSync(attemptsFile(sweepDir, id), 'utf8');
  } catch {
    return [];
  }
  const out: Attempt[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as Attempt);
    } catch {
      // a line torn by a crash mid-append: ignore it
    }
  }
  return out;
}

export function appendAttempt(sweepDir: string, id: string, a: Attempt): void {
  fs.appendFileSync(attemptsFile(sweepDir, id), JSON.stringify(a) + '\n');
}

/** The state of point `id` of the sweep in `sweepDir` (reads only). */
export function pointStatus(sweepDir: string, id: string, options: { ignoreClaim?: boolean } = {}): PointStatus {
  const rd = runDir(sweepDir, id);
  const run = readRunJson(rd);
  const hasCheckpoint = fs.existsSync(path.join(rd, 'checkpoint.bin'));
  const attempts = readAttempts(sweepDir, id);
  const lastAttempt = attempts.length ? attempts[attempts.length - 1] : null;
  const base = { run, hasCheckpoint, lastAttempt, attempts: attempts.length, lockOwner: null };
  if (run?.status === 'completed') return { ...base, state: 'done' };
  const lock = (options.ignoreClaim ? null : liveLock(pointDir(sweepDir, id))) ?? liveLock(rd);
  if (lock) return { ...base, state: 'running', lockOwner: lock.owner };
  if (run?.status === 'failed' || (lastAttempt && lastAttempt.outcome === 'failed')) return { ...base, state: 'failed' };
  if (run && (run.status === 'running' || run.status === 'interrupted') && hasCheckpoint) return { ...base, state: 'interrupted' };
  return { ...base, state: 'pending' };
}

/**
 * One point, idempotently: the single code path behind `nlbgk sweep run-point`, the local
 * backend, the BullMQ worker and the studies.
 *
 *   1. Claim the point: points/<id>/nlbgk.lock (src/io/lock.ts), held until the attempt ends.
 *      Held by a live process → "busy" (BullMQ delays the job without using an attempt; SLURM
 *      and local skip it). This keeps two workers off one point even when a queue delivers a
 *      job twice, and covers the moment between deciding and the run taking its own lock.
 *   2. Decide from the run directory, under its lock (taken and released at once: the child
 *      `nlbgk run` / `resume` takes it for the run itself): done → skip; failed → skip unless
 *      retryFailed; interrupted (checkpoint) → resume; otherwise run (with --force over the
 *      files of an attempt that left no checkpoint).
 *   3. Execute (executors.ts), append the attempt to points/<id>/attempts.jsonl, release.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { acquireRunLock, EXIT_LOCKED, RunLockedError, type RunLock } from '../io/lock.js';
import { configFile, findPoint, pointDir, readSweep, runDir, type Sweep } from './manifest.js';
import { appendAttempt, pointStatus, type Attempt, type Outcome } from './state.js';
import type { ExecResult, Executor } from './executors.js';
import type { Problem } from '../simulation/problem.js';

export interface PointOptions {
  executor: Executor;
  /** Run points whose last attempt failed (numerical failure, bad input) again. */
  retryFailed?: boolean;
  /** Recorded in attempts.jsonl: local, pool, slurm, bullmq, study. */
  backend?: string;
  /** Recorded in attempts.jsonl (BullMQ job id, SLURM array job). */
  job?: string;
  signal?: AbortSignal;
  /** Called with the action before the run starts (progress reporting). */
  onStart?: (action: 'run' | 'resume') => void;
}

export interface PointResult {
  i: number;
  id: string;
  outcome: Outcome;
  action: 'run' | 'resume' | null;
  exit: number | null;
  signal: string | null;
  message?: string;
  wallSeconds: number;
  /** In-process runs: the problem that ran. */
  problem?: Problem;
  /** In-process runs: the exception of a failed run. */
  error?: unknown;
}

/** The outcome an exit status stands for (the CLI's contract; src/cli/main.ts, src/io/lock.ts). */
export function outcomeOf(r: Pick<ExecResult, 'exit' | 'signal'>): Outcome {
  if (r.exit === 0) return 'completed';
  if (r.exit === 1 || r.exit === 2) return 'failed';
  if (r.exit === EXIT_LOCKED) return 'busy';
  if (r.exit === 130 || r.exit === 143 || r.signal === 'SIGTERM' || r.signal === 'SIGINT') return 'interrupted';
  return 'error';
}

export async function runPoint(sweepOrDir: Sweep | string, ref: string | number, options: PointOptions): Promise<PointResult> {
  const sweep = typeof sweepOrDir === 'string' ? readSweep(sweepOrDir) : sweepOrDir;
  const { i, id } = findPoint(sweep, ref);
  const dir = sweep.dir;
  const t0 = performance.now();
  const result = (outcome: Outcome, extra: Partial<PointResult> = {}): PointResult => ({ i, id, outcome, action: null, exit: null, signal: null, wallSeconds: (performance.now() - t0) / 1000, ...extra });
  const command = `nlbgk sweep point ${i} (${options.backend ?? 'local'}${options.job ? ` job ${options.job}` : ''})`;

  let claim: RunLock;
  try {
    claim = acquireRunLock(pointDir(dir, id), { command });
  } catch (err) {
    if (err instanceof RunLockedError) return result('busy', { message: err.message });
    throw err;
  }
  try {
    const rd = runDir(dir, id);
    if (fs.existsSync(rd)) {
      try {
        acquireRunLock(rd, { command }).release();
      } catch (err) {
        if (err instanceof RunLockedError) return result('busy', { message: err.message });
        throw err;
      }
    }
    const st = pointStatus(dir, id, { ignoreClaim: true });
    if (st.state === 'done') return result('skipped', { message: 'done' });
    if (st.state === 'failed' && !options.retryFailed) return result('skipped', { message: `failed earlier (${st.run?.error ?? st.lastAttempt?.message ?? 'see attempts.jsonl'}); pass --retry-failed to run it again` });

    const nonEmpty = fs.existsSync(rd) && fs.readdirSync(rd).length > 0;
    let action: 'run' | 'resume' = st.state === 'interrupted' ? 'resume' : 'run';
    const exec = (a: 'run' | 'resume') => {
      options.onStart?.(a);
      return options.executor.exec({ action: a, configFile: configFile(dir, id), runDir: rd, force: nonEmpty }, { signal: options.signal, tick: () => claim.refresh() });
    };
    let r = await exec(action);
    let note = '';
    if (action === 'resume' && r.exit === 2) {
      // resume refused what it could not verify: the run is reproducible, start it over
      note = `resume refused (${r.message ?? 'exit status 2'}); started over. `;
      action = 'run';
      r = await exec(action);
    }
    const outcome = outcomeOf(r);
    const wall = (performance.now() - t0) / 1000;
    const message = r.message ? note + r.message : note || undefined;
    const attempt: Attempt = {
      at: new Date().toISOString(),
      host: os.hostname(),
      pid: process.pid,
      backend: options.backend ?? 'local',
      ...(options.job ? { job: options.job } : {}),
      action,
      outcome,
      exit: r.exit,
      signal: r.signal,
      wall_s: wall,
      ...(message ? { message } : {}),
    };
    if (outcome !== 'busy') appendAttempt(dir, id, attempt);
    return result(outcome, { action, exit: r.exit, signal: r.signal, message, problem: r.problem, error: r.error });
  } finally {
    claim.release();
  }
}

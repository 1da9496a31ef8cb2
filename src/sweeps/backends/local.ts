/**
 * The local backend (the default, no server): N points at a time on this machine, each through
 * `runPoint`. Three modes of execution:
 *
 *   spawn       each point a child process `nlbgk run` / `nlbgk resume` (isolation per point,
 *               ~0.7 s start-up each: for points of seconds and more)
 *   pool        N long-lived child processes that run points through the library one after the
 *               other (no start-up per point: for many tiny points)
 *   in-process  in this process, one at a time (the studies; jobs must be 1)
 *
 * Done points are skipped, interrupted ones resumed, failed ones skipped unless retryFailed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUTO_THREADS_ENV } from '../../solvers/parallel/pool.js';
import { readSweep, type Sweep } from '../manifest.js';
import { runPoint, type PointResult } from '../point.js';
import { pointStatus } from '../state.js';
import { inProcessExecutor, spawnExecutor } from '../executors.js';

export type LocalMode = 'spawn' | 'pool' | 'in-process';
export const LOCAL_MODES: readonly LocalMode[] = ['spawn', 'pool', 'in-process'];

export interface LocalOptions {
  jobs?: number;
  mode?: LocalMode;
  retryFailed?: boolean;
  /** Only these manifest indices (default: all). */
  indices?: readonly number[];
  /** Stop starting points; running ones get SIGTERM (spawn) or are killed (pool). */
  signal?: AbortSignal;
  onResult?: (r: PointResult) => void;
}

export interface LocalSummary {
  results: PointResult[];
  counts: Record<PointResult['outcome'], number>;
  /** Points not started because of the abort signal. */
  notStarted: number;
  wallSeconds: number;
}

const POOL_CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'poolChild.js');

/**
 * The environment of the runs of a sweep with `jobs` at a time: with several jobs, each run's automatic
 * solver thread count (compute.threads: auto) is capped at its share of the cores, so that the jobs' threads
 * do not oversubscribe the machine (an explicit compute.threads is kept).
 */
export function childEnvironment(jobs: number, cores = os.availableParallelism()): NodeJS.ProcessEnv {
  if (jobs <= 1) return process.env;
  return { ...process.env, [AUTO_THREADS_ENV]: String(Math.max(1, Math.floor(cores / jobs))) };
}

export async function runLocal(sweepOrDir: Sweep | string, options: LocalOptions = {}): Promise<LocalSummary> {
  const sweep = typeof sweepOrDir === 'string' ? readSweep(sweepOrDir) : sweepOrDir;
  const mode = options.mode ?? 'spawn';
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  if (mode === 'in-process' && jobs !== 1) throw new RangeError('in-process mode runs one point at a time (jobs = 1); use pool for more');
  const t0 = performance.now();
  const results: PointResult[] = [];
  const record = (r: PointResult) => {
    results.push(r);
    options.onResult?.(r);
  };
  // Points already settled are answered from their directories without claiming them.
  const queue: number[] = [];
  for (const i of options.indices ?? sweep.points.map((p) => p.i)) {
    const p = sweep.points[i];
    const st = pointStatus(sweep.dir, p.id);
    if (st.state === 'done') record({ i, id: p.id, outcome: 'skipped', action: null, exit: null, signal: null, message: 'done', wallSeconds: 0 });
    else if (st.state === 'failed' && !options.retryFailed) record({ i, id: p.id, outcome: 'skipped', action: null, exit: null, signal: null, message: 'failed earlier; pass --retry-failed to run it again', wallSeconds: 0 });
    else queue.push(i);
  }
  if (mode === 'pool' && queue.length > 0) await runPool(sweep, queue, Math.min(jobs, queue.length), options, record);
  else {
    const executor = mode === 'spawn' ? spawnExecutor({ env: childEnvironment(jobs) }) : inProcessExecutor();
    const backend = mode === 'spawn' ? 'local' : 'in-process';
    const worker = async () => {
      while (queue.length > 0 && !options.signal?.aborted) {
        const i = queue.shift()!;
        record(await runPoint(sweep, i, { executor, retryFailed: options.retryFailed, backend, signal: options.signal }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, queue.length)) }, worker));
  }
  const counts = { completed: 0, skipped: 0, busy: 0, failed: 0, interrupted: 0, error: 0 };
  for (const r of results) counts[r.outcome]++;
  return { results, counts, notStarted: queue.length, wallSeconds: (performance.now() - t0) / 1000 };
}

interface PoolMessage {
  result?: PointResult;
  fatal?: string;
}

/** N forked runners (poolChild.ts), each fed one point index at a time. */
async function runPool(sweep: Sweep, queue: number[], n: number, options: LocalOptions, record: (r: PointResult) => void): Promise<void> {
  const children = new Set<ChildProcess>();
  const onAbort = () => {
    for (const c of children) c.kill('SIGTERM');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const slot = () =>
    new Promise<void>((resolve, reject) => {
      let current: number | null = null;
      let child: ChildProcess;
      const next = () => {
        if (queue.length === 0 || options.signal?.aborted) {
          current = null;
          child.disconnect();
          return;
        }
        current = queue.shift()!;
        child.send({ dir: sweep.dir, i: current, retryFailed: options.retryFailed ?? false });
      };
      const start = () => {
        child = fork(POOL_CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', env: childEnvironment(n) });
        children.add(child);
        child.on('message', (m: PoolMessage) => {
          if (m.fatal) {
            reject(new Error(m.fatal));
            child.kill();
            return;
          }
          if (m.result) record(m.result);
          next();
        });
        child.on('exit', (code, signal) => {
          children.delete(child);
          if (current !== null) {
            // the runner died with a point in hand (killed, out of memory): record it, go on with a new runner
            const p = sweep.points[current];
            record({ i: current, id: p.id, outcome: options.signal?.aborted ? 'interrupted' : 'error', action: null, exit: code, signal, message: `runner process died (${signal ?? `exit status ${code}`})`, wallSeconds: 0 });
            current = null;
            if (queue.length > 0 && !options.signal?.aborted) {
              start();
              next();
              return;
            }
          }
          resolve();
        });
      };
      start();
      next();
    });
  try {
    await Promise.all(Array.from({ length: n }, slot));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    for (const c of children) c.kill('SIGTERM'); // only after a runner's fatal error: stop the others
  }
}

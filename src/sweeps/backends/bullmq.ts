/**
 * The BullMQ backend: a sweep's points as jobs in a BullMQ queue on Redis, processed by
 * `nlbgk worker` processes on any number of machines that see the sweep directory (a shared
 * filesystem). A job carries the sweep directory, the point index and its run id, nothing else:
 * configs, results and logs stay in the sweep directory.
 *
 *   job id      <sweep key>-<run id>   (adding an id that is queued already is a no-op)
 *   attempts    3, exponential backoff from 5 s, for crashes (an exit status outside the contract)
 *   failed      numerical failure or bad input (exit 1, 2): UnrecoverableError, no retry
 *   busy        another process holds the point (exit 75 or a live claim): the job is delayed
 *               without using an attempt
 *   stalled     a worker that dies loses its job lock; after lockDuration the job is stalled and
 *               another worker takes it, resuming the run from its checkpoint (a stall is not an
 *               attempt; after maxStalledCount stalls the job fails)
 *
 * Each point runs as a child process (spawnExecutor): the worker's event loop stays free to renew
 * job locks however long the run computes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue, Worker, DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { redact, redisOptions, RedisUrlError } from './redisUrl.js';

export { redact, redisOptions, RedisUrlError };
import { configFile, findPoint, readSweep, runDir, type Sweep } from '../manifest.js';
import { isRunId } from '../ids.js';
import { runPoint, type PointResult } from '../point.js';
import { pointStatus } from '../state.js';
import { spawnExecutor } from '../executors.js';
import { parseSeriesNumber, readSeriesEnds } from '../collect.js';

export const DEFAULT_QUEUE = 'nlbgk';

/** Connect once, PING and quit: a clear error for a wrong address or password, before BullMQ retries forever. */
export async function checkRedis(url: string): Promise<void> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let first: Error | null = null; // the cause (WRONGPASS, ENOENT) comes as an 'error' event before "Connection is closed"
  client.on('error', (e: Error) => (first ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const m = (first ?? (err as Error)).message;
    const hint = /NOAUTH|WRONGPASS|invalid password|invalid username/i.test(m) ? ' (check the password in the URL or NLBGK_REDIS_PASSWORD)' : '';
    throw new RedisUrlError(`cannot use Redis at ${redact(url)}: ${m}${hint}`);
  } finally {
    client.disconnect();
  }
}

export interface JobData {
  v: 1;
  dir: string;
  i: number;
  id: string;
  retryFailed?: boolean;
}

export const jobId = (sweep: Sweep, id: string) => `${sweep.meta.key}-${id}`;

export interface EnqueueOptions {
  redis: string;
  queue?: string;
  retryFailed?: boolean;
  attempts?: number;
  /** Cap on running jobs of the queue over all workers (BullMQ global concurrency). */
  globalConcurrency?: number;
}

export interface EnqueueSummary {
  added: number;
  /** Already waiting, delayed or active in the queue. */
  queued: number;
  done: number;
  failed: number;
}

/** Add every point that is not done (nor failed, unless retryFailed) to the queue. */
export async function enqueueSweep(sweepOrDir: Sweep | string, options: EnqueueOptions): Promise<EnqueueSummary> {
  const sweep = typeof sweepOrDir === 'string' ? readSweep(sweepOrDir) : sweepOrDir;
  await checkRedis(options.redis);
  const queue = new Queue<JobData, unknown, 'point'>(options.queue ?? DEFAULT_QUEUE, { connection: redisOptions(options.redis) });
  try {
    if (options.globalConcurrency) await queue.setGlobalConcurrency(options.globalConcurrency);
    const summary: EnqueueSummary = { added: 0, queued: 0, done: 0, failed: 0 };
    const candidates = sweep.points.filter((p) => {
      const s = pointStatus(sweep.dir, p.id).state;
      if (s === 'done') summary.done++;
      else if (s === 'failed' && !options.retryFailed) summary.failed++;
      else return true;
      return false;
    });
    const toAdd: typeof candidates = [];
    for (let k = 0; k < candidates.length; k += 500) {
      const batch = candidates.slice(k, k + 500);
      const states = await Promise.all(batch.map(async (p) => (await queue.getJob(jobId(sweep, p.id)))?.getState() ?? null));
      for (let j = 0; j < batch.length; j++) {
        const st = states[j];
        if (st === 'completed' || st === 'failed') {
          // a finished job of an earlier round: its id would be ignored by add, so make room
          await queue.remove(jobId(sweep, batch[j].id));
          toAdd.push(batch[j]);
        } else if (st !== null && st !== 'unknown') summary.queued++;
        else toAdd.push(batch[j]);
      }
    }
    const opts = {
      attempts: options.attempts ?? 3,
      backoff: { type: 'exponential' as const, delay: 5000 },
      removeOnComplete: { count: 10_000 },
      removeOnFail: false,
    };
    for (let k = 0; k < toAdd.length; k += 1000) {
      await queue.addBulk(
        toAdd.slice(k, k + 1000).map((p) => ({
          name: 'point',
          data: { v: 1 as const, dir: sweep.dir, i: p.i, id: p.id, ...(options.retryFailed ? { retryFailed: true } : {}) },
          opts: { ...opts, jobId: jobId(sweep, p.id) },
        })),
      );
    }
    summary.added = toAdd.length;
    return summary;
  } finally {
    await queue.close();
  }
}

export type QueueCounts = Record<string, number>;

export async function queueCounts(redis: string, name = DEFAULT_QUEUE): Promise<QueueCounts> {
  await checkRedis(redis);
  const queue = new Queue(name, { connection: redisOptions(redis) });
  try {
    return await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'waiting-children');
  } finally {
    await queue.close();
  }
}

export interface WorkerOptions {
  redis: string;
  queue?: string;
  /** Points at a time in this worker (default: the number of CPUs). */
  concurrency?: number;
  /** BullMQ job lock (ms): a dead worker's job is taken over after about this long. Default 30000. */
  lockDuration?: number;
  /** How often stalled jobs are looked for (ms). Default 30000. */
  stalledInterval?: number;
  maxStalledCount?: number;
  /** Delay of a job whose point is busy elsewhere (ms). Default 5000. */
  busyDelay?: number;
  log?: (line: string) => void;
}

export interface RunningWorker {
  worker: Worker<JobData>;
  /** Stop taking jobs, send SIGTERM to running points (they checkpoint), put their jobs back, close. */
  close(): Promise<void>;
}

function validJobData(d: unknown): d is JobData {
  const x = d as JobData;
  return !!x && x.v === 1 && typeof x.dir === 'string' && path.isAbsolute(x.dir) && Number.isInteger(x.i) && typeof x.id === 'string' && isRunId(x.id);
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  await checkRedis(options.redis);
  const log = options.log ?? (() => {});
  const executor = spawnExecutor();
  const running = new Set<AbortController>();
  let closing = false;
  const busyDelay = options.busyDelay ?? 5000;

  const processor = async (job: Job<JobData>, token?: string) => {
    const d = job.data;
    if (!validJobData(d)) throw new UnrecoverableError(`job ${job.id}: unexpected data (expected {v: 1, dir, i, id}); was it queued by another program?`);
    let sweep: Sweep;
    try {
      sweep = readSweep(d.dir);
      const p = findPoint(sweep, d.id);
      if (p.i !== d.i) throw new Error(`point ${d.id} has index ${p.i} in the sweep now, the job says ${d.i} (the sweep was re-planned)`);
    } catch (err) {
      throw new UnrecoverableError(`sweep ${d.dir} on ${os.hostname()}: ${(err as Error).message}`);
    }
    const abort = new AbortController();
    running.add(abort);
    let end = Number.NaN;
    try {
      end = JSON.parse(fs.readFileSync(configFile(d.dir, d.id), 'utf8')).time.end;
    } catch {
      // progress stays unknown
    }
    const series = path.join(runDir(d.dir, d.id), 'series.csv');
    const progress = setInterval(() => {
      const last = readSeriesEnds(series)?.last;
      if (last && end > 0) job.updateProgress({ percent: Math.min(100, Math.round((1000 * parseSeriesNumber(last[0])) / end) / 10) }).catch(() => {});
    }, 2000);
    let r: PointResult;
    try {
      r = await runPoint(sweep, d.id, { executor, retryFailed: d.retryFailed, backend: 'bullmq', job: job.id, signal: abort.signal });
    } finally {
      clearInterval(progress);
      running.delete(abort);
    }
    const what = `point ${r.i} (${r.id})`;
    switch (r.outcome) {
      case 'completed':
      case 'skipped':
        log(`${what} ${r.outcome}${r.outcome === 'completed' ? ` in ${r.wallSeconds.toFixed(1)} s` : `: ${r.message}`}`);
        await job.updateProgress({ percent: 100 }).catch(() => {});
        return { outcome: r.outcome };
      case 'busy':
        log(`${what} busy elsewhere; delayed ${busyDelay / 1000} s`);
        await job.moveToDelayed(Date.now() + busyDelay, token);
        throw new DelayedError();
      case 'interrupted':
        if (closing) {
          log(`${what} interrupted by shutdown; back to the queue`);
          await job.moveToDelayed(Date.now() + 1000, token);
          throw new DelayedError();
        }
        throw new Error(`${what} interrupted: ${r.message}`);
      case 'failed':
        log(`${what} failed: ${r.message}`);
        throw new UnrecoverableError(`${what}: ${r.message}`);
      default:
        log(`${what} crashed: ${r.message}`);
        throw new Error(`${what}: ${r.message}`);
    }
  };

  const worker = new Worker<JobData>(options.queue ?? DEFAULT_QUEUE, processor, {
    connection: { ...redisOptions(options.redis), maxRetriesPerRequest: null },
    concurrency: options.concurrency ?? os.availableParallelism(),
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 3,
  });
  worker.on('error', (err) => log(`redis: ${err.message}`));
  worker.on('stalled', (id) => log(`job ${id} stalled (its worker stopped renewing the lock); it goes back to the queue`));
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      closing = true;
      const closed = worker.close();
      for (const a of running) a.abort();
      await closed;
    },
  };
}

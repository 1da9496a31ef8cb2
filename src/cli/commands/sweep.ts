/**
 * `nlbgk sweep plan|run|run-point|collect|status` (docs/sweeps.md): parameter studies over the
 * local machine, a BullMQ queue on Redis, or a SLURM cluster, all through one idempotent
 * `run-point`. The sweep modules are imported when a sweep command runs, so that `nlbgk run`
 * (which sweeps spawn once per point) does not pay for BullMQ or Parquet at start-up.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { CheckFailure, UsageError, type Io } from '../io.js';

/** The sweep layer's input errors become exit status 2 with their one-line messages. */
export async function asUsage<T>(fn: () => Promise<T>): Promise<T> {
  const [{ SweepSpecError }, { SweepDirError }, { RedisUrlError }, { SlurmError }] = await Promise.all([
    import('../../sweeps/spec.js'),
    import('../../sweeps/manifest.js'),
    import('../../sweeps/backends/redisUrl.js'),
    import('../../sweeps/backends/slurm.js'),
  ]);
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SweepSpecError) throw new UsageError(err.issues.map((i) => `invalid sweep spec: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\nnlbgk: '));
    if (err instanceof SweepDirError || err instanceof RedisUrlError || err instanceof SlurmError) throw new UsageError(err.message);
    throw err;
  }
}

export function intOption(name: string, text: string | undefined, min: number, max = 1e9): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (!Number.isInteger(x) || x < min || x > max) throw new UsageError(`--${name} ${text}: expected an integer in [${min}, ${max}]`);
  return x;
}

export function redisUrl(opt: string | undefined): string {
  const url = opt ?? process.env.NLBGK_REDIS_URL;
  if (!url) throw new UsageError('--redis URL is required (or set NLBGK_REDIS_URL), e.g. redis://:PASSWORD@127.0.0.1:6379 or unix:///run/redis/redis.sock');
  return url;
}

/** Abort on SIGINT/SIGTERM while `fn` runs (children get SIGTERM and checkpoint); handlers removed after. */
async function withSignals<T>(fn: (signal: AbortSignal) => Promise<T>, io: Io): Promise<T> {
  const ac = new AbortController();
  const on = (sig: NodeJS.Signals) => {
    if (!ac.signal.aborted) io.err(`nlbgk: ${sig}: stopping (running points get SIGTERM; rerun to continue)\n`);
    ac.abort();
  };
  const onInt = () => on('SIGINT');
  const onTerm = () => on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await fn(ac.signal);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

interface RunOpts {
  backend: string;
  jobs?: string;
  mode: string;
  retryFailed: boolean;
  collect: boolean;
  redis?: string;
  queue: string;
  attempts?: string;
  globalConcurrency?: string;
  maxArraySize?: string;
  throttle?: string;
  partition?: string;
  account?: string;
  time?: string;
  cpusPerTask?: string;
  mem?: string;
  submit: boolean;
  quiet: boolean;
}

export function register(program: Command, io: Io): void {
  const sweep = program.command('sweep').description('Parameter sweeps: plan a spec into run directories named by content, run them locally, on BullMQ workers or on SLURM, collect one table (docs/sweeps.md)');

  sweep
    .command('plan')
    .description('Expand SPEC (base config + grid, zip, points, random) into DIR: one resolved config per point, sweep.json, sweep.jsonl. Re-planning keeps every run directory')
    .argument('<spec>', 'sweep spec, YAML or JSON')
    .requiredOption('-o, --out <dir>', 'sweep directory: new, empty, or a sweep planned before (required)')
    .option('--max-points <n>', 'refuse a spec that expands to more points', '10000')
    .action((file: string, opts: { out: string; maxPoints: string }) =>
      asUsage(async () => {
        const { parseSweepSpec } = await import('../../sweeps/spec.js');
        const { planSweep, writePlan } = await import('../../sweeps/plan.js');
        let text: string;
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch (err) {
          throw new UsageError(`cannot read spec ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        const spec = parseSweepSpec(text, path.dirname(path.resolve(file)));
        const plan = planSweep(spec, intOption('max-points', opts.maxPoints, 1, 1e7));
        const w = writePlan(opts.out, plan, file);
        io.out(
          `nlbgk: planned ${w.points} points${plan.duplicates ? ` (${plan.duplicates} duplicate${plan.duplicates === 1 ? '' : 's'} collapsed)` : ''} in ${opts.out}/: ${w.fresh} new, ${w.points - w.fresh} with a run directory${w.orphans ? `; ${w.orphans} run director${w.orphans === 1 ? 'y' : 'ies'} of earlier plans kept, not collected` : ''}\n`,
        );
      }),
    );

  sweep
    .command('run')
    .description('Run the points of DIR that are not done: locally (default), by BullMQ workers (--backend bullmq) or as SLURM job arrays (--backend slurm)')
    .argument('<dir>', 'a planned sweep directory')
    .option('-b, --backend <name>', 'local, bullmq or slurm', 'local')
    .option('-j, --jobs <n>', 'local: points at a time (default: the number of CPUs)')
    .option('--mode <mode>', 'local: spawn (one nlbgk process per point), pool (N long-lived runners, for many tiny points) or in-process (one at a time)', 'spawn')
    .option('--retry-failed', 'also run points whose last attempt failed', false)
    .option('--no-collect', 'local: do not write results.csv/.parquet at the end')
    .option('--redis <url>', 'bullmq: redis://[:password@]host:port[/db], rediss://…, unix:///path/redis.sock (default: $NLBGK_REDIS_URL)')
    .option('--queue <name>', 'bullmq: queue name', 'nlbgk')
    .option('--attempts <n>', 'bullmq: attempts per point for crashes (numerical failures are not retried)')
    .option('--global-concurrency <n>', 'bullmq: at most this many points running over all workers')
    .option('--max-array-size <n>', 'slurm: tasks per array (default: MaxArraySize from scontrol show config)')
    .option('--throttle <k>', 'slurm: at most K tasks of an array at a time (%K)')
    .option('--partition <p>', 'slurm: partition')
    .option('--account <a>', 'slurm: account')
    .option('--time <t>', 'slurm: wall time per point, e.g. 2:00:00 (tasks get SIGTERM 300 s before it and checkpoint)')
    .option('--cpus-per-task <n>', 'slurm: CPUs per point', '1')
    .option('--mem <m>', 'slurm: memory per point, e.g. 4G')
    .option('--no-submit', 'slurm: write the scripts only and print how to submit them')
    .option('-q, --quiet', 'no progress bar', false)
    .action((dir: string, opts: RunOpts) =>
      asUsage(async () => {
        const { readSweep } = await import('../../sweeps/manifest.js');
        const s = readSweep(dir);
        if (opts.backend === 'local') return runLocalCli(s, opts, io);
        if (opts.backend === 'bullmq') {
          const { enqueueSweep, redact } = await import('../../sweeps/backends/bullmq.js');
          const url = redisUrl(opts.redis);
          const r = await enqueueSweep(s, {
            redis: url,
            queue: opts.queue,
            retryFailed: opts.retryFailed,
            attempts: intOption('attempts', opts.attempts, 1, 100),
            globalConcurrency: intOption('global-concurrency', opts.globalConcurrency, 1, 1e6),
          });
          io.out(
            `nlbgk: queue ${opts.queue} on ${redact(url)}: ${r.added} point(s) added, ${r.queued} already queued, ${r.done} done${r.failed ? `, ${r.failed} failed (--retry-failed to rerun)` : ''}\n` +
              `nlbgk: start workers with: nlbgk worker --redis URL --queue ${opts.queue}; follow with: nlbgk sweep status ${dir} --redis URL\n`,
          );
          return;
        }
        if (opts.backend === 'slurm') {
          const slurm = await import('../../sweeps/backends/slurm.js');
          const points = slurm.pointsToSubmit(s, opts.retryFailed);
          if (points.length === 0) {
            io.out(`nlbgk: nothing to submit: all ${s.points.length} points are done${opts.retryFailed ? '' : ' or failed (--retry-failed to rerun failed ones)'}; nlbgk sweep collect ${dir} gathers the table\n`);
            return;
          }
          const sub = slurm.writeSlurmSubmission(s, points, {
            maxArraySize: intOption('max-array-size', opts.maxArraySize, 1, 1e7),
            throttle: intOption('throttle', opts.throttle, 1, 1e6),
            partition: opts.partition,
            account: opts.account,
            time: opts.time,
            cpusPerTask: intOption('cpus-per-task', opts.cpusPerTask, 1, 4096),
            mem: opts.mem,
            retryFailed: opts.retryFailed,
          });
          const sizes = sub.chunks.map((c) => c.count).join(' + ');
          if (!opts.submit) {
            io.out(`nlbgk: wrote ${sub.dir}/ for ${points.length} points (arrays of ${sizes}); submit with: bash ${sub.files.submit}\n`);
            return;
          }
          const jobs = slurm.submitSlurm(sub);
          io.out(`nlbgk: submitted ${points.length} points as array job(s) ${jobs.arrayJobs.join(', ')} (${sizes} tasks), collect job ${jobs.collectJob}; logs in ${sub.files.logs}/\n`);
          return;
        }
        throw new UsageError(`--backend ${opts.backend}: expected local, bullmq or slurm`);
      }),
    );

  sweep
    .command('run-point')
    .description('Run one point of DIR (what SLURM tasks and workers run): skip it when done, resume it when interrupted, run it otherwise. Exit 0 also when another process holds it')
    .argument('<dir>', 'a planned sweep directory')
    .argument('<point>', 'point index (line of sweep.jsonl, from 0) or run id')
    .option('--retry-failed', 'run the point even if its last attempt failed', false)
    .option('--backend <name>', 'recorded in attempts.jsonl', 'local')
    .option('--job <id>', 'job id recorded in attempts.jsonl')
    .option('--in-process', 'run in this process instead of a child nlbgk process', false)
    .action((dir: string, ref: string, opts: { retryFailed: boolean; backend: string; job?: string; inProcess: boolean }) =>
      asUsage(async () => {
        const { runPoint } = await import('../../sweeps/point.js');
        const { spawnExecutor, inProcessExecutor } = await import('../../sweeps/executors.js');
        const r = await withSignals(
          (signal) => runPoint(dir, ref, { executor: opts.inProcess ? inProcessExecutor() : spawnExecutor(), retryFailed: opts.retryFailed, backend: opts.backend, job: opts.job || undefined, signal }),
          io,
        );
        const what = `point ${r.i} (${r.id})`;
        switch (r.outcome) {
          case 'completed':
            io.out(`nlbgk: ${what} completed (${r.action}) in ${r.wallSeconds.toFixed(2)} s\n`);
            return;
          case 'skipped':
            io.out(`nlbgk: ${what} skipped: ${r.message}\n`);
            return;
          case 'busy':
            io.out(`nlbgk: ${what} skipped: busy (${r.message})\n`);
            return;
          case 'failed':
            if (r.exit === 2) throw new UsageError(`${what} failed: ${r.message}`);
            throw new CheckFailure(`${what} failed: ${r.message}`);
          case 'interrupted':
            throw new CheckFailure(`${what} interrupted (${r.message}); the next attempt resumes from its checkpoint`);
          default:
            throw new CheckFailure(`${what} crashed: ${r.message}`);
        }
      }),
    );

  sweep
    .command('collect')
    .description('Gather one row per point (parameters, status, wall time, steps, last row of series.csv) into DIR/results.csv and DIR/results.parquet, the columns in results.schema.json')
    .argument('<dir>', 'a planned sweep directory')
    .action((dir: string) =>
      asUsage(async () => {
        const { writeResults } = await import('../../sweeps/collect.js');
        const r = writeResults(dir);
        io.out(`nlbgk: ${r.rows} rows (${Object.entries(r.counts).map(([k, n]) => `${n} ${k}`).join(', ')}) in ${dir}/results.csv, results.parquet, results.schema.json\n`);
      }),
    );

  sweep
    .command('status')
    .description('Points of DIR by state (done, failed, interrupted, running, pending), read from its directories; with --redis also the BullMQ queue counts')
    .argument('<dir>', 'a planned sweep directory')
    .option('--redis <url>', 'also show the counts of the BullMQ queue (default: $NLBGK_REDIS_URL when set)')
    .option('--queue <name>', 'queue name', 'nlbgk')
    .option('--json', 'print JSON', false)
    .action((dir: string, opts: { redis?: string; queue: string; json: boolean }) =>
      asUsage(async () => {
        const { sweepStatus } = await import('../../sweeps/status.js');
        const st = sweepStatus(dir);
        const url = opts.redis ?? process.env.NLBGK_REDIS_URL;
        let queue: Record<string, number> | null = null;
        if (url) {
          const { queueCounts } = await import('../../sweeps/backends/bullmq.js');
          queue = await queueCounts(url, opts.queue);
        }
        if (opts.json) {
          io.out(JSON.stringify({ ...st, ...(queue ? { queue: { name: opts.queue, counts: queue } } : {}) }, null, 2) + '\n');
          return;
        }
        const lines = [`sweep ${st.name}: ${st.total} points`];
        for (const [k, n] of Object.entries(st.counts)) lines.push(`  ${k.padEnd(12)}${String(n).padStart(7)}`);
        for (const r of st.running.slice(0, 10)) lines.push(`running: point ${r.i} (${r.id}) by ${r.holder}`);
        for (const f of st.failures) lines.push(`failed: point ${f.i} (${f.id}): ${f.message}`);
        if (queue) lines.push(`queue ${opts.queue} (all sweeps in it): ${Object.entries(queue).map(([k, n]) => `${k} ${n}`).join(', ')}`);
        io.out(lines.join('\n') + '\n');
      }),
    );
}

async function runLocalCli(s: import('../../sweeps/manifest.js').Sweep, opts: RunOpts, io: Io): Promise<void> {
  const { runLocal, LOCAL_MODES } = await import('../../sweeps/backends/local.js');
  const { writeResults } = await import('../../sweeps/collect.js');
  const os = await import('node:os');
  if (!(LOCAL_MODES as readonly string[]).includes(opts.mode)) throw new UsageError(`--mode ${opts.mode}: expected ${LOCAL_MODES.join(', ')}`);
  const mode = opts.mode as (typeof LOCAL_MODES)[number];
  const jobs = intOption('jobs', opts.jobs, 1, 4096) ?? (mode === 'in-process' ? 1 : os.availableParallelism());
  if (mode === 'in-process' && jobs !== 1) throw new UsageError('--mode in-process runs one point at a time: use --jobs 1, or --mode pool');
  const cliProgress = (await import('cli-progress')).default;
  const bar = !opts.quiet && process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'sweep |{bar}| {value}/{total} points | {failed} failed | eta {eta_formatted}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : null;
  let seen = 0;
  let failed = 0;
  bar?.start(s.points.length, 0, { failed: 0 });
  const summary = await withSignals(
    (signal) =>
      runLocal(s, {
        jobs,
        mode,
        retryFailed: opts.retryFailed,
        signal,
        onResult: (r) => {
          seen++;
          if (r.outcome === 'failed' || r.outcome === 'error') {
            failed++;
            bar?.stop();
            io.err(`nlbgk: point ${r.i} (${r.id}) ${r.outcome === 'failed' ? 'failed' : 'crashed'}: ${r.message}\n`);
            bar?.start(s.points.length, seen, { failed });
          }
          bar?.update(seen, { failed });
        },
      }),
    io,
  );
  bar?.stop();
  const c = summary.counts;
  io.out(
    `nlbgk: ${s.points.length} points in ${summary.wallSeconds.toFixed(1)} s (${mode}, ${jobs} job${jobs === 1 ? '' : 's'}): ${c.completed} completed, ${c.skipped} skipped (done or failed earlier), ${c.failed} failed, ${c.error} crashed, ${c.busy} busy elsewhere${c.interrupted ? `, ${c.interrupted} interrupted` : ''}${summary.notStarted ? `, ${summary.notStarted} not started` : ''}\n`,
  );
  if (opts.collect) {
    const r = writeResults(s);
    io.out(`nlbgk: results in ${s.dir}/results.csv and results.parquet (${Object.entries(r.counts).map(([k, n]) => `${n} ${k}`).join(', ')})\n`);
  }
  if (summary.notStarted > 0 || c.interrupted > 0) throw new CheckFailure(`interrupted: rerun nlbgk sweep run ${s.dir} to continue (done points are skipped, interrupted ones resume)`);
  if (c.failed + c.error > 0) throw new CheckFailure(`${c.failed + c.error} point(s) failed; see nlbgk sweep status ${s.dir} (rerun with --retry-failed to try them again)`);
}

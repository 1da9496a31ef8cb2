/**
 * `nlbgk worker --redis URL`: process sweep points queued by `nlbgk sweep run DIR --backend
 * bullmq`, on any machine that sees the sweep directories (docs/sweeps.md). Runs until SIGTERM or
 * SIGINT: then running points get SIGTERM (they checkpoint), their jobs go back to the queue
 * without using an attempt, and the worker exits 0.
 */
import type { Command } from 'commander';
import * as os from 'node:os';
import type { Io } from '../io.js';
import { asUsage, intOption, redisUrl } from './sweep.js';

export function register(program: Command, io: Io): void {
  program
    .command('worker')
    .description('Process sweep points from a BullMQ queue on Redis until stopped (SIGTERM/SIGINT put running points back, checkpointed)')
    .option('--redis <url>', 'redis://[:password@]host:port[/db], rediss://…, unix:///path/redis.sock (default: $NLBGK_REDIS_URL; password also from $NLBGK_REDIS_PASSWORD)')
    .option('--queue <name>', 'queue name', 'nlbgk')
    .option('-c, --concurrency <n>', `points at a time (default: the number of CPUs, ${os.availableParallelism()} here)`)
    .option('--lock-duration <ms>', 'job lock: a dead worker\'s point is taken over after about this long', '30000')
    .option('--stalled-interval <ms>', 'how often to look for stalled jobs', '30000')
    .option('--max-stalled-count <n>', 'stalls after which a job fails', '3')
    .option('--busy-delay <ms>', 'delay of a point held by another process', '5000')
    .action((opts: { redis?: string; queue: string; concurrency?: string; lockDuration: string; stalledInterval: string; maxStalledCount: string; busyDelay: string }) =>
      asUsage(async () => {
        const { startWorker, redact } = await import('../../sweeps/backends/bullmq.js');
        const url = redisUrl(opts.redis);
        const log = (line: string) => io.err(`${new Date().toISOString()} nlbgk worker ${os.hostname()}:${process.pid}: ${line}\n`);
        const concurrency = intOption('concurrency', opts.concurrency, 1, 4096) ?? os.availableParallelism();
        const w = await startWorker({
          redis: url,
          queue: opts.queue,
          concurrency,
          lockDuration: intOption('lock-duration', opts.lockDuration, 100, 1e8),
          stalledInterval: intOption('stalled-interval', opts.stalledInterval, 100, 1e8),
          maxStalledCount: intOption('max-stalled-count', opts.maxStalledCount, 0, 1000),
          busyDelay: intOption('busy-delay', opts.busyDelay, 0, 1e8),
          log,
        });
        log(`ready: queue ${opts.queue} on ${redact(url)}, concurrency ${concurrency}`);
        await new Promise<void>((resolve) => {
          const stop = (sig: string) => {
            log(`${sig}: stopping (running points get SIGTERM and go back to the queue)`);
            process.off('SIGINT', onInt);
            process.off('SIGTERM', onTerm);
            w.close().then(resolve, resolve);
          };
          const onInt = () => stop('SIGINT');
          const onTerm = () => stop('SIGTERM');
          process.on('SIGINT', onInt);
          process.on('SIGTERM', onTerm);
        });
        log('stopped');
      }),
    );
}

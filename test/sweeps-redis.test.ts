/**
 * The BullMQ backend against a real Debian redis-server, started here on a unix socket in a
 * temporary directory with a password (no TCP port at all): two `nlbgk worker` processes, one
 * killed with SIGKILL (its whole process group, the running nlbgk child included) in the middle
 * of a point; every point must complete exactly once and match the local backend byte for byte.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { readSweep, runDir, pointDir } from '../src/sweeps/manifest.js';
import { readAttempts } from '../src/sweeps/state.js';
import { sweepStatus } from '../src/sweeps/status.js';
import { runLocal } from '../src/sweeps/backends/local.js';
import { collectResults } from '../src/sweeps/collect.js';
import { redisOptions } from '../src/sweeps/backends/redisUrl.js';
import { jobId } from '../src/sweeps/backends/bullmq.js';
import { missingPackages, which } from './support/system.js';
import { CLI, cli, sameResults, slowBase, tmp, waitFor, writeSpec } from './support/sweeps.js';

const skip = missingPackages('a Redis server', { 'redis-server': 'redis-server' });

let server: ChildProcess | null = null;
let serverDir = '';
let url = '';
const password = randomBytes(12).toString('hex');

before(async () => {
  if (skip) return;
  serverDir = tmp('nlbgk-redis-');
  const sock = path.join(serverDir, 'redis.sock');
  // --port 0: no TCP listener; the socket is private to this user (700); nothing persisted
  server = spawn(which('redis-server')!, ['--port', '0', '--unixsocket', sock, '--unixsocketperm', '700', '--requirepass', password, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dir', serverDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  process.on('exit', () => server?.kill('SIGKILL')); // should the test process end without its after hook
  let log = '';
  server.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor(`redis-server to accept connections (log: ${log})`, () => /ready to accept connections/i.test(log), 10_000, 20);
  url = `unix://:${password}@${sock}`;
});

after(async () => {
  if (!server) return;
  const exited = new Promise((r) => server!.on('exit', r));
  server.kill('SIGTERM');
  await exited;
  fs.rmSync(serverDir, { recursive: true, force: true });
});

interface WorkerProc {
  proc: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

function startWorker(): WorkerProc {
  // a process group of its own, so that the test can kill the worker together with its nlbgk children
  const proc = spawn(process.execPath, [CLI, 'worker', '--redis', url, '--queue', 'test', '--concurrency', '1', '--lock-duration', '2000', '--stalled-interval', '1000', '--busy-delay', '500'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  process.on('exit', () => {
    try {
      if (proc.exitCode === null && proc.signalCode === null) process.kill(-proc.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  let log = '';
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, log: () => log, exited };
}

test('BullMQ: a wrong password or an unreachable server is exit 2 with one line, the password not shown', { skip }, async () => {
  const wrong = url.replace(password, 'not-the-password');
  const r = await cli(['worker', '--redis', wrong, '--queue', 'test']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^nlbgk: cannot use Redis at unix:\/\/:\*\*\*@.*redis\.sock: .*(WRONGPASS|invalid).*\(check the password/);
  assert.ok(!r.stderr.includes('not-the-password'));
  const none = await cli(['worker', '--redis', `unix://${serverDir}/nope.sock`]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /cannot use Redis at unix:\/\/.*nope\.sock: .*ENOENT/);
});

test('BullMQ: two workers, one SIGKILLed mid-point; every point completed exactly once, identical to the local backend', { skip, timeout: 120_000 }, async (t) => {
  const dir = tmp();
  const spec = writeSpec(dir, { name: 'redis', base: slowBase(0.4), grid: { 'model.alpha': [0.5, 1, 2, 3] } });
  const out = path.join(dir, 'sw');
  assert.equal((await cli(['sweep', 'plan', spec, '--out', out])).status, 0);
  const sw = readSweep(out);

  const connection = redisOptions(url);
  const events = new QueueEvents('test', { connection });
  await events.waitUntilReady();
  const completed = new Map<string, number>();
  const failed: string[] = [];
  events.on('completed', ({ jobId: id }) => completed.set(id, (completed.get(id) ?? 0) + 1));
  events.on('failed', ({ jobId: id, failedReason }) => failed.push(`${id}: ${failedReason}`));

  const t0 = performance.now();
  const a = startWorker();
  const b = startWorker();
  const enq = await cli(['sweep', 'run', out, '--backend', 'bullmq', '--redis', url, '--queue', 'test']);
  assert.equal(enq.status, 0, enq.stderr);
  assert.match(enq.stdout, /queue test on unix:\/\/:\*\*\*@.*: 4 point\(s\) added, 0 already queued, 0 done/);
  assert.ok(!enq.stdout.includes(password));

  // kill A while it runs a point that has written a checkpoint
  const victim = await waitFor(
    'worker A to be in the middle of a point',
    () =>
      sw.points.find((p) => {
        try {
          const owner = JSON.parse(fs.readFileSync(path.join(pointDir(out, p.id), 'nlbgk.lock'), 'utf8'));
          return owner.pid === a.proc.pid && fs.existsSync(path.join(runDir(out, p.id), 'checkpoint.bin'));
        } catch {
          return false;
        }
      }),
    60_000,
    20,
  );
  process.kill(-a.proc.pid!, 'SIGKILL');
  assert.equal(await a.exited, null);
  const killedAt = performance.now();

  await waitFor('all points done', () => sweepStatus(out).counts.done === 4, 90_000, 200);
  const wall = (performance.now() - t0) / 1000;
  t.diagnostic(`4 points over 2 workers with one SIGKILL: ${wall.toFixed(1)} s; the killed point was finished ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
  await waitFor('4 completed events', () => completed.size === 4, 10_000, 50);

  // exactly once: one completed job per point, one completed attempt per point, nothing failed
  assert.deepEqual(failed, []);
  for (const p of sw.points) {
    assert.equal(completed.get(jobId(sw, p.id)), 1, `point ${p.i}: completed events`);
    const done = readAttempts(out, p.id).filter((x) => x.outcome === 'completed');
    assert.equal(done.length, 1, `point ${p.i}: ${JSON.stringify(readAttempts(out, p.id))}`);
    assert.equal(done[0].backend, 'bullmq');
  }
  const resumed = readAttempts(out, victim.id).find((x) => x.outcome === 'completed')!;
  assert.equal(resumed.pid, b.proc.pid, 'the surviving worker finished the killed point');
  assert.equal(resumed.action, 'resume', 'from the checkpoint the killed run left');
  assert.equal(JSON.parse(fs.readFileSync(path.join(runDir(out, victim.id), 'run.json'), 'utf8')).resumes, 1);
  assert.match(b.log(), /job \S+ stalled/, b.log());

  // only point ids travel through Redis
  const queue = new Queue('test', { connection });
  const job = await queue.getJob(jobId(sw, sw.points[0].id));
  assert.deepEqual(Object.keys(job!.data).sort(), ['dir', 'i', 'id', 'v']);
  assert.deepEqual(job!.returnvalue, { outcome: 'completed' });
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  assert.deepEqual(counts, { waiting: 0, active: 0, delayed: 0, completed: 4, failed: 0 });
  await queue.close();
  await events.close();

  // the same spec on the local backend: the same bytes
  const local = path.join(dir, 'local');
  assert.equal((await cli(['sweep', 'plan', spec, '--out', local])).status, 0);
  assert.equal((await runLocal(local, { mode: 'pool', jobs: 2 })).counts.completed, 4);
  for (const p of sw.points) assert.equal(sameResults(runDir(out, p.id), runDir(local, p.id)), null);
  const strip = (rows: Record<string, unknown>[]) => rows.map(({ wall_s: _w, attempts: _a, resumes: _r, ...rest }) => rest);
  assert.deepEqual(strip(collectResults(out).rows), strip(collectResults(local).rows));

  // a second enqueue adds nothing; status shows the queue; SIGTERM stops B cleanly
  const again = await cli(['sweep', 'run', out, '--backend', 'bullmq', '--redis', url, '--queue', 'test']);
  assert.match(again.stdout, /0 point\(s\) added, 0 already queued, 4 done/);
  const st = await cli(['sweep', 'status', out, '--redis', url, '--queue', 'test']);
  assert.match(st.stdout, /done +4\n/);
  assert.match(st.stdout, /queue test \(all sweeps in it\): .*completed 4, failed 0/);
  process.kill(b.proc.pid!, 'SIGTERM');
  assert.equal(await b.exited, 0, b.log());
});

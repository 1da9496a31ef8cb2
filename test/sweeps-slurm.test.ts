/**
 * The SLURM backend against a real single-node cluster started here from the Debian packages
 * (munge, slurmctld, slurmd), configured in a temporary directory with its own munge key, socket
 * and ports, MaxArraySize = 4 so that a 6-point sweep is split into two arrays; a collect job runs
 * after both; a rerun submits nothing and a resubmitted array skips every point.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSweep, runDir } from '../src/sweeps/manifest.js';
import { readAttempts } from '../src/sweeps/state.js';
import { sweepStatus } from '../src/sweeps/status.js';
import { missingPackages, which } from './support/system.js';
import { cli, tinyBase, tmp, waitFor, writeSpec } from './support/sweeps.js';

const skip = missingPackages('a single-node SLURM cluster', { slurmctld: 'slurmctld', slurmd: 'slurmd', sbatch: 'slurm-client', scontrol: 'slurm-client', squeue: 'slurm-client', munged: 'munge' });

const daemons: ChildProcess[] = [];
let dir = '';
let conf = '';
let daemonLog = () => '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function daemon(program: string, args: string[]): ChildProcess {
  const p = spawn(which(program)!, args, { stdio: 'ignore' });
  daemons.push(p);
  return p;
}
// should the test process end without its after hook (a crash), the daemons end with it
process.on('exit', () => {
  for (const p of daemons) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

before(async () => {
  if (skip) return;
  dir = tmp('nlbgk-slurm-');
  for (const d of ['state', 'spool', 'log', 'munge']) fs.mkdirSync(path.join(dir, d), { mode: 0o700 });
  const key = path.join(dir, 'munge', 'munge.key');
  fs.writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const sock = path.join(dir, 'munge', 'munge.sock');
  daemon('munged', ['-F', '-f', `--key-file=${key}`, `--socket=${sock}`, `--pid-file=${dir}/munge/munged.pid`, `--log-file=${dir}/munge/munged.log`, `--seed-file=${dir}/munge/seed`]);
  await waitFor('the munge socket', () => fs.existsSync(sock), 10_000, 20);
  const host = os.hostname().split('.')[0];
  // the node as slurmd sees it (CPUs, sockets, cores), without the memory figure that varies
  const node = execFileSync(which('slurmd')!, ['-C'], { encoding: 'utf8' }).split('\n')[0].replace(/\s*RealMemory=\d+/, '');
  const user = os.userInfo().username;
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  conf = path.join(dir, 'slurm.conf');
  fs.writeFileSync(
    conf,
    [
      'ClusterName=nlbgktest',
      `SlurmctldHost=${host}`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'AuthType=auth/munge',
      `AuthInfo=socket=${sock}`,
      'CredType=cred/munge',
      `SlurmUser=${user}`,
      `SlurmdUser=${user}`,
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/log/slurmctld.log`,
      `SlurmdLogFile=${dir}/log/slurmd.log`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'MpiDefault=none',
      'ReturnToService=2',
      'MaxArraySize=4',
      `${node} State=UNKNOWN`,
      `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  process.env.SLURM_CONF = conf;
  daemon('slurmctld', ['-D', '-i', '-f', conf]);
  daemon('slurmd', ['-D', '-f', conf]);
  daemonLog = () => ['slurmctld.log', 'slurmd.log'].map((f) => `--- ${f}\n${fs.existsSync(path.join(dir, 'log', f)) ? fs.readFileSync(path.join(dir, 'log', f), 'utf8').slice(-3000) : '(none)'}`).join('\n');
  await waitFor(
    'the node to be idle',
    () => {
      const r = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' });
      return r.status === 0 && r.stdout.trim() === 'idle';
    },
    30_000,
    250,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${daemonLog()}`);
  });
});

after(async () => {
  for (const p of daemons.reverse()) {
    if (p.exitCode !== null || p.signalCode !== null) continue;
    const gone = new Promise((r) => p.on('exit', r));
    p.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const queueEmpty = () => spawnSync('squeue', ['-h', '-r'], { encoding: 'utf8' }).stdout.trim() === '';

test('SLURM: 6 points as two arrays (MaxArraySize 4) and a collect job; a rerun submits nothing; a resubmission skips every point', { skip, timeout: 180_000 }, async (t) => {
  const work = tmp();
  const spec = writeSpec(work, { name: 'slurm', base: tinyBase(), grid: { 'model.alpha': [-2, -1, 0, 1, 2, 3] } });
  const out = path.join(work, 'sw');
  assert.equal((await cli(['sweep', 'plan', spec, '--out', out])).status, 0);

  // sbatch itself validates what we write (without submitting)
  const dry = await cli(['sweep', 'run', out, '--backend', 'slurm', '--no-submit']);
  assert.equal(dry.status, 0, dry.stderr);
  const first = path.join(out, 'slurm', '001');
  const test = spawnSync('sbatch', ['--test-only', '--array=0-3', path.join(first, 'array.sbatch'), '0'], { encoding: 'utf8' });
  assert.equal(test.status, 0, test.stderr);
  assert.equal(spawnSync('sbatch', ['--test-only', '--array=0-4', path.join(first, 'array.sbatch'), '0'], { encoding: 'utf8' }).status === 0, false, 'the cluster refuses arrays over MaxArraySize');

  const t0 = performance.now();
  const sub = await cli(['sweep', 'run', out, '--backend', 'slurm']);
  assert.equal(sub.status, 0, sub.stderr);
  const m = sub.stdout.match(/submitted 6 points as array job\(s\) (\d+), (\d+) \(4 \+ 2 tasks\), collect job (\d+); logs in (\S+)\/\n/);
  assert.ok(m, sub.stdout);
  const [, arrayA, arrayB, collectJob, logs] = m;
  await waitFor('the collect job', () => queueEmpty() && fs.existsSync(path.join(out, 'results.csv')), 120_000, 250).catch((err: Error) => {
    throw new Error(`${err.message}\n${daemonLog()}`);
  });
  t.diagnostic(`6 points on a 2-CPU node through SLURM, collect included: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const sw = readSweep(out);
  assert.deepEqual(sweepStatus(sw).counts, { done: 6, failed: 0, interrupted: 0, running: 0, pending: 0 });
  const names = fs.readdirSync(logs).sort();
  const expected = [...[0, 1, 2, 3].map((a) => `nlbgk-slurm_${arrayA}_${a}.out`), ...[0, 1].map((a) => `nlbgk-slurm_${arrayB}_${a}.out`), `nlbgk-slurm-collect_${collectJob}.out`].sort();
  assert.deepEqual(names, expected);
  sw.points.forEach((p, k) => {
    const [att] = readAttempts(out, p.id);
    assert.equal(att.backend, 'slurm');
    assert.equal(att.job, k < 4 ? `${arrayA}_${k}` : `${arrayB}_${k - 4}`);
  });
  assert.match(fs.readFileSync(path.join(logs, `nlbgk-slurm_${arrayB}_1.out`), 'utf8'), /point 5 \(\w+\) completed \(run\)/);
  const rows = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n');
  assert.equal(rows.length, 7);
  assert.ok(rows.slice(1).every((r) => r.split(',')[2] === 'done'));

  const again = await cli(['sweep', 'run', out, '--backend', 'slurm']);
  assert.match(again.stdout, /nothing to submit: all 6 points are done/);

  // resubmitting the written submission (its submit.sh: both arrays, then collect) runs 6 tasks that skip their done points untouched
  const mtimes = sw.points.map((p) => fs.statSync(path.join(runDir(out, p.id), 'run.json')).mtimeMs);
  const re = spawnSync('bash', [path.join(first, 'submit.sh')], { encoding: 'utf8' });
  assert.equal(re.status, 0, re.stderr);
  const ids = re.stdout.match(/array jobs: (\d+) (\d+)/);
  assert.ok(ids, re.stdout);
  await waitFor('the resubmitted jobs', () => queueEmpty() && fs.readdirSync(path.join(first, 'logs')).length === 7, 120_000, 250);
  sw.points.forEach((_p, k) => {
    const log = path.join(first, 'logs', `nlbgk-slurm_${k < 4 ? ids[1] : ids[2]}_${k < 4 ? k : k - 4}.out`);
    assert.match(fs.readFileSync(log, 'utf8'), new RegExp(`point ${k} \\(\\w+\\) skipped: done`));
  });
  assert.deepEqual(sw.points.map((p) => fs.statSync(path.join(runDir(out, p.id), 'run.json')).mtimeMs), mtimes);
  assert.ok(sw.points.every((p) => readAttempts(out, p.id).length === 1));
});

/**
 * Sweeps without servers: spec expansion, ids, planning errors, run-point's decisions, the local
 * backend (spawn, pool, in-process give identical bytes), a 1000-point sweep and its table, the
 * studies' path, SLURM scripts run by bash. Redis and SLURM themselves: sweeps-redis.test.ts,
 * sweeps-slurm.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { parseSweepSpec, expandSpec, expandValues, SweepSpecError } from '../src/sweeps/spec.js';
import { planSweep, planConfigs, writePlan } from '../src/sweeps/plan.js';
import { runId } from '../src/sweeps/ids.js';
import { readSweep, runDir, attemptsFile, pointDir } from '../src/sweeps/manifest.js';
import { runPoint, outcomeOf } from '../src/sweeps/point.js';
import { pointStatus, readAttempts } from '../src/sweeps/state.js';
import { inProcessExecutor, spawnExecutor, type Executor } from '../src/sweeps/executors.js';
import { runLocal } from '../src/sweeps/backends/local.js';
import { collectResults, writeResults } from '../src/sweeps/collect.js';
import { sweepStatus } from '../src/sweeps/status.js';
import { chunks, writeSlurmSubmission } from '../src/sweeps/backends/slurm.js';
import { redisOptions, redact } from '../src/sweeps/backends/redisUrl.js';
import { runMembers } from '../src/sweeps/members.js';
import { validateConfig } from '../src/config/validate.js';
import { acquireRunLock } from '../src/io/lock.js';
import { CLI, cli, fastTmp, nlbgk, sameResults, slowBase, tinyBase, tmp, waitFor, writeSpec } from './support/sweeps.js';

const spec = (s: Record<string, unknown>, dir = tmp()) => parseSweepSpec(JSON.stringify(s), dir);
const plan = (s: Record<string, unknown>) => {
  const dir = tmp();
  const p = planSweep(spec(s));
  writePlan(path.join(dir, 'sw'), p);
  return readSweep(path.join(dir, 'sw'));
};

test('values: logspace gives exact decimals (1e-8 … 10), linspace hits its ends and round numbers', () => {
  assert.deepEqual(expandValues({ logspace: [-8, 1, 10] }), [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10]);
  assert.deepEqual(expandValues({ linspace: [-2, 2, 5] }), [-2, -1, 0, 1, 2]);
  assert.deepEqual(expandValues({ linspace: [0, 1, 11] }), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  assert.deepEqual(expandValues({ logspace: [0, 1, 3] }), [1, 3.16227766016838, 10]);
});

test('spec: grid × zip in nested-loop order, then points, then seeded random draws; same seed, same draws', () => {
  const s = {
    base: tinyBase(),
    grid: { 'model.alpha': [-1, 0, 1] },
    zip: [{ 'domain.cells': [[16], [32]], 'time.dt': [1e-4, 5e-5] }],
    points: [{ 'model.alpha': 0.5 }],
    random: { n: 4, seed: 3, ranges: { 'model.alpha': { uniform: [-2, 2] }, 'domain.cells': { choice: [[8], [16]] } } },
  };
  const sp = spec(s);
  const raw = expandSpec(sp);
  assert.equal(raw.length, 3 * 2 + 1 + 4);
  assert.deepEqual(raw[0].params, { 'model.alpha': -1, 'domain.cells': [16], 'time.dt': 1e-4 });
  assert.deepEqual(raw[1].params, { 'model.alpha': -1, 'domain.cells': [32], 'time.dt': 5e-5 });
  assert.deepEqual(raw[2].params, { 'model.alpha': 0, 'domain.cells': [16], 'time.dt': 1e-4 });
  assert.deepEqual(raw[6], { params: { 'model.alpha': 0.5 }, source: 'points' });
  const draws = raw.slice(7).map((r) => r.params);
  assert.deepEqual(draws, expandSpec(spec(s)).slice(7).map((r) => r.params), 'same seed, same draws');
  assert.notDeepEqual(draws, expandSpec(spec({ ...s, random: { ...s.random, seed: 4 } })).slice(7).map((r) => r.params));
  for (const d of draws) assert.ok((d['model.alpha'] as number) >= -2 && (d['model.alpha'] as number) < 2);
  assert.deepEqual(sp.params, ['model.alpha', 'domain.cells', 'time.dt']);
});

test('spec: points from CSV read each column with its config type (strings stay strings)', () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'pts.csv'), 'model.alpha,initial.rho,domain.cells\n0.5,"1 + 0.5*sin(2*pi*x)",[32]\n-1,2,\n');
  const sp = parseSweepSpec(JSON.stringify({ base: tinyBase(), points: { csv: 'pts.csv' } }), dir);
  assert.deepEqual(sp.points, [
    { 'model.alpha': 0.5, 'initial.rho': '1 + 0.5*sin(2*pi*x)', 'domain.cells': [32] },
    { 'model.alpha': -1, 'initial.rho': '2' },
  ]);
});

test('ids: independent of key order and number spelling, blind to checkpoint settings, sensitive to everything else', () => {
  const a = validateConfig({ ...tinyBase(), time: { end: 0.001, dt: 0.0001 } });
  const b = validateConfig({ output: { fields: false }, time: { dt: 1e-4, end: 1e-3 }, initial: { rho: '1 + 0.5*sin(2*pi*x)' }, domain: { cells: [16] }, model: { alpha: -1, equation: 'diffusion' } });
  assert.equal(runId(a), runId(b));
  assert.match(runId(a), /^[0-9a-f]{16}$/);
  assert.equal(runId(validateConfig({ ...tinyBase(), checkpoint: { every_steps: 3 } })), runId(a));
  assert.notEqual(runId(validateConfig({ ...tinyBase(), output: { fields: true } })), runId(a));
  assert.notEqual(runId(validateConfig({ ...tinyBase(), model: { equation: 'diffusion', alpha: -1.0000000000000002 } })), runId(a));
});

test('plan: a bad point is exit 2 naming its index, parameters and field, and nothing is written', async () => {
  const dir = tmp();
  const base = { ...tinyBase(), model: { equation: 'kinetic', alpha: 1, eps: 1 }, velocity: { nodes: 4 } };
  const f = writeSpec(dir, { base, grid: { 'model.eps': [0.1, -1, 1] } });
  const r = await cli(['sweep', 'plan', f, '--out', path.join(dir, 'out')]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^nlbgk: invalid sweep spec: point 1 \(model\.eps = -1\): model\.eps: expected eps > 0 \(got -1\)\n$/);
  assert.equal(fs.existsSync(path.join(dir, 'out')), false);

  const typo = writeSpec(dir, { base, grid: { 'model.epss': [1] } }, 'typo.yaml');
  const t = await cli(['sweep', 'plan', typo, '--out', path.join(dir, 'out')]);
  assert.equal(t.status, 2);
  assert.match(t.stderr, /grid\.model\.epss: unknown config key 'model\.epss' \(did you mean 'model\.eps'\?\)/);

  const big = writeSpec(dir, { base: tinyBase(), grid: { 'model.alpha': { linspace: [-2, 2, 200] }, 'time.dt': { logspace: [-5, -4, 100] } } }, 'big.yaml');
  const m = await cli(['sweep', 'plan', big, '--out', path.join(dir, 'out')]);
  assert.equal(m.status, 2);
  assert.match(m.stderr, /expands to 20000 points, more than --max-points 10000/);
  assert.throws(() => spec({ base: tinyBase(), zip: { 'model.alpha': [1, 2], 'time.dt': [1e-4] } }), (e: unknown) => e instanceof SweepSpecError && /zip\[0\]: expected value lists of equal length \(got model.alpha: 2, time.dt: 1\)/.test(e.message));

  fs.mkdirSync(path.join(dir, 'busy'));
  fs.writeFileSync(path.join(dir, 'busy', 'mine.txt'), 'x');
  const ok = writeSpec(dir, { base: tinyBase() }, 'ok.yaml');
  const n = await cli(['sweep', 'plan', ok, '--out', path.join(dir, 'busy')]);
  assert.equal(n.status, 2);
  assert.match(n.stderr, /not empty and is not a sweep directory/);
});

test('plan: re-planning maps to the same run directories; duplicates collapse; an extended spec keeps the done runs', async () => {
  const dir = tmp();
  const s1 = writeSpec(dir, { name: 'grow', base: tinyBase(), grid: { 'model.alpha': [-1, 0, 1, 0] } });
  const out = path.join(dir, 'sw');
  const r1 = await cli(['sweep', 'plan', s1, '--out', out]);
  assert.equal(r1.status, 0, r1.stderr);
  assert.match(r1.stdout, /planned 3 points \(1 duplicate collapsed\)/);
  const first = readSweep(out);
  await runLocal(first, { mode: 'in-process' });
  const s2 = writeSpec(dir, { name: 'grow', base: tinyBase(), grid: { 'model.alpha': [-1, 0, 1, 2] } }, 's2.yaml');
  const r2 = await cli(['sweep', 'plan', s2, '--out', out]);
  assert.match(r2.stdout, /planned 4 points in .*: 1 new, 3 with a run directory/);
  const second = readSweep(out);
  assert.equal(second.meta.key, first.meta.key);
  assert.deepEqual(second.points.slice(0, 3).map((p) => p.id), first.points.map((p) => p.id));
  assert.deepEqual(sweepStatus(second).counts, { done: 3, failed: 0, interrupted: 0, running: 0, pending: 1 });
});

test('run-point: runs a pending point, skips it when done, and records one attempt', async () => {
  const sw = plan({ base: tinyBase() });
  const ex = inProcessExecutor();
  const a = await runPoint(sw, 0, { executor: ex });
  assert.equal(a.outcome, 'completed');
  assert.equal(a.action, 'run');
  const b = await runPoint(sw, 0, { executor: ex });
  assert.deepEqual([b.outcome, b.message], ['skipped', 'done']);
  const attempts = readAttempts(sw.dir, sw.points[0].id);
  assert.equal(attempts.length, 1);
  assert.equal(attempts[0].outcome, 'completed');
  assert.equal(fs.existsSync(path.join(pointDir(sw.dir, sw.points[0].id), 'nlbgk.lock')), false, 'claim released');
});

test('run-point: busy when another live process holds the point or its run directory; nothing recorded', async () => {
  const sw = plan({ base: tinyBase() });
  const id = sw.points[0].id;
  const claim = acquireRunLock(pointDir(sw.dir, id), { command: 'another worker' });
  const a = await runPoint(sw, 0, { executor: inProcessExecutor() });
  assert.equal(a.outcome, 'busy');
  assert.match(a.message!, /another worker/);
  assert.equal(pointStatus(sw.dir, id).state, 'running');
  claim.release();
  fs.mkdirSync(runDir(sw.dir, id));
  const lock = acquireRunLock(runDir(sw.dir, id), { command: 'nlbgk run elsewhere' });
  assert.equal((await runPoint(sw, 0, { executor: inProcessExecutor() })).outcome, 'busy');
  lock.release();
  assert.equal(readAttempts(sw.dir, id).length, 0);
  // the run's own lock refusing (exit 75) is "busy" too, without an attempt
  const locked: Executor = { name: 'spawn', exec: async () => ({ exit: 75, signal: null, message: 'nlbgk: locked' }) };
  assert.equal((await runPoint(sw, 0, { executor: locked })).outcome, 'busy');
  assert.equal(readAttempts(sw.dir, id).length, 0);
  assert.equal((await runPoint(sw, 0, { executor: inProcessExecutor() })).outcome, 'completed');
});

test('run-point: failures are kept (exit 1 numerical, exit 2 bad input) and retried only when asked', async () => {
  // exit 2 for real: initial data that validate accepts and the run refuses (negative on the grid)
  const sw = plan({ base: { ...tinyBase(), initial: { rho: '1 - 2*x' } } });
  const r = await runPoint(sw, 0, { executor: spawnExecutor() });
  assert.deepEqual([r.outcome, r.exit], ['failed', 2]);
  assert.match(r.message!, /initial/);
  assert.equal(pointStatus(sw.dir, sw.points[0].id).state, 'failed');
  assert.equal((await runPoint(sw, 0, { executor: spawnExecutor() })).outcome, 'skipped');
  // exit 1 (numerical failure: run.json says failed): kept, rerun only with retryFailed
  const sw2 = plan({ base: tinyBase() });
  const id = sw2.points[0].id;
  let calls = 0;
  const failing: Executor = {
    name: 'spawn',
    exec: async (task) => {
      calls++;
      fs.mkdirSync(task.runDir, { recursive: true });
      fs.writeFileSync(path.join(task.runDir, 'run.json'), JSON.stringify({ status: 'failed', error: 'step 5, t = 0.0005: rho = NaN in cell 7' }));
      return { exit: 1, signal: null, message: 'nlbgk: numerical failure: step 5' };
    },
  };
  assert.equal((await runPoint(sw2, 0, { executor: failing })).outcome, 'failed');
  assert.equal((await runPoint(sw2, 0, { executor: failing })).outcome, 'skipped');
  assert.equal(calls, 1);
  const again = await runPoint(sw2, 0, { executor: inProcessExecutor(), retryFailed: true });
  assert.equal(again.outcome, 'completed', 'retried over the failed attempt\'s files (--force)');
  assert.equal(pointStatus(sw2.dir, id).state, 'done');
  assert.equal(collectResults(sw2).rows[0].attempts, 2);
  assert.deepEqual(
    [0, 1, 2, 75, 130, 143, 137].map((exit) => outcomeOf({ exit, signal: null })),
    ['completed', 'failed', 'failed', 'busy', 'interrupted', 'interrupted', 'error'],
  );
  assert.equal(outcomeOf({ exit: null, signal: 'SIGKILL' }), 'error');
});

test('run-point: a run killed (SIGKILL) after a checkpoint is resumed, with the bytes of an uninterrupted run', async () => {
  const sw = plan({ base: slowBase(1) });
  const id = sw.points[0].id;
  const rd = runDir(sw.dir, id);
  const child = spawn(process.execPath, [CLI, 'run', path.join(sw.dir, 'points', id, 'config.json'), '--out', rd, '-q'], { stdio: 'ignore' });
  await waitFor('a checkpoint', () => fs.existsSync(path.join(rd, 'checkpoint.bin')), 20_000, 20);
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  assert.equal(pointStatus(sw.dir, id).state, 'interrupted');
  const r = await runPoint(sw, 0, { executor: spawnExecutor() });
  assert.deepEqual([r.outcome, r.action], ['completed', 'resume']);
  const fresh = plan({ base: slowBase(1) });
  assert.equal((await runPoint(fresh, 0, { executor: inProcessExecutor() })).outcome, 'completed');
  assert.equal(sameResults(rd, runDir(fresh.dir, id)), null);
  assert.equal(JSON.parse(fs.readFileSync(path.join(rd, 'run.json'), 'utf8')).resumes, 1);
});

test('local backend: spawn, pool and in-process runs give identical bytes; a rerun skips everything', async () => {
  const s = { base: tinyBase(), grid: { 'model.alpha': [-1, 0.5, 2] } };
  const sweeps = { spawn: plan(s), pool: plan(s), 'in-process': plan(s) };
  for (const [mode, sw] of Object.entries(sweeps)) {
    const r = await runLocal(sw, { mode: mode as 'spawn', jobs: mode === 'in-process' ? 1 : 2 });
    assert.equal(r.counts.completed, 3, `${mode}: ${JSON.stringify(r.results)}`);
  }
  for (const p of sweeps.spawn.points) {
    assert.equal(sameResults(runDir(sweeps.spawn.dir, p.id), runDir(sweeps.pool.dir, p.id)), null);
    assert.equal(sameResults(runDir(sweeps.spawn.dir, p.id), runDir(sweeps['in-process'].dir, p.id)), null);
  }
  const again = await runLocal(sweeps.pool, { mode: 'pool', jobs: 2 });
  assert.deepEqual([again.counts.skipped, again.counts.completed], [3, 0]);
});

test('local backend: 1000 tiny points with 2 jobs, each once, and a results table that is right', async (t) => {
  const rhos = ['1 + 0.5*sin(2*pi*x)', '1.5', '2 + sin(4*pi*x)', '1 + x*(1-x)', '3 - cos(2*pi*x)', '1 + 0.5*sin(2*pi*x)^2', '1 + 0.1*sin(6*pi*x)', '2 + 0.5*cos(2*pi*x)', '1 + 0.9*sin(2*pi*x)', '1 + 0.25*cos(2*pi*x)'];
  const mass = [1, 1.5, 2, 1 + 1 / 6, 3, 1.25, 1, 2, 1, 1];
  const alphas = expandValues({ linspace: [-2, 2, 100] }) as number[];
  const dir = fastTmp();
  const f = writeSpec(dir, { name: 'thousand', base: tinyBase(), grid: { 'model.alpha': { linspace: [-2, 2, 100] }, 'initial.rho': rhos } });
  const out = path.join(dir, 'sw');
  assert.equal((await cli(['sweep', 'plan', f, '--out', out])).status, 0);
  const t0 = performance.now();
  const r = nlbgk(['sweep', 'run', out, '--jobs', '2', '--mode', 'pool', '-q'], { timeout: 300_000 });
  const wall = (performance.now() - t0) / 1000;
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1000 points in [\d.]+ s \(pool, 2 jobs\): 1000 completed/);
  t.diagnostic(`1000 points, pool, 2 jobs: ${wall.toFixed(1)} s including collect (${r.stdout.trim().split('\n')[0]})`);

  const csv = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n');
  const header = csv[0].split(',');
  assert.deepEqual(header.slice(0, 11), ['index', 'id', 'status', 'model.alpha', 'initial.rho', 'wall_s', 'steps', 'resumes', 'attempts', 'error', 'final.t']);
  assert.deepEqual(header.slice(11), ['final.mass', 'final.rho_min', 'final.rho_max', 'final.rho_l2_dev', 'final.dt', 'final.err']);
  const rows = await parquetReadObjects({ file: new Uint8Array(fs.readFileSync(path.join(out, 'results.parquet'))).buffer });
  assert.equal(rows.length, 1000);
  const sw = readSweep(out);
  rows.forEach((row, k) => {
    const a = Math.floor(k / rhos.length);
    const j = k % rhos.length;
    assert.equal(row.index, k);
    assert.equal(row.id, sw.points[k].id);
    assert.equal(row.status, 'done');
    assert.equal(row['model.alpha'], alphas[a]);
    assert.equal(row['initial.rho'], rhos[j]);
    assert.equal(row.steps, 10);
    assert.equal(row.attempts, 1, 'every point ran exactly once');
    assert.equal(row['final.t'], 0.001);
    assert.ok(Math.abs((row['final.mass'] as number) - mass[j]) < 1e-12, `point ${k}: mass ${row['final.mass']} vs ${mass[j]}`);
    assert.ok((row['final.rho_max'] as number) >= (row['final.rho_min'] as number));
  });
  // CSV and Parquet agree cell by cell (the CSV holds round-trip decimals)
  const cells = csv[37].split(',');
  assert.equal(Number(cells[header.indexOf('final.rho_l2_dev')]), rows[36]['final.rho_l2_dev']);
  const schema = JSON.parse(fs.readFileSync(path.join(out, 'results.schema.json'), 'utf8'));
  assert.deepEqual(
    schema.columns.slice(0, 7).map((c: { name: string; type: string }) => `${c.name}:${c.type}`),
    ['index:INT32', 'id:STRING', 'status:STRING', 'model.alpha:DOUBLE', 'initial.rho:STRING', 'wall_s:DOUBLE', 'steps:INT32'],
  );
  const t1 = performance.now();
  const again = nlbgk(['sweep', 'run', out, '--jobs', '2', '--mode', 'pool', '--no-collect', '-q']);
  assert.match(again.stdout, /0 completed, 1000 skipped/);
  t.diagnostic(`rerun skipping 1000 done points: ${((performance.now() - t1) / 1000).toFixed(2)} s`);
});

test('studies and sweeps share one path: a member is planned, named and run like a sweep point', async () => {
  const dir = tmp();
  const config = { ...tinyBase(), model: { equation: 'diffusion', alpha: 1 } };
  const members = await runMembers([config, { ...config, time: { end: 0.002, dt: 0.0001 } }, config], path.join(dir, 'members'));
  assert.equal(members[0].id, members[2].id, 'equal configs share a run');
  const sw = plan({ base: config });
  assert.equal(members[0].id, sw.points[0].id);
  assert.equal(members[0].result.outcome, 'completed');
  assert.equal(members[2].result.outcome, 'completed');
  assert.ok(members[0].result.problem, 'in process: the problem is handed back');
  assert.equal(readAttempts(path.join(dir, 'members'), members[0].id)[0].backend, 'in-process');
  assert.equal(planConfigs('x', [config]).points[0].id, members[0].id);
});

test('SLURM scripts: chunks of MaxArraySize, valid bash, and a task run by hand runs its point (then skips it)', async () => {
  assert.deepEqual(chunks(5, 2), [{ offset: 0, count: 2 }, { offset: 2, count: 2 }, { offset: 4, count: 1 }]);
  assert.deepEqual(chunks(1001, 1001), [{ offset: 0, count: 1001 }]);
  assert.equal(chunks(2500, 1001).length, 3);
  const sw = plan({ base: tinyBase(), grid: { 'model.alpha': [-1, 0, 1, 2, 3] } });
  const sub = writeSlurmSubmission(sw, [0, 1, 2, 3, 4], { maxArraySize: 2, throttle: 2, time: '0:10:00', partition: 'debug' });
  assert.deepEqual(sub.commands.slice(0, 3).map((c) => c[1]), ['--array=0-1%2', '--array=0-1%2', '--array=0-0%2']);
  assert.deepEqual(sub.commands.slice(0, 3).map((c) => c[3]), ['0', '2', '4']);
  const script = fs.readFileSync(sub.files.array, 'utf8');
  assert.match(script, /#SBATCH --output=.*\/logs\/%x_%A_%a\.out/);
  assert.match(script, /#SBATCH --signal=B:TERM@300/);
  assert.match(script, /#SBATCH --partition=debug/);
  for (const f of [sub.files.array, sub.files.collect, sub.files.submit]) assert.equal(spawnSync('bash', ['-n', f]).status, 0, f);
  // task 1 of the chunk at offset 2 = line 4 of points.txt = point 3
  const env = { ...process.env, SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_JOB_ID: '77' };
  const run = spawnSync('bash', [sub.files.array, '2'], { env, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /point 3 \(.*\) completed \(run\)/);
  assert.equal(readAttempts(sw.dir, sw.points[3].id)[0].job, '77_1');
  const rerun = spawnSync('bash', [sub.files.array, '2'], { env, encoding: 'utf8' });
  assert.match(rerun.stdout, /point 3 \(.*\) skipped: done/);
  assert.deepEqual(sweepStatus(sw).counts, { done: 1, failed: 0, interrupted: 0, running: 0, pending: 4 });
});

test('sweep CLI: status, collect, run-point by index or id; bad references are exit 2', async () => {
  const dir = tmp();
  const f = writeSpec(dir, { name: 'cli', base: tinyBase(), grid: { 'model.alpha': [0, 1] } });
  const out = path.join(dir, 'sw');
  assert.equal((await cli(['sweep', 'plan', f, '--out', out])).status, 0);
  const sw = readSweep(out);
  const a = await cli(['sweep', 'run-point', out, '0']);
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /point 0 \(\w+\) completed \(run\)/);
  assert.equal((await cli(['sweep', 'run-point', out, sw.points[0].id])).status, 0);
  assert.equal((await cli(['sweep', 'run-point', out, '7'])).status, 2);
  assert.match((await cli(['sweep', 'run-point', out, '7'])).stderr, /point index 7 is out of range: the sweep has 2 points/);
  const st = await cli(['sweep', 'status', out]);
  assert.match(st.stdout, /^sweep cli: 2 points\n +done +1\n +failed +0\n +interrupted +0\n +running +0\n +pending +1\n$/);
  assert.equal(JSON.parse((await cli(['sweep', 'status', out, '--json'])).stdout).counts.done, 1);
  const c = await cli(['sweep', 'collect', out]);
  assert.match(c.stdout, /2 rows \(1 done, 1 pending\)/);
  const rows = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n');
  assert.equal(rows.length, 3);
  assert.match(rows[2], /^1,\w{16},pending,1,,,,0,,/);
  assert.equal((await cli(['sweep', 'status', path.join(dir, 'nope')])).status, 2);
  assert.equal(writeResults(sw).rows, 2);
  assert.ok(fs.existsSync(attemptsFile(out, sw.points[0].id)));
});

test('Redis URLs: host, unix socket and credentials; passwords never printed', () => {
  assert.deepEqual(redisOptions('redis://:s3cret@10.0.0.5:6380/2', {}), { host: '10.0.0.5', port: 6380, password: 's3cret', db: 2 });
  assert.deepEqual(redisOptions('redis://nlbgk:pw@lab1', {}), { host: 'lab1', port: 6379, username: 'nlbgk', password: 'pw', db: 0 });
  assert.deepEqual(redisOptions('rediss://:pw@h:1', {}), { host: 'h', port: 1, password: 'pw', db: 0, tls: {} });
  assert.deepEqual(redisOptions('unix:///run/redis/redis.sock?db=1', { NLBGK_REDIS_PASSWORD: 'envpw' }), { path: '/run/redis/redis.sock', password: 'envpw', db: 1 });
  assert.deepEqual(redisOptions('unix://:p%40ss@/tmp/r.sock', {}), { path: '/tmp/r.sock', password: 'p@ss', db: 0 });
  assert.equal(redact('redis://:s3cret@host:6379'), 'redis://:***@host:6379');
  assert.equal(redact('unix://u:s3cret@/tmp/r.sock'), 'unix://u:***@/tmp/r.sock');
  assert.throws(() => redisOptions('http://x', {}), /expected redis:\/\/, rediss:\/\/ or unix:\/\//);
});

test('the documented example spec (docs/sweeps/eps-alpha.yaml) plans its 16 points', async () => {
  const out = path.join(tmp(), 'ea');
  const r = await cli(['sweep', 'plan', 'docs/sweeps/eps-alpha.yaml', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const sw = readSweep(out);
  assert.equal(sw.points.length, 16);
  assert.deepEqual([...new Set(sw.points.map((p) => p.params['model.eps']))], [0.001, 0.01, 0.1, 1]);
  assert.deepEqual(sw.meta.params, [
    { name: 'model.eps', type: 'DOUBLE' },
    { name: 'model.alpha', type: 'DOUBLE' },
  ]);
});

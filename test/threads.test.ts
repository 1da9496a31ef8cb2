/**
 * Solver threads in runs (compute.threads, `nlbgk run --threads`): the outputs do not depend on the
 * thread count, a threaded run resumes to the same bytes, the worker pool never keeps the CLI alive,
 * and a bad count is refused before anything is written. (The kernels' own thread-count tests are in
 * kinetic2d.test.ts; these check what reaches a user's run directory.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { assertResumesAfterPowerCut } from './support/powerCut.js';

const cli = path.resolve('dist/src/cli/main.js');
const nlbgk = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });

// rough data (a jump and a velocity-dependent part), intermediate eps, error-controlled steps, a series row
// every step (the rows reuse the previous level's moments: a resumed run recomputes them)
const config = `
model:    { equation: kinetic, dim: 2, alpha: -1, eps: 0.1 }
domain:   { cells: [24, 20] }
velocity: { nodes: 4 }
initial:  { h: "1 + 0.4*step(x-0.5)*cos(2*pi*y) + 0.2*vx*vy/(1+vx^2)" }
time:     { end: 0.003 }
output:   { times: [0.001, 0.003], store_h: true }
checkpoint: { every_steps: 4 }
`;

const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f));

test('nlbgk run --threads 1, 2, 3: series.csv, summary.json and fields.h5 are the same bytes (but for the recorded count); the process exits', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-threads-'));
  const cfg = path.join(root, 'config.yaml');
  fs.writeFileSync(cfg, config);
  const dirs = ['1', '2', '3'].map((t) => {
    const out = path.join(root, `t${t}`);
    const r = nlbgk('run', cfg, '--out', out, '--quiet', '--threads', t);
    // spawnSync's timeout kills a process the worker pool would keep alive (status null)
    assert.equal(r.status, 0, `--threads ${t}: status ${r.status} signal ${r.signal} ${r.stderr}`);
    const run = JSON.parse(read(out, 'run.json').toString('utf8'));
    assert.equal(run.config.compute.threads, Number(t), 'run.json records the count');
    return out;
  });
  for (const d of dirs.slice(1)) {
    for (const f of ['series.csv', 'summary.json']) assert.ok(read(d, f).equals(read(dirs[0], f)), `${f} differs (${d})`);
    // fields.h5 carries the config as an attribute: the recorded count is its only difference
    const t = path.basename(d).slice(1);
    const h5 = Buffer.from(read(d, 'fields.h5').toString('latin1').replace(`"compute":{"threads":${t}}`, '"compute":{"threads":1}'), 'latin1');
    assert.ok(h5.equals(read(dirs[0], 'fields.h5')), `fields.h5 differs beyond the thread count (${d})`);
  }
  assert.ok(fs.readFileSync(path.join(dirs[0], 'series.csv'), 'utf8').trim().split('\n').length > 4, 'the run took several steps');
});

test('a run on 2 threads cut by a power failure resumes to the bytes of an uninterrupted one', async () => {
  const { parseConfigText, validateConfig } = await import('../src/config/validate.js');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-tresume-'));
  const cfg = validateConfig({ ...(parseConfigText(config) as object), compute: { threads: 2 } });
  await assertResumesAfterPowerCut(cfg, root, 11);
});

test('nlbgk run --threads 0 / two / 65: exit 2, one line naming --threads, nothing written', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-tbad-'));
  const cfg = path.join(root, 'config.yaml');
  fs.writeFileSync(cfg, config);
  for (const bad of ['0', 'two', '65', '1.5']) {
    const out = path.join(root, `out-${bad}`);
    const r = nlbgk('run', cfg, '--out', out, '--threads', bad);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^nlbgk: --threads .*expected auto or an integer in \[1, 64\]\n$/);
    assert.ok(!fs.existsSync(out));
  }
  const r = nlbgk('validate', cfg);
  assert.equal(JSON.parse(r.stdout).compute.threads, 'auto', 'the default is recorded');
  fs.writeFileSync(cfg, config + 'compute: { threads: 0 }\n');
  const v = nlbgk('validate', cfg);
  assert.equal(v.status, 2);
  assert.match(v.stderr, /compute\.threads/);
});

test('automatic thread count: capped by a concurrent runner (local sweeps with several jobs give each run its share of the cores); explicit counts kept', async () => {
  const { resolveThreads, availableThreads, AUTO_THREADS_ENV, AUTO_THREADS_MIN_WORK } = await import('../src/solvers/parallel/pool.js');
  const { childEnvironment } = await import('../src/sweeps/backends/local.js');
  const saved = process.env[AUTO_THREADS_ENV];
  try {
    delete process.env[AUTO_THREADS_ENV];
    assert.equal(resolveThreads(undefined, AUTO_THREADS_MIN_WORK), availableThreads());
    assert.equal(resolveThreads(undefined, AUTO_THREADS_MIN_WORK - 1), 1, 'small problems: one thread');
    process.env[AUTO_THREADS_ENV] = '1';
    assert.equal(resolveThreads(undefined, AUTO_THREADS_MIN_WORK), 1);
    assert.equal(resolveThreads(3, AUTO_THREADS_MIN_WORK), 3, 'an explicit count is not capped');
    process.env[AUTO_THREADS_ENV] = 'x';
    assert.equal(resolveThreads(undefined, AUTO_THREADS_MIN_WORK), availableThreads(), 'a malformed cap is ignored');
  } finally {
    if (saved === undefined) delete process.env[AUTO_THREADS_ENV];
    else process.env[AUTO_THREADS_ENV] = saved;
  }
  assert.equal(childEnvironment(1, 2)[AUTO_THREADS_ENV], process.env[AUTO_THREADS_ENV]);
  assert.equal(childEnvironment(2, 2)[AUTO_THREADS_ENV], '1');
  assert.equal(childEnvironment(3, 2)[AUTO_THREADS_ENV], '1');
  assert.equal(childEnvironment(4, 16)[AUTO_THREADS_ENV], '4');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { assertResumesAfterPowerCut } from './support/powerCut.js';

const cli = path.resolve('dist/src/cli/main.js');
const nlbgk = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Long enough (a few seconds) to be killed in the middle, with frequent checkpoints and snapshots.
const config = `
model:   { equation: diffusion, dim: 2, alpha: -1 }
domain:  { cells: [64, 64] }
initial: { rho: "1 + 0.5*sin(2*pi*x)*cos(2*pi*y) + 0.3*step(x-0.5)" }
time:    { end: 0.02, dt: 0.00001 }
output:  { times: [0.002, 0.005, 0.01, 0.015, 0.02], series_every: 3 }
checkpoint: { every_steps: 50 }
`;

test('kill -9 in the middle of a run, resume: the outputs are byte-identical to an uninterrupted run', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-resume-'));
  const cfg = path.join(root, 'config.yaml');
  fs.writeFileSync(cfg, config);
  const whole = path.join(root, 'whole');
  const t0 = performance.now();
  const r = nlbgk('run', cfg, '--out', whole, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const wholeMs = performance.now() - t0;

  const cut = path.join(root, 'cut');
  const child = spawn(process.execPath, [cli, 'run', cfg, '--out', cut, '--quiet'], { stdio: 'ignore' });
  const exited = new Promise((res) => child.on('exit', res));
  // Kill once a checkpoint exists and the run is not finished.
  const deadline = performance.now() + 10 * wholeMs + 10_000;
  let killedWhileRunning = false;
  while (performance.now() < deadline) {
    await sleep(20);
    if (fs.existsSync(path.join(cut, 'checkpoint.bin')) && fs.existsSync(path.join(cut, 'summary.json'))) {
      child.kill('SIGKILL');
      killedWhileRunning = true;
      break;
    }
  }
  await exited;
  assert.ok(killedWhileRunning, `no checkpoint appeared (uninterrupted run took ${wholeMs.toFixed(0)} ms)`);
  const status = JSON.parse(fs.readFileSync(path.join(cut, 'run.json'), 'utf8')).status;
  assert.equal(status, 'running', 'the child finished before it was killed: make the run longer');

  const res = nlbgk('resume', cut, '--quiet');
  assert.equal(res.status, 0, res.stderr);
  for (const f of ['series.csv', 'summary.json', 'fields.h5']) {
    assert.ok(fs.readFileSync(path.join(cut, f)).equals(fs.readFileSync(path.join(whole, f))), `${f} differs after resume`);
  }
  const run = JSON.parse(fs.readFileSync(path.join(cut, 'run.json'), 'utf8'));
  assert.equal(run.status, 'completed');
  assert.equal(run.resumes, 1);
  assert.equal(run.steps, JSON.parse(fs.readFileSync(path.join(whole, 'run.json'), 'utf8')).steps);
  assert.equal(nlbgk('resume', cut).status, 2, 'a completed run cannot be resumed');
});

test('same config twice gives byte-identical outputs', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-repro-'));
  const cfg = path.join(root, 'config.yaml');
  fs.writeFileSync(cfg, config.replace('end: 0.02', 'end: 0.002').replace('[0.002, 0.005, 0.01, 0.015, 0.02]', '[0.001, 0.002]'));
  for (const d of ['a', 'b']) assert.equal(nlbgk('run', cfg, '--out', path.join(root, d), '--quiet').status, 0);
  for (const f of ['series.csv', 'summary.json', 'fields.h5']) {
    assert.ok(fs.readFileSync(path.join(root, 'a', f)).equals(fs.readFileSync(path.join(root, 'b', f))), f);
  }
});

test('particles: a run interrupted after a checkpoint resumes to the same bytes (random streams included)', async () => {
  const { validateConfig } = await import('../src/config/validate.js');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-presume-'));
  const config = validateConfig({
    model: { equation: 'particles', dim: 2, alpha: -1, eps: 0.2 },
    domain: { cells: [8, 8] },
    initial: { rho: '1 + 0.5*sin(2*pi*x)*sin(2*pi*y)' },
    particles: { count: 5000, seed: 11, ensembles: 2, density: { method: 'kernel' } },
    time: { end: 0.02, dt: 0.001 },
    output: { times: [0.005, 0.02], series_every: 2 },
    checkpoint: { every_steps: 5 },
  });
  await assertResumesAfterPowerCut(config, root, 13);
});

test('error-controlled kinetic run: a power cut after a checkpoint resumes to the same bytes (controller state included)', async () => {
  const { validateConfig } = await import('../src/config/validate.js');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-aresume-'));
  const config = validateConfig({
    model: { equation: 'kinetic', alpha: 1, eps: 0.05 },
    domain: { cells: [32] },
    velocity: { nodes: 6 },
    initial: { h: '1 + 0.3*step(x-0.5) + 0.2*cos(2*pi*x)*v/(1+v^2)' },
    time: { end: 0.02, rtol: 1e-5 },
    output: { times: [0.005, 0.02], series_every: 3 },
    checkpoint: { every_steps: 7 },
  });
  const { whole, cut } = await assertResumesAfterPowerCut(config, root, 40);
  const a = JSON.parse(fs.readFileSync(path.join(whole, 'run.json'), 'utf8'));
  const b = JSON.parse(fs.readFileSync(path.join(cut, 'run.json'), 'utf8'));
  assert.equal(a.stepping.mode, 'adaptive');
  assert.deepEqual({ ...b.stepping }, { ...a.stepping }, 'the step statistics continue across the resume');
});

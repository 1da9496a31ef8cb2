import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { type Problem } from '../src/simulation/problem.js';
import { runProblem } from '../src/run.js';
import { NumericalFailure } from '../src/solvers/stepper.js';

const config = validateConfig({
  model: { equation: 'diffusion', alpha: 1 },
  domain: { cells: [32] },
  initial: { rho: '1 + 0.5*sin(2*pi*x)' },
  time: { end: 0.01, dt: 0.001 },
  output: { times: [0.002, 0.01] },
  checkpoint: { every_steps: 3 },
});

/** The real problem, with the state corrupted after `atStep` steps. */
function sabotaged(atStep: number, value: number): Problem {
  const problem = buildProblem(config);
  const stepper = problem.stepper;
  let steps = 0;
  const original = stepper.step.bind(stepper);
  stepper.step = (dt: number) => {
    original(dt);
    if (++steps === atStep) stepper.rho()[7] = value;
  };
  return problem;
}

for (const [what, value, message] of [
  ['NaN', NaN, /step 5, t = 0.005: rho = NaN in cell 7 \(x = 0.234375\)/],
  ['a bound violation', 1.6, /step 5, t = 0.005: rho = 1.6 outside the maximum-principle bounds/],
] as const) {
  test(`${what} stops the run, names step, time and cell, and keeps what was written`, async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-fail-')), 'out');
    await assert.rejects(runProblem(sabotaged(5, value), { outDir: dir }), (err: unknown) => {
      assert.ok(err instanceof NumericalFailure);
      assert.match(err.message, message);
      return true;
    });
    const run = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    assert.equal(run.status, 'failed');
    assert.match(run.error, /step 5/);
    assert.equal(run.steps, 5);
    const rows = fs.readFileSync(path.join(dir, 'series.csv'), 'utf8').trim().split('\n');
    assert.equal(rows.length, 1 + 1 + 4, 'header, t = 0 and the four good steps');
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    assert.deepEqual(summary.snapshots.map((s: { t: number }) => s.t), [0, 0.002]);
    assert.ok(fs.existsSync(path.join(dir, 'checkpoint.bin')), 'the last good checkpoint is kept');
    assert.ok(fs.existsSync(path.join(dir, 'fields.h5')));
  });
}

test('kinetic runs also stop when h = f/M leaves the maximum-principle bounds', async () => {
  const kinetic = validateConfig({
    model: { equation: 'kinetic', alpha: 1, eps: 0.1 },
    domain: { cells: [16] },
    velocity: { nodes: 4 },
    initial: { rho: '1 + 0.5*sin(2*pi*x)' },
    time: { end: 0.01, dt: 0.001 },
  });
  const problem = buildProblem(kinetic);
  // a breach of the state itself after step 3 (h = rho + q; 1D levels are cell-major, 4 nodes per cell)
  const stepper = problem.stepper as unknown as { step(dt: number): void; impl: { levels: { rhoN: Float64Array; qN: Float64Array } } };
  let steps = 0;
  const step = stepper.step.bind(stepper);
  stepper.step = (dt: number) => {
    step(dt);
    if (++steps === 3) {
      const L = stepper.impl.levels;
      L.qN[5 * 4 + 2] = 1.7 - L.rhoN[5];
    }
  };
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-fail-')), 'out');
  await assert.rejects(runProblem(problem, { outDir: dir }), (err: unknown) => {
    assert.ok(err instanceof NumericalFailure);
    assert.match(err.message, /step 3, t = 0.003: h = 1\.7\d* at cell 5, velocity node 2 outside the maximum-principle bounds/);
    return true;
  });
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')).status, 'failed');
});

test('a solver failure inside a step (Newton, GMRES) is reported with the step and the time, and the cell when the solver names one', async () => {
  for (const [where, pattern] of [
    [{ cell: 11 }, /^step 4, from t = 0\.003, cell 11: diffusion: Newton did not converge/],
    [{}, /^step 4, from t = 0\.003, no single cell \(a solve over the whole grid\): diffusion: Newton did not converge/],
  ] as const) {
    const problem = buildProblem(config);
    const stepper = problem.stepper;
    let steps = 0;
    const original = stepper.step.bind(stepper);
    stepper.step = (dt: number) => {
      if (++steps === 4) throw new NumericalFailure('diffusion: Newton did not converge in 30 iterations', where);
      original(dt);
    };
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-fail-')), 'out');
    await assert.rejects(runProblem(problem, { outDir: dir }), (err: unknown) => {
      assert.ok(err instanceof NumericalFailure);
      assert.match(err.message, pattern);
      return true;
    });
    const run = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    assert.equal(run.status, 'failed');
    assert.match(run.error, pattern);
  }
});

/**
 * Error-controlled time stepping (src/simulation/stepControl.ts, src/solvers/errorEstimate.ts,
 * docs/time-stepping.md): the time error follows the tolerance, a rejected attempt changes nothing,
 * the step count does not grow as eps -> 0 nor with the grid, snapshot times are hit exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { type Problem } from '../src/simulation/problem.js';
import { Simulation } from '../src/simulation/simulation.js';
import { simulationOptions } from '../src/simulation/options.js';
import { isAdaptive, NumericalFailure, type AdaptiveStepper } from '../src/solvers/stepper.js';
import { StepController, quantize } from '../src/simulation/stepControl.js';
import { milneConstant, predictorCoefficients } from '../src/solvers/errorEstimate.js';

type Input = Record<string, unknown>;

function run(input: Input, time: Record<string, number>): { rho: Float64Array; h: Float64Array | null; w: Float64Array | null; sim: Simulation; problem: Problem } {
  const base = input.time as Record<string, number>;
  const config = validateConfig({ ...input, time: { end: base.end, ...time } });
  const problem = buildProblem(config);
  const sim = new Simulation(problem, simulationOptions(config, problem));
  sim.run();
  const st = problem.stepper as AdaptiveStepper & { h?: () => Float64Array; velocity?: { w: Float64Array } };
  return { rho: Float64Array.from(st.rho()), h: st.h ? Float64Array.from(st.h()) : null, w: st.velocity?.w ?? null, sim, problem };
}

const maxAbs = (a: Float64Array, b: Float64Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

/** The controlled norm of a kinetic state's error: max over cells of the L²(M dv) norm over the nodes. */
function cellL2M(a: Float64Array, b: Float64Array, w: Float64Array): number {
  let m = 0;
  for (let c = 0; c < a.length / w.length; c++) {
    let s = 0;
    for (let k = 0; k < w.length; k++) s += w[k] * (a[c * w.length + k] - b[c * w.length + k]) ** 2;
    m = Math.max(m, Math.sqrt(s));
  }
  return m;
}

/**
 * Time errors at rtol = 1e-3, 1e-4, 1e-5 against a fixed-dt BDF2 solution on the same grid, in the
 * controlled unknowns: rho (limit equation), h in the cell-wise L²(M dv) norm (kinetic).
 */
function proportionality(input: Input, dtRef: number, rtols = [1e-3, 1e-4, 1e-5]): { errors: number[]; steps: number[] } {
  const ref = run(input, { dt: dtRef });
  const errors: number[] = [];
  const steps: number[] = [];
  for (const rtol of rtols) {
    const r = run(input, { rtol });
    errors.push(r.h && ref.h && r.w ? cellL2M(r.h, ref.h, r.w) : maxAbs(r.rho, ref.rho));
    steps.push(r.sim.report().accepted);
  }
  return { errors, steps };
}

function assertProportional(what: string, errors: number[], rtols: number[]): void {
  for (let i = 1; i < errors.length; i++) {
    const ratio = errors[i - 1] / errors[i];
    const want = rtols[i - 1] / rtols[i];
    // tolerance proportionality: rtol / 10 => error / ~10 (calibrated per-step control, docs/time-stepping.md)
    assert.ok(ratio > want / 2.5 && ratio < want * 2.5, `${what}: rtol ${rtols[i - 1]} -> ${rtols[i]} divides the error by ${ratio.toFixed(2)} (errors ${errors.map((e) => e.toExponential(2)).join(', ')})`);
  }
  // and the error is of the size of the tolerance (a too-loose estimate would let it grow beyond)
  errors.forEach((e, i) => assert.ok(e < 2 * rtols[i], `${what}: error ${e.toExponential(2)} at rtol ${rtols[i]}`));
}

test('diffusion 1D: the time error is proportional to rtol (alpha = -1, 0, 1)', () => {
  for (const alpha of [-1, 0, 1]) {
    const input = { model: { equation: 'diffusion', alpha }, domain: { cells: [64] }, initial: { rho: '1 + 0.5*sin(2*pi*x)' }, time: { end: 0.05 } };
    const { errors } = proportionality(input, 1e-5);
    assertProportional(`diffusion alpha ${alpha}`, errors, [1e-3, 1e-4, 1e-5]);
  }
});

test('diffusion 2D: the time error is proportional to rtol', () => {
  const input = { model: { equation: 'diffusion', dim: 2, alpha: 1 }, domain: { cells: [24, 24] }, initial: { rho: '1 + 0.5*sin(2*pi*x)*cos(2*pi*y)' }, time: { end: 0.02 } };
  const { errors } = proportionality(input, 1e-5, [1e-3, 1e-4]);
  assertProportional('diffusion 2D', errors, [1e-3, 1e-4]);
});

// Data with a density and a non-equilibrium part (h is not rho M), away from the maximum-principle
// limiter in 1D; well-prepared data at small eps (docs/time-stepping.md: where the bound limiter clips,
// the time error is only first order in dt, ∝ rtol^(1/2): checked separately below).
const mixed1D = { h: '1 + 0.2*sin(2*pi*x) + 0.3*cos(2*pi*x)*v/(1+v^2)' };
const mixed2D = { h: '1 + 0.2*sin(2*pi*x)*sin(2*pi*y) + 0.3*cos(2*pi*x)*cos(2*pi*y)*vx/(1+vx^2)' };

test('kinetic 1D: the time error is proportional to rtol at eps = 1, 0.1, 1e-2, 1e-8', () => {
  for (const eps of [1, 0.1, 1e-2, 1e-8]) {
    for (const initial of [mixed1D, { rho: '1 + 0.5*sin(2*pi*x)' }]) {
      if (eps === 1 && 'rho' in initial) continue; // limiter-bound: see the next test
      const input = { model: { equation: 'kinetic', alpha: 1, eps }, domain: { cells: [48] }, velocity: { nodes: 8 }, initial, time: { end: 0.05 } };
      const { errors } = proportionality(input, 5e-6, [1e-3, 1e-4, 1e-5]);
      assertProportional(`kinetic eps ${eps} ${JSON.stringify(initial)}`, errors, [1e-3, 1e-4, 1e-5]);
    }
  }
});

test('kinetic 1D where the bound limiter clips (data at its bounds, eps = 1): the time error still falls with rtol, at least like rtol^(1/2)', () => {
  const input = { model: { equation: 'kinetic', alpha: 1, eps: 1 }, domain: { cells: [48] }, velocity: { nodes: 8 }, initial: { rho: '1 + 0.5*sin(2*pi*x)' }, time: { end: 0.03 } };
  const rtols = [1e-4, 1e-5, 1e-6];
  const { errors } = proportionality(input, 5e-6, rtols);
  for (let i = 1; i < errors.length; i++) assert.ok(errors[i - 1] / errors[i] > 2.5, `errors ${errors.map((e) => e.toExponential(2)).join(', ')}`);
  errors.forEach((e, i) => assert.ok(e < 0.5 * Math.sqrt(rtols[i]), `error ${e} at rtol ${rtols[i]}`));
});

test('kinetic 2D: the time error is proportional to rtol at eps = 1, 0.1, 1e-2, 1e-8', () => {
  for (const eps of [1, 0.1, 1e-2, 1e-8]) {
    const input = { model: { equation: 'kinetic', dim: 2, alpha: 1, eps }, domain: { cells: [12, 12] }, velocity: { nodes: 4 }, initial: mixed2D, time: { end: 0.01 } };
    const { errors } = proportionality(input, 1e-5, [1e-4, 1e-5]);
    assertProportional(`kinetic 2D eps ${eps}`, errors, [1e-4, 1e-5]);
  }
});

test('fokker-planck 1D and 2D: the time error is proportional to rtol at eps = 0.1, 1e-2, 1e-8', () => {
  // (at eps = 1 these data touch their bounds and the limiter clips, as for kinetic above: rtol^(1/2))
  for (const eps of [0.1, 1e-2, 1e-8]) {
    const input = { model: { equation: 'fokker-planck', alpha: 1, eps }, domain: { cells: [32] }, velocity: { nodes: 8 }, initial: mixed1D, time: { end: 0.03 } };
    const { errors } = proportionality(input, 1e-5, [1e-3, 1e-4, 1e-5]);
    assertProportional(`fokker-planck eps ${eps}`, errors, [1e-3, 1e-4, 1e-5]);
  }
  const input2 = { model: { equation: 'fokker-planck', dim: 2, alpha: 1, eps: 0.1 }, domain: { cells: [10, 10] }, velocity: { nodes: 4 }, initial: mixed2D, time: { end: 0.01 } };
  const { errors } = proportionality(input2, 2e-5, [1e-4, 1e-5]);
  assertProportional('fokker-planck 2D eps 0.1', errors, [1e-4, 1e-5]);
});

test('bgk: the time error is proportional to rtol (non-stiff: Kn = 1, 0.1; the steps are below the transport limit)', () => {
  // (for Kn -> 0 the Strang splitting's error is first order in dt and not seen by the estimate: docs/bgk.md)
  for (const eps of [1, 0.1]) {
    const input = { model: { equation: 'bgk', alpha: 1, eps }, domain: { cells: [32] }, initial: { rho: '1 + 0.3*sin(2*pi*x)' }, bgk: { u: '0.2*cos(2*pi*x)', T: '1 + 0.2*sin(4*pi*x)', nodes: 24 }, time: { end: 0.03 } };
    const ref = run(input, { dt: 1e-5 });
    const errors: number[] = [];
    const rtols = [1e-5, 1e-6, 1e-7];
    for (const rtol of rtols) {
      const r = run(input, { rtol });
      const st = r.problem.stepper as AdaptiveStepper & { distribution(): Float64Array; dv: number; count: number };
      const f = st.distribution();
      const g = (ref.problem.stepper as typeof st).distribution();
      errors.push(cellL2M(f, g, new Float64Array(st.count).fill(st.dv)));
    }
    assertProportional(`bgk Kn ${eps}`, errors, rtols);
  }
});

/** A problem advanced by a few error-controlled steps (so that the BDF2 history exists). */
function warmed(input: Input, steps = 6): { problem: Problem; sim: Simulation; stepper: AdaptiveStepper } {
  const config = validateConfig(input);
  const problem = buildProblem(config);
  const sim = new Simulation(problem, simulationOptions(config, problem));
  let n = 0;
  sim.run(() => ++n >= steps);
  assert.ok(isAdaptive(problem.stepper));
  return { problem, sim, stepper: problem.stepper };
}

const bits = (x: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
/** Equal states, work counters (Newton/GMRES iterations, fallbacks) aside. */
function sameState(a: Record<string, Float64Array | number>, b: Record<string, Float64Array | number>, what: string): void {
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  for (const k of Object.keys(a)) {
    if (/Iterations|fallback|ramps|substeps/.test(k)) continue;
    const x = a[k];
    const y = b[k];
    if (x instanceof Float64Array && y instanceof Float64Array) assert.ok(bits(x).equals(bits(y)), `${what}: ${k} changed`);
    else assert.ok(Object.is(x, y), `${what}: ${k} = ${String(x)} became ${String(y)}`);
  }
}

test('a rejected attempt leaves the state untouched; the retry equals a first attempt (every grid solver)', () => {
  const cases: [string, Input][] = [
    ['diffusion 1D', { model: { equation: 'diffusion', alpha: -1 }, domain: { cells: [32] }, initial: { rho: '1 + 0.5*sin(2*pi*x)' }, time: { end: 0.05 } }],
    ['diffusion 2D', { model: { equation: 'diffusion', dim: 2, alpha: 1 }, domain: { cells: [16, 16] }, initial: { rho: '1 + 0.5*sin(2*pi*x)*sin(2*pi*y)' }, time: { end: 0.05 } }],
    ['kinetic 1D', { model: { equation: 'kinetic', alpha: 1, eps: 0.1 }, domain: { cells: [32] }, velocity: { nodes: 8 }, initial: { rho: '1 + 0.5*step(x-0.5)' }, time: { end: 0.05 } }],
    ['kinetic 2D', { model: { equation: 'kinetic', dim: 2, alpha: -1, eps: 0.1 }, domain: { cells: [10, 10] }, velocity: { nodes: 4 }, initial: { rho: '1 + 0.5*step(x-0.5)' }, time: { end: 0.05 } }],
    ['fokker-planck 1D', { model: { equation: 'fokker-planck', alpha: 1, eps: 0.1 }, domain: { cells: [24] }, velocity: { nodes: 6 }, initial: { rho: '1 + 0.5*step(x-0.5)' }, time: { end: 0.05 } }],
    ['fokker-planck 2D', { model: { equation: 'fokker-planck', dim: 2, alpha: -1, eps: 0.1 }, domain: { cells: [8, 8] }, velocity: { nodes: 4 }, initial: { rho: '1 + 0.5*step(x-0.5)' }, time: { end: 0.05 } }],
    ['bgk', { model: { equation: 'bgk', alpha: 1, eps: 0.1 }, domain: { cells: [32] }, initial: { rho: '1 + 0.5*sin(2*pi*x)' }, bgk: { nodes: 24 }, time: { end: 0.05 } }],
  ];
  for (const [what, input] of cases) {
    const a = warmed(input);
    const b = warmed(input);
    const before = a.stepper.saveState();
    const rhoBefore = Float64Array.from(a.stepper.rho());
    const dt = a.sim.controller.state.dtNext;
    // a far too long attempt: its estimate is large (it would be rejected) and nothing changes
    const big = a.stepper.attempt(50 * dt);
    assert.ok(big > a.sim.controller.threshold || big === Infinity, `${what}: a 50x step should fail the test (err ${big})`);
    sameState(before, a.stepper.saveState(), `${what} after a rejected attempt`);
    assert.ok(bits(rhoBefore).equals(bits(a.stepper.rho())), `${what}: rho changed`);
    // the retry is bit for bit the attempt of a solver that never saw the rejected one
    const ea = a.stepper.attempt(dt);
    const eb = b.stepper.attempt(dt);
    assert.ok(Object.is(ea, eb), `${what}: estimates ${ea} vs ${eb}`);
    a.stepper.accept();
    b.stepper.accept();
    sameState(a.stepper.saveState(), b.stepper.saveState(), `${what} after the retry`);
  }
});

test('steps to t = 0.1 do not grow as eps -> 0 (AP) nor with the grid: at most 2x the limit count over eps in [1e-8, 10]', () => {
  const count = (eps: number, cells: number, initial: Input) =>
    run({ model: { equation: 'kinetic', alpha: 1, eps }, domain: { cells: [cells] }, velocity: { nodes: 8 }, initial, time: { end: 0.1 } }, { rtol: 1e-4 }).sim.report().accepted;
  // well-prepared data (h = rho_in); ill-prepared data add an initial layer of length eps²/lambda whose
  // O(eps) mass shift is resolved while it is above the tolerance: a cost that does not grow as eps -> 0
  for (const [initial, bound] of [[{ rho: '1 + 0.5*sin(2*pi*x)' }, 2], [{ h: '(1 + 0.5*sin(2*pi*x))*(1 + 0.4*sin(2*pi*x)*v/(1+v^2))' }, 2.5]] as const) {
    const limit = count(1e-8, 64, initial);
    const counts = [10, 1, 0.1, 1e-2, 1e-4, 1e-6, 1e-8].map((eps) => [eps, count(eps, 64, initial)] as const);
    const show = counts.map(([e, m]) => `${e}:${m}`).join(' ');
    for (const [eps, n] of counts) assert.ok(n <= bound * limit, `${Object.keys(initial)[0]}: eps ${eps} took ${n} steps, the limit ${limit} (${show})`);
    assert.ok(counts[5][1] <= counts[4][1], `no growth as eps decreases (${show})`);
    // four times the cells: the step is set by time accuracy, not by dx or dx^2
    const fine = count(0.1, 256, initial);
    assert.ok(fine <= 1.5 * count(0.1, 64, initial), `256 cells: ${fine} steps`);
  }
});

test('error-controlled runs hit every snapshot time exactly and record dt and err in the series', () => {
  const config = validateConfig({ model: { equation: 'kinetic', alpha: -1, eps: 0.05 }, domain: { cells: [32] }, velocity: { nodes: 6 }, initial: { rho: '1 + 0.3*cos(2*pi*x)' }, time: { end: 0.05 }, output: { times: [0.0123, 1 / 30, 0.05] } });
  const problem = buildProblem(config);
  const rows: { t: number; dt: number; r: number }[] = [];
  const snaps: number[] = [];
  const sim = new Simulation(problem, simulationOptions(config, problem), {
    onSeries: (t, _v, _s, step) => rows.push({ t, ...step }),
    onSnapshot: (t) => snaps.push(t),
  });
  sim.start();
  sim.run();
  assert.deepEqual(snaps, [0, 0.0123, 1 / 30, 0.05]);
  let t = 0;
  for (const row of rows.slice(1)) {
    assert.ok(row.dt > 0 && row.r <= 1, `t = ${row.t}: dt ${row.dt}, r ${row.r}`);
    t += row.dt;
    assert.ok(Math.abs(t - row.t) < 1e-15, 'the steps add up to the time');
  }
  const report = sim.report();
  assert.equal(report.mode, 'adaptive');
  assert.equal(report.accepted, rows.length - 1);
  assert.ok(report.error_sum! > 0 && report.dt_min! > 0 && report.dt_max! >= report.dt_min!);
});

test('a tolerance that cannot be met stops the run naming step, time and cell; fixed steps report their estimate', () => {
  // a stepper whose estimate never falls below the tolerance (as one limited by an algebraic floor)
  const input = { model: { equation: 'kinetic', alpha: 1, eps: 0.1 }, domain: { cells: [16] }, velocity: { nodes: 4 }, initial: { rho: '1 + 0.5*sin(2*pi*x)' }, time: { end: 0.01 } };
  const config = validateConfig(input);
  const problem = buildProblem(config);
  const stepper = problem.stepper as AdaptiveStepper;
  const sim = new Simulation(problem, simulationOptions(config, problem));
  let n = 0;
  sim.run(() => ++n >= 3);
  const attempt = stepper.attempt.bind(stepper);
  stepper.attempt = (dt: number) => (attempt(dt), 1);
  assert.throws(() => sim.run(), (e: unknown) => e instanceof NumericalFailure && /^step 4, t = [0-9.e-]+: the step size fell below .* in cell \d+ \(x = /.test(e.message));
  // fixed steps: the same estimate is computed and reported (here far above the tolerance)
  const fixed = run({ ...input, model: { equation: 'kinetic', alpha: 1, eps: 1e-8 }, time: { end: 0.05 } }, { dt: 0.005, rtol: 1e-6 });
  const rep = fixed.sim.report();
  assert.equal(rep.mode, 'fixed');
  assert.equal(rep.dt, 0.005);
  assert.ok(rep.error_sum! > 1, `a 0.005 step at rtol 1e-6: error sum ${rep.error_sum}`);
});

test('the first step does not follow a denormal fixed-step guess (0.1 dx / max D of a density floored at 1e-300)', () => {
  // the limit equation's fixed step is 0.1 dx / max D; a density with a floor of 1e-300 and alpha = 1
  // made it ~1e-298, where the predictor's step ratios underflow to NaN (an internal error after the
  // start-up) and the step would have had to grow through 290 decades
  const input = { model: { equation: 'diffusion', alpha: -1 }, domain: { cells: [32] }, initial: { rho: '1 + 0.5*sin(2*pi*x)' }, time: { end: 0.01 } };
  const config = validateConfig(input);
  const problem = buildProblem(config);
  const stepper = problem.stepper as AdaptiveStepper;
  stepper.suggestedDt = () => 1e-298;
  const sim = new Simulation(problem, simulationOptions(config, problem));
  sim.run();
  const rep = sim.report();
  assert.ok(rep.dt_min! >= 1e-8 * 0.01 / 2 ** 10, `dt_min ${rep.dt_min}`);
  assert.ok(rep.accepted < 200, `${rep.accepted} steps`);
  const ref = run(input, {});
  assert.ok(maxAbs(stepper.rho(), ref.rho) < 1e-5, 'the same solution as from the ordinary first step');
});

test('Milne constant and predictor: exact on cubics, 2/7 at constant steps', () => {
  assert.ok(Math.abs(milneConstant(2, 1, 1, 1) - 2 / 7) < 1e-15);
  assert.equal(milneConstant(1, 0.3, 0.2, 0.1), 1);
  const c = predictorCoefficients(0.3, 0.2, 0.5, new Float64Array(3));
  const q = (t: number) => 1 - 2 * t + 3 * t * t; // quadratics are extrapolated exactly
  const tn = 1;
  assert.ok(Math.abs(c[0] * q(tn) + c[1] * q(tn - 0.2) + c[2] * q(tn - 0.7) - q(tn + 0.3)) < 1e-13);
  // PI controller: accepts r <= 1, shrinks after a rejection, grows at most 2x, quantizes
  const ctl = new StepController({ order: 2, rtol: 1e-4 }, 0.01);
  assert.equal(ctl.threshold, 1e-2);
  assert.equal(ctl.judge(0.01, 0.5e-2), true);
  assert.ok(ctl.state.dtNext > 0.01 && ctl.state.dtNext <= 0.02);
  assert.equal(ctl.judge(0.02, 5e-2), false);
  assert.ok(ctl.state.dtNext < 0.02 && ctl.state.afterReject === 1);
  assert.equal(ctl.judge(0.01, Infinity), false);
  assert.equal(ctl.state.dtNext, quantize(0.0025));
  assert.equal(quantize(1), 1);
  assert.equal(quantize(3), 3);
  assert.ok(quantize(0.0999) <= 0.0999 && quantize(0.0999) > 0.0999 * (1 - 1 / 32));
});

/**
 * Several species (src/solvers/species, docs/species.md): labelling, mass and bounds per species,
 * the eps -> 0 convergence to the Fickian limit system (and not to the Itô form), particles against
 * the kinetic solver within the noise, the refusals before running, error control and checkpoints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import type { Problem } from '../src/simulation/problem.js';
import { Simulation } from '../src/simulation/simulation.js';
import { simulationOptions } from '../src/simulation/options.js';
import type { AdaptiveStepper } from '../src/solvers/stepper.js';
import { SpeciesKineticSolver } from '../src/solvers/species/kinetic.js';
import { SpeciesLimitSolver } from '../src/solvers/species/limit.js';
import { SpeciesParticleSolver } from '../src/solvers/species/particles.js';
import { describedRate, SpeciesRates } from '../src/solvers/species/rates.js';
import { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { compileExpression } from '../src/models/expression.js';
import { makeGrid, cellAverages } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { fitPowerLaw } from '../src/fitting/rates.js';
import { main } from '../src/cli/main.js';
import { assertResumesAfterPowerCut } from './support/powerCut.js';

type Input = Record<string, unknown>;

function run(input: Input, onRow?: (p: Problem) => void): { problem: Problem; sim: Simulation } {
  const config = validateConfig(input);
  const problem = buildProblem(config);
  const sim = new Simulation(problem, simulationOptions(config, problem), onRow ? { onSeries: () => onRow(problem) } : {});
  sim.start();
  sim.run();
  return { problem, sim };
}

const col = (p: Problem, name: string) => p.sample()[p.columns.indexOf(name)];
const maxAbs = (a: Float64Array, b: Float64Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
const l2 = (a: Float64Array, b: Float64Array) => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0) / a.length);
const kin = (p: Problem) => p.stepper as SpeciesKineticSolver;
const lim = (p: Problem) => p.stepper as SpeciesLimitSolver;

const sinCos = [
  { name: 'a', rho: '1 + 0.5*sin(2*pi*x)', rate: '0.3 + b' },
  { name: 'b', rho: '1 + 0.5*cos(2*pi*x)', rate: '0.3 + a^2' },
];

test('labelling: two species with the rate f(rho1 + rho2) sum to the one-species kinetic solution to round-off', (t) => {
  const cases: [number, string, string][] = [
    // proportional data h_a = 0.6 h, h_b = 0.4 h: h_a = 0.6 h exactly in every regime (the limiter scales too)
    [1, '0.6*(1 + 0.5*sin(2*pi*x))', '0.4*(1 + 0.5*sin(2*pi*x))'],
    [0.1, '0.6*(1 + 0.5*sin(2*pi*x))', '0.4*(1 + 0.5*sin(2*pi*x))'],
    [1e-3, '0.6*(1 + 0.5*sin(2*pi*x))', '0.4*(1 + 0.5*sin(2*pi*x))'],
    // different profiles: exact wherever the per-species bound limiter does not act (checked below)
    [0.1, '0.5 + 0.25*sin(2*pi*x)', '0.5 + 0.25*cos(4*pi*x)'],
    [1e-3, '0.5 + 0.25*sin(2*pi*x)', '0.5 + 0.25*cos(4*pi*x)'],
  ];
  for (const [eps, ra, rb] of cases) {
    const base = { model: { equation: 'kinetic', eps }, domain: { cells: [48] }, velocity: { nodes: 8 }, time: { end: 0.05, dt: 0.002 } };
    const two = run({ ...base, species: [{ name: 'a', rho: ra, rate: '1/(0.5 + a + b)' }, { name: 'b', rho: rb, rate: '1/(0.5 + rho1 + rho2)' }] }).problem;
    const one = run({ ...base, model: { ...base.model, rate: '1/(0.5 + rho)' }, initial: { rho: `(${ra}) + (${rb})` } }).problem;
    const h = (one.stepper as KineticSolver).h();
    const [sa, sb] = kin(two).species;
    const ha = sa.h();
    const hb = sb.h();
    const sum = ha.map((x, i) => x + hb[i]);
    const err = maxAbs(sum, h);
    const proportional = ra.startsWith('0.6');
    if (!proportional) assert.equal(kin(two).counters().hLimiterCells + kin(two).counters().rhoLimiterSteps, 0, 'the limiter must not act in the non-proportional cases');
    t.diagnostic(`eps ${eps} ${proportional ? 'proportional' : 'general'}: max |h_a + h_b − h| = ${err.toExponential(2)}`);
    assert.ok(err < 1e-12, `eps ${eps} ${proportional ? 'proportional' : 'general'} data: max |h_a + h_b − h| = ${err}`);
    if (proportional) assert.ok(maxAbs(ha, h.map((x) => 0.6 * x)) < 1e-12, 'h_a = 0.6 h');
  }
});

test('a one-species list is the one-species kinetic config, bit for bit (error-controlled steps)', () => {
  const base = { model: { equation: 'kinetic', eps: 0.05 }, domain: { cells: [32] }, velocity: { nodes: 6 }, time: { end: 0.03 } };
  const a = run({ ...base, species: [{ name: 'u', rho: '1 + 0.5*sin(2*pi*x)', rate: '1 + u^2' }] });
  const b = run({ ...base, model: { ...base.model, rate: '1 + rho^2' }, initial: { rho: '1 + 0.5*sin(2*pi*x)' } });
  assert.equal(a.sim.report().accepted, b.sim.report().accepted);
  assert.deepEqual(Array.from(kin(a.problem).species[0].h()), Array.from((b.problem.stepper as KineticSolver).h()));
});

test('limit system labelling: two species with f(rho1 + rho2) sum to the one-species limit solution to round-off', () => {
  const base = { model: { equation: 'diffusion' }, domain: { cells: [48] }, time: { end: 0.05, dt: 0.002 } };
  const two = run({ ...base, species: [{ name: 'a', rho: '0.5 + 0.25*sin(2*pi*x)', rate: '1 + a + b' }, { name: 'b', rho: '0.5 + 0.25*cos(4*pi*x)', rate: '1 + a + b' }] }).problem;
  const one = run({ ...base, species: [{ name: 'u', rho: '(0.5 + 0.25*sin(2*pi*x)) + (0.5 + 0.25*cos(4*pi*x))', rate: '1 + u' }] }).problem;
  const sum = lim(two).speciesRho(0).map((x, i) => x + lim(two).speciesRho(1)[i]);
  assert.ok(maxAbs(sum, lim(one).speciesRho(0)) < 1e-13, `${maxAbs(sum, lim(one).speciesRho(0))}`);
});

test('mass of every species to round-off and per-species bounds: kinetic (eps 1, 0.1, 1e-4), Fick, Itô, particles; segregated data with vacuum', (t) => {
  // segregated data: a lives left, b right (each vanishes on the other's half), cross rates finite and > 0
  const seg = [
    { name: 'a', rho: 'if(x < 0.5, 1, 0)', rate: '0.2 + b' },
    { name: 'b', rho: 'if(x < 0.5, 0, 1.5)', rate: '0.2 + a' },
  ];
  const massOf = (p: Problem) => ['a', 'b'].map((n) => col(p, `mass_${n}`));
  for (const eps of [1, 0.1, 1e-4]) {
    let lo = [Infinity, Infinity];
    let hi = [-Infinity, -Infinity];
    const r = run({ model: { equation: 'kinetic', eps }, domain: { cells: [48] }, velocity: { nodes: 8 }, species: seg, time: { end: 0.05 } }, (p) => {
      ['a', 'b'].forEach((n, i) => {
        lo[i] = Math.min(lo[i], col(p, `hmin_${n}`));
        hi[i] = Math.max(hi[i], col(p, `hmax_${n}`));
      });
    });
    const m = massOf(r.problem);
    t.diagnostic(`kinetic eps ${eps}: mass errors ${Math.abs(m[0] - 0.5).toExponential(1)}, ${Math.abs(m[1] - 0.75).toExponential(1)}; h_a in [${lo[0]}, ${hi[0]}], h_b in [${lo[1]}, ${hi[1]}]`);
    assert.ok(Math.abs(m[0] - 0.5) < 1e-14 && Math.abs(m[1] - 0.75) < 1e-14, `eps ${eps}: masses ${m}`);
    // h_a within [0, 1], h_b within [0, 1.5] (round-off aside), at every series row
    assert.ok(lo[0] >= -1e-14 && hi[0] <= 1 + 1e-14 && lo[1] >= -1e-14 && hi[1] <= 1.5 + 1e-14, `eps ${eps}: h ranges ${lo} ${hi}`);
  }
  for (const flux of ['fick', 'ito']) {
    let lo = Infinity;
    let hi = -Infinity;
    const r = run({ model: { equation: 'diffusion', flux }, domain: { cells: [64] }, species: [{ ...seg[0], rate: '1 + b' }, { ...seg[1], rate: '1 + a' }], time: { end: 0.05 } }, (p) => {
      lo = Math.min(lo, col(p, 'min_a'), col(p, 'min_b'));
      hi = Math.max(hi, col(p, 'max_a'));
    });
    const m = massOf(r.problem);
    t.diagnostic(`${flux}: mass errors ${Math.abs(m[0] - 0.5).toExponential(1)}, ${Math.abs(m[1] - 0.75).toExponential(1)}; min rho ${lo}, max rho_a ${hi}`);
    assert.ok(Math.abs(m[0] - 0.5) < 1e-14 && Math.abs(m[1] - 0.75) < 1e-14, `${flux}: masses ${m}`);
    assert.ok(lo >= -1e-15, `${flux}: rho_i >= 0 (min ${lo})`);
    if (flux === 'fick') assert.ok(hi <= 1 + 1e-14, `fick: rho_a <= 1 (max ${hi})`);
  }
  const p = run({ model: { equation: 'particles', eps: 0.1 }, domain: { cells: [32] }, particles: { count: 2000 }, species: seg, time: { end: 0.02, dt: 0.002 } }).problem;
  const m = massOf(p);
  assert.ok(Math.abs(m[0] - 0.5) < 1e-14 && Math.abs(m[1] - 0.75) < 1e-14, `particles: masses ${m}`);
});

test('the entropy and energy of every species are nonincreasing (kinetic and the Fickian limit), for cross-dependent rates', () => {
  for (const equation of ['kinetic', 'diffusion']) {
    const ent: number[] = [];
    const en: number[] = [];
    run({ model: { equation, ...(equation === 'kinetic' ? { eps: 0.1 } : {}) }, domain: { cells: [32] }, ...(equation === 'kinetic' ? { velocity: { nodes: 6 } } : {}), species: sinCos, time: { end: 0.05 } }, (p) => {
      ent.push(col(p, 'entropy'));
      en.push(col(p, 'energy'));
    });
    for (let k = 1; k < ent.length; k++) {
      assert.ok(ent[k] <= ent[k - 1] + 1e-13 && en[k] <= en[k - 1] + 1e-13, `${equation}: row ${k}: entropy ${ent[k - 1]} -> ${ent[k]}, energy ${en[k - 1]} -> ${en[k]}`);
    }
    assert.ok(ent[ent.length - 1] < ent[0] - 1e-3, `${equation}: the entropy decays`);
  }
});

test('eps -> 0: the kinetic species converge to the Fickian limit system, O(eps²) in the density and O(eps) in h; not to the Itô form', (t) => {
  const epss = [0.1, 0.05, 0.025];
  const dr: number[] = [];
  const dh: number[] = [];
  for (const eps of epss) {
    const p = run({ model: { equation: 'kinetic', eps }, domain: { cells: [64] }, velocity: { nodes: 12 }, species: sinCos, time: { end: 0.05, rtol: 1e-6 } }).problem;
    dr.push(Math.max(col(p, 'distrho_a'), col(p, 'distrho_b')));
    dh.push(Math.max(col(p, 'dist_a'), col(p, 'dist_b')));
  }
  const or = fitPowerLaw(epss, dr).order;
  // h: order 1 (the non-equilibrium part −(eps/lambda) v ∂x rho); the last pair is closest to it
  const oh = Math.log(dh[1] / dh[2]) / Math.log(epss[1] / epss[2]);
  t.diagnostic(`density distances ${dr.map((x) => x.toExponential(3))} (order ${or.toFixed(2)}), h distances ${dh.map((x) => x.toExponential(3))} (last local order ${oh.toFixed(2)})`);
  assert.ok(or > 1.7 && or < 2.4, `density order ${or} (distances ${dr.map((x) => x.toExponential(2))})`);
  assert.ok(oh > 0.9 && oh < 1.4, `h order ${oh} (distances ${dh.map((x) => x.toExponential(2))})`);
  // the Itô form Δ(rho_i/lambda_i) (parabolic for these exclusion-type rates) is a different limit
  const species = [{ name: 'a', rho: '1 + 0.5*sin(2*pi*x)', rate: '1 + a + b' }, { name: 'b', rho: '1 + 0.5*cos(2*pi*x)', rate: '1 + a + b' }];
  const base = { domain: { cells: [48] }, species, time: { end: 0.05, rtol: 1e-6 } };
  const ito = lim(run({ ...base, model: { equation: 'diffusion', flux: 'ito' } }).problem).speciesRho(0);
  const fick = lim(run({ ...base, model: { equation: 'diffusion' } }).problem).speciesRho(0);
  const toIto: number[] = [];
  const toFick: number[] = [];
  for (const eps of [0.05, 0.025]) {
    const r = kin(run({ ...base, model: { equation: 'kinetic', eps }, velocity: { nodes: 8 } }).problem).species[0].rho();
    toIto.push(l2(r, ito));
    toFick.push(l2(r, fick));
  }
  t.diagnostic(`eps 0.05, 0.025: to Fick ${toFick.map((x) => x.toExponential(3))}, to Itô ${toIto.map((x) => x.toExponential(3))}`);
  assert.ok(toFick[1] < toFick[0] / 4 && toIto[1] > 0.9 * toIto[0] && toIto[1] > 50 * toFick[1], `to Fick ${toFick}, to Itô ${toIto}`);
});

test('particles with species labels match the species kinetic solver within the binomial noise', (t) => {
  const C = 32;
  const count = 20000;
  const E = 4;
  const eps = 0.1;
  const dt = 1e-3;
  const times = [0.01, 0.02, 0.03];
  const grid = makeGrid([C]);
  const exprs = ['1 + 0.5*sin(2*pi*x)', '1 + 0.5*cos(2*pi*x)'];
  const rho0 = exprs.map((e) => {
    const f = compileExpression(e, ['x']);
    return cellAverages(grid, (x) => f.fn(x));
  });
  const vars = SpeciesRates.variables(['a', 'b']);
  const rates = new SpeciesRates(sinCos.map((s) => ({ name: s.name, source: s.rate, fn: compileExpression(s.rate, vars).fn })));
  const parts = new SpeciesParticleSolver({ grid, rates, eps, rho0, count, seed: 7, ensembles: E, scheme: 'exact' });
  // reference: the kinetic species on R·C cells from the same piecewise-constant data, averaged back
  const R = 4;
  const fine = makeGrid([R * C]);
  const vel = velocityGrid(1, 16);
  const K = vel.count;
  const h0 = rho0.map((r) => {
    const h = new Float64Array(R * C * K);
    for (let i = 0; i < R * C; i++) h.fill(r[Math.floor(i / R)], i * K, (i + 1) * K);
    return h;
  });
  const ref = new SpeciesKineticSolver({ grid: fine, velocity: vel, rates, eps, h0, laws: [describedRate('a'), describedRate('b')] });
  let now = 0;
  let ratio = 0;
  let rows = 0;
  for (const T of times) {
    while (now < T - 1e-12) {
      parts.step(dt);
      ref.step(dt);
      now += dt;
    }
    for (let i = 0; i < 2; i++) {
      const rf = ref.species[i].rho();
      const avg = new Float64Array(C);
      for (let c = 0; c < R * C; c++) avg[Math.floor(c / R)] += rf[c] / R;
      const m = 1; // mass of each species on the unit torus
      let sigma2 = 0;
      for (let c = 0; c < C; c++) sigma2 += (C * m * avg[c] * (1 - avg[c] / (C * m))) / (count * E);
      sigma2 /= C;
      const err2 = l2(parts.species[i].rho(), avg) ** 2;
      ratio += err2 / sigma2;
      rows++;
    }
  }
  ratio /= rows;
  t.diagnostic(`time-averaged err²/sigma² over 2 species × ${times.length} times: ${ratio.toFixed(3)}`);
  // err²/sigma² is a mean of weighted χ²_C/C variables: 1 on average, sd about sqrt(2/C) = 0.25 for one row
  assert.ok(ratio < 1 + 4 * Math.sqrt(2 / C) && ratio > 0.3, `time-averaged err²/sigma² = ${ratio}`);
});

test('refused before running, exit 2 naming the rate and the state (nothing written): vanishing, infinite and negative rates, a non-parabolic Itô system, bad lists', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-species-'));
  const seg = (rateA: string, rateB: string, equation = 'kinetic') =>
    `model: { equation: ${equation}${equation === 'diffusion' ? '' : ', eps: 0.1'} }\ndomain: { cells: [32] }\nspecies:\n  - { name: a, rho: "if(x < 0.5, 1, 0)", rate: "${rateA}" }\n  - { name: b, rho: "if(x < 0.5, 0, 1)", rate: "${rateB}" }\ntime: { end: 0.01 }\n`;
  const cases: [string, string, RegExp][] = [
    ['vanishing', seg('b', '1'), /species\[0\]\.rate: lambda_a = b is 0 at \(a = 1, b = 0\), a state of the initial data \(x = .*\): the diffusivity 1\/lambda_a is infinite/],
    ['infinite', seg('1', '1/a', 'diffusion'), /species\[1\]\.rate: lambda_b = 1\/a is Infinity at \(a = 0, b = 1\).*species b is frozen there/],
    ['negative', seg('b - 0.5', '1', 'particles'), /species\[0\]\.rate: lambda_a = b - 0.5 is -0.5 at \(a = 1, b = 0\).*backward diffusion/],
    ['undefined', seg('log(b - 2)', '1'), /species\[0\]\.rate: lambda_a = log\(b - 2\) is NaN/],
    [
      'Itô not parabolic',
      `model: { equation: diffusion, flux: ito }\ndomain: { cells: [32] }\nspecies:\n${sinCos.map((s) => `  - { name: ${s.name}, rho: "${s.rho}", rate: "${s.rate}" }`).join('\n')}\ntime: { end: 0.01 }\n`,
      /model\.flux: the Itô form .* is not parabolic at \(a = [0-9.]+, b = [0-9.]+\).*eigenvalue with real part -[0-9.]+ ≤ 0 \(lambda_a = 0\.3 \+ b, lambda_b = 0\.3 \+ a\^2\)/,
    ],
    ['reserved name', seg('1', '1').replace('name: a,', 'name: rho2,'), /species\[0\]\.name: 'rho2' is reserved/],
    ['built-in name', seg('1', '1').replace('name: a,', 'name: pi,'), /species\[0\]\.name: 'pi' is a built-in name/],
    ['model.rate with species', seg('1', '1').replace('eps: 0.1', 'eps: 0.1, alpha: 1'), /model\.alpha: is not used with species/],
    ['2D', seg('1', '1').replace('cells: [32]', 'cells: [8, 8]').replace('eps: 0.1', 'eps: 0.1, dim: 2'), /model\.dim: species runs are one-dimensional/],
    ['flux without species', 'model: { equation: diffusion, alpha: 1, flux: ito }\ndomain: { cells: [32] }\ninitial: { rho: "1" }\ntime: { end: 0.01 }\n', /model\.flux: chooses the flux of a species limit system/],
  ];
  for (const [what, yaml, re] of cases) {
    const cfg = path.join(tmp, `${what.replace(/\W/g, '_')}.yaml`);
    fs.writeFileSync(cfg, yaml);
    const out = path.join(tmp, `out-${what.replace(/\W/g, '_')}`);
    let err = '';
    const code = await main(['node', 'nlbgk', 'run', cfg, '--out', out], { out: () => {}, err: (s: string) => void (err += s) });
    assert.equal(code, 2, `${what}: exit ${code} (${err})`);
    assert.match(err, re, what);
    assert.ok(!fs.existsSync(out), `${what}: nothing written`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Time errors at rtol = 1e-3, 1e-4, 1e-5 against a fixed-step solution (the adaptive.test.ts pattern). */
function proportional(input: Input, dtRef: number, solution: (p: Problem) => Float64Array): number[] {
  const ref = solution(run({ ...input, time: { end: 0.05, dt: dtRef } }).problem);
  return [1e-3, 1e-4, 1e-5].map((rtol) => maxAbs(solution(run({ ...input, time: { end: 0.05, rtol } }).problem), ref));
}

test('species steppers: the time error is proportional to rtol (kinetic at eps 0.1 and 1e-6, Fick, Itô)', (t) => {
  const cases: [string, Input, (p: Problem) => Float64Array][] = [
    ['kinetic eps 0.1', { model: { equation: 'kinetic', eps: 0.1 }, domain: { cells: [32] }, velocity: { nodes: 6 }, species: sinCos.map((s) => ({ ...s, rho: undefined, h: `(${s.rho})*(1 + 0.3*tanh(v)*cos(2*pi*x))` })) }, (p) => Float64Array.from(p.stepper.rho())],
    ['kinetic eps 1e-6', { model: { equation: 'kinetic', eps: 1e-6 }, domain: { cells: [32] }, velocity: { nodes: 6 }, species: sinCos }, (p) => Float64Array.from(p.stepper.rho())],
    ['Fick', { model: { equation: 'diffusion' }, domain: { cells: [48] }, species: sinCos }, (p) => Float64Array.from((p.stepper as AdaptiveStepper).solution())],
    ['Itô', { model: { equation: 'diffusion', flux: 'ito' }, domain: { cells: [48] }, species: sinCos.map((s) => ({ ...s, rate: '1 + a + b' })) }, (p) => Float64Array.from((p.stepper as AdaptiveStepper).solution())],
  ];
  for (const [what, input, sol] of cases) {
    const e = proportional(input, 1e-5, sol);
    t.diagnostic(`${what}: errors at rtol 1e-3, 1e-4, 1e-5: ${e.map((x) => x.toExponential(2)).join(', ')}`);
    for (let i = 1; i < e.length; i++) {
      const r = e[i - 1] / e[i];
      assert.ok(r > 4 && r < 25, `${what}: rtol / 10 divides the error by ${r.toFixed(2)} (errors ${e.map((x) => x.toExponential(2))})`);
    }
    e.forEach((x, i) => assert.ok(x < 2 * [1e-3, 1e-4, 1e-5][i], `${what}: error ${x} at rtol ${[1e-3, 1e-4, 1e-5][i]}`));
  }
});

const bits = (x: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
function sameState(a: Record<string, Float64Array | number>, b: Record<string, Float64Array | number>, what: string): void {
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), what);
  for (const k of Object.keys(a)) {
    if (/Iterations|fallback|substeps/.test(k)) continue;
    const x = a[k];
    const y = b[k];
    if (x instanceof Float64Array && y instanceof Float64Array) assert.ok(bits(x).equals(bits(y)), `${what}: ${k} changed`);
    else assert.ok(Object.is(x, y), `${what}: ${k} = ${String(x)} became ${String(y)}`);
  }
}

test('species steppers: a rejected attempt changes nothing, the retry equals a first attempt; save/restore continues bit for bit', () => {
  const cases: [string, Input][] = [
    ['kinetic', { model: { equation: 'kinetic', eps: 0.1 }, domain: { cells: [24] }, velocity: { nodes: 6 }, species: sinCos, time: { end: 0.05 } }],
    ['limit', { model: { equation: 'diffusion' }, domain: { cells: [24] }, species: sinCos, time: { end: 0.05 } }],
  ];
  for (const [what, input] of cases) {
    const warm = () => {
      const config = validateConfig(input);
      const problem = buildProblem(config);
      const sim = new Simulation(problem, simulationOptions(config, problem));
      let n = 0;
      sim.run(() => ++n >= 5);
      return { sim, stepper: problem.stepper as AdaptiveStepper };
    };
    const a = warm();
    const b = warm();
    const before = a.stepper.saveState();
    const dt = a.sim.controller.state.dtNext;
    const big = a.stepper.attempt(50 * dt);
    assert.ok(big > a.sim.controller.threshold || big === Infinity, `${what}: a 50x step should fail (err ${big})`);
    sameState(before, a.stepper.saveState(), `${what} after a rejected attempt`);
    const ea = a.stepper.attempt(dt);
    const eb = b.stepper.attempt(dt);
    assert.ok(Object.is(ea, eb), `${what}: estimates ${ea} vs ${eb}`);
    a.stepper.accept();
    b.stepper.accept();
    sameState(a.stepper.saveState(), b.stepper.saveState(), `${what} after the retry`);
    // restore into a fresh problem and continue: the same bits as the original
    const saved = a.stepper.saveState();
    const c = warm();
    c.stepper.restoreState(saved);
    for (const s of [a.stepper, c.stepper]) for (const h of [dt, 0.7 * dt, 1.3 * dt]) s.step(h);
    sameState(a.stepper.saveState(), c.stepper.saveState(), `${what} after restore`);
  }
});

test('species runs: a power cut after a checkpoint resumes to the same bytes (kinetic with its limit system, particles)', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-species-resume-'));
  const inputs: Input[] = [
    { model: { equation: 'kinetic', eps: 0.05 }, domain: { cells: [24] }, velocity: { nodes: 6 }, species: sinCos, time: { end: 0.02, rtol: 1e-5 }, output: { times: [0.005, 0.02], series_every: 3 }, checkpoint: { every_steps: 7 } },
    { model: { equation: 'particles', eps: 0.1 }, domain: { cells: [16] }, particles: { count: 2000, seed: 5, ensembles: 2 }, species: sinCos, time: { end: 0.01, dt: 0.001 }, output: { times: [0.005, 0.01] }, checkpoint: { every_steps: 4 } },
  ];
  for (const [k, input] of inputs.entries()) {
    const config = validateConfig(input);
    await assertResumesAfterPowerCut(config, root, 9, `${(input.model as { equation: string }).equation}${k}`);
  }
  fs.rmSync(root, { recursive: true, force: true });
});

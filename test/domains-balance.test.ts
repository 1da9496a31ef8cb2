/**
 * Open boundaries and vacuum through the whole run path (issue 12): mass + cumulative outflow =
 * initial mass to 1e-12 with every boundary kind, rho >= 0 and compact support for the porous medium
 * with vacuum data at the default tolerances, fast diffusion filling vacuum at once, and the stepper
 * contract (rejected attempts change nothing, save/restore and resume continue bit for bit).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { Simulation } from '../src/simulation/simulation.js';
import { simulationOptions } from '../src/simulation/options.js';
import { resumeRun, runConfig, runProblem } from '../src/run.js';
import { barenblatt } from '../src/diagnostics/exact.js';
import type { DiffusionSolver } from '../src/solvers/diffusion/solver.js';

type Cfg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Run a config in process: the series rows by column name, the problem, the final density. */
function simulate(input: Cfg) {
  const config = validateConfig(input);
  const problem = buildProblem(config);
  const rows: number[][] = [];
  const sim = new Simulation(problem, simulationOptions(config, problem), { onSeries: (t, v) => rows.push([t, ...v]) });
  sim.start();
  sim.run();
  const col = (name: string) => rows.map((r) => r[1 + problem.columns.indexOf(name)]);
  return { problem, rows, col, sim, rho: Float64Array.from(problem.stepper.rho()), solver: problem.stepper as DiffusionSolver };
}

const BALANCE: [string, Cfg, string[]][] = [
  ['zero-flux walls (porous medium)', { model: { equation: 'diffusion', alpha: -1 }, domain: { cells: [64], box: [[0, 1]], boundary: { x: ['zero-flux', 'zero-flux'] } }, initial: { rho: '1 + step(x - 0.5)' }, time: { end: 0.05 } }, ['outflow_x_lo', 'outflow_x_hi']],
  ['dirichlet sides (heat)', { model: { equation: 'diffusion', alpha: 0 }, domain: { cells: [64], box: [[0, 2]], boundary: { x: [{ kind: 'dirichlet', value: 2 }, { kind: 'dirichlet', value: 0.5 }] } }, initial: { rho: '1 + 0.5*cos(pi*x)' }, time: { end: 0.2 } }, ['outflow_x_lo', 'outflow_x_hi']],
  ['far field, porous medium with vacuum', { model: { equation: 'diffusion', alpha: -2 }, domain: { cells: [80], box: [[-3, 3]], boundary: { x: ['far-field', 'far-field'] } }, initial: { rho: 'max(1 - x^2, 0)^0.5' }, time: { end: 0.3 } }, ['outflow_x_lo', 'outflow_x_hi']],
  ['far field, fast diffusion tails (radial, d = 3)', { model: { equation: 'diffusion', alpha: 0.5, dim: 3 }, domain: { cells: [60], geometry: 'radial', box: [[0, 50]], spacing: { kind: 'log', scale: 0.1 }, boundary: { r: ['centre', 'far-field'] } }, initial: { rho: 'max(1 - r^2, 0)' }, time: { end: 0.5 } }, ['outflow_r_hi']],
  ['far field, 2D log diffusion (radial, R = 1e6)', { model: { equation: 'diffusion', alpha: 1, dim: 2 }, domain: { cells: [120], geometry: 'radial', box: [[0, 1e6]], spacing: { kind: 'log', scale: 0.1 }, boundary: { r: ['centre', 'far-field'] } }, initial: { rho: '8/(1 + r^2)^2' }, time: { end: 0.3, atol: 1e-14 } }, ['outflow_r_hi']],
  ['an annulus with an inflow (dirichlet inside, zero-flux outside)', { model: { equation: 'diffusion', alpha: 0.5, dim: 2 }, domain: { cells: [40], geometry: 'radial', box: [[1, 5]], boundary: { r: [{ kind: 'dirichlet', value: 2 }, 'zero-flux'] } }, initial: { rho: '1' }, time: { end: 0.5 } }, ['outflow_r_lo', 'outflow_r_hi']],
  ['2D: periodic in x, dirichlet and far field in y (multigrid with mixed sides)', { model: { equation: 'diffusion', alpha: -1, dim: 2 }, domain: { cells: [24, 32], box: [[0, 1], [0, 2]], boundary: { x: 'periodic', y: [{ kind: 'dirichlet', value: 1 }, 'far-field'] } }, initial: { rho: '(1 + 0.5*sin(2*pi*x))*max(1 - y, 0)' }, time: { end: 0.05 } }, ['outflow_y_lo', 'outflow_y_hi']],
  ['the unit torus with vacuum (porous medium, 1D; the mesh solver, periodic)', { model: { equation: 'diffusion', alpha: -1 }, domain: { cells: [64] }, initial: { rho: 'step(x - 0.3)*step(0.6 - x)' }, time: { end: 0.05 } }, []],
  ['the unit torus with vacuum (fast diffusion, 2D, periodic multigrid)', { model: { equation: 'diffusion', alpha: 0.5, dim: 2 }, domain: { cells: [24, 24] }, initial: { rho: 'step(0.1 - (x - 0.5)^2 - (y - 0.5)^2)' }, time: { end: 0.01 } }, []],
];

for (const [name, input, outflows] of BALANCE) {
  test(`mass + outflow = initial mass to 1e-12: ${name}`, () => {
    const { problem, rows, col } = simulate(input);
    for (const c of outflows) assert.ok(problem.columns.includes(c), `column ${c} in ${problem.columns}`);
    assert.equal(problem.columns.filter((c) => c.startsWith('outflow_')).length, outflows.length);
    const mass = col('mass');
    const out = outflows.map(col);
    const m0 = mass[0];
    let worst = 0;
    for (let k = 0; k < rows.length; k++) worst = Math.max(worst, Math.abs(mass[k] + out.reduce((s, o) => s + o[k], 0) - m0) / m0);
    assert.ok(worst < 1e-12, `${name}: |mass + outflow - M0| / M0 = ${worst} over ${rows.length} rows`);
    const moved = out.reduce((s, o) => s + Math.abs(o[o.length - 1]), 0);
    if (outflows.length === 0) assert.ok(col('rho_min').every((v) => v >= 0) && col('rho_min')[0] === 0, 'vacuum data, rho >= 0');
    else if (name.startsWith('zero-flux') || name.includes('porous medium with vacuum')) assert.equal(moved, 0, 'nothing crosses');
    else assert.ok(moved > 1e-6, `${name}: some mass crosses (${moved})`);
  });
}

test('porous medium with vacuum at the default tolerances (alpha = -1, -2): rho >= 0 at every step, compact support, the front of the Barenblatt solution', () => {
  for (const alpha of [-1, -2]) {
    const B = barenblatt(alpha, 1, 1);
    // the Barenblatt solution at t = 1 as data; compare with it at t = 1 + end
    const p = 1 / Math.abs(alpha);
    const k = (Math.abs(alpha) * B.b) / 2;
    const rhoIn = `max(1 - ${k}*x^2, 0)^${p}`;
    const end = 1;
    const { rows, col, rho, problem, sim } = simulate({ model: { equation: 'diffusion', alpha }, domain: { cells: [120], box: [[-4, 4]], boundary: { x: ['far-field', 'far-field'] } }, initial: { rho: rhoIn }, time: { end } });
    assert.ok(col('rho_min').every((v) => v >= 0), 'rho >= 0 in every row');
    // measured: 393 (alpha = -1), 456 (-2) steps at the default atol = rtol max rho_in = 6.9e-5, the same error as 78 steps at atol = 1e-2: the front enters each cell like (t - t_p)^(1/|alpha|)
    assert.ok(sim.report().accepted < 800 && sim.report().rejected < 10, `default atol: ${JSON.stringify(sim.report())}`);
    const grid = problem.grid;
    const rf = B.front(1 + end);
    let worst = 0;
    for (let i = 0; i < 120; i++) {
      const x = grid.centres[0][i];
      if (Math.abs(x) > rf + 16 * grid.dx[0]) assert.equal(rho[i], 0, `alpha ${alpha}: rho = ${rho[i]} at x = ${x}, the front is at ${rf}`);
      if (Math.abs(x) < 0.8 * rf) worst = Math.max(worst, Math.abs(rho[i] - B.rho(Math.abs(x), 1 + end)));
    }
    // measured: 2.3e-4 (alpha = -1), 4.8e-4 (alpha = -2) with the default rtol = 1/120^2
    assert.ok(worst < 1e-3, `alpha ${alpha}: error inside the support ${worst}`);
    // the front columns follow r_f(1 + t) within a tenth of a cell all along (measured: 1.8e-3, 4.5e-3; dx = 0.067)
    const right = col('front_x_hi');
    const left = col('front_x_lo');
    rows.forEach((r, j) => {
      const exact = B.front(1 + r[0]);
      assert.ok(Math.abs(right[j] - exact) < 0.1 * grid.dx[0] && Math.abs(left[j] + exact) < 0.1 * grid.dx[0], `t = ${r[0]}: front ${left[j]}, ${right[j]} vs ${exact}`);
    });
  }
});

test('fast diffusion fills vacuum at once (alpha = 1/2); tail_mass + mass tracks the initial mass (far field)', () => {
  const { col, rows, problem } = simulate({ model: { equation: 'diffusion', alpha: 0.5 }, domain: { cells: [100], box: [[-10, 10]], boundary: { x: ['far-field', 'far-field'] } }, initial: { rho: 'max(1 - x^2, 0)' }, time: { end: 0.5 } });
  const min = col('rho_min');
  assert.equal(min[0], 0);
  assert.ok(min[1] > 0, 'positive everywhere after the first step');
  assert.ok(problem.columns.includes('tail_mass'));
  const last = rows.length - 1;
  const m0 = col('mass')[0];
  const outs = col('outflow_x_lo')[last] + col('outflow_x_hi')[last];
  // measured at t = 0.5: outflow 7.18e-3, tail_mass 6.0e-3 (the asymptotic tail beyond |x| = 10 accounts for 84 % of what left)
  assert.ok(outs > 1e-3, `outflow ${outs}`);
  assert.ok(Math.abs(col('mass')[last] + col('tail_mass')[last] - m0) < 0.25 * outs, `mass + tail ${col('mass')[last] + col('tail_mass')[last]} vs ${m0}`);
});

test('a rejected attempt changes nothing (outflow included); save/restore continues bit for bit (time-dependent far field)', () => {
  const input = { model: { equation: 'diffusion', alpha: 0.5, dim: 2 }, domain: { cells: [40], geometry: 'radial', box: [[0, 30]], spacing: { kind: 'log', scale: 0.2 }, boundary: { r: ['centre', 'far-field'] } }, initial: { rho: 'max(1 - r^2, 0)' }, time: { end: 0.4 } };
  const config = validateConfig(input);
  const a = buildProblem(config).stepper as DiffusionSolver;
  for (let k = 0; k < 5; k++) a.step(0.02);
  const saved = a.saveState();
  const out0 = Float64Array.from(a.outflow());
  const rho0 = Float64Array.from(a.rho());
  a.tolerances = { rtol: 1e-4, atol: 1e-6 };
  assert.ok(Number.isFinite(a.attempt(0.3)));
  assert.deepEqual(a.outflow(), out0, 'attempt commits no outflow');
  assert.deepEqual(a.rho(), rho0, 'attempt commits no state');
  const first = a.attempt(0.01);
  a.accept();
  const b = buildProblem(config).stepper as DiffusionSolver;
  b.tolerances = { rtol: 1e-4, atol: 1e-6 };
  b.restoreState(saved);
  assert.equal(b.attempt(0.01), first, 'the retry equals a first attempt');
  b.accept();
  for (let k = 0; k < 5; k++) {
    a.step(0.02);
    b.step(0.02);
  }
  assert.deepEqual(b.rho(), a.rho());
  assert.deepEqual(b.outflow(), a.outflow());
  assert.equal(b.t, a.t);
});

test('the time error of a domain run is proportional to rtol (dirichlet and far field, radial fast diffusion)', () => {
  const input = { model: { equation: 'diffusion', alpha: 0.5, dim: 2 }, domain: { cells: [40], geometry: 'radial', box: [[0, 20]], spacing: { kind: 'log', scale: 0.2 }, boundary: { r: ['centre', 'far-field'] } }, initial: { rho: '1/(1 + r^2)' }, time: { end: 0.5 } };
  const ref = simulate({ ...input, time: { end: 0.5, dt: 2e-4 } }).rho;
  const errs = [1e-3, 1e-4, 1e-5].map((rtol) => {
    const r = simulate({ ...input, time: { end: 0.5, rtol } }).rho;
    return r.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i])), 0);
  });
  for (let i = 1; i < errs.length; i++) {
    const ratio = errs[i - 1] / errs[i];
    assert.ok(ratio > 3 && ratio < 30, `errors ${errs}: ratio ${ratio} for a tenfold rtol`);
  }
});

test('interrupted and resumed domain run: series.csv, summary.json and fields.h5 are byte-identical', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-domain-resume-'));
  const input = { model: { equation: 'diffusion', alpha: 0.5, dim: 2 }, domain: { cells: [40], geometry: 'radial', box: [[0, 30]], spacing: { kind: 'log', scale: 0.2 }, boundary: { r: ['centre', 'far-field'] } }, initial: { rho: 'max(1 - r^2, 0)' }, time: { end: 0.3 }, output: { times: [0.1, 0.2, 0.3] }, checkpoint: { every_steps: 7 } };
  const config = validateConfig(input);
  await runConfig(config, { outDir: path.join(root, 'whole') });
  const cut = path.join(root, 'cut');
  let steps = 0;
  await assert.rejects(
    runProblem(buildProblem(config), {
      outDir: cut,
      onStep: () => {
        if (++steps === 40) throw new Error('interrupted');
      },
    }),
    /interrupted/,
  );
  assert.ok(fs.existsSync(path.join(cut, 'checkpoint.bin')));
  await resumeRun(cut);
  for (const f of ['series.csv', 'summary.json', 'fields.h5']) {
    assert.ok(fs.readFileSync(path.join(cut, f)).equals(fs.readFileSync(path.join(root, 'whole', f))), `${f} differs after resume`);
  }
  const head = fs.readFileSync(path.join(cut, 'series.csv'), 'utf8').split('\n')[0];
  assert.equal(head, 't,mass,rho_min,rho_max,rho_l2_dev,outflow_r_hi,tail_mass,dt,err');
  fs.rmSync(root, { recursive: true, force: true });
});

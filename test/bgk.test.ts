/**
 * The full BGK equation (1.4): the discrete Maxwellian, conservation of mass, momentum and energy to
 * round-off, positivity, the Euler limit against the exact Riemann solution (γ = 3), free molecular
 * flow against its exact solution, dt independent of the Knudsen number (docs/bgk.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig, ConfigError } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { Simulation } from '../src/simulation/simulation.js';
import { simulationOptions } from '../src/simulation/options.js';
import { BgkSolver } from '../src/solvers/bgk/solver.js';
import { DiscreteMaxwellian } from '../src/solvers/bgk/maxwellian.js';
import { velocityNodes } from '../src/solvers/bgk/builder.js';
import { exactRiemann, freeMolecularDensity } from '../src/solvers/bgk/riemann.js';

type Input = Record<string, unknown>;

function runBgk(input: Input): BgkSolver {
  const config = validateConfig(input);
  const problem = buildProblem(config);
  new Simulation(problem, simulationOptions(config, problem)).run();
  return problem.stepper as BgkSolver;
}

/** Two jumps on the torus (at 0.25 and 0.75): the left state in the middle, the right state outside. */
const sod = (N: number, eps: number, end: number, nodes: number): Input => ({
  model: { equation: 'bgk', alpha: 1, eps },
  domain: { cells: [N] },
  initial: { rho: 'if(abs(x-0.5) < 0.25, 1, 0.125)' },
  bgk: { T: 'if(abs(x-0.5) < 0.25, 1, 0.8)', nodes },
  time: { end, dt: 0.4 / N / 8.2 },
});

test('bgk: the discrete Maxwellian matches its moments to round-off and is positive', () => {
  const v = velocityNodes([-10, 10], 81);
  const m = new DiscreteMaxwellian(v, v[1] - v[0]);
  const M = new Float64Array(v.length);
  for (const [rho, u, T] of [
    [1, 0, 1],
    [0.125, 0.6, 1.6],
    [3, -1.2, 0.3],
    [1e-3, 2, 4],
  ]) {
    const E = 0.5 * rho * (u * u + T);
    assert.ok(m.solve(rho, rho * u, E, M), `no Maxwellian for ${rho}, ${u}, ${T}`);
    let r = 0;
    let mo = 0;
    let e = 0;
    for (let j = 0; j < v.length; j++) {
      assert.ok(M[j] > 0);
      r += M[j];
      mo += M[j] * v[j];
      e += 0.5 * M[j] * v[j] * v[j];
    }
    const dv = v[1] - v[0];
    assert.ok(Math.abs(r * dv - rho) <= 1e-13 * rho, `mass ${r * dv} vs ${rho}`);
    assert.ok(Math.abs(mo * dv - rho * u) <= 1e-13 * rho * (Math.abs(u) + Math.sqrt(T)), `momentum`);
    assert.ok(Math.abs(e * dv - E) <= 1e-13 * E, `energy`);
  }
  // moments that the grid cannot carry are refused (temperature far below the grid spacing)
  assert.equal(m.solve(1, 0, 0.5 * 1e-6, M), false);
});

test('bgk: mass, momentum and energy conserved to round-off, f >= 0, both scalings, Kn 1e-6 .. 10', () => {
  for (const scaling of ['hyperbolic', 'diffusive']) {
    for (const eps of [10, 0.1, 1e-6]) {
      const config = validateConfig({
        model: { equation: 'bgk', rate: '0.5 + rho', eps },
        domain: { cells: [40] },
        initial: { rho: '1 + 0.8*step(x-0.5)' },
        bgk: { scaling, u: '0.5*sin(2*pi*x)', T: '1 + 0.5*step(x-0.3)', nodes: 48 },
        time: { end: 1, dt: 1 },
      });
      const problem = buildProblem(config);
      const s = problem.stepper as BgkSolver;
      const [m0, p0, e0] = s.totals();
      const dt = s.suggestedDt();
      for (let n = 0; n < 60; n++) s.step(n % 3 ? dt : 0.5 * dt);
      const [m1, p1, e1] = s.totals();
      assert.ok(Math.abs(m1 - m0) <= 1e-13 * m0, `${scaling} eps=${eps}: mass ${m1 - m0}`);
      assert.ok(Math.abs(p1 - p0) <= 1e-13 * m0, `${scaling} eps=${eps}: momentum ${p1 - p0}`);
      assert.ok(Math.abs(e1 - e0) <= 1e-13 * e0, `${scaling} eps=${eps}: energy ${e1 - e0}`);
      assert.ok(s.distribution().every((x) => x >= 0), `${scaling} eps=${eps}: negative f`);
      assert.equal(problem.check?.(), null);
    }
  }
});

test('bgk: Kn -> 0 converges to the exact Riemann solution of the Euler equations with gamma = 3 (Sod)', () => {
  const L = { rho: 1, u: 0, p: 1 };
  const R = { rho: 0.125, u: 0, p: 0.1 };
  const ex = exactRiemann(L, R, 3);
  // the published star state at gamma = 3
  assert.ok(Math.abs(ex.pStar - 0.272909) < 1e-6 && Math.abs(ex.uStar - 0.608567) < 1e-6, `p* ${ex.pStar}, u* ${ex.uStar}`);
  assert.ok(Math.abs(ex.rhoStarL - 0.648644) < 1e-6 && Math.abs(ex.rhoStarR - 0.170704) < 1e-6);
  const T = 0.1;
  const errs: number[] = [];
  for (const N of [100, 200]) {
    const s = runBgk(sod(N, 1e-6, T, 64));
    const rho = new Float64Array(N);
    const u = new Float64Array(N);
    const th = new Float64Array(N);
    s.moments(rho, u, th);
    let l1 = 0;
    let l1u = 0;
    for (let i = 0; i < N; i++) {
      const x = (i + 0.5) / N;
      const st = x >= 0.5 ? ex.sample((x - 0.75) / T) : ex.sample((0.25 - x) / T);
      l1 += Math.abs(rho[i] - st.rho) / N;
      l1u += Math.abs(Math.abs(u[i]) - Math.abs(st.u)) / N;
    }
    errs.push(l1);
    if (N === 200) assert.ok(l1 < 0.02 && l1u < 0.03, `N=200: L1 errors rho ${l1}, |u| ${l1u}`);
  }
  assert.ok(errs[1] < 0.75 * errs[0], `no convergence: ${errs}`);
});

test('bgk: Kn -> infinity is free molecular flow (exact solution), hyperbolic and diffusive scaling', () => {
  const Ls = { rho: 1, u: 0, T: 1 };
  const Rs = { rho: 0.125, u: 0, T: 0.8 };
  for (const [scaling, eps, end, tt] of [
    ['hyperbolic', 100, 0.1, 0.1],
    ['diffusive', 100, 10, 0.1],
  ] as const) {
    const errs: number[] = [];
    for (const [N, nodes] of [
      [60, 48],
      [120, 96],
    ]) {
      // fixed steps at 0.45 dx/(s |v|max), |v|max = 8 (the default range for T <= 1)
      const dt = (0.45 * (scaling === 'hyperbolic' ? 1 : eps)) / (N * 8);
      const s = runBgk({ ...sod(N, eps, end, nodes), bgk: { scaling, T: 'if(abs(x-0.5) < 0.25, 1, 0.8)', nodes }, time: { end, dt } });
      const rho = s.rho();
      let l1 = 0;
      for (let i = 0; i < N; i++) {
        const x = (i + 0.5) / N;
        // the two jumps' free streams superpose (no images reach the window by t = 0.1)
        const ex = freeMolecularDensity(Ls, Rs, tt, x - 0.75) + freeMolecularDensity(Ls, Rs, tt, 0.25 - x) - 1;
        l1 += Math.abs(rho[i] - ex) / N;
      }
      errs.push(l1);
    }
    assert.ok(errs[1] < 5e-3, `${scaling}: L1 ${errs}`);
    assert.ok(errs[1] < 0.7 * errs[0], `${scaling}: no convergence ${errs}`);
  }
});

test('bgk: the step does not depend on the Knudsen number (implicit relaxation); config rules', () => {
  const steps: number[] = [];
  for (const eps of [10, 1e-2, 1e-8]) {
    const config = validateConfig({ model: { equation: 'bgk', alpha: 1, eps }, domain: { cells: [40] }, initial: { rho: '1 + 0.3*sin(2*pi*x)' }, time: { end: 0.02 } });
    const problem = buildProblem(config);
    const sim = new Simulation(problem, simulationOptions(config, problem));
    sim.run();
    steps.push(sim.report().accepted);
    assert.ok(problem.stepper.rho().every(Number.isFinite));
  }
  assert.ok(Math.max(...steps) <= 2 * Math.min(...steps), `steps ${steps}`);
  const bad = (input: Input, path: RegExp) =>
    assert.throws(() => validateConfig(input), (e: unknown) => e instanceof ConfigError && e.issues.some((i) => path.test(`${i.path}: ${i.message}`)));
  const base = { model: { equation: 'bgk', alpha: 1, eps: 0.1 }, domain: { cells: [16] }, initial: { rho: '1' }, time: { end: 0.1 } };
  bad({ ...base, model: { ...base.model, dim: 2 }, domain: { cells: [8, 8] } }, /^model.dim: equation bgk is one-dimensional/);
  bad({ ...base, bgk: { range: [2, 1] } }, /^bgk.range: expected vmin < vmax/);
  bad({ ...base, model: { equation: 'kinetic', alpha: 1, eps: 0.1 }, bgk: {} }, /^bgk: is only for equation bgk/);
  bad({ ...base, velocity: { nodes: 8 } }, /^velocity: is only for the kinetic equations/);
  assert.throws(() => buildProblem(validateConfig({ ...base, bgk: { T: '-1' } })), (e: unknown) => e instanceof ConfigError && /bgk.T/.test(e.message));
});

test('bgk: save/restore continues bit for bit', () => {
  const config = validateConfig({ model: { equation: 'bgk', alpha: 1, eps: 0.05 }, domain: { cells: [24] }, initial: { rho: '1 + 0.5*step(x-0.5)' }, bgk: { nodes: 24 }, time: { end: 0.1 } });
  const a = buildProblem(config).stepper as BgkSolver;
  const b = buildProblem(config).stepper as BgkSolver;
  for (let i = 0; i < 4; i++) a.step(a.suggestedDt());
  b.restoreState(a.saveState());
  for (let i = 0; i < 3; i++) {
    a.step(a.suggestedDt());
    b.step(b.suggestedDt());
  }
  assert.deepEqual(Array.from(a.distribution()), Array.from(b.distribution()));
});

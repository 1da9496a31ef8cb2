import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ComplexFFT, GridFourier } from '../src/grid/fourier.js';
import { theoremDiagnostics, momentFields } from '../src/diagnostics/theorems.js';
import { makeGrid, cellCentres } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { Simulation } from '../src/simulation/simulation.js';

test('FFT: power of two, Bluestein and plain DFT agree with the definition', () => {
  for (const n of [8, 12, 48, 100]) {
    const f = new ComplexFFT(n);
    const x = Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(1.3 * i) + 0.1 * i);
    const X = new Float64Array(2 * n);
    f.transform(X, x);
    for (const k of [0, 1, n - 1]) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        const a = (-2 * Math.PI * k * j) / n;
        sr += x[2 * j] * Math.cos(a) - x[2 * j + 1] * Math.sin(a);
        si += x[2 * j] * Math.sin(a) + x[2 * j + 1] * Math.cos(a);
      }
      assert.ok(Math.hypot(X[2 * k] - sr, X[2 * k + 1] - si) < 1e-10 * n, `n=${n} k=${k}`);
    }
    const back = new Float64Array(2 * n);
    f.transform(back, X, true);
    for (let i = 0; i < 2 * n; i++) assert.ok(Math.abs(back[i] - x[i]) < 1e-12 * n);
  }
});

test('(I − Δ)⁻¹ ∂x of a Fourier mode has the stated symbol 2πik/(1 + 4π²k²)', () => {
  for (const N of [64, 60]) {
    const g = new GridFourier([N]);
    const x = cellCentres(makeGrid([N]), 0);
    const u = x.map((s) => Math.sin(2 * Math.PI * 3 * s));
    const r = g.helmholtzDerivative(u, 0);
    const fac = (2 * Math.PI * 3) / (1 + 4 * Math.PI ** 2 * 9);
    for (let i = 0; i < N; i++) assert.ok(Math.abs(r[i] - fac * Math.cos(2 * Math.PI * 3 * x[i])) < 1e-13);
    const p = g.helmholtzDerivative(u, 0, 'paper');
    const facP = (2 * Math.PI * 3) / (1 + 2 * Math.PI * 9);
    assert.ok(Math.abs(p[0] - facP * Math.cos(2 * Math.PI * 3 * x[0])) < 1e-13);
  }
});

test('Lemma 2.4: |j| ≤ ||h − rho|| always; |E| reaches √2 ||h − rho|| in 1D (the paper states 1)', () => {
  const grid = makeGrid([4]);
  const vel = velocityGrid(1, 12);
  const h = new Float64Array(4 * 12);
  for (let c = 0; c < 4; c++) for (let k = 0; k < 12; k++) {
    const v = vel.v[0][k];
    h[c * 12 + k] = c === 0 ? 1 + 0.1 * (v * v - 1) : 1 + 0.2 * Math.tanh(v) + 0.05 * c * v * v;
  }
  const d = theoremDiagnostics(grid, vel, h, { eps: 1, lambda: () => 1 });
  assert.ok(d.lemma24_j <= 1 + 1e-12);
  assert.ok(Math.abs(d.lemma24_E - Math.SQRT2) < 1e-12, `${d.lemma24_E}`); // h − rho ∝ v² − 1 attains √2
  const m = momentFields(grid, vel, h);
  assert.ok(Math.abs(m.E[0][0] - 0.2) < 1e-12); // E = 0.1 ∫ (v² − 1)² M = 0.2
});

test('kinetic series: H_delta non-increasing, dH/dt ≤ 0 from the moment equations, small Lemma 2.5 residuals', () => {
  const config = validateConfig({
    model: { equation: 'kinetic', dim: 1, alpha: 1, eps: 0.1 },
    domain: { cells: [64] },
    initial: { h: '1 + 0.4*sin(2*pi*x) + 0.2*tanh(v)*cos(2*pi*x)' },
    time: { end: 0.05, dt: 1 / 1024 },
    velocity: { nodes: 12 },
  });
  const problem = buildProblem(config);
  const rows: number[][] = [];
  const sim = new Simulation(problem, { end: 0.05, dt: 1 / 1024, rtol: 1e-4, atol: 1e-4, snapshotTimes: [0.05], seriesEvery: 1, maxSteps: 1e6, boundsTolerance: 1e-9 }, { onSeries: (_t, v) => rows.push(v) });
  sim.start();
  sim.run();
  const col = (name: string) => rows.map((r) => r[problem.columns.indexOf(name)]);
  const H = col('H_delta');
  for (let i = 1; i < H.length; i++) assert.ok(H[i] <= H[i - 1], `H_delta increased at row ${i}`);
  assert.ok(Math.max(...col('dH_dt')) < 0);
  assert.ok(Math.max(...col('lemma24_j')) <= 1 + 1e-12);
  assert.ok(Number.isNaN(col('res_rho')[0]));
  // after the initial layer the moment equations hold to the discretisation error
  const late = (name: string) => Math.max(...col(name).slice(20));
  assert.ok(late('res_rho') < 0.02, `res_rho ${late('res_rho')}`);
  assert.ok(late('res_j') < 0.02, `res_j ${late('res_j')}`);
});

test('kinetic series rows (one pass over q per level, Parseval for the Fourier terms) equal the reference formulas of kinetic.ts and theorems.ts to round-off (1D, 2D; 4², 5² and 3² nodes; paper symbol)', async () => {
  const { kineticDiagnostics } = await import('../src/diagnostics/kinetic.js');
  const { momentResiduals } = await import('../src/diagnostics/theorems.js');
  const { KineticSeries } = await import('../src/diagnostics/kineticSeries.js');
  const cases = [
    { dim: 2, cells: [24, 20], nodes: 4, eps: 0.1 },
    { dim: 2, cells: [16, 12], nodes: 5, eps: 1 },
    { dim: 2, cells: [15, 16], nodes: 3, eps: 1e-3 },
    { dim: 1, cells: [50], nodes: 8, eps: 0.05 },
  ] as const;
  for (const c of cases) {
    const config = validateConfig({
      model: { equation: 'kinetic', dim: c.dim, alpha: -1, eps: c.eps },
      domain: { cells: [...c.cells] },
      velocity: { nodes: c.nodes },
      initial: { h: c.dim === 2 ? '1 + 0.4*step(x-0.5)*cos(2*pi*y) + 0.2*vx*vy/(1+vx^2)' : '1 + 0.3*step(x-0.5) + 0.2*cos(2*pi*x)*v/(1+v^2)' },
      time: { end: 0.01, dt: 0.0005 },
      compute: { threads: 2 },
    });
    const problem = buildProblem(config);
    const s = problem.stepper as unknown as import('../src/solvers/kinetic/solver.js').KineticSolver;
    const vel = velocityGrid(c.dim, c.nodes);
    const opts = { eps: c.eps, lambda: (r: number) => problem.rate.lambda(r) };
    const series = new KineticSeries(problem.grid, vel, opts);
    assert.ok(Number.isNaN(series.sample(s.microLevel()!, s.microLevel(true), s.previousDt()).res_rho), 'no residual before the first step');
    for (const dt of [0.0005, 0.0005, 0.0004]) {
      s.step(dt);
      series.sample(s.microLevel()!, s.microLevel(true), s.previousDt()); // rows every step: the previous level's moments come from the cache
    }
    const h = s.h().slice();
    const h0 = new Float64Array(h.length);
    const dt = s.previousH(h0);
    const flux = Array.from({ length: c.dim }, (_, d) => s.flux(new Float64Array(problem.grid.cells), d as 0 | 1));
    const ref = { ...kineticDiagnostics(problem.grid, vel, h, s.rho(), flux), ...theoremDiagnostics(problem.grid, vel, h, opts), ...momentResiduals(problem.grid, vel, h0, h, dt, opts) };
    const got = series.sample(s.microLevel()!, s.microLevel(true), s.previousDt());
    const fresh = new KineticSeries(problem.grid, vel, opts).sample(s.microLevel()!, s.microLevel(true), s.previousDt());
    assert.deepEqual(got, fresh, 'cached and fresh moments give the same row');
    // the moments computed by the stepper's own pass (2D: its MOMENTS task, here on 2 threads) give the same row bitwise
    const provided = new KineticSeries(problem.grid, vel, opts).sample(s.microLevel()!, s.microLevel(true), s.previousDt(), (p) => s.levelMoments(p));
    assert.deepEqual(provided, fresh, 'moments from the stepper give the same row');
    if (c.dim === 2) assert.ok(s.levelMoments(false) !== null);
    for (const [k, want] of Object.entries(ref)) {
      const g = got[k as keyof typeof got];
      assert.ok(Math.abs(g - want) <= 1e-10 * Math.abs(want) + 1e-300, `${JSON.stringify(c)} ${k}: ${g} against ${want}`);
    }
    if (c.dim === 2) {
      const paper = new KineticSeries(problem.grid, vel, { ...opts, symbol: 'paper' }).sample(s.microLevel()!, null, 0);
      const want = theoremDiagnostics(problem.grid, vel, h, { ...opts, symbol: 'paper' });
      assert.ok(Math.abs(paper.dcross_dt - want.dcross_dt) <= 1e-10 * Math.abs(want.dcross_dt));
      assert.ok(Math.abs(paper.cross - want.cross) <= 1e-10 * Math.abs(want.cross));
    }
  }
});

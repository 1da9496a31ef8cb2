/**
 * The kinetic Fokker–Planck equation (1.5): the discrete velocity operator's properties, mass,
 * bounds, the exact linear theory (closed form and discrete spectrum), the shared limit with the
 * BGK-type model at eps = 1e-8, 2D against 1D, save/restore (docs/fokker-planck.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FokkerPlanckSolver } from '../src/solvers/fokker-planck/solver.js';
import { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { DiffusionSolver } from '../src/solvers/diffusion/solver.js';
import { applyOU, birthDeathOU, ouEigen } from '../src/solvers/fokker-planck/velocityOperator.js';
import { fokkerPlanckContinuous, fokkerPlanckDensityRatio, fokkerPlanckDiscrete } from '../src/spectrum/fokkerPlanck.js';
import { makeGrid, cellAverages, type Grid } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { powerLaw, type RateLaw } from '../src/models/rate.js';

function prepared(grid: Grid, K: number, f: (x: number, y: number) => number): Float64Array {
  const rho = cellAverages(grid, f);
  const h0 = new Float64Array(grid.cells * K);
  for (let c = 0; c < grid.cells; c++) h0.fill(rho[c], c * K, (c + 1) * K);
  return h0;
}

function fp(N: number, nodes: number, eps: number, h0: Float64Array, rate: RateLaw = powerLaw(1), extra: { time?: 'bdf2' | 'euler'; limiter?: boolean } = {}): FokkerPlanckSolver {
  return new FokkerPlanckSolver({ grid: makeGrid([N]), velocity: velocityGrid(1, nodes), rate, eps, h0, ...extra });
}

/** Cosine amplitude of rho − mean, corrected for cell averaging (exact for a pure mode). */
function amplitude(rho: Float64Array, mean: number): number {
  const N = rho.length;
  let c = 0;
  for (let i = 0; i < N; i++) c += (rho[i] - mean) * Math.cos((2 * Math.PI * (i + 0.5)) / N);
  return ((2 * c) / N) * (Math.PI / N / Math.sin(Math.PI / N));
}

test('fokker-planck velocity operator: conservative, L1 = 0, Lv = -v, w-self-adjoint, positive rates, M-matrix relaxation (n = 2..256)', () => {
  for (const n of [2, 3, 8, 16, 33, 64, 128, 256]) {
    const op = birthDeathOU(n);
    const { nodes: v, weights: w } = op;
    const y = new Float64Array(n);
    applyOU(op, new Float64Array(n).fill(1), y);
    assert.ok(y.every((x) => Math.abs(x) < 1e-12), `n=${n}: L1 != 0`);
    applyOU(op, v, y);
    const vmax = Math.max(...v.map(Math.abs));
    for (let j = 0; j < n; j++) assert.ok(Math.abs(y[j] + v[j]) <= 1e-12 * Math.max(1, vmax ** 2), `n=${n}: (Lv)_${j} = ${y[j]}, v = ${v[j]}`);
    assert.ok(op.c.every((c) => c > 0), `n=${n}: a non-positive rate`);
    // conservation sum_j w_j (L h)_j = 0 and symmetry of W L, for a test vector
    const h = Float64Array.from(v, (x, j) => Math.sin(1 + j) + x * x);
    applyOU(op, h, y);
    let s = 0;
    let scale = 0;
    for (let j = 0; j < n; j++) {
      s += w[j] * y[j];
      scale += w[j] * Math.abs(y[j]);
    }
    assert.ok(Math.abs(s) <= 1e-13 * Math.max(1, scale), `n=${n}: mass ${s}`);
    for (let j = 0; j < n - 1; j++) assert.ok(Math.abs(w[j] * op.up[j] - w[j + 1] * op.lo[j + 1]) <= 1e-15 * Math.max(1, w[j] * op.up[j]), `n=${n}: W L not symmetric at ${j}`);
  }
  // the eigenvalues: 0, -1 (exactly), then approximations of -2, -3 (O(1/n))
  const { mu } = ouEigen(birthDeathOU(16));
  assert.ok(Math.abs(mu[15]) < 1e-12 && Math.abs(mu[14] + 1) < 1e-12, `top eigenvalues ${mu[15]}, ${mu[14]}`);
  assert.ok(Math.abs(mu[13] + 1.899) < 0.01, `third eigenvalue ${mu[13]}`);
});

test('fokker-planck: a relaxation step keeps min h <= h <= max h for any dt without the limiter (backward Euler: M-matrix)', () => {
  // x-uniform data, rough in v: no transport; dt lambda / eps^2 from 1e-2 to 1e10
  const N = 4;
  const nodes = 12;
  const vel = velocityGrid(1, nodes);
  const h0 = new Float64Array(N * nodes);
  for (let i = 0; i < N; i++) for (let k = 0; k < nodes; k++) h0[i * nodes + k] = k % 3 === 0 ? 2.5 : vel.v[0][k] > 1 ? 0.2 : 1;
  for (const eps of [3, 1e-1, 1e-3, 1e-6]) {
    const s = fp(N, nodes, eps, h0, powerLaw(1), { time: 'euler', limiter: false });
    const [lo, hi] = s.hBounds();
    for (let n = 0; n < 5; n++) {
      s.step(0.1 * (n + 1));
      for (const x of s.h()) assert.ok(x >= lo - 1e-13 && x <= hi + 1e-13, `eps=${eps}: h = ${x} outside [${lo}, ${hi}]`);
    }
    assert.equal(s.counters.hLimiterCells, 0);
  }
});

test('fokker-planck 1D: mass to round-off and h within [min h0, max h0] on rough data, eps 10 .. 1e-8, alpha -1 .. 2', () => {
  const N = 24;
  const nodes = 8;
  const vel = velocityGrid(1, nodes);
  for (const eps of [10, 1, 0.1, 1e-2, 1e-4, 1e-8]) {
    for (const alpha of [-1, 0, 2]) {
      const h0 = new Float64Array(N * nodes);
      for (let i = 0; i < N; i++) for (let k = 0; k < nodes; k++) h0[i * nodes + k] = (i < N / 2 ? 0.5 : 2) * (vel.v[0][k] > 0 ? 1.5 : 0.8) + (i === 7 ? 0.3 * Math.sin(k) : 0);
      const s = fp(N, nodes, eps, h0, powerLaw(alpha));
      const [lo, hi] = s.hBounds();
      const m0 = s.mass();
      for (let n = 0; n < 12; n++) {
        s.step(s.suggestedDt() * (n % 3 === 0 ? 0.6 : 1));
        for (const x of s.h()) assert.ok(x <= hi + 1e-12 && x >= lo - 1e-12, `eps=${eps} alpha=${alpha}: h=${x}`);
      }
      assert.ok(Math.abs(s.mass() - m0) / m0 < 1e-13, `eps=${eps} alpha=${alpha}: mass drift ${(s.mass() - m0) / m0}`);
    }
  }
});

test('fokker-planck: the continuous closed form, and the discrete solution converging to it as the nodes double (O(1/Nv))', () => {
  // rhô(t)/rhô(0) = exp(-(κ²/r) t + (κ eps/r)² (1 - e^{-r t/eps²})): check the formula at its limits
  const p = { eps: 0.1, alpha: 1, rhoBar: 1, mode: 1 };
  const k2 = (2 * Math.PI) ** 2;
  assert.ok(Math.abs(fokkerPlanckDensityRatio(1e-7, p) - Math.exp((-k2 * 1e-14) / (2 * 0.01))) < 1e-12, 'free streaming for t << eps²');
  assert.ok(Math.abs(fokkerPlanckContinuous(p).rate - k2) < 1e-12 && Math.abs(fokkerPlanckContinuous(p).gap - 100) < 1e-12);
  // the solver (small dt: time error far below the velocity error) at t = 0.05, N = 48
  const N = 48;
  const amp = 1e-4;
  for (const [eps, tolLast] of [
    [1, 2e-3],
    [0.1, 0.04],
  ] as const) {
    const errs: number[] = [];
    for (const nodes of [8, 16, 32]) {
      const s = fp(N, nodes, eps, prepared(makeGrid([N]), nodes, (x) => 1 + amp * Math.cos(2 * Math.PI * x)));
      const T = 0.05;
      const n = 50;
      for (let i = 0; i < n; i++) s.step(T / n);
      const exact = fokkerPlanckDensityRatio(T, { ...p, eps });
      errs.push(Math.abs(amplitude(s.rho(), 1) / amp / exact - 1));
    }
    assert.ok(errs[2] < tolLast, `eps=${eps}: relative errors ${errs.map((e) => e.toExponential(2))}`);
    if (eps < 1) assert.ok(errs[0] / errs[1] > 1.6 && errs[1] / errs[2] > 1.6, `eps=${eps}: no O(1/Nv) convergence ${errs.map((e) => e.toExponential(2))}`);
  }
});

test('fokker-planck: late-time decay rate matches the top eigenvalue of the discrete-velocity operator within 1%', () => {
  for (const [eps, nodes, alpha, rb] of [
    [0.1, 8, 1, 1],
    [0.03, 12, 2, 1.5],
    [1e-3, 8, -1, 2],
  ] as const) {
    const N = 96;
    const p = { eps, alpha, rhoBar: rb, mode: 1 };
    const sigma = fokkerPlanckDiscrete(p, nodes).rate;
    const s = fp(N, nodes, eps, prepared(makeGrid([N]), nodes, (x) => rb + 1e-6 * Math.cos(2 * Math.PI * x)), powerLaw(alpha));
    const dt = 0.05 / sigma;
    let t = 0;
    while (t < 2 / sigma) {
      s.step(dt);
      t += dt;
    }
    const a1 = amplitude(s.rho(), rb);
    const t1 = t;
    while (t < 4 / sigma) {
      s.step(dt);
      t += dt;
    }
    const measured = -Math.log(amplitude(s.rho(), rb) / a1) / (t - t1);
    assert.ok(Math.abs(measured / sigma - 1) < 0.01, `eps=${eps}: measured ${measured}, discrete exact ${sigma}`);
  }
});

test('fokker-planck at eps = 1e-8 has the limit of the BGK-type model: same density as kinetic, second order to the diffusion solver', () => {
  const diffs: number[] = [];
  for (const N of [32, 64]) {
    const grid = makeGrid([N]);
    const smooth = (x: number) => 1 + 0.5 * Math.sin(2 * Math.PI * x);
    const h0 = prepared(grid, 8, smooth);
    const a = fp(N, 8, 1e-8, h0);
    const b = new KineticSolver({ grid, velocity: velocityGrid(1, 8), rate: powerLaw(1), eps: 1e-8, h0 });
    const d = new DiffusionSolver({ grid, rate: powerLaw(1), rho0: cellAverages(grid, smooth) });
    const dt = a.suggestedDt();
    for (let n = 0; n < Math.round(0.05 / dt); n++) {
      a.step(dt);
      b.step(dt);
      d.step(dt);
    }
    let e = 0;
    let ed = 0;
    for (let i = 0; i < N; i++) {
      e = Math.max(e, Math.abs(a.rho()[i] - b.rho()[i]));
      ed = Math.max(ed, Math.abs(a.rho()[i] - d.rho()[i]));
    }
    assert.ok(e < 1e-12, `N=${N}: fokker-planck and kinetic differ by ${e} at eps = 1e-8`);
    diffs.push(ed);
  }
  assert.ok(diffs[0] / diffs[1] > 3, `not second order against the diffusion solver: ${diffs}`);
});

test('fokker-planck 2D: y-independent data reproduce the 1D solver; mass and bounds on rough 2D data', () => {
  const n = 12;
  const nodes = 4;
  const grid2 = makeGrid([n, n]);
  const vel2 = velocityGrid(2, nodes);
  const K = vel2.count;
  for (const eps of [1, 0.05]) {
    const h2 = new Float64Array(grid2.cells * K);
    const h1 = new Float64Array(n * nodes);
    const f = (i: number, vx: number) => (1 + 0.3 * Math.sin((2 * Math.PI * (i + 0.5)) / n)) * (1 + (0.2 * vx) / (1 + vx * vx));
    for (let p = 0; p < grid2.cells; p++) for (let k = 0; k < K; k++) h2[p * K + k] = f(p % n, vel2.v[0][k]);
    for (let i = 0; i < n; i++) for (let a = 0; a < nodes; a++) h1[i * nodes + a] = f(i, velocityGrid(1, nodes).v[0][a]);
    const s2 = new FokkerPlanckSolver({ grid: grid2, velocity: vel2, rate: powerLaw(1), eps, h0: h2 });
    const s1 = fp(n, nodes, eps, h1);
    for (let m = 0; m < 4; m++) {
      s2.step(s1.suggestedDt());
      s1.step(s1.suggestedDt());
    }
    let e = 0;
    for (let p = 0; p < grid2.cells; p++) e = Math.max(e, Math.abs(s2.rho()[p] - s1.rho()[p % n]));
    assert.ok(e < 1e-8, `eps=${eps}: 2D and 1D differ by ${e}`);
  }
  for (const eps of [1, 1e-2, 1e-8]) {
    const h0 = new Float64Array(grid2.cells * K);
    for (let p = 0; p < grid2.cells; p++) for (let k = 0; k < K; k++) h0[p * K + k] = ((p % n) < n / 2 ? 0.5 : 2) * (vel2.v[0][k] + vel2.v[1][k] > 0 ? 1.5 : 0.8);
    const s = new FokkerPlanckSolver({ grid: grid2, velocity: vel2, rate: powerLaw(1), eps, h0 });
    const [lo, hi] = s.hBounds();
    const m0 = s.mass();
    for (let m = 0; m < 5; m++) {
      s.step(s.suggestedDt());
      for (const x of s.h()) assert.ok(x <= hi + 1e-12 && x >= lo - 1e-12, `2D eps=${eps}: h=${x}`);
    }
    assert.ok(Math.abs(s.mass() - m0) / m0 < 1e-13, `2D eps=${eps}: mass`);
  }
});

test('fokker-planck: save/restore continues bit for bit', () => {
  const N = 16;
  const nodes = 6;
  const vel = velocityGrid(1, nodes);
  const h0 = new Float64Array(N * nodes);
  for (let i = 0; i < N; i++) for (let k = 0; k < nodes; k++) h0[i * nodes + k] = 1 + 0.4 * Math.sin(i) * (vel.v[0][k] > 0 ? 1 : -0.5);
  const a = fp(N, nodes, 0.2, h0);
  for (let i = 0; i < 4; i++) a.step(a.suggestedDt());
  const b = fp(N, nodes, 0.2, h0);
  b.restoreState(a.saveState());
  for (let i = 0; i < 3; i++) {
    a.step(a.suggestedDt());
    b.step(b.suggestedDt());
  }
  assert.deepEqual(Array.from(a.h()), Array.from(b.h()));
});

test('nlbgk compare takes a fokker-planck run against its limit run (Theorem 2.3 distance) and against a kinetic run', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { runConfig } = await import('../src/run.js');
  const { readRun } = await import('../src/io/readRun.js');
  const { compareRuns } = await import('../src/diagnostics/compare.js');
  const { validateConfig } = await import('../src/config/validate.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-fp-compare-'));
  const base = { domain: { cells: [24] }, initial: { rho: '1 + 0.3*sin(2*pi*x)' }, time: { end: 0.01 }, output: { times: [0.005, 0.01] } };
  const runs: Record<string, unknown> = {
    fp: { ...base, model: { equation: 'fokker-planck', alpha: 1, eps: 0.05 }, velocity: { nodes: 6 } },
    kin: { ...base, model: { equation: 'kinetic', alpha: 1, eps: 0.05 }, velocity: { nodes: 6 } },
    lim: { ...base, model: { equation: 'diffusion', alpha: 1 } },
  };
  for (const [name, input] of Object.entries(runs)) await runConfig(validateConfig(input), { outDir: path.join(dir, name), force: true });
  const [fp, kin, lim] = await Promise.all(['fp', 'kin', 'lim'].map((n) => readRun(path.join(dir, n))));
  const c = compareRuns(fp, lim);
  assert.ok(c.sup.kinetic_to_limit !== undefined && c.sup.kinetic_to_limit > 0 && c.sup.kinetic_to_limit < 0.1, `distance ${c.sup.kinetic_to_limit}`);
  const k = compareRuns(fp, kin);
  assert.equal(k.sup.kinetic_to_limit, undefined);
  assert.ok(k.sup.rho_l2 < 0.01 && k.notes.some((n) => /different equations/.test(n)), JSON.stringify(k));
  fs.rmSync(dir, { recursive: true, force: true });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellAverages, makeGrid, type Grid } from '../src/grid/grid.js';
import { generalRate, powerLaw, type RateLaw } from '../src/models/rate.js';
import { DiffusionSolver, type DiffusionOptions } from '../src/solvers/diffusion/solver.js';
import { PeriodicTridiagonal } from '../src/solvers/linear/tridiagonal.js';
import { HelmholtzMG } from '../src/solvers/linear/multigrid.js';
import { pcg, PcgWork } from '../src/solvers/linear/pcg.js';

const TWO_PI = 2 * Math.PI;

function solver(grid: Grid, rate: RateLaw, f: (x: number, y: number) => number, extra: Partial<DiffusionOptions> = {}) {
  return new DiffusionSolver({ grid, rate, rho0: cellAverages(grid, f), ...extra });
}

/** Advance to T in equal steps no larger than dt. */
function runTo(s: DiffusionSolver, T: number, dt: number): void {
  const n = Math.ceil(T / dt - 1e-9);
  for (let k = 0; k < n; k++) s.step(T / n);
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function sum(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

/** Average a fine 1D/2D field onto a grid coarser by factor m per dimension. */
function coarsen(f: Float64Array, nx: number, ny: number, m: number): Float64Array {
  const cx = nx / m;
  const cy = ny === 1 ? 1 : ny / m;
  const my = ny === 1 ? 1 : m;
  const out = new Float64Array(cx * cy);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) out[Math.floor(i / m) + cx * Math.floor(j / my)] += f[i + nx * j];
  }
  for (let k = 0; k < out.length; k++) out[k] /= m * my;
  return out;
}

const order = (e1: number, e2: number, r = 2) => Math.log(e1 / e2) / Math.log(r);

// ---------------------------------------------------------------- linear solvers

test('periodic tridiagonal solver matches the residual to round-off (n = 2, 3, 17)', () => {
  for (const n of [2, 3, 17]) {
    const t = new PeriodicTridiagonal(n);
    const b = new Float64Array(n);
    const f = new Float64Array(n);
    const x = new Float64Array(n);
    const a = -3.7;
    for (let i = 0; i < n; i++) {
      b[i] = 2 * Math.abs(a) + 0.1 + Math.sin(i) ** 2;
      f[i] = Math.cos(3 * i);
    }
    t.solve(b, a, f, x);
    for (let i = 0; i < n; i++) {
      const l = x[(i + n - 1) % n];
      const r = x[(i + 1) % n];
      const res = n === 2 ? b[i] * x[i] + 2 * a * x[1 - i] - f[i] : b[i] * x[i] + a * (l + r) - f[i];
      assert.ok(Math.abs(res) < 1e-12, `n=${n} i=${i} residual ${res}`);
    }
  }
});

test('multigrid-preconditioned CG solves the periodic Helmholtz system (even, odd and mixed sizes)', () => {
  for (const [nx, ny] of [[64, 64], [48, 20], [7, 9], [2, 2]] as const) {
    const n = nx * ny;
    const mg = new HelmholtzMG(nx, ny);
    const s = new Float64Array(n);
    const b = new Float64Array(n);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      s[p] = 0.5 + Math.sin(p) ** 2;
      b[p] = Math.cos(0.37 * p) + 0.1;
    }
    mg.setOperator(s, 50, 30);
    const out = { iterations: 0, converged: false, relResidual: 0 };
    pcg(mg, b, x, 1e-10, 200, new PcgWork(n), out);
    assert.ok(out.converged, `${nx}x${ny}`);
    mg.apply(x, y);
    let err = 0;
    let nb = 0;
    for (let p = 0; p < n; p++) {
      err = Math.max(err, Math.abs(y[p] - b[p]));
      nb = Math.max(nb, Math.abs(b[p]));
    }
    assert.ok(err < 1e-8 * nb, `${nx}x${ny}: residual ${err}`);
    if (nx === 64) assert.ok(out.iterations <= 12, `multigrid should converge fast, took ${out.iterations}`);
  }
});

// ---------------------------------------------------------------- exact heat solutions

test('heat 1D: converges at second order to the exact cell averages of 1 + 0.5 e^{-4 pi^2 t} sin 2 pi x', () => {
  const T = 0.05;
  const errs = [32, 64, 128].map((N) => {
    const g = makeGrid([N]);
    const s = solver(g, powerLaw(0), (x) => 1 + 0.5 * Math.sin(TWO_PI * x));
    runTo(s, T, 2e-4);
    const exact = cellAverages(g, (x) => 1 + 0.5 * Math.exp(-4 * Math.PI ** 2 * T) * Math.sin(TWO_PI * x));
    return maxDiff(s.rho(), exact);
  });
  assert.ok(errs[2] < 3e-5, `error ${errs[2]}`);
  assert.ok(order(errs[0], errs[1]) > 1.9 && order(errs[1], errs[2]) > 1.9, `orders from ${errs}`);
});

test('heat 2D: modes (1,1) and (1,2) decay like e^{-8 pi^2 t} and e^{-20 pi^2 t}, second order', () => {
  const T = 0.01;
  for (const [kx, ky] of [[1, 1], [1, 2]]) {
    const f = (x: number, y: number, a: number) => 1 + a * Math.sin(TWO_PI * kx * x) * Math.sin(TWO_PI * ky * y);
    const decay = Math.exp(-4 * Math.PI ** 2 * (kx * kx + ky * ky) * T);
    const errs = [24, 48, 96].map((N) => {
      const g = makeGrid([N, N]);
      const s = solver(g, powerLaw(0), (x, y) => f(x, y, 0.5));
      runTo(s, T, 1e-4);
      return maxDiff(s.rho(), cellAverages(g, (x, y) => f(x, y, 0.5 * decay)));
    });
    assert.ok(errs[2] < 2e-4 * (kx * kx + ky * ky), `mode (${kx},${ky}) error ${errs[2]}`);
    assert.ok(order(errs[0], errs[1]) > 1.9 && order(errs[1], errs[2]) > 1.9, `mode (${kx},${ky}) orders from ${errs}`);
  }
});

// ---------------------------------------------------------------- observed orders, nonlinear

test('alpha = 1 and -1, 1D: second order in time (fixed grid) and in space (fixed dt)', () => {
  const T = 0.05;
  const f = (x: number) => 1 + 0.5 * Math.sin(TWO_PI * x);
  for (const alpha of [1, -1]) {
    const rate = powerLaw(alpha);
    // Time: 64 cells, dt = T/10, T/20, T/40 against dt = T/640 on the same grid.
    const g = makeGrid([64]);
    const ref = solver(g, rate, f);
    runTo(ref, T, T / 640);
    const et = [10, 20, 40].map((m) => {
      const s = solver(g, rate, f);
      runTo(s, T, T / m);
      return maxDiff(s.rho(), ref.rho());
    });
    assert.ok(order(et[0], et[1]) > 1.9 && order(et[1], et[2]) > 1.9, `alpha=${alpha} time orders from ${et}`);
    // Space: dt = 1e-4 for all, N = 32, 64, 128 against N = 1024 averaged.
    const fine = solver(makeGrid([1024]), rate, f);
    runTo(fine, T, 1e-4);
    const es = [32, 64, 128].map((N) => {
      const s = solver(makeGrid([N]), rate, f);
      runTo(s, T, 1e-4);
      return maxDiff(s.rho(), coarsen(fine.rho(), 1024, 1, 1024 / N));
    });
    assert.ok(order(es[0], es[1]) > 1.9 && order(es[1], es[2]) > 1.9, `alpha=${alpha} space orders from ${es}`);
  }
});

test('alpha = 1 and -1, 2D: second order in space on small grids', () => {
  const T = 0.01;
  const f = (x: number, y: number) => 1 + 0.4 * Math.sin(TWO_PI * x) * Math.cos(TWO_PI * y) + 0.1 * Math.cos(TWO_PI * x);
  for (const alpha of [1, -1]) {
    const rate = powerLaw(alpha);
    const fine = solver(makeGrid([128, 128]), rate, f);
    runTo(fine, T, 1e-3);
    const es = [16, 32].map((N) => {
      const s = solver(makeGrid([N, N]), rate, f);
      runTo(s, T, 1e-3);
      return maxDiff(s.rho(), coarsen(fine.rho(), 128, 128, 128 / N));
    });
    assert.ok(order(es[0], es[1]) > 1.9, `alpha=${alpha} 2D space order from ${es}`);
  }
});

// ---------------------------------------------------------------- conservation and maximum principle

const jump1 = (x: number) => (x > 0.3 && x < 0.6 ? 2 : 1);

function checkMassAndBounds(s: DiffusionSolver, m0: number, lo: number, hi: number, what: string): void {
  const rho = s.rho();
  const m = sum(rho);
  assert.ok(Math.abs(m - m0) <= 1e-12 * m0, `${what}: mass drift ${(m - m0) / m0}`);
  for (let i = 0; i < rho.length; i++) {
    assert.ok(rho[i] >= lo - 1e-12 * hi && rho[i] <= hi + 1e-12 * hi, `${what}: rho[${i}] = ${rho[i]} outside [${lo}, ${hi}]`);
  }
}

test('1D jump 1 + 1_{(0.3,0.6)}: mass to 1e-12 and [1, 2] to 1e-12 for alpha in {-2,-1,0,0.5,1,2}, default and huge dt', () => {
  const g = makeGrid([200]);
  for (const alpha of [-2, -1, 0, 0.5, 1, 2]) {
    for (const scheme of ['bdf2', 'euler'] as const) {
      const s = solver(g, powerLaw(alpha), jump1, { scheme });
      const m0 = sum(s.rho());
      const dt = s.suggestedDt();
      for (let k = 0; k < 60; k++) {
        s.step(dt);
        checkMassAndBounds(s, m0, 1, 2, `alpha=${alpha} ${scheme} step ${k}`);
      }
      // Steps far beyond any explicit limit (dt/dx^2 = 4e3): still monotone, still conservative.
      for (let k = 0; k < 5; k++) {
        s.step(0.1);
        checkMassAndBounds(s, m0, 1, 2, `alpha=${alpha} ${scheme} big step ${k}`);
      }
      // The data relax to the mean 1.3.
      assert.ok(maxDiff(s.rho(), new Float64Array(200).fill(m0 / 200)) < 1e-3, `alpha=${alpha} equilibrium`);
    }
  }
});

test('2D jump (a square of height 2 on 1) and log diffusion alpha = 1: conserves and stays in [1, 2]', () => {
  const g = makeGrid([48, 40]);
  const f = (x: number, y: number) => (Math.abs(x - 0.5) < 0.2 && Math.abs(y - 0.4) < 0.25 ? 2 : 1);
  for (const alpha of [1, -2, 0.5]) {
    const s = solver(g, powerLaw(alpha), f);
    const m0 = sum(s.rho());
    const dt = s.suggestedDt();
    for (let k = 0; k < 25; k++) {
      s.step(dt);
      checkMassAndBounds(s, m0, 1, 2, `2D alpha=${alpha} step ${k}`);
    }
    s.step(0.05);
    checkMassAndBounds(s, m0, 1, 2, `2D alpha=${alpha} big step`);
  }
});

test('2D log diffusion of smooth data: conserves mass over a long run and the max decreases', () => {
  const g = makeGrid([64, 64]);
  const s = solver(g, powerLaw(1), (x, y) => 1 + 0.8 * Math.sin(TWO_PI * x) ** 2 * Math.cos(Math.PI * y) ** 2);
  const m0 = sum(s.rho());
  const [, hi] = s.bounds();
  runTo(s, 0.02, s.suggestedDt());
  checkMassAndBounds(s, m0, 1, hi, '2D smooth');
  let mx = 0;
  for (const v of s.rho()) mx = Math.max(mx, v);
  assert.ok(mx < hi - 0.1, `max ${mx} should have decayed from ${hi}`);
});

// ---------------------------------------------------------------- accuracy at default dt

test('accuracy: 256 cells, t = 0.05, default dt agrees with a fine reference to 1e-4 (alpha in {-2,-1,0,0.5,1})', () => {
  const T = 0.05;
  const f = (x: number) => 1 + 0.5 * Math.sin(TWO_PI * x);
  for (const alpha of [-2, -1, 0, 0.5, 1]) {
    const rate = powerLaw(alpha);
    const s = solver(makeGrid([256]), rate, f);
    const dt = s.suggestedDt();
    runTo(s, T, dt);
    const ref = solver(makeGrid([1024]), rate, f);
    runTo(ref, T, dt / 8);
    const err = maxDiff(s.rho(), coarsen(ref.rho(), 1024, 1, 4));
    // Measured 0.3e-5 .. 1.1e-5 (docs/diffusion-scheme.md); the target is 1e-4.
    assert.ok(err < 1e-4, `alpha=${alpha}: error ${err}`);
    assert.equal(s.fallbackSteps, 0, 'smooth data should never need the Euler fallback');
  }
});

test('suggestedDt is proportional to dx (not dx^2) and to 1 / max D', () => {
  // Jump data: the bounds are exactly [1, 2] on every grid.
  const a = solver(makeGrid([100]), powerLaw(1), jump1).suggestedDt();
  const b = solver(makeGrid([200]), powerLaw(1), jump1).suggestedDt();
  assert.ok(Math.abs(a / b - 2) < 1e-12, `${a / b}`);
  // max D over [1, 2]: 1 for alpha = 1 (D = 1/rho), 2 for alpha = -1 (D = rho).
  const c = solver(makeGrid([100]), powerLaw(-1), jump1).suggestedDt();
  assert.ok(Math.abs(a / c - 2) < 1e-12, `${a / c}`);
  const d = solver(makeGrid([100, 50]), powerLaw(1), jump1).suggestedDt();
  assert.ok(Math.abs(d / a - 1) < 1e-12, 'the smallest dx counts');
});

// ---------------------------------------------------------------- general rates

test('general rate lambda = 1 + rho^2 given as a function: conserves, bounded, matches the same law in closed form', () => {
  const g = makeGrid([128]);
  const rate = generalRate((r) => 1 + r * r, '1 + rho^2', [1, 2]);
  const s = solver(g, rate, jump1);
  const m0 = sum(s.rho());
  for (let k = 0; k < 40; k++) {
    s.step(s.suggestedDt());
    checkMassAndBounds(s, m0, 1, 2, `general rate step ${k}`);
  }
  // A general rate equal to rho^-1 agrees with the closed-form power law to tabulation accuracy.
  const f = (x: number) => 1 + 0.5 * Math.sin(TWO_PI * x);
  const p = solver(g, powerLaw(-1), f);
  const q = solver(g, generalRate((r) => 1 / r, '1/rho', [0.5, 1.5]), f);
  for (let k = 0; k < 30; k++) {
    p.step(1e-3);
    q.step(1e-3);
  }
  assert.ok(maxDiff(p.rho(), q.rho()) < 1e-12, `tabulated vs closed form ${maxDiff(p.rho(), q.rho())}`);
});

test('a BDF2 step that leaves [min rho_in, max rho_in] is redone by backward Euler (fallbackSteps)', () => {
  // Crafted history: cell 5 jumped from 1 to 2 in the last step, so BDF2's extrapolation
  // (2 rho^n - rho^{n-1}/2)/(3/2) = 2.33 overshoots the bound 2 for a small step.
  const g = makeGrid([20]);
  const s = new DiffusionSolver({ grid: g, rate: powerLaw(1), rho0: new Float64Array(20).fill(1) });
  const rho = new Float64Array(20).fill(1);
  rho[5] = 2;
  const state = { ...s.saveState(), rho, rhoPrev: new Float64Array(20).fill(1), dtPrev: 1e-4, lo: 1, hi: 2 };
  s.restoreState(state);
  const m0 = sum(rho);
  s.step(1e-4);
  assert.equal(s.fallbackSteps, 1);
  checkMassAndBounds(s, m0, 1, 2, 'after fallback');
});

// ---------------------------------------------------------------- restart, errors

test('saveState/restoreState restarts bit for bit (1D and 2D, including the BDF2 history)', () => {
  for (const n of [[64], [16, 12]]) {
    const g = makeGrid(n);
    const f = (x: number, y: number) => 1 + 0.5 * Math.sin(TWO_PI * x) * Math.cos(TWO_PI * y) + (x < 0.5 ? 0.3 : 0);
    const a = solver(g, powerLaw(0.7), f);
    const dt = a.suggestedDt();
    for (let k = 0; k < 5; k++) a.step(dt);
    const state = a.saveState();
    for (let k = 0; k < 5; k++) a.step(k === 2 ? dt / 3 : dt);
    const b = solver(g, powerLaw(0.7), () => 1.2);
    b.restoreState(state);
    for (let k = 0; k < 5; k++) b.step(k === 2 ? dt / 3 : dt);
    assert.deepEqual(b.rho(), a.rho());
    assert.deepEqual(b.stats, a.stats);
  }
});

test('invalid input: wrong length, non-positive density, bad dt', () => {
  const g = makeGrid([8]);
  assert.throws(() => new DiffusionSolver({ grid: g, rate: powerLaw(1), rho0: new Float64Array(7).fill(1) }), RangeError);
  assert.throws(() => new DiffusionSolver({ grid: g, rate: powerLaw(1), rho0: new Float64Array(8).fill(0) }), RangeError);
  const s = new DiffusionSolver({ grid: g, rate: powerLaw(1), rho0: new Float64Array(8).fill(1) });
  assert.throws(() => s.step(0), RangeError);
  assert.throws(() => s.step(NaN), RangeError);
  assert.equal(s.scheme, 'fv-kirchhoff-bdf2');
});

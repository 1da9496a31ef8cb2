/**
 * The 2D kinetic stepper's per-velocity solve and threads (src/solvers/transport/factored2d.ts,
 * src/solvers/kinetic/kernels2d.ts, src/solvers/parallel/): the stabilised factorisation needs no split
 * steps where the plain one did, its line solves and the exact reference mode solve what they claim
 * (dense direct solves on small grids), its splitting error against the exact per-velocity solve is at
 * most the plain factorisation's and falls like dt², and results are bitwise the same for every thread count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { makeGrid, cellAverages } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { powerLaw } from '../src/models/rate.js';
import { applyLineOp } from '../src/solvers/transport/factored2d.js';
import type { Kinetic2DKernels } from '../src/solvers/kinetic/kernels2d.js';
import { KERNELS_ENV } from '../src/solvers/wasm/kernels.js';

type Options = ConstructorParameters<typeof KineticSolver>[0];

/** Rough 2D data: a jump in x, a cosine in y, asymmetric in v. */
function rough(n: number, nodes: number): { grid: ReturnType<typeof makeGrid>; velocity: ReturnType<typeof velocityGrid>; h0: Float64Array } {
  const grid = makeGrid([n, n]);
  const velocity = velocityGrid(2, nodes);
  const K = velocity.count;
  const h0 = new Float64Array(grid.cells * K);
  for (let p = 0; p < grid.cells; p++) {
    const i = p % n;
    const j = Math.floor(p / n);
    const r = (i < n / 2 ? 0.5 : 2) * (1 + 0.3 * Math.cos((2 * Math.PI * (j + 0.5)) / n));
    for (let k = 0; k < K; k++) h0[p * K + k] = r * (velocity.v[0][k] - 0.5 * velocity.v[1][k] > 0 ? 1.5 : 0.8);
  }
  return { grid, velocity, h0 };
}

function smooth(n: number, nodes: number, amp = 0.5): { grid: ReturnType<typeof makeGrid>; velocity: ReturnType<typeof velocityGrid>; h0: Float64Array } {
  const grid = makeGrid([n, n]);
  const velocity = velocityGrid(2, nodes);
  const K = velocity.count;
  const h0 = new Float64Array(grid.cells * K);
  for (let k = 0; k < K; k++) {
    const vx = velocity.v[0][k];
    const a = cellAverages(grid, (x, y) => 1 + amp * Math.sin(2 * Math.PI * x) * Math.sin(2 * Math.PI * y) + 0.2 * Math.cos(2 * Math.PI * x) * vx / (1 + vx * vx));
    for (let c = 0; c < grid.cells; c++) h0[c * K + k] = a[c];
  }
  return { grid, velocity, h0 };
}

const kernelsOf = (s: KineticSolver): Kinetic2DKernels => (s as unknown as { impl: { kern: Kinetic2DKernels } }).impl.kern;

/** Dense Gaussian elimination with partial pivoting: x = A^{-1} b (A row-major n x n, destroyed). */
function denseSolve(A: Float64Array, b: Float64Array): Float64Array {
  const n = b.length;
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[piv * n + c])) piv = r;
    if (piv !== c) {
      for (let k = 0; k < n; k++) [A[c * n + k], A[piv * n + k]] = [A[piv * n + k], A[c * n + k]];
      [x[c], x[piv]] = [x[piv], x[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c] / A[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) A[r * n + k] -= f * A[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= A[r * n + k] * x[k];
    x[r] = s / A[r * n + r];
  }
  return x;
}

/** The dense matrix of a linear map on N-vectors. */
function dense(N: number, apply: (x: Float64Array, y: Float64Array) => void): Float64Array {
  const A = new Float64Array(N * N);
  const e = new Float64Array(N);
  const y = new Float64Array(N);
  for (let c = 0; c < N; c++) {
    e.fill(0);
    e[c] = 1;
    apply(e, y);
    for (let r = 0; r < N; r++) A[r * N + c] = y[r];
  }
  return A;
}

const relDiff = (a: Float64Array, b: Float64Array): number => {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / s;
};

test('kinetic 2D: the plain factorisation needs split steps at 48², 2² nodes, eps = 0.1; the stabilised one none (mass, bounds)', () => {
  const grid = makeGrid([48, 48]);
  const velocity = velocityGrid(2, 2);
  const rho = cellAverages(grid, (x, y) => 1 + 0.5 * Math.sin(2 * Math.PI * x) * Math.sin(2 * Math.PI * y));
  const K = velocity.count;
  const h0 = new Float64Array(grid.cells * K);
  for (let c = 0; c < grid.cells; c++) h0.fill(rho[c], c * K, (c + 1) * K);
  for (const perVelocitySolve of ['plain', 'factored'] as const) {
    const s = new KineticSolver({ grid, velocity, rate: powerLaw(1), eps: 0.1, h0, perVelocitySolve, threads: 1 });
    const m0 = s.mass();
    const dt = s.suggestedDt();
    for (let i = 0; i < 10; i++) s.step(dt);
    if (perVelocitySolve === 'plain') {
      // the near-singular Schur complement of the plain factorisation (docs/kinetic-scheme.md): the fallback splits
      assert.ok(s.counters.substeps >= 1, `plain: expected a split step, counters ${JSON.stringify(s.counters)}`);
      assert.ok(Math.abs(s.t - 10 * dt) <= 1e-15, 'the split steps add up to dt exactly');
    } else {
      assert.equal(s.counters.substeps, 0, `stabilised: ${JSON.stringify(s.counters)}`);
      assert.ok(s.counters.maxSolverIterations <= 12, `stabilised: ${s.counters.maxSolverIterations} GMRES iterations in one step`);
    }
    assert.equal(s.counters.steps, 10 + s.counters.substeps);
    assert.ok(Math.abs(s.mass() - m0) <= 1e-13 * m0);
    for (const x of s.h()) assert.ok(x >= 0.5 - 1e-12 && x <= 1.5 + 1e-12);
  }
});

test('kinetic 2D: no split steps and a bounded iteration count on rough data at intermediate eps with few nodes (2², 4²), 64²', () => {
  for (const nodes of [2, 4]) {
    for (const eps of [0.3, 0.1, 0.03]) {
      const { grid, velocity, h0 } = rough(64, nodes);
      const s = new KineticSolver({ grid, velocity, rate: powerLaw(1), eps, h0, threads: 1 });
      const [lo, hi] = s.hBounds();
      const m0 = s.mass();
      for (let i = 0; i < 4; i++) s.step(s.suggestedDt());
      assert.equal(s.counters.substeps, 0, `nodes ${nodes}, eps ${eps}: ${JSON.stringify(s.counters)}`);
      assert.ok(s.counters.maxSolverIterations <= 30, `nodes ${nodes}, eps ${eps}: ${s.counters.maxSolverIterations} iterations in one step`);
      assert.ok(Math.abs(s.mass() - m0) <= 1e-13 * m0);
      for (const x of s.h()) assert.ok(x >= lo - 1e-12 && x <= hi + 1e-12);
    }
  }
});

test('kinetic 2D: the line solves invert the factorised operator, the exact mode inverts M_k (dense direct solves, 7 x 6 cells)', () => {
  const grid = makeGrid([7, 6]);
  const velocity = velocityGrid(2, 3); // includes vx = 0 and vy = 0: one-direction velocities
  const K = velocity.count;
  const N = grid.cells;
  const rho = cellAverages(grid, (x, y) => 1 + 0.5 * Math.sin(2 * Math.PI * x) * Math.cos(2 * Math.PI * y));
  const h0 = new Float64Array(N * K);
  for (let c = 0; c < N; c++) for (let k = 0; k < K; k++) h0[c * K + k] = rho[c] * (1 + 0.2 * velocity.v[0][k]);
  const b = Float64Array.from({ length: N }, (_, p) => Math.sin(1.3 * p) + 0.5);
  for (const perVelocitySolve of ['factored', 'exact'] as const) {
    // eps = 0.1, dt = 2 dx: transport CFL ~ 40 |v|, so the stabilisation is on for the fast velocities
    const s = new KineticSolver({ grid, velocity, rate: powerLaw(1), eps: 0.1, h0, perVelocitySolve, threads: 1 });
    s.step(2 / 7);
    const kern = kernelsOf(s);
    const L = kern.L;
    const anyStab = [0];
    for (let k = 0; k < K; k++) {
      const x = Float64Array.from(b);
      kern.solveVel(k, x, 0);
      let A: Float64Array;
      if (perVelocitySolve === 'exact') A = dense(N, (v, y) => kern.applyM(k, v, 0, y));
      else {
        // Mt = (a + Ax + Tx) a^{-1} (a + Ay + Ty) from the same coefficients (applyLineOp), or one factor
        const f = kern as unknown as { f(name: string): Float64Array; unitG(u: number): number };
        const us = f.f('unitS');
        const uc = f.f('unitC');
        const aC = f.f('aC');
        const act = (f as unknown as { a: Record<string, Uint8Array> }).a;
        const ax = act.actX[k];
        const ay = act.actY[k];
        const ux = L.unitX[k];
        const uy = L.unitY[k];
        if (uc[ux] > 0 && ax && ay) anyStab[0]++;
        const opX = (v: Float64Array, y: Float64Array) => {
          applyLineOp(L.nx, L.ny, 0, us[ux], uc[ux], f.f('gx'), f.f('gax'), f.unitG(ux), v, 0, y);
          for (let p = 0; p < N; p++) y[p] += aC[p] * v[p];
        };
        const opY = (v: Float64Array, y: Float64Array) => {
          applyLineOp(L.nx, L.ny, 1, us[uy], uc[uy], f.f('gy'), f.f('gay'), f.unitG(uy), v, 0, y);
          for (let p = 0; p < N; p++) y[p] += aC[p] * v[p];
        };
        const t = new Float64Array(N);
        A = dense(N, (v, y) => {
          if (ax && ay) {
            opY(v, t);
            for (let p = 0; p < N; p++) t[p] /= aC[p];
            opX(t, y);
          } else if (ax) opX(v, y);
          else if (ay) opY(v, y);
          else for (let p = 0; p < N; p++) y[p] = aC[p] * v[p];
        });
      }
      const want = denseSolve(A, Float64Array.from(b));
      const d = relDiff(x, want);
      assert.ok(d < 1e-10, `${perVelocitySolve} velocity ${k} (${velocity.v[0][k].toFixed(2)}, ${velocity.v[1][k].toFixed(2)}): relative difference ${d}`);
    }
    if (perVelocitySolve === 'factored') assert.ok(anyStab[0] > 0, 'the stabilisation was not exercised');
    // with one direction active, the factored solve is the exact one
    const kx = Array.from({ length: K }, (_, k) => k).find((k) => velocity.v[1][k] === 0 && velocity.v[0][k] !== 0)!;
    const x = Float64Array.from(b);
    kern.solveVel(kx, x, 0);
    const want = denseSolve(dense(N, (v, y) => kern.applyM(kx, v, 0, y)), Float64Array.from(b));
    assert.ok(relDiff(x, want) < 1e-10, `${perVelocitySolve}: a velocity with vy = 0 is solved exactly`);
  }
});

test('kinetic 2D: the splitting error against the exact per-velocity solve is at most the plain factorisation\'s and falls like dt² (eps = 1, 0.1)', () => {
  for (const eps of [1, 0.1]) {
    const { grid, velocity, h0 } = smooth(12, 4, 0.3);
    const T = 0.04;
    const errors: Record<string, number[]> = { factored: [], plain: [] };
    for (const steps of [4, 16, 64]) {
      const h: Record<string, Float64Array> = {};
      for (const perVelocitySolve of ['factored', 'plain', 'exact'] as const) {
        const s = new KineticSolver({ grid, velocity, rate: powerLaw(1), eps, h0, perVelocitySolve, threads: 1 } as Options);
        for (let i = 0; i < steps; i++) s.step(T / steps);
        h[perVelocitySolve] = Float64Array.from(s.h());
      }
      for (const m of ['factored', 'plain']) {
        let e = 0;
        for (let i = 0; i < h.exact.length; i++) e = Math.max(e, Math.abs(h[m][i] - h.exact[i]));
        errors[m].push(e);
      }
    }
    const show = `factored ${errors.factored.map((e) => e.toExponential(2))}, plain ${errors.plain.map((e) => e.toExponential(2))} (4, 16, 64 steps)`;
    errors.factored.forEach((e, i) => assert.ok(e <= 1.1 * errors.plain[i], `eps ${eps}: ${show}`));
    // dt / 4 divides a second-order error by 16, a first-order one by 4 (measured: 9–13 per dt / 4 while the
    // stabilisation switches off as dt falls, then the plain factorisation's 16)
    assert.ok(errors.factored[1] / errors.factored[2] > 6, `eps ${eps}: ${show}`);
    assert.ok(errors.factored[0] / errors.factored[2] > 40, `eps ${eps}: ${show}`);
  }
});

test('kinetic 2D: the moments computed in the error estimate\'s pass (rows every step) are those of the MOMENTS task, bitwise, and are what levelMoments returns (js/wasm, 1 and 2 threads, an attempt rejected in between)', () => {
  const env = process.env[KERNELS_ENV];
  try {
    for (const kernels of ['js', 'wasm'] as const) {
      for (const threads of [1, 2]) {
        process.env[KERNELS_ENV] = kernels;
        const make = () => {
          const { grid, velocity, h0 } = rough(21, 5);
          return new KineticSolver({ grid, velocity, rate: powerLaw(1), eps: 0.1, h0, threads });
        };
        const fused = make();
        const plain = make();
        fused.momentsEveryStep(true);
        const dt = fused.suggestedDt();
        const what = `${kernels}, ${threads} threads`;
        for (let i = 0; i < 6; i++) {
          for (const s of [fused, plain]) {
            if (i === 4) assert.ok(Number.isFinite(s.attempt(0.5 * dt)), 'an attempt, not accepted');
            s.step(i % 2 ? 0.7 * dt : dt);
          }
          // from the third step on (the estimate needs three levels) they come from the estimate's pass: a change
          // of q after the step does not reach them (the MOMENTS task would read it)
          const q = (fused as unknown as { impl: { levels: { qN: Float64Array } } }).impl.levels.qN;
          const saved = q[0];
          if (i >= 2) q[0] += 1;
          const a = fused.levelMoments(false)!;
          q[0] = saved;
          const b = plain.levelMoments(false)!;
          for (const key of Object.keys(b) as (keyof typeof b)[]) {
            assert.ok(Buffer.from(a[key].buffer, a[key].byteOffset, a[key].byteLength).equals(Buffer.from(b[key].buffer, b[key].byteOffset, b[key].byteLength)), `${what}, step ${i + 1}: ${key}`);
          }
          // the previous level's moments overwrite the outputs; the current level's are then computed again
          assert.ok(fused.levelMoments(true) !== null);
          const c = fused.levelMoments(false)!;
          assert.ok(Buffer.from(c.q2.buffer, c.q2.byteOffset, c.q2.byteLength).equals(Buffer.from(b.q2.buffer, b.q2.byteOffset, b.q2.byteLength)), `${what}, step ${i + 1}: after the previous level's`);
        }
        fused.dispose();
        plain.dispose();
      }
    }
  } finally {
    if (env === undefined) delete process.env[KERNELS_ENV];
    else process.env[KERNELS_ENV] = env;
  }
});

test('kinetic 2D: results are bitwise the same for 1, 2 and 3 threads and for the JavaScript and WebAssembly kernels (rough data, eps = 1, 0.1, 1e-2, 1e-8; checkpoints and the series moments too)', () => {
  const env = process.env[KERNELS_ENV];
  const cases = (['js', 'wasm'] as const).flatMap((kernels) => [1, 2, 3].map((threads) => ({ kernels, threads })));
  const run = (eps: number, kernels: 'js' | 'wasm', threads: number) => {
    process.env[KERNELS_ENV] = kernels;
    const { grid, velocity, h0 } = rough(20, 5);
    const s = new KineticSolver({ grid, velocity, rate: powerLaw(-1), eps, h0, threads });
    const dt = s.suggestedDt();
    for (let i = 0; i < 5; i++) {
      if (i === 3) assert.ok(Number.isFinite(s.attempt(0.3 * dt)), 'an attempt');
      s.step(i % 2 ? 0.7 * dt : dt);
    }
    const err = s.attempt(dt);
    s.accept();
    const st = s.saveState();
    // the kernels asked for ran (on this thread)
    if (kernels === 'wasm') assert.ok(kernelsOf(s).wasmCalls > 0, `eps ${eps}, ${threads} threads: WebAssembly kernels ran`);
    else assert.equal(kernelsOf(s).wasmCalls, 0);
    // and the blending weights' loop (gamma.wat) with them
    const gammaCalls = (s as unknown as { impl: { tr: { wasmCalls: number } } }).impl.tr.wasmCalls;
    if (kernels === 'wasm') assert.ok(gammaCalls > 0, `eps ${eps}, ${threads} threads: the WebAssembly γ loop ran`);
    else assert.equal(gammaCalls, 0);
    // the series rows' per-cell moments (the MOMENTS task: WebAssembly on pairs of cells, an odd share's last cell in JavaScript)
    const lm = s.levelMoments(false)!;
    const moments = Object.fromEntries(Object.entries(lm).map(([k, v]) => [k, Float64Array.from(v as Float64Array)]));
    const out = { rho: Float64Array.from(s.rho()), h: Float64Array.from(s.h()), counters: { ...s.counters }, err, st, moments };
    s.dispose();
    return out;
  };
  try {
    for (const eps of [1, 0.1, 1e-2, 1e-8]) {
      const runs = cases.map(({ kernels, threads }) => run(eps, kernels, threads));
      for (let r = 1; r < runs.length; r++) {
        const [a, b] = [runs[0], runs[r]];
        const what = `eps ${eps}, ${cases[r].kernels} kernels, ${cases[r].threads} threads`;
        assert.deepEqual(b.counters, a.counters, `${what}: counters`);
        assert.ok(Object.is(b.err, a.err), `${what}: error estimate`);
        for (let i = 0; i < a.h.length; i++) if (!Object.is(a.h[i], b.h[i])) assert.fail(`${what}: h[${i}] differs: ${a.h[i]} vs ${b.h[i]}`);
        for (const [key, x] of Object.entries(a.moments)) {
          const y = b.moments[key];
          assert.ok(Buffer.from(x.buffer).equals(Buffer.from(y.buffer)), `${what}: moments ${key}`);
        }
        for (const key of Object.keys(a.st)) {
          const x = a.st[key];
          const y = b.st[key];
          if (x instanceof Float64Array) assert.ok(y instanceof Float64Array && Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength)), `${what}: checkpoint ${key}`);
          else assert.ok(Object.is(x, y), `${what}: checkpoint ${key}`);
        }
      }
    }
  } finally {
    if (env === undefined) delete process.env[KERNELS_ENV];
    else process.env[KERNELS_ENV] = env;
  }
});


test('kinetic 2D: the correction q −= M⁻¹ G δ formed from the stored solves of the FGMRES directions equals the extra solve to round-off, and is the one that runs (rough data, eps = 1, 0.1, 1e-2; 1 and 2 threads)', () => {
  type Impl = { corrections: { combined: number; solved: number } };
  for (const eps of [1, 0.1, 1e-2]) {
    for (const threads of [1, 2]) {
      const { grid, velocity, h0 } = rough(20, 5);
      const mk = (storedSolves?: number) => new KineticSolver({ grid, velocity, rate: powerLaw(-1), eps, h0, threads, storedSolves });
      const a = mk();
      const b = mk(0);
      const dt = a.suggestedDt();
      for (let i = 0; i < 6; i++) {
        a.step(dt);
        b.step(dt);
      }
      const ca = (a as unknown as { impl: Impl }).impl.corrections;
      const cb = (b as unknown as { impl: Impl }).impl.corrections;
      assert.ok(ca.combined >= 3, `eps ${eps}: the stored solves formed corrections (${JSON.stringify(ca)}; more than 4 directions: solved)`);
      assert.equal(cb.combined, 0, 'storedSolves: 0 always solves');
      assert.equal(a.counters.solverIterations, b.counters.solverIterations, `eps ${eps}: the same FGMRES iterations`);
      const ha = a.h();
      const hb = b.h();
      let d = 0;
      for (let i = 0; i < ha.length; i++) d = Math.max(d, Math.abs(ha[i] - hb[i]));
      assert.ok(d > 0, 'the two corrections are different computations (round-off apart)');
      assert.ok(d < 1e-12, `eps ${eps}, ${threads} threads: the corrections differ by ${d}`);
      a.dispose();
      b.dispose();
    }
  }
});

test('kinetic 2D: fluxes() (both directions in one pass over q, the snapshots\' jx and jy) equals flux(out, 0) and flux(out, 1) bitwise', () => {
  const { grid, velocity, h0 } = rough(12, 6);
  const s = new KineticSolver({ grid, velocity, rate: powerLaw(1), eps: 0.1, h0, threads: 1 });
  for (let i = 0; i < 2; i++) s.step(0.01);
  const one = [s.flux(new Float64Array(grid.cells), 0), s.flux(new Float64Array(grid.cells), 1)];
  const both = [new Float64Array(grid.cells).fill(NaN), new Float64Array(grid.cells).fill(NaN)];
  s.fluxes(both);
  for (const d of [0, 1]) {
    assert.ok(one[d].some((x) => x !== 0), `j${'xy'[d]} is not zero (a test of something)`);
    assert.deepEqual(Buffer.from(both[d].buffer), Buffer.from(one[d].buffer), `j${'xy'[d]} bitwise`);
  }
  s.dispose();
});

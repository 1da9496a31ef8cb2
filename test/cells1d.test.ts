/**
 * The 1D micro–macro steppers' per-cell loops as WebAssembly (src/solvers/wasm/cells1d.wat: two cells per f64x2
 * on the cell-major level) give byte for byte the JavaScript: the bound projection's sums on pairs of cells, an odd
 * last cell in JavaScript, then limitProjected, against BoundLimiter1D.projectQ (q, limited cells, cells scaled, the
 * non-finite cell reported); the Milne estimate of Levels1D with the WebAssembly sums attached against without
 * (value, place, noise, per-cell sums). Random data with ±0, NaN, limited cells, odd and even cell and velocity
 * counts. (Whole runs js against wasm: test/lines1d.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SharedArena } from '../src/solvers/parallel/arena.js';
import { wasmKernels } from '../src/solvers/wasm/kernels.js';
import { BoundLimiter1D } from '../src/solvers/limiter.js';
import { Levels1D } from '../src/solvers/microMacro/levels.js';
import { NumericalFailure } from '../src/solvers/stepper.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { sameBytes, uniform } from './support/bytes.js';

const CASES = [[8, 40], [8, 41], [7, 33], [32, 101], [5, 2]] as const;

/** The thrown cell of a NumericalFailure (−1: none thrown), and the return value. */
function attempt(f: () => number): { n: number; failedAt: number } {
  try {
    return { n: f(), failedAt: -1 };
  } catch (err) {
    if (!(err instanceof NumericalFailure)) throw err;
    return { n: 0, failedAt: err.where.cell ?? -2 };
  }
}

test('cells1d: the WebAssembly sums of the bound projection, then limitProjected, are byte for byte projectQ (±0, limited cells, odd counts, a NaN cell)', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const arena = new SharedArena(true, memory);
  const wasm = wasmKernels(memory);
  let scaledSeen = 0;
  for (const [nodes, N] of CASES) {
    const vel = velocityGrid(1, nodes);
    const K = vel.count;
    const rnd = uniform(17 + 5 * N + K);
    const w = arena.f64(K);
    w.set(vel.w);
    const r0 = Float64Array.from({ length: N }, () => rnd(0.5, 1.5));
    const q0 = Float64Array.from({ length: N * K }, () => rnd(-0.3, 0.3));
    for (let i = 0; i < N; i += 7) for (let k = 0; k < K; k++) q0[i * K + k] *= 4;
    for (let k = 0; k < K; k++) {
      q0[1 * K + k] = k % 2 ? -0 : 0;
      if (N > 2) q0[2 * K + k] = k % 2 ? 0 : -0;
    }
    for (const [useLimiter, nanAt] of [[true, -1], [false, -1], [true, N - 2]] as const) {
      const what = `${K} velocities, ${N} cells, limiter ${useLimiter}, NaN at ${nanAt}`;
      const qa = q0.slice();
      if (nanAt >= 0) qa[nanAt * K + (K >> 1)] = NaN;
      const ref = new BoundLimiter1D(N, K, 0.1, 0.2, 2, useLimiter, w, 'test');
      const qRef = qa.slice();
      const a = attempt(() => ref.projectQ(r0, qRef));
      const lim = new BoundLimiter1D(N, K, 0.1, 0.2, 2, useLimiter, w, 'test');
      const q = arena.f64(N * K);
      q.set(qa);
      const [qmax, qmin] = [arena.f64(N), arena.f64(N)];
      assert.ok(arena.inMemory);
      const e = N - (N & 1);
      wasm.projectSums1D(K, w.byteOffset, q.byteOffset, qmax.byteOffset, qmin.byteOffset, 0, e);
      lim.projectSums(q, qmax, qmin, e, N);
      const b = attempt(() => lim.limitProjected(r0, q, qmax, qmin));
      assert.deepEqual(b, a, `${what}: cells scaled / failure`);
      // on a failure projectQ stops at the failing cell; the cells before it are the same
      const upTo = a.failedAt >= 0 ? a.failedAt : N;
      sameBytes(q.subarray(0, upTo * K), qRef.subarray(0, upTo * K), `${what}: q`);
      sameBytes(lim.limitedC, ref.limitedC, `${what}: limited cells`);
      if (nanAt >= 0) assert.equal(a.failedAt, nanAt, `${what}: the NaN cell reported`);
      else if (useLimiter) scaledSeen += a.n;
      if (N > 2) assert.ok(Object.is(qmax[1], 0) && Object.is(qmin[1], 0) && Object.is(qmax[2], -0) && Object.is(qmin[2], -0), `${what}: extremes of ±0 keep the first`);
    }
  }
  assert.ok(scaledSeen > 0, 'some cells scaled');
});

test('cells1d: the Milne estimate with the WebAssembly per-cell sums is byte for byte the JavaScript one (value, place, noise, sums; ±0, NaN, limited cells)', () => {
  for (const [nodes, N] of CASES) {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const vel = velocityGrid(1, nodes);
    const K = vel.count;
    const rnd = uniform(3 + 11 * N + K);
    const h0 = Float64Array.from({ length: N * K }, () => rnd(0.5, 1.5));
    const arena = new SharedArena(true, memory);
    const w = arena.f64(K);
    w.set(vel.w);
    const levels = [new Levels1D(N, K, w, h0, N, arena), new Levels1D(N, K, w, h0, N, arena)];
    const aC = arena.f64(N);
    for (let i = 0; i < N; i++) aC[i] = rnd(1, 3);
    assert.ok(arena.inMemory);
    levels[1].attachWasm(wasmKernels(memory), w, arena.arrays);
    // three levels of history, the same random data in both
    const fills: number[][] = [];
    for (let step = 0; step < 3; step++) {
      const rho = Array.from({ length: N }, () => rnd(0.5, 1.5));
      const q = Array.from({ length: N * K }, (_, j) => (j % 13 === 5 ? -0 : rnd(-0.1, 0.1)));
      fills.push(rho, q);
    }
    // a limited cell (left out of the max) with a NaN in its q
    const limitedC = new Uint8Array(N);
    const nanCell = N >> 1;
    limitedC[nanCell] = 1;
    const dts = [0.01, 0.012, 0.009];
    const out = levels.map((L) => {
      for (let step = 0; step < 3; step++) {
        L.rhoNew.set(fills[2 * step]);
        L.qNew.set(fills[2 * step + 1]);
        if (step === 2) break;
        L.commit(dts[step]);
      }
      L.qNew[nanCell * K + 1] = NaN;
      const e = L.estimate(dts[2], 2, 1.5, aC, limitedC, { rtol: 1e-3, atol: 1e-6 }, 1e-9);
      const sums = L as unknown as { se: Float64Array; sy: Float64Array };
      return { e, place: L.place, noise: L.noise, se: sums.se.slice(), sy: sums.sy.slice() };
    });
    const what = `${K} velocities, ${N} cells`;
    assert.ok(Object.is(out[1].e, out[0].e), `${what}: estimate ${out[1].e} against ${out[0].e}`);
    assert.equal(out[1].place, out[0].place, `${what}: place`);
    assert.ok(Object.is(out[1].noise, out[0].noise), `${what}: noise`);
    sameBytes(out[1].se, out[0].se, `${what}: se`);
    sameBytes(out[1].sy, out[0].sy, `${what}: sy`);
    assert.ok(Number.isNaN(out[0].se[nanCell]) && Number.isFinite(out[0].e) && out[0].e > 0, `${what}: the NaN cell's sum, a finite estimate`);
  }
});

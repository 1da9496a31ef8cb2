/**
 * The 2D kinetic stepper's per-cell passes as WebAssembly (src/solvers/wasm/cells2d.wat through
 * src/solvers/kinetic/cells2d.ts) give byte for byte what the JavaScript gives (projectQCells of
 * src/solvers/limiter.ts, estimateSumsCells of src/solvers/microMacro/levels.ts): the projected q, <q> then θ,
 * the extremes, the limited cells and the return value (cells scaled, or −(p+1) for a non-finite cell), and the
 * estimate's sums, on random data with ±0 and NaN, cells limited (the scale pass runs), cell ranges that start
 * and end at odd cells (the odd cell in JavaScript), and more than one block of cells (256 and 1024 cells).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SharedArena } from '../src/solvers/parallel/arena.js';
import { wasmKernels } from '../src/solvers/wasm/kernels.js';
import { projectQCells } from '../src/solvers/limiter.js';
import { estimateSumsCells } from '../src/solvers/microMacro/levels2d.js';
import { estimateSumsTask, projectQTask } from '../src/solvers/kinetic/cells2d.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { sameBytes, uniform } from './support/bytes.js';

/** The cell ranges of three "threads": [0, 3), [3, m), [m, N) with m odd. */
const ranges = (N: number): [number, number][] => {
  const m = 2 * (N >> 2) + 1;
  return [[0, 3], [3, m], [m, N]];
};

const CASES = [[4, 258], [5, 101], [3, 603], [12, 67], [3, 2101]] as const;

test('cells2d: the WebAssembly bound projection is byte for byte projectQCells (±0, limited cells, odd range ends, a NaN cell)', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const arena = new SharedArena(true, memory);
  const wasm = wasmKernels(memory);
  const lo = 0.2;
  const hi = 2;
  let scaledSeen = 0;
  for (const [nodes, N] of CASES) {
    const vel = velocityGrid(2, nodes);
    const K = vel.count;
    const rnd = uniform(11 + 7 * N + K);
    const w = arena.f64(K);
    w.set(vel.w);
    const r0 = Float64Array.from({ length: N }, () => rnd(0.5, 1.5));
    const q0 = Float64Array.from({ length: N * K }, () => rnd(-0.3, 0.3));
    // a few cells with large q (limited; none in the cells 250..559: a block of 256 with θ = 1 everywhere),
    // cells 5 and 6 all ±0 (first +0 or −0: the extremes keep the first)
    for (let p = 0; p < N; p += 17) if (p < 250 || p >= 560) for (let k = 0; k < K; k++) q0[k * N + p] *= 4;
    for (let k = 0; k < K; k++) {
      q0[k * N + 5] = k % 2 ? -0 : 0;
      q0[k * N + 6] = k % 2 ? 0 : -0;
      if (k % 3 === 1) q0[k * N + 9] = -0;
    }
    for (const [useLimiter, nanAt] of [[true, -1], [false, -1], [true, N - 40]] as const) {
      const qa = q0.slice();
      if (nanAt >= 0) qa[(K >> 1) * N + nanAt] = NaN;
      // JavaScript: plain arrays, the same ranges (threads: a range after a failing one is not run)
      const ref = { q: qa.slice(), sum: new Float64Array(N), qmax: new Float64Array(N), qmin: new Float64Array(N), lim: new Uint8Array(N) };
      let refRet = 0;
      for (const [p0, p1] of ranges(N)) {
        const n = projectQCells(N, K, w, lo, hi, useLimiter, r0, ref.q, ref.sum, ref.qmax, ref.qmin, ref.lim, p0, p1);
        if (n < 0) {
          refRet = n;
          break;
        }
        refRet += n;
      }
      // WebAssembly: in the memory, three ranges with odd ends
      const q = arena.f64(N * K);
      q.set(qa);
      const r = arena.f64(N);
      r.set(r0);
      const [sum, qmax, qmin] = [arena.f64(N), arena.f64(N), arena.f64(N)];
      const lim = arena.u8(N);
      assert.ok(arena.inMemory);
      let ret = 0;
      let failed = false;
      for (const [p0, p1] of ranges(N)) {
        const n = projectQTask(wasm, N, K, w, lo, hi, useLimiter, r, q, sum, qmax, qmin, lim, p0, p1);
        if (n < 0) {
          ret = n;
          failed = true;
          break;
        }
        ret += n;
      }
      const what = `${K} velocities, ${N} cells, limiter ${useLimiter}, NaN at ${nanAt}`;
      assert.equal(ret, refRet, `${what}: return value`);
      if (nanAt >= 0) assert.ok(failed && ret === -(nanAt + 1), `${what}: the NaN cell reported`);
      sameBytes(q, ref.q, `${what}: q`);
      sameBytes(sum, ref.sum, `${what}: theta (<q> from a failing cell on)`);
      sameBytes(qmax, ref.qmax, `${what}: qmax`);
      sameBytes(qmin, ref.qmin, `${what}: qmin`);
      sameBytes(lim, ref.lim, `${what}: limited cells`);
      if (!failed && useLimiter) {
        assert.ok(ret > 0 && ret < N, `${what}: some cells scaled`);
        scaledSeen += ret;
      }
      assert.ok(Object.is(qmax[5], 0) && Object.is(qmin[5], 0) && Object.is(qmax[6], -0) && Object.is(qmin[6], -0), `${what}: extremes of ±0 keep the first`);
    }
  }
  assert.ok(scaledSeen > 0);
});

test('cells2d: the WebAssembly estimate sums are byte for byte estimateSumsCells (±0, NaN, odd range ends)', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const arena = new SharedArena(true, memory);
  const wasm = wasmKernels(memory);
  for (const [nodes, N] of CASES) {
    const vel = velocityGrid(2, nodes);
    const K = vel.count;
    const rnd = uniform(5 + 3 * N + K);
    const w = arena.f64(K);
    w.set(vel.w);
    const level = (n: number, lo: number, hi: number): Float64Array => {
      const a = arena.f64(n);
      for (let i = 0; i < n; i++) a[i] = i % 101 === 7 ? -0 : rnd(lo, hi);
      return a;
    };
    const [qN, qOld, qOld2, qNew] = [level(N * K, -0.2, 0.2), level(N * K, -0.2, 0.2), level(N * K, -0.2, 0.2), level(N * K, -0.2, 0.2)];
    const [rhoN, er, filt] = [level(N, 0.5, 1.5), level(N, -1e-3, 1e-3), level(N, 0, 1)];
    qNew[3 * N + 10] = NaN;
    er[N - 2] = -0;
    const a = [1.7, -0.9, 0.2] as const;
    const se = new Float64Array(N);
    const sy = new Float64Array(N);
    estimateSumsCells(N, K, w, rhoN, qN, qOld, qOld2, qNew, er, filt, se, sy, a[0], a[1], a[2], 0, N);
    const [seW, syW] = [arena.f64(N), arena.f64(N)];
    assert.ok(arena.inMemory);
    for (const [p0, p1] of ranges(N)) estimateSumsTask(wasm, N, K, w, rhoN, qN, qOld, qOld2, qNew, er, filt, seW, syW, a[0], a[1], a[2], p0, p1);
    sameBytes(seW, se, `${K} velocities, ${N} cells: se`);
    sameBytes(syW, sy, `${K} velocities, ${N} cells: sy`);
    assert.ok(Number.isNaN(seW[10]));
  }
});

/**
 * The line kernels of src/solvers/transport/factored2d.ts (two rows per pass, the scale by a fused into
 * the column solve) give byte for byte what the plain formulas give (test/support/factored2dReference.ts:
 * one row per recurrence, the scale as its own pass), on random data with odd and even nx, ny ≥ 3 and
 * nonzero offsets into blocks of several units; the WebAssembly kernels (src/solvers/wasm/*.wat) give
 * the same bytes as the JavaScript ones, on arrays of a SharedArena inside a WebAssembly.Memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyLineOp, factorCols, factorRows, solveCols, solveRows } from '../src/solvers/transport/factored2d.js';
import { SharedArena } from '../src/solvers/parallel/arena.js';
import { wasmKernels } from '../src/solvers/wasm/kernels.js';
import { momentWeights2D, momentsCells2D, type LevelMomentArrays } from '../src/solvers/microMacro/moments.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { factorColsRef, factorRowsRef, scaleByRef, solveColsRef, solveRowsRef } from './support/factored2dReference.js';
import { sameBytes, uniform } from './support/bytes.js';

function fill(n: number, rnd: (lo: number, hi: number) => number, lo: number, hi: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rnd(lo, hi);
  return a;
}

const SIZES: [number, number][] = [[3, 3], [3, 4], [4, 3], [4, 4], [5, 7], [8, 5], [6, 9], [16, 16], [17, 12]];

test('factored2d: the two-row x-line factorisation and solve are byte for byte the one-row formulas (odd and even nx, ny)', () => {
  for (const [nx, ny] of SIZES) {
    const N = nx * ny;
    const rnd = uniform(1000 * nx + ny);
    // γ in [0, 1] with zeros (inactive faces), γ/a, a = c0 + σ; units at block offsets 1 (γ) and 2 (factors)
    const g = fill(3 * N, rnd, 0, 1).map((v) => (v < 0.1 ? 0 : v));
    const ga = fill(3 * N, rnd, 0, 0.5);
    const a = fill(N, rnd, 1, 3);
    const ls = Math.max(nx, ny);
    for (const [s, c] of [[2.5, 0.7], [-3.1, 1.3], [0.4, 0]]) {
      const inv = new Float64Array(3 * N);
      const z = new Float64Array(3 * N);
      const invS = new Float64Array(3 * ls);
      const invR = inv.slice();
      const zR = z.slice();
      const invSR = invS.slice();
      factorRows(nx, ny, s, c, g, ga, N, a, inv, z, 2 * N, invS, 2 * ls);
      factorRowsRef(nx, ny, s, c, g, ga, N, a, invR, zR, 2 * N, invSR, 2 * ls);
      sameBytes(inv, invR, `inv ${nx}x${ny} s=${s}`);
      sameBytes(z, zR, `z ${nx}x${ny} s=${s}`);
      sameBytes(invS, invSR, `invS ${nx}x${ny} s=${s}`);
      const x = fill(4 * N, rnd, -1, 1);
      const xR = x.slice();
      solveRows(nx, ny, s, c, g, ga, N, inv, z, 2 * N, invS, 2 * ls, x, 3 * N);
      solveRowsRef(nx, ny, s, c, g, ga, N, invR, zR, 2 * N, invSR, 2 * ls, xR, 3 * N);
      sameBytes(x, xR, `solveRows ${nx}x${ny} s=${s}`);
    }
  }
});

test('factored2d: the y-line solve with the scale fused into its forward sweep is byte for byte scale-then-solve; without it, the plain solve', () => {
  for (const [nx, ny] of SIZES) {
    const N = nx * ny;
    const rnd = uniform(7 + 31 * nx + ny);
    const g = fill(2 * N, rnd, 0, 1).map((v) => (v < 0.1 ? 0 : v));
    const ga = fill(2 * N, rnd, 0, 0.5);
    const a = fill(N, rnd, 1, 3);
    const ls = Math.max(nx, ny);
    for (const [s, c] of [[1.7, 0.9], [-2.2, 0.3]]) {
      const inv = new Float64Array(2 * N);
      const z = new Float64Array(2 * N);
      const invS = new Float64Array(2 * ls);
      factorCols(nx, ny, s, c, g, ga, N, a, inv, z, N, invS, ls, new Float64Array(nx), new Float64Array(nx));
      const invR = new Float64Array(2 * N);
      const zR = new Float64Array(2 * N);
      const invSR = new Float64Array(2 * ls);
      factorColsRef(nx, ny, s, c, g, ga, N, a, invR, zR, N, invSR, ls, new Float64Array(nx), new Float64Array(nx));
      sameBytes(inv, invR, `cols inv ${nx}x${ny}`);
      sameBytes(z, zR, `cols z ${nx}x${ny}`);
      sameBytes(invS, invSR, `cols invS ${nx}x${ny}`);
      const x0 = fill(3 * N, rnd, -1, 1);
      // scaled: fused against a pass of its own then the old solve
      const x = x0.slice();
      const xR = x0.slice();
      solveCols(nx, ny, s, c, g, ga, N, inv, z, N, invS, ls, x, 2 * N, new Float64Array(nx), a);
      scaleByRef(N, xR, 2 * N, a);
      solveColsRef(nx, ny, s, c, g, ga, N, invR, zR, N, invSR, ls, xR, 2 * N, new Float64Array(nx));
      sameBytes(x, xR, `solveCols scaled ${nx}x${ny} s=${s}`);
      // unscaled
      const y = x0.slice();
      const yR = x0.slice();
      solveCols(nx, ny, s, c, g, ga, N, inv, z, N, invS, ls, y, N, new Float64Array(nx));
      solveColsRef(nx, ny, s, c, g, ga, N, invR, zR, N, invSR, ls, yR, N, new Float64Array(nx));
      sameBytes(y, yR, `solveCols ${nx}x${ny} s=${s}`);
      // the check can fail: a scale that differs in one cell changes the bytes
      const b = a.slice();
      b[N - 1] *= 1 + 2 ** -40;
      const w = x0.slice();
      solveCols(nx, ny, s, c, g, ga, N, inv, z, N, invS, ls, w, 2 * N, new Float64Array(nx), b);
      assert.notDeepEqual(Array.from(w), Array.from(xR));
    }
  }
});

test('factored2d: the WebAssembly line solves and factorisations are byte for byte the JavaScript ones (odd and even nx, ny; scaled and not; arrays in a shared memory)', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const arena = new SharedArena(true, memory);
  const w = wasmKernels(memory);
  const B = (a: Float64Array, off = 0) => a.byteOffset + 8 * off;
  for (const [nx, ny] of SIZES.concat([[33, 31], [64, 64]])) {
    const N = nx * ny;
    const ls = Math.max(nx, ny);
    const rnd = uniform(5 + 17 * nx + ny);
    const g = arena.f64(2 * N);
    const ga = arena.f64(2 * N);
    const a = arena.f64(N);
    g.set(fill(2 * N, rnd, 0, 1).map((v) => (v < 0.1 ? 0 : v)));
    ga.set(fill(2 * N, rnd, 0, 0.5));
    a.set(fill(N, rnd, 1, 3));
    const inv = arena.f64(2 * N);
    const z = arena.f64(2 * N);
    const invS = arena.f64(2 * ls);
    const x = arena.f64(2 * N);
    const sL = arena.f64(ls);
    assert.ok(arena.inMemory);
    const s = -1.9;
    const c = 0.6;
    const x0 = fill(N, rnd, -1, 1);
    // rows (unit at offset N of the factors, γ block 1)
    factorRows(nx, ny, s, c, g, ga, N, a, inv, z, N, invS, ls);
    const [invR, zR, invSR] = [inv.slice(), z.slice(), invS.slice()];
    inv.fill(NaN);
    z.fill(NaN);
    invS.fill(NaN);
    w.factorRows(nx, ny, s, c, B(g, N), B(ga, N), B(a), B(inv, N), B(z, N), B(invS, ls));
    // the factors of each row's leading nx − 1 cells, and 1/Schur per row
    for (let j = 0; j < ny; j++) {
      const r = N + j * nx;
      sameBytes(inv.subarray(r, r + nx - 1), invR.subarray(r, r + nx - 1), `wasm factorRows inv ${nx}x${ny} row ${j}`);
      sameBytes(z.subarray(r, r + nx - 1), zR.subarray(r, r + nx - 1), `wasm factorRows z ${nx}x${ny} row ${j}`);
    }
    sameBytes(invS.subarray(ls, ls + ny), invSR.subarray(ls, ls + ny), `wasm factorRows invS ${nx}x${ny}`);
    const js = x0.slice();
    solveRows(nx, ny, s, c, g, ga, N, inv, z, N, invS, ls, js, 0);
    x.set(x0, N);
    w.solveRows(nx, ny, s, c, B(g, N), B(ga, N), B(inv, N), B(z, N), B(invS, ls), B(x, N));
    sameBytes(x.subarray(N), js, `wasm solveRows ${nx}x${ny}`);
    // columns: the factorisation, then the solve with and without the scale
    factorCols(nx, ny, s, c, g, ga, N, a, inv, z, N, invS, ls, new Float64Array(nx), new Float64Array(nx));
    const [invJ, zJ, invSJ] = [inv.slice(), z.slice(), invS.slice()];
    inv.fill(NaN);
    z.fill(NaN);
    invS.fill(NaN);
    w.factorCols(nx, ny, s, c, B(g, N), B(ga, N), B(a), B(inv, N), B(z, N), B(invS, ls));
    const lead = N + nx * (ny - 1); // the factors of the leading (ny − 1) rows
    sameBytes(inv.subarray(N, lead), invJ.subarray(N, lead), `wasm factorCols inv ${nx}x${ny}`);
    sameBytes(z.subarray(N, lead), zJ.subarray(N, lead), `wasm factorCols z ${nx}x${ny}`);
    sameBytes(invS.subarray(ls, ls + nx), invSJ.subarray(ls, ls + nx), `wasm factorCols invS ${nx}x${ny}`);
    for (const scaled of [0, 1]) {
      const jc = x0.slice();
      solveCols(nx, ny, s, c, g, ga, N, inv, z, N, invS, ls, jc, 0, new Float64Array(nx), scaled ? a : null);
      x.set(x0, N);
      w.solveCols(nx, ny, s, c, B(g, N), B(ga, N), B(inv, N), B(z, N), B(invS, ls), B(x, N), B(sL), B(a), scaled);
      sameBytes(x.subarray(N), jc, `wasm solveCols ${nx}x${ny} scaled ${scaled}`);
    }
  }
});

test('SharedArena with a memory: arrays past the memory\'s limit get buffers of their own and inMemory turns false; ids stay valid', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
  const arena = new SharedArena(true, memory);
  const a = arena.f64(1000);
  const b = arena.i32(10);
  assert.ok(arena.inMemory);
  assert.equal(a.buffer.byteLength, memory.buffer.byteLength);
  const c = arena.f64(20000); // 160 kB: past 2 pages
  assert.equal(arena.inMemory, false);
  assert.notEqual(c.buffer.byteLength, memory.buffer.byteLength);
  const d = arena.u8(5);
  a[999] = 1.5;
  c[19999] = 2.5;
  assert.deepEqual([a, b, c, d].map((x) => arena.id(x)), [0, 1, 2, 3]);
  assert.throws(() => arena.id(new Float64Array(3)), /not allocated/);
  const views = SharedArena.views(arena.descriptor());
  assert.equal((views[0] as Float64Array)[999], 1.5);
  assert.equal((views[2] as Float64Array)[19999], 2.5);
  assert.equal(arena.descriptor().inMemory, false);
});

test('factored2d: the WebAssembly line operators (the splitting term\'s) are byte for byte applyLineOp, both directions, odd and even sizes', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const arena = new SharedArena(true, memory);
  const w = wasmKernels(memory);
  for (const [nx, ny] of SIZES.concat([[2, 3], [33, 31]])) {
    const N = nx * ny;
    const rnd = uniform(99 + 7 * nx + ny);
    const g = arena.f64(2 * N);
    const ga = arena.f64(2 * N);
    const q = arena.f64(2 * N);
    const out = arena.f64(N);
    g.set(fill(2 * N, rnd, 0, 1));
    ga.set(fill(2 * N, rnd, 0, 0.5));
    q.set(fill(2 * N, rnd, -1, 1));
    for (const dir of [0, 1]) {
      for (const [s, c] of [[1.3, 0.4], [0, 0.7], [-2.1, 0]]) {
        const js = new Float64Array(N);
        applyLineOp(nx, ny, dir, s, c, g, ga, N, q, N, js);
        out.fill(NaN);
        w.applyLineOp(nx, ny, dir, s, c, g.byteOffset + 8 * N, ga.byteOffset + 8 * N, q.byteOffset + 8 * N, out.byteOffset);
        sameBytes(out, js, `applyLineOp ${nx}x${ny} dir ${dir} s ${s} c ${c}`);
      }
    }
  }
});

test('moments: the WebAssembly per-cell moments are byte for byte momentsCells2D (4 velocities at a time and the rest alone, NaN and ±0 in q, cell ranges split anywhere)', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const arena = new SharedArena(true, memory);
  const w = wasmKernels(memory);
  const keys = ['s0', 'q2', 'jx', 'jy', 'exx', 'exy', 'eyy', 'qmin', 'qmax'] as const;
  for (const [nodes, N] of [[4, 258], [5, 101], [3, 64]] as const) {
    const vel = velocityGrid(2, nodes);
    const K = vel.count;
    const wk = momentWeights2D(vel.w, vel.v[0], vel.v[1]);
    const W = arena.f64(6 * K);
    wk.forEach((m, i) => W.set(m, i * K));
    const rnd = uniform(3 + N + K);
    const q = arena.f64(N * K);
    q.set(fill(N * K, rnd, -0.5, 0.5).map((v, i) => (i % 97 === 3 ? NaN : i % 89 === 5 ? -0 : i % 83 === 7 ? 0 : v)));
    const ref = Object.fromEntries(keys.map((k) => [k, new Float64Array(N)])) as unknown as LevelMomentArrays;
    momentsCells2D(N, K, wk, q, ref, 0, N);
    const out = Object.fromEntries(keys.map((k) => [k, arena.f64(N)])) as unknown as LevelMomentArrays;
    // JavaScript on [0, 3) and [p, N), WebAssembly on the even range between
    const p = 3 + 2 * ((N - 3 - 5) >> 1);
    momentsCells2D(N, K, wk, q, out, 0, 3);
    w.moments(N, K, W.byteOffset, q.byteOffset, out.s0.byteOffset, out.q2.byteOffset, out.jx.byteOffset, out.jy.byteOffset, out.exx.byteOffset, out.exy.byteOffset, out.eyy.byteOffset, out.qmin.byteOffset, out.qmax.byteOffset, 3, p);
    momentsCells2D(N, K, wk, q, out, p, N);
    for (const k of keys) {
      const a = out[k];
      const b = ref[k];
      assert.ok(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer)), `${nodes}² nodes, ${N} cells: ${k}`);
    }
  }
});

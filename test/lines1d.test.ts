/**
 * The 1D kinetic stepper's WebAssembly line kernels (src/solvers/wasm/lines1d.wat, src/solvers/transport/lines1d.ts)
 * and per-cell loops (cells1d.wat: the bound projection's and the estimate's sums, test/cells1d.test.ts) and the
 * blending weights' loop (gamma.wat, test/gammaWasm.test.ts):
 * a run gives bitwise the same results with NLBGK_KERNELS=js and =wasm (h, rho, counters, error estimates,
 * checkpoints), and the WebAssembly kernels ran: with 8 velocities every one active (q's rows contiguous), with 7
 * six (v = 0 is never active: q read and written at the active velocities' offsets).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { makeGrid } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { powerLaw } from '../src/models/rate.js';
import type { InterleavedLines1D } from '../src/solvers/transport/lines1d.js';
import { KERNELS_ENV } from '../src/solvers/wasm/kernels.js';

const linesOf = (s: KineticSolver): InterleavedLines1D => (s as unknown as { impl: { lines: InterleavedLines1D } }).impl.lines;

/** Rough 1D data: a jump and a cosine in x, asymmetric in v. */
function rough(n: number, nodes: number) {
  const grid = makeGrid([n]);
  const velocity = velocityGrid(1, nodes);
  const K = velocity.count;
  const h0 = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    const r = (i < n / 2 ? 0.5 : 2) * (1 + 0.3 * Math.cos((2 * Math.PI * (i + 0.5)) / n));
    for (let k = 0; k < K; k++) h0[i * K + k] = r * (velocity.v[0][k] > 0.3 ? 1.5 : 0.8 + 0.01 * k);
  }
  return { grid, velocity, h0 };
}

function run(eps: number, nodes: number, cells: number, kernels: 'js' | 'wasm') {
  const env = process.env[KERNELS_ENV];
  process.env[KERNELS_ENV] = kernels;
  try {
    const { grid, velocity, h0 } = rough(cells, nodes);
    const s = new KineticSolver({ grid, velocity, rate: powerLaw(-1), eps, h0 });
    const dt = s.suggestedDt();
    const errs: number[] = [];
    for (let i = 0; i < 6; i++) {
      if (i === 3) errs.push(s.attempt(0.3 * dt)); // a rejected attempt in between
      s.step(i % 2 ? 0.7 * dt : dt);
    }
    errs.push(s.attempt(dt));
    s.accept();
    const nAct = (s as unknown as { impl: { faces: { nAct: number } } }).impl.faces.nAct;
    // the per-cell loops' WebAssembly (bound projection and estimate sums, cells1d.wat) attached
    const cellsWasm = (s as unknown as { impl: { cells: unknown } }).impl.cells !== null;
    // the blending weights' loop (gamma.wat)
    const gammaCalls = (s as unknown as { impl: { faces: { wasmCalls: number } } }).impl.faces.wasmCalls;
    return { rho: Float64Array.from(s.rho()), h: Float64Array.from(s.h()), counters: { ...s.counters }, errs, st: s.saveState(), wasmCalls: linesOf(s).wasmCalls, nAct, cellsWasm, gammaCalls };
  } finally {
    if (env === undefined) delete process.env[KERNELS_ENV];
    else process.env[KERNELS_ENV] = env;
  }
}

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

// 41 cells: an odd number of faces (the face sums take two at a time)
for (const [nodes, cells] of [[8, 40], [8, 41], [7, 40]]) {
  test(`kinetic 1D, ${cells} cells, ${nodes} velocities: bitwise the same results with the JavaScript and WebAssembly kernels (rough data, eps = 1, 0.1, 1e-2, 1e-8)`, () => {
    for (const eps of [1, 0.1, 1e-2, 1e-8]) {
      const a = run(eps, nodes, cells, 'js');
      const b = run(eps, nodes, cells, 'wasm');
      const what = `eps ${eps}, ${cells} cells, ${nodes} velocities`;
      assert.equal(a.wasmCalls, 0, `${what}: no WebAssembly with NLBGK_KERNELS=js`);
      assert.ok(!a.cellsWasm && b.cellsWasm, `${what}: the per-cell loops' WebAssembly with NLBGK_KERNELS=wasm only`);
      // (at eps = 1e-8 every γ underflows: the loop is skipped)
      assert.ok(a.gammaCalls === 0 && (eps < 1e-4 || b.gammaCalls > 0), `${what}: the γ loop's WebAssembly with NLBGK_KERNELS=wasm only`);
      // at eps >= 0.1 every velocity is active here but v = 0 (odd counts): 8 of 8, 6 of 7
      if (eps >= 0.1) {
        assert.equal(b.nAct, nodes % 2 === 0 ? nodes : nodes - 1, `${what}: active velocities`);
        assert.ok(b.wasmCalls > 0, `${what}: ${b.wasmCalls} WebAssembly calls`);
      }
      assert.deepEqual(b.counters, a.counters, `${what}: counters`);
      a.errs.forEach((e, i) => assert.ok(Object.is(b.errs[i], e), `${what}: error estimate ${i}: ${e} vs ${b.errs[i]}`));
      assert.ok(bytes(a.rho).equals(bytes(b.rho)), `${what}: rho`);
      for (let i = 0; i < a.h.length; i++) if (!Object.is(a.h[i], b.h[i])) assert.fail(`${what}: h[${i}] differs: ${a.h[i]} vs ${b.h[i]}`);
      assert.deepEqual(Object.keys(b.st), Object.keys(a.st), `${what}: checkpoint keys`);
      for (const key of Object.keys(a.st)) {
        const x = a.st[key];
        const y = b.st[key];
        if (x instanceof Float64Array) assert.ok(y instanceof Float64Array && bytes(x).equals(bytes(y)), `${what}: checkpoint ${key}`);
        else assert.deepEqual(y, x, `${what}: checkpoint ${key}`);
      }
    }
  });
}

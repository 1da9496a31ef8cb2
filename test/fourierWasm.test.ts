/**
 * GridFourier's WebAssembly 2D transform (src/grid/wasm/fft2d.wat: fft.js's radix-4 on two lines per f64x2) gives
 * byte for byte the JavaScript path (fft.js line by line, NLBGK_KERNELS=js): forward and inverse, through
 * transformInPlace, forwardInto, forwardPairInto and inverseReal, on square and oblong power-of-two grids, random
 * data with ±0, huge, tiny and subnormal magnitudes, and NaN/±Inf (NaN sign and payload excepted, see
 * canonicalNaN); and the WebAssembly path is the one taken where it applies (2D, both sizes powers of two) and not
 * with NLBGK_KERNELS=js, 1D grids or other sizes. End to end: a 2D kinetic run on a power-of-two grid (its DSA
 * preconditioner transforms every FGMRES iteration) gives the same bytes with NLBGK_KERNELS=js and without.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GridFourier } from '../src/grid/fourier.js';
import { fftWasmCalls } from '../src/grid/fftWasm.js';
import { sameBytes, uniform } from './support/bytes.js';
import { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { makeGrid } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { powerLaw } from '../src/models/rate.js';

const SIZES = [[4, 4], [8, 16], [16, 8], [32, 32], [64, 128], [128, 128], [256, 64], [2, 4], [4, 2], [2, 2]] as const;

/** A GridFourier built with NLBGK_KERNELS set to `kernels` (undefined: unset), the variable restored after. */
function grid(n: number[], kernels: string | undefined): GridFourier {
  const before = process.env.NLBGK_KERNELS;
  if (kernels === undefined) delete process.env.NLBGK_KERNELS;
  else process.env.NLBGK_KERNELS = kernels;
  try {
    return new GridFourier(n);
  } finally {
    if (before === undefined) delete process.env.NLBGK_KERNELS;
    else process.env.NLBGK_KERNELS = before;
  }
}

/** Random values of mixed scales: uniform, ±0, huge, tiny, subnormal. */
function field(length: number, seed: number): Float64Array {
  const rnd = uniform(seed);
  return Float64Array.from({ length }, (_, i) => {
    const x = rnd(-1, 1);
    switch (i % 11) {
      case 3:
        return i % 2 ? -0 : 0;
      case 5:
        return x * 1e150;
      case 7:
        return x * 1e-150;
      case 9:
        return x * 5e-320;
      default:
        return x;
    }
  });
}

/** The pair (JS, wasm) for a grid, checking that the second is the WebAssembly path. */
function pair(nx: number, ny: number): [GridFourier, GridFourier] {
  const js = grid([nx, ny], 'js');
  const wasm = grid([nx, ny], undefined);
  assert.equal(js.kernel, 'js');
  assert.equal(wasm.kernel, 'wasm', `${nx}×${ny}: the WebAssembly FFT should load in Node after npm run build`);
  return [js, wasm];
}

test('fourierWasm: transformInPlace forward and inverse are byte for byte the JavaScript (fft.js) path', () => {
  for (const [nx, ny] of SIZES) {
    const [js, wasm] = pair(nx, ny);
    const U = field(2 * nx * ny, 7 + nx + 3 * ny);
    for (const inverse of [false, true]) {
      const a = U.slice();
      const b = U.slice();
      js.transformInPlace(a, inverse);
      wasm.transformInPlace(b, inverse);
      sameBytes(b, a, `${nx}×${ny} ${inverse ? 'inverse' : 'forward'}`);
      // a round trip on the same object (the wasm memory reused) stays identical
      js.transformInPlace(a, !inverse);
      wasm.transformInPlace(b, !inverse);
      sameBytes(b, a, `${nx}×${ny} round trip`);
    }
  }
});

test('fourierWasm: forwardInto, forwardPairInto and inverseReal are byte for byte the JavaScript path', () => {
  for (const [nx, ny] of SIZES) {
    const [js, wasm] = pair(nx, ny);
    const N = nx * ny;
    const u = field(N, 31 + nx);
    const v = field(N, 57 + ny);
    const Ua = new Float64Array(2 * N);
    const Ub = new Float64Array(2 * N).fill(99);
    sameBytes(wasm.forwardInto(u, Ub), js.forwardInto(u, Ua), `${nx}×${ny} forwardInto`);
    sameBytes(wasm.forwardPairInto(u, v, Ub), js.forwardPairInto(u, v, Ua), `${nx}×${ny} forwardPairInto`);
    sameBytes(wasm.inverseReal(Ub), js.inverseReal(Ua), `${nx}×${ny} inverseReal`);
    sameBytes(wasm.derivative(u, 1), js.derivative(u, 1), `${nx}×${ny} derivative`);
  }
});

/**
 * The bytes with every NaN written as the canonical quiet NaN. JavaScript does not define a NaN's sign or payload
 * (the engine may canonicalise, and which operand's NaN an x86 add passes on depends on the operand order its
 * compiler picks): where two NaNs of opposite signs meet (NaN + (Inf − Inf)), the JavaScript path and the
 * WebAssembly one were seen to give NaNs of opposite signs. Everything else, and where the NaNs are, is compared.
 */
function canonicalNaN(a: Float64Array): Float64Array {
  const out = a.slice();
  const bits = new BigUint64Array(out.buffer);
  for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) bits[i] = 0x7ff8000000000000n;
  return out;
}

test('fourierWasm: NaN and ±Inf propagate as in the JavaScript path (the same values and NaN places)', () => {
  const [nx, ny] = [16, 8];
  const [js, wasm] = pair(nx, ny);
  const cases: [string, [number, number][]][] = [
    ['NaN', [[2 * (3 + nx * 2), NaN]]],
    ['+Inf, −Inf', [[2 * (10 + nx * 5) + 1, Infinity], [2 * (11 + nx * 6), -Infinity]]],
    ['NaN, +Inf, −Inf', [[2 * (3 + nx * 2), NaN], [2 * (10 + nx * 5) + 1, Infinity], [2 * (11 + nx * 6), -Infinity]]],
  ];
  for (const [what, put] of cases) {
    const U = field(2 * nx * ny, 3);
    for (const [i, v] of put) U[i] = v;
    for (const inverse of [false, true]) {
      const a = U.slice();
      const b = U.slice();
      js.transformInPlace(a, inverse);
      wasm.transformInPlace(b, inverse);
      // in 2D one non-finite value spreads over the whole spectrum (Inf · 0, Inf − Inf)
      assert.ok(a.some(Number.isNaN), `${what}: the case yields NaN`);
      sameBytes(canonicalNaN(b), canonicalNaN(a), `${what} ${inverse ? 'inverse' : 'forward'}`);
    }
  }
});

test('fourierWasm: the WebAssembly path is taken for 2D power-of-two grids, not with NLBGK_KERNELS=js, 1D grids or other sizes', () => {
  const U = field(2 * 32 * 16, 5);
  const w = grid([32, 16], undefined);
  assert.equal(w.kernel, 'wasm');
  let c0 = fftWasmCalls();
  w.transformInPlace(U, false);
  w.forwardPairInto(U.subarray(0, 512), U.subarray(512), new Float64Array(1024));
  assert.equal(fftWasmCalls() - c0, 2, 'two transforms ran in WebAssembly');
  assert.equal(grid([32, 16], 'wasm').kernel, 'wasm');
  assert.equal(grid([32, 16], 'anything').kernel, 'wasm');
  for (const [n, kernels] of [[[32, 16], 'js'], [[64], undefined], [[64, 1], undefined], [[48, 16], undefined], [[16, 12], undefined]] as const) {
    const g = grid([...n], kernels);
    assert.equal(g.kernel, 'js', `${n.join('×')} with NLBGK_KERNELS=${kernels}`);
    const N = (n as readonly number[]).reduce((p, q) => p * q, 1);
    c0 = fftWasmCalls();
    g.transformInPlace(field(2 * N, 9), true);
    g.forwardInto(field(N, 11), new Float64Array(2 * N));
    assert.equal(fftWasmCalls(), c0, `${n.join('×')}: no WebAssembly transform`);
  }
});

test('fourierWasm: a 2D kinetic run (the DSA preconditioner transforming in WebAssembly) has the bytes of the JavaScript run', () => {
  const n = 16;
  const grid = makeGrid([n, n]);
  const velocity = velocityGrid(2, 4);
  const K = velocity.count;
  const h0 = new Float64Array(grid.cells * K);
  for (let p = 0; p < grid.cells; p++) {
    const r = (p % n < n / 2 ? 0.5 : 2) * (1 + 0.3 * Math.cos((2 * Math.PI * (Math.floor(p / n) + 0.5)) / n));
    for (let k = 0; k < K; k++) h0[p * K + k] = r * (velocity.v[0][k] - 0.5 * velocity.v[1][k] > 0 ? 1.5 : 0.8);
  }
  const before = process.env.NLBGK_KERNELS;
  const run = (kernels: string | undefined) => {
    if (kernels === undefined) delete process.env.NLBGK_KERNELS;
    else process.env.NLBGK_KERNELS = kernels;
    const c0 = fftWasmCalls();
    const s = new KineticSolver({ grid, velocity, rate: powerLaw(-1), eps: 0.1, h0, threads: 1 });
    const dt = s.suggestedDt();
    for (let i = 0; i < 3; i++) s.step(dt);
    const out = { h: Float64Array.from(s.h()), rho: Float64Array.from(s.rho()), ffts: fftWasmCalls() - c0 };
    s.dispose();
    return out;
  };
  try {
    const js = run('js');
    const wasm = run(undefined);
    assert.equal(js.ffts, 0, 'NLBGK_KERNELS=js: no WebAssembly transform');
    assert.ok(wasm.ffts > 0, 'the DSA preconditioner transformed in WebAssembly');
    sameBytes(wasm.h, js.h, 'h');
    sameBytes(wasm.rho, js.rho, 'rho');
  } finally {
    if (before === undefined) delete process.env.NLBGK_KERNELS;
    else process.env.NLBGK_KERNELS = before;
  }
});

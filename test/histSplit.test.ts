/**
 * The fused history right-hand side with the splitting term (factored2d.histSplit and its WebAssembly twin
 * histSplit in src/solvers/wasm/kernels2d.wat, one pass over the rows) gives byte for byte what the composition
 * it replaces gives: applyLineOp (y, sy, cy) into t1, t1 /= a, applyLineOp (x, sx, cx) of t1 into e,
 * e += applyLineOp (x, 0, cx) q + applyLineOp (y, 0, cy) q, out = a1 qN − a2 qO + e + hr. Random data, odd and
 * even nx and ny, s and c with zeros, γ with zeros, blocks at nonzero offsets; then ±0, ±∞ and NaN in the data
 * and data of zeros of both signs and ±1 (where the s = 0 operators' 0 × (…) terms decide the sign of a zero
 * result: a kernel without them fails).
 * Where two NaNs of different signs meet, which one an operation returns is the machine code's operand order
 * (IEEE 754 leaves the payload open): JavaScript and WebAssembly differ there, as the composition's two
 * versions did before, so the WebAssembly kernel is held to the JavaScript composition's bytes except that
 * a NaN stands for any NaN.
 */
import { test } from 'node:test';
import { applyLineOp, histSplit } from '../src/solvers/transport/factored2d.js';
import { SharedArena } from '../src/solvers/parallel/arena.js';
import { wasmKernels } from '../src/solvers/wasm/kernels.js';
import assert from 'node:assert/strict';
import { sameBytes, uniform } from './support/bytes.js';

/** sameBytes, except that a NaN matches a NaN of any payload. */
function sameUpToNaN(actual: Float64Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: lengths`);
  const a = actual.map((x) => (Number.isNaN(x) ? NaN : x));
  const b = expected.map((x) => (Number.isNaN(x) ? NaN : x));
  for (let i = 0; i < a.length; i++) assert.ok(Number.isNaN(a[i]) === Number.isNaN(b[i]), `${what}: entry ${i}: ${a[i]} against ${b[i]}`);
  sameBytes(a, b, what);
}

/** The composition histVel ran before the fused pass (Kinetic2DKernels.applyE, then histE), in JavaScript. */
function composition(nx: number, ny: number, sx: number, cx: number, gx: Float64Array, gax: Float64Array, gxOff: number, sy: number, cy: number, gy: Float64Array, gay: Float64Array, gyOff: number, a: Float64Array, a1: number, a2: number, qN: Float64Array, qO: Float64Array, off: number, hr: Float64Array, out: Float64Array): void {
  const N = nx * ny;
  const t1 = new Float64Array(N);
  const t2 = new Float64Array(N);
  const e = new Float64Array(N);
  applyLineOp(nx, ny, 1, sy, cy, gy, gay, gyOff, qN, off, t1);
  for (let p = 0; p < N; p++) t1[p] /= a[p];
  applyLineOp(nx, ny, 0, sx, cx, gx, gax, gxOff, t1, 0, e);
  applyLineOp(nx, ny, 0, 0, cx, gx, gax, gxOff, qN, off, t1);
  applyLineOp(nx, ny, 1, 0, cy, gy, gay, gyOff, qN, off, t2);
  for (let p = 0; p < N; p++) e[p] += t1[p] + t2[p];
  for (let p = 0; p < N; p++) out[off + p] = a1 * qN[off + p] - a2 * qO[off + p] + e[p] + hr[p];
}

const SIZES: [number, number][] = [[5, 7], [8, 6], [16, 16], [33, 10], [2, 3], [3, 2], [1, 4], [6, 1]];
// (sx, cx, sy, cy, a1, a2)
const COEFFS: number[][] = [
  [1.3, 0.4, -2.2, 0.6, 4 / 3, 1 / 3],
  [0, 0.7, 1.1, 0, 1, 0],
  [-2.1, 0, 0, 0.5, 1.5, 0.5],
  [0, 0, 0, 0, 1, 0],
  [3.7, 1e-3, -0.9, 2.5, -0.25, -1.75],
];

function run(special: boolean): void {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const arena = new SharedArena(true, memory);
  const w = wasmKernels(memory);
  for (const [nx, ny] of SIZES) {
    const N = nx * ny;
    const rnd = uniform(7919 * nx + 31 * ny + (special ? 5 : 0));
    const fill = (x: Float64Array, lo: number, hi: number, zeros = 0): void => {
      for (let i = 0; i < x.length; i++) x[i] = rnd(0, 1) < zeros ? 0 : rnd(lo, hi);
    };
    // γ blocks: x unit at block 1 of 2, y unit at block 2 of 3; the velocity at block 1 of 3
    const gx = arena.f64(2 * N);
    const gax = arena.f64(2 * N);
    const gy = arena.f64(3 * N);
    const gay = arena.f64(3 * N);
    const a = arena.f64(N);
    const hr = arena.f64(N);
    const qN = arena.f64(3 * N);
    const qO = arena.f64(3 * N);
    const out = arena.f64(3 * N);
    const line = arena.f64(nx);
    const lineY = arena.f64(nx);
    fill(gx, 0, 1, 0.2);
    fill(gax, 0, 0.5, 0.2);
    fill(gy, 0, 1, 0.2);
    fill(gay, 0, 0.5, 0.2);
    fill(a, 1, 3);
    fill(hr, -1, 1, 0.1);
    fill(qN, -1, 1, 0.05);
    fill(qO, -1, 1, 0.05);
    if (special) {
      // ±0 everywhere it can enter, one NaN and one infinite value in qN, -0 in hr and γ
      const at = (i: number) => N + ((i * 7) % N);
      qN[at(0)] = -0;
      qN[at(1)] = 0;
      qN[at(2)] = NaN;
      qN[at(3)] = -Infinity;
      qO[at(4)] = -0;
      hr[(5 * 3) % N] = -0;
      gx[N + ((6 * 5) % N)] = -0;
      gy[2 * N + ((7 * 3) % N)] = -0;
      gay[2 * N + ((8 * 3) % N)] = -0;
    }
    for (const [sx, cx, sy, cy, a1, a2] of COEFFS) {
      const what = `${special ? 'special values, ' : ''}${nx}x${ny} sx ${sx} cx ${cx} sy ${sy} cy ${cy} a1 ${a1} a2 ${a2}`;
      const ref = new Float64Array(3 * N).fill(0.5);
      composition(nx, ny, sx, cx, gx, gax, N, sy, cy, gy, gay, 2 * N, a, a1, a2, qN, qO, N, hr, ref);
      const js = new Float64Array(3 * N).fill(0.5);
      histSplit(nx, ny, sx, cx, gx, gax, N, sy, cy, gy, gay, 2 * N, a, a1, a2, qN, qO, N, hr, js, new Float64Array(nx), new Float64Array(nx));
      sameBytes(js, ref, `JavaScript ${what}`);
      out.fill(0.5);
      w.histSplit(nx, ny, sx, cx, gx.byteOffset + 8 * N, gax.byteOffset + 8 * N, sy, cy, gy.byteOffset + 16 * N, gay.byteOffset + 16 * N, a.byteOffset, a1, a2, qN.byteOffset + 8 * N, qO.byteOffset + 8 * N, hr.byteOffset, out.byteOffset + 8 * N, line.byteOffset, lineY.byteOffset);
      if (special) sameUpToNaN(out, ref, `WebAssembly ${what}`);
      else sameBytes(out, ref, `WebAssembly ${what}`);
    }
  }
}

test('histSplit: the fused history right-hand side is byte for byte the line-operator composition (JavaScript and WebAssembly, odd and even sizes)', () => {
  run(false);
});

test('histSplit: byte for byte the composition with ±0, ±∞ and NaN in the data', () => {
  run(true);
});

test('histSplit: the signs of zeros are the composition\'s (q in {±0, ±1}, history terms ±0, s and c with zeros: the s = 0 operators\' 0 × (…) terms decide them)', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const arena = new SharedArena(true, memory);
  const w = wasmKernels(memory);
  const rnd = uniform(271);
  const pick = (v: number[]): number => v[Math.floor(rnd(0, v.length))];
  for (const [nx, ny] of [[4, 3], [5, 4], [7, 2]]) {
    const N = nx * ny;
    const arr = (vals: number[]): Float64Array => {
      const x = arena.f64(N);
      for (let i = 0; i < N; i++) x[i] = pick(vals);
      return x;
    };
    for (let draw = 0; draw < 200; draw++) {
      const [gx, gax, gy, gay] = [0, 1, 2, 3].map(() => arr([0, 0.5, 1]));
      const qN = arr([0, -0, 1, -1]);
      const qO = arr([0, -0]);
      const hr = arr([0, -0]);
      const a = arena.f64(N).fill(1);
      const [sx, cx, sy, cy] = [pick([0, 1, -1]), pick([0, 0.5]), pick([0, 1, -1]), pick([0, 0.5])];
      const what = `${nx}x${ny} draw ${draw} sx ${sx} cx ${cx} sy ${sy} cy ${cy}`;
      const ref = new Float64Array(N);
      composition(nx, ny, sx, cx, gx, gax, 0, sy, cy, gy, gay, 0, a, 1, 1, qN, qO, 0, hr, ref);
      const js = new Float64Array(N);
      histSplit(nx, ny, sx, cx, gx, gax, 0, sy, cy, gy, gay, 0, a, 1, 1, qN, qO, 0, hr, js, new Float64Array(nx), new Float64Array(nx));
      sameBytes(js, ref, `JavaScript ${what}`);
      const out = arena.f64(N);
      const line = arena.f64(2 * nx);
      w.histSplit(nx, ny, sx, cx, gx.byteOffset, gax.byteOffset, sy, cy, gy.byteOffset, gay.byteOffset, a.byteOffset, 1, 1, qN.byteOffset, qO.byteOffset, hr.byteOffset, out.byteOffset, line.byteOffset, line.byteOffset + 8 * nx);
      sameBytes(out, ref, `WebAssembly ${what}`);
    }
  }
});

/**
 * The blending weights γ = exp(−z²) as WebAssembly (src/solvers/wasm/gamma.wat): its port of fdlibm's exp returns
 * the bits of Math.exp (V8's ieee754::exp) on 1.1 million arguments: uniform over the kernels' range [−746, 0]
 * and over [−800, 800], log-uniform magnitudes from 1e-30, every branch boundary of fdlibm ± 64 ulps, ±0, ±∞, NaN:
 * the scalar version on all, the γ loop's two-lane version (pairs mixing branches) on its domain x ≤ −0 and NaN
 * with cutoffs ∞, 746 and 69. Then the γ loops: ApTransport2D's
 * blendingWeights and ApFaces1D's blend with the kernel attached against without, byte for byte (γ, <v²(1 − γ)>,
 * the activities, the largest γ) on realistic diffusivities, a NaN and a zero among them, a v = 0 class, classes
 * where every γ underflows, odd and even face counts, both cutoffs. (Whole runs js against wasm:
 * test/kinetic2d.test.ts, test/lines1d.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SharedArena } from '../src/solvers/parallel/arena.js';
import { wasmKernels } from '../src/solvers/wasm/kernels.js';
import { ApTransport2D } from '../src/solvers/transport/apTransport2d.js';
import { ApFaces1D } from '../src/solvers/transport/apFaces1d.js';
import { sameBytes, uniform } from './support/bytes.js';

/** x moved by `d` ulps (same sign; through zero it stays at ±0's neighbours). */
function ulps(x: number, d: number): number {
  const f = new Float64Array([x]);
  const b = new BigInt64Array(f.buffer);
  b[0] += BigInt(d);
  return f[0];
}

/** A double from its high and low words. */
function words(hi: number, lo: number): number {
  const u = new Uint32Array(2);
  u[1] = hi >>> 0;
  u[0] = lo >>> 0;
  return new Float64Array(u.buffer)[0];
}

/** The arguments: ±64 ulps around every boundary of fdlibm's exp (both signs), specials, then random ones. */
function argumentsOfExp(): number[] {
  const LN2 = Math.LN2;
  const bounds = [
    2 ** -28, words(0x3e300000, 0), // |x| < 2^-28: 1 + x
    0.5 * LN2, words(0x3fd62e42, 0xffffffff), words(0x3fd62e43, 0), // the high word's 0.5 ln2
    1.5 * LN2, words(0x3ff0a2b2, 0), words(0x3ff0a2b1, 0xffffffff), // the high word's 1.5 ln2
    1, 2.5 * LN2, // exp(1) = e; k = 2
    1021.5 * LN2, 1022.5 * LN2, // k = −1021 / −1022: 2^k subnormal, scaled through 2^-1000
    708.3964185322641, // exp(x) = 2^-1022: subnormal results below
    745.1332191019411, words(0x40874910, 0xd52d3051), // u_threshold: +0 below
    709.782712893384, words(0x40862e42, 0), words(0x40862e42, 0xfefa39ef), // o_threshold, the filter's high word
    1023.5 * LN2, // k = 1024: y 2 2^1023
  ];
  const xs: number[] = [0, -0, Infinity, -Infinity, NaN, -NaN, Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** -1022, -(2 ** -1022), 1e-300, -1e-300];
  for (const b of bounds) for (let d = -64; d <= 64; d++) xs.push(ulps(b, d), -ulps(b, d));
  return xs;
}

function allArguments(): Float64Array {
  const rnd = uniform(20251202);
  const xs = argumentsOfExp();
  const out: number[] = [];
  // the boundary values alone, then each paired with random neighbours (the two lanes take different branches)
  for (const x of xs) out.push(x);
  for (const x of xs) out.push(x, rnd(-746, 0), rnd(-746, 0), x);
  for (let i = 0; i < 600_000; i++) out.push(rnd(-746, 0));
  for (let i = 0; i < 300_000; i++) out.push(-Math.exp(rnd(Math.log(1e-30), Math.log(746))));
  for (let i = 0; i < 100_000; i++) out.push(rnd(-800, 0));
  for (let i = 0; i < 100_000; i++) out.push(Math.exp(rnd(Math.log(1e-30), Math.log(746))));
  for (let i = 0; i < 100_000; i++) out.push(rnd(-800, 800));
  return Float64Array.from(out);
}

/** The entries whose bits differ, and the first of them. */
function differences(y: Float64Array, ref: Float64Array): { bad: number; first: number } {
  const a = new BigUint64Array(y.buffer, y.byteOffset, y.length);
  const b = new BigUint64Array(ref.buffer, ref.byteOffset, ref.length);
  let bad = 0;
  let first = -1;
  for (let i = 0; i < y.length; i++) {
    if (a[i] !== b[i]) {
      bad++;
      if (first < 0) first = i;
    }
  }
  return { bad, first };
}

test("gamma.wat: the exp port returns the bits of Math.exp (≥ 10^6 arguments over [−746, 0] and beyond, every fdlibm branch boundary ± 64 ulps, ±0, ±∞, NaN; the γ loop's two-lane version on x ≤ −0 with cutoffs ∞, 746, 69, the scalar one everywhere)", () => {
  const all = allArguments();
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const arena = new SharedArena(false, memory);
  const wasm = wasmKernels(memory);
  // the scalar $exp on every argument
  let x = arena.f64(all.length);
  let y = arena.f64(all.length);
  x.set(all);
  const ref = Float64Array.from(all, (v) => Math.exp(v));
  wasm.expArrayScalar(x.byteOffset, y.byteOffset, all.length);
  let d = differences(y, ref);
  assert.equal(d.bad, 0, `scalar: ${d.bad} of ${all.length} differ, first exp(${all[d.first]}) = ${y[d.first]} against Math.exp ${ref[d.first]}`);
  // the two-lane loop on its domain (x ≤ −0 or NaN: −z² of the γ loop; an odd count: the last one scalar)
  const neg = all.filter((v) => !(v > 0));
  const n = neg.length % 2 ? neg.length : neg.length - 1;
  assert.ok(n >= 1_000_000, `${n} arguments x ≤ 0`);
  x = arena.f64(n);
  y = arena.f64(n);
  x.set(neg.subarray(0, n));
  const z = arena.f64(n);
  for (const cut of [Infinity, 746, 69]) {
    const r = Float64Array.from(x, (v) => (v < -cut ? 0 : Math.exp(v)));
    y.fill(0.125);
    wasm.expNegArray(x.byteOffset, y.byteOffset, n, cut);
    d = differences(y, r);
    assert.equal(d.bad, 0, `f64x2, cut ${cut}: ${d.bad} of ${n} differ, first exp(${x[d.first]}) = ${y[d.first]} against Math.exp ${r[d.first]}`);
    // in place, as the γ loop calls it
    z.set(x);
    wasm.expNegArray(z.byteOffset, z.byteOffset, n, cut);
    assert.equal(differences(z, r).bad, 0, `f64x2 in place, cut ${cut}`);
  }
});

/** Two ApTransport2D on the same velocities: one on a kernel memory with the WebAssembly γ loop, one plain. */
function transports(nx: number, ny: number, eps: number, cut: number) {
  const comps = [-2.5, -1, 0, 1, 2.5, 4];
  const vx: number[] = [];
  const vy: number[] = [];
  const w: number[] = [];
  for (const a of comps) for (const b of comps) {
    vx.push(a);
    vy.push(b);
    w.push(Math.exp(-(a * a + b * b) / 2) / 7);
  }
  const K = vx.length;
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const arena = new SharedArena(false, memory);
  const make = (alloc?: SharedArena) =>
    new ApTransport2D(nx, ny, K, 1 / nx, 1 / ny, eps, Float64Array.from(vx), Float64Array.from(vy), Float64Array.from(w), alloc, cut);
  const tw = make(arena);
  tw.attachWasm(wasmKernels(memory), arena.arrays);
  return { tw, tj: make() };
}

/** Diffusivities: realistic (1/λ around 0.3 … 3), tiny ones (every γ underflows) or with a NaN and a 0 in them. */
function diffusivities(N: number, kind: 'smooth' | 'tiny' | 'nan', seed: number): Float64Array {
  const rnd = uniform(seed);
  const d = new Float64Array(N);
  for (let p = 0; p < N; p++) d[p] = kind === 'tiny' ? rnd(1e-6, 1e-5) : Math.exp(rnd(Math.log(0.3), Math.log(3)));
  if (kind === 'nan') {
    d[Math.floor(N / 3)] = NaN;
    d[N - 1] = 0;
    d[1] = Infinity;
  }
  return d;
}

test('ApTransport2D: the WebAssembly γ loop gives the bytes of the JavaScript one (γ, <v²(1 − γ)>, activities, largest γ; v = 0 class, NaN/0/∞ diffusivities, underflowing classes, cutoffs 69 and 746)', () => {
  let cases = 0;
  for (const [nx, ny] of [[16, 12], [7, 5]]) {
    for (const eps of [1, 0.1, 1e-2, 1e-4]) {
      for (const cut of [69, 746]) {
        for (const kind of ['smooth', 'tiny', 'nan'] as const) {
          const { tw, tj } = transports(nx, ny, eps, cut);
          const N = nx * ny;
          for (const t of [tw, tj]) {
            t.Dfx.set(diffusivities(N, kind, 3 + N));
            t.Dfy.set(diffusivities(N, kind, 5 + N));
            // stale values from a previous step: the loop overwrites and re-sums them
            t.v2bx.fill(7);
            t.gy.fill(0.5);
            t.blendingWeights();
          }
          const what = `${nx}x${ny} eps ${eps} cut ${cut} ${kind}`;
          sameBytes(tw.gx, tj.gx, `${what}: gx`);
          sameBytes(tw.gy, tj.gy, `${what}: gy`);
          sameBytes(tw.v2bx, tj.v2bx, `${what}: v2bx`);
          sameBytes(tw.v2by, tj.v2by, `${what}: v2by`);
          sameBytes(tw.gxMax, tj.gxMax, `${what}: gxMax`);
          sameBytes(tw.gyMax, tj.gyMax, `${what}: gyMax`);
          sameBytes(tw.actX, tj.actX, `${what}: actX`);
          sameBytes(tw.actY, tj.actY, `${what}: actY`);
          assert.ok(tw.wasmCalls > 0 && tj.wasmCalls === 0, `${what}: the WebAssembly loop ran (only there)`);
          if (kind === 'tiny') assert.ok(tj.actX.every((a) => a === 0), `${what}: every class underflows`);
          if (kind === 'smooth' && eps === 1) assert.ok(tj.actX.some((a) => a === 1) && tj.actX.some((a) => a === 0), `${what}: active and inactive velocities`);
          if (kind === 'nan') assert.ok(Number.isNaN(tj.gx[tj.N + Math.floor(N / 3)]), `${what}: a NaN γ`);
          cases++;
        }
      }
    }
  }
  assert.equal(cases, 48);
});

test('ApFaces1D: the WebAssembly γ loop gives the bytes of the JavaScript one (γ, <v² β>, active lists; v = 0, NaN/0/∞ diffusivities, underflowing classes, odd and even N)', () => {
  const v = Float64Array.from([-3, -1.5, -0.5, 0, 0.5, 1.5, 3, 6]);
  const w = Float64Array.from(v, (x) => Math.exp(-x * x / 2) / 3);
  const K = v.length;
  let cases = 0;
  for (const N of [64, 33]) {
    for (const eps of [1, 1e-2, 1e-4]) {
      for (const kind of ['smooth', 'tiny', 'nan'] as const) {
        const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
        const arena = new SharedArena(false, memory);
        const fw = new ApFaces1D(N, K, v, w, 1 / N, eps, arena);
        fw.attachWasm(wasmKernels(memory), arena.arrays);
        const fj = new ApFaces1D(N, K, v, w, 1 / N, eps);
        const d = diffusivities(N, kind, 11 + N);
        for (const f of [fw, fj]) {
          f.Df.set(d);
          let mx = 0;
          for (const x of d) if (x > mx && x < Infinity) mx = x;
          f.DfMax = mx;
          f.v2beta.fill(3);
          f.blend();
        }
        const what = `N ${N} eps ${eps} ${kind}`;
        sameBytes(fw.gamG, fj.gamG, `${what}: gamma`);
        sameBytes(fw.v2beta, fj.v2beta, `${what}: v2beta`);
        sameBytes(fw.activeK, fj.activeK, `${what}: activeK`);
        assert.deepEqual([fw.nAct, fw.nInact, [...fw.act], [...fw.inact]], [fj.nAct, fj.nInact, [...fj.act], [...fj.inact]], `${what}: lists`);
        if (kind !== 'tiny') assert.ok(fw.wasmCalls > 0, `${what}: the WebAssembly loop ran`);
        assert.equal(fj.wasmCalls, 0);
        if (kind === 'tiny') assert.equal(fj.nAct, 0, `${what}: every class underflows`);
        cases++;
      }
    }
  }
  assert.equal(cases, 18);
});

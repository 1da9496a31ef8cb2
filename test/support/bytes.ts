/** Helpers of the byte-for-byte kernel tests (WebAssembly against JavaScript): seeded data and exact comparison. */
import assert from 'node:assert/strict';

/** A seeded generator (mulberry32), uniform on [lo, hi). */
export function uniform(seed: number): (lo: number, hi: number) => number {
  let t = seed >>> 0;
  return (lo, hi) => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return lo + (hi - lo) * (((r ^ (r >>> 14)) >>> 0) / 4294967296);
  };
}

const show = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));
const bytes = (a: Float64Array | Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Fails unless the two arrays hold the same bytes (naming the first entry that differs). */
export function sameBytes(actual: Float64Array | Uint8Array, expected: Float64Array | Uint8Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: lengths`);
  if (bytes(actual).equals(bytes(expected))) return;
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: entry ${i} differs: ${show(actual[i])} against ${show(expected[i])}`);
  }
  assert.fail(`${what}: the bytes differ (NaN payloads)`);
}

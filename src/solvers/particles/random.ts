/**
 * Seeded, splittable random streams for the particle solver.
 *
 * The generator is pure-rand's xoroshiro128+ (period 2^128 − 1). pure-rand 8 generators are
 * mutable objects: `next()` advances in place and returns a signed 32-bit integer, `jump()`
 * advances in place by 2^64 draws, `getState()` / `xoroshiro128plusFromState` save and restore.
 * Stream e (ensemble member e) is the seeded generator jumped e + 1 times, so the streams are
 * disjoint blocks of 2^64 draws of one sequence: independent for every practical purpose.
 *
 * Uniform doubles come from pure-rand's `uniformFloat64` (53 random bits, values k·2^-53 in
 * [0, 1)). Gaussians use Marsaglia's polar method (two uniforms in (−1, 1), rejection outside the
 * unit disc, one log and one sqrt per pair); the second value of each pair is kept as a spare,
 * and the spare is part of the saved state, so a restart continues the exact same sequence.
 * Every operation is IEEE arithmetic plus V8's Math.log / Math.sqrt (fdlibm ports, identical on
 * every platform), so the same seed gives byte-identical output.
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/** Doubles per saved stream: 4 words of generator state, the spare Gaussian, its flag. */
export const STREAM_STATE_SIZE = 6;

export class RandomStream {
  private gen: JumpableRandomGenerator;
  private spare = 0;
  private hasSpare = false;

  constructor(gen: JumpableRandomGenerator) {
    this.gen = gen;
  }

  /** Uniform on [0, 1), multiples of 2^-53. */
  uniform(): number {
    return uniformFloat64(this.gen);
  }

  /** Standard normal N(0, 1) (Marsaglia's polar method). */
  gaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const g = this.gen;
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * uniformFloat64(g) - 1;
      v = 2 * uniformFloat64(g) - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Writes STREAM_STATE_SIZE doubles at out[offset...]. */
  save(out: Float64Array, offset: number): void {
    const st = this.gen.getState();
    if (st.length !== 4) throw new Error('RandomStream: unexpected generator state size');
    for (let k = 0; k < 4; k++) out[offset + k] = st[k];
    out[offset + 4] = this.spare;
    out[offset + 5] = this.hasSpare ? 1 : 0;
  }

  restore(src: Float64Array, offset: number): void {
    this.gen = xoroshiro128plusFromState([src[offset], src[offset + 1], src[offset + 2], src[offset + 3]]);
    this.spare = src[offset + 4];
    this.hasSpare = src[offset + 5] !== 0;
  }
}

/**
 * `count` independent streams from one integer seed: stream e is xoroshiro128plus(seed) jumped
 * skip + e + 1 times (2^64 draws apart).
 */
export function makeStreams(seed: number, count: number, skip = 0): RandomStream[] {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const base = xoroshiro128plus(seed);
  // skip: streams already handed out from the same seed (several species: species s starts at s × ensembles)
  for (let e = 0; e < skip; e++) base.jump();
  const out: RandomStream[] = [];
  for (let e = 0; e < count; e++) {
    base.jump();
    out.push(new RandomStream(base.clone()));
  }
  return out;
}

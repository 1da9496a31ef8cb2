/**
 * Walls for run-and-tumble particles on the unit box [0, 1]^d (docs/particles.md "Walls"): per
 * direction periodic, or per side
 *  - specular: the normal velocity component changes sign (v -> v − 2 (v·n) n);
 *  - diffuse: the particle is re-emitted from the wall with a velocity drawn from the wall's flux
 *    Maxwellian, density ∝ |v·n| M(v) on v·n > 0 (normal speed sqrt(−2 log U), Rayleigh; tangential
 *    component N(0, 1)): the kinetic diffuse wall (outgoing mass re-emitted as a Maxwellian, net flux 0);
 *  - absorbing: the particle leaves (vacuum outside) and is counted per side.
 * A flight of length (velocity × time) is followed wall hit by wall hit (each hit in the order of its
 * time), so that any number of reflections or re-emissions in one flight is exact. The Brownian
 * sub-step of the AP scheme treats walls in ./solver.ts (proposals across zero-flux walls are rejected,
 * which keeps the uniform density exactly invariant; across absorbing sides, and by the Brownian-bridge
 * crossing probability exp(−d0 d1/(D dt)), the particle is absorbed).
 */
import { NumericalFailure } from '../stepper.js';
import type { RandomStream } from './random.js';

/** Side codes: periodic, specular, diffuse, absorbing. */
export const PERIODIC = 0;
export const SPECULAR = 1;
export const DIFFUSE = 2;
export const ABSORBING = 3;

const CODES: Record<string, number> = { periodic: PERIODIC, specular: SPECULAR, diffuse: DIFFUSE, absorbing: ABSORBING };

/** The particles' side kinds (grid.sides' kinds), as codes per direction d and side s at [2 d + s]. */
export function wallCodes(kinds: readonly (readonly [string, string])[]): Int8Array {
  const out = new Int8Array(2 * kinds.length);
  kinds.forEach((pair, d) => {
    pair.forEach((k, s) => {
      const c = CODES[k];
      if (c === undefined) throw new RangeError(`particles: side kind ${k} is not a particle boundary (periodic, specular, diffuse, absorbing)`);
      out[2 * d + s] = c;
    });
    if ((out[2 * d] === PERIODIC) !== (out[2 * d + 1] === PERIODIC)) throw new RangeError('particles: periodic must be on both sides of a direction');
  });
  return out;
}

/** At most this many wall hits in one flight (a guard against a particle bouncing forever). */
const MAX_HITS = 1 << 20;

/**
 * Moves the particle state st = [x, y, vx, vy] over the distance factor `len` (position += v · len)
 * inside the box with the walls `codes`; returns −1 when the particle stays, else the side 2 d + s
 * through which it was absorbed (st then holds the point of exit). Periodic directions are wrapped.
 */
export function flight(st: Float64Array, len: number, dim: 1 | 2, codes: Int8Array, rs: RandomStream): number {
  let rem = len;
  for (let hits = 0; hits < MAX_HITS; hits++) {
    // time (in units of len) to the next wall of each non-periodic direction
    let tHit = rem;
    let dHit = -1;
    let sHit = 0;
    for (let d = 0; d < dim; d++) {
      if (codes[2 * d] === PERIODIC) continue;
      const v = st[2 + d];
      const x = st[d];
      if (v > 0) {
        const t = (1 - x) / v;
        if (t < tHit) {
          tHit = t;
          dHit = d;
          sHit = 1;
        }
      } else if (v < 0) {
        const t = -x / v;
        if (t < tHit) {
          tHit = t;
          dHit = d;
          sHit = 0;
        }
      }
    }
    for (let d = 0; d < dim; d++) st[d] += st[2 + d] * tHit;
    if (dHit < 0) {
      for (let d = 0; d < dim; d++) {
        if (codes[2 * d] === PERIODIC) st[d] = wrap(st[d]);
        else st[d] = clamp01(st[d]);
      }
      return -1;
    }
    rem -= tHit;
    st[dHit] = sHit;
    const code = codes[2 * dHit + sHit];
    if (code === ABSORBING) return 2 * dHit + sHit;
    if (code === SPECULAR) st[2 + dHit] = -st[2 + dHit];
    else {
      // diffuse: re-emission into the box from the wall's flux Maxwellian
      const speed = Math.sqrt(-2 * Math.log1p(-rs.uniform()));
      st[2 + dHit] = sHit === 0 ? speed : -speed;
      if (dim === 2) st[2 + (1 - dHit)] = rs.gaussian();
    }
    for (let d = 0; d < dim; d++) if (codes[2 * d] === PERIODIC) st[d] = wrap(st[d]);
  }
  throw new NumericalFailure(`particles: more than ${MAX_HITS} wall hits in one flight (a velocity ${st[2]} over ${len}): reduce dt`);
}

/** Reduce to [0, 1). (x − floor(x) can round up to 1 for tiny negative x.) */
export function wrap(x: number): number {
  const r = x - Math.floor(x);
  return r >= 1 ? r - 1 : r;
}

/** [0, 1) for a wall direction (a position exactly on the upper wall counts in the last cell). */
function clamp01(x: number): number {
  return x < 0 ? 0 : x >= 1 ? 1 - Number.EPSILON / 2 : x;
}

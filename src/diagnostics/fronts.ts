/**
 * Where the support of a porous-medium solution ends (alpha < 0): the front.
 *
 * Near a front the pressure P = rho^(-alpha) vanishes linearly (Barenblatt: P = (C - k |x|^2)_+, and
 * any solution with a moving front by Darcy's law), so the front is located by extrapolating P to
 * zero with the parabola through the three outermost cells with P >= FRONT_LEVEL * max P — exact for
 * the Barenblatt pressure, third order for a smooth one, and blind to the cells of tiny density
 * (down to underflow) that the implicit scheme puts just beyond the front. 1D Cartesian meshes report
 * both edges of the support, radial meshes its radius.
 */
import type { Grid } from '../grid/grid.js';

/** Pressure level (relative to its maximum) of the cells the extrapolation starts from. */
export const FRONT_LEVEL = 0.1;

/**
 * The outer edges [left, right] of the support along a 1D mesh (radial: [., R_front]); an edge whose
 * support reaches the mesh end is that end; NaN without mass.
 */
export function frontPositions(grid: Grid, rho: Float64Array, alpha: number): [number, number] {
  const n = grid.n[0];
  const c = grid.centres[0];
  const f = grid.faces[0];
  const e = -alpha;
  let pmax = 0;
  for (let i = 0; i < n; i++) pmax = Math.max(pmax, Math.pow(Math.max(rho[i], 0), e));
  if (!(pmax > 0)) return [NaN, NaN];
  const level = FRONT_LEVEL * pmax;
  const P = (i: number) => Math.pow(Math.max(rho[i], 0), e);
  let hi = n - 1;
  while (hi > 0 && P(hi) < level) hi--;
  let lo = 0;
  while (lo < n - 1 && P(lo) < level) lo++;
  const right = hi === n - 1 ? f[n] : edge(c, P, hi, -1, f[hi + 1]);
  const left = lo === 0 ? f[0] : edge(c, P, lo, 1, f[lo]);
  return [left, right];
}

/**
 * The zero beyond cell k of the parabola through cells k, k + dir, k + 2 dir (dir points inward), the
 * one nearest x_k; the line through the first two when there are not three cells or no such zero;
 * the cell's outer face when P does not decrease outward.
 */
function edge(c: Float64Array, P: (i: number) => number, k: number, dir: number, face: number): number {
  const n = c.length;
  const i1 = k + dir;
  const i2 = k + 2 * dir;
  if (i1 < 0 || i1 >= n || !(P(i1) > P(k))) return face;
  const x0 = c[k];
  const p0 = P(k);
  const s1 = (P(i1) - p0) / (c[i1] - x0);
  const linear = x0 - p0 / s1;
  if (i2 < 0 || i2 >= n) return linear;
  // Newton form P(x) = p0 + s1 (x - x0) + q (x - x0)(x - x1)
  const s2 = (P(i2) - P(i1)) / (c[i2] - c[i1]);
  const q = (s2 - s1) / (c[i2] - x0);
  // in u = x - x0: q u^2 + (s1 - q (x1 - x0)) u + p0 = 0
  const B = s1 - q * (c[i1] - x0);
  if (q === 0) return linear;
  const disc = B * B - 4 * q * p0;
  if (!(disc >= 0)) return linear;
  const sq = Math.sqrt(disc);
  // the root on the outer side of x0 nearest to it (stable form of the quadratic formula)
  const u1 = (-B - Math.sign(B) * sq) / (2 * q);
  const u2 = p0 / (q * u1);
  const out = (u: number) => u * -dir > 0;
  const cands = [u1, u2].filter((u) => Number.isFinite(u) && out(u));
  if (cands.length === 0) return linear;
  const u = cands.reduce((a, b) => (Math.abs(a) < Math.abs(b) ? a : b));
  return x0 + u;
}

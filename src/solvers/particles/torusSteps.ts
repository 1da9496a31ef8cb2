/**
 * The two particle steps of ./solver.ts on the periodic unit torus (docs/particles.md): 'exact'
 * (free flights with tumbles at rate λ/eps² by thinning against the bound B: a candidate tumble after
 * an Exp(B) time is accepted with probability r/B) and 'ap' (the asymptotic-preserving step: a Fickian
 * Euler–Maruyama move with diffusivity cc μ − b0, μ = 1/λ interpolated between cell centres, its drift
 * correction and a Metropolis–Hastings test against the uniform density, then a flight of length
 * abar dt v and a tumble with probability λ dt/(eps² + λ dt)). ./wallSteps.ts has the same two steps on
 * a box with walls. Hot loops over typed arrays; the random draws are in a fixed order per particle.
 */
import { NumericalFailure } from '../stepper.js';
import type { RandomStream } from './random.js';
import { wrap } from './walls.js';

/** What a step reads and writes of the solver (live views of its arrays). */
export interface ParticleStepContext {
  readonly dim: 1 | 2;
  readonly nx: number;
  readonly ny: number;
  readonly count: number;
  readonly eps: number;
  readonly px: Float64Array;
  readonly py: Float64Array;
  readonly vx: Float64Array;
  readonly vy: Float64Array;
  readonly streams: RandomStream[];
  /** Scratch [μ, ∂x μ, ∂y μ]. */
  readonly g: Float64Array;
}

/** The AP step's coefficients (set per step by ./solver.ts): cc = 1 − ā² eps², b0 = ā² dt/2, driftK = cc dt (0 without the drift correction), ā dt. */
export interface ApCoefficients {
  cc: number;
  b0: number;
  driftK: number;
  adt: number;
  /** Metropolis–Hastings test on (with the drift correction). */
  mh: boolean;
}

const RATE_MODE_CELLS = 0;
const RATE_MODE_FUNCTION = 1;

/**
 * The exact step of member e over dt: B the thinning bound (λ_max/eps²), R the rates λ/eps² per cell,
 * or rateOfX (λ as a function of position, bounded by `bound`) instead of R.
 */
export function stepExactTorus(c: ParticleStepContext, e: number, dt: number, B: number, R: Float64Array, rateOfX: ((x: number, y: number) => number) | null, bound: number): void {
  const inv2 = 1 / (c.eps * c.eps);
  const mode = rateOfX ? RATE_MODE_FUNCTION : RATE_MODE_CELLS;
  const f = rateOfX;
  const q = -Math.expm1(-B * dt);
  const s = 1 / c.eps;
  const rs = c.streams[e];
  const from = e * c.count;
  const to = from + c.count;
  const { px, vx, nx } = c;
  if (c.dim === 1) {
    for (let i = from; i < to; i++) {
      let x = px[i];
      let v = vx[i];
      const u = rs.uniform();
      if (u >= q) {
        x += v * dt * s;
      } else {
        // First candidate tumble at t < dt (inverse CDF reusing u, since u < q ⇔ t < dt).
        let t = -Math.log1p(-u) / B;
        x = wrap(x + v * t * s);
        for (;;) {
          let r: number;
          if (mode === RATE_MODE_CELLS) {
            let c = (x * nx) | 0;
            if (c >= nx) c = nx - 1;
            r = R[c];
          } else {
            const l = f!(x, 0);
            if (!(l >= 0 && l <= bound)) throw new NumericalFailure(`particles: rateOfX(${x}) = ${l} outside [0, bound ${bound}]`);
            r = l * inv2;
          }
          if (r >= B || rs.uniform() * B < r) v = rs.gaussian();
          const tau = -Math.log1p(-rs.uniform()) / B;
          if (t + tau >= dt) {
            x += v * (dt - t) * s;
            break;
          }
          t += tau;
          x = wrap(x + v * tau * s);
        }
      }
      px[i] = wrap(x);
      vx[i] = v;
    }
  } else {
    const { py, vy, ny } = c;
    for (let i = from; i < to; i++) {
      let x = px[i];
      let y = py[i];
      let v = vx[i];
      let w = vy[i];
      const u = rs.uniform();
      if (u >= q) {
        x += v * dt * s;
        y += w * dt * s;
      } else {
        let t = -Math.log1p(-u) / B;
        x = wrap(x + v * t * s);
        y = wrap(y + w * t * s);
        for (;;) {
          let r: number;
          if (mode === RATE_MODE_CELLS) {
            let cx = (x * nx) | 0;
            if (cx >= nx) cx = nx - 1;
            let cy = (y * ny) | 0;
            if (cy >= ny) cy = ny - 1;
            r = R[cx + nx * cy];
          } else {
            const l = f!(x, y);
            if (!(l >= 0 && l <= bound)) throw new NumericalFailure(`particles: rateOfX(${x}, ${y}) = ${l} outside [0, bound ${bound}]`);
            r = l * inv2;
          }
          if (r >= B || rs.uniform() * B < r) {
            v = rs.gaussian();
            w = rs.gaussian();
          }
          const tau = -Math.log1p(-rs.uniform()) / B;
          if (t + tau >= dt) {
            x += v * (dt - t) * s;
            y += w * (dt - t) * s;
            break;
          }
          t += tau;
          x = wrap(x + v * tau * s);
          y = wrap(y + w * tau * s);
        }
      }
      px[i] = wrap(x);
      py[i] = wrap(y);
      vx[i] = v;
      vy[i] = w;
    }
  }
}

/** The AP step of member e over dt: mu = 1/λ and pc (tumble probabilities) per cell, k the coefficients. */
export function stepApTorus(c: ParticleStepContext, e: number, dt: number, mu: Float64Array, pc: Float64Array, k: ApCoefficients): void {
  const twoDt = 2 * dt;
  const { cc, b0, driftK, adt, mh } = k;
  const rs = c.streams[e];
  const from = e * c.count;
  const to = from + c.count;
  const { px, vx, nx } = c;
  if (c.dim === 1) {
    for (let i = from; i < to; i++) {
      let x = px[i];
      let v = vx[i];
      // μ = 1/λ, linear between cell centres (periodic).
      const sc = x * nx - 0.5;
      let i0 = Math.floor(sc);
      const th = sc - i0;
      if (i0 < 0) i0 += nx;
      let i1 = i0 + 1;
      if (i1 >= nx) i1 -= nx;
      const m0 = mu[i0];
      const dm = mu[i1] - m0;
      const D = cc * (m0 + th * dm) - b0;
      const drift = driftK * dm * nx;
      const xi = rs.gaussian();
      const disp = drift + Math.sqrt(twoDt * D) * xi;
      if (mh) {
        // Metropolis–Hastings against the uniform density (the invariant law of every
        // Fickian diffusion on the torus): accept x + disp w.p. min(1, q(x'→x)/q(x→x')).
        const xn = wrap(x + disp);
        const sn = xn * nx - 0.5;
        let k0 = Math.floor(sn);
        const tn = sn - k0;
        if (k0 < 0) k0 += nx;
        let k1 = k0 + 1;
        if (k1 >= nx) k1 -= nx;
        const n0 = mu[k0];
        const dn = mu[k1] - n0;
        const Dn = cc * (n0 + tn * dn) - b0;
        const back = disp + driftK * dn * nx;
        const ratio = Math.sqrt(D / Dn) * Math.exp(0.5 * xi * xi - (back * back) / (2 * twoDt * Dn));
        if (rs.uniform() < ratio) x = xn;
      } else {
        x = wrap(x + disp);
      }
      x = wrap(x + adt * v);
      let c = (x * nx) | 0;
      if (c >= nx) c = nx - 1;
      if (rs.uniform() < pc[c]) v = rs.gaussian();
      px[i] = x;
      vx[i] = v;
    }
  } else {
    const { py, vy, ny } = c;
    for (let i = from; i < to; i++) {
      let x = px[i];
      let y = py[i];
      let v = vx[i];
      let w = vy[i];
      const g0 = muGradAt(c, mu, x, y);
      const dmx = g0[1];
      const dmy = g0[2];
      const D = cc * g0[0] - b0;
      const amp = Math.sqrt(twoDt * D);
      const xi = rs.gaussian();
      const eta = rs.gaussian();
      const dispX = driftK * dmx + amp * xi;
      const dispY = driftK * dmy + amp * eta;
      if (mh) {
        const xn = wrap(x + dispX);
        const yn = wrap(y + dispY);
        const g = muGradAt(c, mu, xn, yn);
        const Dn = cc * g[0] - b0;
        const bx = dispX + driftK * g[1];
        const by = dispY + driftK * g[2];
        const ratio = (D / Dn) * Math.exp(0.5 * (xi * xi + eta * eta) - (bx * bx + by * by) / (2 * twoDt * Dn));
        if (rs.uniform() < ratio) {
          x = xn;
          y = yn;
        }
      } else {
        x = wrap(x + dispX);
        y = wrap(y + dispY);
      }
      x = wrap(x + adt * v);
      y = wrap(y + adt * w);
      let cx = (x * nx) | 0;
      if (cx >= nx) cx = nx - 1;
      let cy = (y * ny) | 0;
      if (cy >= ny) cy = ny - 1;
      if (rs.uniform() < pc[cx + nx * cy]) {
        v = rs.gaussian();
        w = rs.gaussian();
      }
      px[i] = x;
      py[i] = y;
      vx[i] = v;
      vy[i] = w;
    }
  }
}

/** 2D: [μ, ∂x μ, ∂y μ] of the bilinear interpolant of μ at (x, y) (into the scratch triple c.g). */
function muGradAt(c: ParticleStepContext, mu: Float64Array, x: number, y: number): Float64Array {
  const { nx, ny } = c;
  const sx = x * nx - 0.5;
  let i0 = Math.floor(sx);
  const tx = sx - i0;
  if (i0 < 0) i0 += nx;
  let i1 = i0 + 1;
  if (i1 >= nx) i1 -= nx;
  const sy = y * ny - 0.5;
  let j0 = Math.floor(sy);
  const ty = sy - j0;
  if (j0 < 0) j0 += ny;
  let j1 = j0 + 1;
  if (j1 >= ny) j1 -= ny;
  const m00 = mu[i0 + nx * j0];
  const m10 = mu[i1 + nx * j0];
  const m01 = mu[i0 + nx * j1];
  const m11 = mu[i1 + nx * j1];
  const mLo = m00 + tx * (m10 - m00);
  const mHi = m01 + tx * (m11 - m01);
  const g = c.g;
  g[0] = mLo + ty * (mHi - mLo);
  g[1] = ((1 - ty) * (m10 - m00) + ty * (m11 - m01)) * nx;
  g[2] = (mHi - mLo) * ny;
  return g;
}

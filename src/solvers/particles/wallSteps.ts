/**
 * The two particle steps of ./solver.ts ('exact' thinning and 'ap') on a box with walls (./walls.ts;
 * docs/particles.md "Walls"). Same random draws and the same mathematics as the periodic steps, with
 * every straight flight followed through its wall hits, absorbed particles swapped behind the member's
 * live ones (so that estimators and steps only see live particles; the order stays deterministic), and
 * the AP step's Brownian part kept inside the box: a proposal across a zero-flux wall is rejected
 * (Metropolis–Hastings against the uniform density, which stays exactly invariant), across an absorbing
 * side it absorbs, and between two inside points it absorbs with the Brownian-bridge probability
 * exp(−d0 d1/(D dt)) of having touched the absorbing side in between.
 */
import { NumericalFailure } from '../stepper.js';
import { ABSORBING, flight, PERIODIC, wrap } from './walls.js';
import type { ApCoefficients, ParticleStepContext } from './torusSteps.js';

/** What a wall step reads and writes of the solver: the torus steps' view and the walls' state. */
export interface WallStepContext extends ParticleStepContext {
  readonly codes: Int8Array;
  /** Live particles per member (member e: [e·count, e·count + live[e])). */
  readonly live: Int32Array;
  /** Absorbed particles per side 2 d + s (all members). */
  readonly absorbed: Float64Array;
  /** Scratch [x, y, vx, vy]. */
  readonly st: Float64Array;
}

function load(c: WallStepContext, i: number): void {
  const st = c.st;
  st[0] = c.px[i];
  st[2] = c.vx[i];
  if (c.dim === 2) {
    st[1] = c.py[i];
    st[3] = c.vy[i];
  } else {
    st[1] = 0;
    st[3] = 0;
  }
}

function store(c: WallStepContext, i: number): void {
  const st = c.st;
  c.px[i] = st[0];
  c.vx[i] = st[2];
  if (c.dim === 2) {
    c.py[i] = st[1];
    c.vy[i] = st[3];
  }
}

/** Particle i (absorbed through `side`) swapped with the last live one j; returns nothing. */
function retire(c: WallStepContext, i: number, j: number, side: number): void {
  c.absorbed[side]++;
  const swap = (a: Float64Array) => {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  };
  swap(c.px);
  swap(c.vx);
  if (c.dim === 2) {
    swap(c.py);
    swap(c.vy);
  }
}

function cellOf(c: WallStepContext, x: number, y: number): number {
  let cx = (x * c.nx) | 0;
  if (cx >= c.nx) cx = c.nx - 1;
  if (c.dim === 1) return cx;
  let cy = (y * c.ny) | 0;
  if (cy >= c.ny) cy = c.ny - 1;
  return cx + c.nx * cy;
}

/**
 * Exact (thinning) step of member e: candidate tumbles at rate B, accepted with R[cell]/B (R = λ/eps²
 * per cell, or rateAt(x, y)/eps² when given); flights through the walls.
 */
export function stepExactWalls(c: WallStepContext, e: number, dt: number, B: number, R: Float64Array, rateAt: ((x: number, y: number) => number) | null, bound: number): void {
  const s = 1 / c.eps;
  const inv2 = s * s;
  const q = -Math.expm1(-B * dt);
  const rs = c.streams[e];
  const st = c.st;
  const from = e * c.count;
  let end = from + c.live[e];
  let i = from;
  while (i < end) {
    load(c, i);
    const u = rs.uniform();
    let side: number;
    if (u >= q) side = flight(st, dt * s, c.dim, c.codes, rs);
    else {
      let t = -Math.log1p(-u) / B;
      side = flight(st, t * s, c.dim, c.codes, rs);
      while (side < 0) {
        let r: number;
        if (rateAt) {
          const l = rateAt(st[0], st[1]);
          if (!(l >= 0 && l <= bound)) throw new NumericalFailure(`particles: rateOfX(${st[0]}, ${st[1]}) = ${l} outside [0, bound ${bound}]`);
          r = l * inv2;
        } else r = R[cellOf(c, st[0], st[1])];
        if (r >= B || rs.uniform() * B < r) {
          st[2] = rs.gaussian();
          if (c.dim === 2) st[3] = rs.gaussian();
        }
        const tau = -Math.log1p(-rs.uniform()) / B;
        if (t + tau >= dt) {
          side = flight(st, (dt - t) * s, c.dim, c.codes, rs);
          break;
        }
        t += tau;
        side = flight(st, tau * s, c.dim, c.codes, rs);
      }
    }
    if (side >= 0) {
      retire(c, i, --end, side);
      continue;
    }
    store(c, i);
    i++;
  }
  c.live[e] = end - from;
}

/** Linear interpolation weights along one direction: periodic neighbours, or constant beyond the outer centres at walls. */
function interp(x: number, n: number, periodic: boolean, out: Int32Array): number {
  const sc = x * n - 0.5;
  let i0 = Math.floor(sc);
  let th = sc - i0;
  let i1 = i0 + 1;
  if (periodic) {
    if (i0 < 0) i0 += n;
    if (i1 >= n) i1 -= n;
  } else if (i0 < 0) {
    i0 = 0;
    i1 = 0;
    th = 0;
  } else if (i1 >= n) {
    i0 = n - 1;
    i1 = n - 1;
    th = 0;
  }
  out[0] = i0;
  out[1] = i1;
  return th;
}

const IX = new Int32Array(2);
/** Per-particle scratch of stepApWalls (module-level: no allocation per step). */
const SCRATCH = { xn: new Float64Array(2), disp: new Float64Array(2), noise: new Float64Array(2) };
const IY = new Int32Array(2);

/** μ and its gradient at (x, y) into c.g (μ bilinear between cell centres, constant next to walls). */
function muAt(c: WallStepContext, mu: Float64Array, x: number, y: number): Float64Array {
  const g = c.g;
  const { nx, ny } = c;
  const tx = interp(x, nx, c.codes[0] === PERIODIC, IX);
  const step0 = IX[1] === IX[0] ? 0 : nx;
  if (c.dim === 1) {
    const m0 = mu[IX[0]];
    const dm = mu[IX[1]] - m0;
    g[0] = m0 + tx * dm;
    g[1] = dm * step0;
    g[2] = 0;
    return g;
  }
  const ty = interp(y, ny, c.codes[2] === PERIODIC, IY);
  const step1 = IY[1] === IY[0] ? 0 : ny;
  const m00 = mu[IX[0] + nx * IY[0]];
  const m10 = mu[IX[1] + nx * IY[0]];
  const m01 = mu[IX[0] + nx * IY[1]];
  const m11 = mu[IX[1] + nx * IY[1]];
  const mLo = m00 + tx * (m10 - m00);
  const mHi = m01 + tx * (m11 - m01);
  g[0] = mLo + ty * (mHi - mLo);
  g[1] = ((1 - ty) * (m10 - m00) + ty * (m11 - m01)) * step0;
  g[2] = (mHi - mLo) * step1;
  return g;
}

/**
 * AP step of member e on a box with walls: Brownian part (drift ∇(cc μ) dt, variance 2 D dt,
 * D = cc μ − b0) kept in the box, then transport ā v dt through the walls, then a tumble with
 * probability pc[cell].
 */
export function stepApWalls(c: WallStepContext, e: number, dt: number, mu: Float64Array, pc: Float64Array, k: ApCoefficients): void {
  const rs = c.streams[e];
  const st = c.st;
  const { dim, codes } = c;
  const twoDt = 2 * dt;
  const from = e * c.count;
  let end = from + c.live[e];
  let i = from;
  const { xn, disp, noise } = SCRATCH;
  particles: while (i < end) {
    load(c, i);
    let g = muAt(c, mu, st[0], st[1]);
    const D = k.cc * g[0] - k.b0;
    const amp = Math.sqrt(twoDt * D);
    let outside = -1;
    for (let d = 0; d < dim; d++) {
      noise[d] = rs.gaussian();
      disp[d] = k.driftK * g[1 + d] + amp * noise[d];
      let x = st[d] + disp[d];
      if (codes[2 * d] === PERIODIC) x = wrap(x);
      else if (x < 0 || x >= 1) {
        if (outside < 0) outside = 2 * d + (x < 0 ? 0 : 1);
        if (!k.mh) x = x < 0 ? -x : 2 - x; // (the plain step reflects)
        if (x < 0 || x >= 1) x = x < 0 ? 0 : 1 - Number.EPSILON / 2;
      }
      xn[d] = x;
    }
    let move = true;
    if (outside >= 0) {
      if (codes[outside] === ABSORBING) {
        retire(c, i, --end, outside);
        continue;
      }
      move = !k.mh;
    } else {
      // absorbing sides touched between two inside points (Brownian bridge)
      for (let d = 0; d < dim; d++) {
        for (let s = 0; s < 2; s++) {
          if (codes[2 * d + s] !== ABSORBING) continue;
          const d0 = s === 0 ? st[d] : 1 - st[d];
          const d1 = s === 0 ? xn[d] : 1 - xn[d];
          if (rs.uniform() < Math.exp(-(d0 * d1) / (D * dt))) {
            retire(c, i, --end, 2 * d + s);
            continue particles;
          }
        }
      }
      if (k.mh) {
        g = muAt(c, mu, xn[0], xn[1]);
        const Dn = k.cc * g[0] - k.b0;
        let back2 = 0;
        let xi2 = 0;
        for (let d = 0; d < dim; d++) {
          const b = disp[d] + k.driftK * g[1 + d];
          back2 += b * b;
          xi2 += noise[d] * noise[d];
        }
        const ratio = (dim === 1 ? Math.sqrt(D / Dn) : D / Dn) * Math.exp(0.5 * xi2 - back2 / (2 * twoDt * Dn));
        move = rs.uniform() < ratio;
      }
    }
    if (move) for (let d = 0; d < dim; d++) st[d] = xn[d];
    const side = flight(st, k.adt, dim, codes, rs);
    if (side >= 0) {
      retire(c, i, --end, side);
      continue;
    }
    if (rs.uniform() < pc[cellOf(c, st[0], st[1])]) {
      st[2] = rs.gaussian();
      if (dim === 2) st[3] = rs.gaussian();
    }
    store(c, i);
    i++;
  }
  c.live[e] = end - from;
}

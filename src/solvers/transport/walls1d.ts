/**
 * Asymptotic-preserving transport faces and line systems in 1D on an interval with walls
 * (docs/kinetic-scheme.md "Walls"): the wall counterpart of apFaces1d.ts + lines1d.ts (the line
 * solves themselves: ./wallLines1d.ts), for the micro–macro schemes h = rho + q whose Chapman–Enskog correction is q = −(eps/λ) v ∂x rho.
 *
 * Faces F = 0..N: F is the left face of cell F (F = 0 the left wall, F = N the right wall). The face
 * value of h_k blends a kinetic trace T with the Chapman–Enskog value C, weight γ = exp(−(λ_F dx/(eps|v_k|))²):
 *
 *   interior:  T = (h_{F−1} + h_F)/2,  C = (rho_{F−1} + rho_F)/2 − (eps/λ_F) v (rho_F − rho_{F−1})/dx  (as apFaces1d);
 *   wall (left; the right wall is its mirror image), λ_F = λ of the wall cell:
 *     specular  T = (h_0(v) + h_0(−v))/2, C = rho_0        — the mirror ghost: the box is exactly the
 *                                                              mirrored periodic problem;
 *     diffuse   T = rho⁺ (incoming), h_0(v) (outgoing), C = rho_0, with rho⁺ = Σ_out π h_0 re-emitted as
 *               a Maxwellian, π ∝ γ w |v| so that the net flux is exactly 0;
 *     absorbing T = 0 (incoming), h_0(v) (outgoing);  inflow: T = g(t, v) (incoming), h_0(v) (outgoing);
 *               C = rho_b + eps (x0 − v) (rho_0 − rho_b)/R, R = δ/D_w + x0 eps,
 *   with the upwind (cell) value as the outgoing trace (first order at the wall, but never negative:
 *   an absorbing wall lets nothing in; the extrapolation (3 h_0 − h_1)/2 let mass in near vacuum), δ = dx/2, D_w = (Φ(rho_0) − Φ(rho_b))/(rho_0 − rho_b) the
 *   Kirchhoff-secant diffusivity, x0 the Milne extrapolation length of the velocity set and rho_b the
 *   Milne-weighted incoming density (absorbing: 0) (../kinetic/milne.ts). C is the Milne asymptote
 *   h ~ s (y + x0 − u) at the wall: as eps → 0 (γ → 0) the wall flux (rho_0 − rho_b)/(δ/D_w + x0 eps)
 *   is the limit equation's Dirichlet flux at the extrapolated distance x0 eps D_w, and 0 at the
 *   specular and diffuse walls.
 *
 * Each velocity pair (v, −v) is one line of 2N unknowns, closed into a ring by specular walls; the
 * scalar rho⁺ of a diffuse wall couples all lines and is solved by superposition: ./wallLines1d.ts (this
 * file fills the lines' rows). The density rows (the velocity average of the h-equations) and the Schur
 * complement are as in kinetic1d.ts; the preconditioner is their rho-only part (tridiagonal), exact when
 * no velocity is active.
 *
 * Vacuum (rho = 0): λ(0) = 0 for alpha > 0 (no collisions: 1/λ is capped at DF_CAP so that 1 − γ = 0
 * exactly and (1 − γ)/λ = 0), λ(0) = ∞ for alpha < 0 (a = ∞: q = 0, instant relaxation; 1/λ = 0).
 */
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure } from '../stepper.js';
import { kirchhoffSecant, vacuumLambda } from './vacuum.js';
import { WallLines1D } from './wallLines1d.js';

export type WallKind = 'specular' | 'diffuse' | 'absorbing' | 'inflow';

/** One wall of the 1D transport: its kind and, for inflow, the incoming h = f/M at time t and velocity v. */
export interface WallSide1D {
  readonly kind: WallKind;
  readonly g?: (t: number, v: number) => number;
  /** 2D inflow (../kinetic/kinetic2dWalls.ts): the incoming h at time t and velocity (vx, vy). */
  readonly g2?: (t: number, vx: number, vy: number) => number;
}

export class WallTransport1D {
  readonly N: number;
  readonly K: number;
  /** Number of velocity pairs (v, −v), v > 0; pair p has the positive velocity pos[p] and neg[p] = K − 1 − pos[p]. */
  readonly P: number;
  readonly pos: Int32Array;
  readonly neg: Int32Array;
  /** λ per cell, 1/λ per cell (capped), Df per face (N + 1). */
  readonly lamC: Float64Array;
  readonly invLam: Float64Array;
  readonly Df: Float64Array;
  /** γ per pair and face: gam[p * (N+1) + F]. */
  readonly gam: Float64Array;
  /** Σ_k w v² (1 − γ) per face. */
  readonly v2b: Float64Array;
  readonly activeP: Uint8Array;
  readonly act: Int32Array;
  nAct = 0;
  /** Per wall s (0 left, 1 right): eps/R, rho_b, Σ_out w |v| γ, and the γ-weighted re-emission weights π per pair. */
  readonly eW = new Float64Array(2);
  readonly rhoB = new Float64Array(2);
  readonly outW = new Float64Array(2);
  readonly piW: Float64Array;
  /** Incoming g at the current time per wall and pair (inflow). */
  readonly gIn: Float64Array;
  private readonly sides: readonly [WallSide1D, WallSide1D];
  private readonly spec: readonly [boolean, boolean];
  private readonly diffuse: readonly [boolean, boolean];
  private readonly milneSide: readonly [boolean, boolean];
  /** The velocity-pair lines (ring storage, factors, diffuse re-emission). */
  private readonly lines: WallLines1D;
  private readonly Hp: Float64Array;
  private readonly Hn: Float64Array;
  /** Density preconditioner (tridiagonal rows, Thomas factors). */
  private readonly Llo: Float64Array;
  private readonly Ldi: Float64Array;
  private readonly Lup: Float64Array;
  private readonly Linv: Float64Array;
  private readonly Lcp: Float64Array;
  /** The step's coefficients. */
  c0 = 1;
  dt = 0;
  time = 0;
  private readonly rhoStar: Float64Array;

  constructor(
    N: number,
    K: number,
    readonly v: Float64Array,
    readonly w: Float64Array,
    readonly dx: number,
    readonly eps: number,
    sides: readonly [WallSide1D, WallSide1D],
    /** Milne extrapolation length and inflow weights of the positive nodes (ascending). */
    readonly x0: number,
    readonly beta: Float64Array,
  ) {
    if (N < 3) throw new RangeError('WallTransport1D: at least 3 cells');
    this.N = N;
    this.K = K;
    this.sides = sides;
    const P = K >> 1;
    this.P = P;
    this.pos = new Int32Array(P);
    this.neg = new Int32Array(P);
    for (let p = 0; p < P; p++) {
      this.pos[p] = K - P + p;
      this.neg[p] = P - 1 - p;
      if (!(v[this.pos[p]] > 0) || v[this.neg[p]] !== -v[this.pos[p]]) throw new RangeError('WallTransport1D: the velocity set must be symmetric (v_{K-1-k} = -v_k)');
    }
    this.spec = [sides[0].kind === 'specular', sides[1].kind === 'specular'];
    this.diffuse = [sides[0].kind === 'diffuse', sides[1].kind === 'diffuse'];
    this.milneSide = [sides[0].kind === 'absorbing' || sides[0].kind === 'inflow', sides[1].kind === 'absorbing' || sides[1].kind === 'inflow'];
    this.lamC = new Float64Array(N);
    this.invLam = new Float64Array(N);
    this.rhoStar = new Float64Array(N);
    this.Df = new Float64Array(N + 1);
    this.gam = new Float64Array(P * (N + 1));
    this.v2b = new Float64Array(N + 1);
    this.activeP = new Uint8Array(P);
    this.act = new Int32Array(P);
    this.piW = new Float64Array(2 * P);
    this.gIn = new Float64Array(2 * P);
    this.Hp = new Float64Array(K);
    this.Hn = new Float64Array(K);
    this.Llo = new Float64Array(N);
    this.Ldi = new Float64Array(N);
    this.Lup = new Float64Array(N);
    this.Linv = new Float64Array(N);
    this.Lcp = new Float64Array(N);
    this.lines = new WallLines1D(this, this.spec, this.diffuse);
  }

  // --- the step's coefficients ---------------------------------------------------------------

  /**
   * λ at the extrapolated density (1+om) rho^n − om rho^{n−1}, clamped into [lo, hi] (lo = 0: the vacuum
   * rule), face diffusivities, blending weights and active pairs, the walls' Milne coefficients.
   */
  prepare(rate: RateLaw, rhoN: Float64Array, rhoO: Float64Array, useB2: boolean, om: number, lo: number, hi: number, c0: number, dt: number, time: number): void {
    this.c0 = c0;
    this.dt = dt;
    this.time = time;
    const { N, lamC, invLam, rhoStar, Df } = this;
    const vac = !(lo > 0);
    for (let i = 0; i < N; i++) {
      let r = useB2 ? (1 + om) * rhoN[i] - om * rhoO[i] : rhoN[i];
      // with vacuum allowed (lo = 0) the extrapolation may not take more than half of the density
      // (a transient's extrapolated 0 would switch the collisions of an occupied cell off)
      if (vac && r < 0.5 * rhoN[i]) r = 0.5 * rhoN[i];
      if (r < lo) r = lo;
      if (r > hi) r = hi;
      rhoStar[i] = r;
      const l = vacuumLambda(rate, r, i);
      lamC[i] = l.lam;
      invLam[i] = l.inv;
    }
    Df[0] = invLam[0];
    for (let F = 1; F < N; F++) Df[F] = 0.5 * (invLam[F - 1] + invLam[F]);
    Df[N] = invLam[N - 1];
    this.blend();
    this.wallCoefficients(rate);
  }

  private blend(): void {
    const { N, P, v, w, eps, dx, Df, gam, v2b, pos } = this;
    const NF = N + 1;
    v2b.fill(0);
    let Ka = 0;
    for (let p = 0; p < P; p++) {
      const av = v[pos[p]];
      const z0 = dx / (eps * av);
      const c = 2 * w[pos[p]] * av * av;
      let any = 0;
      for (let F = 0; F < NF; F++) {
        const z = z0 / Df[F];
        const z2 = z * z;
        const g = z2 > 746 ? 0 : Math.exp(-z2);
        gam[p * NF + F] = g;
        if (g > 0) any = 1;
        v2b[F] += c * (1 - g);
      }
      this.activeP[p] = any;
      if (any) this.act[Ka++] = p;
    }
    this.nAct = Ka;
    // (the zero velocity of an odd K has v² = 0: no contribution)
  }

  private wallCoefficients(rate: RateLaw): void {
    const { N, P, v, w, eps, dx, gam, pos } = this;
    const NF = N + 1;
    for (let s = 0; s < 2; s++) {
      const F = s === 0 ? 0 : N;
      let out = 0;
      for (let p = 0; p < P; p++) out += w[pos[p]] * v[pos[p]] * gam[p * NF + F];
      this.outW[s] = out;
      for (let p = 0; p < P; p++) this.piW[s * P + p] = out > 0 ? (w[pos[p]] * v[pos[p]] * gam[p * NF + F]) / out : 0;
      const side = this.sides[s];
      if (!this.milneSide[s]) continue;
      // incoming g at the nodes (time t_{n+1}) and the Milne-weighted density rho_b
      let rb = 0;
      for (let p = 0; p < P; p++) {
        const u = v[pos[p]];
        const g = side.kind === 'inflow' ? side.g!(this.time, s === 0 ? u : -u) : 0;
        if (!(g >= 0 && Number.isFinite(g))) throw new NumericalFailure(`inflow h = ${g} at t = ${this.time}, v = ${s === 0 ? u : -u} is not finite and >= 0`);
        this.gIn[s * P + p] = g;
        rb += this.beta[p] * g;
      }
      this.rhoB[s] = rb;
      const r0 = this.rhoStar[s === 0 ? 0 : N - 1];
      const D = kirchhoffSecant(rate, r0, rb);
      const R = (0.5 * dx) / D + this.x0 * eps;
      this.eW[s] = eps / R;
    }
  }

  // --- the line systems of the active pairs ----------------------------------------------------

  /** Build and factor the ring of every active pair (a_i per cell), and the unit responses of diffuse walls. */
  factorLines(aC: Float64Array): void {
    const { N, v, eps, dx, gam, pos, act } = this;
    const { lo, di, up } = this.lines;
    const NF = N + 1;
    const L = 2 * N;
    const sig = this.dt / (eps * dx);
    const [specL, specR] = this.spec;
    for (let j = 0; j < this.nAct; j++) {
      const p = act[j];
      const s = sig * v[pos[p]];
      const gb = p * NF;
      const b = p * L;
      for (let i = 0; i < N; i++) {
        // +v at P = i
        let d = aC[i];
        let l = 0;
        let u = 0;
        const gR = gam[gb + i + 1];
        const gL = gam[gb + i];
        if (i + 1 < N) {
          d += 0.5 * s * gR;
          u += 0.5 * s * gR;
        } else if (specR) {
          d += 0.5 * s * gR;
          u += 0.5 * s * gR;
        } else {
          d += s * gR;
        }
        if (i > 0) {
          d -= 0.5 * s * gL;
          l -= 0.5 * s * gL;
        } else if (specL) {
          d -= 0.5 * s * gL;
          l -= 0.5 * s * gL;
        }
        lo[b + i] = l;
        di[b + i] = d;
        up[b + i] = u;
        // −v at P = 2N − 1 − i
        const Q = L - 1 - i;
        d = aC[i];
        l = 0;
        u = 0;
        if (i + 1 < N) {
          d -= 0.5 * s * gR;
          l -= 0.5 * s * gR;
        } else if (specR) {
          d -= 0.5 * s * gR;
          l -= 0.5 * s * gR;
        }
        if (i > 0) {
          d += 0.5 * s * gL;
          u += 0.5 * s * gL;
        } else if (specL) {
          d += 0.5 * s * gL;
          u += 0.5 * s * gL;
        } else {
          d += s * gL;
        }
        lo[b + Q] = l;
        di[b + Q] = d;
        up[b + Q] = u;
      }
      this.lines.factor(p, b);
    }
    if (this.diffuse[0] || this.diffuse[1]) this.lines.unitResponses(sig);
  }

  /**
   * q_k = M_k^{-1} rhs_k for the active pairs (rhs cell-major rhs[i*K + k], written into q), including
   * the diffuse walls' re-emission by superposition (./wallLines1d.ts).
   */
  solveActive(rhs: Float64Array, q: Float64Array): void {
    this.lines.solveActive(rhs, q);
  }

  // --- rho-parts of the h rows and the flux sums ------------------------------------------------

  /**
   * out[i*K + k] = c0 x_i + σ v_k (Hρ_{i+1,k} − Hρ_{i,k}) (+ the walls' constants when withConst): the
   * rho-dependent (and given) part of every h row, σ = dt/(eps dx).
   */
  formG(x: Float64Array, withConst: boolean, out: Float64Array): void {
    const { N, K, v, c0 } = this;
    const sig = this.dt / (this.eps * this.dx);
    let Hp = this.Hp;
    let Hn = this.Hn;
    this.faceRho(0, x, withConst, Hp);
    for (let i = 0; i < N; i++) {
      this.faceRho(i + 1, x, withConst, Hn);
      const b = i * K;
      const cx = c0 * x[i];
      for (let k = 0; k < K; k++) out[b + k] = cx + sig * v[k] * (Hn[k] - Hp[k]);
      const t = Hp;
      Hp = Hn;
      Hn = t;
    }
  }

  /** The rho-linear (and constant) part of the face value of every velocity at face F. */
  private faceRho(F: number, x: Float64Array, withConst: boolean, H: Float64Array): void {
    const { N, K, P, v, eps, dx, gam, Df, pos, neg } = this;
    const NF = N + 1;
    if (F > 0 && F < N) {
      const xm = x[F - 1];
      const xp = x[F];
      const avg = 0.5 * (xm + xp);
      const dr = xp - xm;
      const e = (eps * Df[F]) / dx;
      for (let p = 0; p < P; p++) {
        const vk = v[pos[p]];
        const bb = (1 - gam[p * NF + F]) * e * vk * dr;
        H[pos[p]] = avg - bb;
        H[neg[p]] = avg + bb;
      }
      if (K & 1) H[P] = avg;
      return;
    }
    const s = F === 0 ? 0 : 1;
    const c = F === 0 ? 0 : N - 1;
    const x0c = x[c];
    const kind = this.sides[s].kind;
    if (kind === 'specular' || kind === 'diffuse') {
      // specular: the mirror's average; diffuse: rho⁺ and the outgoing traces have the rho-part x_c
      H.fill(x0c);
      return;
    }
    // absorbing / inflow: outgoing (v·n > 0) γ t + (1 − γ) C; incoming γ g + (1 − γ) C;
    // C = rho_b + (x0 − u) e (x_c − rho_b), u = the velocity towards the interior
    const e = this.eW[s];
    const rb = withConst ? this.rhoB[s] : 0;
    const x0 = this.x0;
    const dev = x0c - rb;
    for (let p = 0; p < P; p++) {
      const g = gam[p * NF + F];
      const u = v[pos[p]];
      const gin = withConst ? this.gIn[s * P + p] : 0;
      // towards the interior with speed u: incoming; away with speed u: outgoing
      const cin = rb + (x0 - u) * e * dev;
      const cout = rb + (x0 + u) * e * dev;
      const hin = g * gin + (1 - g) * cin;
      const hout = g * x0c + (1 - g) * cout;
      if (s === 0) {
        H[pos[p]] = hin;
        H[neg[p]] = hout;
      } else {
        H[neg[p]] = hin;
        H[pos[p]] = hout;
      }
    }
    if (K & 1) H[P] = rb + x0 * e * dev;
  }

  /**
   * Flux sums Φ_F = Σ_k w_k v_k H_F,k (eps × the mass flux through face F, positive to the right) of
   * the state (x, q), constants included when withConst. Zero-flux walls give exactly 0.
   */
  fluxSums(x: Float64Array, q: Float64Array, withConst: boolean, Phi: Float64Array): void {
    const { N, K, P, v, w, eps, dx, gam, Df, v2b, pos, neg } = this;
    const NF = N + 1;
    for (let F = 1; F < N; F++) {
      const bm = (F - 1) * K;
      const bp = F * K;
      let s = 0;
      for (let p = 0; p < P; p++) {
        const g = gam[p * NF + F];
        if (g === 0) continue;
        const kp = pos[p];
        const kn = neg[p];
        s += 0.5 * w[kp] * v[kp] * g * (q[bm + kp] + q[bp + kp] - q[bm + kn] - q[bp + kn]);
      }
      Phi[F] = s - ((eps * Df[F] * v2b[F]) / dx) * (x[F] - x[F - 1]);
    }
    for (let side = 0; side < 2; side++) {
      const F = side === 0 ? 0 : N;
      if (!this.milneSide[side]) {
        Phi[F] = 0;
        continue;
      }
      const c = side === 0 ? 0 : N - 1;
      const sgn = side === 0 ? -1 : 1; // outgoing velocities: sign of v
      const rb = withConst ? this.rhoB[side] : 0;
      // rho parts: the γ-weighted outgoing density, the Chapman–Enskog (Milne) flux
      let s = sgn * this.outW[side] * x[c] + sgn * this.eW[side] * v2b[F] * (x[c] - rb);
      for (let p = 0; p < P; p++) {
        const g = gam[p * NF + F];
        if (g === 0) continue;
        const kout = side === 0 ? neg[p] : pos[p];
        const kin = side === 0 ? pos[p] : neg[p];
        const wv = w[kout] * v[kout];
        s += wv * g * q[c * K + kout];
        if (withConst) s += w[kin] * v[kin] * g * this.gIn[side * P + p];
      }
      Phi[F] = s;
    }
  }

  /** out_i = c0 x_i + σ (Φ_{i+1} − Φ_i): the density rows (σ = dt/(eps dx)). */
  densityRows(x: Float64Array, Phi: Float64Array, out: Float64Array): void {
    const { N, c0 } = this;
    const sig = this.dt / (this.eps * this.dx);
    for (let i = 0; i < N; i++) out[i] = c0 * x[i] + sig * (Phi[i + 1] - Phi[i]);
  }

  // --- the density preconditioner ----------------------------------------------------------------

  /** The rho-only part of the density rows (q = 0), tridiagonal; factored by Thomas. */
  factorL(): void {
    const { N, eps, dx, Df, v2b, Llo, Ldi, Lup, Linv, Lcp, c0 } = this;
    const sig = this.dt / (eps * dx);
    const kap = this.dt / (dx * dx);
    for (let i = 0; i < N; i++) {
      Ldi[i] = c0;
      Llo[i] = 0;
      Lup[i] = 0;
    }
    for (let F = 1; F < N; F++) {
      const c = kap * Df[F] * v2b[F];
      Ldi[F - 1] += c;
      Lup[F - 1] -= c;
      Ldi[F] += c;
      Llo[F] -= c;
    }
    for (let side = 0; side < 2; side++) {
      if (!this.milneSide[side]) continue;
      const F = side === 0 ? 0 : N;
      const c = side === 0 ? 0 : N - 1;
      Ldi[c] += sig * (this.outW[side] + this.eW[side] * v2b[F]);
    }
    let cp = 0;
    for (let i = 0; i < N; i++) {
      const piv = Ldi[i] - (i > 0 ? Llo[i] * cp : 0);
      const iv = 1 / piv;
      Linv[i] = iv;
      cp = Lup[i] * iv;
      Lcp[i] = cp;
    }
  }

  /** z = L^{-1} r. */
  solveL(r: Float64Array, z: Float64Array): void {
    const { N, Llo, Linv, Lcp } = this;
    let prev = 0;
    for (let i = 0; i < N; i++) {
      prev = (r[i] - (i > 0 ? Llo[i] * prev : 0)) * Linv[i];
      z[i] = prev;
    }
    for (let i = N - 2; i >= 0; i--) z[i] -= Lcp[i] * z[i + 1];
  }
}

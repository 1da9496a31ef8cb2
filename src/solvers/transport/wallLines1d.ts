/**
 * The velocity-pair lines of the 1D walls' transport (docs/kinetic-scheme.md "Walls"; the faces and
 * their coefficients are ./walls1d.ts): the linear algebra of the implicit h-equations of the active
 * velocity pairs, M_k q_k = rhs_k.
 *
 * Each velocity pair (v, −v) is one line of 2N unknowns: cells 0..N−1 of v, then cells N−1..0 of −v
 * (the direction of motion), closed into a ring by specular walls: both specular, a periodic
 * tridiagonal ring (bordering Thomas, ../linear/periodicTridiag.ts); one, an open line starting after
 * the cut (Thomas); none, two independent pieces (Thomas across the missing couplings). The scalar
 * rho⁺ of a diffuse wall couples all lines: solved by superposition (per step, each line's response to
 * a unit rho⁺ at each diffuse wall and the 2×2 inverse of the re-emission system; per solve, the
 * lines without re-emission, then the re-emitted densities and the responses added).
 */
import { NumericalFailure } from '../stepper.js';
import { PeriodicTridiagFactor } from '../linear/periodicTridiag.js';

/** What the lines read of the transport (./walls1d.ts's WallTransport1D): sizes, velocities, the step's γ, active pairs and re-emission weights. */
export interface WallLineHost1D {
  readonly N: number;
  readonly K: number;
  readonly P: number;
  readonly v: Float64Array;
  readonly pos: Int32Array;
  readonly neg: Int32Array;
  readonly gam: Float64Array;
  readonly act: Int32Array;
  readonly nAct: number;
  readonly piW: Float64Array;
  readonly dt: number;
}

export class WallLines1D {
  /** The rows of the line of pair p (lower, diagonal, upper) at offset p · 2N, in ring order; filled by the transport. */
  readonly lo: Float64Array;
  readonly di: Float64Array;
  readonly up: Float64Array;
  private readonly inv: Float64Array;
  private readonly cp: Float64Array;
  private readonly pfac: PeriodicTridiagFactor[];
  /** Unit responses to rho⁺ at the left / right wall (per pair, 2N each). */
  private readonly zL: Float64Array;
  private readonly zR: Float64Array;
  /** 2×2 (or 1×1) inverse for the rho⁺ unknowns. */
  private readonly cinv = new Float64Array(4);
  private readonly ybuf: Float64Array;
  private readonly periodicRing: boolean;
  private readonly ringStart: number;

  constructor(
    private readonly host: WallLineHost1D,
    /** Which walls (left, right) are specular (they close the ring) and diffuse (they re-emit). */
    spec: readonly [boolean, boolean],
    private readonly diffuse: readonly [boolean, boolean],
  ) {
    const { N, P } = host;
    this.periodicRing = spec[0] && spec[1];
    this.ringStart = spec[0] && !spec[1] ? N : 0;
    const L = 2 * N;
    this.lo = new Float64Array(P * L);
    this.di = new Float64Array(P * L);
    this.up = new Float64Array(P * L);
    this.inv = new Float64Array(P * L);
    this.cp = new Float64Array(P * L);
    this.pfac = this.periodicRing ? Array.from({ length: P }, () => new PeriodicTridiagFactor(L)) : [];
    const anyDiffuse = diffuse[0] || diffuse[1];
    this.zL = new Float64Array(anyDiffuse ? P * L : 0);
    this.zR = new Float64Array(anyDiffuse ? P * L : 0);
    this.ybuf = new Float64Array(P * L);
  }

  /** Factor the line of pair p (its rows at offset b = p · 2N). */
  factor(p: number, b: number): void {
    if (this.periodicRing) this.pfac[p].factor(this.lo, this.di, this.up, b);
    else this.factorOpen(b);
  }

  private factorOpen(b: number): void {
    const L = 2 * this.host.N;
    const s0 = this.ringStart;
    const { lo, di, up, inv, cp } = this;
    let prevCp = 0;
    for (let j = 0; j < L; j++) {
      let P = s0 + j;
      if (P >= L) P -= L;
      const piv = di[b + P] - (j === 0 ? 0 : lo[b + P] * prevCp);
      // (an infinite pivot is a cell with lambda = infinity: its q is 0)
      if (!(piv !== 0) || Number.isNaN(piv)) throw new NumericalFailure(`kinetic walls: zero pivot in a line solve (dt = ${this.host.dt})`);
      const iv = 1 / piv;
      inv[b + j] = iv;
      prevCp = up[b + P] * iv;
      cp[b + j] = prevCp;
    }
  }

  /** Solve the ring of pair p in place (y at offset b, 2N values). */
  private solveRing(p: number, y: Float64Array, b: number): void {
    if (this.periodicRing) {
      this.pfac[p].solve(y, b);
      return;
    }
    const L = 2 * this.host.N;
    const s0 = this.ringStart;
    const { lo, inv, cp } = this;
    const fb = p * L;
    let prev = 0;
    for (let j = 0; j < L; j++) {
      let P = s0 + j;
      if (P >= L) P -= L;
      prev = (y[b + P] - (j === 0 ? 0 : lo[fb + P] * prev)) * inv[fb + j];
      y[b + P] = prev;
    }
    let next = y[b + (s0 + L - 1 >= L ? s0 - 1 : L - 1)];
    for (let j = L - 2; j >= 0; j--) {
      let P = s0 + j;
      if (P >= L) P -= L;
      next = y[b + P] - cp[fb + j] * next;
      y[b + P] = next;
    }
  }

  /** zL, zR: the responses of each active pair to a unit rho⁺ at a diffuse wall; the 2×2 coupling inverse (σ = dt/(eps dx)). */
  unitResponses(sig: number): void {
    const { N, P, v, gam, pos, act } = this.host;
    const { zL, zR } = this;
    const NF = N + 1;
    const L = 2 * N;
    let aLL = 0;
    let aLR = 0;
    let aRL = 0;
    let aRR = 0;
    for (let j = 0; j < this.host.nAct; j++) {
      const p = act[j];
      const b = p * L;
      const s = sig * v[pos[p]];
      if (this.diffuse[0]) {
        zL.fill(0, b, b + L);
        zL[b] = s * gam[p * NF];
        this.solveRing(p, zL, b);
        aLL += this.host.piW[p] * extL(zL, b, L);
        aRL += this.host.piW[P + p] * extR(zL, b, N);
      }
      if (this.diffuse[1]) {
        zR.fill(0, b, b + L);
        zR[b + N] = s * gam[p * NF + N];
        this.solveRing(p, zR, b);
        aLR += this.host.piW[p] * extL(zR, b, L);
        aRR += this.host.piW[P + p] * extR(zR, b, N);
      }
    }
    // [1 − aLL, −aLR; −aRL, 1 − aRR] (identity where a wall is not diffuse)
    const m00 = this.diffuse[0] ? 1 - aLL : 1;
    const m01 = this.diffuse[0] && this.diffuse[1] ? -aLR : 0;
    const m10 = this.diffuse[0] && this.diffuse[1] ? -aRL : 0;
    const m11 = this.diffuse[1] ? 1 - aRR : 1;
    const det = m00 * m11 - m01 * m10;
    if (!(Math.abs(det) > 1e-14)) throw new NumericalFailure(`kinetic walls: the re-emission system of the diffuse walls is singular (det ${det}, dt = ${this.host.dt})`);
    this.cinv[0] = m11 / det;
    this.cinv[1] = -m01 / det;
    this.cinv[2] = -m10 / det;
    this.cinv[3] = m00 / det;
  }

  /**
   * q_k = M_k^{-1} rhs_k for the active pairs (rhs cell-major rhs[i*K + k], written into q), including
   * the diffuse walls' re-emission by superposition.
   */
  solveActive(rhs: Float64Array, q: Float64Array): void {
    const { N, K, P, pos, neg, act } = this.host;
    const { ybuf } = this;
    const L = 2 * N;
    const nA = this.host.nAct;
    for (let j = 0; j < nA; j++) {
      const p = act[j];
      const b = p * L;
      const kp = pos[p];
      const kn = neg[p];
      for (let i = 0; i < N; i++) {
        ybuf[b + i] = rhs[i * K + kp];
        ybuf[b + L - 1 - i] = rhs[i * K + kn];
      }
      this.solveRing(p, ybuf, b);
    }
    if (this.diffuse[0] || this.diffuse[1]) {
      let bL = 0;
      let bR = 0;
      for (let j = 0; j < nA; j++) {
        const p = act[j];
        const b = p * L;
        bL += this.host.piW[p] * extL(ybuf, b, L);
        bR += this.host.piW[P + p] * extR(ybuf, b, N);
      }
      const tL = this.diffuse[0] ? this.cinv[0] * bL + this.cinv[1] * bR : 0;
      const tR = this.diffuse[1] ? this.cinv[2] * bL + this.cinv[3] * bR : 0;
      for (let j = 0; j < nA; j++) {
        const b = act[j] * L;
        if (tL !== 0) for (let x = 0; x < L; x++) ybuf[b + x] += tL * this.zL[b + x];
        if (tR !== 0) for (let x = 0; x < L; x++) ybuf[b + x] += tR * this.zR[b + x];
      }
    }
    for (let j = 0; j < nA; j++) {
      const p = act[j];
      const b = p * L;
      const kp = pos[p];
      const kn = neg[p];
      for (let i = 0; i < N; i++) {
        q[i * K + kp] = ybuf[b + i];
        q[i * K + kn] = ybuf[b + L - 1 - i];
      }
    }
  }
}

/** The outgoing trace of the line's −v half at the left wall (cell 0) and of its +v half at the right wall (cell N − 1). */
function extL(y: Float64Array, b: number, L: number): number {
  return y[b + L - 1];
}

function extR(y: Float64Array, b: number, N: number): number {
  return y[b + N - 1];
}

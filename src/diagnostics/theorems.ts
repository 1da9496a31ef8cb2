/**
 * The diagnostics behind the paper's Section 2.2 and 4 on a kinetic state h = f/M (cells × velocities,
 * velocity fastest), with the quadrature replacing ∫ · M dv:
 *
 *   rho = Σ w h,   j = Σ w v h,   E = Σ w (v⊗v − I) h                      (eq. (2.2))
 *   ||f||² = Σ_cells |cell| Σ w h²,   ||(I−Π)f||² = Σ |cell| Σ w (h − rho)²
 *   cross = ∫ j · (I − Δ)⁻¹ ∇rho dx   (FFT; symbol in fourier.ts),   H_delta = ||f||² + delta · cross
 *   d||f||²/dt = −(2/eps²) ∫ lambda(rho) Σ w (h − rho)² dx      (the transport term integrates to 0)
 *   d cross/dt = ∫ ∂_t j · K∇rho + ∫ j · K∇∂_t rho,   K = (I − Δ)⁻¹, with Lemma 2.5:
 *       ∂_t rho = −(1/eps) ∇·j,   ∂_t j = −(1/eps) ∇·E − (1/eps) ∇rho − (1/eps²) lambda(rho) j
 *   Lemma 2.4 ratios (per cell, max over cells):  |j| / ||h − rho||_{L²(M)}  (≤ 1 exactly, also for the
 *       quadrature since Σ w v² = 1), |E| / ||h − rho||_{L²(M)} (|E| Frobenius). Cauchy–Schwarz gives
 *       |E| ≤ √(∫|v⊗v − I|² M) ||h − rho|| = √(d(d+1)) ||h − rho||, and that constant is sharp
 *       (h − rho ∝ v² − 1 attains it); the paper's Lemma 2.4 states the constant 1 for E, which is
 *       false for such h — the series records the ratio so the runs show where it exceeds 1.
 *   Moment-equation residuals (Lemma 2.5) between two consecutive time levels (trapezoidal rule in
 *   time, centred differences in space), relative to the size of the terms.
 */
import type { Grid } from '../grid/grid.js';
import type { VelocityNodes } from './kinetic.js';
import { GridFourier, type HelmholtzSymbol } from '../grid/fourier.js';

export interface MomentFields {
  rho: Float64Array;
  /** j per dimension. */
  j: Float64Array[];
  /** E components: 1D [Exx]; 2D [Exx, Exy, Eyy]. */
  E: Float64Array[];
  /** Σ w (h − rho)² per cell. */
  neq: Float64Array;
}

export function momentFields(grid: Grid, vel: VelocityNodes, h: Float64Array): MomentFields {
  const nv = vel.count;
  const N = grid.cells;
  const { w } = vel;
  const vx = vel.v[0];
  const vy = vel.dim === 2 ? vel.v[1] : undefined;
  const rho = new Float64Array(N);
  const j = Array.from({ length: grid.dim }, () => new Float64Array(N));
  const E = Array.from({ length: grid.dim === 1 ? 1 : 3 }, () => new Float64Array(N));
  const neq = new Float64Array(N);
  for (let c = 0; c < N; c++) {
    const o = c * nv;
    let r = 0;
    for (let k = 0; k < nv; k++) r += w[k] * h[o + k];
    rho[c] = r;
    let jx = 0;
    let jy = 0;
    let exx = 0;
    let exy = 0;
    let eyy = 0;
    let s2 = 0;
    for (let k = 0; k < nv; k++) {
      const g = h[o + k] - r; // moments of h − rho equal those of h for j and E (Σ w v = 0, Σ w (v⊗v − I) = 0)
      const wg = w[k] * g;
      s2 += wg * g;
      jx += wg * vx[k];
      exx += wg * (vx[k] * vx[k] - 1);
      if (vy) {
        jy += wg * vy[k];
        exy += wg * vx[k] * vy[k];
        eyy += wg * (vy[k] * vy[k] - 1);
      }
    }
    j[0][c] = jx;
    E[0][c] = exx;
    if (vy) {
      j[1][c] = jy;
      E[1][c] = exy;
      E[2][c] = eyy;
    }
    neq[c] = s2;
  }
  return { rho, j, E, neq };
}

/** Centred difference D0 along axis d (periodic). */
export function centredDerivative(grid: Grid, u: Float64Array, d: 0 | 1): Float64Array {
  const nx = grid.n[0];
  const ny = grid.dim === 2 ? grid.n[1] : 1;
  const out = new Float64Array(u.length);
  const h2 = 2 * grid.dx[d];
  for (let jj = 0; jj < ny; jj++) {
    for (let i = 0; i < nx; i++) {
      const c = i + nx * jj;
      let p: number;
      let m: number;
      if (d === 0) {
        p = (i + 1 === nx ? 0 : i + 1) + nx * jj;
        m = (i === 0 ? nx - 1 : i - 1) + nx * jj;
      } else {
        p = i + nx * (jj + 1 === ny ? 0 : jj + 1);
        m = i + nx * (jj === 0 ? ny - 1 : jj - 1);
      }
      out[c] = (u[p] - u[m]) / h2;
    }
  }
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export interface TheoremDiagnostics {
  /** ||E||_{L²(T^d)} (Frobenius). */
  E_l2: number;
  /** max over cells |j| / ||h − rho||_{L²(M)} (Lemma 2.4: ≤ 1). */
  lemma24_j: number;
  /** max over cells |E| / ||h − rho||_{L²(M)} (sharp bound √(d(d+1)); the paper states 1). */
  lemma24_E: number;
  /** ∫ j · (I − Δ)⁻¹ ∇rho dx. */
  cross: number;
  /** d||f||²/dt from the equation (≤ 0). */
  dl2_dt: number;
  /** d cross/dt from Lemma 2.5. */
  dcross_dt: number;
}

export interface TheoremOptions {
  eps: number;
  lambda: (rho: number) => number;
  symbol?: HelmholtzSymbol;
}

const fourierCache = new Map<string, GridFourier>();
function fourierFor(grid: Grid): GridFourier {
  const key = grid.n.join('x');
  let f = fourierCache.get(key);
  if (!f) {
    f = new GridFourier(grid.n);
    if (fourierCache.size > 16) fourierCache.clear();
    fourierCache.set(key, f);
  }
  return f;
}

/** Divergence of E as a vector field (1D: ∂x Exx; 2D: (∂x Exx + ∂y Exy, ∂x Exy + ∂y Eyy)), spectral. */
function divE(F: GridFourier, dim: 1 | 2, E: Float64Array[]): Float64Array[] {
  if (dim === 1) return [F.derivative(E[0], 0)];
  const a = F.derivative(E[0], 0);
  const b = F.derivative(E[1], 1);
  const c = F.derivative(E[1], 0);
  const d = F.derivative(E[2], 1);
  for (let i = 0; i < a.length; i++) {
    a[i] += b[i];
    c[i] += d[i];
  }
  return [a, c];
}

/**
 * Below this eps the diagnostics that divide by powers of eps (Lemma 2.4's ratios, the time
 * derivatives, Lemma 2.5's residuals) are NaN: h − rho is of order eps, and once eps is within a few
 * orders of the double precision's 1e-16 it is rounding noise (measured: the dl2_sq_dt column right to 1e-5 at
 * eps = 1e-12, 3e-4 off at 1e-14, wrong by orders of magnitude at 1e-16, -inf at 1e-160).
 */
export const THEOREM_EPS_MIN = 1e-10;

export function theoremDiagnostics(grid: Grid, vel: VelocityNodes, h: Float64Array, opts: TheoremOptions): TheoremDiagnostics {
  const m = momentFields(grid, vel, h);
  const V = grid.cellVolume;
  const N = grid.cells;
  const dim = grid.dim;
  const { eps } = opts;
  let e2 = 0;
  let rj = 0;
  let rE = 0;
  let dl2 = 0;
  const lam = new Float64Array(N);
  for (let c = 0; c < N; c++) {
    lam[c] = opts.lambda(m.rho[c]);
    let jj = 0;
    for (const jd of m.j) jj += jd[c] * jd[c];
    let ee = m.E[0][c] ** 2;
    if (dim === 2) ee += 2 * m.E[1][c] ** 2 + m.E[2][c] ** 2;
    e2 += ee;
    const s = m.neq[c];
    if (s > 1e-300) {
      rj = Math.max(rj, Math.sqrt(jj / s));
      rE = Math.max(rE, Math.sqrt(ee / s));
    }
    dl2 += lam[c] * s;
  }
  const F = fourierFor(grid);
  const sym = opts.symbol ?? 'standard';
  // u = K∇rho
  const u = Array.from({ length: dim }, (_, d) => F.helmholtzDerivative(m.rho, d as 0 | 1, sym));
  let cross = 0;
  for (let d = 0; d < dim; d++) cross += dot(m.j[d], u[d]);
  cross *= V;
  // ∂_t rho = −(1/eps) div j ; ∂_t j = −(1/eps) div E − (1/eps) ∇rho − (1/eps²) lambda j
  const divj = new Float64Array(N);
  for (let d = 0; d < dim; d++) {
    const dj = F.derivative(m.j[d], d as 0 | 1);
    for (let c = 0; c < N; c++) divj[c] += dj[c];
  }
  const dtRho = divj.map((x) => -x / eps);
  const dE = divE(F, dim, m.E);
  let dcross = 0;
  for (let d = 0; d < dim; d++) {
    const gr = F.derivative(m.rho, d as 0 | 1);
    const Kdt = F.helmholtzDerivative(dtRho, d as 0 | 1, sym);
    for (let c = 0; c < N; c++) {
      const dtj = -dE[d][c] / eps - gr[c] / eps - (lam[c] * m.j[d][c]) / (eps * eps);
      dcross += dtj * u[d][c] + m.j[d][c] * Kdt[c];
    }
  }
  dcross *= V;
  const resolved = eps >= THEOREM_EPS_MIN;
  return {
    E_l2: Math.sqrt(e2 * V),
    lemma24_j: resolved ? rj : NaN,
    lemma24_E: resolved ? rE : NaN,
    cross,
    dl2_dt: resolved ? (-2 / (eps * eps)) * dl2 * V : NaN,
    dcross_dt: resolved ? dcross : NaN,
  };
}

export interface MomentResiduals {
  /** ||∂_t rho + (1/eps) ∇·j|| / (||∂_t rho|| + ||(1/eps)∇·j||). */
  res_rho: number;
  /** ||∂_t j + (1/eps) ∇·E + (1/eps) ∇rho + (1/eps²) lambda j|| / (sum of the norms of the terms). */
  res_j: number;
}

/**
 * Residuals of Lemma 2.5's moment equations between the states h0 (time t − dt) and h1 (time t):
 * time derivative (X1 − X0)/dt, space terms averaged over the two levels (trapezoid), centred
 * differences in space. Consistency error O(dt² + dx²) for smooth solutions.
 */
export function momentResiduals(grid: Grid, vel: VelocityNodes, h0: Float64Array, h1: Float64Array, dt: number, opts: TheoremOptions): MomentResiduals {
  const dim = grid.dim;
  const { eps } = opts;
  if (eps < THEOREM_EPS_MIN) return { res_rho: NaN, res_j: NaN };
  const N = grid.cells;
  const A = momentFields(grid, vel, h0);
  const B = momentFields(grid, vel, h1);
  const space = (M: MomentFields) => {
    const divj = new Float64Array(N);
    const rhsJ = Array.from({ length: dim }, () => new Float64Array(N));
    for (let d = 0; d < dim; d++) {
      const dj = centredDerivative(grid, M.j[d], d as 0 | 1);
      for (let c = 0; c < N; c++) divj[c] += dj[c] / eps;
    }
    const parts: Float64Array[][] = [];
    for (let d = 0; d < dim; d++) {
      let dEd: Float64Array;
      if (dim === 1) dEd = centredDerivative(grid, M.E[0], 0);
      else if (d === 0) {
        dEd = centredDerivative(grid, M.E[0], 0);
        const y = centredDerivative(grid, M.E[1], 1);
        for (let c = 0; c < N; c++) dEd[c] += y[c];
      } else {
        dEd = centredDerivative(grid, M.E[1], 0);
        const y = centredDerivative(grid, M.E[2], 1);
        for (let c = 0; c < N; c++) dEd[c] += y[c];
      }
      const gr = centredDerivative(grid, M.rho, d as 0 | 1);
      const t1 = new Float64Array(N);
      const t2 = new Float64Array(N);
      const t3 = new Float64Array(N);
      for (let c = 0; c < N; c++) {
        t1[c] = dEd[c] / eps;
        t2[c] = gr[c] / eps;
        t3[c] = (opts.lambda(M.rho[c]) * M.j[d][c]) / (eps * eps);
        rhsJ[d][c] = t1[c] + t2[c] + t3[c];
      }
      parts.push([t1, t2, t3]);
    }
    return { divj, rhsJ, parts };
  };
  const SA = space(A);
  const SB = space(B);
  const norm = (f: (c: number) => number) => {
    let s = 0;
    for (let c = 0; c < N; c++) s += f(c) ** 2;
    return Math.sqrt(s * grid.cellVolume);
  };
  const rr = norm((c) => (B.rho[c] - A.rho[c]) / dt + 0.5 * (SA.divj[c] + SB.divj[c]));
  const rs = norm((c) => (B.rho[c] - A.rho[c]) / dt) + norm((c) => 0.5 * (SA.divj[c] + SB.divj[c]));
  let rj2 = 0;
  let sj = 0;
  for (let d = 0; d < dim; d++) {
    rj2 += norm((c) => (B.j[d][c] - A.j[d][c]) / dt + 0.5 * (SA.rhsJ[d][c] + SB.rhsJ[d][c])) ** 2;
    sj += norm((c) => (B.j[d][c] - A.j[d][c]) / dt);
    for (let p = 0; p < 3; p++) sj += norm((c) => 0.5 * (SA.parts[d][p][c] + SB.parts[d][p][c]));
  }
  return { res_rho: rs > 0 ? rr / rs : 0, res_j: sj > 0 ? Math.sqrt(rj2) / sj : 0 };
}

/**
 * The default delta of the series column H_delta: the paper's form eps / (C A^alpha (1 + A^{2 alpha}))
 * with the rate bounds in place of A^alpha, i.e. delta = eps · lambda_min / (C (1 + lambda_max²)), C = 4.
 */
export function defaultDelta(eps: number, lambdaMin: number, lambdaMax: number): number {
  return (eps * lambdaMin) / (4 * (1 + lambdaMax * lambdaMax));
}

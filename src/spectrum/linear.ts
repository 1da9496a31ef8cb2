/**
 * The exact linear spectrum of the nonlinear BGK model about a constant density rho_bar.
 *
 * Linearised about h = rho_bar the equation is linear BGK with rate r = lambda(rho_bar) = rho_bar^alpha
 * (the derivative of lambda multiplies rho − h = 0 at equilibrium). A mode exp(i κ·x + σ t), κ = 2π m
 * (|κ| in 2D), satisfies the dispersion relation
 *
 *     1 = < r / (eps² σ + r + i eps |κ| v) >,          <·> = ∫ · M(v) dv  (1D marginal of M).
 *
 * Continuous velocities, real σ > −r/eps²: with b = eps|κ| and y = (r + eps² σ)/(√2 b),
 *
 *     b / r = √(π/2) erfcx(y)           (erfcx decreases from 1 at y = 0 to 0),
 *
 * so a real root exists iff |κ| < κ* = √(π/2) r / eps; above κ* there is none and the spectral bound
 * is the edge of the essential spectrum, −r/eps². Stable evaluation for moderate eps:
 * r + eps²σ = √2 b y = r · √π y erfcx(y), hence σ = −(r/eps²) · (1 − √π y erfcx(y)), where the
 * bracket is computed without cancellation (faddeeva.ts). For small δ = (eps κ / r)² (below 1e-4) the
 * bracket underflows as eps → 0, and the root is taken from the expansion of the dispersion relation
 * instead: with a = r + eps²σ = r(1 + D) and x = (b/a)² = δ/(1 + D)²,
 *     1 = (r/a) Σ_m (−1)^m (2m−1)!! x^m   ⇒   D = x U(x),  U(x) = −1 + 3x − 15x² + 105x³ − …,
 *     σ = κ² U(x) / (r (1 + D)²)           (fixed point in D; σ = −κ²/r + eps² κ⁴/r³ + O(eps⁴)),
 * truncated after m = 8 (error below 17!! x⁹ < 1e-28 relative).
 *
 * Discrete velocities (Nv Gauss–Hermite nodes v_k, weights w_k): the semi-discrete operator is
 *     A = −(i κ/eps) diag(v) + (r/eps²)(1 wᵀ − I),
 * whose eigenvalues solve the secular equation 1 = Σ_k w_k r / (eps² σ + r + i eps κ v_k). They are
 * computed by a dense complex eigen-solve (eig.ts) of eps²A (entries of size r, so nothing overflows
 * as eps → 0). That solve has an absolute error of order u·r/eps² (u = 2⁻⁵³), which swamps the top
 * eigenvalue −κ²/r once eps ≲ 1e-7 (at eps = 1e-8 it printed 36 instead of 39.48). The top one is
 * therefore computed from the real form of the secular equation (no cancellation as eps → 0),
 *     H(σ) = Σ_k w_k (σ a + κ² v_k²)/(a² + eps² κ² v_k²) = 0,   a = r + eps² σ,
 * by Newton from σ₀ = −κ²/r + eps²κ⁴/r³, and certified: in the w-weighted inner product A is skew-adjoint
 * plus s(P − I) with P the projection on constants and s = r/eps², so every eigenvalue has Re σ ∈ [−s, 0],
 * and trace A = s(1 − Nv); a real root σ* > −s/2 leaves the other Nv − 1 eigenvalues with
 * Re σ ≤ −s − σ* < σ*, so σ* is the (simple, real) top eigenvalue. Without that certificate (large eps,
 * complex top) the dense solve's top eigenvalue, accurate there, is polished by Newton on the secular
 * equation.
 *
 * Supported: eps in [1e-100, 100] and r = rho_bar^alpha in [1e-100, 1e100] (SPECTRUM_LIMITS); every
 * number returned is finite there.
 */
import { erfcx, oneMinusSqrtPiXErfcx } from './faddeeva.js';
import { complexEigenvalues, type Eigenvalue } from './eig.js';
import { gaussHermite } from '../velocity/gaussHermite.js';

const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);

export interface LinearParams {
  eps: number;
  alpha: number;
  rhoBar: number;
  /** Wave number |κ| = 2π |m| (give `kappa` or `mode`). */
  kappa?: number;
  /** Fourier mode m (integer, or a vector [m1, m2] in 2D). */
  mode?: number | readonly number[];
}

export interface ContinuousSpectrum {
  /** r = rho_bar^alpha. */
  r: number;
  kappa: number;
  /** κ* = √(π/2) r / eps: a real root exists iff kappa < kappaStar. */
  kappaStar: number;
  /** The largest real eigenvalue σ (≤ 0), or null above the threshold. */
  sigma: number | null;
  /** Decay rate of the mode = −σ, or (above the threshold) the essential-spectrum bound r/eps². */
  rate: number;
  /** Edge of the essential spectrum, r / eps² (decay rate). */
  essential: number;
  /** 'eigenvalue' below the threshold, 'essential' above. */
  kind: 'eigenvalue' | 'essential';
  /** The diffusion-limit rate κ²/r. */
  limitRate: number;
}

export function wavenumber(p: LinearParams): number {
  if (p.kappa !== undefined) return Math.abs(p.kappa);
  if (p.mode === undefined) throw new RangeError('linear spectrum: give kappa or mode');
  const m = typeof p.mode === 'number' ? [p.mode] : p.mode;
  return 2 * Math.PI * Math.hypot(...m);
}

/** The parameter ranges on which the spectrum is computed accurately with finite results. */
export const SPECTRUM_LIMITS = { epsMin: 1e-100, epsMax: 100, rMin: 1e-100, rMax: 1e100, modeMax: 1e6 } as const;

function check(p: LinearParams): { r: number; kappa: number } {
  const L = SPECTRUM_LIMITS;
  if (!(p.eps >= L.epsMin && p.eps <= L.epsMax)) throw new RangeError(`eps must be in [${L.epsMin}, ${L.epsMax}], got ${p.eps}`);
  if (!(p.rhoBar > 0) || !Number.isFinite(p.rhoBar)) throw new RangeError(`rho_bar must be > 0, got ${p.rhoBar}`);
  if (!Number.isFinite(p.alpha)) throw new RangeError(`alpha must be finite, got ${p.alpha}`);
  const r = p.rhoBar ** p.alpha;
  if (!(r >= L.rMin && r <= L.rMax)) throw new RangeError(`r = rho_bar^alpha = ${r} must be in [${L.rMin}, ${L.rMax}]`);
  return { r, kappa: wavenumber(p) };
}

/** Truncated expansion coefficients (−1)^m (2m−1)!! of U(x) = Σ_{m≥1} (−1)^m (2m−1)!! x^(m−1). */
const U_COEFFS = [-1, 3, -15, 105, -945, 10395, -135135, 2027025];

/** The real root for small δ = (eps κ/r)² from the expansion of the dispersion relation (header). */
function smallEpsRoot(r: number, kappa: number, delta: number): number {
  let D = -delta;
  let U = -1;
  for (let it = 0; it < 50; it++) {
    const x = delta / ((1 + D) * (1 + D));
    U = 0;
    for (let m = U_COEFFS.length - 1; m >= 0; m--) U = U * x + U_COEFFS[m];
    const next = x * U;
    if (Math.abs(next - D) <= 1e-17 * Math.abs(D) || next === D) {
      D = next;
      break;
    }
    D = next;
  }
  return (kappa * kappa * U) / (r * (1 + D) * (1 + D));
}

/** The wave number κ* = √(π/2) r/eps beyond which the continuous problem has no real eigenvalue. */
export function thresholdWavenumber(eps: number, r: number): number {
  return (SQRT_HALF_PI * r) / eps;
}

/** Solve erfcx(y) = c for y ≥ 0 (0 < c ≤ 1): Newton on log erfcx from the asymptotic guess, safeguarded by bisection. */
export function inverseErfcx(c: number): number {
  if (!(c > 0 && c <= 1)) throw new RangeError(`inverseErfcx: c must be in (0, 1], got ${c}`);
  if (c === 1) return 0;
  // bracket
  let lo = 0;
  let hi = Math.max(1, 2 / (Math.sqrt(Math.PI) * c));
  while (erfcx(hi) > c) hi *= 2;
  let y = Math.min(Math.max(1 / (Math.sqrt(Math.PI) * c), lo), hi);
  if (c > 0.5) y = (1 - c) * Math.sqrt(Math.PI) / 2; // erfcx(y) ≈ 1 − 2y/√π near 0
  const lc = Math.log(c);
  for (let it = 0; it < 100; it++) {
    const e = erfcx(y);
    const f = Math.log(e) - lc;
    if (f > 0) lo = y;
    else hi = y;
    // d/dy log erfcx = 2y − 2/(√π erfcx) = −2 (1 − √π y erfcx)/(√π erfcx)
    const g = oneMinusSqrtPiXErfcx(y);
    const d = (-2 * g) / (Math.sqrt(Math.PI) * e);
    let next = y - f / d;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = 0.5 * (lo + hi);
    if (Math.abs(next - y) <= 1e-16 * Math.max(1, y)) {
      y = next;
      break;
    }
    y = next;
  }
  return y;
}

/** The continuous-velocity answer: top real eigenvalue or the essential bound above the threshold. */
export function continuousSpectrum(p: LinearParams): ContinuousSpectrum {
  const { r, kappa } = check(p);
  const eps = p.eps;
  const kappaStar = thresholdWavenumber(eps, r);
  const essential = r / (eps * eps);
  const limitRate = (kappa * kappa) / r;
  if (kappa === 0) return { r, kappa, kappaStar, sigma: 0, rate: 0, essential, kind: 'eigenvalue', limitRate: 0 };
  const b = eps * kappa;
  const c = b / (r * SQRT_HALF_PI);
  if (!(c < 1)) return { r, kappa, kappaStar, sigma: null, rate: essential, essential, kind: 'essential', limitRate };
  const delta = (b / r) ** 2;
  const sigma = delta < 1e-4 ? smallEpsRoot(r, kappa, delta) : -(r / (eps * eps)) * oneMinusSqrtPiXErfcx(inverseErfcx(c));
  return { r, kappa, kappaStar, sigma, rate: -sigma, essential, kind: 'eigenvalue', limitRate };
}

export interface DiscreteSpectrum {
  r: number;
  kappa: number;
  nodes: number;
  /** All Nv eigenvalues σ, sorted by decreasing real part. */
  eigenvalues: Eigenvalue[];
  /** The top eigenvalue (largest real part), polished by Newton on the secular equation. */
  top: Eigenvalue;
  /** Decay rate −Re(top). */
  rate: number;
  /** |1 − Σ w r/(eps²σ + r + i eps κ v)| at the top eigenvalue before polishing (a check of the eigen-solve). */
  secularResidual: number;
  /** |Σ σ − trace A| / (n · max|A_ii|): a global check of all eigenvalues. */
  traceError: number;
}

/** Secular function F(σ) = Σ_k w_k r/(eps² σ + r + i eps κ v_k) − 1 and its derivative. */
function secular(sr: number, si: number, r: number, eps: number, kappa: number, v: Float64Array, w: Float64Array): [number, number, number, number] {
  let fr = -1;
  let fi = 0;
  let dr = 0;
  let di = 0;
  const e2 = eps * eps;
  for (let k = 0; k < v.length; k++) {
    const zr = e2 * sr + r;
    const zi = e2 * si + eps * kappa * v[k];
    const den = zr * zr + zi * zi;
    // 1/z
    const ir = zr / den;
    const ii = -zi / den;
    fr += w[k] * r * ir;
    fi += w[k] * r * ii;
    // d/dσ r/z = −r eps² / z²
    const i2r = ir * ir - ii * ii;
    const i2i = 2 * ir * ii;
    dr -= w[k] * r * e2 * i2r;
    di -= w[k] * r * e2 * i2i;
  }
  return [fr, fi, dr, di];
}

/**
 * Newton on H(σ) (header) from σ0; returns the root when it converges to a real σ* with
 * −s/2 < σ* ≤ 0 (then σ* is certified to be the top eigenvalue), else null.
 */
function certifiedTop(r: number, eps: number, kappa: number, v: Float64Array, w: Float64Array, sigma0: number): number | null {
  const e2 = eps * eps;
  const k2 = kappa * kappa;
  const s = r / e2;
  let x = sigma0;
  let converged = false;
  for (let it = 0; it < 60; it++) {
    let H = 0;
    let dH = 0;
    for (let k = 0; k < v.length; k++) {
      const a = r + e2 * x;
      const N = x * a + k2 * v[k] * v[k];
      const D = a * a + e2 * k2 * v[k] * v[k];
      H += (w[k] * N) / D;
      dH += (w[k] * ((a + x * e2) * D - N * 2 * a * e2)) / (D * D);
    }
    const step = H / dH;
    if (!Number.isFinite(step)) return null;
    x -= step;
    if (Math.abs(step) <= 4e-16 * Math.max(Math.abs(x), 1e-300)) {
      converged = true;
      break;
    }
  }
  return converged && x <= 0 && x > -s / 2 ? x : null;
}

/** Eigenvalues of the Nv-node Gauss–Hermite discrete-velocity linear operator. */
export function discreteSpectrum(p: LinearParams, nodes: number): DiscreteSpectrum {
  const { r, kappa } = check(p);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 256) throw new RangeError(`nodes must be an integer in [1, 256], got ${nodes}`);
  const eps = p.eps;
  const e2 = eps * eps;
  const { nodes: v, weights: w } = gaussHermite(nodes);
  const n = nodes;
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  // B = eps² A. Balanced by the similarity W^{1/2} B W^{-1/2}: the rank-one part becomes r √w √wᵀ
  // (symmetric), which keeps the QR iteration accurate even with tail weights of 1e-200.
  const sw = Float64Array.from(w, (x) => Math.sqrt(x));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) re[i * n + j] = r * sw[i] * sw[j];
    re[i * n + i] -= r;
    im[i * n + i] = -eps * kappa * v[i];
  }
  const ev = complexEigenvalues({ n, re, im })
    .map((e) => ({ re: e.re / e2, im: e.im / e2 }))
    .sort((a, b) => b.re - a.re || b.im - a.im);
  const [fr0, fi0] = secular(ev[0].re, ev[0].im, r, eps, kappa, v, w);
  const resid = Math.hypot(fr0, fi0);
  let trR = 0;
  let trI = 0;
  let sR = 0;
  let sI = 0;
  let dmax = 0;
  for (let i = 0; i < n; i++) {
    trR += re[i * n + i] / e2;
    trI += im[i * n + i] / e2;
    dmax = Math.max(dmax, Math.hypot(re[i * n + i], im[i * n + i]) / e2);
  }
  for (const e of ev) {
    sR += e.re;
    sI += e.im;
  }
  const traceError = Math.hypot(sR - trR, sI - trI) / (n * dmax);
  // The top eigenvalue: certified real root of H (small and moderate eps), else the polished dense one.
  const delta = (eps * kappa / r) ** 2;
  const guess = delta < 1e-2 ? -(kappa * kappa) / r + (e2 * kappa ** 4) / r ** 3 : ev[0].re;
  let certified = certifiedTop(r, eps, kappa, v, w, guess);
  if (certified === null && guess !== ev[0].re && Math.abs(ev[0].im) <= 1e-6 * Math.abs(ev[0].re)) certified = certifiedTop(r, eps, kappa, v, w, ev[0].re);
  let top: Eigenvalue = ev[0];
  if (certified !== null) {
    top = { re: certified, im: 0 };
    // The dense solve's nearest eigenvalue is this one, inaccurately: list the certified value.
    let near = 0;
    for (let i = 1; i < ev.length; i++) if (Math.hypot(ev[i].re - certified, ev[i].im) < Math.hypot(ev[near].re - certified, ev[near].im)) near = i;
    ev[near] = top;
    ev.sort((a, b) => b.re - a.re || b.im - a.im);
  } else {
    let tr = ev[0].re;
    let ti = ev[0].im;
    for (let it = 0; it < 20; it++) {
      const [fr, fi, dr, di] = secular(tr, ti, r, eps, kappa, v, w);
      const dd = dr * dr + di * di;
      if (dd === 0) break;
      const stepR = (fr * dr + fi * di) / dd;
      const stepI = (fi * dr - fr * di) / dd;
      tr -= stepR;
      ti -= stepI;
      if (Math.hypot(stepR, stepI) <= 1e-15 * Math.max(1, Math.hypot(tr, ti))) break;
    }
    if (Math.hypot(tr - ev[0].re, ti - ev[0].im) <= 1e-6 * Math.max(1, Math.hypot(ev[0].re, ev[0].im))) top = { re: tr, im: ti };
  }
  return { r, kappa, nodes, eigenvalues: ev, top, rate: -top.re, secularResidual: resid, traceError };
}

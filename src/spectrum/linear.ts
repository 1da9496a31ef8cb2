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
 * is the edge of the essential spectrum, −r/eps². Stable evaluation for small eps:
 * r + eps²σ = √2 b y = r · √π y erfcx(y), hence σ = −(r/eps²) · (1 − √π y erfcx(y)), where the
 * bracket is computed without cancellation (faddeeva.ts). Small eps: σ = −κ²/r + eps² κ⁴/r³ + O(eps⁴).
 *
 * Discrete velocities (Nv Gauss–Hermite nodes v_k, weights w_k): the semi-discrete operator is
 *     A = −(i κ/eps) diag(v) + (r/eps²)(1 wᵀ − I),
 * whose eigenvalues solve the secular equation 1 = Σ_k w_k r / (eps² σ + r + i eps κ v_k). They are
 * computed by a dense complex eigen-solve (eig.ts) and the top one is polished by Newton on the secular
 * equation.
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

function check(p: LinearParams): { r: number; kappa: number } {
  if (!(p.eps > 0) || !Number.isFinite(p.eps)) throw new RangeError(`eps must be > 0, got ${p.eps}`);
  if (!(p.rhoBar > 0) || !Number.isFinite(p.rhoBar)) throw new RangeError(`rho_bar must be > 0, got ${p.rhoBar}`);
  if (!Number.isFinite(p.alpha)) throw new RangeError(`alpha must be finite, got ${p.alpha}`);
  const r = p.rhoBar ** p.alpha;
  if (!(r > 0) || !Number.isFinite(r)) throw new RangeError(`r = rho_bar^alpha = ${r} is not positive and finite`);
  return { r, kappa: wavenumber(p) };
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
  const y = inverseErfcx(c);
  const sigma = -(r / (eps * eps)) * oneMinusSqrtPiXErfcx(y);
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

/** Eigenvalues of the Nv-node Gauss–Hermite discrete-velocity linear operator. */
export function discreteSpectrum(p: LinearParams, nodes: number): DiscreteSpectrum {
  const { r, kappa } = check(p);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 256) throw new RangeError(`nodes must be an integer in [1, 256], got ${nodes}`);
  const eps = p.eps;
  const { nodes: v, weights: w } = gaussHermite(nodes);
  const n = nodes;
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  const s = r / (eps * eps);
  // Balanced by the similarity W^{1/2} A W^{-1/2}: the rank-one part becomes s √w √wᵀ (symmetric),
  // which keeps the QR iteration accurate even with tail weights of 1e-200.
  const sw = Float64Array.from(w, (x) => Math.sqrt(x));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) re[i * n + j] = s * sw[i] * sw[j];
    re[i * n + i] -= s;
    im[i * n + i] = -(kappa / eps) * v[i];
  }
  const ev = complexEigenvalues({ n, re, im }).sort((a, b) => b.re - a.re || b.im - a.im);
  const [fr0, fi0] = secular(ev[0].re, ev[0].im, r, eps, kappa, v, w);
  const resid = Math.hypot(fr0, fi0);
  let trR = 0;
  let trI = 0;
  let sR = 0;
  let sI = 0;
  let dmax = 0;
  for (let i = 0; i < n; i++) {
    trR += re[i * n + i];
    trI += im[i * n + i];
    dmax = Math.max(dmax, Math.hypot(re[i * n + i], im[i * n + i]));
  }
  for (const e of ev) {
    sR += e.re;
    sI += e.im;
  }
  const traceError = Math.hypot(sR - trR, sI - trI) / (n * dmax);
  // Newton polish of the top eigenvalue. A real top eigenvalue (the nodes are symmetric, so the
  // spectrum is symmetric about the real axis) is polished on the real form of the secular equation,
  // H(σ) = Σ_k w_k (σ a + κ² v_k²)/(a² + eps² κ² v_k²) = 0, a = r + eps² σ, which has no cancellation
  // as eps → 0 (it tends to σ r + κ² = 0); a complex one on F.
  let top: Eigenvalue = ev[0];
  if (Math.abs(ev[0].im) <= 1e-6 * Math.max(1, Math.abs(ev[0].re))) {
    let x = ev[0].re;
    const e2 = eps * eps;
    const k2 = kappa * kappa;
    for (let it = 0; it < 30; it++) {
      let H = 0;
      let dH = 0;
      for (let k = 0; k < n; k++) {
        const a = r + e2 * x;
        const N = x * a + k2 * v[k] * v[k];
        const D = a * a + e2 * k2 * v[k] * v[k];
        H += (w[k] * N) / D;
        dH += (w[k] * ((a + x * e2) * D - N * 2 * a * e2)) / (D * D);
      }
      const step = H / dH;
      if (!Number.isFinite(step)) break;
      x -= step;
      if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(x))) break;
    }
    if (Math.abs(x - ev[0].re) <= 1e-6 * Math.max(1, Math.abs(ev[0].re))) top = { re: x, im: 0 };
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

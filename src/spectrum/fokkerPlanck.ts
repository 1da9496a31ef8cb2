/**
 * The exact linear theory of the kinetic Fokker–Planck equation (1.5) about a constant density
 * rho_bar (docs/fokker-planck.md, "Exact linear theory"). Linearised (λ'(rho_bar) multiplies
 * L rho_bar = 0), a Fourier mode exp(i κ·x) of h = f/M solves, with r = λ(rho_bar) = rho_bar^α,
 *
 *   ∂_t ĥ + (i κ/eps) v ĥ = (r/eps²) (∂_v² − v ∂_v) ĥ.
 *
 * Continuous velocities, closed form. In the velocity Fourier variable ξ (f̂(t, ξ) = ∫ f e^{−iξv} dv,
 * k = κ/eps, γ = r/eps²) the equation is first order, ∂_t f̂ + (γξ − k) ∂_ξ f̂ = −γ ξ² f̂, and its
 * characteristic through ξ(t) = 0 gives the density rhô(t) = f̂(t, 0):
 *
 *   rhô(t) = f̂_0(ξ_0) exp(−γ ∫_0^t ξ(s)² ds),  ξ(s) = (k/γ)(1 − e^{−γ(t−s)}),  ξ_0 = ξ(0).
 *
 * For well-prepared data f_0 = rhô_0 M (f̂_0(ξ) = rhô_0 e^{−ξ²/2}) the exponents combine to
 *
 *   rhô(t)/rhô_0 = exp( −(κ²/r) t + (κ eps / r)² (1 − e^{−r t/eps²}) ),
 *
 * free streaming e^{−κ² t²/(2 eps²)} for t ≪ eps²/r, then the diffusion-limit rate κ²/r for every eps
 * (no eps² correction, unlike BGK) with a constant offset. The spectrum of the mode operator is
 * {−κ²/r − n r/eps², n = 0, 1, 2, …} (harmonic-oscillator structure of the Kramers operator), so the
 * slowest rate is κ²/r and the gap to the next is r/eps².
 *
 * Discrete velocities (Nv Gauss–Hermite nodes with the birth–death operator of
 * solvers/fokker-planck/velocityOperator.ts): the mode operator A = −(iκ/eps) diag(v) + (r/eps²) L.
 * Its top eigenvalue is computed as the root of the Schur-complement (secular) equation in the
 * w-orthonormal eigenbasis of L (φ_0 = 1, μ_0 = 0; φ_1 = v, μ_1 = −1; J = Φᵀ W diag(v) Φ):
 *
 *   σ = −κ² J_{0⊥} (eps² σ − r M_⊥ + i κ eps J_{⊥⊥})⁻¹ J_{⊥0},   M_⊥ = diag(μ_1, …),
 *
 * which stays well conditioned as eps → 0 (→ −κ²/r, since J_{⊥0} is φ_1 exactly), by a damped
 * fixed-point/secant iteration from −κ²/r; all eigenvalues (for listing) by the dense complex QR of eig.ts.
 */
import { complexEigenvalues, type Eigenvalue } from './eig.js';
import { birthDeathOU, ouEigen } from '../solvers/fokker-planck/velocityOperator.js';
import { wavenumber, type LinearParams } from './linear.js';

export interface FokkerPlanckContinuous {
  r: number;
  kappa: number;
  /** The slowest decay rate κ²/r (= the diffusion limit's, for every eps). */
  rate: number;
  /** The gap to the next eigenvalue, r/eps². */
  gap: number;
  /** The first few eigenvalues −κ²/r − n r/eps² (n = 0..4). */
  eigenvalues: number[];
}

function checked(p: LinearParams): { r: number; kappa: number } {
  if (!(p.eps > 0) || !Number.isFinite(p.eps)) throw new RangeError(`eps must be > 0, got ${p.eps}`);
  if (!(p.rhoBar > 0) || !Number.isFinite(p.rhoBar)) throw new RangeError(`rho_bar must be > 0, got ${p.rhoBar}`);
  const r = p.rhoBar ** p.alpha;
  if (!(r > 0) || !Number.isFinite(r)) throw new RangeError(`r = rho_bar^alpha = ${r} is not positive and finite`);
  return { r, kappa: wavenumber(p) };
}

export function fokkerPlanckContinuous(p: LinearParams): FokkerPlanckContinuous {
  const { r, kappa } = checked(p);
  const rate = (kappa * kappa) / r;
  const gap = r / (p.eps * p.eps);
  return { r, kappa, rate, gap, eigenvalues: [0, 1, 2, 3, 4].map((n) => -rate - n * gap) };
}

/** rhô(t)/rhô(0) of the continuous-velocity linear equation for well-prepared data (closed form above). */
export function fokkerPlanckDensityRatio(t: number, p: LinearParams): number {
  const { r, kappa } = checked(p);
  const e = p.eps;
  // (κ eps/r)² (1 − e^{−r t/eps²}) with expm1 (no cancellation for t ≪ eps²/r)
  return Math.exp(-((kappa * kappa) / r) * t - ((kappa * e) / r) ** 2 * Math.expm1(-(r * t) / (e * e)));
}

export interface FokkerPlanckDiscrete {
  r: number;
  kappa: number;
  nodes: number;
  /** The top eigenvalue (root of the secular equation). */
  top: Eigenvalue;
  rate: number;
  /** All eigenvalues by dense QR (sorted by decreasing real part); only when asked. */
  eigenvalues?: Eigenvalue[];
  /** |σ − g(σ)| / |σ| at the returned root. */
  residual: number;
}

/** Complex linear solve (Gaussian elimination with partial pivoting) of an n × n system, in place. */
function complexSolve(n: number, ar: Float64Array, ai: Float64Array, br: Float64Array, bi: Float64Array): void {
  for (let c = 0; c < n; c++) {
    let p = c;
    let best = -1;
    for (let r = c; r < n; r++) {
      const m = Math.hypot(ar[r * n + c], ai[r * n + c]);
      if (m > best) {
        best = m;
        p = r;
      }
    }
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        [ar[c * n + j], ar[p * n + j]] = [ar[p * n + j], ar[c * n + j]];
        [ai[c * n + j], ai[p * n + j]] = [ai[p * n + j], ai[c * n + j]];
      }
      [br[c], br[p]] = [br[p], br[c]];
      [bi[c], bi[p]] = [bi[p], bi[c]];
    }
    const pr = ar[c * n + c];
    const pi = ai[c * n + c];
    const d = pr * pr + pi * pi;
    for (let r = c + 1; r < n; r++) {
      const xr = ar[r * n + c];
      const xi = ai[r * n + c];
      // f = x / piv
      const fr = (xr * pr + xi * pi) / d;
      const fi = (xi * pr - xr * pi) / d;
      for (let j = c; j < n; j++) {
        const yr = ar[c * n + j];
        const yi = ai[c * n + j];
        ar[r * n + j] -= fr * yr - fi * yi;
        ai[r * n + j] -= fr * yi + fi * yr;
      }
      br[r] -= fr * br[c] - fi * bi[c];
      bi[r] -= fr * bi[c] + fi * br[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let sr = br[c];
    let si = bi[c];
    for (let j = c + 1; j < n; j++) {
      sr -= ar[c * n + j] * br[j] - ai[c * n + j] * bi[j];
      si -= ar[c * n + j] * bi[j] + ai[c * n + j] * br[j];
    }
    const pr = ar[c * n + c];
    const pi = ai[c * n + c];
    const d = pr * pr + pi * pi;
    br[c] = (sr * pr + si * pi) / d;
    bi[c] = (si * pr - sr * pi) / d;
  }
}

/** Top eigenvalue of the Nv-node discrete-velocity Fokker–Planck mode operator (and, with all, every eigenvalue). */
export function fokkerPlanckDiscrete(p: LinearParams, nodes: number, all = false): FokkerPlanckDiscrete {
  const { r, kappa } = checked(p);
  if (!Number.isInteger(nodes) || nodes < 2 || nodes > 256) throw new RangeError(`nodes must be an integer in [2, 256], got ${nodes}`);
  const eps = p.eps;
  const op = birthDeathOU(nodes);
  const { mu, V } = ouEigen(op);
  const n = nodes;
  const w = op.weights;
  const v = op.nodes;
  // J = Vᵀ W diag(v) V (symmetric); column order of V: mu ascending, so the constant mode is the last
  const J = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += V[j * n + a] * w[j] * v[j] * V[j * n + b];
      J[a * n + b] = s;
    }
  const i0 = n - 1; // mu = 0
  const m = n - 1;
  const ar = new Float64Array(m * m);
  const ai = new Float64Array(m * m);
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  // g(σ) = −κ² J_{0⊥} (eps² σ − r M + i κ eps J_⊥⊥)⁻¹ J_{⊥0}
  const g = (sr: number, si: number): [number, number] => {
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        ar[a * m + b] = a === b ? eps * eps * sr - r * mu[a] : 0;
        ai[a * m + b] = kappa * eps * J[a * n + b] + (a === b ? eps * eps * si : 0);
      }
      br[a] = J[a * n + i0];
      bi[a] = 0;
    }
    complexSolve(m, ar, ai, br, bi);
    let yr = 0;
    let yi = 0;
    for (let a = 0; a < m; a++) {
      yr += J[i0 * n + a] * br[a];
      yi += J[i0 * n + a] * bi[a];
    }
    return [-kappa * kappa * yr, -kappa * kappa * yi];
  };
  // dense QR (balanced: W^{1/2} A W^{−1/2} = −(iκ/eps) diag(v) + (r/eps²) S) for the list, and as the
  // starting value where the mode is far from the limit (κ eps/r not small; its entries are then moderate)
  let eigenvalues: Eigenvalue[] | undefined;
  if (all || (kappa * eps) / r > 0.05) {
    // balanced: W^{1/2} A W^{−1/2} = −(iκ/eps) diag(v) + (r/eps²) S, S the symmetrised operator
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    const s = r / (eps * eps);
    for (let j = 0; j < n; j++) {
      re[j * n + j] = s * op.di[j];
      if (j < n - 1) {
        const c = (s * op.c[j]) / Math.sqrt(w[j] * w[j + 1]);
        re[j * n + j + 1] = c;
        re[(j + 1) * n + j] = c;
      }
      im[j * n + j] = -(kappa / eps) * v[j];
    }
    eigenvalues = complexEigenvalues({ n, re, im }).sort((a, b) => b.re - a.re || b.im - a.im);
  }
  // secant on F(σ) = σ − g(σ) from the limit value and the first fixed-point iterate (complex arithmetic)
  let x0r = eigenvalues ? eigenvalues[0].re : -(kappa * kappa) / r;
  let x0i = eigenvalues ? eigenvalues[0].im : 0;
  let [f0r, f0i] = ((s) => [x0r - s[0], x0i - s[1]])(g(x0r, x0i));
  let x1r = x0r - f0r;
  let x1i = x0i - f0i;
  let residual = Infinity;
  for (let it = 0; it < 100; it++) {
    const [gr, gi] = g(x1r, x1i);
    const f1r = x1r - gr;
    const f1i = x1i - gi;
    residual = Math.hypot(f1r, f1i) / Math.max(1e-300, Math.hypot(x1r, x1i));
    if (residual <= 1e-15) break;
    // σ2 = σ1 − F1 (σ1 − σ0)/(F1 − F0)
    const dr = f1r - f0r;
    const di = f1i - f0i;
    const dd = dr * dr + di * di;
    if (dd === 0) break;
    const qr = ((x1r - x0r) * dr + (x1i - x0i) * di) / dd;
    const qi = ((x1i - x0i) * dr - (x1r - x0r) * di) / dd;
    x0r = x1r;
    x0i = x1i;
    f0r = f1r;
    f0i = f1i;
    x1r -= f1r * qr - f1i * qi;
    x1i -= f1r * qi + f1i * qr;
  }
  const top = { re: x1r, im: Math.abs(x1i) < 1e-14 * Math.abs(x1r) ? 0 : x1i };
  const out: FokkerPlanckDiscrete = { r, kappa, nodes, top, rate: -top.re, residual };
  if (all) out.eigenvalues = eigenvalues;
  return out;
}

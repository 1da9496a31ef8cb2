/**
 * Exact reference for constant rate (alpha = 0, or any alpha linearised): the linear BGK equation
 *   d_t f + (1/eps) v·∇f = (r/eps²)(ρ M − f)
 * for one Fourier mode exp(i k·x) with well-prepared data f(0) = M (so ρ̂(0) = 1).
 *
 * Duhamel along characteristics, integrated against M (whose characteristic function is
 * ∫ exp(−i k·v τ/eps) M dv = exp(−|k|² τ² / (2 eps²))), gives a Volterra equation of the second
 * kind for the mode amplitude A(t) = ρ̂(t):
 *   A(t) = F(t) + ∫_0^t K(t − s) A(s) ds,
 *   F(τ) = exp(−R τ − |k|² τ² / (2 eps²)),   K(τ) = R F(τ),   R = r / eps².
 * It is solved by the trapezoid rule (error O(h²) with an h² expansion) on two step sizes and
 * Richardson-extrapolated. This is independent of every solver in nlbgk (no velocity grid, no
 * particles), and valid in any dimension with k = |k|.
 */

/** A(t) at the requested times (each ≥ 0), with a time step of 1/pointsPerScale of the kernel's
 * shortest scale min(1/R, eps/|k|). The convolution is cut where F < 1e-20 (exp(−46)). */
export function linearBgkMode(k: number, r: number, eps: number, times: readonly number[], pointsPerScale = 400): number[] {
  const R = r / (eps * eps);
  const kk = Math.abs(k) / eps;
  const scale = Math.min(1 / R, kk > 0 ? 1 / kk : Infinity);
  const step = scale / pointsPerScale;
  const tMax = Math.max(...times);
  const coarse = trapezoidVolterra(R, kk, tMax, 2 * step);
  const fine = trapezoidVolterra(R, kk, tMax, step);
  return times.map((t) => {
    const a2 = interpolate(coarse.t, coarse.a, t);
    const a1 = interpolate(fine.t, fine.a, t);
    return a1 + (a1 - a2) / 3;
  });
}

function trapezoidVolterra(R: number, kk: number, tMax: number, h0: number): { t: Float64Array; a: Float64Array } {
  const n = Math.max(2, Math.ceil(tMax / h0));
  const h = tMax / n;
  const F = new Float64Array(n + 1);
  for (let m = 0; m <= n; m++) {
    const tau = m * h;
    F[m] = Math.exp(-R * tau - 0.5 * kk * kk * tau * tau);
  }
  let cut = n;
  for (let m = 0; m <= n; m++) {
    if (F[m] < 1e-20) {
      cut = m;
      break;
    }
  }
  const a = new Float64Array(n + 1);
  const t = new Float64Array(n + 1);
  a[0] = 1;
  const denom = 1 - 0.5 * h * R;
  for (let m = 1; m <= n; m++) {
    t[m] = m * h;
    let s = m <= cut ? 0.5 * F[m] * a[0] : 0;
    for (let j = Math.max(1, m - cut); j < m; j++) s += F[m - j] * a[j];
    a[m] = (F[m] + h * R * s) / denom;
  }
  return { t, a };
}

/** Cubic Lagrange interpolation on a uniform grid (exact at the nodes). */
function interpolate(t: Float64Array, a: Float64Array, x: number): number {
  const n = t.length - 1;
  const h = t[1] - t[0];
  const p = x / h;
  const m = Math.round(p);
  if (Math.abs(p - m) < 1e-9) return a[Math.min(Math.max(m, 0), n)];
  let i = Math.floor(p) - 1;
  if (i < 0) i = 0;
  if (i + 3 > n) i = n - 3;
  let s = 0;
  for (let j = 0; j < 4; j++) {
    let l = 1;
    for (let q = 0; q < 4; q++) if (q !== j) l *= (p - (i + q)) / (j - q);
    s += l * a[i + j];
  }
  return s;
}

/**
 * The exact expected histogram of the linear process on n cells started, as the particle solver
 * starts, from the piecewise-constant density with cell values c_j = 1 + b cos(2π x_j) (x_j the
 * cell centres), well prepared, at time t: cell averages 1 + b cos(2π x_j) S(t) with
 *   S(t) = Σ_l sinc²((1 + l n)/n) A_{2π(1 + l n)}(t),   sinc(s) = sin(π s)/(π s),
 * the sum over the aliases of mode 1 (the step function's Fourier coefficients are those of the
 * cell values times sinc(m/n); cell-averaging multiplies by sinc(m/n) again; Σ_l sinc² = 1).
 * Truncated at |l| ≤ L (the neglected weights sum to < 2/(π² L), and those modes have |A| ≪ 1).
 */
export function pieceWiseModeFactor(n: number, r: number, eps: number, t: number, L = 2): number {
  let s = 0;
  for (let l = -L; l <= L; l++) {
    const m = 1 + l * n;
    const z = (Math.PI * m) / n;
    const sinc = Math.sin(z) / z;
    // The aliases carry weight < 1e-3 and |A| ≤ 1: a coarser (still converged) step is enough.
    const [a] = linearBgkMode(2 * Math.PI * m, r, eps, [t], l === 0 ? 400 : 50);
    s += sinc * sinc * a;
  }
  return s;
}

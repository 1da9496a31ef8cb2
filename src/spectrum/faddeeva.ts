/**
 * The scaled complementary error function and the Faddeeva function, written here (no library).
 *
 *   erfcx(x) = exp(x²) erfc(x),        w(z) = exp(−z²) erfc(−i z),      w(i y) = erfcx(y).
 *
 * erfcx on the real line (what the continuous linear spectrum needs) to full double precision:
 * - 0 ≤ x ≤ 0.8: erfcx(x) = exp(x²) − (2/√π) Σ 2ⁿ x^{2n+1}/(2n+1)!! (positive-term series of
 *   exp(x²) erf(x); the subtraction loses at most a factor 4 at x = 0.8);
 * - x > 0.8: the Laplace continued fraction erfcx(x) = (1/√π) / (x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
 *   evaluated backwards, depth 700 at x = 0.8 down to 20 for x ≥ 5 (measured: relative error ≤ 2e-16
 *   against 30-digit mpmath at the tabulated points of test/spectrum.test.ts);
 * - x < 0: erfcx(x) = 2 exp(x²) − erfcx(−x).
 * `oneMinusSqrtPiXErfcx(x)` = 1 − √π x erfcx(x) without cancellation for large x (needed when eps → 0).
 *
 * The complex w(z) uses Weideman's rational expansion (SIAM J. Numer. Anal. 31 (1994) 1497–1518) with
 * N = 64 terms for Im z ≥ 0 and the reflection w(z) = 2 exp(−z²) − w(−z) below the real axis.
 */

const SQRT_PI = Math.sqrt(Math.PI);

/** erf(x) by its Maclaurin series (|x| ≤ 2 only, where it is accurate to a few ulp): erf x = (2/√π) e^{−x²} Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)). */
function erfSeries(x: number): number {
  // The exp-weighted form has only positive terms: erf x = (2/√π) exp(−x²) Σ_{n≥0} 2^n x^{2n+1}/(2n+1)!!
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/** Laplace continued fraction of erfcx for x > 2 (absolute accuracy better than 1e-17 · erfcx). */
function cfDepth(x: number): number {
  return x >= 5 ? 20 : x >= 3 ? 40 : x >= 2 ? 80 : x >= 1.5 ? 160 : x >= 1 ? 320 : 700;
}

function erfcxContinuedFraction(x: number): number {
  // erfcx(x) = (1/√π) · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))).
  const depth = cfDepth(x);
  let t = x;
  for (let n = depth; n >= 1; n--) t = x + n / 2 / t;
  return 1 / (SQRT_PI * t);
}

/** The scaled complementary error function exp(x²) erfc(x), real x (overflows to Infinity for x < −26.6). */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) {
    if (x < -26.7) return Infinity;
    return 2 * Math.exp(x * x) - erfcx(-x);
  }
  if (x <= 0.8) return Math.exp(x * x) * (1 - erfSeries(x));
  if (x > 1e8) return 1 / (SQRT_PI * x); // the next term is 1/(2x²) relative: below one ulp
  return erfcxContinuedFraction(x);
}

/** erfc(x) for real x, from erfcx. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x <= 2) return 1 - erfSeries(x);
  return Math.exp(-x * x) * erfcx(x);
}

/**
 * g(x) = 1 − √π x erfcx(x) for x ≥ 0, accurate also as x → ∞ where g ≈ 1/(2x²) and the direct
 * formula loses everything: from the continued fraction, √π x erfcx(x) = x/(x + K), g = K/(x + K),
 * K = (1/2)/(x + 1/(x + (3/2)/(x + …))).
 */
export function oneMinusSqrtPiXErfcx(x: number): number {
  if (!(x >= 0)) throw new RangeError(`oneMinusSqrtPiXErfcx: x must be >= 0, got ${x}`);
  if (x <= 2) return 1 - SQRT_PI * x * erfcx(x);
  const depth = cfDepth(x);
  let t = x;
  for (let n = depth; n >= 2; n--) t = x + n / 2 / t;
  const K = 0.5 / t;
  return K / (x + K);
}

// ---- Weideman's rational expansion for w(z) ----------------------------------------------------
const WN = 64;
const WL = Math.sqrt(WN / Math.SQRT2);
/** Polynomial coefficients a_1..a_N (p(Z) = Σ_{j=1}^{N} a_j Z^{j−1}). */
const WA: Float64Array = (() => {
  const M = 2 * WN;
  const M2 = 2 * M;
  // f(k) = exp(−t²)(L² + t²), t = L tan(θ/2), θ = kπ/M, k = −M+1..M−1, and f(−M) = 0; fftshifted.
  const F = (k: number): number => {
    if (k === -M) return 0;
    const t = WL * Math.tan((k * Math.PI) / M / 2);
    return Math.exp(-t * t) * (WL * WL + t * t);
  };
  const fs = new Float64Array(M2);
  for (let n = 0; n < M2; n++) fs[n] = F(n < M ? n : n - M2);
  const a = new Float64Array(WN + 1);
  for (let j = 1; j <= WN; j++) {
    let s = 0;
    for (let n = 0; n < M2; n++) s += fs[n] * Math.cos((2 * Math.PI * j * n) / M2);
    a[j] = s / M2;
  }
  return a;
})();

/** The Faddeeva function w(z) = exp(−z²) erfc(−iz) as [Re, Im]. Relative accuracy ≈ 1e-13 near the real axis. */
export function faddeeva(re: number, im: number): [number, number] {
  if (im < 0) {
    // w(z) = 2 exp(−z²) − w(−z)
    const [wr, wi] = faddeeva(-re, -im);
    const er = Math.exp(im * im - re * re);
    const ang = -2 * re * im;
    return [2 * er * Math.cos(ang) - wr, 2 * er * Math.sin(ang) - wi];
  }
  if (re === 0) return [erfcx(im), 0];
  // Z = (L + iz)/(L − iz); iz = −im + i re
  const nr = WL - im;
  const ni = re;
  const dr = WL + im;
  const di = -re;
  const dd = dr * dr + di * di;
  const Zr = (nr * dr + ni * di) / dd;
  const Zi = (ni * dr - nr * di) / dd;
  // Horner for p(Z)
  let pr = WA[WN];
  let pi = 0;
  for (let j = WN - 1; j >= 1; j--) {
    const tr = pr * Zr - pi * Zi + WA[j];
    pi = pr * Zi + pi * Zr;
    pr = tr;
  }
  // 1/(L − iz)
  const ir = dr / dd;
  const ii = -di / dd;
  const i2r = ir * ir - ii * ii;
  const i2i = 2 * ir * ii;
  const wr = 2 * (pr * i2r - pi * i2i) + ir / SQRT_PI;
  const wi = 2 * (pr * i2i + pi * i2r) + ii / SQRT_PI;
  return [wr, wi];
}

/** Dawson's integral F(x) = (√π/2) Im w(x) for real x. */
export function dawson(x: number): number {
  return (SQRT_PI / 2) * faddeeva(x, 0)[1];
}

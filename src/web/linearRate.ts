/**
 * Exact decay rates of the linearised equations for the explorer's reference line on the log plot
 * of ||f − mM||² (written here because src/spectrum/ was not available when the explorer was built;
 * the rate is the same quantity).
 *
 * Kinetic, discrete velocities (v_k, w_k), linearised about the mean density m with r = lambda(m):
 * a Fourier mode h_k = a_k e^{i kappa x − d t} of
 *     d_t h + (1/eps) v d_x h = (r/eps²)(rho − h),   rho = Σ_k w_k h_k,
 * exists iff the secular equation holds,
 *     1 = Σ_k w_k r / (r − eps² d + i eps kappa v_k).
 * For a symmetric velocity set the imaginary parts cancel, and with s = r − eps² d (and Σ w_k = 1)
 * it becomes, without cancellation for small eps,
 *     F(d) = Σ_k w_k (s d − kappa² v_k²) / (s² + eps² kappa² v_k²) = 0,   0 < d < r/eps².
 * F(0) < 0; the smallest real root d (the top real eigenvalue −d) is found by scanning a grid that
 * is fine both near d = 0 and near s = 0, then bisection. As eps → 0, d → kappa² Σ w v² / r =
 * kappa²/r, the rate of the limit equation. When there is no real root (even node counts at large
 * eps, where the slowest mode is oscillatory) the function returns null and no line is drawn.
 *
 * Limit equation d_t rho = div(lambda(rho)^-1 grad rho), linearised: d = kappa² / r.
 * ||f − mM||² of a single mode decays like e^{−2 d t}.
 */

/** The lowest Fourier mode on the unit torus. */
export const KAPPA = 2 * Math.PI;

function secular(d: number, v: ArrayLike<number>, w: ArrayLike<number>, r: number, eps: number, kappa: number): number {
  const s = r - eps * eps * d;
  const ek2 = eps * eps * kappa * kappa;
  let F = 0;
  for (let k = 0; k < v.length; k++) {
    const v2 = v[k] * v[k];
    F += (w[k] * (s * d - kappa * kappa * v2)) / (s * s + ek2 * v2);
  }
  return F;
}

/** Decay rate d of the slowest real mode e^{i kappa x − d t} of the linearised discrete-velocity BGK equation, or null. */
export function kineticDecayRate(v: ArrayLike<number>, w: ArrayLike<number>, r: number, eps: number, kappa = KAPPA): number | null {
  if (!(r > 0 && eps > 0 && Number.isFinite(r) && Number.isFinite(eps))) return null;
  const dMax = r / (eps * eps);
  const dLimit = (kappa * kappa) / r;
  const grid: number[] = [0];
  const J = 3000;
  // geometric in d from 1e-8 of the limit rate up to dMax, and geometric in s = r − eps² d down to 1e-16 r
  const lo = Math.min(dLimit * 1e-8, dMax * 1e-8);
  for (let j = 0; j <= J; j++) {
    const d = lo * Math.pow(dMax / lo, j / J);
    if (d < dMax) grid.push(d);
    const s = r * Math.pow(1e-16, j / J);
    const d2 = (r - s) / (eps * eps);
    if (d2 > 0 && d2 < dMax) grid.push(d2);
  }
  grid.sort((a, b) => a - b);
  let a = grid[0];
  let fa = secular(a, v, w, r, eps, kappa);
  for (let j = 1; j < grid.length; j++) {
    const b = grid[j];
    const fb = secular(b, v, w, r, eps, kappa);
    if (fa < 0 && fb >= 0) return bisect(a, b, v, w, r, eps, kappa);
    a = b;
    fa = fb;
  }
  return null;
}

function bisect(a: number, b: number, v: ArrayLike<number>, w: ArrayLike<number>, r: number, eps: number, kappa: number): number {
  for (let it = 0; it < 200 && b - a > 1e-15 * b; it++) {
    const c = 0.5 * (a + b);
    if (c <= a || c >= b) break;
    if (secular(c, v, w, r, eps, kappa) < 0) a = c;
    else b = c;
  }
  return 0.5 * (a + b);
}

/** Decay rate of the mode e^{i kappa x} of the linearised limit equation: kappa² / lambda(m). */
export function diffusionDecayRate(r: number, kappa = KAPPA): number | null {
  return r > 0 && Number.isFinite(r) ? (kappa * kappa) / r : null;
}

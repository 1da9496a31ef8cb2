/**
 * The local error estimate shared by the variable-step BDF2 steppers (diffusion, kinetic 1D/2D):
 * Milne's device with the quadratic extrapolation predictor.
 *
 * Steps h = t_{n+1} − t_n, h1 = t_n − t_{n-1}, h2 = t_{n-1} − t_{n-2}; c = (1 + 2w)/(1 + w), w = h/h1,
 * the BDF2 leading coefficient. For a smooth solution y:
 *   - BDF2 (the derivative of the quadratic through t_{n-1}, t_n, t_{n+1} taken at t_{n+1}) has the
 *     local error  y_{n+1} − y(t_{n+1}) ≈ −h²(h + h1)/(6c) y'''  (constant steps: −(2/9) h³ y'''),
 *   - the quadratic through y_{n-2}, y_{n-1}, y_n extrapolated to t_{n+1} has the error
 *     P − y(t_{n+1}) ≈ −h (h + h1)(h + h1 + h2)/6 y''',
 * so that  LTE ≈ K (y_{n+1} − P),  K = (h/c) / ((h + h1 + h2) − h/c)   (constant steps: 2/7)
 * (Milne's device: Hairer, Nørsett & Wanner, Solving ODEs I, §III.7; Byrne & Hindmarsh 1975 for the
 * variable-step form used by CVODE). A backward-Euler step (local error −h²/2 y'') is estimated by
 * K = 1: the quadratic predictor is one order more accurate than the step.
 *
 * Stiff components are filtered as Hairer & Wanner (Solving ODEs II, §IV.8) and Shampine do for
 * implicit methods: for y' = −μ y the corrector's local error is the non-stiff one times c/(c + hμ).
 */

/** Milne's constant K for a BDF2 step (order 2) or a backward-Euler step (order 1). */
export function milneConstant(order: 1 | 2, h: number, h1: number, h2: number): number {
  if (order === 1) return 1;
  const w = h / h1;
  const c = (1 + 2 * w) / (1 + w);
  const hc = h / c;
  return hc / (h + h1 + h2 - hc);
}

/**
 * Coefficients of the quadratic extrapolation P = a0 y_n + a1 y_{n-1} + a2 y_{n-2} to t_{n+1}
 * (Lagrange form; a0 + a1 + a2 = 1).
 */
export function predictorCoefficients(h: number, h1: number, h2: number, out: Float64Array): Float64Array {
  // nodes relative to t_{n+1}: t_n = −h, t_{n-1} = −(h + h1), t_{n-2} = −(h + h1 + h2); evaluate at 0
  const s0 = -h;
  const s1 = -(h + h1);
  const s2 = -(h + h1 + h2);
  out[0] = (s1 * s2) / ((s0 - s1) * (s0 - s2));
  out[1] = (s0 * s2) / ((s1 - s0) * (s1 - s2));
  out[2] = (s0 * s1) / ((s2 - s0) * (s2 - s1));
  return out;
}

/**
 * The weighted norm of a − b over cells with `w.length` values each (velocity nodes with quadrature
 * weights w, or w = [1]): max over cells of |a − b|_c / (atol + rtol |ref|_c), |x|_c = (Σ_k w_k x_k²)^½.
 */
export function weightedDistance(a: Float64Array, b: Float64Array, ref: Float64Array, w: ArrayLike<number>, rtol: number, atol: number): { norm: number; at: number } {
  const nv = w.length;
  let norm = 0;
  let at = -1;
  for (let c = 0, i = 0; i < a.length; c++) {
    let se = 0;
    let sy = 0;
    for (let k = 0; k < nv; k++, i++) {
      const e = a[i] - b[i];
      se += w[k] * e * e;
      sy += w[k] * ref[i] * ref[i];
    }
    const r = Math.sqrt(se) / (atol + rtol * Math.sqrt(sy));
    if (!(r <= norm)) {
      norm = r;
      at = c;
    }
  }
  return { norm, at };
}

/**
 * Lyapunov functionals and distances of species runs (docs/species.md).
 *
 * Each species obeys a linear equation once its rate field λ_i(x, t) ≥ 0 is given, so every convex φ
 * gives a nonincreasing functional, for ANY rates (no structure of the cross-dependence is needed):
 *   kinetic:  d/dt ∫∫ φ(h_i) M dv dx = (1/eps²) ∫ λ_i ∫ φ'(h_i)(rho_i − h_i) M dv dx ≤ 0
 *             (φ'(h)(rho − h) ≤ φ(rho) − φ(h), and φ(rho_i) ≤ ∫ φ(h_i) M dv by Jensen);
 *   Fickian limit: d/dt ∫ φ(rho_i) dx = −∫ φ''(rho_i) λ_i⁻¹ |∂x rho_i|² dx ≤ 0.
 * Reported: the entropy Σ_i ∫ φ(·), φ(s) = s (log s − 1) (0 at s = 0), and the energy Σ_i ∫ s²/2.
 * For the Itô form neither is a Lyapunov functional in general (they are printed, not guaranteed).
 */

const phi = (s: number) => (s > 0 ? s * (Math.log(s) - 1) : 0);

/** Σ_i ∫ rho_i (log rho_i − 1) dx and Σ_i ∫ rho_i²/2 dx (cell sums in a fixed order). */
export function densityEntropy(rho: readonly Float64Array[], dx: number): { entropy: number; energy: number } {
  let ent = 0;
  let en = 0;
  for (const r of rho) {
    for (let c = 0; c < r.length; c++) {
      ent += phi(r[c]);
      en += 0.5 * r[c] * r[c];
    }
  }
  return { entropy: ent * dx, energy: en * dx };
}

/** ∫∫ h (log h − 1) M dv dx and ∫∫ h²/2 M dv dx of one species (h: cells × nodes, weights w). */
export function kineticEntropy(h: Float64Array, w: Float64Array, dx: number): { entropy: number; energy: number } {
  const K = w.length;
  let ent = 0;
  let en = 0;
  for (let p = 0; p < h.length; p++) {
    const wk = w[p % K];
    ent += wk * phi(h[p]);
    en += 0.5 * wk * h[p] * h[p];
  }
  return { entropy: ent * dx, energy: en * dx };
}

/** ||h − rho M||_{L²(M⁻¹)} = (Σ_c dx Σ_k w_k (h_ck − rho_c)²)^½: the distance of a kinetic species to a density. */
export function kineticDistance(h: Float64Array, w: Float64Array, rho: Float64Array, dx: number): number {
  const K = w.length;
  let s = 0;
  for (let c = 0; c < rho.length; c++) for (let k = 0; k < K; k++) s += w[k] * (h[c * K + k] - rho[c]) ** 2;
  return Math.sqrt(s * dx);
}

/** ||a − b||_{L²}. */
export function l2Distance(a: Float64Array, b: Float64Array, dx: number): number {
  let s = 0;
  for (let c = 0; c < a.length; c++) s += (a[c] - b[c]) ** 2;
  return Math.sqrt(s * dx);
}

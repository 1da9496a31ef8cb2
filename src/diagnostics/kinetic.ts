/**
 * Diagnostics of a kinetic state h = f/M on a Gauss–Hermite velocity grid (layout: cell-major,
 * velocity fastest). With the quadrature, integrals against M become sums over nodes:
 *   rho = Σ_k w_k h_k,   j = Σ_k w_k v_k h_k          (paper eq. (2.2), j = ∫ f v dv)
 *   ||f||²_{L²(M⁻¹)} = ∫∫ h² M dv dx = Σ_cells |cell| Σ_k w_k h_k²
 *   ||(I − Π)f||² = Σ_cells |cell| Σ_k w_k (h_k − rho)²     (Π f = rho M)
 *   ||f − m M|| = sqrt(Σ_cells |cell| Σ_k w_k (h_k − m)²), m the mass (= mean density on T^d)
 * Sums run in a fixed order so the numbers are reproducible bit for bit.
 */
import type { Grid } from '../grid/grid.js';

export interface VelocityNodes {
  readonly dim: 1 | 2;
  readonly count: number;
  readonly v: readonly Float64Array[];
  readonly w: Float64Array;
}

/**
 * Column names say whether a norm is squared: `_sq` marks a squared norm (l2_sq = ||f||², …); every other
 * norm column (rho_l2_dev, dist_eq, E_l2) is the norm itself.
 */
export interface KineticDiagnostics {
  /** ||f||² in L²(M⁻¹). */
  l2_sq: number;
  /** ||(I − Π) f||². */
  l2_neq_sq: number;
  /** ||j||². */
  flux_l2_sq: number;
  h_min: number;
  h_max: number;
  dist_eq: number;
}

export const KINETIC_COLUMNS = ['l2_sq', 'l2_neq_sq', 'flux_l2_sq', 'h_min', 'h_max', 'dist_eq'] as const;

/**
 * Further kinetic series columns (src/diagnostics/theorems.ts): ||E||, the Lemma 2.4 ratios, the DMS
 * cross term ∫ j·(I−Δ)⁻¹∇rho, H_delta = l2_sq + delta·cross (delta = eps·lambda_min/(4(1+lambda_max²))),
 * the time derivatives from the moment equations, and the Lemma 2.5 residuals over the last step.
 */
export const THEOREM_COLUMNS = ['E_l2', 'lemma24_j', 'lemma24_E', 'cross', 'H_delta', 'dl2_sq_dt', 'dcross_dt', 'dH_dt', 'res_rho', 'res_j'] as const;

/** rho and j (jx, jy in 2D) from h; `flux` holds one array per space dimension. */
export function moments(grid: Grid, vel: VelocityNodes, h: Float64Array, rho: Float64Array, flux: Float64Array[]): void {
  const nv = vel.count;
  const { w } = vel;
  for (let c = 0; c < grid.cells; c++) {
    const o = c * nv;
    let r = 0;
    for (let k = 0; k < nv; k++) r += w[k] * h[o + k];
    rho[c] = r;
    for (let d = 0; d < vel.dim; d++) {
      const vd = vel.v[d];
      let jd = 0;
      for (let k = 0; k < nv; k++) jd += w[k] * vd[k] * h[o + k];
      flux[d][c] = jd;
    }
  }
}

export function kineticDiagnostics(grid: Grid, vel: VelocityNodes, h: Float64Array, rho: Float64Array, flux: readonly Float64Array[]): KineticDiagnostics {
  const nv = vel.count;
  const { w } = vel;
  let mass = 0;
  for (let c = 0; c < grid.cells; c++) mass += rho[c];
  const m = (mass * grid.cellVolume) / (grid.cellVolume * grid.cells); // the mean density (T^d has volume 1)
  let l2 = 0;
  let neq = 0;
  let dist = 0;
  let fl = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let c = 0; c < grid.cells; c++) {
    const o = c * nv;
    const r = rho[c];
    for (let k = 0; k < nv; k++) {
      const hk = h[o + k];
      l2 += w[k] * hk * hk;
      neq += w[k] * (hk - r) * (hk - r);
      dist += w[k] * (hk - m) * (hk - m);
      if (hk < lo) lo = hk;
      if (hk > hi) hi = hk;
    }
    for (const f of flux) fl += f[c] * f[c];
  }
  const V = grid.cellVolume;
  return { l2_sq: l2 * V, l2_neq_sq: neq * V, flux_l2_sq: fl * V, h_min: lo, h_max: hi, dist_eq: Math.sqrt(dist * V) };
}

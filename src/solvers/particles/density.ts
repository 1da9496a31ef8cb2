/**
 * Density estimators: from particle positions on the unit torus to cell sums on the grid.
 *
 * Each function ADDS, for every particle i in [from, to), weight_i · w_ic to out[offset + c],
 * where w_ic ≥ 0, Σ_c w_ic = 1 (to round-off) is the fraction of particle i given to cell c, and
 * weight_i is 1 (density) or a velocity component (flux). The caller turns sums into cell
 * averages by the factor mass · cells / count, so that the estimated density has mean = mass
 * exactly (every particle carries mass / count, and a cell has volume 1 / cells).
 *
 * - histogram: w_ic = 1 if particle i lies in cell c (nearest-grid-point assignment).
 * - kernel: w_ic = the average over cell c of the hat kernel K_b(y − x_i) = (1/b)(1 − |y − x_i|/b)_+
 *   of half-width b (periodic), i.e. the cell average of the kernel density estimate, so mass is
 *   still exact. In 2D the kernel is the tensor product K_b(x) K_b(y). With b = one cell this is a
 *   cell-averaged cloud-in-cell; a particle touches at most ⌈2b/dx⌉ + 1 cells per direction.
 *   Its integral F(u) = ∫_{-∞}^u K_b is piecewise quadratic; weights are differences of F at
 *   the cell edges, so they telescope to exactly 1 − 0 per particle.
 */

/** ∫_{-∞}^{u} K_b, the primitive of the hat kernel of half-width b. */
export function hatCdf(u: number, b: number): number {
  if (u <= -b) return 0;
  if (u >= b) return 1;
  if (u < 0) {
    const s = u + b;
    return (s * s) / (2 * b * b);
  }
  const s = b - u;
  return 1 - (s * s) / (2 * b * b);
}

/** Cells touched by one particle per direction with a kernel of half-width b on n cells. */
export function kernelSpan(b: number, n: number): number {
  return Math.ceil(2 * b * n) + 2;
}

export function histogram1D(
  x: Float64Array, from: number, to: number, n: number,
  out: Float64Array, offset: number, weight: Float64Array | null,
): void {
  if (weight === null) {
    for (let i = from; i < to; i++) {
      let c = (x[i] * n) | 0;
      if (c >= n) c = n - 1;
      out[offset + c] += 1;
    }
  } else {
    for (let i = from; i < to; i++) {
      let c = (x[i] * n) | 0;
      if (c >= n) c = n - 1;
      out[offset + c] += weight[i];
    }
  }
}

export function histogram2D(
  x: Float64Array, y: Float64Array, from: number, to: number, nx: number, ny: number,
  out: Float64Array, offset: number, weight: Float64Array | null,
): void {
  for (let i = from; i < to; i++) {
    let cx = (x[i] * nx) | 0;
    if (cx >= nx) cx = nx - 1;
    let cy = (y[i] * ny) | 0;
    if (cy >= ny) cy = ny - 1;
    out[offset + cx + nx * cy] += weight === null ? 1 : weight[i];
  }
}

/**
 * Kernel weights of one particle at position p along one direction with n cells: writes the
 * wrapped cell indices to idx[0..k) and the weights to w[0..k), returns k.
 */
export function kernelWeights(p: number, n: number, b: number, idx: Int32Array, w: Float64Array): number {
  const dx = 1 / n;
  const lo = Math.floor((p - b) * n);
  const hi = Math.floor((p + b) * n);
  let k = 0;
  let fPrev = 0;
  for (let i = lo; i <= hi; i++) {
    const fNext = i === hi ? 1 : hatCdf((i + 1) * dx - p, b);
    const wi = fNext - fPrev;
    fPrev = fNext;
    if (wi === 0) continue;
    let c = i % n;
    if (c < 0) c += n;
    idx[k] = c;
    w[k] = wi;
    k++;
  }
  return k;
}

export function kernel1D(
  x: Float64Array, from: number, to: number, n: number, b: number,
  out: Float64Array, offset: number, weight: Float64Array | null,
  idx: Int32Array, w: Float64Array,
): void {
  for (let i = from; i < to; i++) {
    const k = kernelWeights(x[i], n, b, idx, w);
    const s = weight === null ? 1 : weight[i];
    for (let a = 0; a < k; a++) out[offset + idx[a]] += s * w[a];
  }
}

export function kernel2D(
  x: Float64Array, y: Float64Array, from: number, to: number, nx: number, ny: number, b: number,
  out: Float64Array, offset: number, weight: Float64Array | null,
  idx: Int32Array, w: Float64Array, idy: Int32Array, wy: Float64Array,
): void {
  for (let i = from; i < to; i++) {
    const kx = kernelWeights(x[i], nx, b, idx, w);
    const ky = kernelWeights(y[i], ny, b, idy, wy);
    const s = weight === null ? 1 : weight[i];
    for (let bb = 0; bb < ky; bb++) {
      const row = offset + nx * idy[bb];
      const sy = s * wy[bb];
      for (let a = 0; a < kx; a++) out[row + idx[a]] += sy * w[a];
    }
  }
}

/**
 * Vector operations of the solvers' density-sized work (Krylov solvers, residuals, predictors), in index order.
 *
 * Each is a small function that every call runs whole. Called from several places in every step, they reach
 * the optimising compiler within the first step and never meet an untaken branch; the same loops written inline
 * in a long once-per-step method ran in the baseline tiers for the first steps of a run, boxing every double
 * (measured: FGMRES and PCG's loops cost ~30× their later time over a run's first four steps).
 * Rounding: each formula is evaluated as written, left to right, so callers keep their bytes (a − b·y is
 * computed as a + (−b)·y, the same IEEE result).
 */

/** Σ a_i b_i. */
export function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/** y += a x. */
export function axpy(y: Float64Array, a: number, x: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] += a * x[i];
}

/** y += x. */
export function addTo(y: Float64Array, x: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] += x[i];
}

/** y = x − y. */
export function subtractFrom(y: Float64Array, x: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = x[i] - y[i];
}

/** out = a x + b y. */
export function combine2(out: Float64Array, a: number, x: Float64Array, b: number, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a * x[i] + b * y[i];
}

/** out = a x + b y + c z. */
export function combine3(out: Float64Array, a: number, x: Float64Array, b: number, y: Float64Array, c: number, z: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a * x[i] + b * y[i] + c * z[i];
}

/** out = x y (entrywise). */
export function multiply(out: Float64Array, x: Float64Array, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = x[i] * y[i];
}

/** x *= y (entrywise). */
export function multiplyBy(x: Float64Array, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) x[i] *= y[i];
}

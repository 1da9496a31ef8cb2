/**
 * Small operations on the cell fields the page draws (cell averages, x fastest: index i + Nx j).
 * Pure numbers (no DOM): tested in Node.
 */

export type CutAxis = 'x' | 'y';

/**
 * The cut of a 2D field along a grid line: along x at the row of cells j = `index` (y fixed), or
 * along y at the column i = `index` (x fixed). Cell averages, so the cut is exact (no interpolation).
 */
export function cut(values: Float64Array, n: readonly number[], axis: CutAxis, index: number): Float64Array {
  const [nx, ny] = n;
  if (axis === 'x') {
    const j = Math.min(ny - 1, Math.max(0, index));
    return values.slice(j * nx, (j + 1) * nx);
  }
  const i = Math.min(nx - 1, Math.max(0, index));
  const out = new Float64Array(ny);
  for (let j = 0; j < ny; j++) out[j] = values[i + nx * j];
  return out;
}

/** The cell index along the other axis whose centre is nearest to `pos` in [0, 1]. */
export function cutIndex(n: readonly number[], axis: CutAxis, pos: number): number {
  const m = axis === 'x' ? n[1] : n[0];
  return Math.min(m - 1, Math.max(0, Math.floor(pos * m)));
}

/** [min, max] over the finite entries of the arrays (NaN/Inf ignored); [0, 1] when there are none. */
export function rangeOf(...arrays: (Float64Array | null | undefined)[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    if (!a) continue;
    for (const x of a) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** a − b entrywise. */
export function difference(a: Float64Array, b: Float64Array, out: Float64Array = new Float64Array(a.length)): Float64Array {
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

/** max |x| over the array (NaN if any entry is NaN is not propagated: non-finite entries are skipped). */
export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const x of a) {
    const y = Math.abs(x);
    if (y > m && y !== Infinity) m = y;
  }
  return m;
}

/** h − rho per (cell, velocity), cells × velocities, velocity fastest. */
export function nonEquilibrium(h: Float64Array, rho: Float64Array, out: Float64Array = new Float64Array(h.length)): Float64Array {
  const K = h.length / rho.length;
  for (let c = 0; c < rho.length; c++) for (let k = 0; k < K; k++) out[c * K + k] = h[c * K + k] - rho[c];
  return out;
}

/**
 * Per-cell moments of a velocity-major 2D micro–macro level q[k N + i] (Levels2D's layout) over the cells
 * [p0, p1): s0 = Σ w q, q2 = Σ w q², j = Σ w v q, E = Σ w (v⊗v − I) q, min q and max q, in blocks of cells
 * that stay in cache, four velocities at a time. Each cell's sums run over the velocities in the same order
 * for any [p0, p1), so threads sharing the cells give bitwise the same results (the series diagnostics,
 * ../../diagnostics/kineticSeries.ts, call it on one thread or through the 2D kernels' MOMENTS task).
 */

/** The per-cell outputs. */
export interface LevelMomentArrays {
  s0: Float64Array;
  q2: Float64Array;
  jx: Float64Array;
  jy: Float64Array;
  exx: Float64Array;
  exy: Float64Array;
  eyy: Float64Array;
  qmin: Float64Array;
  qmax: Float64Array;
}

/** The weights w, w vx, w (vx² − 1), w vy, w vx vy, w (vy² − 1) per velocity. */
export function momentWeights2D(w: ArrayLike<number>, vx: ArrayLike<number>, vy: ArrayLike<number>): Float64Array[] {
  const K = w.length;
  const m = (g: (k: number) => number) => Float64Array.from({ length: K }, (_, k) => w[k] * g(k));
  return [m(() => 1), m((k) => vx[k]), m((k) => vx[k] * vx[k] - 1), m((k) => vy[k]), m((k) => vx[k] * vy[k]), m((k) => vy[k] * vy[k] - 1)];
}

/** Cells per block (the per-cell sums stay in the L1 cache). */
const BLOCK = 256;

export function momentsCells2D(N: number, K: number, wk: Float64Array[], q: Float64Array, out: LevelMomentArrays, p0: number, p1: number): void {
  const vs = N;
  const [w, wx, wxx, wy, wxy, wyy] = wk;
  const { s0, q2, jx, jy, exx, exy, eyy, qmin, qmax } = out;
  for (let i0 = p0; i0 < p1; i0 += BLOCK) {
    const i1 = Math.min(p1, i0 + BLOCK);
    for (let i = i0; i < i1; i++) {
      s0[i] = 0;
      jx[i] = 0;
      exx[i] = 0;
      q2[i] = 0;
      qmin[i] = Infinity;
      qmax[i] = -Infinity;
      jy[i] = 0;
      exy[i] = 0;
      eyy[i] = 0;
    }
    let k = 0;
    // four velocities at a time: a quarter of the read-modify-writes of the per-cell sums
    for (; k + 4 <= K; k += 4) {
      const o0 = k * vs;
      const o1 = o0 + vs;
      const o2 = o1 + vs;
      const o3 = o2 + vs;
      const a0 = w[k], a1 = w[k + 1], a2 = w[k + 2], a3 = w[k + 3];
      const x0 = wx[k], x1 = wx[k + 1], x2 = wx[k + 2], x3 = wx[k + 3];
      const c0 = wxx[k], c1 = wxx[k + 1], c2 = wxx[k + 2], c3 = wxx[k + 3];
      const d0 = wy[k], d1 = wy[k + 1], d2 = wy[k + 2], d3 = wy[k + 3];
      const e0 = wxy[k], e1 = wxy[k + 1], e2 = wxy[k + 2], e3 = wxy[k + 3];
      const f0 = wyy[k], f1 = wyy[k + 1], f2 = wyy[k + 2], f3 = wyy[k + 3];
      for (let i = i0; i < i1; i++) {
        const g0 = q[o0 + i];
        const g1 = q[o1 + i];
        const g2 = q[o2 + i];
        const g3 = q[o3 + i];
        s0[i] += a0 * g0 + a1 * g1 + a2 * g2 + a3 * g3;
        q2[i] += a0 * g0 * g0 + a1 * g1 * g1 + a2 * g2 * g2 + a3 * g3 * g3;
        jx[i] += x0 * g0 + x1 * g1 + x2 * g2 + x3 * g3;
        exx[i] += c0 * g0 + c1 * g1 + c2 * g2 + c3 * g3;
        jy[i] += d0 * g0 + d1 * g1 + d2 * g2 + d3 * g3;
        exy[i] += e0 * g0 + e1 * g1 + e2 * g2 + e3 * g3;
        eyy[i] += f0 * g0 + f1 * g1 + f2 * g2 + f3 * g3;
        const lo = Math.min(g0, g1, g2, g3);
        const hi = Math.max(g0, g1, g2, g3);
        if (lo < qmin[i]) qmin[i] = lo;
        if (hi > qmax[i]) qmax[i] = hi;
      }
    }
    for (; k < K; k++) {
      const o = k * vs;
      const a0 = w[k];
      const a1 = wx[k];
      const a2 = wxx[k];
      const a3 = wy[k];
      const a4 = wxy[k];
      const a5 = wyy[k];
      for (let i = i0; i < i1; i++) {
        const g = q[o + i];
        s0[i] += a0 * g;
        q2[i] += a0 * g * g;
        jx[i] += a1 * g;
        exx[i] += a2 * g;
        jy[i] += a3 * g;
        exy[i] += a4 * g;
        eyy[i] += a5 * g;
        if (g < qmin[i]) qmin[i] = g;
        if (g > qmax[i]) qmax[i] = g;
      }
    }
  }
}

/**
 * The line solves of src/solvers/transport/factored2d.ts as they were before issue 18's speed work (one
 * row per recurrence, the scale by a as its own pass): the reference that test/factored2d.test.ts
 * compares the kernels against byte for byte, and that bench/lines.ts times beside them. Keep these as
 * the plain formulas; they are the specification of the arithmetic (each operation and its order).
 */

/** x <- a x (the pass between the row and the column solves of the 2D per-velocity solve). */
export function scaleByRef(N: number, x: Float64Array, off: number, a: Float64Array): void {
  for (let p = 0; p < N; p++) x[off + p] *= a[p];
}

/**
 * Factor the periodic x-lines (rows) of a + c(−Dx ga Dx) + s Dx(g avg) for one unit: lo_i = −(s g_w + c ga_w),
 * up_i = s g_e − c ga_e, di_i = a_i + s (g_e − g_w) + c (ga_e + ga_w). Stores the inverse pivots of the
 * leading (nx−1) block and the bordering column z at uOff (N values each), 1/Schur per row at sOff.
 */
export function factorRowsRef(nx: number, ny: number, s: number, c: number, g: Float64Array, ga: Float64Array, gOff: number, a: Float64Array, inv: Float64Array, z: Float64Array, uOff: number, invS: Float64Array, sOff: number): void {
  const m = nx - 1;
  for (let j = 0; j < ny; j++) {
    const row = j * nx;
    let gw = g[gOff + row + m];
    let aw = ga[gOff + row + m];
    let ge = g[gOff + row];
    let ae = ga[gOff + row];
    let lo = -(s * gw + c * aw);
    let up = s * ge - c * ae;
    let iv = 1 / (a[row] + s * (ge - gw) + c * (ae + aw));
    inv[uOff + row] = iv;
    let cp = up * iv;
    let zz = lo * iv;
    z[uOff + row] = zz;
    for (let i = 1; i < m; i++) {
      const p = row + i;
      gw = ge;
      aw = ae;
      ge = g[gOff + p];
      ae = ga[gOff + p];
      lo = -(s * gw + c * aw);
      up = s * ge - c * ae;
      iv = 1 / (a[p] + s * (ge - gw) + c * (ae + aw) - lo * cp);
      inv[uOff + p] = iv;
      cp = up * iv;
      zz = ((i === m - 1 ? up : 0) - lo * zz) * iv;
      z[uOff + p] = zz;
    }
    for (let i = m - 2; i >= 0; i--) {
      const p = row + i;
      zz = z[uOff + p] - (s * g[gOff + p] - c * ga[gOff + p]) * inv[uOff + p] * zz;
      z[uOff + p] = zz;
    }
    const pm = row + m;
    gw = g[gOff + pm - 1];
    aw = ga[gOff + pm - 1];
    ge = g[gOff + pm];
    ae = ga[gOff + pm];
    const loM = -(s * gw + c * aw);
    const upM = s * ge - c * ae;
    invS[sOff + j] = 1 / (a[pm] + s * (ge - gw) + c * (ae + aw) - loM * z[uOff + pm - 1] - upM * z[uOff + row]);
  }
}

/** Solve the x-lines of a unit factored by factorRows, in place on x (from offset xOff). */
export function solveRowsRef(nx: number, ny: number, s: number, c: number, g: Float64Array, ga: Float64Array, gOff: number, inv: Float64Array, z: Float64Array, uOff: number, invS: Float64Array, sOff: number, x: Float64Array, xOff: number): void {
  const m = nx - 1;
  for (let j = 0; j < ny; j++) {
    const row = j * nx;
    const xb = xOff + row;
    const ub = uOff + row;
    const gb = gOff + row;
    let y = x[xb] * inv[ub];
    x[xb] = y;
    for (let i = 1; i < m; i++) {
      y = (x[xb + i] + (s * g[gb + i - 1] + c * ga[gb + i - 1]) * y) * inv[ub + i];
      x[xb + i] = y;
    }
    for (let i = m - 2; i >= 0; i--) {
      y = x[xb + i] - (s * g[gb + i] - c * ga[gb + i]) * inv[ub + i] * y;
      x[xb + i] = y;
    }
    const loM = -(s * g[gb + m - 1] + c * ga[gb + m - 1]);
    const upM = s * g[gb + m] - c * ga[gb + m];
    const xm = (x[xb + m] - loM * x[xb + m - 1] - upM * y) * invS[sOff + j];
    x[xb + m] = xm;
    for (let i = 0; i < m; i++) x[xb + i] -= xm * z[ub + i];
  }
}

/**
 * Factor the periodic y-lines (columns) of a + c(−Dy ga Dy) + s Dy(g avg) for one unit (g, ga on y faces),
 * interleaved over the columns (contiguous inner loops); cpL, zL are scratch of nx values.
 */
export function factorColsRef(nx: number, ny: number, s: number, c: number, g: Float64Array, ga: Float64Array, gOff: number, a: Float64Array, inv: Float64Array, z: Float64Array, uOff: number, invS: Float64Array, sOff: number, cpL: Float64Array, zL: Float64Array): void {
  const m = ny - 1;
  const last = nx * m;
  for (let i = 0; i < nx; i++) {
    const gs = g[gOff + last + i];
    const as = ga[gOff + last + i];
    const gn = g[gOff + i];
    const an = ga[gOff + i];
    const lo = -(s * gs + c * as);
    const iv = 1 / (a[i] + s * (gn - gs) + c * (an + as));
    inv[uOff + i] = iv;
    cpL[i] = (s * gn - c * an) * iv;
    const zz = lo * iv;
    z[uOff + i] = zz;
    zL[i] = zz;
  }
  for (let j = 1; j < m; j++) {
    const row = nx * j;
    const e = j === m - 1 ? 1 : 0;
    for (let i = 0; i < nx; i++) {
      const p = row + i;
      const gs = g[gOff + p - nx];
      const as = ga[gOff + p - nx];
      const gn = g[gOff + p];
      const an = ga[gOff + p];
      const lo = -(s * gs + c * as);
      const up = s * gn - c * an;
      const iv = 1 / (a[p] + s * (gn - gs) + c * (an + as) - lo * cpL[i]);
      inv[uOff + p] = iv;
      cpL[i] = up * iv;
      const zz = (e * up - lo * zL[i]) * iv;
      z[uOff + p] = zz;
      zL[i] = zz;
    }
  }
  for (let j = m - 2; j >= 0; j--) {
    const row = nx * j;
    for (let i = 0; i < nx; i++) {
      const p = row + i;
      const zz = z[uOff + p] - (s * g[gOff + p] - c * ga[gOff + p]) * inv[uOff + p] * zL[i];
      z[uOff + p] = zz;
      zL[i] = zz;
    }
  }
  for (let i = 0; i < nx; i++) {
    const pm = last + i;
    const gs = g[gOff + pm - nx];
    const as = ga[gOff + pm - nx];
    const gn = g[gOff + pm];
    const an = ga[gOff + pm];
    const loM = -(s * gs + c * as);
    const upM = s * gn - c * an;
    invS[sOff + i] = 1 / (a[pm] + s * (gn - gs) + c * (an + as) - loM * z[uOff + pm - nx] - upM * z[uOff + i]);
  }
}

/** Solve the y-lines of a unit factored by factorCols, in place on x (interleaved over the columns); sL is scratch of nx values. */
export function solveColsRef(nx: number, ny: number, s: number, c: number, g: Float64Array, ga: Float64Array, gOff: number, inv: Float64Array, z: Float64Array, uOff: number, invS: Float64Array, sOff: number, x: Float64Array, xOff: number, sL: Float64Array): void {
  const m = ny - 1;
  for (let i = 0; i < nx; i++) x[xOff + i] *= inv[uOff + i];
  for (let j = 1; j < m; j++) {
    const row = nx * j;
    for (let i = 0; i < nx; i++) {
      const p = row + i;
      const q = p - nx;
      x[xOff + p] = (x[xOff + p] + (s * g[gOff + q] + c * ga[gOff + q]) * x[xOff + q]) * inv[uOff + p];
    }
  }
  for (let j = m - 2; j >= 0; j--) {
    const row = nx * j;
    for (let i = 0; i < nx; i++) {
      const p = row + i;
      x[xOff + p] -= (s * g[gOff + p] - c * ga[gOff + p]) * inv[uOff + p] * x[xOff + p + nx];
    }
  }
  const last = nx * m;
  for (let i = 0; i < nx; i++) {
    const pm = last + i;
    const loM = -(s * g[gOff + pm - nx] + c * ga[gOff + pm - nx]);
    const upM = s * g[gOff + pm] - c * ga[gOff + pm];
    const xm = (x[xOff + pm] - loM * x[xOff + pm - nx] - upM * x[xOff + i]) * invS[sOff + i];
    x[xOff + pm] = xm;
    sL[i] = xm;
  }
  for (let j = 0; j < m; j++) {
    const row = nx * j;
    for (let i = 0; i < nx; i++) x[xOff + row + i] -= sL[i] * z[uOff + row + i];
  }
}

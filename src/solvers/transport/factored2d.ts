/**
 * The per-velocity transport–relaxation solve of the 2D micro–macro kinetic schemes
 * (docs/kinetic-scheme.md, "Per-velocity solve in 2D"): for velocity k,
 *
 *   M_k = a + Tx_k + Ty_k,   a = c0 + dt λ/eps² (diagonal),   T_k = (dt/eps) v_k D(γ avg ·) per direction.
 *
 * M_k couples a whole 2D periodic grid at a transport CFL τ = dt|v|γ/(eps dx) that reaches 25–250 at
 * intermediate eps on 128²–512² grids, where no cheap exact solver exists (the symbol a + i(τx sx + τy sy)
 * is skew-dominated: ADI and Krylov iterations need O(τ/a) sweeps). The scheme therefore uses the
 * *stabilised* approximate factorisation, in delta form,
 *
 *   Mt_k = (a + Ax_k + Tx_k) a⁻¹ (a + Ay_k + Ty_k),   Ax_k = −Dx(μ_k Dx ·) dx², Ay_k likewise,
 *   μ_k = κ max(0, τx_k τy_k − a σ) / (2 a),   σ = a − c0 = dt λ/eps²,   κ = 1,
 *
 * whose splitting term E_k = Mt_k − M_k = Ax + Ay + (Ax + Tx) a⁻¹ (Ay + Ty) is applied to q^{n+1} − q^n
 * (so it costs O(dt³) per step for smooth solutions, as the plain Beam–Warming factorisation, and
 * vanishes with γ as eps → 0). The plain factorisation (Ax = Ay = 0) has the splitting term
 * −τx τy sx sy / a in its symbol (sx = sin θx), which exceeds a σ for diagonal modes at intermediate eps:
 * the real part of the factorised operator drops below c0 (even below 0), the kinetic part of the density
 * Schur complement turns anti-diffusive and the Schur complement comes close to singular (measured:
 * 128², 4² nodes, eps = 0.1). With the line diffusions the real part of the frozen-coefficient symbol is
 * a + μ(s2x + s2y) + (μ² s2x s2y − τxτy sx sy)/a ≥ a − σ |sx sy| ≥ c0 (s2 = 4 sin²(θ/2) ≥ sin²θ, AM–GM), so the
 * kinetic part stays dissipative and the Schur complement's real part stays ≥ c0 for every mode, eps, grid
 * and node count: no step ever needs splitting. Where τx τy ≤ a σ (small steps, large eps) μ = 0 and the
 * scheme is the plain factorisation.
 *
 * Variable coefficients: μ at an x face f is c_k γx_f / a_f with c_k = (κ/2) (dt/eps)² |vx vy| Γy f_k / (dx dy),
 * Γ = max γ over the faces for that |v| component (an upper bound of the local γ: more damping, never less),
 * f_k = max(0, 1 − min(a σ) / max(τx τy)) (so that μ_f ≥ κ (τxτy − aσ)_f / (2 a_f) on every face), a_f the mean of
 * a over the face's cells; y faces likewise. The x-line operator then depends on the
 * velocity only through (vx, |vy|) ("x unit"), the y-line operator through (vy, |vx|): each unit is
 * factored once per step (bordering Thomas, as linear/periodicLines.ts) and only the inverse pivots and
 * the bordering column are stored; lo, up and cp = up·inv are recomputed from γ and γ/a in the solves.
 *
 * Kernels: factorRows/solveRows take two x-lines per pass (each row's recurrence is a latency chain; the
 * two overlap), solveCols runs the y-lines interleaved over the columns and can fuse a cell-wise scale (the
 * a of Mt_k) into its forward sweep; histSplit forms a velocity's history right-hand side with the splitting
 * term E_k in one pass over the rows (line buffers for a row) instead of four applyLineOp passes and three
 * element-wise ones. Per line, every kernel performs the same operations in the same
 * order as the plain one-line formulas (test/support/factored2dReference.ts; test/factored2d.test.ts
 * compares bytes), and the WebAssembly twins (../wasm/factored2d.wat) do too.
 *
 * All kernels are functions of typed arrays and sizes (the worker threads call them). Layouts: cells
 * p = i + nx j (x fastest); x face p between p and its east neighbour, y face p between p and its north
 * neighbour; arrays of several |v| components or units are blocks of N at offsets.
 */

/** The factor κ of the stabilisation (κ = 1 gives Re(symbol) ≥ c0; see the header). */
export const STABILISATION_KAPPA = 1;

/**
 * Factor the periodic x-lines (rows) of a + c(−Dx ga Dx) + s Dx(g avg) for one unit: lo_i = −(s g_w + c ga_w),
 * up_i = s g_e − c ga_e, di_i = a_i + s (g_e − g_w) + c (ga_e + ga_w). Stores the inverse pivots of the
 * leading (nx−1) block and the bordering column z at uOff (N values each), 1/Schur per row at sOff.
 * Two rows per pass (their recurrences, each a latency chain through a division, overlap); each row's
 * operations and their order are those of one row alone, so the result does not depend on the pairing.
 */
export function factorRows(nx: number, ny: number, s: number, c: number, g: Float64Array, ga: Float64Array, gOff: number, a: Float64Array, inv: Float64Array, z: Float64Array, uOff: number, invS: Float64Array, sOff: number): void {
  const m = nx - 1;
  let j = 0;
  for (; j + 1 < ny; j += 2) {
    const ra = j * nx;
    const rb = ra + nx;
    let gwa = g[gOff + ra + m];
    let awa = ga[gOff + ra + m];
    let gea = g[gOff + ra];
    let aea = ga[gOff + ra];
    let gwb = g[gOff + rb + m];
    let awb = ga[gOff + rb + m];
    let geb = g[gOff + rb];
    let aeb = ga[gOff + rb];
    let loa = -(s * gwa + c * awa);
    let upa = s * gea - c * aea;
    let lob = -(s * gwb + c * awb);
    let upb = s * geb - c * aeb;
    let iva = 1 / (a[ra] + s * (gea - gwa) + c * (aea + awa));
    let ivb = 1 / (a[rb] + s * (geb - gwb) + c * (aeb + awb));
    inv[uOff + ra] = iva;
    inv[uOff + rb] = ivb;
    let cpa = upa * iva;
    let cpb = upb * ivb;
    let za = loa * iva;
    let zb = lob * ivb;
    z[uOff + ra] = za;
    z[uOff + rb] = zb;
    for (let i = 1; i < m; i++) {
      const pa = ra + i;
      const pb = rb + i;
      gwa = gea;
      awa = aea;
      gea = g[gOff + pa];
      aea = ga[gOff + pa];
      gwb = geb;
      awb = aeb;
      geb = g[gOff + pb];
      aeb = ga[gOff + pb];
      loa = -(s * gwa + c * awa);
      upa = s * gea - c * aea;
      lob = -(s * gwb + c * awb);
      upb = s * geb - c * aeb;
      iva = 1 / (a[pa] + s * (gea - gwa) + c * (aea + awa) - loa * cpa);
      ivb = 1 / (a[pb] + s * (geb - gwb) + c * (aeb + awb) - lob * cpb);
      inv[uOff + pa] = iva;
      inv[uOff + pb] = ivb;
      cpa = upa * iva;
      cpb = upb * ivb;
      za = ((i === m - 1 ? upa : 0) - loa * za) * iva;
      zb = ((i === m - 1 ? upb : 0) - lob * zb) * ivb;
      z[uOff + pa] = za;
      z[uOff + pb] = zb;
    }
    for (let i = m - 2; i >= 0; i--) {
      const pa = ra + i;
      const pb = rb + i;
      za = z[uOff + pa] - (s * g[gOff + pa] - c * ga[gOff + pa]) * inv[uOff + pa] * za;
      zb = z[uOff + pb] - (s * g[gOff + pb] - c * ga[gOff + pb]) * inv[uOff + pb] * zb;
      z[uOff + pa] = za;
      z[uOff + pb] = zb;
    }
    invS[sOff + j] = rowSchur(nx, ra, s, c, g, ga, gOff, a, z, uOff);
    invS[sOff + j + 1] = rowSchur(nx, rb, s, c, g, ga, gOff, a, z, uOff);
  }
  if (j < ny) factorRow(nx, j, s, c, g, ga, gOff, a, inv, z, uOff, invS, sOff);
}

/** factorRows for the one row j (the last row when ny is odd). */
function factorRow(nx: number, j: number, s: number, c: number, g: Float64Array, ga: Float64Array, gOff: number, a: Float64Array, inv: Float64Array, z: Float64Array, uOff: number, invS: Float64Array, sOff: number): void {
  const m = nx - 1;
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
  invS[sOff + j] = rowSchur(nx, row, s, c, g, ga, gOff, a, z, uOff);
}

/** 1 / the Schur complement of the row starting at cell `row` (its last cell against the bordering column). */
function rowSchur(nx: number, row: number, s: number, c: number, g: Float64Array, ga: Float64Array, gOff: number, a: Float64Array, z: Float64Array, uOff: number): number {
  const pm = row + nx - 1;
  const gw = g[gOff + pm - 1];
  const aw = ga[gOff + pm - 1];
  const ge = g[gOff + pm];
  const ae = ga[gOff + pm];
  const loM = -(s * gw + c * aw);
  const upM = s * ge - c * ae;
  return 1 / (a[pm] + s * (ge - gw) + c * (ae + aw) - loM * z[uOff + pm - 1] - upM * z[uOff + row]);
}

/**
 * Solve the x-lines of a unit factored by factorRows, in place on x (from offset xOff). Two rows per pass,
 * as factorRows: per row the same operations in the same order as one row alone (bitwise the same).
 */
export function solveRows(nx: number, ny: number, s: number, c: number, g: Float64Array, ga: Float64Array, gOff: number, inv: Float64Array, z: Float64Array, uOff: number, invS: Float64Array, sOff: number, x: Float64Array, xOff: number): void {
  const m = nx - 1;
  let j = 0;
  for (; j + 1 < ny; j += 2) {
    const xa = xOff + j * nx;
    const xb = xa + nx;
    const ua = uOff + j * nx;
    const ub = ua + nx;
    const ha = gOff + j * nx;
    const hb = ha + nx;
    let ya = x[xa] * inv[ua];
    let yb = x[xb] * inv[ub];
    x[xa] = ya;
    x[xb] = yb;
    for (let i = 1; i < m; i++) {
      ya = (x[xa + i] + (s * g[ha + i - 1] + c * ga[ha + i - 1]) * ya) * inv[ua + i];
      yb = (x[xb + i] + (s * g[hb + i - 1] + c * ga[hb + i - 1]) * yb) * inv[ub + i];
      x[xa + i] = ya;
      x[xb + i] = yb;
    }
    for (let i = m - 2; i >= 0; i--) {
      ya = x[xa + i] - (s * g[ha + i] - c * ga[ha + i]) * inv[ua + i] * ya;
      yb = x[xb + i] - (s * g[hb + i] - c * ga[hb + i]) * inv[ub + i] * yb;
      x[xa + i] = ya;
      x[xb + i] = yb;
    }
    const loMa = -(s * g[ha + m - 1] + c * ga[ha + m - 1]);
    const upMa = s * g[ha + m] - c * ga[ha + m];
    const loMb = -(s * g[hb + m - 1] + c * ga[hb + m - 1]);
    const upMb = s * g[hb + m] - c * ga[hb + m];
    const xma = (x[xa + m] - loMa * x[xa + m - 1] - upMa * ya) * invS[sOff + j];
    const xmb = (x[xb + m] - loMb * x[xb + m - 1] - upMb * yb) * invS[sOff + j + 1];
    x[xa + m] = xma;
    x[xb + m] = xmb;
    for (let i = 0; i < m; i++) {
      x[xa + i] -= xma * z[ua + i];
      x[xb + i] -= xmb * z[ub + i];
    }
  }
  if (j < ny) solveRow(nx, j, s, c, g, ga, gOff, inv, z, uOff, invS, sOff, x, xOff);
}

/** solveRows for the one row j (the last row when ny is odd). */
function solveRow(nx: number, j: number, s: number, c: number, g: Float64Array, ga: Float64Array, gOff: number, inv: Float64Array, z: Float64Array, uOff: number, invS: Float64Array, sOff: number, x: Float64Array, xOff: number): void {
  const m = nx - 1;
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

/**
 * Factor the periodic y-lines (columns) of a + c(−Dy ga Dy) + s Dy(g avg) for one unit (g, ga on y faces),
 * interleaved over the columns (contiguous inner loops); cpL, zL are scratch of nx values.
 */
export function factorCols(nx: number, ny: number, s: number, c: number, g: Float64Array, ga: Float64Array, gOff: number, a: Float64Array, inv: Float64Array, z: Float64Array, uOff: number, invS: Float64Array, sOff: number, cpL: Float64Array, zL: Float64Array): void {
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

/**
 * Solve the y-lines of a unit factored by factorCols, in place on x (interleaved over the columns); sL is
 * scratch of nx values. With `scale`, x is first multiplied by it cell by cell (x <- scale x, then the
 * solve: the a of Mt_k between the two line solves), fused into the forward sweep with the same rounding
 * as a pass of its own (each x_p scale_p is formed first, then used as before).
 */
export function solveCols(nx: number, ny: number, s: number, c: number, g: Float64Array, ga: Float64Array, gOff: number, inv: Float64Array, z: Float64Array, uOff: number, invS: Float64Array, sOff: number, x: Float64Array, xOff: number, sL: Float64Array, scale: Float64Array | null = null): void {
  const m = ny - 1;
  if (scale) {
    for (let i = 0; i < nx; i++) x[xOff + i] = x[xOff + i] * scale[i] * inv[uOff + i];
    for (let j = 1; j < m; j++) {
      const row = nx * j;
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        const q = p - nx;
        x[xOff + p] = (x[xOff + p] * scale[p] + (s * g[gOff + q] + c * ga[gOff + q]) * x[xOff + q]) * inv[uOff + p];
      }
    }
  } else {
    for (let i = 0; i < nx; i++) x[xOff + i] *= inv[uOff + i];
    for (let j = 1; j < m; j++) {
      const row = nx * j;
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        const q = p - nx;
        x[xOff + p] = (x[xOff + p] + (s * g[gOff + q] + c * ga[gOff + q]) * x[xOff + q]) * inv[uOff + p];
      }
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
    const xp = scale ? x[xOff + pm] * scale[pm] : x[xOff + pm];
    const xm = (xp - loM * x[xOff + pm - nx] - upM * x[xOff + i]) * invS[sOff + i];
    x[xOff + pm] = xm;
    sL[i] = xm;
  }
  for (let j = 0; j < m; j++) {
    const row = nx * j;
    for (let i = 0; i < nx; i++) x[xOff + row + i] -= sL[i] * z[uOff + row + i];
  }
}

/**
 * out = (c A + T) q along x (dir 0) or y (dir 1), one pass: T q_p = s (g_e (q_p + q_e) − g_w (q_w + q_p)),
 * A q_p = −(ga_e (q_e − q_p) − ga_w (q_p − q_w)); g, ga on that direction's faces (offset gOff).
 */
export function applyLineOp(nx: number, ny: number, dir: number, s: number, c: number, g: Float64Array, ga: Float64Array, gOff: number, q: Float64Array, qOff: number, out: Float64Array): void {
  const N = nx * ny;
  if (dir === 0) {
    for (let j = 0; j < ny; j++) {
      const row = nx * j;
      let pw = row + nx - 1;
      let gw = g[gOff + pw];
      let aw = ga[gOff + pw];
      let qw = q[qOff + pw];
      let qp = q[qOff + row];
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        const qe = i + 1 === nx ? q[qOff + row] : q[qOff + p + 1];
        const ge = g[gOff + p];
        const ae = ga[gOff + p];
        out[p] = s * (ge * (qp + qe) - gw * (qw + qp)) - c * (ae * (qe - qp) - aw * (qp - qw));
        gw = ge;
        aw = ae;
        qw = qp;
        qp = qe;
        pw = p;
      }
    }
  } else {
    for (let p = 0; p < N; p++) {
      const pn = p + nx < N ? p + nx : p + nx - N;
      const ps = p >= nx ? p - nx : p - nx + N;
      const qp = q[qOff + p];
      const qn = q[qOff + pn];
      const qs = q[qOff + ps];
      const gn = g[gOff + p];
      const gs = g[gOff + ps];
      out[p] = s * (gn * (qp + qn) - gs * (qs + qp)) - c * (ga[gOff + p] * (qn - qp) - ga[gOff + ps] * (qp - qs));
    }
  }
}

/**
 * The history right-hand side of a velocity active in both directions with the splitting term, in one pass
 * over the rows (q = qN; x operators with sx, cx on the x faces' gx, gax at gxOff, y operators with sy, cy
 * on gy, gay at gyOff):
 *
 *   out = a1 qN − a2 qO + E q + hr,   E q = (cx Ax + Tx) a⁻¹ (cy Ay + Ty) q + cx Ax q + cy Ay q,
 *
 * qN, qO, out from offset `off` (out must not overlap qN), hr and a from 0. Row j: the y operator on q's
 * rows j−1, j, j+1 divided by a goes to `line` and its cy Ay part to `lineY`, then the x operators on
 * `line` and on q's row j and the history terms give out's row j. Per cell the same IEEE operations in
 * the same order as applyLineOp(1, sy, cy) into t1, t1 /= a, applyLineOp(0, sx, cx) of t1 into e,
 * e += applyLineOp(0, 0, cx) q + applyLineOp(1, 0, cy) q, out = a1 qN − a2 qO + e + hr (the s = 0
 * operators keep their 0 × (…) terms), so bitwise the same (test/histSplit.test.ts); the y operator's two
 * sums are formed once for both of its uses (the same values). line, lineY: nx values each.
 */
export function histSplit(nx: number, ny: number, sx: number, cx: number, gx: Float64Array, gax: Float64Array, gxOff: number, sy: number, cy: number, gy: Float64Array, gay: Float64Array, gyOff: number, a: Float64Array, a1: number, a2: number, qN: Float64Array, qO: Float64Array, off: number, hr: Float64Array, out: Float64Array, line: Float64Array, lineY: Float64Array): void {
  const N = nx * ny;
  const zero = 0;
  for (let j = 0; j < ny; j++) {
    const row = nx * j;
    const rs = j === 0 ? N - nx : row - nx;
    const rn = j + 1 === ny ? 0 : row + nx;
    for (let i = 0; i < nx; i++) {
      const p = row + i;
      const ps = rs + i;
      const qp = qN[off + p];
      const qn = qN[off + rn + i];
      const qs = qN[off + ps];
      const ty = gy[gyOff + p] * (qp + qn) - gy[gyOff + ps] * (qs + qp);
      const ay = cy * (gay[gyOff + p] * (qn - qp) - gay[gyOff + ps] * (qp - qs));
      line[i] = (sy * ty - ay) / a[p];
      lineY[i] = zero * ty - ay;
    }
    const pl = row + nx - 1;
    let gw = gx[gxOff + pl];
    let aw = gax[gxOff + pl];
    let lw = line[nx - 1];
    let lp = line[0];
    let qw = qN[off + pl];
    let qp = qN[off + row];
    for (let i = 0; i < nx; i++) {
      const p = row + i;
      const last = i + 1 === nx;
      const le = last ? line[0] : line[i + 1];
      const qe = last ? qN[off + row] : qN[off + p + 1];
      const ge = gx[gxOff + p];
      const ae = gax[gxOff + p];
      const e = sx * (ge * (lp + le) - gw * (lw + lp)) - cx * (ae * (le - lp) - aw * (lp - lw));
      const ex = zero * (ge * (qp + qe) - gw * (qw + qp)) - cx * (ae * (qe - qp) - aw * (qp - qw));
      out[off + p] = a1 * qp - a2 * qO[off + p] + (e + (ex + lineY[i])) + hr[p];
      gw = ge;
      aw = ae;
      lw = lp;
      lp = le;
      qw = qp;
      qp = qe;
    }
  }
}

/** gax = 2 γ / (a_p + a_E) on the x faces of one |vx| class (block b of the per-class arrays). */
export function faceRatiosX(gax: Float64Array, gx: Float64Array, aC: Float64Array, b: number, nx: number, ny: number): void {
  for (let j = 0; j < ny; j++) {
    const row = nx * j;
    for (let i = 0; i < nx; i++) {
      const p = row + i;
      const pe = i + 1 === nx ? row : p + 1;
      gax[b + p] = (2 * gx[b + p]) / (aC[p] + aC[pe]);
    }
  }
}

/** gay = 2 γ / (a_p + a_N) on the y faces of one |vy| class. */
export function faceRatiosY(gay: Float64Array, gy: Float64Array, aC: Float64Array, b: number, nx: number, N: number): void {
  for (let p = 0; p < N; p++) {
    const pn = p + nx < N ? p + nx : p + nx - N;
    gay[b + p] = (2 * gy[b + p]) / (aC[p] + aC[pn]);
  }
}

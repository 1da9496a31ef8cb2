/**
 * Exact solve of the non-equilibrium system of the 1D Fokker–Planck scheme (docs/fokker-planck.md,
 * "Linear solve"): for q (cells × velocities, cell-major q[i*K + k])
 *
 *   (A + T) q = r,   A_i = c0 I − σ_i L (per cell: tridiagonal in velocity, L the birth–death
 *                    operator, σ_i = dt λ_i / eps²),
 *                    (T q)_{i,k} = s_k [γ_{i,k} (q_{i,k} + q_{i+1,k}) − γ_{i−1,k} (q_{i−1,k} + q_{i,k})],
 *                    s_k = dt v_k / (2 eps dx), γ_{f,k} the blending weight of velocity k at face f
 *
 * — a periodic block-tridiagonal matrix in x with K × K blocks, L_i q_{i−1} + D_i q_i + U_i q_{i+1}:
 * L_i = diag(−s γ_{i−1}), U_i = diag(s γ_i) (diagonal), D_i = A_i + diag(s (γ_i − γ_{i−1})). Unlike the
 * BGK-type relaxation (diagonal in velocity: one scalar line per velocity), the velocity coupling makes
 * the eliminated blocks dense. Block Thomas with bordering, as PeriodicTridiagFactor: the leading
 * (N−1)-row block is factored (X_i = D_i − L_i X_{i−1}⁻¹ U_{i−1}, stored inverted), the bordering
 * column Z = T⁻¹ E (E: L_0 in row 0, U_{N−2} in row N−2; only the columns of velocities with some
 * γ > 0 are nonzero) and the last unknown from the K × K Schur complement. Dense inverses by
 * Gauss–Jordan with partial pivoting. Cost ≈ 6 K³ per cell to factor (once per step), ≈ 6 K² per cell
 * per solve; storage 2 N K² doubles.
 */
export class BlockLines1D {
  private readonly Xinv: Float64Array;
  private readonly Z: Float64Array;
  private readonly Sinv: Float64Array;
  private readonly X: Float64Array;
  private readonly perm: Int32Array;
  private readonly t1: Float64Array;
  private readonly t2: Float64Array;
  private readonly activeCol: Uint8Array;
  private readonly cols: Int32Array;
  private nCols = 0;
  // per-step coefficients (set by factor)
  private c0 = 1;
  private sig!: Float64Array;
  private gam!: Float64Array;
  private s!: Float64Array;

  constructor(
    readonly N: number,
    readonly K: number,
    /** The velocity operator, (L h)_j = lo_j h_{j−1} + di_j h_j + up_j h_{j+1}. */
    private readonly Llo: Float64Array,
    private readonly Ldi: Float64Array,
    private readonly Lup: Float64Array,
  ) {
    const KK = K * K;
    this.Xinv = new Float64Array(N * KK);
    this.Z = new Float64Array(N * KK);
    this.Sinv = new Float64Array(KK);
    this.X = new Float64Array(KK);
    this.perm = new Int32Array(K);
    this.t1 = new Float64Array(K);
    this.t2 = new Float64Array(K);
    this.activeCol = new Uint8Array(K);
    this.cols = new Int32Array(K);
  }

  /** Factor for this step: c0, σ per cell, γ[f*K + k] per face and velocity, s_k per velocity. */
  factor(c0: number, sig: Float64Array, gam: Float64Array, s: Float64Array): void {
    this.c0 = c0;
    this.sig = sig;
    this.gam = gam;
    this.s = s;
    const { N, K } = this;
    const m = N - 1;
    // columns of the bordering: velocities with γ > 0 at face m (row 0's wrap) or at face m−1 (row m−1's)
    let nc = 0;
    for (let k = 0; k < K; k++) {
      const on = gam[m * K + k] !== 0 || gam[(m - 1) * K + k] !== 0 ? 1 : 0;
      this.activeCol[k] = on;
      if (on) this.cols[nc++] = k;
    }
    this.nCols = nc;
    this.factorRows();
    this.borderForward();
    this.borderBackward();
    this.lastSchur();
  }

  /** X_i = D_i − L_i X_{i−1}⁻¹ U_{i−1}, stored inverted, for the leading rows 0..N−2. */
  private factorRows(): void {
    const m = this.N - 1;
    const KK = this.K * this.K;
    for (let i = 0; i < m; i++) {
      this.blockD(i, this.X);
      if (i > 0) this.subtractCoupling(i);
      this.invert(this.X, this.Xinv, i * KK);
    }
  }

  /** X = D_i = c0 I − σ_i L + diag(s (γ_i − γ_{i−1})). */
  private blockD(i: number, X: Float64Array): void {
    const { N, K, Llo, Ldi, Lup, gam, s } = this;
    const si = this.sig[i];
    const im = i === 0 ? N - 1 : i - 1;
    X.fill(0);
    for (let k = 0; k < K; k++) {
      const r = k * K;
      X[r + k] = this.c0 - si * Ldi[k] + s[k] * (gam[i * K + k] - gam[im * K + k]);
      if (k > 0) X[r + k - 1] = -si * Llo[k];
      if (k < K - 1) X[r + k + 1] = -si * Lup[k];
    }
  }

  /** X −= L_i X_{i−1}⁻¹ U_{i−1} (L, U diagonal). */
  private subtractCoupling(i: number): void {
    const { K, gam, s, X, Xinv } = this;
    const KK = K * K;
    const b = (i - 1) * KK;
    const fm = (i - 1) * K;
    for (let k = 0; k < K; k++) {
      const l = -s[k] * gam[fm + k];
      if (l === 0) continue;
      const r = k * K;
      for (let j = 0; j < K; j++) {
        const u = s[j] * gam[fm + j];
        X[r + j] -= l * Xinv[b + r + j] * u;
      }
    }
  }

  /** out[off ..] = X⁻¹ (in-place Gauss–Jordan with partial pivoting, K³ operations; X is overwritten). */
  private invert(X: Float64Array, out: Float64Array, off: number): void {
    const K = this.K;
    const perm = this.perm;
    for (let col = 0; col < K; col++) {
      let p = col;
      let best = Math.abs(X[col * K + col]);
      for (let r = col + 1; r < K; r++) {
        const a = Math.abs(X[r * K + col]);
        if (a > best) {
          best = a;
          p = r;
        }
      }
      perm[col] = p;
      if (p !== col) this.swapRows(X, col, p);
      this.eliminate(X, col);
    }
    for (let col = K - 1; col >= 0; col--) if (perm[col] !== col) this.swapCols(X, col, perm[col]);
    this.copyOut(X, out, off);
  }

  private swapRows(X: Float64Array, a: number, b: number): void {
    const K = this.K;
    for (let j = 0; j < K; j++) {
      const t = X[a * K + j];
      X[a * K + j] = X[b * K + j];
      X[b * K + j] = t;
    }
  }

  private swapCols(X: Float64Array, a: number, b: number): void {
    const K = this.K;
    for (let r = 0; r < K; r++) {
      const t = X[r * K + a];
      X[r * K + a] = X[r * K + b];
      X[r * K + b] = t;
    }
  }

  /** One Gauss–Jordan step on pivot column col, in place (the inverse builds up in the eliminated columns). */
  private eliminate(X: Float64Array, col: number): void {
    const K = this.K;
    const pr = col * K;
    const inv = 1 / X[pr + col];
    X[pr + col] = 1;
    for (let j = 0; j < K; j++) X[pr + j] *= inv;
    for (let r = 0; r < K; r++) {
      if (r === col) continue;
      const rb = r * K;
      const f = X[rb + col];
      if (f === 0) continue;
      X[rb + col] = 0;
      for (let j = 0; j < K; j++) X[rb + j] -= f * X[pr + j];
    }
  }

  private copyOut(X: Float64Array, out: Float64Array, off: number): void {
    const n = this.K * this.K;
    for (let j = 0; j < n; j++) out[off + j] = X[j];
  }

  /** W_0 = X_0⁻¹ E_0, W_i = X_i⁻¹ (E_i − L_i W_{i−1}) (into Z, active columns only). */
  private borderForward(): void {
    const { N, K, gam, s, Xinv, Z, cols, nCols } = this;
    const m = N - 1;
    const KK = K * K;
    const t = this.t1;
    Z.fill(0);
    for (let i = 0; i < m; i++) {
      const b = i * KK;
      const fm = (i === 0 ? m : i - 1) * K;
      for (let c = 0; c < nCols; c++) {
        const col = cols[c];
        // t = E_i[:, col] − L_i W_{i−1}[:, col]
        for (let k = 0; k < K; k++) {
          let e = 0;
          if (i === 0 && k === col) e += -s[k] * gam[m * K + k];
          if (i === m - 1 && k === col) e += s[k] * gam[(m - 1) * K + k];
          if (i > 0) e -= -s[k] * gam[fm + k] * Z[b - KK + k * K + col];
          t[k] = e;
        }
        for (let k = 0; k < K; k++) {
          let acc = 0;
          const r = b + k * K;
          for (let j = 0; j < K; j++) acc += Xinv[r + j] * t[j];
          Z[b + k * K + col] = acc;
        }
      }
    }
  }

  /** Z_i = W_i − X_i⁻¹ U_i Z_{i+1} for i = m−2 .. 0. */
  private borderBackward(): void {
    const { N, K, gam, s, Xinv, Z, cols, nCols } = this;
    const m = N - 1;
    const KK = K * K;
    const t = this.t1;
    for (let i = m - 2; i >= 0; i--) {
      const b = i * KK;
      const fi = i * K;
      for (let c = 0; c < nCols; c++) {
        const col = cols[c];
        for (let j = 0; j < K; j++) t[j] = s[j] * gam[fi + j] * Z[b + KK + j * K + col];
        for (let k = 0; k < K; k++) {
          let acc = 0;
          const r = b + k * K;
          for (let j = 0; j < K; j++) acc += Xinv[r + j] * t[j];
          Z[b + k * K + col] -= acc;
        }
      }
    }
  }

  /** S = D_m − L_m Z_{m−1} − U_m Z_0, inverted. */
  private lastSchur(): void {
    const { N, K, gam, s, Z, X } = this;
    const m = N - 1;
    const KK = K * K;
    this.blockD(m, X);
    const fl = (m - 1) * K;
    const fr = m * K;
    for (let k = 0; k < K; k++) {
      const l = -s[k] * gam[fl + k];
      const u = s[k] * gam[fr + k];
      for (let j = 0; j < K; j++) X[k * K + j] -= l * Z[(m - 1) * KK + k * K + j] + u * Z[k * K + j];
    }
    this.invert(X, this.Sinv, 0);
  }

  /** x ← (A + T)⁻¹ x (in place, cell-major). */
  solve(x: Float64Array): void {
    this.forward(x);
    this.backward(x);
    this.border(x);
  }

  /** g_0 = X_0⁻¹ r_0, g_i = X_i⁻¹ (r_i − L_i g_{i−1}) for the leading block (rows 0..m−1). */
  private forward(x: Float64Array): void {
    const { N, K, gam, s, Xinv } = this;
    const m = N - 1;
    const KK = K * K;
    const t = this.t1;
    for (let i = 0; i < m; i++) {
      const b = i * K;
      const fm = (i - 1) * K;
      for (let k = 0; k < K; k++) t[k] = i > 0 ? x[b + k] + s[k] * gam[fm + k] * x[b - K + k] : x[b + k];
      const xb = i * KK;
      for (let k = 0; k < K; k++) {
        let acc = 0;
        const r = xb + k * K;
        for (let j = 0; j < K; j++) acc += Xinv[r + j] * t[j];
        x[b + k] = acc;
      }
    }
  }

  /** y_i = g_i − X_i⁻¹ U_i y_{i+1}, i = m−2 .. 0. */
  private backward(x: Float64Array): void {
    const { N, K, gam, s, Xinv } = this;
    const m = N - 1;
    const KK = K * K;
    const t = this.t1;
    for (let i = m - 2; i >= 0; i--) {
      const b = i * K;
      const fi = i * K;
      for (let j = 0; j < K; j++) t[j] = s[j] * gam[fi + j] * x[b + K + j];
      const xb = i * KK;
      for (let k = 0; k < K; k++) {
        let acc = 0;
        const r = xb + k * K;
        for (let j = 0; j < K; j++) acc += Xinv[r + j] * t[j];
        x[b + k] -= acc;
      }
    }
  }

  /** q_m = S⁻¹ (r_m − L_m y_{m−1} − U_m y_0), then q_i = y_i − Z_i q_m. */
  private border(x: Float64Array): void {
    const { N, K, gam, s, Sinv, Z, cols, nCols } = this;
    const m = N - 1;
    const KK = K * K;
    const t = this.t1;
    const qm = this.t2;
    const bm = m * K;
    for (let k = 0; k < K; k++) t[k] = x[bm + k] + s[k] * gam[(m - 1) * K + k] * x[bm - K + k] - s[k] * gam[m * K + k] * x[k];
    for (let k = 0; k < K; k++) {
      let acc = 0;
      for (let j = 0; j < K; j++) acc += Sinv[k * K + j] * t[j];
      qm[k] = acc;
    }
    for (let k = 0; k < K; k++) x[bm + k] = qm[k];
    for (let i = 0; i < m; i++) {
      const b = i * K;
      const zb = i * KK;
      for (let k = 0; k < K; k++) {
        let acc = 0;
        const r = zb + k * K;
        for (let c = 0; c < nCols; c++) acc += Z[r + cols[c]] * qm[cols[c]];
        x[b + k] -= acc;
      }
    }
  }
}

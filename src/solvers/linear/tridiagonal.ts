/**
 * Periodic symmetric tridiagonal solver (1D implicit diffusion).
 *
 * Solves  b_i x_i + a (x_{i-1} + x_{i+1}) = f_i,  i = 0..n-1, indices mod n (the torus),
 * for a diagonally dominant matrix (|b_i| > 2|a|), which is what the Newton systems of the
 * diffusion solver give: b_i = c / D_i + 2 dt/dx^2, a = -dt/dx^2.
 *
 * Sherman-Morrison (e.g. Press et al., Numerical Recipes, 2.7 "cyclic tridiagonal systems"):
 * A = T + u v^T with gamma = -b_0, u = (gamma, 0, .., 0, a), v = (1, 0, .., 0, a/gamma), T the
 * non-periodic tridiagonal matrix with T_00 = b_0 - gamma, T_{n-1,n-1} = b_{n-1} - a^2/gamma.
 * Then x = y - (v.y)/(1 + v.q) q with T y = f, T q = u; both Thomas solves share one forward
 * elimination. T stays diagonally dominant, so no pivoting is needed (stable). Cost ~ 14 n flops,
 * no allocation (the work arrays are passed in).
 */
export class PeriodicTridiagonal {
  readonly n: number;
  /** 1 / pivot of the forward elimination. */
  private readonly invPivot: Float64Array;
  private readonly q: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 2) throw new RangeError(`PeriodicTridiagonal: n must be an integer >= 2, got ${n}`);
    this.n = n;
    this.invPivot = new Float64Array(n);
    this.q = new Float64Array(n);
  }

  /** x := A^{-1} f. x may alias f. */
  solve(b: Float64Array, a: number, f: Float64Array, x: Float64Array): void {
    const n = this.n;
    if (n === 2) {
      // Both neighbours of a cell are the other cell: [[b0, 2a], [2a, b1]].
      const a2 = 2 * a;
      const det = b[0] * b[1] - a2 * a2;
      const f0 = f[0];
      const f1 = f[1];
      x[0] = (b[1] * f0 - a2 * f1) / det;
      x[1] = (b[0] * f1 - a2 * f0) / det;
      return;
    }
    const ip = this.invPivot;
    const q = this.q;
    const gamma = -b[0];
    // Forward elimination of T y = f and T q = u (u_0 = gamma, u_{n-1} = a, zero elsewhere).
    let piv = b[0] - gamma;
    let inv = 1 / piv;
    ip[0] = inv;
    let y = f[0] * inv;
    let qq = gamma * inv;
    x[0] = y;
    q[0] = qq;
    for (let i = 1; i < n - 1; i++) {
      piv = b[i] - a * a * inv; // a * cp_{i-1} with cp_{i-1} = a * inv_{i-1}
      inv = 1 / piv;
      ip[i] = inv;
      y = (f[i] - a * y) * inv;
      qq = -a * qq * inv;
      x[i] = y;
      q[i] = qq;
    }
    piv = b[n - 1] - (a * a) / gamma - a * a * inv;
    inv = 1 / piv;
    ip[n - 1] = inv;
    y = (f[n - 1] - a * y) * inv;
    qq = (a - a * qq) * inv;
    x[n - 1] = y;
    q[n - 1] = qq;
    // Back substitution: y_i -= cp_i y_{i+1}, cp_i = a / pivot_i.
    for (let i = n - 2; i >= 0; i--) {
      const cp = a * ip[i];
      y = x[i] - cp * y;
      qq = q[i] - cp * qq;
      x[i] = y;
      q[i] = qq;
    }
    const vy = x[0] + (a / gamma) * x[n - 1];
    const vq = q[0] + (a / gamma) * q[n - 1];
    const fac = vy / (1 + vq);
    for (let i = 0; i < n; i++) x[i] -= fac * q[i];
  }
}

/**
 * Symmetric tridiagonal solver without wrap-around (1D implicit diffusion on an interval or a radial
 * mesh): b_i x_i + a_{i-1} x_{i-1} + a_i x_{i+1} = f_i, i = 0..n-1, with off-diagonals a_i (i < n-1)
 * that vary from face to face. Thomas algorithm without pivoting: stable for the diagonally dominant
 * matrices of the diffusion solver's Newton systems (b_i >= |a_{i-1}| + |a_i|). No allocation.
 */
export class Tridiagonal {
  readonly n: number;
  private readonly cp: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Tridiagonal: n must be an integer >= 1, got ${n}`);
    this.n = n;
    this.cp = new Float64Array(n);
  }

  /** x := A^{-1} f (b: diagonal, a: n - 1 off-diagonals). x may alias f. */
  solve(b: Float64Array, a: Float64Array, f: Float64Array, x: Float64Array): void {
    const n = this.n;
    const cp = this.cp;
    let piv = b[0];
    let y = f[0] / piv;
    x[0] = y;
    for (let i = 1; i < n; i++) {
      const c = a[i - 1] / piv; // c'_{i-1}
      cp[i - 1] = c;
      piv = b[i] - a[i - 1] * c;
      y = (f[i] - a[i - 1] * y) / piv;
      x[i] = y;
    }
    for (let i = n - 2; i >= 0; i--) {
      y = x[i] - cp[i] * y;
      x[i] = y;
    }
  }
}

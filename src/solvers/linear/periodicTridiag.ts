/**
 * Periodic (cyclic) tridiagonal solver by bordering, for the kinetic solver's per-velocity and
 * macroscopic systems:
 *
 *   lo_i x_{i-1} + di_i x_i + up_i x_{i+1} = r_i,   i = 0..n-1, indices mod n.
 *
 * The unknown x_{n-1} is eliminated last: the leading (n-1)x(n-1) block T is factored by the
 * Thomas algorithm, T y = r', T z = e (e = lo_0 at row 0, up_{n-2} at row n-2), and
 * x_{n-1} = (r_{n-1} - lo_{n-1} y_{n-2} - up_{n-1} y_0) / (di_{n-1} - lo_{n-1} z_{n-2} - up_{n-1} z_0).
 * For a positive-real matrix (symmetric part positive definite: relaxation + skew centred
 * transport) every leading block and the Schur complement are nonsingular and Thomas needs no
 * pivoting, unlike the Sherman-Morrison form which can create a tiny pivot for skew matrices.
 * Factor once per step (O(n) storage in caller-owned arrays), then solve any number of right-hand
 * sides without allocation.
 */
export class PeriodicTridiagFactor {
  readonly n: number;
  /** Thomas: inverse pivots and modified super-diagonal of the leading block. */
  private readonly inv: Float64Array;
  private readonly cp: Float64Array;
  private readonly lo: Float64Array;
  private readonly z: Float64Array;
  private loLast = 0;
  private upLast = 0;
  private invSchur = 0;

  constructor(n: number) {
    if (n < 3) throw new RangeError('periodic tridiagonal: n >= 3 required');
    this.n = n;
    this.inv = new Float64Array(n);
    this.cp = new Float64Array(n);
    this.lo = new Float64Array(n);
    this.z = new Float64Array(n);
  }

  /** Factor; lo, di, up (length n) are read, not retained. */
  factor(lo: Float64Array, di: Float64Array, up: Float64Array, off = 0): void {
    const n = this.n;
    const m = n - 1;
    const inv = this.inv;
    const cp = this.cp;
    const l = this.lo;
    const z = this.z;
    for (let i = 0; i < n; i++) l[i] = lo[off + i];
    // forward elimination of the leading block
    let piv = di[off];
    inv[0] = 1 / piv;
    cp[0] = up[off] * inv[0];
    for (let i = 1; i < m; i++) {
      piv = di[off + i] - l[i] * cp[i - 1];
      inv[i] = 1 / piv;
      cp[i] = up[off + i] * inv[i];
    }
    // T z = e
    z[0] = lo[off] * inv[0];
    for (let i = 1; i < m; i++) {
      const e = i === m - 1 ? up[off + m - 1] : 0;
      z[i] = (e - l[i] * z[i - 1]) * inv[i];
    }
    for (let i = m - 2; i >= 0; i--) z[i] -= cp[i] * z[i + 1];
    this.loLast = lo[off + m];
    this.upLast = up[off + m];
    this.invSchur = 1 / (di[off + m] - this.loLast * z[m - 1] - this.upLast * z[0]);
  }

  /** Solve in place: x (length n, from offset off) holds r on entry, the solution on exit. */
  solve(x: Float64Array, off = 0): void {
    const n = this.n;
    const m = n - 1;
    const inv = this.inv;
    const cp = this.cp;
    const l = this.lo;
    const z = this.z;
    let prev = x[off] * inv[0];
    x[off] = prev;
    for (let i = 1; i < m; i++) {
      prev = (x[off + i] - l[i] * prev) * inv[i];
      x[off + i] = prev;
    }
    for (let i = m - 2; i >= 0; i--) {
      prev = x[off + i] - cp[i] * prev;
      x[off + i] = prev;
    }
    const s = (x[off + m] - this.loLast * x[off + m - 1] - this.upLast * x[off]) * this.invSchur;
    x[off + m] = s;
    for (let i = 0; i < m; i++) x[off + i] -= s * z[i];
  }
}

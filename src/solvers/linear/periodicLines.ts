/**
 * A family of independent periodic tridiagonal systems ("lines") on a 2D array, factored once and
 * solved many times (the x-lines or y-lines of the kinetic 2D scheme's per-velocity operators).
 *
 * Line l (0 <= l < nl) has n unknowns; unknown i of line l sits at index l * ls + i * is. Row lines
 * (x-lines of a row-major nx x ny array): n = nx, nl = ny, is = 1, ls = nx. Column lines (y-lines):
 * n = ny, nl = nx, is = nx, ls = 1; these are solved interleaved (the inner loop runs over the lines,
 * contiguous in memory), which is ~3x faster in JS than one strided line at a time.
 *
 * Same algorithm as PeriodicTridiagFactor (bordering: Thomas on the leading (n-1) block, the last
 * unknown by a scalar Schur complement), which needs no pivoting for positive-real matrices.
 * The factors (inverse pivots, modified super-diagonal, sub-diagonal, the bordering vector z) are
 * stored in the same layout as the data, so a solve streams through memory once forward, once
 * backward and once for the bordering correction. No allocation after construction.
 */
export class PeriodicLines {
  private readonly inv: Float64Array;
  private readonly cp: Float64Array;
  private readonly lo: Float64Array;
  private readonly z: Float64Array;
  private readonly loLast: Float64Array;
  private readonly upLast: Float64Array;
  private readonly invS: Float64Array;
  /** Scratch of one value per line (the last unknowns, interleaved solve). */
  private readonly sLast: Float64Array;

  constructor(
    readonly n: number,
    readonly nl: number,
    readonly is: number,
    readonly ls: number,
  ) {
    if (n < 3) throw new RangeError('PeriodicLines: n >= 3 required');
    const size = Math.max((nl - 1) * ls + (n - 1) * is + 1, n * nl);
    this.inv = new Float64Array(size);
    this.cp = new Float64Array(size);
    this.lo = new Float64Array(size);
    this.z = new Float64Array(size);
    this.loLast = new Float64Array(nl);
    this.upLast = new Float64Array(nl);
    this.invS = new Float64Array(nl);
    this.sLast = new Float64Array(nl);
  }

  /** Factor all lines; lo, di, up are in the data layout (offset 0) and are not retained. */
  factor(lo: Float64Array, di: Float64Array, up: Float64Array): void {
    const { n, nl, is, ls, inv, cp, z } = this;
    const l = this.lo;
    const m = n - 1;
    for (let line = 0; line < nl; line++) {
      const b = line * ls;
      let p = b;
      l[p] = lo[p];
      let iv = 1 / di[p];
      inv[p] = iv;
      let c = up[p] * iv;
      cp[p] = c;
      for (let i = 1; i < m; i++) {
        p += is;
        const li = lo[p];
        l[p] = li;
        iv = 1 / (di[p] - li * c);
        inv[p] = iv;
        c = up[p] * iv;
        cp[p] = c;
      }
      // T z = e, e = lo_0 at row 0 and up_{m-1} at row m-1
      p = b;
      let zz = lo[p] * inv[p];
      z[p] = zz;
      for (let i = 1; i < m; i++) {
        p += is;
        const e = i === m - 1 ? up[p] : 0;
        zz = (e - l[p] * zz) * inv[p];
        z[p] = zz;
      }
      for (let i = m - 2; i >= 0; i--) {
        p -= is;
        zz = z[p] - cp[p] * zz;
        z[p] = zz;
      }
      const pm = b + m * is;
      const ll = lo[pm];
      const ul = up[pm];
      this.loLast[line] = ll;
      this.upLast[line] = ul;
      this.invS[line] = 1 / (di[pm] - ll * z[pm - is] - ul * z[b]);
    }
  }

  /** Solve all lines in place; x holds the right-hand sides (data layout, from offset off). */
  solve(x: Float64Array, off: number): void {
    if (this.is === 1) this.solveRows(x, off);
    else this.solveInterleaved(x, off);
  }

  private solveRows(x: Float64Array, off: number): void {
    const { n, nl, ls, inv, cp, z, loLast, upLast, invS } = this;
    const l = this.lo;
    const m = n - 1;
    for (let line = 0; line < nl; line++) {
      const b = line * ls;
      const xb = off + b;
      let prev = x[xb] * inv[b];
      x[xb] = prev;
      for (let i = 1; i < m; i++) {
        prev = (x[xb + i] - l[b + i] * prev) * inv[b + i];
        x[xb + i] = prev;
      }
      for (let i = m - 2; i >= 0; i--) {
        prev = x[xb + i] - cp[b + i] * prev;
        x[xb + i] = prev;
      }
      const s = (x[xb + m] - loLast[line] * x[xb + m - 1] - upLast[line] * prev) * invS[line];
      x[xb + m] = s;
      for (let i = 0; i < m; i++) x[xb + i] -= s * z[b + i];
    }
  }

  /** Lines interleaved: for each position i, loop over all lines (contiguous when ls = 1). */
  private solveInterleaved(x: Float64Array, off: number): void {
    const { n, nl, is, ls, inv, cp, z, loLast, upLast, invS, sLast } = this;
    const l = this.lo;
    const m = n - 1;
    // forward
    for (let line = 0; line < nl; line++) {
      const p = line * ls;
      x[off + p] *= inv[p];
    }
    for (let i = 1; i < m; i++) {
      const r = i * is;
      for (let line = 0; line < nl; line++) {
        const p = r + line * ls;
        x[off + p] = (x[off + p] - l[p] * x[off + p - is]) * inv[p];
      }
    }
    // backward
    for (let i = m - 2; i >= 0; i--) {
      const r = i * is;
      for (let line = 0; line < nl; line++) {
        const p = r + line * ls;
        x[off + p] -= cp[p] * x[off + p + is];
      }
    }
    // last unknowns and bordering correction
    const rm = m * is;
    for (let line = 0; line < nl; line++) {
      const p = rm + line * ls;
      const s = (x[off + p] - loLast[line] * x[off + p - is] - upLast[line] * x[off + line * ls]) * invS[line];
      x[off + p] = s;
      sLast[line] = s;
    }
    for (let i = 0; i < m; i++) {
      const r = i * is;
      for (let line = 0; line < nl; line++) {
        const p = r + line * ls;
        x[off + p] -= sLast[line] * z[p];
      }
    }
  }
}

/**
 * Banded LU without pivoting (Golub & Van Loan, Matrix Computations, 4th ed., alg. 4.3.1) for families of
 * n × n matrices with lower and upper bandwidth b, stored row-wise: entry (r, r + o), |o| <= b, at
 * A[base + r (2b + 1) + o + b]. Meant for matrices whose symmetric part is positive definite or that are
 * diagonally dominant (no pivoting needed): the 2D kinetic walls' per-velocity transport blocks and
 * their density operator (../kinetic/kinetic2dWalls.ts). Factor in place, solve without allocation.
 */
import { NumericalFailure } from '../stepper.js';

export class BandedLU {
  readonly width: number;
  readonly size: number;

  constructor(
    readonly n: number,
    readonly b: number,
  ) {
    this.width = 2 * b + 1;
    this.size = n * this.width;
  }

  /** Add v to entry (r, col) of the matrix at base. */
  add(A: Float64Array, base: number, r: number, col: number, v: number): void {
    A[base + r * this.width + col - r + this.b] += v;
  }

  /** In-place LU of the matrix at base (L unit lower, multipliers stored below the diagonal). */
  factor(A: Float64Array, base: number): void {
    const { n, b, width } = this;
    for (let k = 0; k < n; k++) {
      const dk = base + k * width + b;
      const piv = A[dk];
      if (!(piv !== 0) || !Number.isFinite(piv)) throw new NumericalFailure(`banded LU: pivot ${piv} in row ${k}`);
      const ip = 1 / piv;
      const iend = Math.min(n - 1, k + b);
      for (let i = k + 1; i <= iend; i++) {
        const ik = base + i * width + k - i + b;
        const l = A[ik] * ip;
        if (l === 0) continue;
        A[ik] = l;
        const row = base + i * width - i + b;
        const krow = base + k * width - k + b;
        const jend = Math.min(n - 1, k + b);
        for (let j = k + 1; j <= jend; j++) A[row + j] -= l * A[krow + j];
      }
    }
  }

  /** y ← A^{-1} y for the factored matrix at base (y indexed by row). */
  solve(A: Float64Array, base: number, y: Float64Array, yo = 0): void {
    const { n, b, width } = this;
    for (let i = 1; i < n; i++) {
      const row = base + i * width - i + b;
      let s = y[yo + i];
      for (let j = Math.max(0, i - b); j < i; j++) s -= A[row + j] * y[yo + j];
      y[yo + i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      const row = base + i * width - i + b;
      let s = y[yo + i];
      const jend = Math.min(n - 1, i + b);
      for (let j = i + 1; j <= jend; j++) s -= A[row + j] * y[yo + j];
      y[yo + i] = s / A[row + i];
    }
  }
}

/**
 * Uniform cell-centred meshes of the unit torus T^d = [0,1)^d, d = 1, 2.
 *
 * Cell averages are stored x fastest: index = i + Nx * j. Cell i has centre (i + 1/2) dx.
 */
export interface Grid {
  readonly dim: 1 | 2;
  /** Cells per dimension: [Nx] or [Nx, Ny]. */
  readonly n: readonly number[];
  /** Mesh widths per dimension (1 / n[d]). */
  readonly dx: readonly number[];
  /** Total number of cells. */
  readonly cells: number;
  /** Cell volume (product of dx). */
  readonly cellVolume: number;
}

export function makeGrid(n: readonly number[]): Grid {
  if (n.length !== 1 && n.length !== 2) throw new RangeError(`grid: dimension must be 1 or 2, got ${n.length}`);
  for (const m of n) {
    if (!Number.isInteger(m) || m < 2) throw new RangeError(`grid: cells per dimension must be integers >= 2, got ${m}`);
  }
  const dx = n.map((m) => 1 / m);
  return {
    dim: n.length as 1 | 2,
    n: [...n],
    dx,
    cells: n.reduce((a, b) => a * b, 1),
    cellVolume: dx.reduce((a, b) => a * b, 1),
  };
}

/** Cell-centre coordinates along dimension d. */
export function cellCentres(grid: Grid, d: number): Float64Array {
  const m = grid.n[d];
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = (i + 0.5) / m;
  return out;
}

/**
 * Cell averages of a function of x (1D) or (x, y) (2D), by a tensor Gauss-Legendre rule with
 * 4 points per direction (exact for polynomials of degree 7 in each variable), so that initial
 * data are sampled at fourth-order accuracy rather than by point values.
 */
export function cellAverages(grid: Grid, fn: (x: number, y: number) => number): Float64Array {
  const out = new Float64Array(grid.cells);
  const nx = grid.n[0];
  const ny = grid.dim === 2 ? grid.n[1] : 1;
  const hx = 1 / nx;
  const hy = 1 / ny;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let s = 0;
      for (let a = 0; a < GL4_X.length; a++) {
        const x = (i + 0.5 + 0.5 * GL4_X[a]) * hx;
        if (grid.dim === 1) {
          s += GL4_W[a] * fn(x, 0);
        } else {
          for (let b = 0; b < GL4_X.length; b++) {
            const y = (j + 0.5 + 0.5 * GL4_X[b]) * hy;
            s += GL4_W[a] * GL4_W[b] * fn(x, y);
          }
        }
      }
      out[i + nx * j] = grid.dim === 1 ? s / 2 : s / 4;
    }
  }
  return out;
}

/** Gauss-Legendre nodes and weights on [-1, 1], 4 points (Abramowitz & Stegun 25.4.30). */
const GL4_X = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GL4_W = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

/**
 * Geometric multigrid V-cycle for the 2D "Helmholtz" operator
 *
 *   (K z)_p = s_p z_p - kx (z_E - 2 z_p + z_W) - ky (z_N - 2 z_p + z_S),   s_p >= 0, kx, ky >= 0,
 *
 * on an nx x ny cell-centred box (index p = i + nx j), each direction periodic (the torus, the
 * default) or bounded by walls. At a wall the missing neighbour is the cell itself (a mirror ghost:
 * no coupling across the wall, i.e. zero flux); Dirichlet or Robin sides enter through s (the caller
 * adds their coupling to the diagonal). K must be positive definite (some s_p > 0). This is the symmetric positive definite
 * form of the diffusion solver's Newton system (s = c / D(rho), kx = dt/dx^2, ky = dt/dy^2), used
 * as a preconditioner for conjugate gradients (see pcg.ts). Never forms a matrix.
 *
 * Design (Trottenberg, Oosterlee & Schuller, "Multigrid", 2001, ch. 2 and 5.6 for cell-centred grids):
 *  - coarsening by 2 in both directions while nx and ny are even and >= 4;
 *  - prolongation P: cell-centred bilinear (weights 3/4, 1/4 per direction; at a wall the coarse
 *    ghost is the mirror of the boundary cell, so the boundary fine cell takes it with weight 1); restriction R = P^T
 *    (total weight 4 per coarse cell), so the V-cycle is a symmetric operator;
 *  - coarse operators by rediscretisation of R K P: s_c = P^T s (a lumped Galerkin mass term) and the
 *    same kx, ky (R sums 4 fine equations and H = 2h, so 4 dt / H^2 = dt / h^2). The s-term is thus
 *    multiplied by 4 per level and the coarse problems are strongly diagonally dominant;
 *  - smoother: red-black Gauss-Seidel, pre-smoothing red then black, post-smoothing black then red
 *    (the adjoint ordering), so the V-cycle is SPD (pre/post adjoint, SPD coarse solve) and PCG
 *    theory applies;
 *  - coarsest level (or odd sizes, where red-black colouring is inconsistent across the periodic
 *    seam): symmetric lexicographic Gauss-Seidel sweeps (forward then backward), also SPD.
 *
 * The per-level kernels rbgs, residualLike, restrict and prolongAdd have WebAssembly twins (../wasm/multigrid.wat,
 * glue in multigridWasm.ts) performing exactly the same IEEE operations in the same order, so both give the same
 * bytes (test/multigridWasm.test.ts). Where the module loads (NLBGK_KERNELS not `js`, Node with the built .wasm),
 * all levels' arrays live in one private WebAssembly.Memory and the twins run on the levels with at least
 * `wasmMinCells` cells (default 0: all, as they measured faster than JavaScript down to 8 x 8 levels); the
 * coarsest level's SGS stays JavaScript.
 */
import { multigridKernels, type MultigridKernels } from './multigridWasm.js';

interface Level {
  nx: number;
  ny: number;
  s: Float64Array;
  /** 1 / (s + 2 kx + 2 ky). */
  invDiag: Float64Array;
  z: Float64Array;
  f: Float64Array;
  r: Float64Array;
  /** Scratch for separable transfer (nx/2 x ny). */
  tmp: Float64Array;
  /** This level's kernels run in WebAssembly (its arrays are views into the memory). */
  wasm: boolean;
}

export class HelmholtzMG {
  readonly nx: number;
  readonly ny: number;
  /** Periodic in x, in y (else walls). */
  readonly px: boolean;
  readonly py: boolean;
  private readonly levels: Level[] = [];
  private kx = 0;
  private ky = 0;
  /** Red-black sweeps per pre/post smoothing. */
  private readonly nu: number;
  /** Symmetric Gauss-Seidel sweeps on the coarsest level. */
  private readonly coarseSweeps: number;
  /** The WebAssembly kernels on this instance's private memory, or null (JavaScript only). */
  private readonly wasm: MultigridKernels | null;
  /** Number of WebAssembly kernel calls so far (tests check that the WebAssembly path ran). */
  wasmCalls = 0;

  /**
   * kernels: `js` forces the JavaScript kernels; `auto` (default) uses the WebAssembly twins where they load
   * (NLBGK_KERNELS as in ../wasm/kernels.ts) on the levels with at least wasmMinCells cells (default 0: every
   * level but the coarsest, whose SGS stays JavaScript).
   */
  constructor(
    nx: number, ny: number,
    opts: { nu?: number; periodic?: readonly [boolean, boolean]; kernels?: 'js' | 'auto'; wasmMinCells?: number } = {},
  ) {
    this.nx = nx;
    this.ny = ny;
    this.px = opts.periodic?.[0] ?? true;
    this.py = opts.periodic?.[1] ?? true;
    this.nu = opts.nu ?? 1;
    const dims: [number, number][] = [];
    let mx = nx;
    let my = ny;
    for (;;) {
      dims.push([mx, my]);
      if (mx % 2 !== 0 || my % 2 !== 0 || mx < 4 || my < 4) break;
      mx >>= 1;
      my >>= 1;
    }
    const tmpLen = (m: number, n: number): number => Math.max(1, (m >> 1) * n);
    const values = dims.reduce((a, [m, n]) => a + 5 * m * n + tmpLen(m, n), 0);
    const w = opts.kernels === 'js' ? null : multigridKernels(8 * values);
    this.wasm = w?.kernels ?? null;
    const buf = w?.memory.buffer;
    let off = 0;
    const arr = (n: number): Float64Array => {
      if (!buf) return new Float64Array(n);
      const a = new Float64Array(buf, off, n);
      off += 8 * n;
      return a;
    };
    const minCells = opts.wasmMinCells ?? 0;
    for (const [m, n] of dims) {
      const c = m * n;
      this.levels.push({
        nx: m, ny: n, s: arr(c), invDiag: arr(c), z: arr(c), f: arr(c), r: arr(c), tmp: arr(tmpLen(m, n)),
        wasm: this.wasm !== null && c >= minCells && m >= 2 && n >= 2,
      });
    }
    const last = this.levels[this.levels.length - 1];
    this.coarseSweeps = last.nx * last.ny <= 64 ? 8 : 2;
  }

  get depth(): number {
    return this.levels.length;
  }

  /** Set the operator (s is copied). */
  setOperator(s: Float64Array, kx: number, ky: number): void {
    this.kx = kx;
    this.ky = ky;
    const L = this.levels;
    L[0].s.set(s);
    for (let l = 1; l < L.length; l++) this.restrict(L[l - 1], L[l - 1].s, L[l].s);
    const d = 2 * kx + 2 * ky;
    for (const lev of L) {
      const n = lev.nx * lev.ny;
      for (let p = 0; p < n; p++) lev.invDiag[p] = 1 / (lev.s[p] + d);
    }
  }

  /** y := K x on the fine level. */
  apply(x: Float64Array, y: Float64Array): void {
    const lev = this.levels[0];
    if (lev.wasm) {
      // x into the level's z (scratch between V-cycles), K z into its r, out to y
      lev.z.set(x);
      this.residual(lev, lev.z, null, lev.r);
      y.set(lev.r);
    } else {
      residualLike(lev.nx, lev.ny, this.px, this.py, lev.s, this.kx, this.ky, x, null, y);
    }
  }

  /** z := B r, one V-cycle with zero initial guess (an SPD approximation of K^{-1}). */
  precondition(r: Float64Array, z: Float64Array): void {
    const L0 = this.levels[0];
    L0.f.set(r);
    this.vcycle(0);
    z.set(L0.z);
  }

  private vcycle(l: number): void {
    const lev = this.levels[l];
    const { nx, ny, z, f } = lev;
    z.fill(0);
    if (l === this.levels.length - 1) {
      for (let k = 0; k < this.coarseSweeps; k++) {
        sgsLex(nx, ny, this.px, this.py, this.kx, this.ky, lev.invDiag, z, f, true);
        sgsLex(nx, ny, this.px, this.py, this.kx, this.ky, lev.invDiag, z, f, false);
      }
      return;
    }
    for (let k = 0; k < this.nu; k++) {
      this.smooth(lev, 0);
      this.smooth(lev, 1);
    }
    this.residual(lev, z, f, lev.r);
    const c = this.levels[l + 1];
    this.restrict(lev, lev.r, c.f);
    this.vcycle(l + 1);
    this.prolongAdd(c, lev);
    for (let k = 0; k < this.nu; k++) {
      this.smooth(lev, 1);
      this.smooth(lev, 0);
    }
  }

  /** One red-black half sweep on a level (WebAssembly or JavaScript). */
  private smooth(lev: Level, colour: number): void {
    if (lev.wasm) {
      this.wasmCalls++;
      this.wasm!.rbgs(lev.nx, lev.ny, +this.px, +this.py, this.kx, this.ky, lev.invDiag.byteOffset, lev.z.byteOffset, lev.f.byteOffset, colour);
    } else {
      rbgs(lev.nx, lev.ny, this.px, this.py, this.kx, this.ky, lev.invDiag, lev.z, lev.f, colour);
    }
  }

  /** out := f - K z (or K z) on a level; in WebAssembly z, f, out are the level's own arrays. */
  private residual(lev: Level, z: Float64Array, f: Float64Array | null, out: Float64Array): void {
    if (lev.wasm) {
      this.wasmCalls++;
      this.wasm!.residualLike(lev.nx, lev.ny, +this.px, +this.py, lev.s.byteOffset, this.kx, this.ky, z.byteOffset, f === null ? 0 : f.byteOffset, f === null ? 0 : 1, out.byteOffset);
    } else {
      residualLike(lev.nx, lev.ny, this.px, this.py, lev.s, this.kx, this.ky, z, f, out);
    }
  }

  /** out (coarse) := P^T v (fine): weights (1/4, 3/4, 3/4, 1/4) per direction. */
  private restrict(fine: Level, v: Float64Array, out: Float64Array): void {
    const { nx, ny, tmp } = fine;
    if (fine.wasm) {
      this.wasmCalls++;
      this.wasm!.restrictP(nx, ny, +this.px, +this.py, v.byteOffset, tmp.byteOffset, out.byteOffset);
      return;
    }
    const cx = nx >> 1;
    const cy = ny >> 1;
    // x direction: tmp[I + cx j] = 1/4 v[2I-1] + 3/4 v[2I] + 3/4 v[2I+1] + 1/4 v[2I+2].
    for (let j = 0; j < ny; j++) {
      const row = j * nx;
      const trow = j * cx;
      for (let I = 0; I < cx; I++) {
        const i0 = 2 * I;
        const im = i0 === 0 ? (this.px ? nx - 1 : 0) : i0 - 1;
        const ip = i0 + 2 === nx ? (this.px ? 0 : nx - 1) : i0 + 2;
        tmp[trow + I] = 0.25 * (v[row + im] + v[row + ip]) + 0.75 * (v[row + i0] + v[row + i0 + 1]);
      }
    }
    for (let J = 0; J < cy; J++) {
      const j0 = 2 * J;
      const jm = (j0 === 0 ? (this.py ? ny - 1 : 0) : j0 - 1) * cx;
      const jp = (j0 + 2 === ny ? (this.py ? 0 : ny - 1) : j0 + 2) * cx;
      const a = j0 * cx;
      const b = (j0 + 1) * cx;
      const orow = J * cx;
      for (let I = 0; I < cx; I++) {
        out[orow + I] = 0.25 * (tmp[jm + I] + tmp[jp + I]) + 0.75 * (tmp[a + I] + tmp[b + I]);
      }
    }
  }

  /** fine.z += P coarse.z (cell-centred bilinear). */
  private prolongAdd(coarse: Level, fine: Level): void {
    const { nx, ny, tmp, z } = fine;
    const cx = coarse.nx;
    const cy = coarse.ny;
    const zc = coarse.z;
    if (fine.wasm) {
      this.wasmCalls++;
      this.wasm!.prolongAdd(cx, cy, +this.px, +this.py, zc.byteOffset, tmp.byteOffset, z.byteOffset);
      return;
    }
    // y direction into tmp (cx x ny): row 2J = 3/4 J + 1/4 (J-1), row 2J+1 = 3/4 J + 1/4 (J+1).
    for (let J = 0; J < cy; J++) {
      const c0 = J * cx;
      const cm = (J === 0 ? (this.py ? cy - 1 : 0) : J - 1) * cx;
      const cp = (J + 1 === cy ? (this.py ? 0 : cy - 1) : J + 1) * cx;
      const t0 = 2 * J * cx;
      const t1 = t0 + cx;
      for (let I = 0; I < cx; I++) {
        const v = 0.75 * zc[c0 + I];
        tmp[t0 + I] = v + 0.25 * zc[cm + I];
        tmp[t1 + I] = v + 0.25 * zc[cp + I];
      }
    }
    for (let j = 0; j < ny; j++) {
      const trow = j * cx;
      const row = j * nx;
      for (let I = 0; I < cx; I++) {
        const v = 0.75 * tmp[trow + I];
        const im = I === 0 ? (this.px ? cx - 1 : 0) : I - 1;
        const ip = I + 1 === cx ? (this.px ? 0 : cx - 1) : I + 1;
        z[row + 2 * I] += v + 0.25 * tmp[trow + im];
        z[row + 2 * I + 1] += v + 0.25 * tmp[trow + ip];
      }
    }
  }
}

/** Row offsets of the north and south neighbours of row j (periodic wrap, or the row itself at a wall). */
function northOffset(j: number, ny: number, nx: number, py: boolean): number {
  return j + 1 === ny ? (py ? -j * nx : 0) : nx;
}
function southOffset(j: number, ny: number, nx: number, py: boolean): number {
  return j === 0 ? (py ? (ny - 1) * nx : 0) : -nx;
}

/** out := f - K z when f is given, else out := K z. Wrap (or wall) handled outside the inner loop. */
function residualLike(
  nx: number, ny: number, px: boolean, py: boolean, s: Float64Array, kx: number, ky: number,
  z: Float64Array, f: Float64Array | null, out: Float64Array,
): void {
  const d = 2 * kx + 2 * ky;
  for (let j = 0; j < ny; j++) {
    const row = j * nx;
    const dn = northOffset(j, ny, nx, py);
    const ds = southOffset(j, ny, nx, py);
    const last = row + nx - 1;
    // i = 0 and i = nx - 1 wrap around (or see themselves at a wall); nx >= 2 so they are distinct cells.
    let kz = (s[row] + d) * z[row] - kx * (z[row + 1] + z[px ? last : row]) - ky * (z[row + dn] + z[row + ds]);
    out[row] = f === null ? kz : f[row] - kz;
    kz = (s[last] + d) * z[last] - kx * (z[px ? row : last] + z[last - 1]) - ky * (z[last + dn] + z[last + ds]);
    out[last] = f === null ? kz : f[last] - kz;
    if (f === null) {
      for (let p = row + 1; p < last; p++) {
        out[p] = (s[p] + d) * z[p] - kx * (z[p + 1] + z[p - 1]) - ky * (z[p + dn] + z[p + ds]);
      }
    } else {
      for (let p = row + 1; p < last; p++) {
        out[p] = f[p] - ((s[p] + d) * z[p] - kx * (z[p + 1] + z[p - 1]) - ky * (z[p + dn] + z[p + ds]));
      }
    }
  }
}

/** One red (colour 0) or black (colour 1) Gauss-Seidel half-sweep; needs even nx, ny. */
function rbgs(
  nx: number, ny: number, px: boolean, py: boolean, kx: number, ky: number, invDiag: Float64Array,
  z: Float64Array, f: Float64Array, colour: number,
): void {
  for (let j = 0; j < ny; j++) {
    const row = j * nx;
    const dn = northOffset(j, ny, nx, py);
    const ds = southOffset(j, ny, nx, py);
    const last = row + nx - 1;
    let p = row + ((j + colour) & 1);
    if (p === row) {
      // i = 0: west neighbour wraps to i = nx - 1 (or is the cell itself at a wall).
      z[p] = (f[p] + kx * (z[p + 1] + z[px ? last : p]) + ky * (z[p + dn] + z[p + ds])) * invDiag[p];
      p += 2;
    }
    for (; p < last; p += 2) {
      z[p] = (f[p] + kx * (z[p + 1] + z[p - 1]) + ky * (z[p + dn] + z[p + ds])) * invDiag[p];
    }
    if (p === last) {
      // i = nx - 1: east neighbour wraps to i = 0 (or is the cell itself at a wall).
      z[p] = (f[p] + kx * (z[px ? row : p] + z[p - 1]) + ky * (z[p + dn] + z[p + ds])) * invDiag[p];
    }
  }
}

/** One lexicographic Gauss-Seidel sweep, forward or backward (a symmetric pair = SGS). */
function sgsLex(
  nx: number, ny: number, px: boolean, py: boolean, kx: number, ky: number, invDiag: Float64Array,
  z: Float64Array, f: Float64Array, forward: boolean,
): void {
  const n = nx * ny;
  for (let q = 0; q < n; q++) {
    const p = forward ? q : n - 1 - q;
    const j = (p / nx) | 0;
    const i = p - j * nx;
    const row = j * nx;
    const e = i + 1 === nx ? (px ? row : p) : p + 1;
    const w = i === 0 ? (px ? row + nx - 1 : p) : p - 1;
    const north = (j + 1 === ny ? (py ? 0 : j) : j + 1) * nx + i;
    const south = (j === 0 ? (py ? ny - 1 : 0) : j - 1) * nx + i;
    z[p] = (f[p] + kx * (z[e] + z[w]) + ky * (z[north] + z[south])) * invDiag[p];
  }
}

/**
 * Asymptotic-preserving transport in 2D (docs/kinetic-scheme.md), shared by the 2D micro–macro
 * kinetic schemes (BGK-type relaxation (1.2), kinetic Fokker–Planck (1.5)): the 1D face blending of
 * apFaces1d.ts per direction, on an nx × ny periodic grid (p = i + nx j; x face p between p and its
 * east neighbour, y face p between p and its north neighbour), q velocity-major q[k*N + p].
 *
 *  - λ per cell (extrapolated density), face diffusivities Dfx, Dfy (harmonic means of λ);
 *  - blending weights γ per distinct |vx| on x faces and |vy| on y faces (Nv/2 exponentials per face
 *    instead of Nv², skipped where they underflow), <v²(1 − γ)> per face, and which velocities are
 *    active (some γ > 0) per direction;
 *  - the per-velocity transport T_k = (dt/eps) (vx_k Dx(γx avg ·) + vy_k Dy(γy avg ·)) and its
 *    approximately factorised inverse with a diagonal a: Mt_k⁻¹ = (a + Ty_k)⁻¹ a (a + Tx_k)⁻¹, the
 *    x-lines factored once per step per distinct vx (y likewise; ../linear/periodicLines.ts);
 *  - G_k x = c0 x + dt (Dx Φx + Dy Φy), Φ = (v/eps) avg x − v² (1 − γ) Df D x (one fused pass),
 *    acc = <v γ avg q> per face, the limit operator L = c0 − dt div(<v²(1−γ)> Df ∇) and its Jacobi-PCG
 *    inverse (to 1e-3: an FGMRES preconditioner).
 * With the WebAssembly kernels (attachWasm: γ, Df and <v²(1 − γ)> in their memory) the γ loop runs as gamma.wat's
 * gammaFaces (a port of fdlibm's exp, bitwise Math.exp), the same bytes as the JavaScript loop.
 */
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure } from '../stepper.js';
import { PeriodicLines } from '../linear/periodicLines.js';
import { plainAllocator, type Allocator, type ArenaArray } from '../parallel/arena.js';
import type { WasmKernels } from '../wasm/kernels.js';

export class ApTransport2D {
  readonly N: number;
  /** lambda per cell (this step) and 1/lambda. */
  readonly lamC: Float64Array;
  readonly il: Float64Array;
  readonly Dfx: Float64Array;
  readonly Dfy: Float64Array;
  /** gamma on x faces per distinct |vx| (index axIdx[k]); y likewise. */
  readonly gx: Float64Array;
  readonly gy: Float64Array;
  readonly axIdx: Int32Array;
  readonly ayIdx: Int32Array;
  /** Index of the signed component vx_k among the distinct ones (sgnX); y likewise. */
  readonly sxIdx: Int32Array;
  readonly syIdx: Int32Array;
  /** The distinct |vx| (index axIdx[k]) and signed vx (index sxIdx[k]); y likewise. */
  readonly absX: Float64Array;
  readonly absY: Float64Array;
  private readonly w2x: Float64Array;
  private readonly w2y: Float64Array;
  readonly sgnX: Float64Array;
  readonly sgnY: Float64Array;
  /** Some γ > 0 on x (y) faces for the distinct |vx| (|vy|) of that index. */
  readonly actAx: Uint8Array;
  readonly actAy: Uint8Array;
  /** The largest γ on x (y) faces per distinct |vx| (|vy|) (this step). */
  readonly gxMax: Float64Array;
  readonly gyMax: Float64Array;
  /** The plain factorisation's line factors per distinct signed component (allocated on first use). */
  private linesX: PeriodicLines[] = [];
  private linesY: PeriodicLines[] = [];
  private readonly flo: Float64Array;
  private readonly fdi: Float64Array;
  private readonly fup: Float64Array;
  private readonly lbufS: Float64Array;
  /** <v² (1 − γ)> on x and y faces. */
  readonly v2bx: Float64Array;
  readonly v2by: Float64Array;
  /** L's face coefficients (dt/dx²) v2bx Dfx and (dt/dy²) v2by Dfy, formed by prepare(). */
  private readonly kLx: Float64Array;
  private readonly kLy: Float64Array;
  /** Velocity k has some γ > 0 on x (y) faces. */
  readonly actX: Uint8Array;
  readonly actY: Uint8Array;
  /** <v γ avg q> on x and y faces. */
  readonly accx: Float64Array;
  readonly accy: Float64Array;
  private readonly Ldiag: Float64Array;
  private readonly cgr: Float64Array;
  private readonly cgz: Float64Array;
  private readonly cgp: Float64Array;
  private readonly cgq: Float64Array;
  /** Jacobi-PCG iterations (summed). */
  innerIterations = 0;
  /** The WebAssembly kernels for the γ loop (attachWasm), or null: JavaScript. */
  private wasm: WasmKernels | null = null;
  /** Calls of the WebAssembly γ kernel (tests check that it ran). */
  wasmCalls = 0;
  /** c0 and dt of the current attempt (set by prepare). */
  c0 = 1;
  dt = 0;

  constructor(
    readonly nx: number,
    readonly ny: number,
    readonly K: number,
    readonly dx: number,
    readonly dy: number,
    readonly eps: number,
    readonly vx: Float64Array,
    readonly vy: Float64Array,
    readonly w: Float64Array,
    alloc: Allocator = plainAllocator,
    /**
     * γ = exp(−z²) is set to 0 where z² exceeds this (default 746: where exp underflows). A smaller cutoff
     * (the 2D BGK stepper uses 69, γ < 1e-30, far below the round-off of the O(1) terms it multiplies) keeps
     * velocities whose γ is negligible out of the Schur complement.
     */
    readonly gammaCutoff = 746,
  ) {
    const N = nx * ny;
    this.N = N;
    const f = (): Float64Array => alloc.f64(N);
    this.lamC = f();
    this.il = f();
    this.Dfx = f();
    this.Dfy = f();
    // distinct velocity components (signed and absolute)
    const uniq = (vals: Float64Array, abs: boolean): { idx: Int32Array; values: number[] } => {
      const values: number[] = [];
      const idx = new Int32Array(K);
      for (let k = 0; k < K; k++) {
        const x = abs ? Math.abs(vals[k]) : vals[k];
        let u = values.indexOf(x);
        if (u < 0) {
          u = values.length;
          values.push(x);
        }
        idx[k] = u;
      }
      return { idx, values };
    };
    const ax = uniq(vx, true);
    const ay = uniq(vy, true);
    const sx = uniq(vx, false);
    const sy = uniq(vy, false);
    this.axIdx = ax.idx;
    this.ayIdx = ay.idx;
    this.sxIdx = sx.idx;
    this.syIdx = sy.idx;
    this.absX = Float64Array.from(ax.values);
    this.absY = Float64Array.from(ay.values);
    this.sgnX = Float64Array.from(sx.values);
    this.sgnY = Float64Array.from(sy.values);
    this.w2x = new Float64Array(ax.values.length);
    this.w2y = new Float64Array(ay.values.length);
    for (let k = 0; k < K; k++) {
      this.w2x[ax.idx[k]] += w[k] * vx[k] * vx[k];
      this.w2y[ay.idx[k]] += w[k] * vy[k] * vy[k];
    }
    this.actAx = new Uint8Array(ax.values.length);
    this.actAy = new Uint8Array(ay.values.length);
    this.gxMax = new Float64Array(ax.values.length);
    this.gyMax = new Float64Array(ay.values.length);
    this.gx = alloc.f64(ax.values.length * N);
    this.gy = alloc.f64(ay.values.length * N);
    this.flo = f();
    this.fdi = f();
    this.fup = f();
    this.lbufS = new Float64Array(nx);
    this.v2bx = f();
    this.v2by = f();
    this.kLx = new Float64Array(N);
    this.kLy = new Float64Array(N);
    this.actX = alloc.u8(K);
    this.actY = alloc.u8(K);
    this.accx = f();
    this.accy = f();
    this.Ldiag = f();
    this.cgr = f();
    this.cgz = f();
    this.cgp = f();
    this.cgq = f();
  }

  /** λ at the extrapolated density (1+om) rho^n − om rho^{n−1}, clamped into [lo, hi]; then Dfx, Dfy, the blending weights and activities. */
  prepare(rate: RateLaw, rhoN: Float64Array, rhoO: Float64Array, useB2: boolean, om: number, lo: number, hi: number, c0: number, dt: number): void {
    this.c0 = c0;
    this.dt = dt;
    this.computeLambda(rate, rhoN, rhoO, useB2, om, lo, hi);
    this.computeDf();
    this.blendingWeights();
    this.faceCoefficients();
  }

  /**
   * The WebAssembly kernels on the memory that holds `arrays` (a SharedArena's): the γ loop runs there when
   * gx, gy, Dfx, Dfy, v2bx and v2by are all in it.
   */
  attachWasm(kernels: WasmKernels, arrays: readonly ArenaArray[]): void {
    const bufs = new Set<ArrayBufferLike>(arrays.map((a) => a.buffer));
    const all = [this.gx, this.gy, this.Dfx, this.Dfy, this.v2bx, this.v2by].every((a) => bufs.has(a.buffer));
    this.wasm = all ? kernels : null;
  }

  /** From Dfx, Dfy: γ per distinct |v| component, <v²(1 − γ)> per face, the activities and the largest γ. */
  blendingWeights(): void {
    // blending weights per distinct |v| component: gamma = exp(-(dx / (Df eps |v|))^2)
    this.gammas(this.absX, this.w2x, this.gx, this.Dfx, this.dx, this.v2bx, this.actAx, this.gxMax);
    this.gammas(this.absY, this.w2y, this.gy, this.Dfy, this.dy, this.v2by, this.actAy, this.gyMax);
    for (let k = 0; k < this.K; k++) {
      this.actX[k] = this.actAx[this.axIdx[k]];
      this.actY[k] = this.actAy[this.ayIdx[k]];
    }
  }

  private computeLambda(rate: RateLaw, rhoN: Float64Array, rhoO: Float64Array, useB2: boolean, om: number, lo: number, hi: number): void {
    const { N, lamC, il } = this;
    const floor = lo > 0 ? lo : 1e-300;
    // the clamped densities go through `il` and the rate's vectorised lambda (a per-cell call returning a
    // double boxes it: ~16 bytes of garbage per cell and step)
    for (let p = 0; p < N; p++) {
      let r = useB2 ? (1 + om) * rhoN[p] - om * rhoO[p] : rhoN[p];
      if (r < floor) r = floor;
      if (r > hi) r = hi;
      il[p] = r;
    }
    rate.lambdaArray(il, lamC, N);
    for (let p = 0; p < N; p++) {
      const lam = lamC[p];
      if (!(lam > 0) || !Number.isFinite(lam)) throw new NumericalFailure(`lambda(${il[p]}) = ${lam} is not positive and finite`, { cell: p });
      il[p] = 1 / lam;
    }
  }

  private computeDf(): void {
    const { nx, ny, il, Dfx, Dfy } = this;
    for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      for (let i = 0; i < nx; i++) {
        const ie = i + 1 === nx ? 0 : i + 1;
        const p = i + nx * j;
        Dfx[p] = 0.5 * (il[p] + il[ie + nx * j]);
        Dfy[p] = 0.5 * (il[p] + il[i + nx * jn]);
      }
    }
  }

  /**
   * gamma per distinct |v| (exp skipped where it underflows), <v^2 (1 - gamma)> per face, activity, largest gamma;
   * the face loop as gamma.wat's gammaFaces where the WebAssembly kernels are attached (the same operations per
   * face, fdlibm's exp as Math.exp runs it: the same bytes).
   */
  private gammas(absV: Float64Array, w2: Float64Array, g: Float64Array, Df: Float64Array, h: number, v2b: Float64Array, act: Uint8Array, gMax: Float64Array): void {
    const N = this.N;
    const eps = this.eps;
    const cut = this.gammaCutoff;
    const wasm = this.wasm;
    v2b.fill(0);
    for (let m = 0; m < absV.length; m++) {
      const av = absV[m];
      const b = m * N;
      const c = w2[m];
      let mx = 0;
      if (av > 0 && wasm) {
        mx = wasm.gammaFaces(N, h / (eps * av), cut, c, Df.byteOffset, g.byteOffset + 8 * b, v2b.byteOffset);
        this.wasmCalls++;
      } else if (av > 0) {
        const z0 = h / (eps * av);
        for (let p = 0; p < N; p++) {
          const z = z0 / Df[p];
          const z2 = z * z;
          const gg = z2 > cut ? 0 : Math.exp(-z2);
          g[b + p] = gg;
          if (gg > mx) mx = gg;
          v2b[p] += c * (1 - gg);
        }
      } else {
        g.fill(0, b, b + N);
      }
      act[m] = mx > 0 ? 1 : 0;
      gMax[m] = mx;
    }
  }

  /** Factor a + T_dir for every distinct signed velocity component whose gamma is not all zero. */
  factorLines(dir: 0 | 1, a: Float64Array): void {
    const { nx, ny, N } = this;
    const vals = dir === 0 ? this.sgnX : this.sgnY;
    const absV = dir === 0 ? this.absX : this.absY;
    const act = dir === 0 ? this.actAx : this.actAy;
    const g = dir === 0 ? this.gx : this.gy;
    const h = dir === 0 ? this.dx : this.dy;
    const lo = this.flo;
    const di = this.fdi;
    const up = this.fup;
    if (dir === 0 && this.linesX.length === 0) this.linesX = Array.from(this.sgnX, () => new PeriodicLines(nx, ny, 1, nx));
    if (dir === 1 && this.linesY.length === 0) this.linesY = Array.from(this.sgnY, () => new PeriodicLines(ny, nx, nx, 1));
    for (let u = 0; u < vals.length; u++) {
      const m = absV.indexOf(Math.abs(vals[u]));
      if (!act[m]) continue;
      const s = (this.dt * vals[u]) / (this.eps * 2 * h);
      const b = m * N;
      for (let j = 0; j < ny; j++) {
        const js = j === 0 ? ny - 1 : j - 1;
        for (let i = 0; i < nx; i++) {
          const p = i + nx * j;
          const pw = dir === 0 ? (i === 0 ? nx - 1 : i - 1) + nx * j : i + nx * js;
          const gw = g[b + pw];
          const gp = g[b + p];
          lo[p] = -s * gw;
          up[p] = s * gp;
          di[p] = a[p] + s * (gp - gw);
        }
      }
      (dir === 0 ? this.linesX : this.linesY)[u].factor(lo, di, up);
    }
  }

  /** out = T_dir q (dir 0: x, 1: y), T = (dt/eps) v D(gamma avg .). */
  applyT(k: number, dir: number, q: Float64Array, off: number, out: Float64Array): void {
    const { nx, ny, N } = this;
    const g = dir === 0 ? this.gx : this.gy;
    const s = (this.dt * (dir === 0 ? this.vx[k] : this.vy[k])) / (this.eps * 2 * (dir === 0 ? this.dx : this.dy));
    const b = (dir === 0 ? this.axIdx[k] : this.ayIdx[k]) * N;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p = i + nx * j;
        let pe: number;
        let pw: number;
        if (dir === 0) {
          pe = (i + 1 === nx ? 0 : i + 1) + nx * j;
          pw = (i === 0 ? nx - 1 : i - 1) + nx * j;
        } else {
          pe = i + nx * (j + 1 === ny ? 0 : j + 1);
          pw = i + nx * (j === 0 ? ny - 1 : j - 1);
        }
        out[p] = s * (g[b + p] * (q[off + p] + q[off + pe]) - g[b + pw] * (q[off + pw] + q[off + p]));
      }
    }
  }

  /** x <- Mt_k^{-1} x = (a + Ty)^{-1} a (a + Tx)^{-1} x (in place, at offset off), a the diagonal the lines were factored with. */
  solveM(k: number, x: Float64Array, off: number, a: Float64Array): void {
    const ax = this.actX[k];
    const ay = this.actY[k];
    if (ax) this.linesX[this.sxIdx[k]].solve(x, off);
    if (ax && ay) this.scaleBy(x, off, a);
    if (ay) this.linesY[this.syIdx[k]].solve(x, off);
    if (!ax && !ay) this.divideBy(x, off, a);
  }

  private scaleBy(x: Float64Array, off: number, a: Float64Array): void {
    const N = this.N;
    for (let p = 0; p < N; p++) x[off + p] *= a[p];
  }

  private divideBy(x: Float64Array, off: number, a: Float64Array): void {
    const N = this.N;
    for (let p = 0; p < N; p++) x[off + p] /= a[p];
  }

  /** accx, accy += <v γ avg q_k> of velocity k. */
  accumulate(k: number, q: Float64Array, off: number): void {
    const { nx, ny, N } = this;
    const cx = 0.5 * this.w[k] * this.vx[k];
    const cy = 0.5 * this.w[k] * this.vy[k];
    const bx = this.axIdx[k] * N;
    const by = this.ayIdx[k] * N;
    const gx = this.gx;
    const gy = this.gy;
    const accx = this.accx;
    const accy = this.accy;
    for (let j = 0; j < ny; j++) {
      const row = nx * j;
      const rn = nx * (j + 1 === ny ? 0 : j + 1);
      for (let i = 0; i < nx; i++) {
        const p = i + row;
        const ie = i + 1 === nx ? row : p + 1;
        const qp = q[off + p];
        accx[p] += cx * gx[bx + p] * (qp + q[off + ie]);
        accy[p] += cy * gy[by + p] * (qp + q[off + i + rn]);
      }
    }
  }

  /** y = base + c (Dx accx + Dy accy). */
  divAcc(base: Float64Array, y: Float64Array, c: number): void {
    const { nx, ny } = this;
    const cx = c / this.dx;
    const cy = c / this.dy;
    for (let j = 0; j < ny; j++) {
      const js = j === 0 ? ny - 1 : j - 1;
      for (let i = 0; i < nx; i++) {
        const iw = i === 0 ? nx - 1 : i - 1;
        const p = i + nx * j;
        y[p] = base[p] + cx * (this.accx[p] - this.accx[iw + nx * j]) + cy * (this.accy[p] - this.accy[i + nx * js]);
      }
    }
  }

  /** y = G_k x = c0 x + dt (Dx Phi_x + Dy Phi_y), Phi = (v/eps) avg x - v^2 (1 - gamma) Df D x. One pass. */
  applyG(k: number, x: Float64Array, y: Float64Array): void {
    const { nx, ny, N, dx, dy, eps, dt, c0 } = this;
    const ax = this.vx[k] / (2 * eps);
    const ay = this.vy[k] / (2 * eps);
    const bx = (this.vx[k] * this.vx[k]) / dx;
    const by = (this.vy[k] * this.vy[k]) / dy;
    const ox = this.axIdx[k] * N;
    const oy = this.ayIdx[k] * N;
    const gx = this.gx;
    const gy = this.gy;
    const Dfx = this.Dfx;
    const Dfy = this.Dfy;
    const south = this.lbufS; // Phi_y on the faces below the current row
    const cx = dt / dx;
    const cy = dt / dy;
    // Phi_y of the last row (the faces below row 0)
    {
      const row = nx * (ny - 1);
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        const xp = x[p];
        const xn = x[i];
        south[i] = ay * (xp + xn) - by * (1 - gy[oy + p]) * Dfy[p] * (xn - xp);
      }
    }
    for (let j = 0; j < ny; j++) {
      const row = nx * j;
      const rn = nx * (j + 1 === ny ? 0 : j + 1);
      // Phi_x on the west face of cell 0 (face nx-1 of the row)
      const pl = row + nx - 1;
      let west = ax * (x[pl] + x[row]) - bx * (1 - gx[ox + pl]) * Dfx[pl] * (x[row] - x[pl]);
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        const xp = x[p];
        const xe = i + 1 === nx ? x[row] : x[p + 1];
        const xn = x[rn + i];
        const east = ax * (xp + xe) - bx * (1 - gx[ox + p]) * Dfx[p] * (xe - xp);
        const north = ay * (xp + xn) - by * (1 - gy[oy + p]) * Dfy[p] * (xn - xp);
        y[p] = c0 * xp + cx * (east - west) + cy * (north - south[i]);
        west = east;
        south[i] = north;
      }
    }
  }

  /** y = L x, L = c0 - dt [Dx(v2bx Dfx Dx) + Dy(v2by Dfy Dy)], with the face coefficients of prepare() (kLx, kLy). */
  applyL(x: Float64Array, y: Float64Array): void {
    const { nx, ny, c0, kLx, kLy } = this;
    // fe = kLx[p] (x_E − x_p) and fw = kLx[W] (x_p − x_W): the same products, in the same order, as
    // cx v2bx Df (x_E − x_p) with the coefficient formed once per step; the seam cells i = 0, nx − 1 apart
    for (let j = 0; j < ny; j++) {
      const row = nx * j;
      const dn = j + 1 === ny ? -row : nx;
      const ds = j === 0 ? nx * (ny - 1) : -nx;
      const last = row + nx - 1;
      for (let p = row; p <= last; p++) {
        const pe = p === last ? row : p + 1;
        const pw = p === row ? last : p - 1;
        const xp = x[p];
        const fe = kLx[p] * (x[pe] - xp);
        const fw = kLx[pw] * (xp - x[pw]);
        const fn = kLy[p] * (x[p + dn] - xp);
        const fs = kLy[p + ds] * (xp - x[p + ds]);
        y[p] = c0 * xp - (fe - fw) - (fn - fs);
      }
    }
  }

  /** kLx = (dt/dx²) v2bx Dfx, kLy likewise: the face coefficients of L this step. */
  private faceCoefficients(): void {
    const { N, dx, dy, dt, v2bx, v2by, Dfx, Dfy, kLx, kLy } = this;
    const cx = dt / (dx * dx);
    const cy = dt / (dy * dy);
    for (let p = 0; p < N; p++) {
      kLx[p] = cx * v2bx[p] * Dfx[p];
      kLy[p] = cy * v2by[p] * Dfy[p];
    }
  }

  /** The diagonal of L (for Jacobi). */
  buildLdiag(): void {
    const { nx, ny, dx, dy, dt, c0, Dfx, Dfy } = this;
    const cxx = dt / (dx * dx);
    const cyy = dt / (dy * dy);
    for (let j = 0; j < ny; j++) {
      const js = j === 0 ? ny - 1 : j - 1;
      for (let i = 0; i < nx; i++) {
        const iw = i === 0 ? nx - 1 : i - 1;
        const p = i + nx * j;
        const kxe = this.v2bx[p] * Dfx[p];
        const kxw = this.v2bx[iw + nx * j] * Dfx[iw + nx * j];
        const kyn = this.v2by[p] * Dfy[p];
        const kys = this.v2by[i + nx * js] * Dfy[i + nx * js];
        this.Ldiag[p] = c0 + cxx * (kxe + kxw) + cyy * (kyn + kys);
      }
    }
  }

  /**
   * Face mass fluxes of the step, F = fa Fprev + (dt/c0) J, J = acc/eps − <v²(1−γ)> Df D rho per direction
   * (accx, accy must hold <v γ avg q> of the final q).
   */
  faceFluxes(rho: Float64Array, FxPrev: Float64Array, FyPrev: Float64Array, Fx: Float64Array, Fy: Float64Array, fa: number): void {
    const { nx, ny, dx, dy, eps, dt, c0, Dfx, Dfy } = this;
    for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      for (let i = 0; i < nx; i++) {
        const ie = i + 1 === nx ? 0 : i + 1;
        const p = i + nx * j;
        const Jx = this.accx[p] / eps - (this.v2bx[p] * Dfx[p] * (rho[ie + nx * j] - rho[p])) / dx;
        const Jy = this.accy[p] / eps - (this.v2by[p] * Dfy[p] * (rho[i + nx * jn] - rho[p])) / dy;
        Fx[p] = fa * FxPrev[p] + (dt / c0) * Jx;
        Fy[p] = fa * FyPrev[p] + (dt / c0) * Jy;
      }
    }
  }

  /**
   * z ~ L^{-1} r: Jacobi-preconditioned CG until ||res||² <= rel2 ||r||² (default 1e-6: relative 1e-3, an
   * FGMRES preconditioner, which tolerates the varying preconditioner); the iterations taken.
   */
  pcgL(r: Float64Array, z: Float64Array, rel2 = 1e-6, maxIt = 300): number {
    const N = this.N;
    const res = this.cgr;
    const zz = this.cgz;
    const p = this.cgp;
    const q = this.cgq;
    z.fill(0);
    res.set(r);
    let rn0 = 0;
    for (let i = 0; i < N; i++) rn0 += r[i] * r[i];
    if (rn0 === 0) return 0;
    let rz = 0;
    this.precL(res, zz);
    for (let i = 0; i < N; i++) {
      p[i] = zz[i];
      rz += res[i] * zz[i];
    }
    let it = 0;
    for (; it < maxIt; it++) {
      this.innerIterations++;
      this.applyL(p, q);
      let pq = 0;
      for (let i = 0; i < N; i++) pq += p[i] * q[i];
      const al = rz / pq;
      let rn = 0;
      for (let i = 0; i < N; i++) {
        z[i] += al * p[i];
        res[i] -= al * q[i];
        rn += res[i] * res[i];
      }
      if (rn <= rel2 * rn0) break;
      let rz2 = 0;
      this.precL(res, zz);
      for (let i = 0; i < N; i++) rz2 += res[i] * zz[i];
      const be = rz2 / rz;
      rz = rz2;
      for (let i = 0; i < N; i++) p[i] = zz[i] + be * p[i];
    }
    return Math.min(it + 1, maxIt);
  }

  /** Jacobi: zz = r / diag(L). (A Kirchhoff-scaled multigrid V-cycle was tried here: far fewer CG
   * iterations, but a much worse FGMRES preconditioner on rough data at eps = 0.1, see the docs.) */
  private precL(r: Float64Array, zz: Float64Array): void {
    const N = this.N;
    const d = this.Ldiag;
    for (let i = 0; i < N; i++) zz[i] = r[i] / d[i];
  }
}

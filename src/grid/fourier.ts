/**
 * Discrete Fourier transforms of grid fields on the torus, and the operator (I − Δ)⁻¹ ∇ of the
 * Dolbeault–Mouhot–Schmeiser functional.
 *
 * Transforms: fft.js (radix-4 Cooley–Tukey) for power-of-two lengths; Bluestein's chirp-z algorithm on top
 * of it for other lengths above 32; a plain O(n²) DFT below. Convention X_k = Σ_n x_n e^{−2πi kn/n}.
 * A 2D grid whose sizes are both powers of two transforms in WebAssembly where it loads (./fftWasm.ts,
 * ./wasm/fft2d.wat): fft.js's radix-4 Cooley–Tukey on two lines per f64x2, each lane fft.js's own IEEE
 * operations in its order on its own tables, so bitwise the same result as the JavaScript path
 * (test/fourierWasm.test.ts); NLBGK_KERNELS=js keeps the JavaScript. 1D grids and other sizes: JavaScript.
 *
 * Fourier symbol (stated once, used everywhere): a cell field u on T^d with integer wave vectors
 * k (|k_d| ≤ n_d/2) has
 *     ∂_d u  ↦  2πi k_d û      (0 at the Nyquist wave number of an even n_d, so derivatives stay real)
 *     (I − Δ)⁻¹ u  ↦  û / (1 + 4π²|k|²)       — the true inverse of I − Δ on the unit torus.
 * The paper (Section 4.1) writes 1/(1 + 2π|k|²); that symbol is available as `symbol: 'paper'`.
 * Both satisfy Lemma 4.1's bounds up to constants; the standard one is the default.
 */
import FFTjs from 'fft.js';
import { Fft2dWasm } from './fftWasm.js';

export type HelmholtzSymbol = 'standard' | 'paper';

const isPow2 = (n: number) => n >= 2 && (n & (n - 1)) === 0;

/** A complex 1D transform of fixed length n on interleaved arrays [re0, im0, re1, im1, …]. */
export class ComplexFFT {
  readonly n: number;
  private readonly kind: 'pow2' | 'bluestein' | 'dft';
  private readonly fft?: FFTjs;
  private readonly m: number = 0;
  private readonly chirp?: Float64Array; // e^{−iπ k²/n}, interleaved
  private readonly bfft?: number[]; // FFT of the conjugate chirp filter
  private readonly a?: number[];
  private readonly A?: number[];
  private readonly cos?: Float64Array;
  private readonly sin?: Float64Array;
  private o?: number[];
  private d?: number[];

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`ComplexFFT: length must be a positive integer, got ${n}`);
    this.n = n;
    if (isPow2(n)) {
      this.kind = 'pow2';
      this.fft = new FFTjs(n);
    } else if (n > 32) {
      this.kind = 'bluestein';
      let m = 1;
      while (m < 2 * n - 1) m *= 2;
      this.m = m;
      this.fft = new FFTjs(m);
      const chirp = new Float64Array(2 * n);
      for (let k = 0; k < n; k++) {
        const ang = (Math.PI * ((k * k) % (2 * n))) / n;
        chirp[2 * k] = Math.cos(ang);
        chirp[2 * k + 1] = -Math.sin(ang);
      }
      this.chirp = chirp;
      const b = new Array<number>(2 * m).fill(0);
      for (let k = 0; k < n; k++) {
        b[2 * k] = chirp[2 * k];
        b[2 * k + 1] = -chirp[2 * k + 1];
        if (k > 0) {
          b[2 * (m - k)] = chirp[2 * k];
          b[2 * (m - k) + 1] = -chirp[2 * k + 1];
        }
      }
      this.bfft = this.fft.createComplexArray();
      this.fft.transform(this.bfft, b);
      this.a = new Array<number>(2 * m).fill(0);
      this.A = this.fft.createComplexArray();
    } else {
      this.kind = 'dft';
      this.cos = new Float64Array(n);
      this.sin = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        this.cos[k] = Math.cos((2 * Math.PI * k) / n);
        this.sin[k] = Math.sin((2 * Math.PI * k) / n);
      }
    }
  }

  /** out = DFT(data) (inverse = false) or the normalised inverse (1/n Σ e^{+…}). */
  transform(out: Float64Array | number[], data: Float64Array | number[], inverse = false): void {
    const n = this.n;
    if (this.kind === 'pow2') {
      // Reused buffers: transforms inside a solver's iteration must not allocate.
      const o = (this.o ??= this.fft!.createComplexArray());
      const d = (this.d ??= new Array<number>(2 * n));
      for (let i = 0; i < 2 * n; i++) d[i] = data[i];
      if (inverse) this.fft!.inverseTransform(o, d);
      else this.fft!.transform(o, d);
      for (let i = 0; i < 2 * n; i++) out[i] = o[i];
      return;
    }
    if (this.kind === 'dft') {
      const res = new Float64Array(2 * n);
      const sgn = inverse ? 1 : -1;
      for (let k = 0; k < n; k++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          const idx = (k * j) % n;
          const c = this.cos![idx];
          const s = sgn * this.sin![idx];
          const xr = data[2 * j];
          const xi = data[2 * j + 1];
          sr += xr * c - xi * s;
          si += xr * s + xi * c;
        }
        res[2 * k] = inverse ? sr / n : sr;
        res[2 * k + 1] = inverse ? si / n : si;
      }
      for (let i = 0; i < 2 * n; i++) out[i] = res[i];
      return;
    }
    // Bluestein: X_k = conj(c_k) Σ_j (x_j conj(c_j)) c_{k−j}, c_k = e^{iπk²/n}; inverse by conjugation.
    const m = this.m;
    const chirp = this.chirp!;
    const a = this.a!;
    a.fill(0);
    for (let j = 0; j < n; j++) {
      const xr = data[2 * j];
      const xi = inverse ? -data[2 * j + 1] : data[2 * j + 1];
      const cr = chirp[2 * j];
      const ci = chirp[2 * j + 1];
      a[2 * j] = xr * cr - xi * ci;
      a[2 * j + 1] = xr * ci + xi * cr;
    }
    const A = this.A!;
    this.fft!.transform(A, a);
    const B = this.bfft!;
    for (let k = 0; k < m; k++) {
      const ar = A[2 * k];
      const ai = A[2 * k + 1];
      const br = B[2 * k];
      const bi = B[2 * k + 1];
      a[2 * k] = ar * br - ai * bi;
      a[2 * k + 1] = ar * bi + ai * br;
    }
    const conv = this.fft!.createComplexArray();
    this.fft!.inverseTransform(conv, a);
    for (let k = 0; k < n; k++) {
      const cr = chirp[2 * k];
      const ci = chirp[2 * k + 1];
      const yr = conv[2 * k] * cr - conv[2 * k + 1] * ci;
      const yi = conv[2 * k] * ci + conv[2 * k + 1] * cr;
      out[2 * k] = inverse ? yr / n : yr;
      out[2 * k + 1] = inverse ? -yi / n : yi;
    }
  }
}

/** Fourier tools for one grid: forward/inverse transforms of real cell fields (x fastest). */
export class GridFourier {
  readonly nx: number;
  readonly ny: number;
  private readonly fx: ComplexFFT;
  private readonly fy?: ComplexFFT;
  /** One line's input and output; lineX, lineY: the first 2·nx and 2·ny entries of `line` (views made once). */
  private readonly lineX: Float64Array;
  private readonly lineY: Float64Array;
  private readonly lineOut: Float64Array;
  /** The WebAssembly transform (2D, both sizes powers of two, where it loads and NLBGK_KERNELS ≠ js), else undefined. */
  private readonly wasm?: Fft2dWasm;

  constructor(readonly n: readonly number[]) {
    this.nx = n[0];
    this.ny = n.length === 2 ? n[1] : 1;
    this.fx = new ComplexFFT(this.nx);
    if (n.length === 2) this.fy = new ComplexFFT(this.ny);
    const L = Math.max(this.nx, this.ny);
    const line = new Float64Array(2 * L);
    this.lineX = line.subarray(0, 2 * this.nx);
    this.lineY = line.subarray(0, 2 * this.ny);
    this.lineOut = new Float64Array(2 * L);
    if (n.length === 2) this.wasm = Fft2dWasm.create(this.nx, this.ny) ?? undefined;
  }

  /** Which transform this grid's 2D transforms use: 'wasm' (./wasm/fft2d.wat) or 'js' (fft.js line by line); same bytes. */
  get kernel(): 'wasm' | 'js' {
    return this.wasm ? 'wasm' : 'js';
  }

  /** Integer wave number of index i on a length-n axis (−n/2 < k ≤ n/2). */
  static wave(i: number, n: number): number {
    return i <= n / 2 ? i : i - n;
  }

  /** Complex spectrum (interleaved, x fastest) of a real field. */
  forward(u: Float64Array): Float64Array {
    return this.forwardInto(u, new Float64Array(2 * this.nx * this.ny));
  }

  /** forward() into a caller's buffer U (length 2·nx·ny): no allocation for power-of-two sizes. */
  forwardInto(u: Float64Array, U: Float64Array): Float64Array {
    const { nx, ny } = this;
    // the WebAssembly path fills its own memory and copies out once
    const F = this.wasm && U.length === this.wasm.field.length ? this.wasm.field : U;
    for (let c = 0; c < nx * ny; c++) {
      F[2 * c] = u[c];
      F[2 * c + 1] = 0;
    }
    if (F === U) this.transformInPlace(U, false);
    else this.wasmOut(U, false);
    return U;
  }

  /** The spectrum of the complex field a + i b (two real fields in one transform) into U (length 2·nx·ny). */
  forwardPairInto(a: Float64Array, b: Float64Array, U: Float64Array): Float64Array {
    const n = this.nx * this.ny;
    const F = this.wasm && U.length === this.wasm.field.length ? this.wasm.field : U;
    for (let c = 0; c < n; c++) {
      F[2 * c] = a[c];
      F[2 * c + 1] = b[c];
    }
    if (F === U) this.transformInPlace(U, false);
    else this.wasmOut(U, false);
    return U;
  }

  /** Real part of the inverse transform of a spectrum. */
  inverseReal(U: Float64Array): Float64Array {
    const { nx, ny } = this;
    const W = Float64Array.from(U);
    this.transformInPlace(W, true);
    const out = new Float64Array(nx * ny);
    for (let c = 0; c < nx * ny; c++) out[c] = W[2 * c];
    return out;
  }

  /** The WebAssembly transform of its field (already filled), copied into U. */
  private wasmOut(U: Float64Array, inverse: boolean): void {
    const w = this.wasm!;
    w.transform(inverse);
    U.set(w.field);
  }

  /**
   * The 2D transform of the interleaved complex field U (x fastest), in place: rows, then columns. In
   * WebAssembly (see the header) U is copied into its memory and back; in JavaScript each line is copied out
   * and back (gathering straight into fft.js's arrays measured slower: 1.08 against 0.76–0.88 ms per 128²
   * transform, one session on the shared 2-core machine).
   */
  transformInPlace(U: Float64Array, inverse: boolean): void {
    if (this.wasm && U.length === this.wasm.field.length) {
      this.wasm.field.set(U);
      this.wasmOut(U, inverse);
      return;
    }
    const { nx, ny, lineX, lineY, lineOut } = this;
    for (let j = 0; j < ny; j++) {
      const b = 2 * nx * j;
      for (let i = 0; i < 2 * nx; i++) lineX[i] = U[b + i];
      this.fx.transform(lineOut, lineX, inverse);
      for (let i = 0; i < 2 * nx; i++) U[b + i] = lineOut[i];
    }
    if (!this.fy) return;
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        lineY[2 * j] = U[2 * (i + nx * j)];
        lineY[2 * j + 1] = U[2 * (i + nx * j) + 1];
      }
      this.fy.transform(lineOut, lineY, inverse);
      for (let j = 0; j < ny; j++) {
        U[2 * (i + nx * j)] = lineOut[2 * j];
        U[2 * (i + nx * j) + 1] = lineOut[2 * j + 1];
      }
    }
  }

  /**
   * Apply a Fourier multiplier m(kx, ky) (complex, returned as [re, im]) to a real field; the
   * result's real part. Used for ∂_d and (I − Δ)⁻¹ ∂_d.
   */
  multiply(u: Float64Array, symbol: (kx: number, ky: number, atNyquist: boolean) => [number, number]): Float64Array {
    const { nx, ny } = this;
    const U = this.forward(u);
    for (let j = 0; j < ny; j++) {
      const ky = GridFourier.wave(j, ny);
      const nyqY = ny > 1 && ny % 2 === 0 && j === ny / 2;
      for (let i = 0; i < nx; i++) {
        const kx = GridFourier.wave(i, nx);
        const nyqX = nx % 2 === 0 && i === nx / 2;
        const [mr, mi] = symbol(kx, ky, nyqX || nyqY);
        const c = i + nx * j;
        const ur = U[2 * c];
        const ui = U[2 * c + 1];
        U[2 * c] = ur * mr - ui * mi;
        U[2 * c + 1] = ur * mi + ui * mr;
      }
    }
    return this.inverseReal(U);
  }

  /** (I − Δ)⁻¹ ∂_d u with the chosen symbol (∂_d ↦ 2πi k_d, zero at the Nyquist index of axis d). */
  helmholtzDerivative(u: Float64Array, d: 0 | 1, symbol: HelmholtzSymbol = 'standard'): Float64Array {
    const nd = d === 0 ? this.nx : this.ny;
    return this.multiply(u, (kx, ky) => {
      const kd = d === 0 ? kx : ky;
      if (nd % 2 === 0 && Math.abs(kd) === nd / 2) return [0, 0];
      const k2 = kx * kx + ky * ky;
      const inv = symbol === 'standard' ? 1 / (1 + 4 * Math.PI * Math.PI * k2) : 1 / (1 + 2 * Math.PI * k2);
      return [0, 2 * Math.PI * kd * inv];
    });
  }

  /** Spectral ∂_d u (zero at the Nyquist index of axis d). */
  derivative(u: Float64Array, d: 0 | 1): Float64Array {
    const nd = d === 0 ? this.nx : this.ny;
    return this.multiply(u, (kx, ky) => {
      const kd = d === 0 ? kx : ky;
      if (nd % 2 === 0 && Math.abs(kd) === nd / 2) return [0, 0];
      return [0, 2 * Math.PI * kd];
    });
  }
}

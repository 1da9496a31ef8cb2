/**
 * Loader of the WebAssembly kernels of a 2D kinetic series row (wasm/series.wat, compiled to wasm/series.wasm next
 * to this module at build time by scripts/build-wasm.mjs): the per-cell pass over a level's moments, Lemma 2.5's
 * stencil terms (with or without the residual sums) and the Parseval mode loop of ./kineticSeries.ts. The
 * JavaScript there stays the reference and the fallback; the rows agree to round-off (test/seriesWasm.test.ts).
 *
 * Each SeriesWasm owns a private, non-shared WebAssembly.Memory sized once for its grid, from which KineticSeries
 * takes every array the kernels read or write (both levels' moments and terms, λ j, the four spectra, the
 * Fourier tables), so a row copies nothing into it. NLBGK_KERNELS is read as src/solvers/wasm/kernels.ts reads
 * it: `js` the JavaScript path, `wasm` this one (an error where it cannot load), anything else this one where it
 * loads (Node with the built .wasm), else JavaScript (e.g. the browser). No Node built-in is imported statically.
 */
import { chosenModule, KERNELS_ENV } from '../solvers/wasm/kernels.js';

let calls = 0;

/** How many series kernels (levelPass, lemma25, spectral) have run in this thread (tests check the path taken). */
export function seriesWasmCalls(): number {
  return calls;
}

/**
 * A level is this many arrays of N f64, taken one after another in the kernels' order (wasm/series.wat's header):
 * RL (the level's macro rho), RHO, S0, JX, JY, EXX, EXY, EYY, Q2, QMIN, QMAX, LAM, DIVJ, PX0, PX1, PX2, PY0, PY1, PY2.
 */
export const LEVEL_ARRAYS = 19;

type Exports = {
  levelPass(L: number, S: number, W: number, lx: number, ly: number, out: number): void;
  lemma25(M: number, Q: number, S: number, nx: number, ny: number, cx: number, cy: number, ie2: number, dt: number, res: number, out: number): void;
  spectral(Z0: number, Z1: number, Z2: number, Z3: number, nx: number, ny: number, kx: number, Dx: number, ky: number, Dy: number,
    fac: number, ie: number, ie2: number, out: number): void;
};

/** The kernels and the private memory of one nx × ny grid (nx even). */
export class SeriesWasm {
  /** Results of the last kernel call (levelPass: 11 values, lemma25: 13, spectral: 2). */
  readonly out: Float64Array;
  private readonly ex: Exports;
  private readonly buf: ArrayBuffer;
  private next: number;
  private readonly end: number;
  private readonly S: number;

  private constructor(mod: WebAssembly.Module, readonly nx: number, readonly ny: number, f64s: number) {
    const N = nx * ny;
    this.S = 8 * N;
    // 16 bytes of guard, the arrays (each 16-byte aligned), 16 bytes of guard
    const bytes = 16 + 8 * f64s + 16;
    const pages = Math.ceil(bytes / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.buf = memory.buffer;
    this.next = 16;
    this.end = bytes - 16;
    this.ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as Exports;
    this.out = this.take(16);
  }

  /**
   * The kernels for an nx × ny grid holding `f64s` values (the arrays' lengths, each rounded up to even, plus
   * the 16 results), or null where the JavaScript path stays: nx odd, NLBGK_KERNELS=js, no module, or no memory
   * of that size (unless NLBGK_KERNELS=wasm asked for it).
   */
  static create(nx: number, ny: number, f64s: number): SeriesWasm | null {
    if (nx % 2 !== 0 || nx < 2 || ny < 1) return null;
    // null for NLBGK_KERNELS=js or where the file cannot load (then an error for NLBGK_KERNELS=wasm)
    const mod = chosenModule('series.wasm', new URL(/* @vite-ignore */ './wasm/', import.meta.url));
    if (!mod) return null;
    const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[KERNELS_ENV];
    try {
      return new SeriesWasm(mod, nx, ny, f64s + 16);
    } catch (err) {
      if (v === 'wasm') throw err;
      return null;
    }
  }

  /** The next `n` f64 of the memory (16-byte aligned; consecutive calls with even n give adjacent arrays). */
  take(n: number): Float64Array {
    const m = n + (n % 2);
    if (this.next + 8 * m > this.end) throw new RangeError(`SeriesWasm.take(${n}): beyond the memory sized at creation`);
    const a = new Float64Array(this.buf, this.next, n);
    this.next += 8 * m;
    return a;
  }

  /** levelPass of wasm/series.wat on the level whose first array (RL) is at byte L; results in `out`. */
  levelPass(L: number, W: number, lx: Float64Array, ly: Float64Array): Float64Array {
    calls++;
    this.ex.levelPass(L, this.S, W, lx.byteOffset, ly.byteOffset, this.out.byteOffset);
    return this.out;
  }

  /** Lemma 2.5's terms of the level at byte M; with Q ≥ 0 also the residual sums against the level at Q (in `out`). */
  lemma25(M: number, Q: number, cx: number, cy: number, ie2: number, dt: number): Float64Array {
    calls++;
    this.ex.lemma25(M, Q < 0 ? M : Q, this.S, this.nx, this.ny, cx, cy, ie2, dt, Q < 0 ? 0 : 1, this.out.byteOffset);
    return this.out;
  }

  /** The mode loop over the four packed spectra Z (2·N each) with the axes' tables; [cross·N, dcross·N] in `out`. */
  spectral(Z: Float64Array[], kx: Float64Array, Dx: Float64Array, ky: Float64Array, Dy: Float64Array, fac: number, ie: number, ie2: number): Float64Array {
    calls++;
    this.ex.spectral(Z[0].byteOffset, Z[1].byteOffset, Z[2].byteOffset, Z[3].byteOffset, this.nx, this.ny,
      kx.byteOffset, Dx.byteOffset, ky.byteOffset, Dy.byteOffset, fac, ie, ie2, this.out.byteOffset);
    return this.out;
  }
}

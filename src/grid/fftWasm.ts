/**
 * Loader of the WebAssembly 2D FFT (wasm/fft2d.wat, compiled to wasm/fft2d.wasm next to this module at build time
 * by scripts/build-wasm.mjs): fft.js's radix-4 Cooley–Tukey on two lines per f64x2, bitwise the same as
 * GridFourier's JavaScript path (test/fourierWasm.test.ts).
 *
 * Each Fft2dWasm owns a private, non-shared WebAssembly.Memory sized once for its grid (field, one scratch pair of lines,
 * fft.js's twiddle tables and bit-reversal offsets for both axes) and a Float64Array view of the field in it.
 * The environment variable NLBGK_KERNELS is read as src/solvers/wasm/kernels.ts reads it (grid/ is below
 * solvers/, so the three lines are repeated here): `js` the JavaScript path, `wasm` this one (an error where it
 * cannot load), anything else this one where it loads (Node with the built .wasm), else JavaScript (e.g. the
 * browser, which has no file system here). No Node built-in is imported statically.
 */
import FFTjs from 'fft.js';

type Proc = { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };
const proc = (): Proc | undefined => (globalThis as { process?: Proc }).process;

let compiled: WebAssembly.Module | null | undefined;
let loadError = '';
let calls = 0;

/** The compiled module (once per thread), or null where it cannot load (no WebAssembly, no file system, no file, no SIMD). */
function module(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    if (typeof WebAssembly === 'undefined') throw new Error('no WebAssembly');
    const fs = proc()?.getBuiltinModule?.('node:fs') as { readFileSync(p: URL): Uint8Array<ArrayBuffer> } | undefined;
    if (!fs) throw new Error('no file system');
    compiled = new WebAssembly.Module(fs.readFileSync(new URL(/* @vite-ignore */ './wasm/fft2d.wasm', import.meta.url)));
  } catch (err) {
    loadError = err instanceof Error ? err.message : String(err);
  }
  return compiled;
}

/** Whether a grid built now uses the WebAssembly FFT where its sizes allow (reads NLBGK_KERNELS each time). */
export function fftWasmChosen(): boolean {
  const v = proc()?.env?.NLBGK_KERNELS;
  if (v === 'js') return false;
  if (v === 'wasm' && !module()) throw new Error(`NLBGK_KERNELS=wasm: the WebAssembly FFT cannot be loaded (${loadError})`);
  return module() !== null;
}

/** How many 2D transforms the WebAssembly FFT has run in this thread (tests check that it is the path taken). */
export function fftWasmCalls(): number {
  return calls;
}

const isPow2 = (n: number) => n >= 2 && (n & (n - 1)) === 0;

/** fft.js's own tables for length n (its fields `table`, `_bitrev`, `_width`), or null if they are not there. */
function fftTables(n: number): { table: ArrayLike<number>; rev: Int32Array; width: number } | null {
  const f = new FFTjs(n) as unknown as { table?: number[]; _bitrev?: number[]; _width?: number };
  if (!Array.isArray(f.table) || f.table.length !== 2 * n || !Array.isArray(f._bitrev) || typeof f._width !== 'number') return null;
  const step = 1 << f._width;
  const count = (2 * n) / (((2 * n) / step) << 1); // the first stage's blocks: _transform4's `t` runs over [0, count)
  if (!Number.isInteger(count) || count > f._bitrev.length) return null;
  return { table: f.table, rev: Int32Array.from(f._bitrev.slice(0, count)), width: f._width };
}

type Exports = {
  transform2d(u: number, nx: number, ny: number, out: number, tabX: number, revX: number, widthX: number,
    tabY: number, revY: number, widthY: number, inverse: number): void;
};

/** The WebAssembly 2D transform of one nx × ny grid (both powers of two ≥ 2). */
export class Fft2dWasm {
  /** The interleaved complex field (x fastest, 2·nx·ny values) in the module's memory: write, run, read. */
  readonly field: Float64Array;
  private readonly run: (inverse: number) => void;

  private constructor(mod: WebAssembly.Module, nx: number, ny: number, x: NonNullable<ReturnType<typeof fftTables>>, y: NonNullable<ReturnType<typeof fftTables>>) {
    const L = Math.max(nx, ny);
    // byte layout: field | out (one pair of lines in lane form) | tabX | tabY | revX | revY (every f64 part 16-byte aligned)
    const u = 0;
    const out = u + 16 * nx * ny;
    const tabX = out + 32 * L;
    const tabY = tabX + 16 * nx;
    const revX = tabY + 16 * ny;
    const revY = revX + 4 * x.rev.length;
    const bytes = revY + 4 * y.rev.length;
    const pages = Math.ceil(bytes / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const buf = memory.buffer;
    new Float64Array(buf, tabX, 2 * nx).set(x.table);
    new Float64Array(buf, tabY, 2 * ny).set(y.table);
    new Int32Array(buf, revX, x.rev.length).set(x.rev);
    new Int32Array(buf, revY, y.rev.length).set(y.rev);
    this.field = new Float64Array(buf, u, 2 * nx * ny);
    const ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as Exports;
    this.run = (inverse) => ex.transform2d(u, nx, ny, out, tabX, revX, x.width, tabY, revY, y.width, inverse);
  }

  /** The transform for an nx × ny grid, or null where the JavaScript path stays (sizes, NLBGK_KERNELS=js, no module). */
  static create(nx: number, ny: number): Fft2dWasm | null {
    if (!isPow2(nx) || !isPow2(ny) || !fftWasmChosen()) return null;
    const mod = module();
    const x = fftTables(nx);
    const y = fftTables(ny);
    if (!mod || !x || !y) return null;
    return new Fft2dWasm(mod, nx, ny, x, y);
  }

  /** The 2D transform of `field`, in place (inverse: fft.js's inverseTransform on every line, divided by n). */
  transform(inverse: boolean): void {
    calls++;
    this.run(inverse ? 1 : 0);
  }
}

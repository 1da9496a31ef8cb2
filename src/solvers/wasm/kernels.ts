/**
 * The WebAssembly kernels (factored2d.wat, kernels2d.wat, moments2d.wat, cells2d.wat, cells1d.wat, lines1d.wat, gamma.wat,
 * compiled to .wasm next to this module at build time by scripts/build-wasm.mjs): the 2D per-velocity x- and y-line
 * factorisations and solves, the line operators and the fused history right-hand side with the splitting term
 * (histSplit) of ../transport/factored2d.ts, G_k x and the face sums of
 * ../kinetic/kernels2d.ts, the per-cell moments of a level for the series rows (../microMacro/moments.ts), the bound
 * projection's and the error estimate's per-cell passes (2D: ../kinetic/cells2d.ts; 1D: ../kinetic/kinetic1d.ts,
 * ../microMacro/levels.ts), and the 1D interleaved line sweeps of
 * ../transport/lines1d.ts, and the blending weights γ = exp(−z²) of ../transport/apTransport2d.ts and
 * ../transport/apFaces1d.ts (gamma.wat, with a port of fdlibm's exp as V8's Math.exp runs it), bitwise the same as
 * the JavaScript (same IEEE operations in the same order; test/factored2d.test.ts, test/kinetic2d.test.ts,
 * test/lines1d.test.ts, test/gammaWasm.test.ts). multigrid.wat (the V-cycle's per-level
 * kernels, ../linear/multigridWasm.ts) is loaded alone by chosenModule and runs on each HelmholtzMG's own
 * private memory instead (test/multigridWasm.test.ts).
 *
 * They work on arrays inside one shared WebAssembly.Memory: a solver that uses them allocates its arrays
 * in a SharedArena on `kernelMemory()` (../parallel/arena.ts), and every thread instantiates the module
 * against that memory (`wasmKernels`). The environment variable NLBGK_KERNELS selects the kernels:
 * `js` the JavaScript ones, `wasm` these (an error where they cannot load), unset or anything else: these
 * when they load (Node with the built .wasm), else JavaScript (e.g. the browser explorer, which has no file
 * system here). Both give the same bytes: the choice only changes the speed.
 * No Node built-in is imported statically (the library also runs in the browser).
 */

/** The environment variable that selects the kernels: js | wasm (default: wasm where available). */
export const KERNELS_ENV = 'NLBGK_KERNELS';

/** The exports of both modules; pointers are byte addresses in the memory (see the .wat sources). */
export interface WasmKernels {
  solveRows(nx: number, ny: number, s: number, c: number, g: number, ga: number, inv: number, z: number, invS: number, x: number): void;
  solveCols(nx: number, ny: number, s: number, c: number, g: number, ga: number, inv: number, z: number, invS: number, x: number, sL: number, sc: number, hasScale: number): void;
  applyG(nx: number, ny: number, ax: number, ay: number, bx: number, by: number, c0: number, cx: number, cy: number, x: number, y: number, gx: number, gy: number, dfx: number, dfy: number, south: number, sub: number): void;
  accumulate(nx: number, ny: number, cx: number, cy: number, q: number, gx: number, gy: number, accx: number, accy: number): void;
  applyLineOp(nx: number, ny: number, dir: number, s: number, c: number, g: number, ga: number, q: number, out: number): void;
  factorCols(nx: number, ny: number, s: number, c: number, g: number, ga: number, a: number, inv: number, z: number, invS: number): void;
  factorRows(nx: number, ny: number, s: number, c: number, g: number, ga: number, a: number, inv: number, z: number, invS: number): void;
  divide(x: number, a: number, n: number): void;
  histSplit(nx: number, ny: number, sx: number, cx: number, gx: number, gax: number, sy: number, cy: number, gy: number, gay: number, a: number, a1: number, a2: number, qN: number, qO: number, hr: number, out: number, line: number, lineY: number): void;
  hist(out: number, qN: number, qO: number, hr: number, a1: number, a2: number, n: number): void;
  subtract(out: number, t: number, n: number): void;
  /** out −= Σ_c y[c] u_c (c < m, u_c = u + c·stride bytes, summed in order), n values (Kinetic2DKernels.combineVel). */
  combine(out: number, u: number, stride: number, y: number, m: number, n: number): void;
  /** moments2d.wat: momentsCells2D on the cells [p0, p1), p1 − p0 even; wk the six weight arrays (K each, contiguous). */
  /**
   * lines1d.wat: the row sweeps of ../transport/lines1d.ts; K active velocities (even), work arrays [row * K + j];
   * q's rows Kq long, offs 0 (every velocity active) or q's byte offsets act[j] * 8 (Int32).
   */
  lineFactorForward(N: number, K: number, c0: number, c: number, a1: number, a2: number, x: number, df: number, aC: number, hist: number, qN: number, qO: number, q: number, gam: number, finv: number, fz: number, ka: number, kb: number, ks: number, phiP: number, cpP: number, zP: number, wP: number, Kq: number, offs: number): void;
  lineFactorBackward(N: number, K: number, q: number, gam: number, finv: number, fz: number, ks: number, zN: number, yN: number, Kq: number, offs: number): void;
  borderRows(N: number, K: number, q: number, fz: number, wbuf: number, sv: number, sub: number, Kq: number, offs: number): void;
  forwardG(N: number, K: number, c0: number, c: number, x: number, df: number, gam: number, finv: number, wbuf: number, ka: number, kb: number, ks: number, phiP: number, wP: number): void;
  backwardW(N: number, K: number, gam: number, finv: number, wbuf: number, ks: number, yN: number): void;
  gatherGamma(N: number, K: number, gamG: number, goff: number, gamA: number): void;
  faceSums(N: number, K: number, f0: number, f1: number, q: number, gam: number, kc: number, wbuf: number, fz: number, sv: number, sub: number, acc: number, Kq: number, offs: number): void;
  moments(N: number, K: number, wk: number, q: number, s0: number, q2: number, jx: number, jy: number, exx: number, exy: number, eyy: number, qmin: number, qmax: number, p0: number, p1: number): void;
  /** cells2d.wat: the bound projection's sum and subtraction with the extremes, its scale, the estimate's sums, on the cells [p0, p1) (p1 − p0 even). */
  projectSums(N: number, K: number, w: number, q: number, sum: number, qmax: number, qmin: number, p0: number, p1: number): void;
  scaleCells(N: number, K: number, q: number, theta: number, p0: number, p1: number): void;
  estimateSums(N: number, K: number, w: number, rhoN: number, qN: number, qOld: number, qOld2: number, qNew: number, er: number, filt: number, se: number, sy: number, a0: number, a1: number, a2: number, p0: number, p1: number): void;
  /** cells1d.wat: the same two per-cell loops on a cell-major 1D level q[i K + k], cells [p0, p1) (p1 − p0 even). */
  projectSums1D(K: number, w: number, q: number, qmax: number, qmin: number, p0: number, p1: number): void;
  estimateSums1D(K: number, w: number, rhoNew: number, rhoN: number, rhoOld: number, rhoOld2: number, qNew: number, qN: number, qOld: number, qOld2: number, aC: number, se: number, sy: number, a0: number, a1: number, a2: number, c0: number, p0: number, p1: number): void;
  /** gamma.wat: y[i] = x[i] < −cut ? 0 : exp(x[i]) for i < n and x[i] ≤ −0 or NaN, bitwise Math.exp (pairs as f64x2, an odd last one scalar). */
  expNegArray(x: number, y: number, n: number, cut: number): void;
  /** gamma.wat: y[i] = exp(x[i]) for i < n and every x, bitwise Math.exp (scalar). */
  expArrayScalar(x: number, y: number, n: number): void;
  /** γ[p] = z² > cut ? 0 : exp(−z²), z = z0 / df[p], v2b[p] += c (1 − γ[p]) for p < n; returns the largest γ (from 0). */
  gammaFaces(n: number, z0: number, cut: number, c: number, df: number, g: number, v2b: number): number;
}

const MODULES = ['factored2d.wasm', 'kernels2d.wasm', 'moments2d.wasm', 'cells2d.wasm', 'cells1d.wasm', 'lines1d.wasm', 'gamma.wasm'];
let compiled: WebAssembly.Module[] | null | undefined;
let loadError = '';

type Proc = { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };
const proc = (): Proc | undefined => (globalThis as { process?: Proc }).process;

/** The compiled modules (once per thread), or null where they cannot load (no file system, a file missing, no SIMD). */
function modules(): WebAssembly.Module[] | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    const fs = proc()?.getBuiltinModule?.('node:fs') as { readFileSync(p: URL): Uint8Array<ArrayBuffer> } | undefined;
    if (!fs) throw new Error('no file system');
    compiled = MODULES.map((name) => new WebAssembly.Module(fs.readFileSync(new URL(/* @vite-ignore */ `./${name}`, import.meta.url))));
  } catch (err) {
    loadError = err instanceof Error ? err.message : String(err);
  }
  return compiled;
}

const single = new Map<string, WebAssembly.Module | null>();

/**
 * One module compiled alone (once per thread) when the WebAssembly kernels are chosen (NLBGK_KERNELS as for
 * kernelChoice), else null: `js`, or the file cannot load (the browser), unless NLBGK_KERNELS=wasm asked for it.
 * Used by modules with their own private memory (multigrid.wasm, ../linear/multigridWasm.ts; series.wasm, whose
 * file lies in another folder: `dir`, the folder's URL, default this module's).
 */
export function chosenModule(name: string, dir?: URL): WebAssembly.Module | null {
  const v = proc()?.env?.[KERNELS_ENV];
  if (v === 'js') return null;
  const file = new URL(/* @vite-ignore */ `./${name}`, dir ?? import.meta.url);
  if (!single.has(file.href)) {
    let mod: WebAssembly.Module | null = null;
    try {
      const fs = proc()?.getBuiltinModule?.('node:fs') as { readFileSync(p: URL): Uint8Array<ArrayBuffer> } | undefined;
      if (!fs) throw new Error('no file system');
      mod = new WebAssembly.Module(fs.readFileSync(file));
    } catch (err) {
      loadError = err instanceof Error ? err.message : String(err);
    }
    single.set(file.href, mod);
  }
  const mod = single.get(file.href) ?? null;
  if (!mod && v === 'wasm') throw new Error(`${KERNELS_ENV}=wasm: ${name} cannot be loaded (${loadError})`);
  return mod;
}

/** Which kernels a solver built now uses (reads NLBGK_KERNELS each time). */
export function kernelChoice(): 'js' | 'wasm' {
  const v = proc()?.env?.[KERNELS_ENV];
  if (v === 'js') return 'js';
  if (v === 'wasm') {
    if (!modules()) throw new Error(`${KERNELS_ENV}=wasm: the WebAssembly kernels cannot be loaded (${loadError})`);
    return 'wasm';
  }
  // any other value: the default (both kernels give the same bytes; the choice only changes the speed)
  return modules() ? 'wasm' : 'js';
}

/**
 * A fresh shared memory for a solver's arena when the WebAssembly kernels are chosen, else null (also where
 * the address space for it cannot be reserved, unless NLBGK_KERNELS=wasm asked for them).
 */
export function kernelMemory(): WebAssembly.Memory | null {
  if (kernelChoice() !== 'wasm') return null;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  } catch (err) {
    if (proc()?.env?.[KERNELS_ENV] === 'wasm') throw err;
    return null;
  }
}

/** This thread's instances of the kernels on a memory (from kernelMemory, possibly in another thread). */
export function wasmKernels(memory: WebAssembly.Memory): WasmKernels {
  const mods = modules();
  if (!mods) throw new Error(`the WebAssembly kernels cannot be loaded (${loadError})`);
  const exports = mods.map((m) => new WebAssembly.Instance(m, { env: { memory } }).exports);
  return Object.assign({}, ...exports) as WasmKernels;
}

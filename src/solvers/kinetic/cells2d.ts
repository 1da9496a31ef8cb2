/**
 * The per-cell tasks of the 2D kinetic stepper (kernels2d.ts: Task2D.PROJECT, ESTIMATE, MOMENTS) on one
 * thread's cells [p0, p1): with the WebAssembly kernels (`wasm` given, every array in its memory) the passes
 * over q run as WebAssembly on the pairs of cells (../wasm/cells2d.wat, moments2d.wat) and an odd last cell
 * as JavaScript; without them, all as JavaScript. Each cell's operations are the same whichever runs them and
 * however the cells are split, so the bytes are the same (test/cells2d.test.ts, test/kinetic2d.test.ts).
 * The bound projection's θ per cell (finite checks, return code, limitedC) is JavaScript either way.
 */
import { projectQCells, scaleCells, subtractExtremesCells, thetaCells, weightedSumCells } from '../limiter.js';
import { estimateSumsCells } from '../microMacro/levels2d.js';
import { momentsCells2D, type LevelMomentArrays } from '../microMacro/moments.js';
import type { WasmKernels } from '../wasm/kernels.js';

/** The end of the even part of [p0, p1) (the pairs of cells). */
const pairsEnd = (p0: number, p1: number): number => p0 + 2 * ((p1 - p0) >> 1);

/** limiter.ts projectQCells on [p0, p1) (same arguments, same return value: cells scaled or −(p+1)). */
export function projectQTask(
  wasm: WasmKernels | null,
  N: number,
  K: number,
  w: Float64Array,
  lo: number,
  hi: number,
  useLimiter: boolean,
  r: Float64Array,
  q: Float64Array,
  sum: Float64Array,
  qmax: Float64Array,
  qmin: Float64Array,
  limitedC: Uint8Array,
  p0: number,
  p1: number,
): number {
  if (!wasm) return projectQCells(N, K, w, lo, hi, useLimiter, r, q, sum, qmax, qmin, limitedC, p0, p1);
  const pe = pairsEnd(p0, p1);
  if (pe > p0) wasm.projectSums(N, K, w.byteOffset, q.byteOffset, sum.byteOffset, qmax.byteOffset, qmin.byteOffset, p0, pe);
  if (pe < p1) {
    weightedSumCells(N, K, w, q, sum, pe, p1);
    subtractExtremesCells(N, K, q, sum, qmax, qmin, pe, p1);
  }
  const scaled = thetaCells(lo, hi, useLimiter, r, sum, qmax, qmin, limitedC, p0, p1);
  if (scaled > 0) {
    if (pe > p0) wasm.scaleCells(N, K, q.byteOffset, sum.byteOffset, p0, pe);
    if (pe < p1) scaleCells(N, K, q, sum, pe, p1);
  }
  return scaled;
}

/** levels2d.ts estimateSumsCells on [p0, p1) (a0, a1, a2: the predictor's coefficients). */
export function estimateSumsTask(
  wasm: WasmKernels | null,
  N: number,
  K: number,
  w: Float64Array,
  rhoN: Float64Array,
  qN: Float64Array,
  qOld: Float64Array,
  qOld2: Float64Array,
  qNew: Float64Array,
  er: Float64Array,
  filt: Float64Array,
  se: Float64Array,
  sy: Float64Array,
  a0: number,
  a1: number,
  a2: number,
  p0: number,
  p1: number,
): void {
  let p = p0;
  if (wasm) {
    p = pairsEnd(p0, p1);
    if (p > p0) wasm.estimateSums(N, K, w.byteOffset, rhoN.byteOffset, qN.byteOffset, qOld.byteOffset, qOld2.byteOffset, qNew.byteOffset, er.byteOffset, filt.byteOffset, se.byteOffset, sy.byteOffset, a0, a1, a2, p0, p);
  }
  if (p < p1) estimateSumsCells(N, K, w, rhoN, qN, qOld, qOld2, qNew, er, filt, se, sy, a0, a1, a2, p, p1);
}

/** Cells per block of the estimate's sums with the moments (256 cells × 144 velocities of qNew: ~300 kB, in L2). */
const ESTIMATE_MOMENTS_BLOCK = 256;

/** What momentsTask needs besides the level and the cells (the moments of qNew computed with the estimate). */
export interface MomentOutputs {
  wasm: WasmKernels | null;
  wk: Float64Array[];
  wm: Float64Array;
  out: LevelMomentArrays;
}

/**
 * estimateSumsTask on [p0, p1), and with `moments` also the moments of qNew (momentsTask) block by block, so
 * that they read the qNew block the sums just read; each cell's values are the same for any split of the cells.
 */
export function estimateTask(
  wasm: WasmKernels | null,
  N: number,
  K: number,
  w: Float64Array,
  rhoN: Float64Array,
  qN: Float64Array,
  qOld: Float64Array,
  qOld2: Float64Array,
  qNew: Float64Array,
  er: Float64Array,
  filt: Float64Array,
  se: Float64Array,
  sy: Float64Array,
  a0: number,
  a1: number,
  a2: number,
  moments: MomentOutputs | null,
  p0: number,
  p1: number,
): void {
  const block = moments ? ESTIMATE_MOMENTS_BLOCK : p1 - p0;
  for (let b0 = p0; b0 < p1; b0 += block) {
    const b1 = Math.min(p1, b0 + block);
    estimateSumsTask(wasm, N, K, w, rhoN, qN, qOld, qOld2, qNew, er, filt, se, sy, a0, a1, a2, b0, b1);
    if (moments) momentsTask(moments.wasm, N, K, moments.wk, moments.wm, qNew, moments.out, b0, b1);
  }
}

/**
 * moments.ts momentsCells2D on [p0, p1); `wm`: the six weight arrays `wk` contiguous in the memory (K values each),
 * read by the WebAssembly.
 */
export function momentsTask(wasm: WasmKernels | null, N: number, K: number, wk: Float64Array[], wm: Float64Array, q: Float64Array, out: LevelMomentArrays, p0: number, p1: number): void {
  let p = p0;
  if (wasm) {
    p = pairsEnd(p0, p1);
    if (p > p0) wasm.moments(N, K, wm.byteOffset, q.byteOffset, out.s0.byteOffset, out.q2.byteOffset, out.jx.byteOffset, out.jy.byteOffset, out.exx.byteOffset, out.exy.byteOffset, out.eyy.byteOffset, out.qmin.byteOffset, out.qmax.byteOffset, p0, p);
  }
  if (p < p1) momentsCells2D(N, K, wk, q, out, p, p1);
}

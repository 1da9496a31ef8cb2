/**
 * The shared-memory protocol between the 2D kinetic stepper (kinetic2d.ts) and its kernels (kernels2d.ts), as
 * every thread reads it: the tasks, the slots of the step's scalars (`par`) and of the ids of the rotating
 * levels' arrays (`args`), the fixed arrays by name and the layout a thread rebuilds its context from.
 */
/** Number of velocity groups (fixed, independent of the thread count: it fixes the summation order). */
export const VELOCITY_GROUPS = 8;

export const enum Task2D {
  FACTOR = 1,
  HIST = 2,
  SCHUR = 3,
  CORRECT = 4,
  INACTIVE = 5,
  ACCSUM = 6,
  PROJECT = 7,
  ESTIMATE = 8,
  /** The per-cell moments of the level args[QMOM] (series diagnostics; ../microMacro/moments.ts). */
  MOMENTS = 9,
  /** qNew_k −= Σ_c y_c U_c[k] from the stored per-direction solves (CORRECT without a solve), then the face sums. */
  COMBINE = 10,
}

/** Indices into `par` (step scalars, written by the stepper before a task). */
export const enum Par {
  DT = 0,
  C0 = 1,
  A1 = 2,
  A2 = 3,
  /** Estimate: predictor coefficients. */
  P0 = 4,
  P1 = 5,
  P2 = 6,
  NACT = 7,
  NINACT = 8,
  NUNITS = 9,
  /** 1: per-velocity solves converge to the exact M_k^{-1} (reference mode); 0: stabilised factorisation. */
  EXACT = 10,
  /** 1: the ESTIMATE task also computes the moments of qNew (MOMENTS' outputs), block by block while q is in cache. */
  MOMENTS = 11,
  /** SCHUR: the slot of 'store' that keeps this application's per-velocity solves (−1: none). */
  STORE = 12,
  /** COMBINE: the number of stored directions combined. */
  NCOMBINE = 13,
  SIZE = 14,
}

/** Indices into `args` (array ids of the rotating levels and the vectors of a task). */
export const enum Arg {
  RHO = 0,
  QN = 1,
  QOLD = 2,
  QNEW = 3,
  X = 4,
  RHON = 5,
  RHOOLD = 6,
  RHOOLD2 = 7,
  QOLD2 = 8,
  QMOM = 9,
  SIZE = 10,
}

/** The arrays of the MOMENTS task's output (LevelMomentArrays' fields, prefixed). */
export const MOMENT_ARRAYS = ['mS0', 'mQ2', 'mJx', 'mJy', 'mExx', 'mExy', 'mEyy', 'mQmin', 'mQmax'] as const;

/** What every thread needs to rebuild the context: sizes, constant tables and the ids of the fixed arrays. */
export interface Kinetic2DLayout {
  nx: number;
  ny: number;
  K: number;
  dx: number;
  dy: number;
  eps: number;
  lo: number;
  hi: number;
  useLimiter: boolean;
  vx: number[];
  vy: number[];
  w: number[];
  axIdx: number[];
  ayIdx: number[];
  /** x unit of velocity k (signed vx, |vy|) and y unit (signed vy, |vx|); y units follow the x units. */
  unitX: number[];
  unitY: number[];
  nUnitsX: number;
  nUnitsY: number;
  ids: Record<string, number>;
}

/** The fixed arrays, by name (allocated by the stepper in this order of names). */
export const FIXED_ARRAYS = [
  'gx', 'gy', 'gax', 'gay', 'Dfx', 'Dfy', 'aC', 'histRho',
  'invU', 'zU', 'invSU', 'unitS', 'unitC', 'unitUsed',
  'accxG', 'accyG', 'accx', 'accy', 'actX', 'actY', 'actList', 'inactList', 'groupStart',
  'sum', 'qmax', 'qmin', 'limitedC', 'er', 'filt', 'se', 'sy', 'par', 'args', 'result',
  // one Int32: the next item (unit, group, velocity) of a task shared out dynamically (FACTOR, HIST, SCHUR,
  // CORRECT, COMBINE, INACTIVE), reset to 0 by the stepper before the task
  'next',
  // the per-velocity solves M_k⁻¹ G_k z_c of the Schur applications of one FGMRES cycle (slot c: K·N values,
  // velocity k at (c K + k) N), and the cycle's coefficients y_c (COMBINE)
  'store', 'storeY',
  ...MOMENT_ARRAYS,
  // the moments' six weight arrays of K values (momentWeights2D), contiguous (read by the WebAssembly moments)
  'momentWeights',
  // per thread: two vectors of N and two lines of max(nx, ny) (the solves', G_k's and the history right-hand
  // side's scratch, in the arena so that the WebAssembly kernels can address it); `lineScratchSize` values per thread
  'lineScratch',
] as const;

/** Values of 'lineScratch' per thread. */
export function lineScratchSize(nx: number, ny: number): number {
  return 2 * nx * ny + 2 * Math.max(nx, ny);
}

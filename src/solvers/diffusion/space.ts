/**
 * What the diffusion stepper (./solver.ts) needs from the space discretisation: the nonlinear solve
 * of one implicit step, in Kirchhoff form,
 *
 *     c (rho - rho^n) - hist = (h / V) [ sum_faces T_f (Phi_q - Phi_p) - B_p(rho_p, t) ],
 *
 * (B_p: the outflow through the cell's boundary faces), which accepts the consistent update (so that
 * mass changes only through B), and the outflow rates per boundary side at the accepted solution.
 * Two implementations: ./torus.ts (periodic boxes with positive data: the scheme of before the domain
 * work, bit for bit) and ./mesh.ts (every other domain, vacuum, boundaries, radial meshes).
 */
import type { Tolerances } from '../stepper.js';

/** Work arrays shared by the stepper and its space (all of length cells). */
export interface NewtonBuffers {
  /** The history term hist (BDF2: a2 (rho^n - rho^{n-1}); backward Euler: 0). */
  readonly hist: Float64Array;
  /** The Newton iterate rho_k (holds the predictor on entry). */
  readonly iter: Float64Array;
  readonly phi: Float64Array;
  readonly dphi: Float64Array;
  readonly rhs: Float64Array;
  readonly z: Float64Array;
  readonly diag: Float64Array;
}

/** The counters a space adds to (the stepper's stats). */
export interface NewtonCounters {
  newtonIterations: number;
  linearIterations: number;
  positivityFixes: number;
}

export interface NewtonSpace {
  /**
   * Solve the implicit step (coefficient c, step h, boundary data at time t) from the guess in
   * buffers.iter; on success the consistent update is in `next`. False if Newton failed.
   */
  solve(c: number, h: number, t: number, cur: Float64Array, next: Float64Array): boolean;
  /** The largest absolute Newton tolerance of the last solve (for the bounds check). */
  readonly stop: number;
  /**
   * The part of an error estimate the last solve's tolerance can produce, in the estimate's weighted
   * norm: factor (the predictor's weight sum times Milne's constant) times the tolerance over the
   * weights (wmin: the smallest weight).
   */
  estimateNoise(factor: number, wmin: number): number;
  /** Outflow rate (mass per unit time) through each boundary side at the last solution. */
  readonly rates: Float64Array;
  /** New bounds of the maximum principle and the error tolerances (restoreState, Simulation). */
  setScales(scale: number, phiScale: number, tolerances: Tolerances): void;
}

/**
 * What every micro–macro implementation (kinetic and Fokker–Planck, 1D and 2D, periodic or walled)
 * does the same way around its own step:
 *
 * - the AdaptiveStepper protocol: `attempt(dt)` computes the step into the work levels and commits
 *   nothing (a NumericalFailure becomes +Infinity with `lastFailure` set, so the controller retries
 *   smaller), `accept()` commits, `step(dt)` is the fixed-step path;
 * - the local error estimate: Milne's device on the time levels (./levels.ts `estimate`), q filtered by
 *   c0 / a per cell, cells where the bound limiter acted left out, the Krylov stopping bound as noise;
 * - the variable-step BDF2 coefficients (ω = dt_n / dt_{n−1}), in the form
 *
 *     c0 y^{n+1} − dt F(y^{n+1}) = a1 y^n − a2 y^{n−1},
 *     c0 = (1 + 2ω) / (1 + ω),   a1 = 1 + ω,   a2 = ω² / (1 + ω),
 *
 *   and backward Euler (c0 = a1 = 1, a2 = 0) on the first step or when BDF2 is off.
 *   Reference: E. Hairer, S. P. Nørsett, G. Wanner, Solving Ordinary Differential Equations I,
 *   2nd ed., Springer 1993, §III.5 (variable step size BDF, eq. (5.9) with k = 2).
 */
import { NumericalFailure, type Tolerances } from '../stepper.js';
import { predictorCoefficients } from '../errorEstimate.js';
import { combine2, combine3 } from '../linear/vectors.js';
import { newCounters, type Levels1D } from './levels.js';
import type { Levels2D } from './levels2d.js';
import type { MicroMacroImpl } from './facade.js';

/** The coefficients of one variable-step BDF2 (or backward Euler) step; reused, never reallocated. */
export interface Bdf2Coefficients {
  /** ω = dt / dt_prev (0 for backward Euler). */
  om: number;
  c0: number;
  a1: number;
  a2: number;
}

/** Fill `out` with the coefficients of a step of length dt after one of length dtPrev (see header). */
export function bdf2Coefficients(out: Bdf2Coefficients, dt: number, dtPrev: number, second: boolean): Bdf2Coefficients {
  const om = second ? dt / dtPrev : 0;
  out.om = om;
  out.c0 = second ? (1 + 2 * om) / (1 + om) : 1;
  out.a1 = second ? 1 + om : 1;
  out.a2 = second ? (om * om) / (1 + om) : 0;
  return out;
}

export abstract class MicroMacroStepper implements MicroMacroImpl {
  readonly counters = newCounters();
  tolerances: Tolerances = { rtol: 1e-4, atol: 1e-4 };
  lastError = NaN;
  lastFailure = '';
  errorPlace = -1;
  estimateNoise = 0;
  abstract readonly levels: Levels1D | Levels2D;
  /** The name in error messages (e.g. 'KineticSolver'). */
  protected abstract readonly who: string;
  /** a = c0 + dt λ / eps² per cell (this step): the relaxation that filters q in the estimate. */
  protected abstract readonly aC: Float64Array;
  /** The bound limiter; the cells it marked are left out of the estimate. */
  protected abstract readonly limiter: { readonly limitedC: Uint8Array };
  /** This step's BDF2 coefficients (set by `bdf2Step(dt)`), and their c0 (read by the hot loops). */
  protected readonly coef: Bdf2Coefficients = { om: 0, c0: 1, a1: 1, a2: 0 };
  protected c0 = 1;
  /** The Krylov iteration's stopping bound on the density in the last solve (absolute, in rho). */
  protected solveStop = 0;
  /** The attempt waiting for accept(): its length (0: none) and estimate. */
  private pendingDt = 0;
  private pendingError = NaN;

  constructor(protected readonly bdf2: boolean) {}

  /** Compute the step of length dt into the work levels (nothing committed); throw NumericalFailure. */
  protected abstract attemptStep(dt: number): void;

  /** Called with the failure that ended an attempt (before it is reported as +Infinity). */
  protected onFailure(_err: NumericalFailure): void {}

  private readonly pc = new Float64Array(3);

  /**
   * The initial guess of a step's density solve: the quadratic predictor through the last three levels (the
   * linear extrapolation (1 + ω) ρ^n − ω ρ^{n−1} with two, ρ^n at the first step).
   */
  protected predictDensity(dt: number, om: number, rho: Float64Array): void {
    const L = this.levels;
    const N = L.rhoN.length;
    if (L.dtPrev > 0 && L.dtPrev2 > 0 && this.counters.steps > 1) {
      const [p0, p1, p2] = predictorCoefficients(dt, L.dtPrev, L.dtPrev2, this.pc);
      combine3(rho, p0, L.rhoN, p1, L.rhoOld, p2, L.rhoOld2, N);
    } else if (L.dtPrev > 0 && this.counters.steps > 0) {
      combine2(rho, 1 + om, L.rhoN, -om, L.rhoOld, N);
    } else rho.set(L.rhoN);
  }

  /** Whether this step is BDF2 (else backward Euler: the first step, or BDF2 off). */
  protected get secondOrder(): boolean {
    return this.bdf2 && this.counters.steps > 0;
  }

  /** This step's coefficients (BDF2 after a first backward-Euler step). */
  protected bdf2Step(dt: number): Bdf2Coefficients {
    bdf2Coefficients(this.coef, dt, this.levels.dtPrev, this.secondOrder);
    this.c0 = this.coef.c0;
    return this.coef;
  }

  step(dt: number): void {
    if (this.attempt(dt) === Infinity) throw new NumericalFailure(this.lastFailure);
    this.accept();
  }

  /** The step of length dt into work buffers (nothing committed) and its weighted local error estimate. */
  attempt(dt: number): number {
    this.lastFailure = '';
    this.pendingDt = 0;
    try {
      this.attemptStep(dt);
    } catch (err) {
      if (!(err instanceof NumericalFailure)) throw err;
      this.onFailure(err);
      this.lastFailure = err.message;
      return Infinity;
    }
    this.pendingDt = dt;
    this.pendingError = this.estimate(dt);
    return this.pendingError;
  }

  /** The attempt's weighted local error estimate (NaN while the history is too short); sets errorPlace and estimateNoise. */
  protected estimate(dt: number): number {
    const L = this.levels;
    const e = L.estimate(dt, this.secondOrder ? 2 : 1, this.c0, this.aC, this.limiter.limitedC, this.tolerances, this.solveStop);
    this.errorPlace = L.place;
    this.estimateNoise = L.noise;
    return e;
  }

  accept(): void {
    if (!(this.pendingDt > 0)) throw new Error(`${this.who}.accept: no attempt to accept`);
    this.levels.commit(this.pendingDt);
    this.counters.steps++;
    this.lastError = this.pendingError;
    this.pendingDt = 0;
  }

  /** Restore lastError with the levels (the checkpoint's value, NaN when there was none). */
  setLastError(e: number): void {
    this.lastError = e;
    this.pendingDt = 0;
  }
}

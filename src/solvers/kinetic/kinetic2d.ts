/**
 * The 2D stepper of the kinetic AP scheme (paper eq. (1.2); see kinetic1d.ts and docs/kinetic-scheme.md).
 *
 * Same unknowns and face fluxes as in 1D, per direction (../transport/apTransport2d.ts). The per-velocity
 * transport operator M_k = a + Tx_k + Ty_k (a = c0 + dt lambda / eps^2) is no longer tridiagonal; it is
 * replaced by the approximate factorisation Mt_k = (a + Tx_k) a^{-1} (a + Ty_k) in delta form
 * (Beam-Warming): the extra term Tx a^{-1} Ty is applied to q^{n+1} - q^n, so it perturbs the step by
 * O(dt^3) and keeps second order; it vanishes with the blending weights gamma as eps -> 0 (AP unaffected).
 * Mt_k^{-1} costs one sweep of periodic tridiagonal x-lines and one of y-lines. The density Schur
 * complement is solved by flexible GMRES, preconditioned by a few Jacobi-PCG iterations on the
 * limit diffusion operator L (which is exactly the Schur complement when all gamma vanish).
 *
 * Cost structure: gamma depends on the velocity only through |vx| (x faces) or |vy| (y faces), and
 * the x-line operator a + Tx_k only through vx_k, so the blending weights are computed per distinct
 * |vx| (Nv/2 exponentials per face instead of Nv^2) and the x-lines are factored once per step per
 * distinct vx (Nv factorisations shared by the Nv velocities with that vx; y likewise). The Schur
 * solve starts from rho^n with the residual formed together with the predicted q (one line solve
 * per velocity), GMRES runs from a zero guess, and the true residual is checked from the final q
 * (which is needed for the fluxes anyway): per step 2 + (GMRES iterations) line solves per velocity.
 */
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure, type Tolerances } from '../stepper.js';
import { Gmres, type LinearOperator } from '../linear/gmres.js';
import { ApTransport2D } from '../transport/apTransport2d.js';
import { BoundLimiter2D } from '../limiter.js';
import { Levels2D, newCounters } from '../microMacro/levels.js';
import type { MicroMacroImpl, MicroMacroSetup } from '../microMacro/facade.js';

/** The density Schur solve did not converge (step() then retakes the step as two half steps). */
class SchurNotConverged extends NumericalFailure {}

export class Kinetic2D implements MicroMacroImpl {
  readonly nx: number;
  readonly ny: number;
  readonly N: number;
  readonly K: number;
  readonly counters = newCounters();
  readonly levels: Levels2D;
  tolerances: Tolerances = { rtol: 1e-4, atol: 1e-4 };
  lastError = NaN;
  lastFailure = '';
  errorPlace = -1;
  estimateNoise = 0;
  /** The Schur solve's stopping bound on the density (absolute, in rho). */
  private solveStop = 0;
  private pendingDt = 0;
  private pendingError = NaN;
  private readonly rate: RateLaw;
  private readonly eps: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly bdf2: boolean;
  private readonly rtol: number;
  private readonly tr: ApTransport2D;
  private readonly limiter: BoundLimiter2D;
  private readonly aC: Float64Array;
  private readonly res: Float64Array;
  private readonly delta: Float64Array;
  private readonly histRho: Float64Array;
  private readonly histQ: Float64Array;
  private readonly tmp: Float64Array;
  private readonly tmp2: Float64Array;
  private readonly Lx: Float64Array;
  private readonly gmres: Gmres;
  private readonly op: LinearOperator;
  private c0 = 1;
  private dt = 0;

  constructor(s: MicroMacroSetup) {
    const { grid, velocity } = s;
    const nx = grid.n[0];
    const ny = grid.n[1];
    if (nx < 3 || ny < 3) throw new RangeError('KineticSolver 2D: at least 3 cells per direction');
    this.nx = nx;
    this.ny = ny;
    const N = nx * ny;
    const K = velocity.count;
    this.N = N;
    this.K = K;
    this.rate = s.rate;
    this.eps = s.eps;
    this.lo = s.lo;
    this.hi = s.hi;
    this.bdf2 = s.bdf2;
    this.rtol = s.rtol;
    const w = Float64Array.from(velocity.w);
    this.levels = new Levels2D(N, K, w, s.h0);
    this.tr = new ApTransport2D(nx, ny, K, grid.dx[0], grid.dx[1], s.eps, Float64Array.from(velocity.v[0]), Float64Array.from(velocity.v[1]), w);
    this.limiter = new BoundLimiter2D(nx, ny, K, grid.dx[0], grid.dx[1], s.lo, s.hi, s.useLimiter, w, 'KineticSolver 2D');
    const f = (): Float64Array => new Float64Array(N);
    this.aC = f();
    this.res = f();
    this.delta = f();
    this.histRho = f();
    this.histQ = new Float64Array(N * K);
    this.tmp = f();
    this.tmp2 = f();
    this.Lx = f();
    this.gmres = new Gmres(N, 80);
    this.op = {
      apply: (x, y) => this.applySchur(x, y),
      precondition: (r, z) => this.tr.pcgL(r, z),
    };
  }

  /**
   * One fixed step of length dt. When the density Schur solve does not converge — in 2D at intermediate
   * eps on fine grids the approximate factorisation's splitting term Tx a^{-1} Ty exceeds a and the
   * Schur complement comes close to singular (measured: a frozen-coefficient symbol with negative
   * real part at 128², eps = 0.1, 4² nodes) — the step is retaken as two half steps (nothing is
   * committed before a step succeeds), down to dt/16; `counters.substeps` counts the extra steps.
   * (Error-controlled runs do not need this: a failed attempt is a rejected step.)
   */
  step(dt: number, depth = 0): void {
    if (this.attempt(dt) === Infinity) {
      if (!this.schurFailed || depth >= 4) throw new NumericalFailure(this.lastFailure);
      this.counters.substeps++;
      this.step(dt / 2, depth + 1);
      this.step(dt / 2, depth + 1);
      return;
    }
    this.accept();
  }

  /** Whether the last attempt failed in the Schur solve (as opposed to a non-finite state). */
  private schurFailed = false;

  /** The step of length dt into work buffers (nothing committed); its weighted local error estimate, Infinity on failure. */
  attempt(dt: number): number {
    this.pendingDt = 0;
    this.lastFailure = '';
    this.schurFailed = false;
    try {
      this.stepOnce(dt);
    } catch (err) {
      if (!(err instanceof NumericalFailure)) throw err;
      this.schurFailed = err instanceof SchurNotConverged;
      this.lastFailure = err.message;
      return Infinity;
    }
    this.pendingDt = dt;
    // As the 1D estimate: Milne's device on h = rho + q, q filtered by c0 / a.
    const L = this.levels;
    this.pendingError = L.estimate(dt, this.bdf2 ? 2 : 1, this.c0, this.aC, this.limiter.limitedC, this.tolerances, this.solveStop);
    this.errorPlace = L.place;
    this.estimateNoise = L.noise;
    return this.pendingError;
  }

  accept(): void {
    if (!(this.pendingDt > 0)) throw new Error('Kinetic2D.accept: no attempt to accept');
    this.levels.commit(this.pendingDt);
    this.counters.steps++;
    this.lastError = this.pendingError;
    this.pendingDt = 0;
  }

  setLastError(e: number): void {
    this.lastError = e;
  }

  private stepOnce(dt: number): void {
    const { N, K } = this;
    const L = this.levels;
    const tr = this.tr;
    const useB2 = this.bdf2 && this.counters.steps > 0;
    const om = useB2 ? dt / L.dtPrev : 0;
    const c0 = useB2 ? (1 + 2 * om) / (1 + om) : 1;
    const a1 = useB2 ? 1 + om : 1;
    const a2 = useB2 ? (om * om) / (1 + om) : 0;
    this.c0 = c0;
    this.dt = dt;
    tr.prepare(this.rate, L.rhoN, L.rhoOld, useB2, om, this.lo, this.hi, c0, dt);
    this.relaxation(dt);
    this.histories(a1, a2);
    // factor the x-lines once per distinct vx, the y-lines once per distinct vy
    tr.factorLines(0, this.aC);
    tr.factorLines(1, this.aC);
    tr.buildLdiag();
    // Start from rho = rho^n: q_k = Mt_k^{-1}(histQ_k + histRho - G_k rho) and the Schur residual
    // r = histRho - L rho - (dt/eps) div <v gamma avg q>; then GMRES on S delta = r (zero guess),
    // rho += delta, q_k -= Mt_k^{-1} G_k delta, and the true residual again from q.
    const rho = L.rhoNew;
    rho.set(L.rhoN);
    const qNew = L.qNew;
    const histRho = this.histRho;
    // (velocities with gamma = 0 everywhere do not enter the residual: their q is formed at the end)
    for (let k = 0; k < K; k++) {
      if (!tr.actX[k] && !tr.actY[k]) continue;
      const b = k * N;
      tr.applyG(k, rho, this.tmp);
      this.subtractFrom(qNew, b, this.tmp);
      tr.solveM(k, qNew, b, this.aC);
    }
    let hn = 0;
    for (let p = 0; p < N; p++) hn += histRho[p] * histRho[p];
    hn = Math.sqrt(hn);
    const tol = Math.max(this.rtol, 1e-10);
    this.solveStop = (tol * hn) / c0;
    let rn = this.residual(rho, this.res);
    let used = 0;
    // (a solve that needs more than this is better retaken as two half steps: see step())
    const maxIter = 200;
    for (let cycle = 0; rn > tol * hn && used < maxIter && cycle < 20; cycle++) {
      const delta = this.delta;
      const out = this.gmres.solve(this.op, this.res, delta, (tol * hn) / rn, maxIter - used, true);
      used += out.iterations;
      for (let p = 0; p < N; p++) rho[p] += delta[p];
      for (let k = 0; k < K; k++) {
        if (!tr.actX[k] && !tr.actY[k]) continue;
        tr.applyG(k, delta, this.tmp);
        tr.solveM(k, this.tmp, 0, this.aC);
        this.correct(qNew, k * N, this.tmp);
      }
      rn = this.residual(rho, this.res);
    }
    this.counters.solverIterations += used;
    if (used > this.counters.maxSolverIterations) this.counters.maxSolverIterations = used;
    if (!(rn <= 1e-7 * hn)) throw new SchurNotConverged(`KineticSolver 2D: GMRES did not converge (${(rn / hn).toExponential(2)})`);
    for (let k = 0; k < K; k++) {
      if (tr.actX[k] || tr.actY[k]) continue;
      tr.applyG(k, rho, this.tmp);
      this.formInactive(qNew, k * N, this.tmp);
    }
    // fluxes (accx, accy hold <v gamma avg q> of the final q)
    tr.faceFluxes(rho, L.FxPrev, L.FyPrev, L.FxNew, L.FyNew, useB2 ? a2 / c0 : 0);
    // density update from the face fluxes and the bound limiter, on the attempt's buffers
    if (this.limiter.limitDensity(L.rhoN, rho, L.FxNew, L.FyNew)) this.counters.rhoLimiterSteps++;
    this.counters.hLimiterCells += this.limiter.projectQ(rho, qNew);
  }

  /** a = c0 + dt lambda / eps^2. */
  private relaxation(dt: number): void {
    const { N, aC, c0 } = this;
    const ie2 = 1 / (this.eps * this.eps);
    const lamC = this.tr.lamC;
    for (let p = 0; p < N; p++) aC[p] = c0 + dt * lamC[p] * ie2;
  }

  /** histRho, histQ_k + the delta-form correction Tx a^{-1} Ty q^n_k, and qNew_k = histQ_k + histRho (minus G_k rho later). */
  private histories(a1: number, a2: number): void {
    const { N, K, histRho, histQ, aC } = this;
    const L = this.levels;
    const tr = this.tr;
    const rhoN = L.rhoN;
    const rhoO = L.rhoOld;
    for (let p = 0; p < N; p++) histRho[p] = a1 * rhoN[p] - a2 * rhoO[p];
    for (let k = 0; k < K; k++) {
      const b = k * N;
      this.historyQ(b, a1, a2);
      if (tr.actX[k] && tr.actY[k]) {
        tr.applyT(k, 1, L.qN, b, this.tmp);
        for (let p = 0; p < N; p++) this.tmp[p] /= aC[p];
        tr.applyT(k, 0, this.tmp, 0, this.tmp2);
        this.addTo(histQ, b, this.tmp2);
      }
    }
  }

  private historyQ(b: number, a1: number, a2: number): void {
    const N = this.N;
    const histQ = this.histQ;
    const qN = this.levels.qN;
    const qO = this.levels.qOld;
    for (let p = 0; p < N; p++) histQ[b + p] = a1 * qN[b + p] - a2 * qO[b + p];
  }

  private addTo(x: Float64Array, b: number, y: Float64Array): void {
    const N = this.N;
    for (let p = 0; p < N; p++) x[b + p] += y[p];
  }

  /** qNew_k = histQ_k + histRho − G_k rho (G_k rho in g). */
  private subtractFrom(qNew: Float64Array, b: number, g: Float64Array): void {
    const { N, histQ, histRho } = this;
    for (let p = 0; p < N; p++) qNew[b + p] = histQ[b + p] + histRho[p] - g[p];
  }

  private correct(qNew: Float64Array, b: number, d: Float64Array): void {
    const N = this.N;
    for (let p = 0; p < N; p++) qNew[b + p] -= d[p];
  }

  /** q_k = (histQ_k + histRho − G_k rho) / a for a velocity with gamma = 0 everywhere. */
  private formInactive(qNew: Float64Array, b: number, g: Float64Array): void {
    const { N, histQ, histRho, aC } = this;
    for (let p = 0; p < N; p++) qNew[b + p] = (histQ[b + p] + histRho[p] - g[p]) / aC[p];
  }

  /** Schur residual out = histRho - L rho - (dt/eps) div <v gamma avg qNew>; returns its 2-norm. */
  private residual(rho: Float64Array, out: Float64Array): number {
    const { N, K } = this;
    const tr = this.tr;
    tr.accx.fill(0);
    tr.accy.fill(0);
    for (let k = 0; k < K; k++) if (tr.actX[k] || tr.actY[k]) tr.accumulate(k, this.levels.qNew, k * N);
    const Lr = this.Lx;
    tr.applyL(rho, Lr);
    for (let p = 0; p < N; p++) Lr[p] = this.histRho[p] - Lr[p];
    tr.divAcc(Lr, out, -this.dt / this.eps);
    let s = 0;
    for (let p = 0; p < N; p++) s += out[p] * out[p];
    return Math.sqrt(s);
  }

  private applySchur(x: Float64Array, y: Float64Array): void {
    const K = this.K;
    const tr = this.tr;
    tr.accx.fill(0);
    tr.accy.fill(0);
    const t = this.tmp;
    for (let k = 0; k < K; k++) {
      if (!tr.actX[k] && !tr.actY[k]) continue;
      tr.applyG(k, x, t);
      tr.solveM(k, t, 0, this.aC);
      tr.accumulate(k, t, 0);
    }
    tr.applyL(x, this.Lx);
    tr.divAcc(this.Lx, y, -this.dt / this.eps);
  }
}

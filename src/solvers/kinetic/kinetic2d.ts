/**
 * Two-dimensional version of the kinetic AP scheme (see ../kinetic.ts and docs/kinetic-scheme.md).
 *
 * Same unknowns and face fluxes as in 1D, per direction. The per-velocity transport operator
 * M_k = a + Tx_k + Ty_k (a = c0 + dt lambda / eps^2) is no longer tridiagonal; it is replaced by the
 * approximate factorisation Mt_k = (a + Tx_k) a^{-1} (a + Ty_k) in delta form (Beam-Warming):
 * the extra term Tx a^{-1} Ty is applied to q^{n+1} - q^n, so it perturbs the step by O(dt^3) and
 * keeps second order; it vanishes with the blending weights gamma as eps -> 0 (AP unaffected).
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
import type { Grid } from '../../grid/grid.js';
import type { RateLaw } from '../../models/rate.js';
import type { VelocityGrid } from '../../velocity/gaussHermite.js';
import { NumericalFailure, type Tolerances } from '../stepper.js';
import { milneConstant, predictorCoefficients } from '../errorEstimate.js';
import { PeriodicLines } from './periodicLines.js';
import { Gmres, type LinearOperator } from './gmres.js';

/** The density Schur solve did not converge (step() then retakes the step as two half steps). */
class SchurNotConverged extends NumericalFailure {}

export interface Kinetic2DCounters {
  steps: number;
  /** Extra steps taken because a step had to be split (see step()). */
  substeps: number;
  solverIterations: number;
  maxSolverIterations: number;
  innerIterations: number;
  rhoLimiterSteps: number;
  hLimiterCells: number;
}

export class Kinetic2D {
  readonly nx: number;
  readonly ny: number;
  readonly N: number;
  readonly K: number;
  readonly dx: number;
  readonly dy: number;
  readonly counters: Kinetic2DCounters = { steps: 0, substeps: 0, solverIterations: 0, maxSolverIterations: 0, innerIterations: 0, rhoLimiterSteps: 0, hLimiterCells: 0 };
  rhoN: Float64Array;
  qN: Float64Array;
  rhoOld: Float64Array;
  qOld: Float64Array;
  /** The level before rhoOld/qOld (the error estimate's third level) and the step before dtPrev. */
  rhoOld2: Float64Array;
  qOld2: Float64Array;
  FxPrev: Float64Array;
  FyPrev: Float64Array;
  dtPrev = 0;
  dtPrev2 = 0;
  time = 0;
  tolerances: Tolerances = { rtol: 1e-4, atol: 1e-4 };
  lastError = NaN;
  lastFailure = '';
  errorPlace = -1;
  estimateNoise = 0;
  /** The Schur solve's stopping bound on the density (absolute, in rho). */
  private solveStop = 0;
  private pendingDt = 0;
  private pendingError = NaN;
  private readonly pc = new Float64Array(3);
  private rhoNew: Float64Array;
  private qNew: Float64Array;
  private FxNew: Float64Array;
  private FyNew: Float64Array;
  private readonly vx: Float64Array;
  private readonly vy: Float64Array;
  private readonly w: Float64Array;
  private readonly lamC: Float64Array;
  private readonly aC: Float64Array;
  private readonly Dfx: Float64Array;
  private readonly Dfy: Float64Array;
  /** gamma on x faces per distinct |vx| (index axIdx[k]); y likewise. */
  private readonly gx: Float64Array;
  private readonly gy: Float64Array;
  private readonly axIdx: Int32Array;
  private readonly ayIdx: Int32Array;
  private readonly sxIdx: Int32Array;
  private readonly syIdx: Int32Array;
  private readonly absX: Float64Array;
  private readonly absY: Float64Array;
  private readonly w2x: Float64Array;
  private readonly w2y: Float64Array;
  private readonly sgnX: Float64Array;
  private readonly sgnY: Float64Array;
  private readonly actAx: Uint8Array;
  private readonly actAy: Uint8Array;
  private readonly linesX: PeriodicLines[];
  private readonly linesY: PeriodicLines[];
  private readonly flo: Float64Array;
  private readonly fdi: Float64Array;
  private readonly fup: Float64Array;
  private readonly res: Float64Array;
  private readonly delta: Float64Array;
  private readonly lbufS: Float64Array;
  private readonly v2bx: Float64Array;
  private readonly v2by: Float64Array;
  private readonly actX: Uint8Array;
  private readonly actY: Uint8Array;
  private readonly histRho: Float64Array;
  private readonly histQ: Float64Array;
  private readonly tmp: Float64Array;
  private readonly tmp2: Float64Array;
  private readonly accx: Float64Array;
  private readonly accy: Float64Array;
  private readonly Rp: Float64Array;
  private readonly Rm: Float64Array;
  private readonly cgr: Float64Array;
  private readonly cgz: Float64Array;
  private readonly cgp: Float64Array;
  private readonly cgq: Float64Array;
  private readonly Ldiag: Float64Array;
  /** Cells where the last attempt's bound limiter acted (see ../kinetic.ts estimate()). */
  private readonly limitedC: Uint8Array;
  private readonly gmres: Gmres;
  private readonly op: LinearOperator;
  private c0 = 1;
  private dt = 0;

  constructor(
    grid: Grid,
    velocity: VelocityGrid,
    private readonly rate: RateLaw,
    private readonly eps: number,
    h0: Float64Array,
    private readonly lo: number,
    private readonly hi: number,
    private readonly useLimiter: boolean,
    private readonly bdf2: boolean,
    private readonly rtol: number,
  ) {
    const nx = grid.n[0];
    const ny = grid.n[1];
    if (nx < 3 || ny < 3) throw new RangeError('KineticSolver 2D: at least 3 cells per direction');
    this.nx = nx;
    this.ny = ny;
    const N = nx * ny;
    const K = velocity.count;
    this.N = N;
    this.K = K;
    this.dx = grid.dx[0];
    this.dy = grid.dx[1];
    this.vx = Float64Array.from(velocity.v[0]);
    this.vy = Float64Array.from(velocity.v[1]);
    this.w = Float64Array.from(velocity.w);
    const f = (): Float64Array => new Float64Array(N);
    const fk = (): Float64Array => new Float64Array(N * K);
    this.rhoN = f();
    this.qN = fk();
    this.rhoOld = f();
    this.qOld = fk();
    this.rhoOld2 = f();
    this.qOld2 = fk();
    this.FxPrev = f();
    this.FyPrev = f();
    this.rhoNew = f();
    this.qNew = fk();
    this.FxNew = f();
    this.FyNew = f();
    for (let p = 0; p < N; p++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += this.w[k] * h0[p * K + k];
      this.rhoN[p] = s;
      for (let k = 0; k < K; k++) this.qN[k * N + p] = h0[p * K + k] - s;
    }
    this.lamC = f();
    this.aC = f();
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
    const ax = uniq(this.vx, true);
    const ay = uniq(this.vy, true);
    const sx = uniq(this.vx, false);
    const sy = uniq(this.vy, false);
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
      this.w2x[ax.idx[k]] += this.w[k] * this.vx[k] * this.vx[k];
      this.w2y[ay.idx[k]] += this.w[k] * this.vy[k] * this.vy[k];
    }
    this.actAx = new Uint8Array(ax.values.length);
    this.actAy = new Uint8Array(ay.values.length);
    this.gx = new Float64Array(ax.values.length * N);
    this.gy = new Float64Array(ay.values.length * N);
    this.linesX = sx.values.map(() => new PeriodicLines(nx, ny, 1, nx));
    this.linesY = sy.values.map(() => new PeriodicLines(ny, nx, nx, 1));
    this.flo = f();
    this.fdi = f();
    this.fup = f();
    this.res = f();
    this.delta = f();
    this.lbufS = new Float64Array(nx);
    this.v2bx = f();
    this.v2by = f();
    this.actX = new Uint8Array(K);
    this.actY = new Uint8Array(K);
    this.histRho = f();
    this.histQ = fk();
    this.tmp = f();
    this.tmp2 = f();
    this.accx = f();
    this.accy = f();
    this.Rp = f();
    this.Rm = f();
    this.cgr = f();
    this.cgz = f();
    this.cgp = f();
    this.cgq = f();
    this.Ldiag = f();
    this.limitedC = new Uint8Array(N);
    this.gmres = new Gmres(N, 80);
    this.op = {
      apply: (x, y) => this.applySchur(x, y),
      precondition: (r, z) => this.pcgL(r, z),
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
    this.pendingError = this.estimate(dt);
    return this.pendingError;
  }

  accept(): void {
    if (!(this.pendingDt > 0)) throw new Error('Kinetic2D.accept: no attempt to accept');
    this.commit(this.pendingDt);
    this.lastError = this.pendingError;
    this.pendingDt = 0;
  }

  /** As the 1D estimate (../kinetic.ts): Milne's device on h = rho + q, q filtered by c0 / a. */
  private estimate(dt: number): number {
    this.errorPlace = -1;
    if (!(this.dtPrev > 0 && this.dtPrev2 > 0)) return NaN;
    const K = Math.abs(milneConstant(this.bdf2 ? 2 : 1, dt, this.dtPrev, this.dtPrev2));
    const [p0, p1, p2] = predictorCoefficients(dt, this.dtPrev, this.dtPrev2, this.pc);
    const { N, K: nv, c0, aC } = this;
    const er = this.tmp;
    const filt = this.tmp2;
    for (let p = 0; p < N; p++) {
      er[p] = this.rhoNew[p] - (p0 * this.rhoN[p] + p1 * this.rhoOld[p] + p2 * this.rhoOld2[p]);
      filt[p] = c0 / aC[p];
    }
    return this.estimateLoop(K, p0, p1, p2, nv);
  }

  private estimateLoop(K: number, p0: number, p1: number, p2: number, nv: number): number {
    const { N, w, rhoN, qN, qOld, qOld2, limitedC } = this;
    const qNew = this.qNew;
    const er = this.tmp;
    const filt = this.tmp2;
    const se = this.cgr;
    const sy = this.cgz;
    const { rtol, atol } = this.tolerances;
    se.fill(0);
    sy.fill(0);
    for (let k = 0; k < nv; k++) {
      const b = k * N;
      const wk = w[k];
      for (let p = 0; p < N; p++) {
        const i = b + p;
        const e = er[p] + filt[p] * (qNew[i] - (p0 * qN[i] + p1 * qOld[i] + p2 * qOld2[i]));
        const y = rhoN[p] + qN[i];
        se[p] += wk * e * e;
        sy[p] += wk * y * y;
      }
    }
    let mx = 0;
    let at = -1;
    let wmin = Infinity;
    for (let p = 0; p < N; p++) {
      if (limitedC[p]) continue;
      const wt = atol + rtol * Math.sqrt(sy[p]);
      const ec = (K * Math.sqrt(se[p])) / wt;
      if (!(ec <= mx)) {
        mx = ec;
        at = p;
      }
      if (wt < wmin) wmin = wt;
    }
    this.errorPlace = at;
    this.estimateNoise = (K * (Math.abs(p0) + Math.abs(p1) + Math.abs(p2) + 1) * this.solveStop) / wmin;
    return mx;
  }

  private stepOnce(dt: number): void {
    const { N, K, nx, ny, dx, dy, eps } = this;
    const useB2 = this.bdf2 && this.counters.steps > 0;
    const om = useB2 ? dt / this.dtPrev : 0;
    const c0 = useB2 ? (1 + 2 * om) / (1 + om) : 1;
    const a1 = useB2 ? 1 + om : 1;
    const a2 = useB2 ? (om * om) / (1 + om) : 0;
    this.c0 = c0;
    this.dt = dt;
    const floor = this.lo > 0 ? this.lo : 1e-300;
    const ie2 = 1 / (eps * eps);
    const rhoN = this.rhoN;
    const rhoO = this.rhoOld;
    const lamC = this.lamC;
    const aC = this.aC;
    const il = this.tmp;
    for (let p = 0; p < N; p++) {
      let r = useB2 ? (1 + om) * rhoN[p] - om * rhoO[p] : rhoN[p];
      if (r < floor) r = floor;
      if (r > this.hi) r = this.hi;
      const lam = this.rate.lambda(r);
      if (!(lam > 0) || !Number.isFinite(lam)) throw new NumericalFailure(`lambda(${r}) = ${lam} is not positive and finite`, { cell: p });
      lamC[p] = lam;
      il[p] = 1 / lam;
      aC[p] = c0 + dt * lam * ie2;
    }
    const Dfx = this.Dfx;
    const Dfy = this.Dfy;
    for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      for (let i = 0; i < nx; i++) {
        const ie = i + 1 === nx ? 0 : i + 1;
        const p = i + nx * j;
        Dfx[p] = 0.5 * (il[p] + il[ie + nx * j]);
        Dfy[p] = 0.5 * (il[p] + il[i + nx * jn]);
      }
    }
    // blending weights per distinct |v| component: gamma = exp(-(dx / (Df eps |v|))^2)
    this.gammas(this.absX, this.w2x, this.gx, Dfx, dx, this.v2bx, this.actAx);
    this.gammas(this.absY, this.w2y, this.gy, Dfy, dy, this.v2by, this.actAy);
    for (let k = 0; k < K; k++) {
      this.actX[k] = this.actAx[this.axIdx[k]];
      this.actY[k] = this.actAy[this.ayIdx[k]];
    }
    const histRho = this.histRho;
    const histQ = this.histQ;
    for (let p = 0; p < N; p++) histRho[p] = a1 * rhoN[p] - a2 * rhoO[p];
    // histQ_k + delta-form correction Tx a^{-1} Ty q^n_k
    for (let k = 0; k < K; k++) {
      const b = k * N;
      const qN = this.qN;
      const qO = this.qOld;
      for (let p = 0; p < N; p++) histQ[b + p] = a1 * qN[b + p] - a2 * qO[b + p];
      if (this.actX[k] && this.actY[k]) {
        this.applyT(k, 1, qN, b, this.tmp);
        for (let p = 0; p < N; p++) this.tmp[p] /= aC[p];
        this.applyT(k, 0, this.tmp, 0, this.tmp2);
        for (let p = 0; p < N; p++) histQ[b + p] += this.tmp2[p];
      }
    }
    // factor the x-lines once per distinct vx, the y-lines once per distinct vy
    this.factorLines(0);
    this.factorLines(1);
    // L diagonal (for Jacobi)
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
    // Start from rho = rho^n: q_k = Mt_k^{-1}(histQ_k + histRho - G_k rho) and the Schur residual
    // r = histRho - L rho - (dt/eps) div <v gamma avg q>; then GMRES on S delta = r (zero guess),
    // rho += delta, q_k -= Mt_k^{-1} G_k delta, and the true residual again from q.
    const rho = this.rhoNew;
    rho.set(rhoN);
    const qNew = this.qNew;
    // (velocities with gamma = 0 everywhere do not enter the residual: their q is formed at the end)
    for (let k = 0; k < K; k++) {
      if (!this.actX[k] && !this.actY[k]) continue;
      const b = k * N;
      this.applyG(k, rho, this.tmp);
      for (let p = 0; p < N; p++) qNew[b + p] = histQ[b + p] + histRho[p] - this.tmp[p];
      this.solveM(k, qNew, b);
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
        if (!this.actX[k] && !this.actY[k]) continue;
        const b = k * N;
        this.applyG(k, delta, this.tmp);
        this.solveM(k, this.tmp, 0);
        for (let p = 0; p < N; p++) qNew[b + p] -= this.tmp[p];
      }
      rn = this.residual(rho, this.res);
    }
    this.counters.solverIterations += used;
    if (used > this.counters.maxSolverIterations) this.counters.maxSolverIterations = used;
    if (!(rn <= 1e-7 * hn)) throw new SchurNotConverged(`KineticSolver 2D: GMRES did not converge (${(rn / hn).toExponential(2)})`);
    for (let k = 0; k < K; k++) {
      if (this.actX[k] || this.actY[k]) continue;
      const b = k * N;
      this.applyG(k, rho, this.tmp);
      for (let p = 0; p < N; p++) qNew[b + p] = (histQ[b + p] + histRho[p] - this.tmp[p]) / aC[p];
    }
    // fluxes (accx, accy hold <v gamma avg q> of the final q)
    const fa = useB2 ? a2 / c0 : 0;
    const Fx = this.FxNew;
    const Fy = this.FyNew;
    for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      for (let i = 0; i < nx; i++) {
        const ie = i + 1 === nx ? 0 : i + 1;
        const p = i + nx * j;
        const Jx = this.accx[p] / eps - (this.v2bx[p] * Dfx[p] * (rho[ie + nx * j] - rho[p])) / dx;
        const Jy = this.accy[p] / eps - (this.v2by[p] * Dfy[p] * (rho[i + nx * jn] - rho[p])) / dy;
        Fx[p] = fa * this.FxPrev[p] + (dt / c0) * Jx;
        Fy[p] = fa * this.FyPrev[p] + (dt / c0) * Jy;
      }
    }
    this.limit();
  }

  /** gamma per distinct |v| (exp skipped where it underflows), <v^2 (1 - gamma)> per face, activity. */
  private gammas(absV: Float64Array, w2: Float64Array, g: Float64Array, Df: Float64Array, h: number, v2b: Float64Array, act: Uint8Array): void {
    const N = this.N;
    const eps = this.eps;
    v2b.fill(0);
    for (let m = 0; m < absV.length; m++) {
      const av = absV[m];
      const b = m * N;
      const c = w2[m];
      let any = 0;
      if (av > 0) {
        const z0 = h / (eps * av);
        for (let p = 0; p < N; p++) {
          const z = z0 / Df[p];
          const z2 = z * z;
          const gg = z2 > 746 ? 0 : Math.exp(-z2);
          g[b + p] = gg;
          if (gg > 0) any = 1;
          v2b[p] += c * (1 - gg);
        }
      } else {
        for (let p = 0; p < N; p++) g[b + p] = 0;
      }
      act[m] = any;
    }
  }

  /** Factor a + T_dir for every distinct signed velocity component whose gamma is not all zero. */
  private factorLines(dir: 0 | 1): void {
    const { nx, ny, N } = this;
    const vals = dir === 0 ? this.sgnX : this.sgnY;
    const absV = dir === 0 ? this.absX : this.absY;
    const act = dir === 0 ? this.actAx : this.actAy;
    const g = dir === 0 ? this.gx : this.gy;
    const h = dir === 0 ? this.dx : this.dy;
    const a = this.aC;
    const lo = this.flo;
    const di = this.fdi;
    const up = this.fup;
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
  private applyT(k: number, dir: number, q: Float64Array, off: number, out: Float64Array): void {
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

  /** x <- Mt_k^{-1} x = (a + Ty)^{-1} a (a + Tx)^{-1} x (in place, at offset off). */
  private solveM(k: number, x: Float64Array, off: number): void {
    const N = this.N;
    const a = this.aC;
    const ax = this.actX[k];
    const ay = this.actY[k];
    if (ax) this.linesX[this.sxIdx[k]].solve(x, off);
    if (ax && ay) for (let p = 0; p < N; p++) x[off + p] *= a[p];
    if (ay) this.linesY[this.syIdx[k]].solve(x, off);
    if (!ax && !ay) for (let p = 0; p < N; p++) x[off + p] /= a[p];
  }

  private accumulate(k: number, q: Float64Array, off: number): void {
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

  /** Schur residual out = histRho - L rho - (dt/eps) div <v gamma avg qNew>; returns its 2-norm. */
  private residual(rho: Float64Array, out: Float64Array): number {
    const { N, K } = this;
    this.accx.fill(0);
    this.accy.fill(0);
    for (let k = 0; k < K; k++) if (this.actX[k] || this.actY[k]) this.accumulate(k, this.qNew, k * N);
    const Lr = this.cgz;
    this.applyL(rho, Lr);
    for (let p = 0; p < N; p++) Lr[p] = this.histRho[p] - Lr[p];
    this.divAcc(Lr, out, -this.dt / this.eps);
    let s = 0;
    for (let p = 0; p < N; p++) s += out[p] * out[p];
    return Math.sqrt(s);
  }

  /** y = base + c (Dx accx + Dy accy). */
  private divAcc(base: Float64Array, y: Float64Array, c: number): void {
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
  private applyG(k: number, x: Float64Array, y: Float64Array): void {
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

  /** y = L x, L = c0 - dt [Dx(v2bx Dfx Dx) + Dy(v2by Dfy Dy)]. */
  private applyL(x: Float64Array, y: Float64Array): void {
    const { nx, ny, dx, dy, dt, c0 } = this;
    const cx = dt / (dx * dx);
    const cy = dt / (dy * dy);
    for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      const js = j === 0 ? ny - 1 : j - 1;
      for (let i = 0; i < nx; i++) {
        const ie = i + 1 === nx ? 0 : i + 1;
        const iw = i === 0 ? nx - 1 : i - 1;
        const p = i + nx * j;
        const pw = iw + nx * j;
        const ps = i + nx * js;
        const fe = cx * this.v2bx[p] * this.Dfx[p] * (x[ie + nx * j] - x[p]);
        const fw = cx * this.v2bx[pw] * this.Dfx[pw] * (x[p] - x[pw]);
        const fn = cy * this.v2by[p] * this.Dfy[p] * (x[i + nx * jn] - x[p]);
        const fs = cy * this.v2by[ps] * this.Dfy[ps] * (x[p] - x[ps]);
        y[p] = c0 * x[p] - (fe - fw) - (fn - fs);
      }
    }
  }

  private applySchur(x: Float64Array, y: Float64Array): void {
    const { N, K } = this;
    this.accx.fill(0);
    this.accy.fill(0);
    const t = this.tmp;
    for (let k = 0; k < K; k++) {
      if (!this.actX[k] && !this.actY[k]) continue;
      this.applyG(k, x, t);
      this.solveM(k, t, 0);
      this.accumulate(k, t, 0);
    }
    this.applyL(x, this.cgz);
    this.divAcc(this.cgz, y, -this.dt / this.eps);
    void N;
  }

  /** z ~ L^{-1} r: Jacobi-preconditioned CG to 1e-3 (FGMRES tolerates the varying preconditioner). */
  private pcgL(r: Float64Array, z: Float64Array): void {
    const N = this.N;
    const res = this.cgr;
    const zz = this.cgz;
    const p = this.cgp;
    const q = this.cgq;
    z.fill(0);
    res.set(r);
    let rn0 = 0;
    for (let i = 0; i < N; i++) rn0 += r[i] * r[i];
    if (rn0 === 0) return;
    let rz = 0;
    this.precL(res, zz);
    for (let i = 0; i < N; i++) {
      p[i] = zz[i];
      rz += res[i] * zz[i];
    }
    for (let it = 0; it < 300; it++) {
      this.counters.innerIterations++;
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
      if (rn <= 1e-6 * rn0) break;
      let rz2 = 0;
      this.precL(res, zz);
      for (let i = 0; i < N; i++) rz2 += res[i] * zz[i];
      const be = rz2 / rz;
      rz = rz2;
      for (let i = 0; i < N; i++) p[i] = zz[i] + be * p[i];
    }
  }

  /** Jacobi: zz = r / diag(L). (A Kirchhoff-scaled multigrid V-cycle was tried here: far fewer CG
   * iterations, but a much worse FGMRES preconditioner on rough data at eps = 0.1, see the docs.) */
  private precL(r: Float64Array, zz: Float64Array): void {
    const N = this.N;
    const d = this.Ldiag;
    for (let i = 0; i < N; i++) zz[i] = r[i] / d[i];
  }

  /** rho^{n+1} = rho^n − div F (telescoping: mass to round-off); true when it leaves [lo, hi]. */
  private updateDensity(): boolean {
    const { nx, ny, dx, dy, lo, hi } = this;
    const rN = this.rhoN;
    const r = this.rhoNew;
    const Fx = this.FxNew;
    const Fy = this.FyNew;
    let out = false;
    for (let j = 0; j < ny; j++) {
      const js = j === 0 ? ny - 1 : j - 1;
      for (let i = 0; i < nx; i++) {
        const iw = i === 0 ? nx - 1 : i - 1;
        const p = i + nx * j;
        const v = rN[p] - (Fx[p] - Fx[iw + nx * j]) / dx - (Fy[p] - Fy[i + nx * js]) / dy;
        r[p] = v;
        if (v > hi || v < lo) out = true;
      }
    }
    return out;
  }

  /** Density update from the face fluxes and the bound limiter, on the attempt's buffers. */
  private limit(): void {
    const { N, K, nx, ny, dx, dy, lo, hi, w, limitedC } = this;
    limitedC.fill(0);
    const rN = this.rhoN;
    const r = this.rhoNew;
    const Fx = this.FxNew;
    const Fy = this.FyNew;
    if (this.updateDensity() && this.useLimiter) {
      // Zalesak FCT against the zero-flux solution rho^n; mass units per cell: F/dx (x), F/dy (y)
      for (let j = 0; j < ny; j++) {
        const js = j === 0 ? ny - 1 : j - 1;
        for (let i = 0; i < nx; i++) {
          const iw = i === 0 ? nx - 1 : i - 1;
          const p = i + nx * j;
          const fe = Fx[p] / dx;
          const fw = Fx[iw + nx * j] / dx;
          const fn = Fy[p] / dy;
          const fs = Fy[i + nx * js] / dy;
          const pin = Math.max(0, fw) + Math.max(0, -fe) + Math.max(0, fs) + Math.max(0, -fn);
          const pout = Math.max(0, fe) + Math.max(0, -fw) + Math.max(0, fn) + Math.max(0, -fs);
          const qp = hi - rN[p];
          const qm = rN[p] - lo;
          this.Rp[p] = pin > qp ? Math.max(0, qp) / pin : 1;
          this.Rm[p] = pout > qm ? Math.max(0, qm) / pout : 1;
        }
      }
      for (let j = 0; j < ny; j++) {
        const jn = j + 1 === ny ? 0 : j + 1;
        for (let i = 0; i < nx; i++) {
          const ie = i + 1 === nx ? 0 : i + 1;
          const p = i + nx * j;
          const pe = ie + nx * j;
          const pn = i + nx * jn;
          const cx = Fx[p] >= 0 ? Math.min(this.Rm[p], this.Rp[pe]) : Math.min(this.Rp[p], this.Rm[pe]);
          const cy = Fy[p] >= 0 ? Math.min(this.Rm[p], this.Rp[pn]) : Math.min(this.Rp[p], this.Rm[pn]);
          if (cx < 1) limitedC[p] = limitedC[pe] = 1;
          if (cy < 1) limitedC[p] = limitedC[pn] = 1;
          Fx[p] *= cx;
          Fy[p] *= cy;
        }
      }
      this.updateDensity();
      this.counters.rhoLimiterSteps++;
    }
    // project q onto <q> = 0 (removes the solver residual), then scale q towards rho into bounds;
    // velocity-major passes (contiguous)
    const q = this.qNew;
    const sum = this.tmp;
    const qmax = this.tmp2;
    const qmin = this.cgp;
    sum.fill(0);
    for (let k = 0; k < K; k++) {
      const b = k * N;
      const wk = w[k];
      for (let p = 0; p < N; p++) sum[p] += wk * q[b + p];
    }
    qmax.fill(-Infinity);
    qmin.fill(Infinity);
    for (let k = 0; k < K; k++) {
      const b = k * N;
      for (let p = 0; p < N; p++) {
        const v = q[b + p] - sum[p];
        q[b + p] = v;
        if (v > qmax[p]) qmax[p] = v;
        if (v < qmin[p]) qmin[p] = v;
      }
    }
    let scaled = 0;
    const theta = sum;
    for (let p = 0; p < N; p++) {
      if (!Number.isFinite(qmax[p]) || !Number.isFinite(qmin[p]) || !Number.isFinite(r[p])) throw new NumericalFailure('KineticSolver 2D: non-finite state', { cell: p });
      let th = 1;
      if (this.useLimiter) {
        if (r[p] + qmax[p] > hi) th = Math.min(th, Math.max(0, hi - r[p]) / qmax[p]);
        if (r[p] + qmin[p] < lo) th = Math.min(th, Math.max(0, r[p] - lo) / -qmin[p]);
        if (th < 1) {
          scaled++;
          limitedC[p] = 1;
        }
      }
      theta[p] = th;
    }
    if (scaled > 0) {
      this.counters.hLimiterCells += scaled;
      for (let k = 0; k < K; k++) {
        const b = k * N;
        for (let p = 0; p < N; p++) q[b + p] *= theta[p];
      }
    }
  }

  /** Accept the attempt: rotate the levels old2 <- old <- n <- new. */
  private commit(dt: number): void {
    let t: Float64Array = this.rhoOld2;
    this.rhoOld2 = this.rhoOld;
    this.rhoOld = this.rhoN;
    this.rhoN = this.rhoNew;
    this.rhoNew = t;
    t = this.qOld2;
    this.qOld2 = this.qOld;
    this.qOld = this.qN;
    this.qN = this.qNew;
    this.qNew = t;
    t = this.FxPrev;
    this.FxPrev = this.FxNew;
    this.FxNew = t;
    t = this.FyPrev;
    this.FyPrev = this.FyNew;
    this.FyNew = t;
    this.dtPrev2 = this.dtPrev;
    this.dtPrev = dt;
    this.time += dt;
    this.counters.steps++;
  }
}

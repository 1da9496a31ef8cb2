/**
 * Asymptotic-preserving implicit micro-macro solver for the nonlinear BGK model in diffusive scaling
 * (paper eq. (1.2), in h = f / M):
 *
 *   d_t h + (1/eps) v . grad_x h = (1/eps^2) lambda(rho) (rho - h),   rho = sum_k w_k h_k.
 *
 * See docs/kinetic-scheme.md for the derivation, the limit scheme and the measured properties.
 * Summary: h = rho + q with <q> = 0 stored separately (no cancellation at eps = 1e-8); cell-centred
 * finite volumes whose face value of h_k blends the centred average with the Chapman-Enskog face
 * value rho_f - (eps / lambda_f) v_k (rho_{i+1} - rho_i)/dx, weight beta = 1 - exp(-(lambda_f dx /
 * (eps |v_k|))^2); fully implicit variable-step BDF2 with lambda at the extrapolated density;
 * the coupled (rho, q) system is solved exactly by eliminating q per velocity (periodic tridiagonal)
 * and GMRES on the density Schur complement preconditioned by the limit diffusion operator;
 * then a conservative bound limiter (FCT on the density face fluxes against rho^n, then a per-cell
 * scaling of q towards rho), which keeps mass to round-off and h within [min h0, max h0].
 */
import type { Grid } from '../../grid/grid.js';
import type { RateLaw } from '../../models/rate.js';
import type { VelocityGrid } from '../../velocity/gaussHermite.js';
import { NumericalFailure, type AdaptiveStepper, type StepperState, type Tolerances } from '../stepper.js';
import { milneConstant, predictorCoefficients, weightedDistance } from '../errorEstimate.js';
import { PeriodicTridiagFactor } from './periodicTridiag.js';
import { Gmres, type LinearOperator } from './gmres.js';
import { Kinetic2D } from './kinetic2d.js';

export interface KineticOptions {
  grid: Grid;
  velocity: VelocityGrid;
  rate: RateLaw;
  eps: number;
  /** Initial h, cells x velocity count, velocity fastest: h0[cell * count + k]. */
  h0: Float64Array;
  /** dt = cfl * dx (default 0.5); independent of eps. */
  cfl?: number;
  /** Bounds to enforce; default [min h0, max h0]. */
  bounds?: readonly [number, number];
  /** Disable the bound limiter (for studies of the unlimited scheme). Default true (limiter on). */
  limiter?: boolean;
  /** Time integrator: 'bdf2' (default, second order) or 'euler' (backward Euler, first order). */
  time?: 'bdf2' | 'euler';
  /** GMRES relative tolerance (default 1e-12). */
  rtol?: number;
}

export interface KineticCounters {
  /** Steps taken, including the extra ones of split steps. */
  steps: number;
  /** 2D: extra steps because a step had to be split into halves (the Schur solve did not converge). */
  substeps: number;
  /** Total GMRES iterations (Schur complement solves). */
  solverIterations: number;
  maxSolverIterations: number;
  /** Steps in which the density flux limiter (FCT) changed a flux. */
  rhoLimiterSteps: number;
  /** Cells in which the non-equilibrium part q was scaled down (summed over steps). */
  hLimiterCells: number;
}

export class KineticSolver implements AdaptiveStepper {
  readonly grid: Grid;
  readonly scheme: string;
  readonly velocity: VelocityGrid;
  readonly rate: RateLaw;
  readonly eps: number;
  /** Discrete velocities per cell. */
  readonly count: number;
  readonly counters: KineticCounters = {
    steps: 0,
    substeps: 0,
    solverIterations: 0,
    maxSolverIterations: 0,
    rhoLimiterSteps: 0,
    hLimiterCells: 0,
  };
  readonly order: number;
  tolerances: Tolerances = { rtol: 1e-4, atol: 1e-4 };
  lastError = NaN;
  lastFailure = '';
  errorPlace = -1;
  estimateNoise = 0;
  /** GMRES's stopping bound on the density in the last solve: ||res||_2 / c0 (absolute, in rho). */
  private solveStop = 0;

  private readonly N: number;
  private readonly K: number;
  private readonly impl2?: Kinetic2D;
  private readonly dx: number;
  private readonly cfl: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly useLimiter: boolean;
  private readonly bdf2: boolean;
  private readonly rtol: number;
  private readonly v: Float64Array;
  private readonly w: Float64Array;

  // state: rho[i], q[i*K + k] (velocity fastest: one pass over the cells updates all velocities)
  private rhoN: Float64Array;
  private qN: Float64Array;
  private rhoOld: Float64Array;
  private qOld: Float64Array;
  /** Face mass flux of the last step (integrated over the step): rho^n - rho^{n-1} = -D(Fprev). */
  private Fprev: Float64Array;
  private dtPrev = 0;
  private time = 0;
  /** rho, q at t_{n-2} and the step before the last one (the error estimate's third level). */
  private rhoOld2: Float64Array;
  private qOld2: Float64Array;
  private dtPrev2 = 0;
  /** The attempt waiting for accept(): its length (0: none) and estimate. */
  private pendingDt = 0;
  private pendingError = NaN;
  private readonly pc = new Float64Array(3);

  // per-step work
  private readonly lamC: Float64Array; // lambda at cells
  private readonly Df: Float64Array; // diffusivity at faces (face i = i+1/2)
  /** gamma = 1 - beta at faces for the first velocity of each |v| group: gamG[sameAbs[k]*N + f]. */
  private readonly gamG: Float64Array;
  private readonly v2beta: Float64Array; // <v^2 beta>_f
  private readonly activeK: Uint8Array; // velocity k has some gamma > 0
  /** Active velocities (ascending k), then the inactive ones; nAct of them active. */
  private readonly act: Int32Array;
  private readonly inact: Int32Array;
  private nAct = 0;
  private nInact = 0;
  // Interleaved per-velocity line systems M_k (active velocities j < nAct, index [row * nAct + j]):
  private readonly gamA: Float64Array; // gamma at face f: [f * nAct + j]
  private readonly finv: Float64Array; // inverse Thomas pivots of the leading block
  private readonly fz: Float64Array; // bordering column z = T^{-1} e
  private readonly wbuf: Float64Array; // forward-sweep values of the Schur application
  // per active velocity j: a_k = v/(2 eps), b_k = v^2/dx, c_k = w v/2, s_k = dt v/(2 eps dx), last row
  private readonly ka: Float64Array;
  private readonly kb: Float64Array;
  private readonly kc: Float64Array;
  private readonly ks: Float64Array;
  private readonly loLast: Float64Array;
  private readonly upLast: Float64Array;
  private readonly invS: Float64Array;
  // running values per velocity (length K)
  private readonly run1: Float64Array;
  private readonly run2: Float64Array;
  private readonly run3: Float64Array;
  private readonly run4: Float64Array;
  private readonly Lfact: PeriodicTridiagFactor;
  private readonly Llo: Float64Array;
  private readonly Ldi: Float64Array;
  private readonly Lup: Float64Array;
  private readonly histRho: Float64Array;
  private rhoNew: Float64Array;
  private qNew: Float64Array;
  private readonly tmp: Float64Array;
  private readonly acc: Float64Array;
  private Fnew: Float64Array;
  private readonly Rp: Float64Array;
  private readonly Rm: Float64Array;
  private readonly gmres: Gmres;
  private readonly op: LinearOperator;
  private readonly hOut: Float64Array;
  /** a = c0 + dt lambda / eps^2 per cell (this step). */
  private readonly aC: Float64Array;
  private readonly res: Float64Array;
  private readonly delta: Float64Array;
  /** sameAbs[k] = first velocity index with |v| = |v_k| (gamma is shared). */
  private readonly sameAbs: Int32Array;
  private c0 = 1;
  private dtCur = 0;
  private DfMax = 0;
  /** q was projected onto <q> = 0 while it was formed (formAllInactive). */
  private projected = false;
  /** Per-cell extremes of the projected q (when formInactive projects, i.e. no active velocity). */
  private readonly qMaxC: Float64Array;
  private readonly qMinC: Float64Array;
  /** Cells where the last attempt's bound limiter acted (FCT on an adjacent face, or q scaled): 1. */
  private readonly limitedC: Uint8Array;

  constructor(opts: KineticOptions) {
    const { grid, velocity, rate, eps, h0 } = opts;
    if (velocity.dim !== grid.dim) throw new RangeError('KineticSolver: velocity and grid dimensions differ');
    if (!(eps > 0) || !Number.isFinite(eps)) throw new RangeError(`KineticSolver: eps must be positive, got ${eps}`);
    const N = grid.cells;
    const K = velocity.count;
    if (h0.length !== N * K) throw new RangeError(`KineticSolver: h0 must have ${N * K} entries, got ${h0.length}`);
    if (N < 3) throw new RangeError('KineticSolver: at least 3 cells');
    this.grid = grid;
    this.velocity = velocity;
    this.rate = rate;
    this.eps = eps;
    this.dx = grid.dx[0];
    this.cfl = opts.cfl ?? 0.5;
    this.useLimiter = opts.limiter ?? true;
    this.bdf2 = (opts.time ?? 'bdf2') === 'bdf2';
    this.rtol = opts.rtol ?? 1e-12;
    this.order = this.bdf2 ? 2 : 1;
    this.scheme = `kinetic AP micro-macro, centred/Chapman-Enskog blended faces, ${this.bdf2 ? 'BDF2' : 'backward Euler'}, GMRES Schur solve${this.useLimiter ? ', FCT + q-scaling bound limiter' : ''}`;
    this.v = Float64Array.from(velocity.v[0]);
    this.count = K;
    this.w = Float64Array.from(velocity.w);
    let lo = Infinity;
    let hi = -Infinity;
    for (let p = 0; p < h0.length; p++) {
      const x = h0[p];
      if (!Number.isFinite(x)) throw new RangeError('KineticSolver: non-finite initial data');
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (opts.bounds) {
      if (opts.bounds[0] > lo || opts.bounds[1] < hi) throw new RangeError('KineticSolver: initial data outside the given bounds');
      lo = opts.bounds[0];
      hi = opts.bounds[1];
    }
    this.lo = lo;
    this.hi = hi;
    if (grid.dim === 2) {
      this.impl2 = new Kinetic2D(grid, velocity, rate, eps, h0, lo, hi, this.useLimiter, this.bdf2, this.rtol);
    }
    // 1D work arrays (empty in 2D, where Kinetic2D holds the state)
    const A = grid.dim === 1 ? N : 0;
    this.N = A;
    this.K = grid.dim === 1 ? K : 0;
    this.rhoN = new Float64Array(N);
    this.qN = new Float64Array(A * K);
    this.rhoOld = new Float64Array(A);
    this.qOld = new Float64Array(A * K);
    this.rhoOld2 = new Float64Array(A);
    this.qOld2 = new Float64Array(A * K);
    this.Fprev = new Float64Array(A);
    for (let i = 0; i < A; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += this.w[k] * h0[i * K + k];
      this.rhoN[i] = s;
      for (let k = 0; k < K; k++) this.qN[i * K + k] = h0[i * K + k] - s;
    }

    const NK = A * this.K;
    this.lamC = new Float64Array(A);
    this.Df = new Float64Array(A);
    this.gamG = new Float64Array(NK);
    this.v2beta = new Float64Array(A);
    this.activeK = new Uint8Array(K);
    this.act = new Int32Array(K);
    this.inact = new Int32Array(K);
    this.gamA = new Float64Array(NK);
    this.finv = new Float64Array(NK);
    this.fz = new Float64Array(NK);
    this.wbuf = new Float64Array(NK);
    this.ka = new Float64Array(K);
    this.kb = new Float64Array(K);
    this.kc = new Float64Array(K);
    this.ks = new Float64Array(K);
    this.loLast = new Float64Array(K);
    this.upLast = new Float64Array(K);
    this.invS = new Float64Array(K);
    this.run1 = new Float64Array(K);
    this.run2 = new Float64Array(K);
    this.run3 = new Float64Array(K);
    this.run4 = new Float64Array(K);
    this.Lfact = new PeriodicTridiagFactor(Math.max(A, 3));
    this.Llo = new Float64Array(A);
    this.Ldi = new Float64Array(A);
    this.Lup = new Float64Array(A);
    this.histRho = new Float64Array(A);
    this.rhoNew = new Float64Array(A);
    this.qNew = new Float64Array(A * K);
    this.tmp = new Float64Array(A);
    this.acc = new Float64Array(A);
    this.Fnew = new Float64Array(A);
    this.Rp = new Float64Array(A);
    this.Rm = new Float64Array(A);
    this.gmres = new Gmres(N, 40);
    this.hOut = new Float64Array(N * K);
    this.aC = new Float64Array(A);
    this.res = new Float64Array(A);
    this.delta = new Float64Array(A);
    this.qMaxC = new Float64Array(A);
    this.qMinC = new Float64Array(A);
    this.limitedC = new Uint8Array(A);
    this.sameAbs = new Int32Array(this.K);
    for (let k = 0; k < this.K; k++) {
      let k0 = k;
      for (let m = 0; m < k; m++) if (Math.abs(this.v[m]) === Math.abs(this.v[k])) { k0 = m; break; }
      this.sameAbs[k] = k0;
    }
    this.op = {
      apply: (x, y) => this.applySchur(x, y),
      precondition: (r, z) => {
        z.set(r);
        this.Lfact.solve(z);
      },
    };
  }

  suggestedDt(): number {
    return this.cfl * Math.min(...this.grid.dx);
  }

  /** [lower, upper] bounds that the limiter enforces on h (default [min h0, max h0]). */
  hBounds(): [number, number] {
    return [this.lo, this.hi];
  }

  /** Current time (sum of the steps taken). */
  get t(): number {
    return this.impl2 ? this.impl2.time : this.time;
  }

  rho(): Float64Array {
    return this.impl2 ? this.impl2.rhoN : this.rhoN;
  }

  /** h = rho + q, cells x velocities (velocity fastest); a view overwritten by the next call. */
  h(): Float64Array {
    const hOut = this.hOut;
    if (this.impl2) {
      const { N, K, rhoN, qN } = this.impl2;
      for (let k = 0; k < K; k++) for (let i = 0; i < N; i++) hOut[i * K + k] = rhoN[i] + qN[k * N + i];
      return hOut;
    }
    const { N, K, rhoN, qN } = this;
    for (let i = 0; i < N; i++) {
      const r = rhoN[i];
      const b = i * K;
      for (let k = 0; k < K; k++) hOut[b + k] = r + qN[b + k];
    }
    return hOut;
  }

  /**
   * h at the previous time level (cells × velocities, velocity fastest) into `out`; returns the
   * length of the last step, or 0 before the first step. Diagnostics use it for the residuals of
   * the moment equations over the last step (paper Lemma 2.5).
   */
  previousH(out: Float64Array): number {
    const m = this.impl2;
    const N = m ? m.N : this.N;
    const K = m ? m.K : this.K;
    const rhoOld = m ? m.rhoOld : this.rhoOld;
    const qOld = m ? m.qOld : this.qOld;
    const dtPrev = m ? m.dtPrev : this.dtPrev;
    if (!(dtPrev > 0)) return 0;
    if (m) for (let k = 0; k < K; k++) for (let i = 0; i < N; i++) out[i * K + k] = rhoOld[i] + qOld[k * N + i];
    else for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) out[i * K + k] = rhoOld[i] + qOld[i * K + k];
    return dtPrev;
  }

  /** Non-equilibrium part q = h - rho at cell i, velocity k. */
  q(i: number, k: number): number {
    return this.impl2 ? this.impl2.qN[k * this.impl2.N + i] : this.qN[i * this.K + k];
  }

  /**
   * The paper's flux j_eps = int v f dv = sum_k w_k v_k h_k (cell centres). Mass balance:
   * d_t rho + (1/eps) div j_eps = 0, and j_eps / eps -> -lambda(rho)^{-1} grad rho as eps -> 0.
   * In 2D, dir = 0 gives jx and dir = 1 gives jy.
   */
  flux(out: Float64Array, dir: 0 | 1 = 0): Float64Array {
    if (this.impl2) {
      const { N, K, qN } = this.impl2;
      const vd = this.velocity.v[dir];
      const wv = this.velocity.w;
      for (let i = 0; i < N; i++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += wv[k] * vd[k] * qN[k * N + i];
        out[i] = s;
      }
      return out;
    }
    const { N, K, v, w, qN } = this;
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += w[k] * v[k] * qN[i * K + k];
      out[i] = s;
    }
    return out;
  }

  /** Total mass sum_i rho_i dx. */
  mass(): number {
    const r = this.rho();
    let s = 0;
    for (let i = 0; i < r.length; i++) s += r[i];
    return s * this.grid.cellVolume;
  }

  // ---------------------------------------------------------------------------------------------

  solution(): Float64Array {
    return this.h();
  }

  distance(a: Float64Array, b: Float64Array): number {
    return weightedDistance(a, b, b, this.velocity.w, this.tolerances.rtol, this.tolerances.atol).norm;
  }

  /** Fixed step of length dt (no error control); 2D retakes a step whose Schur solve fails as two halves. */
  step(dt: number): void {
    if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`KineticSolver.step: dt must be positive, got ${dt}`);
    if (this.impl2) {
      this.impl2.step(dt);
      this.lastError = this.impl2.lastError;
      this.syncCounters();
      return;
    }
    if (this.attempt(dt) === Infinity) throw new NumericalFailure(this.lastFailure);
    this.accept();
  }

  /** The step of length dt into work buffers (nothing committed) and its weighted local error estimate. */
  attempt(dt: number): number {
    if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`KineticSolver.attempt: dt must be positive, got ${dt}`);
    this.lastFailure = '';
    this.pendingDt = 0;
    if (this.impl2) {
      const m = this.impl2;
      m.tolerances = this.tolerances;
      const err = m.attempt(dt);
      this.lastFailure = m.lastFailure;
      this.errorPlace = m.errorPlace;
      this.estimateNoise = m.estimateNoise;
      this.syncCounters();
      return err;
    }
    try {
      this.attempt1D(dt);
    } catch (err) {
      if (!(err instanceof NumericalFailure)) throw err;
      this.lastFailure = err.message;
      return Infinity;
    }
    this.pendingDt = dt;
    this.pendingError = this.estimate(dt);
    return this.pendingError;
  }

  accept(): void {
    if (this.impl2) {
      this.impl2.accept();
      this.lastError = this.impl2.lastError;
      this.syncCounters();
      return;
    }
    if (!(this.pendingDt > 0)) throw new Error('KineticSolver.accept: no attempt to accept');
    this.commit(this.pendingDt);
    this.lastError = this.pendingError;
    this.pendingDt = 0;
  }

  private syncCounters(): void {
    const c = this.impl2!.counters;
    this.counters.steps = c.steps;
    this.counters.substeps = c.substeps;
    this.counters.solverIterations = c.solverIterations;
    this.counters.maxSolverIterations = c.maxSolverIterations;
    this.counters.rhoLimiterSteps = c.rhoLimiterSteps;
    this.counters.hLimiterCells = c.hLimiterCells;
  }

  /**
   * ||K (h^{n+1} − P)||_w, P the quadratic predictor through the last three levels
   * (src/solvers/errorEstimate.ts), in the per-cell L²(M dv) norm over the nodes (stepper.ts): an
   * error at a node far in the Gaussian's tail weighs what that node weighs in rho, j and ||f||. The non-equilibrium part is filtered by c0 / a_i,
   * a_i = c0 + dt lambda_i / eps²: its relaxation is stiff (the corrector's error of a component
   * decaying at rate lambda/eps² is the non-stiff one times c0/a), so an initial layer far shorter
   * than the step (eps -> 0) does not shrink the step, one comparable to it (intermediate eps) does.
   * Cells where the bound limiter acted are left out: there the values are set by the maximum
   * principle, not by the time integration, and their kink in time is no truncation error (without
   * this, data touching its bounds drove the step to 1e-10 at eps = 1).
   */
  private estimate(dt: number): number {
    this.errorPlace = -1;
    if (!(this.dtPrev > 0 && this.dtPrev2 > 0)) return NaN;
    const K = Math.abs(milneConstant(this.counters.steps > 0 && this.bdf2 ? 2 : 1, dt, this.dtPrev, this.dtPrev2));
    const [p0, p1, p2] = predictorCoefficients(dt, this.dtPrev, this.dtPrev2, this.pc);
    return this.estimateLoop(K, p0, p1, p2);
  }

  private estimateLoop(K: number, p0: number, p1: number, p2: number): number {
    const { N, K: nv, w, c0, aC, rhoN, rhoOld, rhoOld2, qN, qOld, qOld2, limitedC } = this;
    const rhoNew = this.rhoNew;
    const qNew = this.qNew;
    const { rtol, atol } = this.tolerances;
    let mx = 0;
    let at = -1;
    let wmin = Infinity;
    for (let i = 0; i < N; i++) {
      if (limitedC[i]) continue;
      const er = rhoNew[i] - (p0 * rhoN[i] + p1 * rhoOld[i] + p2 * rhoOld2[i]);
      const filt = c0 / aC[i];
      const r = rhoN[i];
      const b = i * nv;
      let se = 0;
      let sy = 0;
      for (let k = 0; k < nv; k++) {
        const p = b + k;
        const e = er + filt * (qNew[p] - (p0 * qN[p] + p1 * qOld[p] + p2 * qOld2[p]));
        const y = r + qN[p];
        se += w[k] * e * e;
        sy += w[k] * y * y;
      }
      const wt = atol + rtol * Math.sqrt(sy);
      const ec = (K * Math.sqrt(se)) / wt;
      if (!(ec <= mx)) {
        mx = ec;
        at = i;
      }
      if (wt < wmin) wmin = wt;
    }
    this.errorPlace = at;
    this.estimateNoise = (K * (Math.abs(p0) + Math.abs(p1) + Math.abs(p2) + 1) * this.solveStop) / wmin;
    return mx;
  }

  private attempt1D(dt: number): void {
    // (V8: every hot loop nest below sits in its own method, after all the other code of that method;
    // loops followed by code that has not run yet when on-stack replacement compiles them deoptimise
    // repeatedly, and the deoptimised code allocates a heap number per floating-point operation.)
    const { N, K, dx, eps, v, w } = this;
    const useB2 = this.bdf2 && this.counters.steps > 0;
    const om = useB2 ? dt / this.dtPrev : 0;
    const c0 = useB2 ? (1 + 2 * om) / (1 + om) : 1;
    const a1 = useB2 ? 1 + om : 1;
    const a2 = useB2 ? (om * om) / (1 + om) : 0;
    this.c0 = c0;
    this.dtCur = dt;

    // lambda at the extrapolated density (second order), clamped into the bounds; face diffusivities
    this.computeLambda(useB2, om);
    this.computeDf();
    // blending weights gamma = 1 - beta = exp(-(lambda_f dx / (eps |v|))^2), one exponential per face
    // per distinct |v| (gamG holds the first velocity of each |v| group)
    const activeK = this.activeK;
    const sameAbs = this.sameAbs;
    this.v2beta.fill(0);
    for (let k = 0; k < K; k++) {
      const c = w[k] * v[k] * v[k];
      const k0 = sameAbs[k];
      if (k0 !== k) {
        // gamma depends on |v| only: shared with the velocity -v
        activeK[k] = activeK[k0];
        if (activeK[k0]) this.addV2beta(c, k0 * N);
        else this.addV2betaConst(c);
        continue;
      }
      const av = Math.abs(v[k]);
      activeK[k] = this.computeGamma(k * N, av > 0 ? dx / (eps * av) : 0, c);
    }
    // active velocities (some gamma > 0) enter the Schur complement; their systems are interleaved
    const act = this.act;
    let Ka = 0;
    let Ki = 0;
    for (let k = 0; k < K; k++) {
      if (activeK[k]) {
        const vk = v[k];
        act[Ka] = k;
        this.ka[Ka] = vk / (2 * eps);
        this.kb[Ka] = (vk * vk) / dx;
        this.kc[Ka] = 0.5 * w[k] * vk;
        this.ks[Ka] = (dt * vk) / (eps * 2 * dx);
        Ka++;
      } else this.inact[Ki++] = k;
    }
    this.nAct = Ka;
    this.nInact = Ki;
    if (Ka > 0) this.gatherGamma();
    // histories, a = c0 + dt lambda/eps^2, and L = c0 I - dt D(<v^2 beta> Df D)
    this.historyRho(a1, a2);
    this.buildL();
    this.Lfact.factor(this.Llo, this.Ldi, this.Lup);

    // Start from rho = rho^n: factor M_k = (c0 + dt lambda/eps^2) I + (dt/eps) v_k D(gamma avg .) and
    // solve q_k = M_k^{-1}(histQ_k + histRho - G_k rho) in the same sweeps (active velocities), the
    // Schur residual r = histRho - L rho - (dt/eps) D<v gamma avg q>; GMRES on S delta = r from a zero
    // guess; rho += delta, q_k -= M_k^{-1} G_k delta; the true residual again from q (needed anyway).
    const rhoNew = this.rhoNew;
    rhoNew.set(this.rhoN);
    if (Ka > 0) {
      this.lineFactorForward(rhoNew, a1, a2);
      this.lineFactorBackward();
      this.lineFactorBorder();
    }
    const hn = this.norm(this.histRho);
    const tol = this.rtol;
    this.solveStop = (tol * hn) / this.c0;
    const res = this.res;
    let rn = this.residual(rhoNew, res);
    let used = 0;
    const maxIter = 400;
    for (let cycle = 0; rn > tol * hn && used < maxIter && cycle < 20; cycle++) {
      const delta = this.delta;
      const out = this.gmres.solve(this.op, res, delta, (tol * hn) / rn, maxIter - used, true);
      used += out.iterations;
      this.addTo(rhoNew, delta);
      if (Ka > 0) this.correct(delta);
      rn = this.residual(rhoNew, res);
    }
    this.counters.solverIterations += used;
    if (used > this.counters.maxSolverIterations) this.counters.maxSolverIterations = used;
    if (!(rn <= 1e-9 * hn)) {
      throw new NumericalFailure(`KineticSolver: GMRES did not converge in ${used} iterations (relative residual ${(rn / hn).toExponential(2)}, dt = ${dt})`);
    }
    // velocities with gamma = 0: q from the density (with no active velocity, projected per cell here)
    this.projected = Ka === 0;
    if (Ka === 0) this.formAllInactive(rhoNew, a1, a2);
    else if (Ki > 0) this.formInactive(rhoNew, a1, a2);
    // face fluxes J_f = (1/eps)<v gamma avg q> - <v^2 beta> Df (rho_{i+1} - rho_i)/dx (acc holds
    // <v gamma avg q> of the final q, from residual()), and the step's face mass flux
    // F = a2/c0 Fprev + dt/c0 J (so that rho^{n+1} = rho^n - D F)
    this.faceFluxes(useB2 ? a2 / c0 : 0, dt / c0);
    this.limit(this.Fnew, this.qNew);
  }

  private computeLambda(useB2: boolean, om: number): void {
    const { N, lo, hi, rate, lamC, tmp } = this;
    const rhoN = this.rhoN;
    const rhoO = this.rhoOld;
    const floor = lo > 0 ? lo : 1e-300;
    for (let i = 0; i < N; i++) {
      let r = useB2 ? (1 + om) * rhoN[i] - om * rhoO[i] : rhoN[i];
      if (r < floor) r = floor;
      if (r > hi) r = hi;
      const lam = rate.lambda(r);
      if (!(lam > 0) || !Number.isFinite(lam)) throw new NumericalFailure(`lambda(${r}) = ${lam} is not positive and finite`, { cell: i });
      lamC[i] = lam;
      tmp[i] = 1 / lam;
    }
  }

  private computeDf(): void {
    const { N, Df, tmp } = this;
    let mx = 0;
    for (let i = 0; i < N; i++) {
      const ip = i + 1 === N ? 0 : i + 1;
      const d = 0.5 * (tmp[i] + tmp[ip]);
      Df[i] = d;
      if (d > mx) mx = d;
    }
    this.DfMax = mx;
  }

  /** gamG[base + f] = exp(-(z0 / Df_f)^2) (0 where it underflows, or for z0 = 0); v2beta += c (1 - gamma); any gamma > 0. */
  private computeGamma(base: number, z0: number, c: number): number {
    const { N, Df, gamG } = this;
    const v2b = this.v2beta;
    // z0 / Df_f is smallest at the largest Df: if gamma underflows there, it does at every face
    const zmin = z0 / this.DfMax;
    if (!(z0 > 0) || zmin * zmin > 746) {
      this.addV2betaConst(c);
      return 0;
    }
    const on = z0 > 0;
    let any = 0;
    for (let f = 0; f < N; f++) {
      let g = 0;
      if (on) {
        const z = z0 / Df[f];
        const z2 = z * z;
        g = z2 > 746 ? 0 : Math.exp(-z2);
      }
      gamG[base + f] = g;
      if (g > 0) any = 1;
      v2b[f] += c * (1 - g);
    }
    return any;
  }

  private addV2beta(c: number, b0: number): void {
    const { N, gamG } = this;
    const v2b = this.v2beta;
    for (let f = 0; f < N; f++) v2b[f] += c * (1 - gamG[b0 + f]);
  }

  private addV2betaConst(c: number): void {
    const N = this.N;
    const v2b = this.v2beta;
    for (let f = 0; f < N; f++) v2b[f] += c;
  }

  /** gamA[f * nAct + j] = gamma of the j-th active velocity at face f. */
  private gatherGamma(): void {
    const { N, act, sameAbs, gamG, gamA } = this;
    const Ka = this.nAct;
    for (let j = 0; j < Ka; j++) {
      const b0 = sameAbs[act[j]] * N;
      for (let f = 0; f < N; f++) gamA[f * Ka + j] = gamG[b0 + f];
    }
  }

  private historyRho(a1: number, a2: number): void {
    const { N, histRho, aC, lamC, c0, eps } = this;
    const rhoN = this.rhoN;
    const rhoO = this.rhoOld;
    const dt = this.dtCur;
    const ie2 = 1 / (eps * eps);
    for (let i = 0; i < N; i++) {
      histRho[i] = a1 * rhoN[i] - a2 * rhoO[i];
      aC[i] = c0 + dt * lamC[i] * ie2;
    }
  }

  private buildL(): void {
    const { N, Df, Llo, Ldi, Lup, c0, dx } = this;
    const v2b = this.v2beta;
    const idx2 = this.dtCur / (dx * dx);
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? N - 1 : i - 1;
      const cp = idx2 * v2b[i] * Df[i];
      const cm = idx2 * v2b[im] * Df[im];
      Ldi[i] = c0 + cp + cm;
      Lup[i] = -cp;
      Llo[i] = -cm;
    }
  }

  private norm(x: Float64Array): number {
    const N = this.N;
    let s = 0;
    for (let i = 0; i < N; i++) s += x[i] * x[i];
    return Math.sqrt(s);
  }

  private addTo(x: Float64Array, d: Float64Array): void {
    const N = this.N;
    for (let i = 0; i < N; i++) x[i] += d[i];
  }

  private faceFluxes(fa: number, fb: number): void {
    const { N, eps, dx, acc, Df } = this;
    const v2b = this.v2beta;
    const rhoNew = this.rhoNew;
    const F = this.Fnew;
    const Fp = this.Fprev;
    for (let f = 0; f < N; f++) {
      const fp = f + 1 === N ? 0 : f + 1;
      const J = acc[f] / eps - (v2b[f] * Df[f] * (rhoNew[fp] - rhoNew[f])) / dx;
      F[f] = fa * Fp[f] + fb * J;
    }
  }

  // --- interleaved line systems of the active velocities ----------------------------------------
  // Row i of M_k (k = act[j]): lo = -s_k gamma_{i-1}, di = a_i + s_k (gamma_i - gamma_{i-1}), up = s_k gamma_i,
  // with faces i = i+1/2 (face -1 = N-1). Periodic bordering Thomas, as PeriodicTridiagFactor: the
  // leading block of rows 0..m-1 (m = N-1) is factored without pivoting (inverse pivots finv; cp = up inv
  // is recomputed), z = T^{-1} e, and x_m from the 1x1 Schur complement (invS). All velocities advance
  // together in one pass over the cells (independent recurrences: the latency chains overlap).
  // G_k x at row i = c0 x_i + (dt/dx)(phi_i - phi_{i-1}), phi_f = a_k (x_f + x_{f+1}) - b_k (1 - gamma_f) Df_f (x_{f+1} - x_f).

  /** Factor the active M_k (forward elimination) and sweep forward q_k = histQ_k + histRho - G_k x into qNew. */
  private lineFactorForward(x: Float64Array, a1: number, a2: number): void {
    const { N, K, c0, dx, act, gamA, finv, fz, ka, kb, ks, Df, aC, histRho, loLast, upLast, invS } = this;
    const Ka = this.nAct;
    const m = N - 1;
    const qN = this.qN;
    const qO = this.qOld;
    const q = this.qNew;
    const phiP = this.run1;
    const cpP = this.run2;
    const zP = this.run3;
    const wP = this.run4;
    const c = this.dtCur / dx;
    // last row (right-hand side and bordering coefficients) and phi at face m, the left face of row 0
    {
      const S = x[m] + x[0];
      const D = x[0] - x[m];
      const dfm = Df[m];
      const S1 = x[m - 1] + x[m];
      const D1 = x[m] - x[m - 1];
      const df1 = Df[m - 1];
      const c0x = c0 * x[m];
      const hr = histRho[m];
      const ai = aC[m];
      const gb = m * Ka;
      const gb1 = (m - 1) * Ka;
      const qb = m * K;
      for (let j = 0; j < Ka; j++) {
        const k = act[j];
        const gp = gamA[gb + j];
        const gm = gamA[gb1 + j];
        const phi = ka[j] * S - kb[j] * (1 - gp) * dfm * D;
        const phi1 = ka[j] * S1 - kb[j] * (1 - gm) * df1 * D1;
        const g = c0x + c * (phi - phi1);
        q[qb + k] = a1 * qN[qb + k] - a2 * qO[qb + k] + hr - g;
        const s = ks[j];
        invS[j] = ai + s * (gp - gm); // di_m until lineFactorBorder
        upLast[j] = s * gp;
        loLast[j] = -s * gm;
        phiP[j] = phi;
        cpP[j] = 0;
        zP[j] = 0;
        wP[j] = 0;
      }
    }
    for (let i = 0; i < m; i++) {
      const ip = i + 1;
      const im = i === 0 ? m : i - 1;
      const xi = x[i];
      const S = xi + x[ip];
      const D = x[ip] - xi;
      const dfi = Df[i];
      const ai = aC[i];
      const hr = histRho[i];
      const c0x = c0 * xi;
      const rb = i * Ka;
      const rbm = im * Ka;
      const qb = i * K;
      // e = lo_0 in row 0, up_{m-1} in row m-1 (the bordering column)
      const e0 = i === 0 ? 1 : 0;
      const e1 = i === m - 1 ? 1 : 0;
      for (let j = 0; j < Ka; j++) {
        const k = act[j];
        const gp = gamA[rb + j];
        const gm = gamA[rbm + j];
        const phi = ka[j] * S - kb[j] * (1 - gp) * dfi * D;
        const g = c0x + c * (phi - phiP[j]);
        phiP[j] = phi;
        const r = a1 * qN[qb + k] - a2 * qO[qb + k] + hr - g;
        const s = ks[j];
        const di = ai + s * (gp - gm);
        const up = s * gp;
        const lo = -s * gm;
        const inv = 1 / (di - lo * cpP[j]);
        cpP[j] = up * inv;
        const z = (e0 * lo + e1 * up - lo * zP[j]) * inv;
        zP[j] = z;
        const wv = (r - lo * wP[j]) * inv;
        wP[j] = wv;
        finv[rb + j] = inv;
        fz[rb + j] = z;
        q[qb + k] = wv;
      }
    }
  }

  /** Backward sweeps of z and of the solution (rows m-2 .. 0); z_0 and y_0 left in run3, run4. */
  private lineFactorBackward(): void {
    const { N, K, act, gamA, finv, fz, ks } = this;
    const Ka = this.nAct;
    const m = N - 1;
    const q = this.qNew;
    const zN = this.run3;
    const yN = this.run4;
    const rbl = (m - 1) * Ka;
    const qbl = (m - 1) * K;
    for (let j = 0; j < Ka; j++) {
      zN[j] = fz[rbl + j];
      yN[j] = q[qbl + act[j]];
    }
    for (let i = m - 2; i >= 0; i--) {
      const rb = i * Ka;
      const qb = i * K;
      for (let j = 0; j < Ka; j++) {
        const k = act[j];
        const cp = ks[j] * gamA[rb + j] * finv[rb + j];
        const z = fz[rb + j] - cp * zN[j];
        fz[rb + j] = z;
        zN[j] = z;
        const y = q[qb + k] - cp * yN[j];
        q[qb + k] = y;
        yN[j] = y;
      }
    }
  }

  /** invS = 1 / (di_m - lo_m z_{m-1} - up_m z_0); x_m and x_i = y_i - x_m z_i. */
  private lineFactorBorder(): void {
    const { N, K, act, fz, loLast, upLast, invS } = this;
    const Ka = this.nAct;
    const m = N - 1;
    const q = this.qNew;
    const z0 = this.run3;
    const y0 = this.run4;
    const sv = this.run2;
    const rbl = (m - 1) * Ka;
    for (let j = 0; j < Ka; j++) {
      const k = act[j];
      invS[j] = 1 / (invS[j] - loLast[j] * fz[rbl + j] - upLast[j] * z0[j]);
      const s = (q[m * K + k] - loLast[j] * q[(m - 1) * K + k] - upLast[j] * y0[j]) * invS[j];
      q[m * K + k] = s;
      sv[j] = s;
    }
    for (let i = 0; i < m; i++) {
      const rb = i * Ka;
      const qb = i * K;
      for (let j = 0; j < Ka; j++) q[qb + act[j]] -= sv[j] * fz[rb + j];
    }
  }

  /** Forward sweep of M_k^{-1} G_k x for the active velocities: wbuf rows 0..m-1, the last row's G_k x in run2. */
  private forwardG(x: Float64Array): void {
    const { N, c0, dx, gamA, finv, wbuf, ka, kb, ks, Df } = this;
    const Ka = this.nAct;
    const m = N - 1;
    const phiP = this.run1;
    const rm = this.run2;
    const wP = this.run3;
    const c = this.dtCur / dx;
    {
      const S = x[m] + x[0];
      const D = x[0] - x[m];
      const dfm = Df[m];
      const S1 = x[m - 1] + x[m];
      const D1 = x[m] - x[m - 1];
      const df1 = Df[m - 1];
      const c0x = c0 * x[m];
      const gb = m * Ka;
      const gb1 = (m - 1) * Ka;
      for (let j = 0; j < Ka; j++) {
        const phi = ka[j] * S - kb[j] * (1 - gamA[gb + j]) * dfm * D;
        const phi1 = ka[j] * S1 - kb[j] * (1 - gamA[gb1 + j]) * df1 * D1;
        rm[j] = c0x + c * (phi - phi1);
        phiP[j] = phi;
        wP[j] = 0;
      }
    }
    for (let i = 0; i < m; i++) {
      const im = i === 0 ? m : i - 1;
      const xi = x[i];
      const S = xi + x[i + 1];
      const D = x[i + 1] - xi;
      const dfi = Df[i];
      const c0x = c0 * xi;
      const rb = i * Ka;
      const rbm = im * Ka;
      for (let j = 0; j < Ka; j++) {
        const phi = ka[j] * S - kb[j] * (1 - gamA[rb + j]) * dfi * D;
        const g = c0x + c * (phi - phiP[j]);
        phiP[j] = phi;
        const lo = -ks[j] * gamA[rbm + j];
        const wv = (g - lo * wP[j]) * finv[rb + j];
        wP[j] = wv;
        wbuf[rb + j] = wv;
      }
    }
  }

  /** Backward sweep in place in wbuf (rows m-2 .. 0); y_0 left in run3. */
  private backwardW(): void {
    const { N, gamA, finv, wbuf, ks } = this;
    const Ka = this.nAct;
    const m = N - 1;
    const yN = this.run3;
    const rbl = (m - 1) * Ka;
    for (let j = 0; j < Ka; j++) yN[j] = wbuf[rbl + j];
    for (let i = m - 2; i >= 0; i--) {
      const rb = i * Ka;
      for (let j = 0; j < Ka; j++) {
        const y = wbuf[rb + j] - ks[j] * gamA[rb + j] * finv[rb + j] * yN[j];
        wbuf[rb + j] = y;
        yN[j] = y;
      }
    }
  }

  /** qNew_k -= M_k^{-1} G_k d for the active velocities. */
  private correct(d: Float64Array): void {
    this.forwardG(d);
    this.backwardW();
    this.correctBorder();
  }

  private correctBorder(): void {
    const { N, K, act, fz, wbuf, loLast, upLast, invS } = this;
    const Ka = this.nAct;
    const m = N - 1;
    const q = this.qNew;
    const rm = this.run2;
    const y0 = this.run3;
    const sv = this.run4;
    const rbl = (m - 1) * Ka;
    for (let j = 0; j < Ka; j++) {
      const s = (rm[j] - loLast[j] * wbuf[rbl + j] - upLast[j] * y0[j]) * invS[j];
      sv[j] = s;
      q[m * K + act[j]] -= s;
    }
    for (let i = 0; i < m; i++) {
      const rb = i * Ka;
      const qb = i * K;
      for (let j = 0; j < Ka; j++) q[qb + act[j]] -= wbuf[rb + j] - sv[j] * fz[rb + j];
    }
  }

  /** q_k = (histQ_k + histRho - G_k x) / a for the velocities with gamma = 0 (M_k = diag(a)). */
  private formInactive(x: Float64Array, a1: number, a2: number): void {
    const { N, K, c0, dx, eps, v, inact, Df, aC, histRho } = this;
    const Ki = this.nInact;
    const m = N - 1;
    const qN = this.qN;
    const qO = this.qOld;
    const q = this.qNew;
    const phiP = this.run1;
    const ak = this.run2;
    const bk = this.run3;
    const c = this.dtCur / dx;
    {
      const S = x[m] + x[0];
      const D = x[0] - x[m];
      const dfm = Df[m];
      for (let j = 0; j < Ki; j++) {
        const vk = v[inact[j]];
        ak[j] = vk / (2 * eps);
        bk[j] = (vk * vk) / dx;
        phiP[j] = ak[j] * S - bk[j] * dfm * D;
      }
    }
    for (let i = 0; i < N; i++) {
      const ip = i === m ? 0 : i + 1;
      const xi = x[i];
      const S = xi + x[ip];
      const D = x[ip] - xi;
      const dfi = Df[i];
      const c0x = c0 * xi;
      const hr = histRho[i];
      const ai = aC[i];
      const qb = i * K;
      for (let j = 0; j < Ki; j++) {
        const k = inact[j];
        const phi = ak[j] * S - bk[j] * dfi * D;
        const g = c0x + c * (phi - phiP[j]);
        phiP[j] = phi;
        q[qb + k] = (a1 * qN[qb + k] - a2 * qO[qb + k] + hr - g) / ai;
      }
    }
  }

  /**
   * No active velocity: q_k = (histQ_k + histRho - G_k x) / a for all k, projected onto <q> = 0 in the
   * same pass (as projectQ), with the per-cell extremes kept for limitProjected.
   */
  private formAllInactive(x: Float64Array, a1: number, a2: number): void {
    const { N, K, c0, dx, eps, v, w, Df, aC, histRho, qMaxC, qMinC } = this;
    const m = N - 1;
    const qN = this.qN;
    const qO = this.qOld;
    const q = this.qNew;
    const phiP = this.run1;
    const ak = this.run2;
    const bk = this.run3;
    const c = this.dtCur / dx;
    {
      const S = x[m] + x[0];
      const D = x[0] - x[m];
      const dfm = Df[m];
      for (let k = 0; k < K; k++) {
        const vk = v[k];
        ak[k] = vk / (2 * eps);
        bk[k] = (vk * vk) / dx;
        phiP[k] = ak[k] * S - bk[k] * dfm * D;
      }
    }
    for (let i = 0; i < N; i++) {
      const ip = i === m ? 0 : i + 1;
      const xi = x[i];
      const S = xi + x[ip];
      const D = x[ip] - xi;
      const dfi = Df[i];
      const c0x = c0 * xi;
      const hr = histRho[i];
      const ai = aC[i];
      const qb = i * K;
      let s = 0;
      for (let k = 0; k < K; k++) {
        const p = qb + k;
        const phi = ak[k] * S - bk[k] * dfi * D;
        const g = c0x + c * (phi - phiP[k]);
        phiP[k] = phi;
        const val = (a1 * qN[p] - a2 * qO[p] + hr - g) / ai;
        q[p] = val;
        s += w[k] * val;
      }
      let qmax = -Infinity;
      let qmin = Infinity;
      for (let k = 0; k < K; k++) {
        const val = q[qb + k] - s;
        q[qb + k] = val;
        qmax = val > qmax ? val : qmax;
        qmin = val < qmin ? val : qmin;
      }
      qMaxC[i] = qmax;
      qMinC[i] = qmin;
    }
  }

  /** Schur residual out = histRho - L rho - (dt/eps) D<v gamma avg qNew> (acc := <v gamma avg qNew>); 2-norm. */
  private residual(rho: Float64Array, out: Float64Array): number {
    if (this.nAct > 0) this.faceAcc();
    else this.acc.fill(0);
    return this.residualL(rho, out);
  }

  /** acc_f = <c gamma_f (q_f + q_{f+1})> over the active velocities. */
  private faceAcc(): void {
    const { N, K, act, gamA, kc, acc } = this;
    const Ka = this.nAct;
    const q = this.qNew;
    for (let f = 0; f < N; f++) {
      const fp = f + 1 === N ? 0 : f + 1;
      const rb = f * Ka;
      const qb = f * K;
      const qbp = fp * K;
      let s = 0;
      for (let j = 0; j < Ka; j++) {
        const k = act[j];
        s += kc[j] * gamA[rb + j] * (q[qb + k] + q[qbp + k]);
      }
      acc[f] = s;
    }
  }

  private residualL(rho: Float64Array, out: Float64Array): number {
    const { N, Llo, Ldi, Lup, acc } = this;
    const ce = this.dtCur / (this.eps * this.dx);
    const h = this.histRho;
    let s = 0;
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? N - 1 : i - 1;
      const ip = i + 1 === N ? 0 : i + 1;
      const r = h[i] - (Llo[i] * rho[im] + Ldi[i] * rho[i] + Lup[i] * rho[ip]) - ce * (acc[i] - acc[im]);
      out[i] = r;
      s += r * r;
    }
    return Math.sqrt(s);
  }

  /** y = S x = L x - (dt/eps) D<v gamma avg M_k^{-1} G_k x>. */
  private applySchur(x: Float64Array, y: Float64Array): void {
    if (this.nAct > 0) {
      this.forwardG(x);
      this.backwardW();
      this.schurBorder();
    } else this.acc.fill(0);
    this.applyL(x, y);
  }

  /**
   * x_m = s, x_i = y_i - s z_i (y in wbuf from backwardW, y_0 in run3) and acc_f = <c gamma_f (x_f + x_{f+1})>,
   * in the same order of operations as the per-velocity solves (bitwise the same Krylov vectors).
   */
  private schurBorder(): void {
    const { N, gamA, fz, wbuf, kc, loLast, upLast, invS, acc } = this;
    const Ka = this.nAct;
    const m = N - 1;
    const rm = this.run2;
    const y0 = this.run3;
    const sv = this.run4;
    const xP = this.run1;
    const rbl = (m - 1) * Ka;
    const rbm = m * Ka;
    let Pl = 0;
    let Pm = 0;
    for (let j = 0; j < Ka; j++) {
      const yl = wbuf[rbl + j];
      const s = (rm[j] - loLast[j] * yl - upLast[j] * y0[j]) * invS[j];
      sv[j] = s;
      const x0 = y0[j] - s * fz[j];
      xP[j] = x0;
      Pl += kc[j] * gamA[rbl + j] * (yl - s * fz[rbl + j] + s);
      Pm += kc[j] * gamA[rbm + j] * (s + x0);
    }
    acc[m - 1] = Pl;
    acc[m] = Pm;
    for (let f = 0; f < m - 1; f++) {
      const rb = f * Ka;
      const rn = rb + Ka;
      let P = 0;
      for (let j = 0; j < Ka; j++) {
        const xn = wbuf[rn + j] - sv[j] * fz[rn + j];
        P += kc[j] * gamA[rb + j] * (xP[j] + xn);
        xP[j] = xn;
      }
      acc[f] = P;
    }
  }

  /** y = L x - (dt/eps) D acc. */
  private applyL(x: Float64Array, y: Float64Array): void {
    const { N, Llo, Ldi, Lup, acc } = this;
    const ce = this.dtCur / (this.eps * this.dx);
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? N - 1 : i - 1;
      const ip = i + 1 === N ? 0 : i + 1;
      y[i] = Llo[i] * x[im] + Ldi[i] * x[i] + Lup[i] * x[ip] - ce * (acc[i] - acc[im]);
    }
  }

  /** Conservative density update from the face fluxes and the bound limiter (on the attempt's buffers). */
  private limit(F: Float64Array, qNew: Float64Array): void {
    this.limitedC.fill(0);
    const out = this.updateRho(F);
    if (out && this.useLimiter) {
      this.fct(F);
      this.updateRho(F);
      this.counters.rhoLimiterSteps++;
    }
    this.counters.hLimiterCells += this.projected ? this.limitProjected(qNew) : this.projectQ(qNew);
  }

  /** Accept the attempt: rotate the levels old2 <- old <- n <- new. */
  private commit(dt: number): void {
    const ro = this.rhoOld2;
    this.rhoOld2 = this.rhoOld;
    this.rhoOld = this.rhoN;
    this.rhoN = this.rhoNew;
    this.rhoNew = ro;
    const qo = this.qOld2;
    this.qOld2 = this.qOld;
    this.qOld = this.qN;
    this.qN = this.qNew;
    this.qNew = qo;
    const fo = this.Fprev;
    this.Fprev = this.Fnew;
    this.Fnew = fo;
    this.dtPrev2 = this.dtPrev;
    this.dtPrev = dt;
    this.time += dt;
    this.counters.steps++;
  }

  /** rhoNew = rhoN - D F / dx; whether some value left [lo, hi]. */
  private updateRho(F: Float64Array): boolean {
    const { N, dx, lo, hi } = this;
    const rhoN = this.rhoN;
    const rhoNew = this.rhoNew;
    const idx = 1 / dx;
    let out = false;
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? N - 1 : i - 1;
      const r = rhoN[i] - (F[i] - F[im]) * idx;
      rhoNew[i] = r;
      if (r > hi || r < lo) out = true;
    }
    return out;
  }

  /** Zalesak FCT with the zero-flux low-order solution rho^n (inside [lo, hi]): scales F in place. */
  private fct(F: Float64Array): void {
    const { N, dx, lo, hi, Rp, Rm } = this;
    const rhoN = this.rhoN;
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? N - 1 : i - 1;
      const pin = Math.max(0, F[im]) + Math.max(0, -F[i]);
      const pout = Math.max(0, F[i]) + Math.max(0, -F[im]);
      const qp = (hi - rhoN[i]) * dx;
      const qm = (rhoN[i] - lo) * dx;
      Rp[i] = pin > qp ? Math.max(0, qp) / pin : 1;
      Rm[i] = pout > qm ? Math.max(0, qm) / pout : 1;
    }
    this.fctScale(F);
  }

  private fctScale(F: Float64Array): void {
    const { N, Rp, Rm, limitedC } = this;
    for (let f = 0; f < N; f++) {
      const fp = f + 1 === N ? 0 : f + 1;
      const C = F[f] >= 0 ? Math.min(Rm[f], Rp[fp]) : Math.min(Rp[f], Rm[fp]);
      if (C < 1) limitedC[f] = limitedC[fp] = 1;
      F[f] *= C;
    }
  }

  /** The q-scaling of projectQ for q already projected (extremes in qMaxC, qMinC); cells scaled. */
  private limitProjected(qNew: Float64Array): number {
    const { N, K, lo, hi, qMaxC, qMinC } = this;
    const rhoNew = this.rhoNew;
    const lim = this.useLimiter;
    let scaled = 0;
    for (let i = 0; i < N; i++) {
      const qmax = qMaxC[i];
      const qmin = qMinC[i];
      if (!Number.isFinite(qmax) || !Number.isFinite(qmin) || !Number.isFinite(rhoNew[i])) {
        throw new NumericalFailure('KineticSolver: non-finite state', { cell: i });
      }
      if (lim) {
        const r = rhoNew[i];
        let theta = 1;
        if (r + qmax > hi) theta = Math.min(theta, Math.max(0, hi - r) / qmax);
        if (r + qmin < lo) theta = Math.min(theta, Math.max(0, r - lo) / -qmin);
        if (theta < 1) {
          this.limitedC[i] = 1;
          const b = i * K;
          for (let k = 0; k < K; k++) qNew[b + k] *= theta;
          scaled++;
        }
      }
    }
    return scaled;
  }

  /** Project q onto <q> = 0 (removes the solver residual), then scale q towards rho into bounds; cells scaled. */
  private projectQ(qNew: Float64Array): number {
    const { N, K, lo, hi, w } = this;
    const rhoNew = this.rhoNew;
    const lim = this.useLimiter;
    let scaled = 0;
    for (let i = 0; i < N; i++) {
      const b = i * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += w[k] * qNew[b + k];
      let qmax = -Infinity;
      let qmin = Infinity;
      for (let k = 0; k < K; k++) {
        const val = qNew[b + k] - s;
        qNew[b + k] = val;
        if (val > qmax) qmax = val;
        if (val < qmin) qmin = val;
      }
      if (!Number.isFinite(qmax) || !Number.isFinite(qmin) || !Number.isFinite(rhoNew[i])) {
        throw new NumericalFailure('KineticSolver: non-finite state', { cell: i });
      }
      if (lim) {
        const r = rhoNew[i];
        let theta = 1;
        if (r + qmax > hi) theta = Math.min(theta, Math.max(0, hi - r) / qmax);
        if (r + qmin < lo) theta = Math.min(theta, Math.max(0, r - lo) / -qmin);
        if (theta < 1) {
          this.limitedC[i] = 1;
          for (let k = 0; k < K; k++) qNew[b + k] *= theta;
          scaled++;
        }
      }
    }
    return scaled;
  }

  /** q in the velocity-major layout q[k*N + i] of saved states (checkpoints written before the layout change). */
  private velocityMajor(q: Float64Array): Float64Array {
    const { N, K } = this;
    const out = new Float64Array(N * K);
    for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) out[k * N + i] = q[i * K + k];
    return out;
  }

  private fromVelocityMajor(src: Float64Array, q: Float64Array): void {
    const { N, K } = this;
    if (src.length !== N * K) throw new RangeError(`KineticSolver.restoreState: q must have ${N * K} entries`);
    for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) q[i * K + k] = src[k * N + i];
  }

  saveState(): StepperState {
    const m = this.impl2;
    const lastError = Number.isFinite(this.lastError) ? this.lastError : -1;
    if (m) {
      return {
        rho: m.rhoN.slice(), q: m.qN.slice(), rhoOld: m.rhoOld.slice(), qOld: m.qOld.slice(), rhoOld2: m.rhoOld2.slice(), qOld2: m.qOld2.slice(),
        FxPrev: m.FxPrev.slice(), FyPrev: m.FyPrev.slice(), dtPrev: m.dtPrev, dtPrev2: m.dtPrev2, time: m.time, steps: m.counters.steps, lastError,
      };
    }
    return {
      rho: this.rhoN.slice(),
      q: this.velocityMajor(this.qN),
      rhoOld: this.rhoOld.slice(),
      qOld: this.velocityMajor(this.qOld),
      rhoOld2: this.rhoOld2.slice(),
      qOld2: this.velocityMajor(this.qOld2),
      Fprev: this.Fprev.slice(),
      dtPrev: this.dtPrev,
      dtPrev2: this.dtPrev2,
      time: this.time,
      steps: this.counters.steps,
      lastError,
    };
  }

  restoreState(state: StepperState): void {
    const get = (key: string): Float64Array => {
      const x = state[key];
      if (!(x instanceof Float64Array)) throw new RangeError(`KineticSolver.restoreState: missing ${key}`);
      return x;
    };
    const le = Number(state.lastError);
    this.lastError = le >= 0 ? le : NaN;
    this.pendingDt = 0;
    const m = this.impl2;
    if (m) {
      m.rhoN.set(get('rho'));
      m.qN.set(get('q'));
      m.rhoOld.set(get('rhoOld'));
      m.qOld.set(get('qOld'));
      m.rhoOld2.set(get('rhoOld2'));
      m.qOld2.set(get('qOld2'));
      m.FxPrev.set(get('FxPrev'));
      m.FyPrev.set(get('FyPrev'));
      m.dtPrev = Number(state.dtPrev);
      m.dtPrev2 = Number(state.dtPrev2);
      m.time = Number(state.time);
      m.lastError = this.lastError;
      m.counters.steps = this.counters.steps = Number(state.steps);
      return;
    }
    this.rhoN.set(get('rho'));
    this.fromVelocityMajor(get('q'), this.qN);
    this.rhoOld.set(get('rhoOld'));
    this.fromVelocityMajor(get('qOld'), this.qOld);
    this.rhoOld2.set(get('rhoOld2'));
    this.fromVelocityMajor(get('qOld2'), this.qOld2);
    this.Fprev.set(get('Fprev'));
    this.dtPrev = Number(state.dtPrev);
    this.dtPrev2 = Number(state.dtPrev2);
    this.time = Number(state.time);
    this.counters.steps = Number(state.steps);
  }
}

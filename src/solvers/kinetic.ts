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
import type { Grid } from '../grid/grid.js';
import type { RateLaw } from '../models/rate.js';
import type { VelocityGrid } from '../velocity/gaussHermite.js';
import { NumericalFailure, type StepperState, type TimeStepper } from './stepper.js';
import { PeriodicTridiagFactor } from './kinetic/periodicTridiag.js';
import { Gmres, type LinearOperator } from './kinetic/gmres.js';
import { Kinetic2D } from './kinetic/kinetic2d.js';

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
  steps: number;
  /** Total GMRES iterations (Schur complement solves). */
  solverIterations: number;
  maxSolverIterations: number;
  /** Steps in which the density flux limiter (FCT) changed a flux. */
  rhoLimiterSteps: number;
  /** Cells in which the non-equilibrium part q was scaled down (summed over steps). */
  hLimiterCells: number;
}

export class KineticSolver implements TimeStepper {
  readonly grid: Grid;
  readonly scheme: string;
  readonly velocity: VelocityGrid;
  readonly rate: RateLaw;
  readonly eps: number;
  /** Discrete velocities per cell. */
  readonly count: number;
  readonly counters: KineticCounters = {
    steps: 0,
    solverIterations: 0,
    maxSolverIterations: 0,
    rhoLimiterSteps: 0,
    hLimiterCells: 0,
  };

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

  // state: rho[i], q[k*N + i] (velocity-major for the line solves)
  private rhoN: Float64Array;
  private qN: Float64Array;
  private rhoOld: Float64Array;
  private qOld: Float64Array;
  /** Face mass flux of the last step (integrated over the step): rho^n - rho^{n-1} = -D(Fprev). */
  private Fprev: Float64Array;
  private dtPrev = 0;
  private time = 0;

  // per-step work
  private readonly lamC: Float64Array; // lambda at cells
  private readonly Df: Float64Array; // diffusivity at faces (face i = i+1/2)
  private readonly gam: Float64Array; // gamma = 1 - beta at faces, [k*N + f]
  private readonly v2beta: Float64Array; // <v^2 beta>_f
  private readonly activeK: Uint8Array; // velocity k has some gamma > 0
  private readonly facts: PeriodicTridiagFactor[];
  private readonly Lfact: PeriodicTridiagFactor;
  private readonly tlo: Float64Array;
  private readonly tdi: Float64Array;
  private readonly tup: Float64Array;
  private readonly Llo: Float64Array;
  private readonly Ldi: Float64Array;
  private readonly Lup: Float64Array;
  private readonly histRho: Float64Array;
  private readonly histQ: Float64Array;
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
    this.Fprev = new Float64Array(A);
    for (let i = 0; i < A; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += this.w[k] * h0[i * K + k];
      this.rhoN[i] = s;
      for (let k = 0; k < K; k++) this.qN[k * N + i] = h0[i * K + k] - s;
    }

    this.lamC = new Float64Array(A);
    this.Df = new Float64Array(A);
    this.gam = new Float64Array(A * K);
    this.v2beta = new Float64Array(A);
    this.activeK = new Uint8Array(K);
    this.facts = Array.from({ length: this.K }, () => new PeriodicTridiagFactor(Math.max(A, 3)));
    this.Lfact = new PeriodicTridiagFactor(Math.max(A, 3));
    this.tlo = new Float64Array(A);
    this.tdi = new Float64Array(A);
    this.tup = new Float64Array(A);
    this.Llo = new Float64Array(A);
    this.Ldi = new Float64Array(A);
    this.Lup = new Float64Array(A);
    this.histRho = new Float64Array(A);
    this.histQ = new Float64Array(A * K);
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
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < N; i++) hOut[i * K + k] = rhoN[i] + qN[k * N + i];
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
    for (let k = 0; k < K; k++) for (let i = 0; i < N; i++) out[i * K + k] = rhoOld[i] + qOld[k * N + i];
    return dtPrev;
  }

  /** Non-equilibrium part q = h - rho at cell i, velocity k. */
  q(i: number, k: number): number {
    return this.impl2 ? this.impl2.qN[k * this.impl2.N + i] : this.qN[k * this.N + i];
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
      for (let k = 0; k < K; k++) s += w[k] * v[k] * qN[k * N + i];
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

  step(dt: number): void {
    if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`KineticSolver.step: dt must be positive, got ${dt}`);
    if (this.impl2) {
      const c = this.impl2.counters;
      this.impl2.step(dt);
      this.counters.steps = c.steps;
      this.counters.solverIterations = c.solverIterations;
      this.counters.maxSolverIterations = c.maxSolverIterations;
      this.counters.rhoLimiterSteps = c.rhoLimiterSteps;
      this.counters.hLimiterCells = c.hLimiterCells;
      return;
    }
    const { N, K, dx, eps, v, w } = this;
    const useB2 = this.bdf2 && this.counters.steps > 0;
    const om = useB2 ? dt / this.dtPrev : 0;
    const c0 = useB2 ? (1 + 2 * om) / (1 + om) : 1;
    const a1 = useB2 ? 1 + om : 1;
    const a2 = useB2 ? (om * om) / (1 + om) : 0;
    this.c0 = c0;
    this.dtCur = dt;
    const rhoN = this.rhoN;
    const rhoO = this.rhoOld;
    const qN = this.qN;
    const qO = this.qOld;
    const lo = this.lo;
    const hi = this.hi;
    const rate = this.rate;

    // lambda at the extrapolated density (second order), clamped into the bounds
    const floor = lo > 0 ? lo : 1e-300;
    for (let i = 0; i < N; i++) {
      let r = useB2 ? (1 + om) * rhoN[i] - om * rhoO[i] : rhoN[i];
      if (r < floor) r = floor;
      if (r > hi) r = hi;
      const lam = rate.lambda(r);
      if (!(lam > 0) || !Number.isFinite(lam)) throw new NumericalFailure(`lambda(${r}) = ${lam} is not positive and finite`, { cell: i });
      this.lamC[i] = lam;
      this.tmp[i] = 1 / lam;
    }
    const Df = this.Df;
    for (let i = 0; i < N; i++) {
      const ip = i + 1 === N ? 0 : i + 1;
      Df[i] = 0.5 * (this.tmp[i] + this.tmp[ip]);
    }
    // blending weights gamma = 1 - beta = exp(-(lambda_f dx / (eps |v|))^2)
    const gam = this.gam;
    const v2b = this.v2beta;
    v2b.fill(0);
    for (let k = 0; k < K; k++) {
      const av = Math.abs(v[k]);
      const c = w[k] * v[k] * v[k];
      const base = k * N;
      const k0 = this.sameAbs[k];
      if (k0 !== k) {
        // gamma depends on |v| only: copy from the velocity -v
        const b0 = k0 * N;
        for (let f = 0; f < N; f++) {
          const g = gam[b0 + f];
          gam[base + f] = g;
          v2b[f] += c * (1 - g);
        }
        this.activeK[k] = this.activeK[k0];
        continue;
      }
      let any = 0;
      const z0 = av > 0 ? dx / (eps * av) : 0;
      for (let f = 0; f < N; f++) {
        let g = 0;
        if (av > 0) {
          const z = z0 / Df[f];
          const z2 = z * z;
          g = z2 > 746 ? 0 : Math.exp(-z2);
        }
        gam[base + f] = g;
        if (g > 0) any = 1;
        v2b[f] += c * (1 - g);
      }
      this.activeK[k] = any;
    }
    // histories
    const histRho = this.histRho;
    const histQ = this.histQ;
    for (let i = 0; i < N; i++) histRho[i] = a1 * rhoN[i] - a2 * rhoO[i];
    for (let p = 0; p < N * K; p++) histQ[p] = a1 * qN[p] - a2 * qO[p];

    // factor M_k = (c0 + dt lambda/eps^2) I + (dt/eps) v_k D(gamma avg .)
    const ie2 = 1 / (eps * eps);
    const tlo = this.tlo;
    const tdi = this.tdi;
    const tup = this.tup;
    const aC = this.aC;
    for (let i = 0; i < N; i++) aC[i] = c0 + dt * this.lamC[i] * ie2;
    for (let k = 0; k < K; k++) {
      if (!this.activeK[k]) continue; // M_k = diag(a)
      const s = (dt * v[k]) / (eps * 2 * dx);
      for (let i = 0; i < N; i++) {
        const im = i === 0 ? N - 1 : i - 1;
        const gp = gam[k * N + i];
        const gm = gam[k * N + im];
        tdi[i] = c0 + dt * this.lamC[i] * ie2 + s * (gp - gm);
        tup[i] = s * gp;
        tlo[i] = -s * gm;
      }
      this.facts[k].factor(tlo, tdi, tup);
    }
    // L = c0 I - dt D(<v^2 beta> Df D)
    const idx2 = dt / (dx * dx);
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? N - 1 : i - 1;
      const cp = idx2 * v2b[i] * Df[i];
      const cm = idx2 * v2b[im] * Df[im];
      this.Ldi[i] = c0 + cp + cm;
      this.Lup[i] = -cp;
      this.Llo[i] = -cm;
    }
    this.Lfact.factor(this.Llo, this.Ldi, this.Lup);

    // Start from rho = rho^n: q_k = M_k^{-1}(histQ_k + histRho - G_k rho) (active velocities) and the
    // Schur residual r = histRho - L rho - (dt/eps) D<v gamma avg q>; GMRES on S delta = r from a zero
    // guess; rho += delta, q_k -= M_k^{-1} G_k delta; the true residual again from q (needed anyway).
    const tmp = this.tmp;
    const rhoNew = this.rhoNew;
    const qNew = this.qNew;
    rhoNew.set(rhoN);
    for (let k = 0; k < K; k++) {
      if (!this.activeK[k]) continue;
      const base = k * N;
      this.applyG(k, rhoNew, tmp);
      for (let i = 0; i < N; i++) qNew[base + i] = histQ[base + i] + histRho[i] - tmp[i];
      this.facts[k].solve(qNew, base);
    }
    let hn = 0;
    for (let i = 0; i < N; i++) hn += histRho[i] * histRho[i];
    hn = Math.sqrt(hn);
    const tol = this.rtol;
    const res = this.res;
    let rn = this.residual(rhoNew, res);
    let used = 0;
    const maxIter = 400;
    for (let cycle = 0; rn > tol * hn && used < maxIter && cycle < 20; cycle++) {
      const delta = this.delta;
      const out = this.gmres.solve(this.op, res, delta, (tol * hn) / rn, maxIter - used, true);
      used += out.iterations;
      for (let i = 0; i < N; i++) rhoNew[i] += delta[i];
      for (let k = 0; k < K; k++) {
        if (!this.activeK[k]) continue;
        const base = k * N;
        this.applyG(k, delta, tmp);
        this.facts[k].solve(tmp);
        for (let i = 0; i < N; i++) qNew[base + i] -= tmp[i];
      }
      rn = this.residual(rhoNew, res);
    }
    this.counters.solverIterations += used;
    if (used > this.counters.maxSolverIterations) this.counters.maxSolverIterations = used;
    if (!(rn <= 1e-9 * hn)) {
      throw new NumericalFailure(`KineticSolver: GMRES did not converge (relative residual ${(rn / hn).toExponential(2)})`);
    }
    for (let k = 0; k < K; k++) {
      if (this.activeK[k]) continue;
      const base = k * N;
      this.applyG(k, rhoNew, tmp);
      for (let i = 0; i < N; i++) qNew[base + i] = (histQ[base + i] + histRho[i] - tmp[i]) / aC[i];
    }
    const acc = this.acc; // holds <v gamma avg q> of the final q (from residual())
    // face fluxes J_f = (1/eps)<v gamma avg q> - <v^2 beta> Df (rho_{i+1} - rho_i)/dx, and the
    // step's face mass flux F = a2/c0 Fprev + dt/c0 J (so that rho^{n+1} = rho^n - D F)
    const F = this.Fnew;
    const fa = useB2 ? a2 / c0 : 0;
    for (let f = 0; f < N; f++) {
      const fp = f + 1 === N ? 0 : f + 1;
      const J = acc[f] / eps - (v2b[f] * Df[f] * (rhoNew[fp] - rhoNew[f])) / dx;
      F[f] = fa * this.Fprev[f] + (dt / c0) * J;
    }
    this.finishStep(F, qNew, dt);
  }

  /** acc_f += w_k v_k gamma_{k,f} (p_i + p_{i+1})/2 for p given in tmp (length N). */
  private accumulateFace(k: number, p: Float64Array, acc: Float64Array): void {
    this.accumulateFaceOff(k, p, 0, acc);
  }

  private accumulateFaceOff(k: number, p: Float64Array, off: number, acc: Float64Array): void {
    const N = this.N;
    const c = 0.5 * this.w[k] * this.v[k];
    const gam = this.gam;
    const gb = k * N;
    for (let f = 0; f < N - 1; f++) acc[f] += c * gam[gb + f] * (p[off + f] + p[off + f + 1]);
    acc[N - 1] += c * gam[gb + N - 1] * (p[off + N - 1] + p[off]);
  }

  /** y = G_k x = c0 x + dt D(Phi_k(x)), Phi_{k,f} = (v/eps) avg x - v^2 beta_{k,f} Df (x_{i+1} - x_i)/dx. */
  private applyG(k: number, x: Float64Array, y: Float64Array): void {
    const { N, dx, eps, c0, dtCur: dt } = this;
    const vk = this.v[k];
    const a = vk / (2 * eps);
    const b = (vk * vk) / dx;
    const gam = this.gam;
    const Df = this.Df;
    const gb = k * N;
    // flux at face N-1 (between N-1 and 0) first, carried as "previous"
    let prev = a * (x[N - 1] + x[0]) - b * (1 - gam[gb + N - 1]) * Df[N - 1] * (x[0] - x[N - 1]);
    const c = dt / dx;
    for (let i = 0; i < N; i++) {
      const ip = i + 1 === N ? 0 : i + 1;
      const phi = a * (x[i] + x[ip]) - b * (1 - gam[gb + i]) * Df[i] * (x[ip] - x[i]);
      y[i] = c0 * x[i] + c * (phi - prev);
      prev = phi;
    }
  }

  /** Schur residual out = histRho - L rho - (dt/eps) D<v gamma avg qNew> (acc := <v gamma avg qNew>); 2-norm. */
  private residual(rho: Float64Array, out: Float64Array): number {
    const { N, K } = this;
    const acc = this.acc;
    acc.fill(0);
    for (let k = 0; k < K; k++) if (this.activeK[k]) this.accumulateFaceOff(k, this.qNew, k * N, acc);
    const ce = this.dtCur / (this.eps * this.dx);
    const Llo = this.Llo;
    const Ldi = this.Ldi;
    const Lup = this.Lup;
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
    const { N, K } = this;
    const acc = this.acc;
    const tmp = this.tmp;
    acc.fill(0);
    for (let k = 0; k < K; k++) {
      if (!this.activeK[k]) continue;
      this.applyG(k, x, tmp);
      this.facts[k].solve(tmp);
      this.accumulateFace(k, tmp, acc);
    }
    const ce = this.dtCur / (this.eps * this.dx);
    const Llo = this.Llo;
    const Ldi = this.Ldi;
    const Lup = this.Lup;
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? N - 1 : i - 1;
      const ip = i + 1 === N ? 0 : i + 1;
      y[i] = Llo[i] * x[im] + Ldi[i] * x[i] + Lup[i] * x[ip] - ce * (acc[i] - acc[im]);
    }
  }

  /** Conservative density update from face fluxes, bound limiter, state rotation. */
  private finishStep(F: Float64Array, qNew: Float64Array, dt: number): void {
    const { N, K, dx, lo, hi, w } = this;
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
    if (out && this.useLimiter) {
      // Zalesak FCT with the zero-flux low-order solution rho^n (inside [lo, hi])
      const Rp = this.Rp;
      const Rm = this.Rm;
      for (let i = 0; i < N; i++) {
        const im = i === 0 ? N - 1 : i - 1;
        const pin = Math.max(0, F[im]) + Math.max(0, -F[i]);
        const pout = Math.max(0, F[i]) + Math.max(0, -F[im]);
        const qp = (hi - rhoN[i]) * dx;
        const qm = (rhoN[i] - lo) * dx;
        Rp[i] = pin > qp ? Math.max(0, qp) / pin : 1;
        Rm[i] = pout > qm ? Math.max(0, qm) / pout : 1;
      }
      for (let f = 0; f < N; f++) {
        const fp = f + 1 === N ? 0 : f + 1;
        const C = F[f] >= 0 ? Math.min(Rm[f], Rp[fp]) : Math.min(Rp[f], Rm[fp]);
        F[f] *= C;
      }
      for (let i = 0; i < N; i++) {
        const im = i === 0 ? N - 1 : i - 1;
        rhoNew[i] = rhoN[i] - (F[i] - F[im]) * idx;
      }
      this.counters.rhoLimiterSteps++;
    }
    // project q onto <q> = 0 (removes the solver residual), then scale q towards rho into bounds
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += w[k] * qNew[k * N + i];
      let qmax = -Infinity;
      let qmin = Infinity;
      for (let k = 0; k < K; k++) {
        const val = qNew[k * N + i] - s;
        qNew[k * N + i] = val;
        if (val > qmax) qmax = val;
        if (val < qmin) qmin = val;
      }
      if (!Number.isFinite(qmax) || !Number.isFinite(qmin) || !Number.isFinite(rhoNew[i])) {
        throw new NumericalFailure('KineticSolver: non-finite state', { cell: i });
      }
      if (this.useLimiter) {
        const r = rhoNew[i];
        let theta = 1;
        if (r + qmax > hi) theta = Math.min(theta, Math.max(0, hi - r) / qmax);
        if (r + qmin < lo) theta = Math.min(theta, Math.max(0, r - lo) / -qmin);
        if (theta < 1) {
          for (let k = 0; k < K; k++) qNew[k * N + i] *= theta;
          this.counters.hLimiterCells++;
        }
      }
    }
    // rotate: old <- n, n <- new
    const ro = this.rhoOld;
    this.rhoOld = this.rhoN;
    this.rhoN = this.rhoNew;
    this.rhoNew = ro;
    const qo = this.qOld;
    this.qOld = this.qN;
    this.qN = qNew;
    this.qNew = qo;
    const fo = this.Fprev;
    this.Fprev = F;
    this.Fnew = fo;
    this.dtPrev = dt;
    this.time += dt;
    this.counters.steps++;
  }

  saveState(): StepperState {
    const m = this.impl2;
    if (m) {
      return { rho: m.rhoN.slice(), q: m.qN.slice(), rhoOld: m.rhoOld.slice(), qOld: m.qOld.slice(), FxPrev: m.FxPrev.slice(), FyPrev: m.FyPrev.slice(), dtPrev: m.dtPrev, time: m.time, steps: m.counters.steps };
    }
    return {
      rho: this.rhoN.slice(),
      q: this.qN.slice(),
      rhoOld: this.rhoOld.slice(),
      qOld: this.qOld.slice(),
      Fprev: this.Fprev.slice(),
      dtPrev: this.dtPrev,
      time: this.time,
      steps: this.counters.steps,
    };
  }

  restoreState(state: StepperState): void {
    const get = (key: string): Float64Array => {
      const x = state[key];
      if (!(x instanceof Float64Array)) throw new RangeError(`KineticSolver.restoreState: missing ${key}`);
      return x;
    };
    const m = this.impl2;
    if (m) {
      m.rhoN.set(get('rho'));
      m.qN.set(get('q'));
      m.rhoOld.set(get('rhoOld'));
      m.qOld.set(get('qOld'));
      m.FxPrev.set(get('FxPrev'));
      m.FyPrev.set(get('FyPrev'));
      m.dtPrev = Number(state.dtPrev);
      m.time = Number(state.time);
      m.counters.steps = this.counters.steps = Number(state.steps);
      return;
    }
    this.rhoN.set(get('rho'));
    this.qN.set(get('q'));
    this.rhoOld.set(get('rhoOld'));
    this.qOld.set(get('qOld'));
    this.Fprev.set(get('Fprev'));
    this.dtPrev = Number(state.dtPrev);
    this.time = Number(state.time);
    this.counters.steps = Number(state.steps);
  }
}

/**
 * The 2D stepper of the kinetic AP scheme (paper eq. (1.2); see kinetic1d.ts and docs/kinetic-scheme.md).
 *
 * Same unknowns and face fluxes as in 1D, per direction (../transport/apTransport2d.ts). The per-velocity
 * transport operator M_k = a + Tx_k + Ty_k (a = c0 + dt lambda / eps^2) is replaced by the *stabilised*
 * approximate factorisation Mt_k = (a + Ax_k + Tx_k) a^{-1} (a + Ay_k + Ty_k) in delta form
 * (../transport/factored2d.ts): its splitting term E_k = Mt_k − M_k is applied to q^n, so it perturbs the
 * step by O(dt^3) for smooth solutions, vanishes with the blending weights as eps -> 0 (AP unaffected),
 * and the line diffusions A keep Mt_k accretive at every eps, grid and node count (the plain
 * factorisation made the Schur complement nearly singular at intermediate eps). The reference mode
 * `perVelocitySolve: 'exact'` replaces Mt_k^{-1} by M_k^{-1} (GMRES per velocity, preconditioned by
 * Mt_k) and drops E: the splitting error of the scheme is the difference of the two; `'plain'` is the
 * unstabilised factorisation the scheme used before (for comparisons only: it can fail at intermediate eps).
 *
 * The density Schur complement S = L − (dt/eps) div <v γ avg Mt_k^{-1} G_k> is solved by flexible GMRES
 * from the quadratic predictor of rho (the last three levels), preconditioned by the transport-aware
 * L⁻¹C (../transport/dsa2d.ts). Per step: 1 + (GMRES iterations) solves per active velocity — the
 * correction q_k −= Mt_k⁻¹ G_k δ is the combination of the solves the Schur applications kept (up to
 * `storedSolves` directions; else one more solve).
 *
 * Threads: the per-velocity and per-cell work runs as tasks (./kernels2d.ts) on a Parallel (one thread,
 * or a worker pool over SharedArrayBuffers) with results bitwise independent of the thread count; the
 * density-sized work (λ, γ, GMRES, the preconditioner, face fluxes, FCT) stays on the calling thread.
 */
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure, type StepperState } from '../stepper.js';
import { Gmres, type LinearOperator } from '../linear/gmres.js';
import { ApTransport2D } from '../transport/apTransport2d.js';
import { STABILISATION_KAPPA, faceRatiosX, faceRatiosY } from '../transport/factored2d.js';
import { BoundLimiter2D } from '../limiter.js';
import { Levels2D } from '../microMacro/levels2d.js';
import type { MicroMacroSetup } from '../microMacro/facade.js';
import { MicroMacroStepper } from '../microMacro/stepperBase.js';
import { SchurDsa2D } from '../transport/dsa2d.js';
import { SharedArena } from '../parallel/arena.js';
import { Parallel, workspaceRegistry } from '../parallel/pool.js';
import { Kinetic2DKernels } from './kernels2d.js';
import { Arg, FIXED_ARRAYS, MOMENT_ARRAYS, Par, Task2D, VELOCITY_GROUPS, lineScratchSize, type Kinetic2DLayout } from './kernels2dLayout.js';
import { kernelMemory, wasmKernels } from '../wasm/kernels.js';
import { momentWeights2D, type LevelMomentArrays } from '../microMacro/moments.js';
import { addTo, combine2, dot, subtractFrom } from '../linear/vectors.js';

/** γ < e^-69 ≈ 1e-30 counts as 0 (the velocity leaves the Schur complement; far below round-off). */
const GAMMA_CUTOFF = 69;

/** Relative tolerance of the limit-operator solve inside the Schur preconditioner (FGMRES is flexible). */
const PRECONDITIONER_TOL = 1e-2;

/** The density Schur solve did not converge (step() then retakes the step as two half steps). */
class SchurNotConverged extends NumericalFailure {}

export class Kinetic2D extends MicroMacroStepper {
  protected readonly who = 'Kinetic2D';
  readonly nx: number;
  readonly ny: number;
  readonly N: number;
  readonly K: number;
  readonly levels: Levels2D;
  /** Threads the kernels run on. */
  readonly threads: number;
  private readonly rate: RateLaw;
  private readonly eps: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly rtol: number;
  private readonly exact: boolean;
  /** κ of the stabilisation (0: the plain factorisation, kept for comparisons). */
  private readonly kappa: number;
  private readonly tr: ApTransport2D;
  protected readonly limiter: BoundLimiter2D;
  private readonly arena: SharedArena;
  private readonly par: Parallel;
  private readonly kern: Kinetic2DKernels;
  private readonly layout: Kinetic2DLayout;
  private readonly fixed: Record<string, Float64Array | Uint8Array | Int32Array> = {};
  protected readonly aC: Float64Array;
  private readonly res: Float64Array;
  private readonly delta: Float64Array;
  private readonly histRho: Float64Array;
  private readonly xvec: Float64Array;
  private readonly Lx: Float64Array;
  private readonly gmres: Gmres;
  private readonly op: LinearOperator;
  private readonly dsa: SchurDsa2D;
  /** Slots for the per-velocity solves of an FGMRES cycle's directions (0: the correction is one more solve). */
  private readonly storeSlots: number;
  /** Schur applications since the current FGMRES solve began (the slot of the next one). */
  private applications = 0;
  /** Corrections formed from the stored solves / by the extra solve (counters for tests and the docs). */
  readonly corrections = { combined: 0, solved: 0 };
  private dt = 0;

  constructor(s: MicroMacroSetup) {
    super(s.bdf2);
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
    this.rtol = s.rtol;
    this.exact = s.perVelocitySolve === 'exact';
    this.kappa = s.perVelocitySolve === 'plain' ? 0 : STABILISATION_KAPPA;
    this.threads = Math.max(1, s.threads ?? 1);
    this.storeSlots = s.storedSolves;
    const arena = new SharedArena(this.threads > 1, kernelMemory());
    this.arena = arena;
    const w = Float64Array.from(velocity.w);
    this.levels = new Levels2D(N, K, w, s.h0, arena);
    const vx = Float64Array.from(velocity.v[0]);
    const vy = Float64Array.from(velocity.v[1]);
    const tr = new ApTransport2D(nx, ny, K, grid.dx[0], grid.dx[1], s.eps, vx, vy, w, arena, GAMMA_CUTOFF);
    this.tr = tr;
    this.limiter = new BoundLimiter2D(nx, ny, K, grid.dx[0], grid.dx[1], s.lo, s.hi, s.useLimiter, w, 'KineticSolver 2D', arena);
    // units of the stabilised factorisation: x lines per (signed vx, |vy|), y lines per (signed vy, |vx|)
    const nAx = tr.absX.length;
    const nAy = tr.absY.length;
    const nUnitsX = tr.sgnX.length * nAy;
    const nUnitsY = tr.sgnY.length * nAx;
    const unitX: number[] = [];
    const unitY: number[] = [];
    for (let k = 0; k < K; k++) {
      unitX.push(tr.sxIdx[k] * nAy + tr.ayIdx[k]);
      unitY.push(nUnitsX + tr.syIdx[k] * nAx + tr.axIdx[k]);
    }
    const nU = nUnitsX + nUnitsY;
    const ls = Math.max(nx, ny);
    const ev = this.levels.estimateArrays();
    const lim = this.limiter;
    const own: Record<string, () => Float64Array | Uint8Array | Int32Array> = {
      gx: () => tr.gx,
      gy: () => tr.gy,
      gax: () => arena.f64(nAx * N),
      gay: () => arena.f64(nAy * N),
      Dfx: () => tr.Dfx,
      Dfy: () => tr.Dfy,
      aC: () => arena.f64(N),
      histRho: () => arena.f64(N),
      invU: () => arena.f64(nU * N),
      zU: () => arena.f64(nU * N),
      invSU: () => arena.f64(nU * ls),
      unitS: () => arena.f64(nU),
      unitC: () => arena.f64(nU),
      unitUsed: () => arena.u8(nU),
      accxG: () => arena.f64(VELOCITY_GROUPS * N),
      accyG: () => arena.f64(VELOCITY_GROUPS * N),
      accx: () => tr.accx,
      accy: () => tr.accy,
      actX: () => tr.actX,
      actY: () => tr.actY,
      actList: () => arena.i32(K),
      inactList: () => arena.i32(K),
      groupStart: () => arena.i32(VELOCITY_GROUPS + 1),
      sum: () => lim.sum,
      qmax: () => lim.qmax,
      qmin: () => lim.qmin,
      limitedC: () => this.limiter.limitedC,
      er: () => ev.er,
      filt: () => ev.filt,
      se: () => ev.se,
      sy: () => ev.sy,
      par: () => arena.f64(Par.SIZE),
      args: () => arena.i32(Arg.SIZE),
      result: () => arena.i32(Math.max(2, this.threads)),
      next: () => arena.i32(1),
      store: () => arena.f64(Math.max(1, this.storeSlots * K * N)),
      storeY: () => arena.f64(Math.max(1, this.storeSlots)),
    };
    for (const name of MOMENT_ARRAYS) own[name] = () => arena.f64(N);
    own.momentWeights = () => {
      const a = arena.f64(6 * K);
      momentWeights2D(w, vx, vy).forEach((m, i) => a.set(m, i * K));
      return a;
    };
    own.lineScratch = () => arena.f64(this.threads * lineScratchSize(nx, ny));
    const ids: Record<string, number> = {};
    for (const name of FIXED_ARRAYS) {
      const a = own[name]();
      this.fixed[name] = a;
      ids[name] = arena.id(a);
    }
    this.aC = this.fixed.aC as Float64Array;
    this.histRho = this.fixed.histRho as Float64Array;
    this.xvec = arena.f64(N);
    ids.xvec = arena.id(this.xvec);
    this.res = new Float64Array(N);
    this.delta = new Float64Array(N);
    this.Lx = new Float64Array(N);
    this.layout = {
      nx, ny, K, dx: grid.dx[0], dy: grid.dx[1], eps: s.eps, lo: s.lo, hi: s.hi, useLimiter: s.useLimiter,
      vx: Array.from(vx), vy: Array.from(vy), w: Array.from(w), axIdx: Array.from(tr.axIdx), ayIdx: Array.from(tr.ayIdx),
      unitX, unitY, nUnitsX, nUnitsY, ids,
    };
    this.kern = new Kinetic2DKernels(arena.arrays, this.layout, 0, arena.inMemory ? arena.memory : null);
    // the blending weights' loop (prepare, this thread) as WebAssembly too (gamma.wat)
    if (arena.inMemory && arena.memory) tr.attachWasm(wasmKernels(arena.memory), arena.arrays);
    this.par = this.threads > 1 ? Parallel.threaded(this.threads, 'kinetic2d', arena.descriptor(), this.layout, this.kern) : Parallel.serial(this.kern);
    if (this.threads > 1) workspaceRegistry?.register(this, this.par);
    (this.fixed.par as Float64Array)[Par.EXACT] = this.exact ? 1 : 0;
    this.gmres = new Gmres(N, 80);
    this.dsa = new SchurDsa2D(tr, grid.dx[0], grid.dx[1], s.eps, this.kappa);
    this.op = {
      apply: (x, y) => this.applySchur(x, y),
      precondition: (r, z) => this.dsa.apply(r, z, PRECONDITIONER_TOL),
    };
  }

  /**
   * The per-cell moments of the current (or previous) level for the series diagnostics, the pass shared
   * among the threads (bitwise the same for every count). A view, overwritten by the next call.
   */
  levelMoments(previous: boolean): LevelMomentArrays | null {
    const L = this.levels;
    if (previous && !(L.dtPrev > 0)) return null;
    if (!previous && this.momentsOf === L.idN) return this.kern.momentArrays();
    (this.fixed.args as Int32Array)[Arg.QMOM] = this.arena.id(previous ? L.qOld : L.qN);
    this.par.run(Task2D.MOMENTS);
    this.momentsOf = previous ? -1 : L.idN;
    return this.kern.momentArrays();
  }

  /**
   * Whether every step's error estimate also computes the new level's moments (levelMoments), in the same
   * blocks of cells as its sums: for series rows after every step, which then read them without another
   * pass over q. The values are the same bitwise.
   */
  momentsEachStep = false;
  /** The level (Levels2D.idN) whose moments the MOMENTS outputs hold (−1: none), and whether the pending attempt computed them. */
  private momentsOf = -1;
  private momentsPending = false;

  /** The preconditioner's symbol parameters (a resumed run rebuilds the same symbol: the same bytes). */
  saveExtra(state: StepperState): void {
    state.preconditioner = this.dsa.symbolState();
  }

  restoreExtra(state: StepperState): void {
    this.dsa.restoreSymbol(state.preconditioner);
  }

  /** A task whose items the threads take from the shared counter (kernels2d.ts `run`): the counter restarts at 0. */
  private runShared(task: Task2D): void {
    Atomics.store(this.fixed.next as Int32Array, 0, 0);
    this.par.run(task);
  }

  /** Release the worker threads' references to this stepper's memory. */
  dispose(): void {
    this.par.dispose();
  }

  /**
   * One fixed step of length dt. Should the density Schur solve not converge, the step is retaken as
   * two half steps (nothing is committed before a step succeeds), down to dt/16; `counters.substeps`
   * counts the extra steps. (With the stabilised factorisation this is not expected to happen: the
   * Schur complement stays away from singular. Error-controlled runs treat a failure as a rejection.)
   */
  override step(dt: number, depth = 0): void {
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

  protected attemptStep(dt: number): void {
    this.schurFailed = false;
    this.projected = false;
    this.momentsPending = false;
    this.stepOnce(dt);
  }

  /** Whether the pending attempt's PROJECT left its level's per-cell extremes in the limiter's arrays. */
  private projected = false;
  /** The level (Levels2D.idN) whose extremes those arrays hold, −1: none (e.g. after a restore). */
  private extremesOf = -1;

  override accept(): void {
    const projected = this.projected;
    const moments = this.momentsPending;
    super.accept();
    this.dsa.commit();
    this.extremesOf = projected ? this.levels.idN : -1;
    if (moments) this.momentsOf = this.levels.idN;
    this.momentsPending = false;
  }

  /**
   * Whether h = rho + q at t_n lies in [lo, hi], from the per-cell extremes the bound projection found
   * (O(cells), no pass over q): after PROJECT, q_k = fl(θ q̂_k) with θ ≥ 0 and rounding monotone, so
   * max_k fl(rho + q_k) = fl(rho + fl(θ max q̂)), and likewise the minimum: the same values as h's. Any
   * other level (a restored one) is tested by Levels2D's pass over q.
   */
  hWithin(lo: number, hi: number): boolean {
    const L = this.levels;
    if (this.extremesOf !== L.idN) return L.hWithin(lo, hi);
    const { sum: theta, qmax, qmin } = this.limiter;
    const rho = L.rhoN;
    const N = this.N;
    let ok = true;
    for (let p = 0; p < N; p++) {
      const th = theta[p];
      const a = rho[p] + th * qmin[p];
      const b = rho[p] + th * qmax[p];
      ok = ok && a >= lo && b <= hi;
    }
    return ok;
  }

  protected override onFailure(err: NumericalFailure): void {
    this.schurFailed = err instanceof SchurNotConverged;
  }

  private setArgs(rho: Float64Array | null, x: Float64Array | null): void {
    const args = this.fixed.args as Int32Array;
    const L = this.levels;
    const id = (a: Float64Array) => this.arena.id(a);
    if (rho) args[Arg.RHO] = id(rho);
    if (x) args[Arg.X] = id(x);
    args[Arg.QN] = id(L.qN);
    args[Arg.QOLD] = id(L.qOld);
    args[Arg.QOLD2] = id(L.qOld2);
    args[Arg.QNEW] = id(L.qNew);
    args[Arg.RHON] = id(L.rhoN);
    args[Arg.RHOOLD] = id(L.rhoOld);
    args[Arg.RHOOLD2] = id(L.rhoOld2);
  }

  private stepOnce(dt: number): void {
    const { N } = this;
    const L = this.levels;
    const tr = this.tr;
    const par = this.fixed.par as Float64Array;
    const { om, c0, a1, a2 } = this.bdf2Step(dt);
    const useB2 = this.secondOrder;
    this.dt = dt;
    tr.prepare(this.rate, L.rhoN, L.rhoOld, useB2, om, this.lo, this.hi, c0, dt);
    this.relaxation(dt);
    this.faceRatios();
    this.units();
    this.lists();
    par[Par.DT] = dt;
    par[Par.C0] = c0;
    par[Par.A1] = a1;
    par[Par.A2] = a2;
    this.runShared(Task2D.FACTOR);
    this.dsa.prepare(c0, dt, par[Par.NACT] > 0);
    this.historyRho(a1, a2);
    // Start from the predicted density (quadratic through the last three levels, or the extrapolation):
    // q_k = Mt_k^{-1}(histQ_k + E_k q^n + histRho − G_k rho), and the Schur residual
    // r = histRho − L rho − (dt/eps) div <v γ avg q>; then GMRES on S delta = r (zero guess),
    // rho += delta, q_k −= Mt_k^{-1} G_k delta, and the true residual again from q.
    const rho = L.rhoNew;
    this.predictDensity(dt, om, rho);
    this.setArgs(rho, null);
    const nAct = par[Par.NACT];
    if (nAct > 0) {
      this.runShared(Task2D.HIST);
      this.par.run(Task2D.ACCSUM);
    } else {
      tr.accx.fill(0);
      tr.accy.fill(0);
    }
    const histRho = this.histRho;
    const hn = Math.sqrt(dot(histRho, histRho, N));
    const tol = Math.max(this.rtol, 1e-10);
    this.solveStop = (tol * hn) / c0;
    let rn = this.residual(rho, this.res);
    let used = 0;
    const maxIter = 200;
    for (let cycle = 0; rn > tol * hn && used < maxIter && cycle < 20; cycle++) {
      const delta = this.delta;
      this.applications = 0;
      if (nAct > 0) used += this.gmres.solve(this.op, this.res, delta, (tol * hn) / rn, maxIter - used, true).iterations;
      else {
        // no velocity with γ > 0: S = L exactly, solved by MG-CG to the tolerance (one "iteration")
        this.dsa.limit.solve(this.res, delta, Math.max(1e-13, (0.5 * tol * hn) / rn));
        used++;
      }
      addTo(rho, delta, N);
      if (nAct > 0) {
        // q_k −= M_k⁻¹ G_k δ: with δ = Σ_c y_c z_c from one cycle whose solves M_k⁻¹ G_k z_c were all kept, their
        // combination; else one more solve per velocity
        const m = this.gmres.lastDirections;
        if (m > 0 && m === this.applications && m <= this.storeSlots) {
          const y = this.gmres.coefficients();
          const storeY = this.fixed.storeY as Float64Array;
          for (let c = 0; c < m; c++) storeY[c] = y[c];
          par[Par.NCOMBINE] = m;
          this.setArgs(rho, null);
          this.runShared(Task2D.COMBINE);
          this.corrections.combined++;
        } else {
          this.xvec.set(delta);
          this.setArgs(rho, this.xvec);
          this.runShared(Task2D.CORRECT);
          this.corrections.solved++;
        }
        this.par.run(Task2D.ACCSUM);
      }
      rn = this.residual(rho, this.res);
    }
    this.counters.solverIterations += used;
    if (used > this.counters.maxSolverIterations) this.counters.maxSolverIterations = used;
    if (!(rn <= 1e-7 * hn)) throw new SchurNotConverged(`KineticSolver 2D: GMRES did not converge (${(rn / hn).toExponential(2)})`);
    if (par[Par.NINACT] > 0) {
      this.setArgs(rho, null);
      this.runShared(Task2D.INACTIVE);
    }
    // fluxes (accx, accy hold <v gamma avg q> of the final q)
    tr.faceFluxes(rho, L.FxPrev, L.FyPrev, L.FxNew, L.FyNew, useB2 ? a2 / c0 : 0);
    // density update from the face fluxes and the bound limiter, on the attempt's buffers
    if (this.limiter.limitDensity(L.rhoN, rho, L.FxNew, L.FyNew)) this.counters.rhoLimiterSteps++;
    this.setArgs(rho, null);
    this.par.run(Task2D.PROJECT);
    const result = this.fixed.result as Int32Array;
    let scaled = 0;
    for (let t = 0; t < this.threads; t++) {
      if (result[t] < 0) throw new NumericalFailure('KineticSolver 2D: non-finite state', { cell: -result[t] - 1 });
      scaled += result[t];
    }
    this.counters.hLimiterCells += scaled;
    this.projected = true;
  }

  /** The Milne estimate with its per-cell pass shared among the threads (and the new level's moments, momentsEachStep). */
  protected override estimate(dt: number): number {
    const L = this.levels;
    this.momentsPending = false;
    const K = L.estimateBegin(dt, this.secondOrder ? 2 : 1, this.c0, this.aC);
    if (Number.isNaN(K)) {
      this.errorPlace = -1;
      this.estimateNoise = 0;
      return NaN;
    }
    const par = this.fixed.par as Float64Array;
    const pc = L.predictor;
    par[Par.P0] = pc[0];
    par[Par.P1] = pc[1];
    par[Par.P2] = pc[2];
    par[Par.MOMENTS] = this.momentsEachStep ? 1 : 0;
    this.setArgs(null, null);
    this.par.run(Task2D.ESTIMATE);
    if (this.momentsEachStep) {
      // the MOMENTS outputs now hold the attempt's level: no longer those of momentsOf
      this.momentsOf = -1;
      this.momentsPending = true;
    }
    const e = L.estimateEnd(K, this.limiter.limitedC, this.tolerances, this.solveStop);
    this.errorPlace = L.place;
    this.estimateNoise = L.noise;
    return e;
  }


  /** a = c0 + dt lambda / eps^2. */
  private relaxation(dt: number): void {
    const { N, aC, c0 } = this;
    const ie2 = 1 / (this.eps * this.eps);
    const lamC = this.tr.lamC;
    let m = Infinity;
    for (let p = 0; p < N; p++) {
      const a = c0 + dt * lamC[p] * ie2;
      aC[p] = a;
      const as = a * (a - c0);
      if (as < m) m = as;
    }
    this.minASigma = m;
  }

  /** min over the cells of a (a − c0) = a σ (this step): below it the plain factorisation is accretive. */
  private minASigma = 0;

  /** gax = γx / a on x faces (a averaged over the face's cells), gay likewise, per distinct |v| component. */
  private faceRatios(): void {
    const { nx, ny, N, aC } = this;
    const tr = this.tr;
    const gax = this.fixed.gax as Float64Array;
    const gay = this.fixed.gay as Float64Array;
    for (let m = 0; m < tr.absX.length; m++) if (tr.actAx[m]) faceRatiosX(gax, tr.gx, aC, m * N, nx, ny);
    for (let m = 0; m < tr.absY.length; m++) if (tr.actAy[m]) faceRatiosY(gay, tr.gy, aC, m * N, nx, N);
  }

  /**
   * Per unit: s = dt v/(2 eps h), the stabilisation c (μ_f = c γ_f / a_f; see the comment below; 0 in the exact
   * mode, whose inner GMRES is preconditioned by the plain factorisation: measured better there than the
   * stabilised one), and whether some active velocity uses it.
   */
  private units(): void {
    const tr = this.tr;
    const { nUnitsX, nUnitsY, unitX, unitY, dx, dy } = this.layout;
    const us = this.fixed.unitS as Float64Array;
    const uc = this.fixed.unitC as Float64Array;
    const used = this.fixed.unitUsed as Uint8Array;
    const dt = this.dt;
    const eps = this.eps;
    used.fill(0);
    const P = (dt * dt) / (eps * eps * dx * dy);
    for (let k = 0; k < this.K; k++) {
      const vx = tr.vx[k];
      const vy = tr.vy[k];
      // μ_f = κ τx τy / (2 a_f) scaled by f = 1 − min(a σ) / max(τx τy) (0 when the plain factorisation is already
      // accretive for this velocity: τx τy <= a σ on every face), so that μ_f >= κ (τx τy − a σ)_f / (2 a_f) on every face
      const txty = P * Math.abs(vx * vy) * tr.gxMax[tr.axIdx[k]] * tr.gyMax[tr.ayIdx[k]];
      const f = txty > this.minASigma ? 1 - this.minASigma / txty : 0;
      const cc = (this.kappa * P * Math.abs(vx * vy) * f) / 2;
      if (tr.actX[k]) {
        const u = unitX[k];
        used[u] = 1;
        us[u] = (dt * vx) / (eps * 2 * dx);
        uc[u] = this.exact ? 0 : cc * tr.gyMax[tr.ayIdx[k]];
      }
      if (tr.actY[k]) {
        const u = unitY[k];
        used[u] = 1;
        us[u] = (dt * vy) / (eps * 2 * dy);
        uc[u] = this.exact ? 0 : cc * tr.gxMax[tr.axIdx[k]];
      }
    }
    (this.fixed.par as Float64Array)[Par.NUNITS] = nUnitsX + nUnitsY;
  }

  /** The active velocities (some γ > 0) in VELOCITY_GROUPS contiguous groups, and the inactive ones. */
  private lists(): void {
    const tr = this.tr;
    const act = this.fixed.actList as Int32Array;
    const inact = this.fixed.inactList as Int32Array;
    const gs = this.fixed.groupStart as Int32Array;
    let na = 0;
    let ni = 0;
    for (let k = 0; k < this.K; k++) {
      if (tr.actX[k] || tr.actY[k]) act[na++] = k;
      else inact[ni++] = k;
    }
    for (let g = 0; g <= VELOCITY_GROUPS; g++) gs[g] = Math.floor((na * g) / VELOCITY_GROUPS);
    const par = this.fixed.par as Float64Array;
    par[Par.NACT] = na;
    par[Par.NINACT] = ni;
  }

  private historyRho(a1: number, a2: number): void {
    const { N, histRho } = this;
    const rhoN = this.levels.rhoN;
    const rhoO = this.levels.rhoOld;
    combine2(histRho, a1, rhoN, -a2, rhoO, N);
  }

  /** Schur residual out = histRho - L rho - (dt/eps) div <v gamma avg qNew> (accx, accy already summed); returns its 2-norm. */
  private residual(rho: Float64Array, out: Float64Array): number {
    const { N } = this;
    const tr = this.tr;
    const Lr = this.Lx;
    tr.applyL(rho, Lr);
    subtractFrom(Lr, this.histRho, N);
    tr.divAcc(Lr, out, -this.dt / this.eps);
    return Math.sqrt(dot(out, out, N));
  }

  private applySchur(x: Float64Array, y: Float64Array): void {
    const tr = this.tr;
    const par = this.fixed.par as Float64Array;
    if (par[Par.NACT] > 0) {
      this.xvec.set(x);
      this.setArgs(null, this.xvec);
      // FGMRES applies S once per direction, in order: keep the solves of the first storeSlots for COMBINE
      const slot = this.applications++;
      par[Par.STORE] = slot < this.storeSlots ? slot : -1;
      this.runShared(Task2D.SCHUR);
      this.par.run(Task2D.ACCSUM);
    } else {
      tr.accx.fill(0);
      tr.accy.fill(0);
    }
    tr.applyL(x, this.Lx);
    tr.divAcc(this.Lx, y, -this.dt / this.eps);
  }
}

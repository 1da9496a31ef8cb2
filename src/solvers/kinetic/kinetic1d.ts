/**
 * The 1D stepper of the kinetic AP scheme for the nonlinear BGK model in diffusive scaling
 * (paper eq. (1.2), in h = f / M; docs/kinetic-scheme.md):
 *
 *   d_t h + (1/eps) v ∂x h = (1/eps²) λ(rho) (rho − h),   rho = Σ_k w_k h_k.
 *
 * Fully implicit variable-step BDF2 (first step backward Euler) with λ at the extrapolated density
 * (or, for several species, a λ field the owner computes from all extrapolated densities).
 * The unknowns rho (cells) and q = h − rho (cells × velocities) solve
 *
 *   rho rows:  L rho + (dt/eps) D<v γ avg q> = histRho                       (transport/apFaces1d.ts)
 *   q_k rows:  M_k q_k + G_k rho = histQ_k + histRho,  M_k = a + (dt/eps) v_k D(γ avg ·),
 *              a = c0 + dt λ / eps²  (the relaxation: diagonal in velocity)
 *
 * q_k is eliminated per velocity (interleaved periodic tridiagonals, transport/lines1d.ts) and the
 * density Schur complement S = L − (dt/eps) D<v γ avg M_k⁻¹ G_k> is solved by GMRES from the quadratic
 * predictor of rho, right-preconditioned by L⁻¹C (../transport/dsa1d.ts; C = I where the kinetic part moves the
 * symbol little, and S = L exactly as eps → 0: one iteration). Velocities whose γ vanishes everywhere (all of them as
 * eps → 0) do not enter S: their q = (…)/a is formed after the solve. Then the conservative bound
 * limiter (../limiter.ts) and the Milne estimate on the time levels (../microMacro.ts).
 * V8: each hot loop nest is its own method with nothing after it.
 */
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure, type StepperState } from '../stepper.js';
import { Gmres, type LinearOperator } from '../linear/gmres.js';
import { ApFaces1D, addTo, norm2 } from '../transport/apFaces1d.js';
import { InterleavedLines1D } from '../transport/lines1d.js';
import { SchurDsa1D } from '../transport/dsa1d.js';
import { BoundLimiter1D } from '../limiter.js';
import { Levels1D } from '../microMacro/levels.js';
import type { MicroMacroSetup } from '../microMacro/facade.js';
import { MicroMacroStepper } from '../microMacro/stepperBase.js';
import { SharedArena } from '../parallel/arena.js';
import { kernelMemory, wasmKernels, type WasmKernels } from '../wasm/kernels.js';

export class Kinetic1D extends MicroMacroStepper {
  protected readonly who = 'KineticSolver';
  readonly levels: Levels1D;

  private readonly N: number;
  private readonly K: number;
  private readonly dx: number;
  private readonly eps: number;
  private readonly v: Float64Array;
  private readonly w: Float64Array;
  private readonly rate: RateLaw;
  /** λ per cell supplied by the owner before each attempt (several species), or null: λ(rho) from `rate`. */
  private readonly lambdaField: Float64Array | null;
  private readonly lo: number;
  private readonly hi: number;
  private readonly rtol: number;
  private readonly faces: ApFaces1D;
  private readonly lines: InterleavedLines1D;
  protected readonly limiter: BoundLimiter1D;
  private readonly histRho: Float64Array;
  /** a = c0 + dt lambda / eps^2 per cell (this step). */
  protected readonly aC: Float64Array;
  private readonly res: Float64Array;
  private readonly delta: Float64Array;
  /** Per-cell extremes of the projected q (when formAllInactive projects, i.e. no active velocity). */
  private readonly qMaxC: Float64Array;
  private readonly qMinC: Float64Array;
  // running values per velocity (formInactive)
  private readonly run1: Float64Array;
  private readonly run2: Float64Array;
  private readonly run3: Float64Array;
  private readonly gmres: Gmres;
  private readonly op: LinearOperator;
  private readonly dsa: SchurDsa1D;
  private dtCur = 0;
  /** The WebAssembly kernels of the per-cell loops and the weights in their memory (null: JavaScript). */
  private cells: { kernels: WasmKernels; w: Float64Array } | null = null;
  /** q was projected onto <q> = 0 while it was formed (formAllInactive). */
  private projected = false;

  constructor(s: MicroMacroSetup) {
    super(s.bdf2);
    const N = s.grid.cells;
    const K = s.velocity.count;
    this.N = N;
    this.K = K;
    this.dx = s.grid.dx[0];
    this.eps = s.eps;
    this.v = Float64Array.from(s.velocity.v[0]);
    this.w = Float64Array.from(s.velocity.w);
    this.rate = s.rate;
    this.lambdaField = s.lambdaField ?? null;
    this.lo = s.lo;
    this.hi = s.hi;
    this.rtol = s.rtol;
    // the arrays of the line solves in the WebAssembly kernels' memory when they are chosen (../wasm/kernels.ts)
    const memory = kernelMemory();
    const arena = new SharedArena(false, memory);
    this.levels = new Levels1D(N, K, this.w, s.h0, N, arena);
    this.faces = new ApFaces1D(N, K, this.v, this.w, this.dx, s.eps, arena);
    this.lines = new InterleavedLines1D(this.faces, arena);
    this.limiter = new BoundLimiter1D(N, K, this.dx, s.lo, s.hi, s.useLimiter, this.w, 'KineticSolver');
    this.histRho = arena.f64(N);
    this.aC = arena.f64(N);
    this.res = new Float64Array(N);
    this.delta = arena.f64(N);
    this.qMaxC = arena.f64(N);
    this.qMinC = arena.f64(N);
    const wA = arena.f64(K);
    wA.set(this.w);
    if (memory && arena.inMemory) {
      // the line sweeps, the bound projection's sums and the estimate's sums as WebAssembly
      const kernels = wasmKernels(memory);
      this.lines.attachWasm(kernels, arena.arrays);
      this.faces.attachWasm(kernels, arena.arrays);
      this.levels.attachWasm(kernels, wA, arena.arrays);
      this.cells = { kernels, w: wA };
    }
    this.run1 = new Float64Array(K);
    this.run2 = new Float64Array(K);
    this.run3 = new Float64Array(K);
    this.gmres = new Gmres(N, 40);
    this.dsa = new SchurDsa1D(this.faces, this.dx, s.eps);
    this.op = {
      apply: (x, y) => this.applySchur(x, y),
      precondition: (r, z) => this.dsa.apply(r, z),
    };
  }

  override accept(): void {
    super.accept();
    this.dsa.commit();
  }

  /** The preconditioner's symbol parameters (a resumed run rebuilds the same symbol: the same bytes). */
  saveExtra(state: StepperState): void {
    state.preconditioner = this.dsa.symbolState();
  }

  restoreExtra(state: StepperState): void {
    this.dsa.restoreSymbol(state.preconditioner);
  }

  protected attemptStep(dt: number): void {
    // (V8: every hot loop nest below sits in its own method, after all the other code of that method;
    // loops followed by code that has not run yet when on-stack replacement compiles them deoptimise
    // repeatedly, and the deoptimised code allocates a heap number per floating-point operation.)
    const L = this.levels;
    const faces = this.faces;
    const { om, c0, a1, a2 } = this.bdf2Step(dt);
    const useB2 = this.secondOrder;
    this.dtCur = dt;

    // lambda at the extrapolated density (second order), clamped into the bounds; face diffusivities;
    // blending weights; active velocities (some gamma > 0) enter the Schur complement, interleaved
    if (this.lambdaField) faces.setLambda(this.lambdaField);
    else faces.computeLambda(this.rate, L.rhoN, L.rhoOld, useB2, om, this.lo, this.hi);
    faces.computeDf();
    faces.blend();
    this.lines.prepare(c0, dt);
    const Ka = faces.nAct;
    const Ki = faces.nInact;
    // histories, a = c0 + dt lambda/eps^2, and L = c0 I - dt D(<v^2 beta> Df D)
    this.historyRho(a1, a2);
    faces.buildL(c0, dt);
    faces.factorL();
    this.dsa.prepare(c0, dt, Ka > 0);

    // Start from rho = rho^n: factor M_k = (c0 + dt lambda/eps^2) I + (dt/eps) v_k D(gamma avg .) and
    // solve q_k = M_k^{-1}(histQ_k + histRho - G_k rho) in the same sweeps (active velocities), the
    // Schur residual r = histRho - L rho - (dt/eps) D<v gamma avg q>; GMRES on S delta = r from a zero
    // guess; rho += delta, q_k -= M_k^{-1} G_k delta; the true residual again from q (needed anyway).
    const rhoNew = L.rhoNew;
    const qNew = L.qNew;
    this.predictDensity(dt, om, rhoNew);
    if (Ka > 0) {
      this.lines.lineFactorForward(rhoNew, a1, a2, this.aC, this.histRho, L.qN, L.qOld, qNew);
      this.lines.lineFactorBackward(qNew);
      this.lines.lineFactorBorder(qNew);
    }
    const N = this.N;
    const hn = norm2(this.histRho, N);
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
      addTo(rhoNew, delta, N);
      if (Ka > 0) this.lines.correct(delta, qNew);
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
    faces.faceFluxes(rhoNew, L.Fprev, L.Fnew, useB2 ? a2 / c0 : 0, dt / c0);
    this.limit(L.Fnew, qNew);
  }


  private historyRho(a1: number, a2: number): void {
    const { N, histRho, aC, c0, eps } = this;
    const lamC = this.faces.lamC;
    const rhoN = this.levels.rhoN;
    const rhoO = this.levels.rhoOld;
    const dt = this.dtCur;
    const ie2 = 1 / (eps * eps);
    for (let i = 0; i < N; i++) {
      histRho[i] = a1 * rhoN[i] - a2 * rhoO[i];
      aC[i] = c0 + dt * lamC[i] * ie2;
    }
  }

  /** Schur residual out = histRho - L rho - (dt/eps) D<v gamma avg qNew> (acc := <v gamma avg qNew>); 2-norm. */
  private residual(rho: Float64Array, out: Float64Array): number {
    if (this.faces.nAct > 0) this.lines.faceAcc(this.levels.qNew);
    else this.faces.acc.fill(0);
    return this.faces.residualL(this.histRho, rho, out, this.dtCur);
  }

  /** y = S x = L x - (dt/eps) D<v gamma avg M_k^{-1} G_k x>. */
  private applySchur(x: Float64Array, y: Float64Array): void {
    if (this.faces.nAct > 0) {
      this.lines.forwardG(x);
      this.lines.backwardW();
      this.lines.schurBorder();
    } else this.faces.acc.fill(0);
    this.faces.applyL(x, y, this.dtCur);
  }

  /** Conservative density update from the face fluxes and the bound limiter (on the attempt's buffers). */
  private limit(F: Float64Array, qNew: Float64Array): void {
    const L = this.levels;
    if (this.limiter.limitDensity(L.rhoN, L.rhoNew, F)) this.counters.rhoLimiterSteps++;
    this.counters.hLimiterCells += this.projected ? this.limiter.limitProjected(L.rhoNew, qNew, this.qMaxC, this.qMinC) : this.projectQ(L.rhoNew, qNew);
  }

  /** The limiter's projectQ; with the WebAssembly kernels its sums on pairs of cells there (../wasm/cells1d.wat), then limitProjected. */
  private projectQ(rhoNew: Float64Array, qNew: Float64Array): number {
    const c = this.cells;
    if (!c) return this.limiter.projectQ(rhoNew, qNew);
    const { N, K, qMaxC, qMinC } = this;
    const e = N - (N & 1);
    if (e > 0) c.kernels.projectSums1D(K, c.w.byteOffset, qNew.byteOffset, qMaxC.byteOffset, qMinC.byteOffset, 0, e);
    if (e < N) this.limiter.projectSums(qNew, qMaxC, qMinC, e, N);
    return this.limiter.limitProjected(rhoNew, qNew, qMaxC, qMinC);
  }

  /** q_k = (histQ_k + histRho - G_k x) / a for the velocities with gamma = 0 (M_k = diag(a)). */
  private formInactive(x: Float64Array, a1: number, a2: number): void {
    const { N, K, c0, dx, eps, v, aC, histRho } = this;
    const { inact, Df } = this.faces;
    const Ki = this.faces.nInact;
    const m = N - 1;
    const qN = this.levels.qN;
    const qO = this.levels.qOld;
    const q = this.levels.qNew;
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
    const { N, K, c0, dx, eps, v, w, aC, histRho, qMaxC, qMinC } = this;
    const Df = this.faces.Df;
    const m = N - 1;
    const qN = this.levels.qN;
    const qO = this.levels.qOld;
    const q = this.levels.qNew;
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
}

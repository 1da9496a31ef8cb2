/**
 * The 1D stepper of the AP scheme for the kinetic Fokker–Planck equation (paper eq. (1.5)) in the
 * diffusive scaling, in h = f / M (docs/fokker-planck.md):
 *
 *   d_t h + (1/eps) v ∂x h = (λ(rho)/eps²) L h,   L the birth–death Ornstein–Uhlenbeck operator on the
 *   Gauss–Hermite nodes (velocityOperator.ts: conservative, L 1 = 0, L v = −v, M-matrix).
 *
 * Same unknowns, faces, time integrator, limiter and error estimate as the BGK-type scheme
 * (../kinetic/kinetic1d.ts): h = rho + q, the AP face blending of ../transport/apFaces1d.ts (its
 * Chapman–Enskog value −(eps/λ_f) v D rho is exact for L since L v = −v), variable-step BDF2 with λ at
 * the extrapolated density, the density rows L rho + (dt/eps) D<v γ avg q> = histRho. Only the
 * non-equilibrium rows differ: the relaxation a q becomes A q = (c0 I − σ L) q, σ = dt λ/eps², which
 * couples the velocities in each cell:
 *
 *   (A + T) q + G rho = histQ + histRho.
 *
 * With some γ > 0, q is eliminated exactly by the block-tridiagonal solve of blockLines1d.ts and the
 * density Schur complement S = L − (dt/eps) D<v γ avg (A+T)⁻¹ G> is solved by GMRES right-preconditioned
 * by the limit operator (as in 1D BGK); with all γ = 0 (eps → 0) S is the limit operator itself: rho by
 * one periodic tridiagonal solve and q cell by cell from A (tridiagonal in velocity). The limit scheme is
 * then exactly the BGK-type scheme's: same limit equation, same discretisation. Bound limiter and estimate
 * (filter c0/(c0 + σ): σ is the rate of the slowest non-equilibrium mode, v) as there.
 * V8: each hot loop nest is its own method with nothing after it.
 */
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure } from '../stepper.js';
import { Gmres, type LinearOperator } from '../linear/gmres.js';
import { ApFaces1D, addTo, norm2 } from '../transport/apFaces1d.js';
import { BoundLimiter1D } from '../limiter.js';
import { Levels1D } from '../microMacro/levels.js';
import type { MicroMacroSetup } from '../microMacro/facade.js';
import { MicroMacroStepper } from '../microMacro/stepperBase.js';
import { BlockLines1D } from './blockLines1d.js';
import type { BirthDeathOperator } from './velocityOperator.js';

export class FokkerPlanck1D extends MicroMacroStepper {
  protected readonly who = 'FokkerPlanckSolver';
  readonly levels: Levels1D;
  private readonly N: number;
  private readonly K: number;
  private readonly dx: number;
  private readonly eps: number;
  private readonly v: Float64Array;
  private readonly w: Float64Array;
  private readonly rate: RateLaw;
  private readonly lo: number;
  private readonly hi: number;
  private readonly rtol: number;
  private readonly op: BirthDeathOperator;
  private readonly faces: ApFaces1D;
  private readonly blocks: BlockLines1D;
  protected readonly limiter: BoundLimiter1D;
  private readonly histRho: Float64Array;
  /** c0 + σ per cell (the estimate's filter) and σ = dt λ / eps². */
  protected readonly aC: Float64Array;
  private readonly sig: Float64Array;
  /** γ per face and velocity, cell-major [f*K + k] (0 for inactive velocities). */
  private readonly gam: Float64Array;
  /** s_k = dt v_k / (2 eps dx). */
  private readonly sk: Float64Array;
  private readonly res: Float64Array;
  private readonly delta: Float64Array;
  private readonly gbuf: Float64Array;
  /** Thomas work per cell (velocity tridiagonal). */
  private readonly tc: Float64Array;
  private readonly gmres: Gmres;
  private readonly linop: LinearOperator;
  private dtCur = 0;

  constructor(s: MicroMacroSetup, op: BirthDeathOperator) {
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
    this.lo = s.lo;
    this.hi = s.hi;
    this.rtol = s.rtol;
    this.op = op;
    this.levels = new Levels1D(N, K, this.w, s.h0);
    this.faces = new ApFaces1D(N, K, this.v, this.w, this.dx, s.eps);
    this.blocks = new BlockLines1D(N, K, op.lo, op.di, op.up);
    this.limiter = new BoundLimiter1D(N, K, this.dx, s.lo, s.hi, s.useLimiter, this.w, 'FokkerPlanckSolver');
    this.histRho = new Float64Array(N);
    this.aC = new Float64Array(N);
    this.sig = new Float64Array(N);
    this.gam = new Float64Array(N * K);
    this.sk = new Float64Array(K);
    this.res = new Float64Array(N);
    this.delta = new Float64Array(N);
    this.gbuf = new Float64Array(N * K);
    this.tc = new Float64Array(K);
    this.gmres = new Gmres(N, 40);
    this.linop = {
      apply: (x, y) => this.applySchur(x, y),
      precondition: (r, z) => {
        z.set(r);
        this.faces.Lfact.solve(z);
      },
    };
  }

  protected attemptStep(dt: number): void {
    const L = this.levels;
    const faces = this.faces;
    const N = this.N;
    const { om, c0, a1, a2 } = this.bdf2Step(dt);
    const useB2 = this.secondOrder;
    this.dtCur = dt;
    faces.computeLambda(this.rate, L.rhoN, L.rhoOld, useB2, om, this.lo, this.hi);
    faces.computeDf();
    faces.blend();
    this.coefficients(a1, a2);
    faces.buildL(c0, dt);
    faces.factorL();
    const rhoNew = L.rhoNew;
    const qNew = L.qNew;
    const hn = norm2(this.histRho, N);
    this.gatherGamma();
    if (faces.nAct === 0) {
      // all γ = 0: the Schur complement is the limit operator; q per cell from A
      this.solveStop = 0;
      rhoNew.set(this.histRho);
      faces.Lfact.solve(rhoNew);
      faces.acc.fill(0);
      this.rightHandSide(rhoNew, a1, a2, qNew);
      this.relaxCells(qNew);
    } else {
      this.blocks.factor(c0, this.sig, this.gam, this.sk);
      // start from rho^n: q = (A+T)^{-1}(histQ + histRho − G rho), residual, GMRES on S delta = r
      rhoNew.set(L.rhoN);
      this.rightHandSide(rhoNew, a1, a2, qNew);
      this.blocks.solve(qNew);
      const tol = this.rtol;
      this.solveStop = (tol * hn) / c0;
      let rn = this.residual(rhoNew, this.res);
      let used = 0;
      const maxIter = 400;
      for (let cycle = 0; rn > tol * hn && used < maxIter && cycle < 20; cycle++) {
        const out = this.gmres.solve(this.linop, this.res, this.delta, (tol * hn) / rn, maxIter - used, true);
        used += out.iterations;
        addTo(rhoNew, this.delta, N);
        this.applyG(this.delta, this.gbuf);
        this.blocks.solve(this.gbuf);
        this.subtract(qNew, this.gbuf);
        rn = this.residual(rhoNew, this.res);
      }
      this.counters.solverIterations += used;
      if (used > this.counters.maxSolverIterations) this.counters.maxSolverIterations = used;
      if (!(rn <= 1e-9 * hn)) throw new NumericalFailure(`FokkerPlanckSolver: GMRES did not converge in ${used} iterations (relative residual ${(rn / hn).toExponential(2)}, dt = ${dt})`);
    }
    faces.faceFluxes(rhoNew, L.Fprev, L.Fnew, useB2 ? a2 / c0 : 0, dt / c0);
    if (this.limiter.limitDensity(L.rhoN, rhoNew, L.Fnew)) this.counters.rhoLimiterSteps++;
    this.counters.hLimiterCells += this.limiter.projectQ(rhoNew, qNew);
  }

  /** histRho, σ = dt λ / eps², the filter c0 + σ, and s_k. */
  private coefficients(a1: number, a2: number): void {
    const { N, K, histRho, aC, sig, c0, eps, dx } = this;
    const lamC = this.faces.lamC;
    const rhoN = this.levels.rhoN;
    const rhoO = this.levels.rhoOld;
    const dt = this.dtCur;
    const ie2 = 1 / (eps * eps);
    for (let i = 0; i < N; i++) {
      histRho[i] = a1 * rhoN[i] - a2 * rhoO[i];
      sig[i] = dt * lamC[i] * ie2;
      aC[i] = c0 + sig[i];
    }
    for (let k = 0; k < K; k++) this.sk[k] = (dt * this.v[k]) / (eps * 2 * dx);
  }

  /** gam[f*K + k] = γ of velocity k at face f (0 for the inactive ones). */
  private gatherGamma(): void {
    const { N, K, gam } = this;
    const { activeK, sameAbs, gamG } = this.faces;
    for (let k = 0; k < K; k++) {
      const b0 = sameAbs[k] * N;
      const on = activeK[k];
      for (let f = 0; f < N; f++) gam[f * K + k] = on ? gamG[b0 + f] : 0;
    }
  }

  /** out = histQ + histRho − G rho (cell-major). */
  private rightHandSide(rho: Float64Array, a1: number, a2: number, out: Float64Array): void {
    this.applyG(rho, out);
    this.historyMinus(out, a1, a2);
  }

  private historyMinus(out: Float64Array, a1: number, a2: number): void {
    const { N, K, histRho } = this;
    const qN = this.levels.qN;
    const qO = this.levels.qOld;
    for (let i = 0; i < N; i++) {
      const b = i * K;
      const hr = histRho[i];
      for (let k = 0; k < K; k++) out[b + k] = a1 * qN[b + k] - a2 * qO[b + k] + hr - out[b + k];
    }
  }

  /**
   * out = G x, G_k x = c0 x + (dt/dx)(Φ_i − Φ_{i−1}), Φ_{f,k} = (v_k/(2 eps))(x_f + x_{f+1}) − (v_k²/dx)(1 − γ_{f,k}) Df_f (x_{f+1} − x_f).
   */
  private applyG(x: Float64Array, out: Float64Array): void {
    const { N, K, v, eps, dx, c0, gam } = this;
    const Df = this.faces.Df;
    const c = this.dtCur / dx;
    const m = N - 1;
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? m : i - 1;
      const ip = i === m ? 0 : i + 1;
      const xi = x[i];
      const Sp = xi + x[ip];
      const Dp = x[ip] - xi;
      const Sm = x[im] + xi;
      const Dm = xi - x[im];
      const dfp = Df[i];
      const dfm = Df[im];
      const b = i * K;
      const bm = im * K;
      for (let k = 0; k < K; k++) {
        const vk = v[k];
        const ak = vk / (2 * eps);
        const bk = (vk * vk) / dx;
        const phiP = ak * Sp - bk * (1 - gam[b + k]) * dfp * Dp;
        const phiM = ak * Sm - bk * (1 - gam[bm + k]) * dfm * Dm;
        out[b + k] = c0 * xi + c * (phiP - phiM);
      }
    }
  }

  /** q_i = A_i⁻¹ q_i per cell (A = c0 I − σ_i L tridiagonal in velocity: Thomas, an M-matrix: no pivoting). */
  private relaxCells(q: Float64Array): void {
    const { N, K, c0, sig, tc } = this;
    const { lo, di, up } = this.op;
    for (let i = 0; i < N; i++) {
      const b = i * K;
      const s = sig[i];
      // forward: modified super-diagonal in tc
      let piv = c0 - s * di[0];
      tc[0] = (-s * up[0]) / piv;
      q[b] /= piv;
      for (let k = 1; k < K; k++) {
        const l = -s * lo[k];
        piv = c0 - s * di[k] - l * tc[k - 1];
        tc[k] = (-s * up[k]) / piv;
        q[b + k] = (q[b + k] - l * q[b + k - 1]) / piv;
      }
      for (let k = K - 2; k >= 0; k--) q[b + k] -= tc[k] * q[b + k + 1];
    }
  }

  private subtract(q: Float64Array, d: Float64Array): void {
    const n = this.N * this.K;
    for (let p = 0; p < n; p++) q[p] -= d[p];
  }

  /** acc_f = <(w v / 2) γ_f (q_f + q_{f+1})>. */
  private faceAcc(q: Float64Array): void {
    const { N, K, v, w, gam } = this;
    const acc = this.faces.acc;
    for (let f = 0; f < N; f++) {
      const fp = f + 1 === N ? 0 : f + 1;
      const b = f * K;
      const bp = fp * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += 0.5 * w[k] * v[k] * gam[b + k] * (q[b + k] + q[bp + k]);
      acc[f] = s;
    }
  }

  /** Schur residual histRho − L rho − (dt/eps) D acc(qNew); its 2-norm. */
  private residual(rho: Float64Array, out: Float64Array): number {
    this.faceAcc(this.levels.qNew);
    return this.faces.residualL(this.histRho, rho, out, this.dtCur);
  }

  /** y = S x = L x − (dt/eps) D acc((A+T)⁻¹ G x). */
  private applySchur(x: Float64Array, y: Float64Array): void {
    this.applyG(x, this.gbuf);
    this.blocks.solve(this.gbuf);
    this.faceAcc(this.gbuf);
    this.faces.applyL(x, y, this.dtCur);
  }
}

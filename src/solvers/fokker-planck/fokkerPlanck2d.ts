/**
 * The 2D stepper of the kinetic Fokker–Planck scheme (paper eq. (1.5); see fokkerPlanck1d.ts and
 * docs/fokker-planck.md). Same unknowns, faces (../transport/apTransport2d.ts), BDF2, limiter and
 * estimate as the 2D BGK-type scheme; the coupled system
 *
 *   rho rows:  L rho + (dt/eps) div <v γ avg q> = histRho
 *   q rows:    (A + Tx + Ty) q + G rho = histQ + histRho,   A = c0 I − σ (L ⊗ I + I ⊗ L) per cell
 *
 * is solved as it stands (no approximate factorisation in the scheme) by flexible GMRES on (rho, q),
 * the q rows scaled by 1/ā (ā = c0 + σ), right-preconditioned by a block LU with two approximations:
 * the q block by P = A ā⁻¹ (ā + Tx) ā⁻¹ (ā + Ty) (exact when γ = 0 or σ = 0; inverse: the eigenbasis
 * relaxation of relaxation2d.ts, then x- and y-lines), the density Schur complement by the limit
 * operator (Jacobi-PCG to 1e-3). With all γ = 0 (eps → 0) the system is solved directly: rho from the
 * limit operator (PCG to 1e-13), q cell by cell from A.
 */
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure } from '../stepper.js';
import { Gmres, type LinearOperator } from '../linear/gmres.js';
import { ApTransport2D } from '../transport/apTransport2d.js';
import { BoundLimiter2D } from '../limiter.js';
import { Levels2D } from '../microMacro/levels2d.js';
import type { MicroMacroSetup } from '../microMacro/facade.js';
import { MicroMacroStepper } from '../microMacro/stepperBase.js';
import { OURelaxation2D } from './relaxation2d.js';
import type { BirthDeathOperator } from './velocityOperator.js';

export class FokkerPlanck2D extends MicroMacroStepper {
  readonly N: number;
  readonly K: number;
  protected readonly who = 'FokkerPlanck2D';
  readonly levels: Levels2D;
  private readonly rate: RateLaw;
  private readonly eps: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly rtol: number;
  private readonly tr: ApTransport2D;
  private readonly relax: OURelaxation2D;
  protected readonly limiter: BoundLimiter2D;
  protected readonly aC: Float64Array;
  private readonly sig: Float64Array;
  private readonly histRho: Float64Array;
  private readonly b: Float64Array;
  private readonly X: Float64Array;
  private readonly Y: Float64Array;
  /** The Krylov correction of a cycle. */
  private readonly corr: Float64Array;
  private readonly u: Float64Array;
  private readonly t: Float64Array;
  private readonly Lq: Float64Array;
  private readonly tmp: Float64Array;
  private readonly tmp2: Float64Array;
  private readonly gmres: Gmres;
  private readonly op: LinearOperator;
  private a1 = 1;
  private a2 = 0;
  private dt = 0;

  constructor(s: MicroMacroSetup, op: BirthDeathOperator) {
    super(s.bdf2);
    const { grid, velocity } = s;
    const nx = grid.n[0];
    const ny = grid.n[1];
    if (nx < 3 || ny < 3) throw new RangeError('FokkerPlanckSolver 2D: at least 3 cells per direction');
    const N = nx * ny;
    const K = velocity.count;
    this.N = N;
    this.K = K;
    this.rate = s.rate;
    this.eps = s.eps;
    this.lo = s.lo;
    this.hi = s.hi;
    this.rtol = s.rtol;
    const w = Float64Array.from(velocity.w);
    this.levels = new Levels2D(N, K, w, s.h0);
    this.tr = new ApTransport2D(nx, ny, K, grid.dx[0], grid.dx[1], s.eps, Float64Array.from(velocity.v[0]), Float64Array.from(velocity.v[1]), w);
    this.relax = new OURelaxation2D(op, N);
    this.limiter = new BoundLimiter2D(nx, ny, K, grid.dx[0], grid.dx[1], s.lo, s.hi, s.useLimiter, w, 'FokkerPlanckSolver 2D');
    const n = N * (K + 1);
    this.aC = new Float64Array(N);
    this.sig = new Float64Array(N);
    this.histRho = new Float64Array(N);
    this.b = new Float64Array(n);
    this.X = new Float64Array(n);
    this.Y = new Float64Array(n);
    this.corr = new Float64Array(n);
    this.u = new Float64Array(N * K);
    this.t = new Float64Array(N * K);
    this.Lq = new Float64Array(N * K);
    this.tmp = new Float64Array(N);
    this.tmp2 = new Float64Array(N);
    // restart length: at most ~16 M doubles of Krylov vectors
    this.gmres = new Gmres(n, Math.max(10, Math.min(40, Math.floor(8e6 / n))));
    this.op = {
      apply: (x, y) => this.applySystem(x, y),
      precondition: (r, z) => this.precondition(r, z),
    };
  }

  protected attemptStep(dt: number): void {
    const { N, K } = this;
    const L = this.levels;
    const tr = this.tr;
    const { om, c0, a1, a2 } = this.bdf2Step(dt);
    const useB2 = this.secondOrder;
    this.a1 = a1;
    this.a2 = a2;
    this.dt = dt;
    tr.prepare(this.rate, L.rhoN, L.rhoOld, useB2, om, this.lo, this.hi, c0, dt);
    this.coefficients(a1, a2);
    tr.buildLdiag();
    let any = false;
    for (let k = 0; k < K; k++) if (tr.actX[k] || tr.actY[k]) any = true;
    const rho = L.rhoNew;
    const qNew = L.qNew;
    const b = this.b;
    if (!any) {
      // Schur complement = limit operator: rho by PCG, q cell by cell
      this.solveStop = 0;
      const its = tr.pcgL(this.histRho, rho, 1e-26, 20 * (this.tr.nx + this.tr.ny) + 200);
      this.counters.solverIterations += its;
      if (its > this.counters.maxSolverIterations) this.counters.maxSolverIterations = its;
      for (let k = 0; k < K; k++) {
        tr.applyG(k, rho, this.tmp);
        this.qRhs(qNew, k * N, this.tmp);
      }
      this.relax.solve(qNew, 0, c0, this.sig);
      tr.accx.fill(0);
      tr.accy.fill(0);
    } else {
      tr.factorLines(0, this.aC);
      tr.factorLines(1, this.aC);
      // right-hand side (q rows scaled by 1/ā): b = (histRho, (histQ_k + histRho)/ā)
      b.set(this.histRho, 0);
      this.scaledHistory(b, a1, a2);
      let bn = 0;
      for (let p = 0; p < b.length; p++) bn += b[p] * b[p];
      bn = Math.sqrt(bn);
      const tol = Math.max(this.rtol, 1e-10);
      this.solveStop = (tol * bn) / c0;
      const X = this.X;
      const res = this.Y;
      X.fill(0);
      res.set(b);
      let rn = bn;
      let used = 0;
      const maxIter = 600;
      for (let cycle = 0; rn > tol * bn && used < maxIter && cycle < 30; cycle++) {
        const out = this.gmres.solve(this.op, res, this.corr, (tol * bn) / rn, maxIter - used, true);
        used += out.iterations;
        this.addCorrection(X);
        this.applySystem(X, res);
        rn = 0;
        for (let p = 0; p < b.length; p++) {
          res[p] = b[p] - res[p];
          rn += res[p] * res[p];
        }
        rn = Math.sqrt(rn);
      }
      this.counters.solverIterations += used;
      if (used > this.counters.maxSolverIterations) this.counters.maxSolverIterations = used;
      if (!(rn <= 1e-7 * bn)) throw new NumericalFailure(`FokkerPlanckSolver 2D: FGMRES did not converge in ${used} iterations (relative residual ${(rn / bn).toExponential(2)})`);
      rho.set(X.subarray(0, N));
      qNew.set(X.subarray(N));
      // <v γ avg q> of the final q for the fluxes
      tr.accx.fill(0);
      tr.accy.fill(0);
      for (let k = 0; k < K; k++) if (tr.actX[k] || tr.actY[k]) tr.accumulate(k, qNew, k * N);
    }
    tr.faceFluxes(rho, L.FxPrev, L.FyPrev, L.FxNew, L.FyNew, useB2 ? a2 / c0 : 0);
    if (this.limiter.limitDensity(L.rhoN, rho, L.FxNew, L.FyNew)) this.counters.rhoLimiterSteps++;
    this.counters.hLimiterCells += this.limiter.projectQ(rho, qNew);
  }

  private addCorrection(X: Float64Array): void {
    const d = this.corr;
    for (let p = 0; p < X.length; p++) X[p] += d[p];
  }

  /** histRho, σ = dt λ/eps², ā = c0 + σ. */
  private coefficients(a1: number, a2: number): void {
    const { N, aC, sig, histRho, c0 } = this;
    const ie2 = 1 / (this.eps * this.eps);
    const lamC = this.tr.lamC;
    const rhoN = this.levels.rhoN;
    const rhoO = this.levels.rhoOld;
    for (let p = 0; p < N; p++) {
      histRho[p] = a1 * rhoN[p] - a2 * rhoO[p];
      sig[p] = this.dt * lamC[p] * ie2;
      aC[p] = c0 + sig[p];
    }
  }

  /** b[N + k*N + p] = (a1 qN − a2 qOld + histRho) / ā. */
  private scaledHistory(b: Float64Array, a1: number, a2: number): void {
    const { N, K, aC, histRho } = this;
    const qN = this.levels.qN;
    const qO = this.levels.qOld;
    for (let k = 0; k < K; k++) {
      const o = k * N;
      for (let p = 0; p < N; p++) b[N + o + p] = (a1 * qN[o + p] - a2 * qO[o + p] + histRho[p]) / aC[p];
    }
  }

  /** q_k = histQ_k + histRho − G_k rho (G_k rho in g), unscaled (the direct path). */
  private qRhs(q: Float64Array, o: number, g: Float64Array): void {
    const { N, histRho, a1, a2 } = this;
    const qN = this.levels.qN;
    const qO = this.levels.qOld;
    for (let p = 0; p < N; p++) q[o + p] = a1 * qN[o + p] - a2 * qO[o + p] + histRho[p] - g[p];
  }

  /** y = D F x: the coupled system with the q rows scaled by 1/ā. */
  private applySystem(x: Float64Array, y: Float64Array): void {
    const { N, K } = this;
    const tr = this.tr;
    const xr = x.subarray(0, N);
    // density rows: L rho + (dt/eps) div acc(q)
    tr.accx.fill(0);
    tr.accy.fill(0);
    for (let k = 0; k < K; k++) if (tr.actX[k] || tr.actY[k]) tr.accumulate(k, x, N + k * N);
    tr.applyL(xr, this.tmp);
    tr.divAcc(this.tmp, y, this.dt / this.eps);
    // q rows: (c0 q − σ L₂ q + Tx q + Ty q + G rho) / ā
    this.relax.applyL(x, N, this.Lq, 0);
    for (let k = 0; k < K; k++) {
      tr.applyG(k, xr, this.tmp);
      if (tr.actX[k]) {
        tr.applyT(k, 0, x, N + k * N, this.tmp2);
        this.addInto(this.tmp, this.tmp2);
      }
      if (tr.actY[k]) {
        tr.applyT(k, 1, x, N + k * N, this.tmp2);
        this.addInto(this.tmp, this.tmp2);
      }
      this.qRow(x, y, k, this.tmp);
    }
  }

  private addInto(a: Float64Array, b: Float64Array): void {
    const N = this.N;
    for (let p = 0; p < N; p++) a[p] += b[p];
  }

  private qRow(x: Float64Array, y: Float64Array, k: number, g: Float64Array): void {
    const { N, c0, sig, aC, Lq } = this;
    const o = N + k * N;
    const lo = k * N;
    for (let p = 0; p < N; p++) y[o + p] = (c0 * x[o + p] - sig[p] * Lq[lo + p] + g[p]) / aC[p];
  }

  /** z = B⁻¹ D⁻¹ r: u = P⁻¹ r_q, rho_z ≈ L⁻¹(r_rho − (dt/eps) div acc(u)), q_z = u − P⁻¹ G rho_z. */
  private precondition(r: Float64Array, z: Float64Array): void {
    const { N, K } = this;
    const tr = this.tr;
    const u = this.u;
    this.unscale(r, u);
    this.applyPinv(u);
    tr.accx.fill(0);
    tr.accy.fill(0);
    for (let k = 0; k < K; k++) if (tr.actX[k] || tr.actY[k]) tr.accumulate(k, u, k * N);
    tr.divAcc(r.subarray(0, N), this.tmp, -this.dt / this.eps);
    const zr = z.subarray(0, N);
    tr.pcgL(this.tmp, zr);
    const t = this.t;
    for (let k = 0; k < K; k++) {
      tr.applyG(k, zr, this.tmp);
      t.set(this.tmp, k * N);
    }
    this.applyPinv(t);
    this.difference(z, u, t);
  }

  /** u = ā r_q (undo the row scaling). */
  private unscale(r: Float64Array, u: Float64Array): void {
    const { N, K, aC } = this;
    for (let k = 0; k < K; k++) {
      const o = k * N;
      for (let p = 0; p < N; p++) u[o + p] = r[N + o + p] * aC[p];
    }
  }

  private difference(z: Float64Array, u: Float64Array, t: Float64Array): void {
    const n = this.N * this.K;
    const N = this.N;
    for (let p = 0; p < n; p++) z[N + p] = u[p] - t[p];
  }

  /** x ← P⁻¹ x = (ā + Ty)⁻¹ ā (ā + Tx)⁻¹ ā A⁻¹ x (inactive velocities: A⁻¹ x). */
  private applyPinv(x: Float64Array): void {
    const { N, K, aC } = this;
    this.relax.solve(x, 0, this.c0, this.sig);
    for (let k = 0; k < K; k++) {
      if (!this.tr.actX[k] && !this.tr.actY[k]) continue;
      const o = k * N;
      for (let p = 0; p < N; p++) x[o + p] *= aC[p];
      this.tr.solveM(k, x, o, aC);
    }
  }
}

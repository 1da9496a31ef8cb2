/**
 * The 1D stepper of the kinetic AP scheme on an interval with walls (docs/kinetic-scheme.md "Walls"):
 * the same fully implicit variable-step BDF2 micro–macro scheme as kinetic1d.ts (rho and q = h − rho,
 * λ at the extrapolated density, q eliminated per velocity, GMRES on the density Schur complement
 * preconditioned by its rho-only part, then the conservative bound limiter and the Milne estimate), with
 * the wall faces of ../transport/walls1d.ts and its velocity-pair lines with the diffuse walls' re-emission
 * (../transport/wallLines1d.ts).
 *
 * Outflow: the step's wall face mass fluxes F_0 (left, positive into the domain) and F_N (right,
 * positive out of it) carry BDF2's history like every face flux, F = (a2/c0) Fprev + (dt/c0) J, so
 * rho^{n+1} = rho^n − D F exactly, and the cumulative outflow (−F_0, F_N summed over accepted steps)
 * makes mass + outflow = initial mass to round-off. A rejected attempt changes nothing (the outflow
 * is added in accept()); saveState includes it.
 */
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure, type StepperState } from '../stepper.js';
import { Gmres, type LinearOperator } from '../linear/gmres.js';
import { WallTransport1D, type WallSide1D } from '../transport/walls1d.js';
import { WallLimiter1D } from '../limiterWalls.js';
import { Levels1D } from '../microMacro/levels.js';
import type { MicroMacroSetup } from '../microMacro/facade.js';
import { MicroMacroStepper } from '../microMacro/stepperBase.js';
import { wallLayer } from './milne.js';

export class KineticWalls1D extends MicroMacroStepper {
  readonly levels: Levels1D;
  readonly transport: WallTransport1D;
  /** Cumulative outflow through the left and right walls (accepted steps). */
  readonly out = new Float64Array(2);
  protected readonly who = 'KineticSolver';

  private readonly N: number;
  private readonly K: number;
  private readonly eps: number;
  private readonly rate: RateLaw;
  private readonly lo: number;
  private readonly hi: number;
  private readonly rtol: number;
  protected readonly limiter: WallLimiter1D;
  private readonly histRho: Float64Array;
  protected readonly aC: Float64Array;
  private readonly res: Float64Array;
  private readonly delta: Float64Array;
  private readonly gx: Float64Array;
  private readonly qh: Float64Array;
  private readonly Phi: Float64Array;
  private readonly rows: Float64Array;
  private readonly schurPhi: Float64Array;
  private readonly inactiveMask: Uint8Array;
  private readonly gmres: Gmres;
  private readonly op: LinearOperator;
  private dtCur = 0;
  /** Which walls are absorbing (their flux is outflow only). */
  private readonly absorbing: [boolean, boolean];

  constructor(s: MicroMacroSetup, walls: readonly [WallSide1D, WallSide1D]) {
    super(s.bdf2);
    const N = s.grid.cells;
    const K = s.velocity.count;
    this.N = N;
    this.K = K;
    this.eps = s.eps;
    this.rate = s.rate;
    this.lo = s.lo;
    this.hi = s.hi;
    this.rtol = s.rtol;
    const v = Float64Array.from(s.velocity.v[0]);
    const w = Float64Array.from(s.velocity.w);
    const layer = wallLayer(v, w);
    this.levels = new Levels1D(N, K, w, s.h0, N + 1);
    this.absorbing = [walls[0].kind === 'absorbing', walls[1].kind === 'absorbing'];
    this.transport = new WallTransport1D(N, K, v, w, s.grid.dx[0], s.eps, walls, layer.x0, layer.beta);
    this.limiter = new WallLimiter1D(N, K, s.grid.dx[0], s.lo, s.hi, s.useLimiter, w, 'KineticSolver');
    this.histRho = new Float64Array(N);
    this.aC = new Float64Array(N);
    this.res = new Float64Array(N);
    this.delta = new Float64Array(N);
    this.gx = new Float64Array(N * K);
    this.qh = new Float64Array(N * K);
    this.Phi = new Float64Array(N + 1);
    this.rows = new Float64Array(N);
    this.schurPhi = new Float64Array(N + 1);
    this.inactiveMask = new Uint8Array(K);
    this.gmres = new Gmres(N, 40);
    this.op = {
      apply: (x, y) => this.applySchur(x, y),
      precondition: (r, z) => this.transport.solveL(r, z),
    };
  }

  /** Commit the attempt (../microMacro/stepperBase.ts) and add its wall fluxes to the outflow. */
  override accept(): void {
    const F = this.levels.Fnew;
    const left = F[0];
    const right = F[this.N];
    super.accept();
    this.out[0] -= left;
    this.out[1] += right;
  }

  outflow(): Float64Array {
    return this.out;
  }

  saveExtra(state: StepperState): void {
    state.outflow = Float64Array.from(this.out);
  }

  restoreExtra(state: StepperState): void {
    const o = state.outflow;
    if (!(o instanceof Float64Array) || o.length !== 2) throw new RangeError('KineticSolver.restoreState: missing outflow (2 values)');
    this.out.set(o);
  }

  protected attemptStep(dt: number): void {
    const L = this.levels;
    const T = this.transport;
    const useB2 = this.secondOrder;
    const { om, c0, a1, a2 } = this.bdf2Step(dt);
    this.dtCur = dt;
    T.prepare(this.rate, L.rhoN, L.rhoOld, useB2, om, this.lo, this.hi, c0, dt, L.time + dt);
    this.history(a1, a2);
    if (T.nAct > 0) T.factorLines(this.aC);
    T.factorL();

    const N = this.N;
    const rhoNew = L.rhoNew;
    const qNew = L.qNew;
    rhoNew.set(L.rhoN);
    this.solveQ(rhoNew, qNew, a1, a2);
    const hn = norm2(this.histRho, N);
    let rn = this.residual(rhoNew, qNew);
    // the residual's round-off floor: the density rows sum terms of size |c0 rho| + σ |Φ| (the fluxes
    // at the kinetic limit ~ 1/eps near vacuum and at absorbing walls dwarf rho)
    const target = (): number => Math.max(this.rtol * hn, 1e-14 * this.rowScale);
    this.solveStop = target() / c0;
    let used = 0;
    const maxIter = 400;
    for (let cycle = 0; rn > target() && used < maxIter && cycle < 20; cycle++) {
      const delta = this.delta;
      const outcome = this.gmres.solve(this.op, this.res, delta, target() / rn, maxIter - used, true);
      used += outcome.iterations;
      for (let i = 0; i < N; i++) rhoNew[i] += delta[i];
      this.correct(delta, qNew);
      rn = this.residual(rhoNew, qNew);
    }
    this.solveStop = target() / c0;
    this.counters.solverIterations += used;
    if (used > this.counters.maxSolverIterations) this.counters.maxSolverIterations = used;
    if (!(rn <= Math.max(1e-9 * hn, 1e-11 * this.rowScale))) {
      throw new NumericalFailure(`KineticSolver: GMRES did not converge in ${used} iterations (relative residual ${(rn / hn).toExponential(2)}, dt = ${dt})`);
    }
    // velocities with γ = 0 at every face: q from the density
    this.formInactive(rhoNew, qNew, a1, a2);
    // face mass fluxes J_F = Φ_F / eps of the final state (Phi from residual()), F = (a2/c0) Fprev + (dt/c0) J
    const fa = useB2 ? a2 / c0 : 0;
    const fb = dt / c0;
    const ie = 1 / this.eps;
    const Phi = this.Phi;
    const Fn = L.Fnew;
    for (let F = 0; F <= N; F++) Fn[F] = fa * L.Fprev[F] + fb * Phi[F] * ie;
    // nothing enters through an absorbing wall: a step's wall flux into the domain (an undershoot of the
    // implicit solution next to the wall) is cut to 0, and the cell is left out of the estimate
    let clipped = -1;
    if (this.absorbing[0] && Fn[0] > 0) {
      Fn[0] = 0;
      clipped = 0;
    }
    if (this.absorbing[1] && Fn[N] < 0) {
      Fn[N] = 0;
      clipped = clipped === 0 ? 2 : 1;
    }
    if (this.limiter.limitDensityWalls(L.rhoN, rhoNew, Fn)) this.counters.rhoLimiterSteps++;
    if (clipped === 0 || clipped === 2) this.limiter.limitedC[0] = 1;
    if (clipped >= 1) this.limiter.limitedC[N - 1] = 1;
    this.counters.hLimiterCells += this.limiter.projectQ(rhoNew, qNew);
  }

  private history(a1: number, a2: number): void {
    const { N, histRho, aC, c0, eps } = this;
    const lam = this.transport.lamC;
    const rhoN = this.levels.rhoN;
    const rhoO = this.levels.rhoOld;
    const ie2 = 1 / (eps * eps);
    const dt = this.dtCur;
    for (let i = 0; i < N; i++) {
      histRho[i] = a1 * rhoN[i] - a2 * rhoO[i];
      aC[i] = c0 + dt * lam[i] * ie2;
    }
  }

  /** q of the active pairs for the density x: M^{-1}(histQ + histRho − G x − constants). */
  private solveQ(x: Float64Array, q: Float64Array, a1: number, a2: number): void {
    if (this.transport.nAct === 0) return;
    const { N, K, histRho } = this;
    const gx = this.gx;
    this.transport.formG(x, true, gx);
    const qN = this.levels.qN;
    const qO = this.levels.qOld;
    for (let i = 0; i < N; i++) {
      const hr = histRho[i];
      const b = i * K;
      for (let k = 0; k < K; k++) gx[b + k] = a1 * qN[b + k] - a2 * qO[b + k] + hr - gx[b + k];
    }
    this.transport.solveActive(gx, q);
  }

  /** q += M^{-1}(−G d) for the active pairs (the linear correction of a density increment d). */
  private correct(d: Float64Array, q: Float64Array): void {
    const T = this.transport;
    if (T.nAct === 0) return;
    this.homogeneous(d);
    const { N, K } = this;
    const qh = this.qh;
    for (let j = 0; j < T.nAct; j++) {
      const p = T.act[j];
      const kp = T.pos[p];
      const kn = T.neg[p];
      for (let i = 0; i < N; i++) {
        q[i * K + kp] += qh[i * K + kp];
        q[i * K + kn] += qh[i * K + kn];
      }
    }
  }

  /** qh = M^{-1}(−G d) for the active pairs (no constants). */
  private homogeneous(d: Float64Array): void {
    const gx = this.gx;
    this.transport.formG(d, false, gx);
    for (let p = 0; p < gx.length; p++) gx[p] = -gx[p];
    this.transport.solveActive(gx, this.qh);
  }

  /**
   * res = histRho − (density rows of (rho, q)), Phi kept; its 2-norm. Also the 2-norm of the rows'
   * term sizes |c0 rho_i| + σ (|Φ_i| + |Φ_{i+1}|) (rowScale), the scale of their round-off.
   */
  private residual(rho: Float64Array, q: Float64Array): number {
    const T = this.transport;
    const Phi = this.Phi;
    T.fluxSums(rho, q, true, Phi);
    T.densityRows(rho, Phi, this.rows);
    const sig = this.dtCur / (this.eps * T.dx);
    let s = 0;
    let sc = 0;
    for (let i = 0; i < this.N; i++) {
      const r = this.histRho[i] - this.rows[i];
      this.res[i] = r;
      s += r * r;
      const t = Math.abs(this.c0 * rho[i]) + sig * (Math.abs(Phi[i]) + Math.abs(Phi[i + 1]));
      sc += t * t;
    }
    this.rowScale = Math.sqrt(sc);
    return Math.sqrt(s);
  }

  private rowScale = 0;

  /** y = S x: the density rows of (x, M^{-1}(−G x)) without constants. */
  private applySchur(x: Float64Array, y: Float64Array): void {
    const T = this.transport;
    if (T.nAct > 0) this.homogeneous(x);
    const phi = this.schurPhi;
    T.fluxSums(x, this.qh, false, phi);
    T.densityRows(x, phi, y);
  }

  /** q_k = (histQ_k + histRho − G_k x − constants)/a for the velocities with γ = 0 at every face (and v = 0). */
  private formInactive(x: Float64Array, q: Float64Array, a1: number, a2: number): void {
    const T = this.transport;
    const { N, K, histRho, aC } = this;
    const gx = this.gx;
    T.formG(x, true, gx);
    const qN = this.levels.qN;
    const qO = this.levels.qOld;
    const inactive = this.inactiveMask;
    inactive.fill(1);
    for (let j = 0; j < T.nAct; j++) {
      const p = T.act[j];
      inactive[T.pos[p]] = 0;
      inactive[T.neg[p]] = 0;
    }
    for (let i = 0; i < N; i++) {
      const b = i * K;
      const hr = histRho[i];
      const a = aC[i];
      for (let k = 0; k < K; k++) {
        if (!inactive[k]) continue;
        q[b + k] = (a1 * qN[b + k] - a2 * qO[b + k] + hr - gx[b + k]) / a;
      }
    }
  }

}

function norm2(x: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

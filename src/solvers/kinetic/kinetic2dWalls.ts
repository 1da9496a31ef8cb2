/**
 * The 2D stepper of the kinetic AP scheme on a box with diffuse, absorbing, inflow or specular walls (a direction
 * may stay periodic) — docs/kinetic-scheme.md "Walls", 2D. The scheme of kinetic1dWalls.ts per direction:
 * unknowns rho and q = h − rho (velocity-major), face values of ../transport/walls2d.ts, fully implicit
 * variable-step BDF2 with λ at the extrapolated density, then the conservative bound limiter and the
 * Milne estimate (../microMacro/stepperBase.ts: attempt/accept, save/restore).
 *
 * Solve: the whole implicit system — the h-rows c0 rho + a q_k + σ div(u H_k) = a1 h^n − a2 h^{n−1}
 * scaled by 1/a (a = c0 + dt λ/eps²; rows with λ = ∞ read q = 0) and the density rows
 * c0 rho + σ div Φ = a1 rho^n − a2 rho^{n−1} — by right-preconditioned GMRES to round-off tolerance
 * (no approximate factorisation: the splitting error of the periodic 2D scheme is absent here).
 * Preconditioner: the block factorisation with M̃_k (velocity k's transport with its own face terms
 * only) — by its factored x- and y-lines, (I + X_k)(I + Y_k), O(N) (./wallLines2d.ts), while the splitting
 * bound ‖X‖∞‖Y‖∞ ≤ LINE_SPLITTING_MAX, else by banded LU, O(N b²) — the walls' couplings between velocities — the specular mirror, the diffuse
 * re-emission — where strong (|coefficient| ≥ 1: free streaming to the wall face; weaker ones are left to
 * GMRES) added back by Woodbury (rank one per diffuse face, per velocity at a specular face; at
 * most WallCouplings2D.max, dense capacitance matrix; ./wallCouplings2d.ts), and the density Schur complement approximated by the limit operator L
 * (the density rows with q = 0; multigrid CG with the lines, ./wallLimit2d.ts, banded LU with the banded blocks):
 * exact as eps → 0, where every γ = 0, M = a and S = L. Without the
 * couplings, a vacuum next to such walls (λ = 0, γ = 1, coefficients σ/c0 up to 1e9) left them O(σ) errors
 * of the preconditioner and restarted GMRES stagnated. The target includes the h-rows' round-off floor.
 * Cost with the lines: O(N K) per GMRES iteration (the banded LU, kept for steps whose splitting is large,
 * costs O(N K b²) per step and K N (2b + 1) doubles, b the cells across the fast direction: used only where it
 * fits in WALLS2D_BANDED_MAX_DOUBLES).
 *
 * Outflow: the step's face mass fluxes carry BDF2's history, F = (a2/c0) F_prev + (dt/c0) Φ/eps, rho^{n+1}
 * = rho^n − div F exactly, so mass + the summed wall fluxes (accepted steps) equal the initial mass to
 * round-off. A step's flux into the domain through an absorbing wall face is cut to 0 (that cell left out
 * of the estimate).
 */
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure, type StepperState } from '../stepper.js';
import { Gmres, type LinearOperator } from '../linear/gmres.js';
import { BandedLU } from '../linear/banded.js';
import { WallTransport2D, lineGeometry, type Direction2D } from '../transport/walls2d.js';
import { BoundLimiter2D } from '../limiter.js';
import { WallFct2D } from '../limiterWalls2d.js';
import { Levels2D } from '../microMacro/levels2d.js';
import type { MicroMacroSetup } from '../microMacro/facade.js';
import { MicroMacroStepper } from '../microMacro/stepperBase.js';
import { wallLayer } from './milne.js';
import { WallCouplings2D } from './wallCouplings2d.js';
import { WallLines2D } from './wallLines2d.js';
import { WallLimit2D } from './wallLimit2d.js';

/**
 * The factored line solves replace the banded LU of the per-velocity blocks when ‖X‖∞ ‖Y‖∞ (a bound of
 * the splitting term, ./wallLines2d.ts) is at most this: the preconditioner is then within this relative
 * perturbation of the exact block factorisation (docs/kinetic-scheme.md "Walls", 2D, cost).
 */
export const LINE_SPLITTING_MAX = 8;

/** The banded factors (K + 1) N (2b + 1) doubles are used only up to this size (1 GiB); larger boxes always take the lines. */
export const WALLS2D_BANDED_MAX_DOUBLES = 2 ** 27;

/** Relative residual of the CG solves of L in the preconditioner (with the factored lines). */
const LIMIT_CG_RTOL = 1e-10;

export class KineticWalls2D extends MicroMacroStepper {
  readonly levels: Levels2D;
  readonly transport: WallTransport2D;
  /** Cumulative outflow: x low, x high, y low, y high (accepted steps). */
  readonly out = new Float64Array(4);
  protected readonly who = 'KineticSolver';
  protected readonly limiter: BoundLimiter2D;
  protected readonly aC: Float64Array;
  private readonly fct: WallFct2D;
  private readonly nx: number;
  private readonly ny: number;
  private readonly N: number;
  private readonly K: number;
  private readonly eps: number;
  private readonly rate: RateLaw;
  private readonly lo: number;
  private readonly hi: number;
  private readonly rtol: number;
  private readonly dirs: readonly [Direction2D, Direction2D];
  private readonly hasInflow: boolean;
  private readonly ia: Float64Array;
  private readonly hist: Float64Array;
  private readonly sol: Float64Array;
  private readonly res: Float64Array;
  /** GMRES's correction of sol. */
  private readonly dsol: Float64Array;
  private readonly div: Float64Array;
  private readonly tq: Float64Array;
  private readonly tr: Float64Array;
  private readonly PhiX: Float64Array;
  private readonly PhiY: Float64Array;
  /** Face mass fluxes with history (full face sets; Levels2D's periodic ones are unused). */
  private FXprev: Float64Array;
  private FXnew: Float64Array;
  private FYprev: Float64Array;
  private FYnew: Float64Array;
  private readonly band: BandedLU;
  private readonly perm: Int32Array;
  /** The banded per-velocity blocks (allocated when a step first needs them: K N (2b + 1) doubles). */
  private Mk: Float64Array | null = null;
  /** The factored line solves of the blocks, and whether this step's preconditioner uses them. */
  private readonly lines: WallLines2D;
  /** L by multigrid-preconditioned CG (with the lines; the banded path keeps its banded L). */
  private readonly limit: WallLimit2D;
  private useLines = false;
  /** perVelocitySolve 'exact': always the banded LU (the exact block factorisation; a reference). */
  private readonly exactBlocks: boolean;
  /** Whether the banded factors fit in WALLS2D_BANDED_MAX_DOUBLES (else every step takes the lines). */
  private readonly bandedFits: boolean;
  /** Steps (attempts) whose preconditioner used the factored lines, and all attempts. */
  readonly preconditioning = { lines: 0, banded: 0 };
  /** The banded L (allocated when a step first needs it). */
  private Lb: Float64Array | null = null;
  private readonly pv: Float64Array;
  private readonly gmres: Gmres;
  private readonly op: LinearOperator;
  /** The walls' strong couplings between velocities, added back to the preconditioner (Woodbury). */
  private readonly couplings: WallCouplings2D;
  private readonly solveMBound = (y: Float64Array) => this.solveM(y);

  constructor(s: MicroMacroSetup, dirs: readonly [Direction2D, Direction2D]) {
    super(s.bdf2);
    const [nx, ny] = s.grid.n;
    if (nx < 3 || ny < 3) throw new RangeError('KineticSolver 2D: at least 3 cells per direction');
    if (dirs[0] === null && dirs[1] === null) throw new RangeError('KineticWalls2D: a box with walls (use Kinetic2D on the torus)');
    const N = nx * ny;
    const K = s.velocity.count;
    this.nx = nx;
    this.ny = ny;
    this.N = N;
    this.K = K;
    this.eps = s.eps;
    this.rate = s.rate;
    this.lo = s.lo;
    this.hi = s.hi;
    this.rtol = s.rtol;
    this.dirs = dirs;
    this.hasInflow = dirs.some((d) => d !== null && (d[0].kind === 'inflow' || d[1].kind === 'inflow'));
    const w = Float64Array.from(s.velocity.w);
    const vx = Float64Array.from(s.velocity.v[0]);
    const vy = Float64Array.from(s.velocity.v[1]);
    const layers = [0, 1].map((d) => {
      const u = d === 0 ? vx : vy;
      // the marginal node set of the normal component (tensor set: the 1D nodes and weights)
      const nodes = Array.from(new Set(Array.from(u))).sort((a, b) => a - b);
      const wm = nodes.map((z) => {
        let t = 0;
        for (let k = 0; k < K; k++) if (u[k] === z) t += w[k];
        return t;
      });
      return wallLayer(nodes, wm);
    });
    this.levels = new Levels2D(N, K, w, s.h0);
    this.transport = new WallTransport2D(nx, ny, K, s.grid.dx[0], s.grid.dx[1], s.eps, vx, vy, w, dirs, [layers[0].x0, layers[1].x0], [layers[0].beta, layers[1].beta], [layers[0].nodes, layers[1].nodes]);
    this.limiter = new BoundLimiter2D(nx, ny, K, s.grid.dx[0], s.grid.dx[1], s.lo, s.hi, s.useLimiter, w, 'KineticSolver');
    this.fct = new WallFct2D(nx, ny, s.grid.dx[0], s.grid.dx[1], s.lo, s.hi, dirs[0] === null, dirs[1] === null);
    this.aC = new Float64Array(N);
    this.ia = new Float64Array(N);
    const n = N * (K + 1);
    this.hist = new Float64Array(n);
    this.sol = new Float64Array(n);
    this.res = new Float64Array(n);
    this.dsol = new Float64Array(n);
    this.div = new Float64Array(N * K);
    this.tq = new Float64Array(N * K);
    this.tr = new Float64Array(N);
    const nfx = (nx + 1) * ny;
    const nfy = nx * (ny + 1);
    this.PhiX = new Float64Array(nfx);
    this.PhiY = new Float64Array(nfy);
    this.FXprev = new Float64Array(nfx);
    this.FXnew = new Float64Array(nfx);
    this.FYprev = new Float64Array(nfy);
    this.FYnew = new Float64Array(nfy);
    // banded ordering: the fast index runs along a periodic direction if there is one (its wrap stays in the band)
    const fastY = dirs[1] === null;
    this.band = new BandedLU(N, fastY ? ny : nx);
    this.perm = new Int32Array(N);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) this.perm[i + nx * j] = fastY ? j + ny * i : i + nx * j;
    this.lines = new WallLines2D(nx, ny, K, dirs);
    this.limit = new WallLimit2D(nx, ny, dirs);
    this.exactBlocks = s.perVelocitySolve === 'exact';
    this.bandedFits = (K + 1) * this.band.size <= WALLS2D_BANDED_MAX_DOUBLES;
    this.pv = new Float64Array(N);
    this.gmres = new Gmres(n, 60);
    this.couplings = new WallCouplings2D(nx, ny, K, dirs);
    this.op = {
      apply: (x, y) => this.apply(x, y),
      precondition: (r, z) => this.precondition(r, z),
    };
  }

  override accept(): void {
    const { nx, ny } = this;
    const dxv = this.transport.dx;
    const dyv = this.transport.dy;
    let xl = 0;
    let xh = 0;
    let yl = 0;
    let yh = 0;
    if (this.dirs[0] !== null) {
      for (let j = 0; j < ny; j++) {
        xl -= this.FXnew[(nx + 1) * j];
        xh += this.FXnew[nx + (nx + 1) * j];
      }
    }
    if (this.dirs[1] !== null) {
      for (let i = 0; i < nx; i++) {
        yl -= this.FYnew[i];
        yh += this.FYnew[i + nx * ny];
      }
    }
    super.accept();
    this.out[0] += xl * dyv;
    this.out[1] += xh * dyv;
    this.out[2] += yl * dxv;
    this.out[3] += yh * dxv;
    let t = this.FXprev;
    this.FXprev = this.FXnew;
    this.FXnew = t;
    t = this.FYprev;
    this.FYprev = this.FYnew;
    this.FYnew = t;
  }

  outflow(): Float64Array {
    return this.out;
  }

  saveExtra(state: StepperState): void {
    state.outflow = Float64Array.from(this.out);
    state.wallFluxX = Float64Array.from(this.FXprev);
    state.wallFluxY = Float64Array.from(this.FYprev);
  }

  restoreExtra(state: StepperState): void {
    const o = state.outflow;
    const fx = state.wallFluxX;
    const fy = state.wallFluxY;
    if (!(o instanceof Float64Array) || o.length !== 4) throw new RangeError('KineticSolver.restoreState: missing outflow (4 values)');
    if (!(fx instanceof Float64Array) || fx.length !== this.FXprev.length) throw new RangeError(`KineticSolver.restoreState: missing wallFluxX (${this.FXprev.length} values)`);
    if (!(fy instanceof Float64Array) || fy.length !== this.FYprev.length) throw new RangeError(`KineticSolver.restoreState: missing wallFluxY (${this.FYprev.length} values)`);
    this.out.set(o);
    this.FXprev.set(fx);
    this.FYprev.set(fy);
  }

  protected attemptStep(dt: number): void {
    const L = this.levels;
    const T = this.transport;
    const useB2 = this.secondOrder;
    const { om, c0, a1, a2 } = this.bdf2Step(dt);
    T.prepare(this.rate, L.rhoN, L.rhoOld, useB2, om, this.lo, this.hi, c0, dt, L.time + dt);
    const { N, K, eps, aC, ia, hist, sol } = this;
    const lam = T.lamC;
    const ie2 = 1 / (eps * eps);
    const NK = N * K;
    let hn = 0;
    for (let c = 0; c < N; c++) {
      const a = c0 + dt * lam[c] * ie2;
      aC[c] = a;
      ia[c] = a === Infinity ? 0 : 1 / a;
      const hr = a1 * L.rhoN[c] - a2 * L.rhoOld[c];
      hist[NK + c] = hr;
      sol[NK + c] = L.rhoN[c];
      hn += hr * hr;
    }
    hn = Math.sqrt(hn);
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < N; c++) {
        const p = k * N + c;
        hist[p] = ia[c] * (a1 * L.qN[p] - a2 * L.qOld[p] + hist[NK + c]);
        sol[p] = ia[c] === 0 ? 0 : L.qN[p];
      }
    }
    if (this.hasInflow) this.constants();
    this.assemble();
    // GMRES to the solver tolerance on the whole system (true residual checked, restarted if needed)
    let bn = 0;
    for (let p = 0; p < hist.length; p++) bn += hist[p] * hist[p];
    bn = Math.sqrt(bn);
    let used = 0;
    let rn = this.residual();
    // the residual's round-off floor: the density rows sum terms of size |c0 rho| + σ |Φ| (σ Φ ~ 1/eps at
    // absorbing walls with alpha >= 1, where the wall flux is a Dirichlet condition at distance x0 eps)
    const target = (): number => Math.max(this.rtol * bn, 1e-14 * this.rowScale, 1e-15 * this.hScale);
    this.solveStop = Math.max(this.rtol * hn, 1e-14 * this.rowScale) / c0;
    for (let cycle = 0; rn > target() && cycle < 10 && used < 600; cycle++) {
      const out = this.gmres.solve(this.op, this.res, this.dsol, target() / rn, 600 - used, true);
      used += out.iterations;
      const d = this.dsol;
      for (let p = 0; p < sol.length; p++) sol[p] += d[p];
      rn = this.residual();
    }
    this.counters.solverIterations += used;
    if (used > this.counters.maxSolverIterations) this.counters.maxSolverIterations = used;
    if (!(rn <= Math.max(100 * this.rtol * bn, 1e-11 * this.rowScale, 1e-13 * this.hScale))) throw new NumericalFailure(`KineticSolver: GMRES did not converge in ${used} iterations (relative residual ${(rn / bn).toExponential(2)}, dt = ${dt})`);
    // the face mass fluxes of the final state, with BDF2's history
    T.transport(sol, NK, sol, 0, null, this.PhiX, this.PhiY, true);
    const fa = useB2 ? a2 / c0 : 0;
    const fb = dt / (c0 * eps);
    for (let f = 0; f < this.FXnew.length; f++) this.FXnew[f] = fa * this.FXprev[f] + fb * this.PhiX[f];
    for (let f = 0; f < this.FYnew.length; f++) this.FYnew[f] = fa * this.FYprev[f] + fb * this.PhiY[f];
    const lim = this.limiter.limitedC;
    lim.fill(0);
    this.clipAbsorbing(lim);
    const qNew = L.qNew;
    for (let p = 0; p < NK; p++) qNew[p] = sol[p];
    if (this.fct.limit(L.rhoN, L.rhoNew, this.FXnew, this.FYnew, lim, this.limiter.useLimiter)) this.counters.rhoLimiterSteps++;
    this.counters.hLimiterCells += this.projectKeepingMarks(L.rhoNew, L.qNew);
  }

  /** hist −= the rows' constant part (the inflow sides' given h and rho_b). */
  private constants(): void {
    const { N, K, ia, div, tr, hist } = this;
    const NK = N * K;
    const T = this.transport;
    T.transport(null, 0, null, 0, div, this.PhiX, this.PhiY, true);
    for (let k = 0; k < K; k++) {
      const b = k * N;
      for (let c = 0; c < N; c++) hist[b + c] -= ia[c] * div[b + c];
    }
    T.densityRows(null, 0, this.PhiX, this.PhiY, tr, 0);
    for (let c = 0; c < N; c++) hist[NK + c] -= tr[c];
  }

  /** projectQ resets nothing of limitedC it did not set: keep the marks of clipping and FCT. */
  private projectKeepingMarks(r: Float64Array, q: Float64Array): number {
    const lim = this.limiter.limitedC;
    const keep = this.pv;
    for (let c = 0; c < this.N; c++) keep[c] = lim[c];
    const n = this.limiter.projectQ(r, q);
    for (let c = 0; c < this.N; c++) if (keep[c]) lim[c] = 1;
    return n;
  }

  /** Nothing enters through an absorbing wall: a step's inward flux there is cut to 0, the cell marked. */
  private clipAbsorbing(lim: Uint8Array): void {
    const { nx, ny, dirs } = this;
    const T = this.transport;
    for (let d = 0 as 0 | 1; d < 2; d = (d + 1) as 0 | 1) {
      const dir = dirs[d];
      if (dir === null) continue;
      const F = d === 0 ? this.FXnew : this.FYnew;
      const M = d === 0 ? ny : nx;
      for (let s = 0; s < 2; s++) {
        if (dir[s].kind !== 'absorbing') continue;
        for (let m = 0; m < M; m++) {
          const f = T.wallFace(d, s, m);
          if (s === 0 ? F[f] > 0 : F[f] < 0) {
            F[f] = 0;
            lim[T.wallCell(d, s, m)] = 1;
          }
        }
      }
    }
  }

  // --- the implicit system -----------------------------------------------------------------------


  /** y = A x: the scaled h-rows and the density rows of x = [q; rho]. */
  private apply(x: Float64Array, y: Float64Array): void {
    const { N, K, ia, div } = this;
    const NK = N * K;
    const T = this.transport;
    T.transport(x, NK, x, 0, div, this.PhiX, this.PhiY);
    const c0 = this.c0;
    for (let k = 0; k < K; k++) {
      const b = k * N;
      for (let c = 0; c < N; c++) y[b + c] = ia[c] === 0 ? x[b + c] : ia[c] * (c0 * x[NK + c] + div[b + c]) + x[b + c];
    }
    T.densityRows(x, NK, this.PhiX, this.PhiY, y, NK);
  }

  /** res = hist − A sol; its 2-norm. Also rowScale, the 2-norm of the density rows' term sizes. */
  private residual(): number {
    const r = this.res;
    this.apply(this.sol, r);
    let s = 0;
    for (let p = 0; p < r.length; p++) {
      const v = this.hist[p] - r[p];
      r[p] = v;
      s += v * v;
    }
    const { nx, ny, N, K, PhiX, PhiY } = this;
    const T = this.transport;
    const sx = T.dt / (this.eps * T.dx);
    const sy = T.dt / (this.eps * T.dy);
    const rho = this.sol;
    let sc = 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const c = i + nx * j;
        const fx = i + (nx + 1) * j;
        const t = Math.abs(this.c0 * rho[N * K + c]) + sx * (Math.abs(PhiX[fx]) + Math.abs(PhiX[fx + 1])) + sy * (Math.abs(PhiY[c]) + Math.abs(PhiY[c + nx]));
        sc += t * t;
      }
    }
    this.rowScale = Math.sqrt(sc);
    // the h-rows' term sizes |q| + (|c0 rho| + σx |u| (|H_L| + |H_R|) + σy |…|)/a, with |H| bounded by |h| in the
    // cell and its neighbour: the h-rows' round-off floor (σ/a = dt/(eps dx c0) up to 1e9 where λ = 0)
    const ia = this.ia;
    const vx = T.vx;
    const vy = T.vy;
    let hs = 0;
    for (let k = 0; k < K; k++) {
      const b = k * N;
      const ax = sx * Math.abs(vx[k]);
      const ay = sy * Math.abs(vy[k]);
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const c = i + nx * j;
          if (ia[c] === 0) continue;
          const hc = Math.abs(rho[N * K + c] + rho[b + c]);
          const hx = Math.max(i > 0 ? Math.abs(rho[N * K + c - 1] + rho[b + c - 1]) : 0, i < nx - 1 ? Math.abs(rho[N * K + c + 1] + rho[b + c + 1]) : 0);
          const hy = Math.max(j > 0 ? Math.abs(rho[N * K + c - nx] + rho[b + c - nx]) : 0, j < ny - 1 ? Math.abs(rho[N * K + c + nx] + rho[b + c + nx]) : 0);
          const t = Math.abs(rho[b + c]) + ia[c] * (Math.abs(this.c0 * rho[N * K + c]) + ax * (2 * hc + hx) + ay * (2 * hc + hy));
          hs += t * t;
        }
      }
    }
    this.hScale = Math.sqrt(hs);
    return Math.sqrt(s);
  }

  /** The 2-norm of the h-rows' term sizes (residual()). */
  private hScale = 0;

  private rowScale = 0;

  /**
   * z ≈ A^{-1} r by the block factorisation: q1 = M̃^{-1} r_q, rho = L^{-1}(r_rho − B q1),
   * q = q1 − M̃^{-1}(G rho) (M̃, G, B in the scaled rows).
   */
  private precondition(r: Float64Array, z: Float64Array): void {
    const { N, K, ia, div, tr } = this;
    const NK = N * K;
    const T = this.transport;
    for (let p = 0; p < NK; p++) z[p] = r[p];
    this.couplings.apply(z, this.solveMBound);
    T.transport(null, 0, z, 0, null, this.PhiX, this.PhiY);
    T.densityRows(null, 0, this.PhiX, this.PhiY, tr, 0);
    for (let c = 0; c < N; c++) tr[c] = r[NK + c] - tr[c];
    this.solveL(tr);
    for (let c = 0; c < N; c++) z[NK + c] = tr[c];
    T.transport(tr, 0, null, 0, div, this.PhiX, this.PhiY);
    const c0 = this.c0;
    const tq = this.tq;
    for (let k = 0; k < K; k++) {
      const b = k * N;
      for (let c = 0; c < N; c++) tq[b + c] = ia[c] * (c0 * tr[c] + div[b + c]);
    }
    this.couplings.apply(tq, this.solveMBound);
    for (let p = 0; p < NK; p++) z[p] -= tq[p];
  }

  /** y_k ← M̃_k^{-1} y_k for every velocity (diagonal 1 where the velocity is inactive): banded LU or factored lines. */
  private solveM(y: Float64Array): void {
    const { N, K } = this;
    const act = this.transport.active;
    for (let k = 0; k < K; k++) {
      if (!act[k]) continue;
      if (this.useLines) this.lines.solve(k, y, k * N);
      else this.solveBanded(k, y, k * N);
    }
  }

  private solveBanded(k: number, y: Float64Array, off: number): void {
    const { N, perm, pv } = this;
    for (let c = 0; c < N; c++) pv[perm[c]] = y[off + c];
    this.band.solve(this.Mk!, k * this.band.size, pv);
    for (let c = 0; c < N; c++) y[off + c] = pv[perm[c]];
  }

  /** One velocity's block solve on a vector of N cells (the wall couplings' columns). */
  private readonly solveVel = (k: number, y: Float64Array): void => {
    if (this.useLines) this.lines.solve(k, y, 0);
    else this.solveBanded(k, y, 0);
  };

  private solveL(y: Float64Array): void {
    if (this.useLines) {
      // the multigrid-preconditioned CG to well below the outer tolerance's effect (a near-exact block)
      this.limit.solve(y, this.pv, LIMIT_CG_RTOL);
      y.set(this.pv);
      return;
    }
    const { N, perm, pv } = this;
    for (let c = 0; c < N; c++) pv[perm[c]] = y[c];
    this.band.solve(this.Lb!, 0, pv);
    for (let c = 0; c < N; c++) y[c] = pv[perm[c]];
  }

  /**
   * Factor the blocks M̃_k of the active velocities (scaled rows) — by lines where the splitting is small,
   * else banded LU — the wall couplings and L.
   */
  private assemble(): void {
    const { K, ia } = this;
    const T = this.transport;
    const lines = this.lines;
    lines.reset();
    for (let k = 0; k < K; k++) if (T.active[k]) lines.factor(k, T, ia, this.eps);
    this.useLines = !this.bandedFits || (!this.exactBlocks && lines.splitting() <= LINE_SPLITTING_MAX);
    if (this.useLines) this.preconditioning.lines++;
    else {
      this.preconditioning.banded++;
      this.assembleBanded();
    }
    this.couplings.assemble(this.transport, this.dirs, this.ia, this.eps, this.solveVel, this.pv);
    if (this.useLines) this.limit.prepare(T, this.eps);
    else this.assembleL();
  }

  /** Assemble (I + X_k + Y_k from the lines' entries, WallLines2D.lineEntries) and factor the banded M̃_k of the active velocities. */
  private assembleBanded(): void {
    const { nx, ny, N, K, ia, perm, band } = this;
    const T = this.transport;
    const L = this.lines;
    const { la, da, ua } = L;
    const size = band.size;
    const Mk = (this.Mk ??= new Float64Array(K * size));
    for (let k = 0; k < K; k++) {
      if (!T.active[k]) continue;
      const base = k * size;
      Mk.fill(0, base, base + size);
      for (let c = 0; c < N; c++) band.add(Mk, base, perm[c], perm[c], 1);
      for (let d = 0 as 0 | 1; d < 2; d = (d + 1) as 0 | 1) {
        const { n, M, cs, cm } = lineGeometry(d, nx, ny);
        for (let m = 0; m < M; m++) {
          L.lineEntries(k, d, m, T, ia, this.eps);
          for (let i = 0; i < n; i++) {
            const c = perm[m * cm + i * cs];
            band.add(Mk, base, c, c, da[i]);
            if (la[i] !== 0) band.add(Mk, base, c, perm[m * cm + (i === 0 ? n - 1 : i - 1) * cs], la[i]);
            if (ua[i] !== 0) band.add(Mk, base, c, perm[m * cm + (i === n - 1 ? 0 : i + 1) * cs], ua[i]);
          }
        }
      }
      band.factor(Mk, base);
    }
  }

  /** The banded L: the faces and wall terms WallLimit2D assembles, factored. */
  private assembleL(): void {
    const { N, perm, band } = this;
    const W = this.limit;
    W.prepare(this.transport, this.eps, false);
    const { ax, ay, dg } = W;
    const Lb = (this.Lb ??= new Float64Array(band.size));
    Lb.fill(0);
    for (let c = 0; c < N; c++) band.add(Lb, 0, perm[c], perm[c], dg[c]);
    for (let c = 0; c < N; c++) {
      this.addFace(Lb, perm[c], W.east(c), ax[c]);
      this.addFace(Lb, perm[c], W.north(c), ay[c]);
    }
    band.factor(Lb, 0);
  }

  /** A face of L between the banded rows a and perm[nb] (nb < 0: a wall, nothing) with coefficient t. */
  private addFace(Lb: Float64Array, a: number, nb: number, t: number): void {
    if (nb < 0) return;
    const { band, perm } = this;
    const b = perm[nb];
    band.add(Lb, 0, a, a, t);
    band.add(Lb, 0, a, b, -t);
    band.add(Lb, 0, b, b, t);
    band.add(Lb, 0, b, a, -t);
  }
}

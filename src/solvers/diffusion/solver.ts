/**
 * Implicit finite-volume solver for the diffusive limit (paper eq. (1.3))
 *
 *     d_t rho = div( D(rho) grad rho ) = Laplacian Phi(rho),   D = 1/lambda(rho),  Phi(rho) = int_1^rho D,
 *
 * on the unit torus T^1 or T^2, cell averages rho_i (index i + Nx j).
 *
 * Space (Kirchhoff form, cell-centred finite volumes, 3-point / 5-point stencil):
 *     d_t rho_p = sum_{q ~ p} (Phi(rho_q) - Phi(rho_p)) / h_pq^2,    h_pq = dx or dy.
 * The face flux Phi(rho_q) - Phi(rho_p) = Dbar_pq (rho_q - rho_p), Dbar_pq = mean of D over
 * [rho_p, rho_q] > 0: second-order consistent, and its sign is that of rho_q - rho_p.
 *
 * Time: variable-step BDF2 (Grigorieff 1983; Becker 1998), step h_n, ratio w = h_n / h_{n-1}:
 *     (1+2w)/(1+w) rho^{n+1} - (1+w) rho^n + w^2/(1+w) rho^{n-1} = h_n L Phi(rho^{n+1}),
 * or backward Euler (c = 1, history rho^n). The first step (and any step with w > 2, e.g. after a
 * tiny snapshot-landing step) is a "ramp": backward Euler over dt/16, then BDF2 over dt/16, dt/8,
 * dt/4, dt/2 (ratios 1, 2, 2, 2 <= 1 + sqrt 2, the zero-stability bound for constant ratios), so
 * the first-order start costs only (dt/16)^2 and the next step(dt) has ratio 2.
 *
 * Stability / maximum principle. Backward Euler: at a cell p where rho^{n+1} is maximal every flux
 * Phi(rho_q) - Phi(rho_p) <= 0 (Phi nondecreasing), so rho_p^{n+1} <= rho_p^n <= max rho^n; same at the
 * minimum. Hence min rho_in <= rho^n <= max rho_in for EVERY dt (no CFL condition). BDF2 is
 * A-stable (unconditionally stable for the linearised problem) but not monotone: after each BDF2
 * step the solution is checked against [min rho_in, max rho_in] (relative tolerance boundsTol =
 * 1e-12, plus the round-off floor below); if it leaves, the step is redone by backward Euler and
 * `stats.fallbackSteps` is incremented. So the bound holds for every dt.
 *
 * Nonlinear solve: Newton on G(rho) = c rho - hist - h L Phi(rho), Jacobian c I - h L diag(D).
 * With z = D delta the Newton system becomes (c diag(1/D) - h L) z = -G, symmetric positive definite:
 * 1D periodic tridiagonal (Sherman-Morrison, linear/tridiagonal.ts), 2D multigrid-preconditioned CG
 * (linear/multigrid.ts, linear/pcg.ts). Stop when max_p |rho_k - rho*_p| <= tol, where
 * rho* = (hist + h L Phi(rho_k)) / c is the "consistent update", and ACCEPT rho* (not rho_k):
 * rho* - hist/c is a sum of face-flux differences that telescopes, so mass is conserved to round-off
 * however inexact the linear solves are. tol = max(newtonTol * max|rho_in|, round-off floor), the
 * floor = 16 eps (h/c) sum_d 2/dx_d^2 max|Phi| being the rounding noise of h L Phi (it grows like
 * dt/dx^2; at default dt it is ~4e-13 at 4096 cells, 1e-13 at 1024 cells).
 *
 * Time step: chosen by the Simulation's error control (attempt/accept, src/simulation/stepControl.ts)
 * from the local error estimate of src/solvers/errorEstimate.ts (Milne's device with the quadratic
 * predictor through rho^n, rho^{n-1}, rho^{n-2}). Without error control (time.dt, or step()),
 * suggestedDt = dtFactor * min(dx) / max_{[min rho_in, max rho_in]} D is the fixed fallback,
 * proportional to dx (not dx^2: there is no stability restriction).
 *
 * No allocation in step(): every work array is created by the constructor.
 */
import type { Grid } from '../../grid/grid.js';
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure, type AdaptiveStepper, type StepperState, type Tolerances } from '../stepper.js';
import { milneConstant, predictorCoefficients, weightedDistance } from '../errorEstimate.js';
import { PeriodicTridiagonal } from '../linear/tridiagonal.js';
import { PeriodicHelmholtzMG } from '../linear/multigrid.js';
import { pcg, PcgWork, type PcgResult } from '../linear/pcg.js';

export interface DiffusionOptions {
  grid: Grid;
  rate: RateLaw;
  /** Initial cell averages (x fastest); copied. Must be finite (and > 0 for power laws). */
  rho0: Float64Array;
  /** Time integrator: variable-step BDF2 with backward-Euler fallback (default), or backward Euler. */
  scheme?: 'bdf2' | 'euler';
  /** Newton stops when max |rho_k - consistent update| <= newtonTol * max|rho_in| (default 1e-13). */
  newtonTol?: number;
  /** Newton iteration cap per (sub)step (default 30). */
  maxNewton?: number;
  /** 2D: relative residual tolerance of each multigrid-PCG solve (default 1e-3: inexact Newton; the
   *  accepted update is conservative regardless, and 1e-3 was fastest in bench/diffusion.ts). */
  linearTol?: number;
  /** 2D: PCG iteration cap (default 200). */
  maxLinear?: number;
  /** suggestedDt = dtFactor * min(dx) / max D (default DEFAULT_DT_FACTOR). */
  dtFactor?: number;
  /** Relative tolerance of the maximum-principle check (default 1e-12). */
  boundsTol?: number;
  /** Diagnostics: called at every Newton iteration with the residual max|rho_k - rho*| and the tolerance. */
  trace?: (iteration: number, residual: number, tolerance: number) => void;
}

/** Default C in dt = C dx / max D (measured, see docs/diffusion-scheme.md). */
export const DEFAULT_DT_FACTOR = 0.1;

const ONE = [1];

/** Largest step ratio taken by BDF2 without a ramp restart. */
const OMEGA_MAX = 2;

export interface DiffusionStats {
  /** step() calls. */
  steps: number;
  /** Implicit solves accepted (ramps and fallbacks make this larger than steps). */
  substeps: number;
  /** Newton iterations (linear solves). */
  newtonIterations: number;
  /** 2D: PCG iterations in total (1D: equal to newtonIterations, one direct solve each). */
  linearIterations: number;
  /** BDF2 substeps that left [min rho_in, max rho_in] (or whose Newton failed) and were redone by backward Euler. */
  fallbackSteps: number;
  /** Ramp starts (first step, or step ratio > 2). */
  ramps: number;
}

export class DiffusionSolver implements AdaptiveStepper {
  readonly grid: Grid;
  readonly scheme: string;
  readonly rate: RateLaw;
  readonly stats: DiffusionStats = { steps: 0, substeps: 0, newtonIterations: 0, linearIterations: 0, fallbackSteps: 0, ramps: 0 };
  readonly order: number;
  tolerances: Tolerances = { rtol: 1e-4, atol: 1e-4 };
  lastError = NaN;
  lastFailure = '';
  errorPlace = -1;
  estimateNoise = 0;
  /** Newton's stopping tolerance in the last solve (absolute, in rho). */
  private newtonStop = 0;

  private readonly n: number;
  private readonly nx: number;
  private readonly ny: number;
  /** 1/dx^2, 1/dy^2 (0 in 1D). */
  private readonly ix2: number;
  private readonly iy2: number;
  private readonly bdf2: boolean;
  private readonly newtonTol: number;
  private readonly maxNewton: number;
  private readonly linearTol: number;
  private readonly maxLinear: number;
  private readonly dtFactor: number;
  private readonly boundsTol: number;
  private readonly positive: boolean;
  private readonly trace: ((iteration: number, residual: number, tolerance: number) => void) | undefined;

  /** Bounds of the initial data (the maximum principle's interval); part of the state. */
  private lo: number;
  private hi: number;
  private scale = 1;
  private phiScale = 1;

  // Rotating state buffers: rho^n, rho^{n-1}, rho^{n-2} (error estimate), the attempt.
  private cur: Float64Array;
  private prev: Float64Array;
  private prev2: Float64Array;
  private next: Float64Array;
  private dtPrev = 0;
  private dtPrev2 = 0;
  /** The attempt in `next`: its length, whether it is a backward-Euler step, its estimate. */
  private pendingDt = 0;
  private pendingEuler = false;
  private pendingError = NaN;
  private readonly pc = new Float64Array(3);

  // Work arrays.
  private readonly hist: Float64Array;
  private readonly iter: Float64Array;
  private readonly phi: Float64Array;
  private readonly dphi: Float64Array;
  private readonly rhs: Float64Array;
  private readonly z: Float64Array;
  private readonly diag: Float64Array;
  private readonly tri: PeriodicTridiagonal | null;
  private readonly mg: PeriodicHelmholtzMG | null;
  private readonly pcgWork: PcgWork | null;
  private readonly pcgOut: PcgResult = { iterations: 0, converged: true, relResidual: 0 };

  constructor(opts: DiffusionOptions) {
    const { grid, rate, rho0 } = opts;
    this.grid = grid;
    this.rate = rate;
    const n = grid.cells;
    if (rho0.length !== n) throw new RangeError(`DiffusionSolver: rho0 has ${rho0.length} values, grid has ${n} cells`);
    this.n = n;
    this.nx = grid.n[0];
    this.ny = grid.dim === 2 ? grid.n[1] : 1;
    this.ix2 = 1 / (grid.dx[0] * grid.dx[0]);
    this.iy2 = grid.dim === 2 ? 1 / (grid.dx[1] * grid.dx[1]) : 0;
    this.bdf2 = (opts.scheme ?? 'bdf2') === 'bdf2';
    this.order = this.bdf2 ? 2 : 1;
    this.scheme = this.bdf2 ? 'fv-kirchhoff-bdf2' : 'fv-kirchhoff-euler';
    this.newtonTol = opts.newtonTol ?? 1e-13;
    this.maxNewton = opts.maxNewton ?? 30;
    this.linearTol = opts.linearTol ?? 1e-3;
    this.maxLinear = opts.maxLinear ?? 200;
    this.dtFactor = opts.dtFactor ?? DEFAULT_DT_FACTOR;
    this.boundsTol = opts.boundsTol ?? 1e-12;
    this.trace = opts.trace;
    // Power laws need rho > 0 (log rho, rho^-alpha); general rates only lambda > 0 on the range.
    this.positive = rate.alpha !== undefined;

    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = rho0[i];
      if (!Number.isFinite(v) || (this.positive && !(v > 0))) {
        throw new RangeError(`DiffusionSolver: rho0[${i}] = ${v}, expected a finite value${this.positive ? ' > 0' : ''}`);
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.lo = lo;
    this.hi = hi;
    this.setScales();

    this.cur = Float64Array.from(rho0);
    this.prev = new Float64Array(n);
    this.prev2 = new Float64Array(n);
    this.next = new Float64Array(n);
    this.hist = new Float64Array(n);
    this.iter = new Float64Array(n);
    this.phi = new Float64Array(n);
    this.dphi = new Float64Array(n);
    this.rhs = new Float64Array(n);
    this.z = new Float64Array(n);
    this.diag = new Float64Array(n);
    if (grid.dim === 1) {
      this.tri = new PeriodicTridiagonal(n);
      this.mg = null;
      this.pcgWork = null;
    } else {
      this.tri = null;
      this.mg = new PeriodicHelmholtzMG(this.nx, this.ny);
      this.pcgWork = new PcgWork(n);
    }
  }

  private setScales(): void {
    this.scale = Math.max(Math.abs(this.lo), Math.abs(this.hi), Number.MIN_VALUE);
    this.phiScale = Math.max(Math.abs(this.rate.kirchhoff(this.lo)), Math.abs(this.rate.kirchhoff(this.hi)), 1e-300);
  }

  /** The maximum-principle interval [min rho_in, max rho_in]. */
  bounds(): [number, number] {
    return [this.lo, this.hi];
  }

  /** BDF2 substeps redone by backward Euler (see stats). */
  get fallbackSteps(): number {
    return this.stats.fallbackSteps;
  }

  suggestedDt(): number {
    const [, dMax] = this.rate.diffusivityBounds(this.lo, this.hi);
    const dx = Math.min(...this.grid.dx);
    return (this.dtFactor * dx) / dMax;
  }

  rho(): Float64Array {
    return this.cur;
  }

  solution(): Float64Array {
    return this.cur;
  }

  distance(a: Float64Array, b: Float64Array): number {
    return weightedDistance(a, b, b, ONE, this.tolerances.rtol, this.tolerances.atol).norm;
  }

  /**
   * Fixed step of length dt (no error control): backward Euler, or BDF2 with a "ramp" start —
   * backward Euler over dt/16 and BDF2 over dt/16, dt/8, dt/4, dt/2 — on the first step and after a
   * step-ratio jump above 2. Throws NumericalFailure when a substep fails.
   */
  step(dt: number): void {
    if (!(dt > 0 && Number.isFinite(dt))) throw new RangeError(`DiffusionSolver.step: dt must be finite and > 0, got ${dt}`);
    this.stats.steps++;
    if (this.bdf2 && (this.dtPrev === 0 || dt > OMEGA_MAX * this.dtPrev)) {
      // Ramp: BE(dt/16), BDF2(dt/16, dt/8, dt/4, dt/2); all exact binary fractions of dt.
      this.stats.ramps++;
      const h0 = dt / 16;
      this.substep(h0, true);
      for (const h of [h0, 2 * h0, 4 * h0, 8 * h0]) this.substep(h, false);
    } else {
      this.substep(dt, !this.bdf2);
    }
  }

  private substep(h: number, euler: boolean): void {
    if (this.solve(h, euler) === Infinity) throw new NumericalFailure(this.lastFailure);
    this.commit();
  }

  /**
   * The step of length dt into the work buffers (BDF2 once there is a previous level, else backward
   * Euler; a BDF2 result outside [min rho_in, max rho_in] is redone by backward Euler) and its
   * weighted local error estimate (NaN while fewer than three levels exist; Infinity on failure).
   */
  attempt(dt: number): number {
    if (!(dt > 0 && Number.isFinite(dt))) throw new RangeError(`DiffusionSolver.attempt: dt must be finite and > 0, got ${dt}`);
    return this.solve(dt, !this.bdf2 || this.dtPrev === 0);
  }

  accept(): void {
    if (!(this.pendingDt > 0)) throw new Error('DiffusionSolver.accept: no attempt to accept');
    this.stats.steps++;
    this.commit();
  }

  private solve(h: number, euler: boolean): number {
    this.pendingDt = 0;
    this.lastFailure = '';
    const ok = euler ? this.eulerCandidate(h, true) : this.bdf2Candidate(h);
    if (!ok) return Infinity;
    this.pendingDt = h;
    this.pendingError = this.estimate(h);
    return this.pendingError;
  }

  private bdf2Candidate(h: number): boolean {
    const w = h / this.dtPrev;
    const c = (1 + 2 * w) / (1 + w);
    const a2 = (w * w) / (1 + w);
    const { cur, prev, hist, iter, lo, hi } = this;
    const n = this.n;
    for (let i = 0; i < n; i++) {
      const u = cur[i];
      const v = prev[i];
      // c (rho^{n+1} - rho^n) = a2 (rho^n - rho^{n-1}) + h L Phi   (since (1+w) - c = a2): the
      // increment form keeps the rounding of the update relative to the increment, not to rho,
      // so the mass drift per step is ~eps |increment| instead of ~eps |rho| (no systematic bias).
      hist[i] = a2 * (u - v);
      // Linear extrapolation predictor, clipped to the invariant interval.
      let p = u + w * (u - v);
      if (p < lo) p = lo;
      else if (p > hi) p = hi;
      iter[i] = p;
    }
    const ok = this.newton(c, h);
    if (ok && this.inBounds(this.next, c, h)) {
      this.pendingEuler = false;
      return true;
    }
    // BDF2 left the invariant interval (or Newton failed): redo by backward Euler, which is
    // monotone for every h. Start Newton from the clipped BDF2 result when available.
    this.stats.fallbackSteps++;
    if (ok) {
      const nx = this.next;
      for (let i = 0; i < n; i++) {
        let p = nx[i];
        if (p < lo) p = lo;
        else if (p > hi) p = hi;
        iter[i] = p;
      }
    }
    return this.eulerCandidate(h, !ok);
  }

  /** Backward Euler from cur over h (Newton from cur, or from this.iter when fromCur is false). */
  private eulerCandidate(h: number, fromCur: boolean): boolean {
    if (fromCur) this.iter.set(this.cur);
    this.hist.fill(0);
    this.pendingEuler = true;
    if (!this.newton(1, h)) {
      this.lastFailure = `diffusion: Newton did not converge in ${this.maxNewton} iterations (backward Euler, dt = ${h})`;
      return false;
    }
    const bad = this.firstOutOfBounds(this.next, 1, h);
    if (bad >= 0) {
      this.lastFailure = `diffusion: rho = ${this.next[bad]} outside [${this.lo}, ${this.hi}] after a backward-Euler step in cell ${bad}`;
      return false;
    }
    return true;
  }

  /** ||K (rho^{n+1} - P)||_w with the quadratic predictor P through rho^n, rho^{n-1}, rho^{n-2}. */
  private estimate(h: number): number {
    this.errorPlace = -1;
    if (!(this.dtPrev > 0 && this.dtPrev2 > 0)) return NaN;
    const K = Math.abs(milneConstant(this.pendingEuler ? 1 : 2, h, this.dtPrev, this.dtPrev2));
    const [p0, p1, p2] = predictorCoefficients(h, this.dtPrev, this.dtPrev2, this.pc);
    const { cur, prev, prev2, next, n } = this;
    const { rtol, atol } = this.tolerances;
    let mx = 0;
    let at = -1;
    let wmin = Infinity;
    for (let i = 0; i < n; i++) {
      const wt = atol + rtol * Math.abs(cur[i]);
      const e = (K * Math.abs(next[i] - (p0 * cur[i] + p1 * prev[i] + p2 * prev2[i]))) / wt;
      if (!(e <= mx)) {
        mx = e;
        at = i;
      }
      if (wt < wmin) wmin = wt;
    }
    this.errorPlace = at;
    // each of the four levels may be off by Newton's tolerance; the predictor weighs them |p0|+|p1|+|p2| + 1
    this.estimateNoise = (K * (Math.abs(p0) + Math.abs(p1) + Math.abs(p2) + 1) * this.newtonStop) / wmin;
    return mx;
  }

  private commit(): void {
    const t = this.prev2;
    this.prev2 = this.prev;
    this.prev = this.cur;
    this.cur = this.next;
    this.next = t;
    this.dtPrev2 = this.dtPrev;
    this.dtPrev = this.pendingDt;
    this.lastError = this.pendingError;
    this.pendingDt = 0;
    this.stats.substeps++;
  }

  /** Newton tolerance: newtonTol relative, floored by the round-off noise of h L Phi / c. */
  private tolerance(c: number, h: number): number {
    // h L Phi / c sums 2 dim values of Phi (each with an absolute error of a few ulps of max|Phi|)
    // with weights h/(c dx^2): its rounding noise is ~ eps (h/c) sum 2/dx_d^2 max|Phi| times a
    // small constant; 16 was measured to sit above the observed noise for all exponents.
    const noise = 16 * Number.EPSILON * (h / c) * 2 * (this.ix2 + this.iy2) * this.phiScale;
    return Math.max(this.newtonTol * this.scale, noise);
  }

  private checkTol(c: number, h: number): number {
    return Math.max(this.boundsTol * this.scale, 2 * this.tolerance(c, h));
  }

  private firstOutOfBounds(u: Float64Array, c: number, h: number): number {
    const tol = this.checkTol(c, h);
    const a = this.lo - tol;
    const b = this.hi + tol;
    for (let i = 0; i < this.n; i++) {
      const v = u[i];
      if (!(v >= a && v <= b)) return i;
    }
    return -1;
  }

  private inBounds(u: Float64Array, c: number, h: number): boolean {
    return this.firstOutOfBounds(u, c, h) < 0;
  }

  /**
   * Solve c rho - hist = h L Phi(rho) from the guess in this.iter; on success the consistent update
   * is in this.next. Returns false if Newton fails (non-finite values or no convergence).
   */
  private newton(c: number, h: number): boolean {
    const n = this.n;
    const { iter, phi, dphi, rhs, z, diag } = this;
    const tol = this.tolerance(c, h);
    this.newtonStop = tol;
    const kx = h * this.ix2;
    const ky = h * this.iy2;
    for (let k = 0; k <= this.maxNewton; k++) {
      this.rate.evaluate(iter, phi, dphi, n);
      const res = this.consistentUpdate(c, h);
      if (this.trace !== undefined) this.trace(k, res, tol);
      if (!(res <= tol)) {
        if (!Number.isFinite(res) || k === this.maxNewton) return false;
      } else {
        return true;
      }
      this.stats.newtonIterations++;
      // Newton: (c/D - h L) z = c (rho* - rho_k), delta = z / D. rhs holds rho* - rho_k.
      for (let i = 0; i < n; i++) {
        const d = dphi[i];
        if (!(d > 0)) return false;
        rhs[i] *= c;
      }
      if (this.tri !== null) {
        const b = 2 * kx;
        for (let i = 0; i < n; i++) diag[i] = c / dphi[i] + b;
        this.tri.solve(diag, -kx, rhs, z);
        this.stats.linearIterations++;
      } else {
        for (let i = 0; i < n; i++) diag[i] = c / dphi[i];
        const mg = this.mg!;
        mg.setOperator(diag, kx, ky);
        pcg(mg, rhs, z, this.linearTol, this.maxLinear, this.pcgWork!, this.pcgOut);
        this.stats.linearIterations += this.pcgOut.iterations;
        // A not-fully-converged linear solve only slows Newton down; the accepted update is
        // conservative regardless. Non-finite results are caught below.
      }
      // Damping: never let a cell lose more than half its value in one Newton step (keeps rho > 0
      // for power laws, whose Phi and D are singular at 0).
      let theta = 1;
      if (this.positive) {
        for (let i = 0; i < n; i++) {
          const dl = z[i] / dphi[i];
          const r = iter[i];
          if (dl < -0.5 * r) theta = Math.min(theta, (-0.5 * r) / dl);
        }
      }
      for (let i = 0; i < n; i++) iter[i] += (theta * z[i]) / dphi[i];
    }
    return false;
  }

  /**
   * next = cur + (hist + h L Phi) / c from the current phi, hist = a2 (rho^n - rho^{n-1}) (BDF2) or 0
   * (backward Euler). Face fluxes Phi_q - Phi_p are computed identically for both cells of a face,
   * so the update telescopes. rhs = next - iter. Returns max |rhs| (NaN if anything is non-finite).
   * Divides by c rather than multiplying by 1/c: 1/c is inexact (c = 3/2 at ratio 1) and would bias
   * the mass systematically by ~eps per step.
   */
  private consistentUpdate(c: number, h: number): number {
    const { phi, hist, iter, rhs, nx, ny, cur } = this;
    const next = this.next;
    const kx = h * this.ix2;
    const ky = h * this.iy2;
    let mx = 0;
    if (ny === 1) {
      let fw = phi[0] - phi[nx - 1];
      for (let i = 0; i < nx; i++) {
        const fe = i + 1 === nx ? phi[0] - phi[i] : phi[i + 1] - phi[i];
        const v = cur[i] + (hist[i] + kx * (fe - fw)) / c;
        fw = fe;
        next[i] = v;
        const g = v - iter[i];
        rhs[i] = g;
        const ag = Math.abs(g);
        if (!(ag <= mx)) mx = ag; // propagates NaN
      }
      return mx;
    }
    for (let j = 0; j < ny; j++) {
      const row = j * nx;
      const rowN = (j + 1 === ny ? 0 : j + 1) * nx;
      const rowS = (j === 0 ? ny - 1 : j - 1) * nx;
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        const e = i + 1 === nx ? row : p + 1;
        const w = i === 0 ? row + nx - 1 : p - 1;
        const ph = phi[p];
        const divx = (phi[e] - ph) - (ph - phi[w]);
        const divy = (phi[rowN + i] - ph) - (ph - phi[rowS + i]);
        const v = cur[p] + (hist[p] + kx * divx + ky * divy) / c;
        next[p] = v;
        const g = v - iter[p];
        rhs[p] = g;
        const ag = Math.abs(g);
        if (!(ag <= mx)) mx = ag;
      }
    }
    return mx;
  }

  saveState(): StepperState {
    return {
      rho: Float64Array.from(this.cur),
      rhoPrev: Float64Array.from(this.prev),
      rhoPrev2: Float64Array.from(this.prev2),
      dtPrev: this.dtPrev,
      dtPrev2: this.dtPrev2,
      lastError: Number.isFinite(this.lastError) ? this.lastError : -1,
      lo: this.lo,
      hi: this.hi,
      steps: this.stats.steps,
      substeps: this.stats.substeps,
      newtonIterations: this.stats.newtonIterations,
      linearIterations: this.stats.linearIterations,
      fallbackSteps: this.stats.fallbackSteps,
      ramps: this.stats.ramps,
    };
  }

  restoreState(state: StepperState): void {
    const { rho, rhoPrev, rhoPrev2 } = state;
    const ok = (a: unknown): a is Float64Array => a instanceof Float64Array && a.length === this.n;
    if (!ok(rho) || !ok(rhoPrev) || !ok(rhoPrev2)) {
      throw new RangeError(`DiffusionSolver.restoreState: expected rho, rhoPrev and rhoPrev2 of length ${this.n}`);
    }
    const num = (k: string): number => {
      const v = state[k];
      if (typeof v !== 'number') throw new RangeError(`DiffusionSolver.restoreState: missing number ${k}`);
      return v;
    };
    this.cur.set(rho);
    this.prev.set(rhoPrev);
    this.prev2.set(rhoPrev2);
    this.dtPrev = num('dtPrev');
    this.dtPrev2 = num('dtPrev2');
    const le = num('lastError');
    this.lastError = le < 0 ? NaN : le;
    this.pendingDt = 0;
    this.lo = num('lo');
    this.hi = num('hi');
    this.setScales();
    this.stats.steps = num('steps');
    this.stats.substeps = num('substeps');
    this.stats.newtonIterations = num('newtonIterations');
    this.stats.linearIterations = num('linearIterations');
    this.stats.fallbackSteps = num('fallbackSteps');
    this.stats.ramps = num('ramps');
  }
}

/**
 * The space discretisation on periodic boxes with positive data (the unit torus of the paper and
 * every config written before the domain work): results are bit-identical to the solver of before
 * (test/domains-torus.test.ts pins them).
 *
 * Cell-centred finite volumes, 3-point / 5-point stencil on a uniform periodic mesh:
 *     d_t rho_p = sum_{q ~ p} (Phi(rho_q) - Phi(rho_p)) / h_pq^2,    h_pq = dx or dy.
 * Newton on G(rho) = c rho - hist - h L Phi(rho), Jacobian c I - h L diag(D). With z = D delta the
 * Newton system becomes (c diag(1/D) - h L) z = -G, symmetric positive definite: 1D periodic
 * tridiagonal (Sherman-Morrison), 2D multigrid-preconditioned CG. Damping: a cell never loses more
 * than half its value in one Newton step (rho > 0 for power laws). Stop when
 * max_p |rho_k - rho*_p| <= tol and accept rho*, the consistent update (mass to round-off);
 * tol = max(newtonTol max|rho_in|, 16 eps (h/c) sum_d 2/dx_d^2 max|Phi|) (the round-off floor of h L Phi).
 */
import type { Grid } from '../../grid/grid.js';
import type { RateLaw } from '../../models/rate.js';
import type { Tolerances } from '../stepper.js';
import { PeriodicTridiagonal } from '../linear/tridiagonal.js';
import { HelmholtzMG } from '../linear/multigrid.js';
import { pcg, PcgWork, type PcgResult } from '../linear/pcg.js';
import type { NewtonBuffers, NewtonCounters, NewtonSpace } from './space.js';

export interface SolveSettings {
  newtonTol: number;
  maxNewton: number;
  linearTol: number;
  maxLinear: number;
  trace: ((iteration: number, residual: number, tolerance: number) => void) | undefined;
}

export class TorusSpace implements NewtonSpace {
  stop = 0;
  readonly rates = new Float64Array(0);
  private readonly n: number;
  private readonly nx: number;
  private readonly ny: number;
  /** 1/dx^2, 1/dy^2 (0 in 1D). */
  private readonly ix2: number;
  private readonly iy2: number;
  private readonly positive: boolean;
  private scale = 1;
  private phiScale = 1;
  private readonly tri: PeriodicTridiagonal | null;
  private readonly mg: HelmholtzMG | null;
  private readonly pcgWork: PcgWork | null;
  private readonly pcgOut: PcgResult = { iterations: 0, converged: true, relResidual: 0 };

  constructor(
    grid: Grid,
    private readonly rate: RateLaw,
    private readonly b: NewtonBuffers,
    private readonly stats: NewtonCounters,
    private readonly settings: SolveSettings,
  ) {
    this.n = grid.cells;
    this.nx = grid.n[0];
    this.ny = grid.dim === 2 ? grid.n[1] : 1;
    this.ix2 = 1 / (grid.dx[0] * grid.dx[0]);
    this.iy2 = grid.dim === 2 ? 1 / (grid.dx[1] * grid.dx[1]) : 0;
    // Power laws need rho > 0 (log rho, rho^-alpha); general rates only lambda > 0 on the range.
    this.positive = rate.alpha !== undefined;
    if (grid.dim === 1) {
      this.tri = new PeriodicTridiagonal(this.n);
      this.mg = null;
      this.pcgWork = null;
    } else {
      this.tri = null;
      this.mg = new HelmholtzMG(this.nx, this.ny);
      this.pcgWork = new PcgWork(this.n);
    }
  }

  setScales(scale: number, phiScale: number, _tolerances: Tolerances): void {
    this.scale = scale;
    this.phiScale = phiScale;
  }

  estimateNoise(factor: number, wmin: number): number {
    return (factor * this.stop) / wmin;
  }

  /** Newton tolerance: newtonTol relative, floored by the round-off noise of h L Phi / c. */
  private tolerance(c: number, h: number): number {
    // h L Phi / c sums 2 dim values of Phi (each with an absolute error of a few ulps of max|Phi|)
    // with weights h/(c dx^2): its rounding noise is ~ eps (h/c) sum 2/dx_d^2 max|Phi| times a
    // small constant; 16 was measured to sit above the observed noise for all exponents.
    const noise = 16 * Number.EPSILON * (h / c) * 2 * (this.ix2 + this.iy2) * this.phiScale;
    return Math.max(this.settings.newtonTol * this.scale, noise);
  }

  /**
   * Solve c rho - hist = h L Phi(rho) from the guess in iter; on success the consistent update
   * is in next. Returns false if Newton fails (non-finite values or no convergence).
   */
  solve(c: number, h: number, _t: number, cur: Float64Array, next: Float64Array): boolean {
    const n = this.n;
    const { iter, phi, dphi, rhs, z, diag } = this.b;
    const { maxNewton, trace } = this.settings;
    const tol = this.tolerance(c, h);
    this.stop = tol;
    const kx = h * this.ix2;
    const ky = h * this.iy2;
    for (let k = 0; k <= maxNewton; k++) {
      this.rate.evaluate(iter, phi, dphi, n);
      const res = this.consistentUpdate(c, h, cur, next);
      if (trace !== undefined) trace(k, res, tol);
      if (!(res <= tol)) {
        if (!Number.isFinite(res) || k === maxNewton) return false;
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
        pcg(mg, rhs, z, this.settings.linearTol, this.settings.maxLinear, this.pcgWork!, this.pcgOut);
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
  private consistentUpdate(c: number, h: number, cur: Float64Array, next: Float64Array): number {
    const { phi, hist, iter, rhs } = this.b;
    const { nx, ny } = this;
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
}

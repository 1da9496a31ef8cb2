/**
 * The space discretisation on every domain but a periodic box with positive data: boxes with walls,
 * Dirichlet and far-field sides, radial meshes (weights r^(d-1), uniform or logarithmic cells), and
 * vacuum (rho = 0 on open sets). docs/diffusion-scheme.md "Domains", "Vacuum".
 *
 * Conservative finite volumes in Kirchhoff form (cell volumes V_p, face transmissibilities
 * T_f = A_f / |c_q - c_p|, boundary faces T_b = A_b / (distance from the cell centre)):
 *
 *     V_p d rho_p/dt = sum_{faces f of p} T_f (Phi_q - Phi_p) - B_p,
 *
 * B_p the outflow through the cell's boundary faces (./boundary.ts). The time step (c, hist, h from
 * the stepper) gives the consistent update rho* = rho^n + (hist + h F_p / V_p) / c, which is accepted:
 * interior face fluxes telescope, so the mass changes by exactly the boundary outflow.
 *
 * Newton. With z the Kirchhoff increment (z = D delta rho) the Newton system is symmetric positive
 * definite whatever the unknown:
 *     (c V / D + h b - h L_T) z = c V (rho* - rho_k),   b = dB/dPhi,  (L_T z)_p = sum T_f (z_q - z_p),
 * solved by Thomas (1D intervals and radial meshes), Sherman-Morrison (1D periodic) or
 * multigrid-preconditioned CG (2D boxes, walls as mirror ghosts). The iterate is then updated by one of
 *  - `phi` (power laws, alpha > 0: fast and logarithmic diffusion): Phi_{k+1} = Phi(rho_k) + z, rho =
 *    Phi^-1 — Newton in the Kirchhoff variable, whose matrix stays bounded where D = rho^-alpha blows up
 *    (vacuum: c V / D = 0) and which keeps rho > 0 for alpha >= 1 (rho = exp(Phi) at alpha = 1);
 *  - `rho` (alpha <= 0 and general rates): rho_{k+1} = rho_k + delta, delta = r + h (L_T z - b z)/(c V)
 *    (the Newton step in rho, which needs no 1/D: in vacuum cells of the porous medium D = 0, their
 *    c V / D is capped at 1e30 times the largest, and their z set to 0), projected on rho >= 0 when
 *    vacuum is allowed, else damped as on the torus (never lose more than half of a cell).
 * Stop when |rho*_p - rho_k,p| <= tol_p in every cell, tol_p = max(eta (atol + rtol |rho_k,p|),
 * noise_p), eta = newtonTol / rtol — Newton's accuracy in the error control's weighted norm — and
 * noise_p = 16 eps (h/c) sum_f T_f max|Phi| / V_p the round-off floor of the flux sum.
 *
 * Positivity. Backward Euler keeps 0 <= rho (and rho > 0 for alpha >= 1) for the exact solution of
 * the implicit system; the accepted consistent update can dip below by the Newton tolerance. Such
 * round-off-size defects (>= -4 tol_p) are removed conservatively: the cell is set to 0 (or to rho_k > 0
 * for alpha >= 1) and the mass this adds is taken from all cells in proportion (relative change of
 * order tol, counted in stats.positivityFixes). Larger undershoots are left to the stepper's bounds
 * check (a BDF2 step is redone by backward Euler).
 */
import type { Grid } from '../../grid/grid.js';
import type { RateLaw } from '../../models/rate.js';
import type { Tolerances } from '../stepper.js';
import { PeriodicTridiagonal, Tridiagonal } from '../linear/tridiagonal.js';
import { HelmholtzMG } from '../linear/multigrid.js';
import { pcg, PcgWork, type PcgResult } from '../linear/pcg.js';
import { logFlux, type SideLaw } from './boundary.js';
import type { NewtonBuffers, NewtonCounters, NewtonSpace } from './space.js';
import type { SolveSettings } from './torus.js';

export type UpdateRule = 'phi' | 'rho-projected' | 'rho-damped';

/** Cap of c V / D where D = 0 (porous-medium vacuum), relative to the largest finite value. */
const VACUUM_CAP = 1e30;

export class MeshSpace implements NewtonSpace {
  stop = 0;
  readonly rates: Float64Array;
  private wstop = 0;
  private tol: Tolerances = { rtol: 1e-4, atol: 1e-4 };
  private readonly n: number;
  private readonly V: Float64Array;
  // interior faces: left/right cells and transmissibility
  private readonly fL: Int32Array;
  private readonly fR: Int32Array;
  private readonly fT: Float64Array;
  // boundary faces: cell, side index, transmissibility, |x_f|^2, law, ghost Phi, rates
  private readonly bCell: Int32Array;
  private readonly bSide: Int32Array;
  private readonly bT: Float64Array;
  private readonly bPos2: Float64Array;
  private readonly bLaw: SideLaw[];
  private readonly bGhost: Float64Array;
  private readonly bB: Float64Array;
  private readonly bDB: Float64Array;
  private readonly bR: Float64Array;
  private readonly bRc: Float64Array;
  // per cell work
  private readonly acc: Float64Array;
  private readonly noise: Float64Array;
  private readonly bdiag: Float64Array;
  private readonly work: Float64Array;
  private readonly off: Float64Array;
  private readonly tri: Tridiagonal | null;
  private readonly ptri: PeriodicTridiagonal | null;
  private readonly mg: HelmholtzMG | null;
  private readonly pcgWork: PcgWork | null;
  private readonly pcgOut: PcgResult = { iterations: 0, converged: true, relResidual: 0 };
  private readonly flux = { B: 0, dB: 0 };
  /** 2D: 1/dx^2, 1/dy^2. */
  private readonly ix2: number;
  private readonly iy2: number;
  private readonly alpha: number;
  private readonly strictlyPositive: boolean;
  /** Phi measured from vacuum (power laws with alpha < 1): Phi_0 = rho^(1-alpha)/(1-alpha). */
  private readonly fromZero: boolean;

  constructor(
    grid: Grid,
    private readonly rate: RateLaw,
    private readonly b: NewtonBuffers,
    private readonly stats: NewtonCounters,
    private readonly settings: SolveSettings,
    laws: readonly SideLaw[],
    readonly update: UpdateRule,
  ) {
    const n = grid.cells;
    this.n = n;
    this.V = grid.volumes;
    this.alpha = rate.alpha ?? 0;
    this.strictlyPositive = update === 'phi' && this.alpha >= 1;
    this.fromZero = rate.alpha !== undefined && rate.alpha < 1;
    this.rates = new Float64Array(laws.length);
    const fl: number[] = [];
    const fr: number[] = [];
    const ft: number[] = [];
    const bc: number[] = [];
    const bs: number[] = [];
    const bt: number[] = [];
    const bp: number[] = [];
    const br: number[] = [];
    const brc: number[] = [];
    const bl: SideLaw[] = [];
    const nx = grid.n[0];
    const ny = grid.dim === 2 ? grid.n[1] : 1;
    for (let d = 0; d < grid.dim; d++) {
      const m = grid.n[d];
      const c = grid.centres[d];
      const f = grid.faces[d];
      const A = grid.areas[d];
      const stride = d === 0 ? 1 : nx;
      const lines = d === 0 ? ny : nx;
      for (let l = 0; l < lines; l++) {
        const base = d === 0 ? l * nx : l;
        for (let i = 0; i + 1 < m; i++) {
          fl.push(base + i * stride);
          fr.push(base + (i + 1) * stride);
          ft.push(A[i + 1] / (c[i + 1] - c[i]));
        }
        if (grid.periodic[d]) {
          fl.push(base + (m - 1) * stride);
          fr.push(base);
          ft.push(A[m] / (f[m] - c[m - 1] + (c[0] - f[0])));
          continue;
        }
        for (let s = 0; s < 2; s++) {
          const law = laws[2 * d + s];
          if (law.type === 'none' || law.type === 'wall') continue;
          const i = s === 0 ? 0 : m - 1;
          const face = s === 0 ? 0 : m;
          bc.push(base + i * stride);
          bs.push(2 * d + s);
          bt.push(A[face] / (Math.abs(f[face] - c[i]) + (law.type === 'value' ? (law.distance ?? 0) : 0)));
          const other = grid.dim === 2 ? grid.centres[1 - d][l] : 0;
          bp.push(f[face] * f[face] + other * other);
          br.push(f[face]);
          brc.push(c[i]);
          bl.push(law);
        }
      }
    }
    this.fL = Int32Array.from(fl);
    this.fR = Int32Array.from(fr);
    this.fT = Float64Array.from(ft);
    this.bCell = Int32Array.from(bc);
    this.bSide = Int32Array.from(bs);
    this.bT = Float64Array.from(bt);
    this.bPos2 = Float64Array.from(bp);
    this.bR = Float64Array.from(br);
    this.bRc = Float64Array.from(brc);
    this.bLaw = bl;
    this.bGhost = new Float64Array(bl.length);
    this.bB = new Float64Array(bl.length);
    this.bDB = new Float64Array(bl.length);
    this.acc = new Float64Array(n);
    this.noise = new Float64Array(n);
    this.bdiag = new Float64Array(n);
    this.work = new Float64Array(n);
    this.off = new Float64Array(Math.max(0, n - 1));
    this.ix2 = 1 / (grid.dx[0] * grid.dx[0]);
    this.iy2 = grid.dim === 2 ? 1 / (grid.dx[1] * grid.dx[1]) : 0;
    this.tri = null;
    this.ptri = null;
    this.mg = null;
    this.pcgWork = null;
    if (grid.dim === 2) {
      this.mg = new HelmholtzMG(nx, ny, { periodic: [grid.periodic[0], grid.periodic[1]] });
      this.pcgWork = new PcgWork(n);
    } else if (grid.periodic[0]) {
      this.ptri = new PeriodicTridiagonal(n);
    } else {
      // off-diagonals -h T_f: the interior faces of a 1D mesh are f = i (cells i, i + 1), in order
      this.tri = new Tridiagonal(n);
    }
  }

  setScales(_scale: number, _phiScale: number, tolerances: Tolerances): void {
    this.tol = tolerances;
  }

  estimateNoise(factor: number): number {
    return factor * this.wstop;
  }

  solve(c: number, h: number, t: number, cur: Float64Array, next: Float64Array): boolean {
    const n = this.n;
    const { iter, phi, dphi, rhs, z, diag } = this.b;
    const { maxNewton, trace } = this.settings;
    // ghost values of value-type sides at time t (constant during the solve)
    for (let k = 0; k < this.bLaw.length; k++) {
      const law = this.bLaw[k];
      if (law.type === 'value') {
        const g = law.value(t, this.bPos2[k]);
        this.bGhost[k] = this.fromZero ? this.rate.kirchhoffFromZero!(g) : this.rate.kirchhoff(g);
      }
    }
    for (let k = 0; k <= maxNewton; k++) {
      if (this.fromZero) this.rate.evaluateFromZero!(iter, phi, dphi, n);
      else this.rate.evaluate(iter, phi, dphi, n);
      const ratio = this.consistentUpdate(c, h, t, cur, next);
      if (trace !== undefined) trace(k, ratio, 1);
      if (ratio <= 1) return this.positivity(next);
      if (!Number.isFinite(ratio) || k === maxNewton) return false;
      this.stats.newtonIterations++;
      // s_p = c V_p / D_p (+ h b_p from boundary faces), right-hand side c V_p (rho* - rho_k)
      let dmax = 0;
      for (let i = 0; i < n; i++) {
        const d = dphi[i];
        if (d > dmax && d < Infinity) dmax = d;
        if (!(d >= 0)) return false;
      }
      const dfloor = dmax / VACUUM_CAP;
      const V = this.V;
      this.bdiag.fill(0);
      for (let k2 = 0; k2 < this.bLaw.length; k2++) this.bdiag[this.bCell[k2]] += this.bDB[k2];
      const f = this.work;
      if (this.tri !== null) {
        // V-weighted symmetric tridiagonal
        const { fT, off } = this;
        for (let i = 0; i < n; i++) {
          const d = dphi[i];
          diag[i] = (c * V[i]) / (d > dfloor ? d : dfloor) + h * this.bdiag[i] + h * ((i > 0 ? fT[i - 1] : 0) + (i + 1 < n ? fT[i] : 0));
          f[i] = c * V[i] * rhs[i];
        }
        for (let i = 0; i + 1 < n; i++) off[i] = -h * fT[i];
        this.tri.solve(diag, off, f, z);
        this.stats.linearIterations++;
      } else {
        // uniform meshes, divided by V: (c/D + h b / V) z - h L z / V = c (rho* - rho_k)
        const kx = h * this.ix2;
        const ky = h * this.iy2;
        for (let i = 0; i < n; i++) {
          const d = dphi[i];
          diag[i] = c / (d > dfloor ? d : dfloor) + (h * this.bdiag[i]) / V[i];
          f[i] = c * rhs[i];
        }
        if (this.ptri !== null) {
          for (let i = 0; i < n; i++) diag[i] += 2 * kx;
          this.ptri.solve(diag, -kx, f, z);
          this.stats.linearIterations++;
        } else {
          const mg = this.mg!;
          mg.setOperator(diag, kx, ky);
          pcg(mg, f, z, this.settings.linearTol, this.settings.maxLinear, this.pcgWork!, this.pcgOut);
          this.stats.linearIterations += this.pcgOut.iterations;
        }
      }
      if (!this.step(c, h, z)) return false;
    }
    return false;
  }

  /** Apply the Newton correction z (Kirchhoff increment) to the iterate; rhs holds r = rho* - rho_k. */
  private step(c: number, h: number, z: Float64Array): boolean {
    const n = this.n;
    const { iter, phi, dphi, rhs } = this.b;
    if (this.update === 'phi') {
      const a = this.alpha;
      const m = 1 - a;
      for (let i = 0; i < n; i++) {
        const P = phi[i] + z[i];
        let r: number;
        if (a === 1) r = Math.exp(P);
        else if (this.fromZero) r = P > 0 ? Math.pow(m * P, 1 / m) : 0; // Phi_0 = rho^m / m
        else {
          // alpha > 1: Phi = (rho^m - 1)/m < 1/(alpha - 1); an overshoot past it only doubles rho
          const base = 1 + m * P;
          r = base > 0 ? Math.pow(base, 1 / m) : 2 * iter[i];
        }
        if (!Number.isFinite(r)) return false;
        iter[i] = r;
      }
      return true;
    }
    // rho-Newton: delta = r + h (L_T z - b z) / (c V); z = 0 in cells with D = 0
    for (let i = 0; i < n; i++) if (dphi[i] === 0) z[i] = 0;
    const acc = this.acc;
    acc.fill(0);
    const { fL, fR, fT } = this;
    for (let f = 0; f < fL.length; f++) {
      const p = fL[f];
      const q = fR[f];
      const fl = fT[f] * (z[q] - z[p]);
      acc[p] += fl;
      acc[q] -= fl;
    }
    for (let k = 0; k < this.bLaw.length; k++) acc[this.bCell[k]] -= this.bDB[k] * z[this.bCell[k]];
    const V = this.V;
    let theta = 1;
    if (this.update === 'rho-damped') {
      for (let i = 0; i < n; i++) {
        const dl = rhs[i] + (h * acc[i]) / (c * V[i]);
        acc[i] = dl;
        const r = iter[i];
        if (dl < -0.5 * r) theta = Math.min(theta, (-0.5 * r) / dl);
      }
      for (let i = 0; i < n; i++) iter[i] += theta * acc[i];
      return true;
    }
    for (let i = 0; i < n; i++) {
      const v = iter[i] + rhs[i] + (h * acc[i]) / (c * V[i]);
      iter[i] = v > 0 ? v : 0;
    }
    return true;
  }

  /**
   * next = cur + (hist + h F / V) / c, rhs = next - iter, boundary outflow rates; returns the largest
   * |rhs_p| / tol_p (NaN when something is not finite).
   */
  private consistentUpdate(c: number, h: number, t: number, cur: Float64Array, next: Float64Array): number {
    const n = this.n;
    const { phi, hist, iter, rhs } = this.b;
    const { acc, noise, fL, fR, fT, V } = this;
    acc.fill(0);
    noise.fill(0);
    for (let f = 0; f < fL.length; f++) {
      const p = fL[f];
      const q = fR[f];
      const a = phi[p];
      const b = phi[q];
      const T = fT[f];
      const fl = T * (b - a);
      acc[p] += fl;
      acc[q] -= fl;
      const m = T * Math.max(Math.abs(a), Math.abs(b));
      noise[p] += m;
      noise[q] += m;
    }
    this.rates.fill(0);
    for (let k = 0; k < this.bLaw.length; k++) {
      const p = this.bCell[k];
      const law = this.bLaw[k];
      let B: number;
      if (law.type === 'log-flux') {
        logFlux(law.gamma, this.bR[k], this.bRc[k], iter[p], t, this.flux);
        B = this.flux.B;
        this.bDB[k] = this.flux.dB;
        noise[p] += Math.abs(B);
      } else {
        const T = this.bT[k];
        B = T * (phi[p] - this.bGhost[k]);
        this.bDB[k] = T;
        noise[p] += T * Math.max(Math.abs(phi[p]), Math.abs(this.bGhost[k]));
      }
      this.bB[k] = B;
      acc[p] -= B;
      this.rates[this.bSide[k]] += B;
    }
    const { rtol, atol } = this.tol;
    const eta = this.settings.newtonTol / rtol;
    const fl = (16 * Number.EPSILON * h) / c;
    let worst = 0;
    let stop = 0;
    let wstop = 0;
    for (let p = 0; p < n; p++) {
      const v = cur[p] + (hist[p] + (h * acc[p]) / V[p]) / c;
      next[p] = v;
      const g = v - iter[p];
      rhs[p] = g;
      const w = atol + rtol * Math.abs(iter[p]);
      const tp = Math.max(eta * w, (fl * noise[p]) / V[p]);
      const ratio = Math.abs(g) / tp;
      if (!(ratio <= worst)) worst = ratio; // propagates NaN
      if (tp > stop) stop = tp;
      if (tp / w > wstop) wstop = tp / w;
      noise[p] = tp;
    }
    this.stop = stop;
    this.wstop = wstop;
    return worst;
  }

  /** Remove round-off-size negative values of the accepted update conservatively (see the header). */
  private positivity(next: Float64Array): boolean {
    const n = this.n;
    const { iter } = this.b;
    const { V, noise } = this;
    let deficit = 0;
    for (let p = 0; p < n; p++) {
      const v = next[p];
      if (v > 0 || (v === 0 && !this.strictlyPositive)) continue;
      if (v < -4 * noise[p]) return true; // a real undershoot: the stepper's bounds check decides
      const fix = this.strictlyPositive ? iter[p] : 0;
      deficit += V[p] * (fix - v);
      next[p] = fix;
    }
    if (deficit > 0) {
      let mass = 0;
      for (let p = 0; p < n; p++) mass += V[p] * next[p];
      const keep = 1 - deficit / mass;
      for (let p = 0; p < n; p++) next[p] *= keep;
      this.stats.positivityFixes++;
    }
    return true;
  }
}

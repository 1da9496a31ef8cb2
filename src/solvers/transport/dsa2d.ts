/**
 * The transport-aware preconditioner of the density Schur complement of the 2D micro–macro kinetic
 * schemes (docs/kinetic-scheme.md, "Preconditioner"):
 *
 *   S = L − (dt/eps) div <v γ avg Mt_k⁻¹ G_k>,   L = c0 − dt div(<v²(1−γ)> Df ∇)   (the limit operator).
 *
 * L misses the diffusion carried by the velocities with γ > 0. For frozen coefficients the kinetic part
 * of S is a Fourier multiplier: per velocity ~ σ τ²/(a² + τ²) (σ = dt λ/eps², τ the transport CFL of
 * the mode): diffusion-like for low modes, saturating for high ones, where a diffusion operator would
 * over-estimate it. The preconditioner is
 *
 *   P⁻¹ = L⁻¹ C,   C = the circulant with symbol L̄(θ)/S̄(θ)   (exact symbols, coefficients frozen at
 *                                                            the geometric mean λ̄ of λ),
 *
 * i.e. S̄ mode by mode for constant coefficients (saturation included), with the local variation of the
 * diffusion carried by the variable-coefficient L (inverted by multigrid-preconditioned CG, limitSolve2d.ts).
 * As eps → 0 all γ vanish, S = L and C = I. The symbol is even and real for velocity sets symmetric in
 * each component: it is evaluated on a quarter of the modes and per (|vx|, |vy|) class of velocities, and
 * kept while c0, dt and λ̄ move by less than SYMBOL_REUSE (./symbolReuse.ts; FGMRES tolerates the inexact preconditioner).
 *
 * Tried and dropped (measured iteration counts in the docs): the circulant S̄⁻¹ alone (good for smooth
 * data, poor where λ varies), L⁻¹ + (S̄⁻¹ − L̄⁻¹) (additive), and a variable-coefficient diffusion with the
 * kinetic low-mode coefficient <v²γ> dt/(eps² a) corrected by its own circulant ratio (worse on rough data).
 */
import type { ApTransport2D } from './apTransport2d.js';
import { LimitSolve2D } from './limitSolve2d.js';
import { ReusedCirculant } from './symbolReuse.js';


interface VelocityClass {
  ax: number;
  ay: number;
  w: number;
}

export class SchurDsa2D extends ReusedCirculant {
  readonly limit: LimitSolve2D;
  private readonly tmp: Float64Array;
  /** Per velocity class (see symbol()). */
  private readonly cw: Float64Array;
  private readonly cl: Float64Array[];
  private readonly classes: VelocityClass[];
  private readonly symmetric: boolean;
  /** Whether the circulant differs from the identity (some γ > 0 at λ̄). */
  private kinetic = false;

  constructor(
    private readonly tr: ApTransport2D,
    readonly dx: number,
    readonly dy: number,
    readonly eps: number,
    /** The stabilisation's κ of the per-velocity factorisation (0: the plain one). */
    private readonly kappa: number,
  ) {
    super([tr.nx, tr.ny]);
    const { N, vx, vy, w } = tr;
    this.limit = new LimitSolve2D(tr);
    this.tmp = new Float64Array(N);
    const map = new Map<string, VelocityClass>();
    let sym = true;
    for (let k = 0; k < w.length; k++) {
      const ax = Math.abs(vx[k]);
      const ay = Math.abs(vy[k]);
      const key = `${ax},${ay}`;
      const c = map.get(key);
      if (c) c.w += w[k];
      else map.set(key, { ax, ay, w: w[k] });
    }
    // the quarter-plane evaluation needs a velocity set symmetric in each component (Gauss–Hermite sets are)
    const has = new Set<string>();
    for (let k = 0; k < w.length; k++) has.add(`${vx[k]},${vy[k]},${w[k]}`);
    for (let k = 0; k < w.length; k++) if (!has.has(`${-vx[k]},${vy[k]},${w[k]}`) || !has.has(`${vx[k]},${-vy[k]},${w[k]}`)) sym = false;
    this.symmetric = sym;
    this.classes = [...map.values()];
    const nc = this.classes.length;
    this.cw = new Float64Array(nc);
    this.cl = Array.from({ length: 10 }, () => new Float64Array(nc));
  }

  /** Set up for a step (after tr.prepare): the multigrid of L, and the circulant (./symbolReuse.ts: when c0, dt or λ̄ moved). */
  prepare(c0: number, dt: number, anyActive: boolean): void {
    this.limit.prepare();
    this.kinetic = anyActive && this.symmetric;
    if (!this.kinetic) {
      this.reuse.none();
      return;
    }
    const { N } = this;
    const lamC = this.tr.lamC;
    let sl = 0;
    for (let p = 0; p < N; p++) sl += Math.log(lamC[p]);
    const p = this.reuse.choose(c0, dt, Math.exp(sl / N));
    if (p) this.symbol(p[0], p[1], p[2]);
  }

  /**
   * z ≈ S⁻¹ r: z = L⁻¹ (C r), L⁻¹ by MG-CG to a relative residual of min(tol, deviation/10) (a preconditioner
   * is no better than its inner solve: where the kinetic part changes S little, the L solve must be accurate).
   */
  apply(r: Float64Array, z: Float64Array, tol: number): void {
    const t = Math.max(1e-6, Math.min(tol, 0.1 * this.deviation));
    if (this.kinetic) {
      this.circulant(r, this.tmp);
      this.limit.solve(this.tmp, z, t);
    } else this.limit.solve(r, z, t);
  }

  /** L̄/S̄ on the quarter plane, mirrored. */
  private symbol(c0: number, dt: number, lambda: number): void {
    const kappa = this.kappa;
    this.symbolUpdates++;
    const { dx, dy, eps } = this;
    const { nx, ny } = this.tr;
    const Df = 1 / lambda;
    const a = c0 + (dt * lambda) / (eps * eps);
    const ratio = this.ratio;
    // per class: γ, τ, μ, limit-part coefficients; only classes with some γ > 0 have a kinetic part
    const nc = this.classes.length;
    const cw = this.cw;
    const [lxc, lyc, tx, ty, mu, ux, uy, dxc, dyc, kinF] = this.cl;
    let nk = 0;
    for (let m = 0; m < nc; m++) {
      const c = this.classes[m];
      const gx = c.ax > 0 ? Math.exp(-((dx / (Df * eps * c.ax)) ** 2)) : 0;
      const gy = c.ay > 0 ? Math.exp(-((dy / (Df * eps * c.ay)) ** 2)) : 0;
      cw[m] = c.w;
      lxc[m] = (dt * c.ax * c.ax * (1 - gx) * Df) / (dx * dx);
      lyc[m] = (dt * c.ay * c.ay * (1 - gy) * Df) / (dy * dy);
      tx[m] = (dt * c.ax * gx) / (eps * dx);
      ty[m] = (dt * c.ay * gy) / (eps * dy);
      mu[m] = (kappa * Math.max(0, tx[m] * ty[m] - a * (a - c0))) / (2 * a);
      ux[m] = (dt * c.ax) / (eps * dx);
      uy[m] = (dt * c.ay) / (eps * dy);
      dxc[m] = (dt * c.ax * gx) / (eps * dx);
      dyc[m] = (dt * c.ay * gy) / (eps * dy);
      if (gx > 0 || gy > 0) kinF[nk++] = m;
    }
    const hx = nx >> 1;
    const hy = ny >> 1;
    let dev = 0;
    for (let j = 0; j <= hy; j++) {
      const thy = (2 * Math.PI * j) / ny;
      const sy = Math.sin(thy);
      const s2y = 4 * Math.sin(thy / 2) ** 2;
      for (let i = 0; i <= hx; i++) {
        const thx = (2 * Math.PI * i) / nx;
        const sx = Math.sin(thx);
        const s2x = 4 * Math.sin(thx / 2) ** 2;
        let Lb = c0;
        for (let m = 0; m < nc; m++) Lb += cw[m] * (lxc[m] * s2x + lyc[m] * s2y);
        let S = Lb;
        for (let n = 0; n < nk; n++) {
          const m = kinF[n];
          S += cw[m] * this.kineticTerm(a, c0, s2x, s2y, sx, sy, lxc[m] * s2x + lyc[m] * s2y, tx[m], ty[m], mu[m], ux[m], uy[m], dxc[m], dyc[m]);
        }
        const v = Lb / S;
        if (Math.abs(1 - v) > dev) dev = Math.abs(1 - v);
        const i2 = i === 0 || 2 * i === nx ? -1 : nx - i;
        const j2 = j === 0 || 2 * j === ny ? -1 : ny - j;
        ratio[i + nx * j] = v;
        if (i2 >= 0) ratio[i2 + nx * j] = v;
        if (j2 >= 0) {
          ratio[i + nx * j2] = v;
          if (i2 >= 0) ratio[i2 + nx * j2] = v;
        }
      }
    }
    this.deviation = dev;
  }

  /**
   * The class's kinetic part of S̄ per unit weight: the mean over the sign combinations (±|vx|, ±|vy|) of
   * Re(−D G / Mt), D = i (tdx sx + tdy sy), G = c0 + ℓ + i (ux sx + uy sy), Mt = (a + μ s2x + i τx sx)(a + μ s2y + i τy sy)/a.
   * (v and −v give complex conjugates: the mean of (+,+) and (+,−) suffices.)
   */
  private kineticTerm(a: number, c0: number, s2x: number, s2y: number, sx: number, sy: number, ell: number, tx: number, ty: number, mu: number, ux: number, uy: number, dxc: number, dyc: number): number {
    const pr = a + mu * s2x;
    const qr = a + mu * s2y;
    const gr = c0 + ell;
    let sum = 0;
    for (let sg = 1; sg >= -1; sg -= 2) {
      const ttx = tx * sx;
      const tty = sg * ty * sy;
      const mr = (pr * qr - ttx * tty) / a;
      const mi = (pr * tty + qr * ttx) / a;
      const gi = ux * sx + sg * uy * sy;
      const di = dxc * sx + sg * dyc * sy;
      // −D G = di gi − i di gr
      const nr = di * gi;
      const ni = -di * gr;
      sum += (nr * mr + ni * mi) / (mr * mr + mi * mi);
    }
    return 0.5 * sum;
  }
}

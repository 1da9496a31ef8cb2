/**
 * Two-dimensional version of the kinetic AP scheme (see ../kinetic.ts and docs/kinetic-scheme.md).
 *
 * Same unknowns and face fluxes as in 1D, per direction. The per-velocity transport operator
 * M_k = a + Tx_k + Ty_k (a = c0 + dt lambda / eps^2) is no longer tridiagonal; it is replaced by the
 * approximate factorisation Mt_k = (a + Tx_k) a^{-1} (a + Ty_k) in delta form (Beam-Warming):
 * the extra term Tx a^{-1} Ty is applied to q^{n+1} - q^n, so it perturbs the step by O(dt^3) and
 * keeps second order; it vanishes with the blending weights gamma as eps -> 0 (AP unaffected).
 * Mt_k^{-1} costs one sweep of periodic tridiagonal x-lines and one of y-lines. The density Schur
 * complement is solved by flexible GMRES, preconditioned by a few Jacobi-PCG iterations on the
 * limit diffusion operator L (which is exactly the Schur complement when all gamma vanish).
 */
import type { Grid } from '../../grid/grid.js';
import type { RateLaw } from '../../models/rate.js';
import type { VelocityGrid } from '../../velocity/gaussHermite.js';
import { NumericalFailure } from '../stepper.js';
import { PeriodicTridiagFactor } from './periodicTridiag.js';
import { Gmres, type LinearOperator } from './gmres.js';

export interface Kinetic2DCounters {
  steps: number;
  solverIterations: number;
  maxSolverIterations: number;
  innerIterations: number;
  rhoLimiterSteps: number;
  hLimiterCells: number;
}

export class Kinetic2D {
  readonly nx: number;
  readonly ny: number;
  readonly N: number;
  readonly K: number;
  readonly dx: number;
  readonly dy: number;
  readonly counters: Kinetic2DCounters = { steps: 0, solverIterations: 0, maxSolverIterations: 0, innerIterations: 0, rhoLimiterSteps: 0, hLimiterCells: 0 };
  rhoN: Float64Array;
  qN: Float64Array;
  rhoOld: Float64Array;
  qOld: Float64Array;
  FxPrev: Float64Array;
  FyPrev: Float64Array;
  dtPrev = 0;
  time = 0;
  private rhoNew: Float64Array;
  private qNew: Float64Array;
  private FxNew: Float64Array;
  private FyNew: Float64Array;
  private readonly vx: Float64Array;
  private readonly vy: Float64Array;
  private readonly w: Float64Array;
  private readonly lamC: Float64Array;
  private readonly aC: Float64Array;
  private readonly Dfx: Float64Array;
  private readonly Dfy: Float64Array;
  private readonly gx: Float64Array;
  private readonly gy: Float64Array;
  private readonly v2bx: Float64Array;
  private readonly v2by: Float64Array;
  private readonly actX: Uint8Array;
  private readonly actY: Uint8Array;
  private readonly histRho: Float64Array;
  private readonly histQ: Float64Array;
  private readonly rhs: Float64Array;
  private readonly tmp: Float64Array;
  private readonly tmp2: Float64Array;
  private readonly accx: Float64Array;
  private readonly accy: Float64Array;
  private readonly Rp: Float64Array;
  private readonly Rm: Float64Array;
  private readonly lineX: PeriodicTridiagFactor;
  private readonly lineY: PeriodicTridiagFactor;
  private readonly llo: Float64Array;
  private readonly ldi: Float64Array;
  private readonly lup: Float64Array;
  private readonly lbuf: Float64Array;
  private readonly cgr: Float64Array;
  private readonly cgz: Float64Array;
  private readonly cgp: Float64Array;
  private readonly cgq: Float64Array;
  private readonly Ldiag: Float64Array;
  private readonly gmres: Gmres;
  private readonly op: LinearOperator;
  private c0 = 1;
  private dt = 0;

  constructor(
    grid: Grid,
    velocity: VelocityGrid,
    private readonly rate: RateLaw,
    private readonly eps: number,
    h0: Float64Array,
    private readonly lo: number,
    private readonly hi: number,
    private readonly useLimiter: boolean,
    private readonly bdf2: boolean,
    private readonly rtol: number,
  ) {
    const nx = grid.n[0];
    const ny = grid.n[1];
    if (nx < 3 || ny < 3) throw new RangeError('KineticSolver 2D: at least 3 cells per direction');
    this.nx = nx;
    this.ny = ny;
    const N = nx * ny;
    const K = velocity.count;
    this.N = N;
    this.K = K;
    this.dx = grid.dx[0];
    this.dy = grid.dx[1];
    this.vx = Float64Array.from(velocity.v[0]);
    this.vy = Float64Array.from(velocity.v[1]);
    this.w = Float64Array.from(velocity.w);
    const f = (): Float64Array => new Float64Array(N);
    const fk = (): Float64Array => new Float64Array(N * K);
    this.rhoN = f();
    this.qN = fk();
    this.rhoOld = f();
    this.qOld = fk();
    this.FxPrev = f();
    this.FyPrev = f();
    this.rhoNew = f();
    this.qNew = fk();
    this.FxNew = f();
    this.FyNew = f();
    for (let p = 0; p < N; p++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += this.w[k] * h0[p * K + k];
      this.rhoN[p] = s;
      for (let k = 0; k < K; k++) this.qN[k * N + p] = h0[p * K + k] - s;
    }
    this.lamC = f();
    this.aC = f();
    this.Dfx = f();
    this.Dfy = f();
    this.gx = fk();
    this.gy = fk();
    this.v2bx = f();
    this.v2by = f();
    this.actX = new Uint8Array(K);
    this.actY = new Uint8Array(K);
    this.histRho = f();
    this.histQ = fk();
    this.rhs = f();
    this.tmp = f();
    this.tmp2 = f();
    this.accx = f();
    this.accy = f();
    this.Rp = f();
    this.Rm = f();
    this.lineX = new PeriodicTridiagFactor(nx);
    this.lineY = new PeriodicTridiagFactor(ny);
    const m = Math.max(nx, ny);
    this.llo = new Float64Array(m);
    this.ldi = new Float64Array(m);
    this.lup = new Float64Array(m);
    this.lbuf = new Float64Array(m);
    this.cgr = f();
    this.cgz = f();
    this.cgp = f();
    this.cgq = f();
    this.Ldiag = f();
    this.gmres = new Gmres(N, 80);
    this.op = {
      apply: (x, y) => this.applySchur(x, y),
      precondition: (r, z) => this.pcgL(r, z),
    };
  }

  step(dt: number): void {
    const { N, K, nx, ny, dx, dy, eps, vx, vy, w } = this;
    const useB2 = this.bdf2 && this.counters.steps > 0;
    const om = useB2 ? dt / this.dtPrev : 0;
    const c0 = useB2 ? (1 + 2 * om) / (1 + om) : 1;
    const a1 = useB2 ? 1 + om : 1;
    const a2 = useB2 ? (om * om) / (1 + om) : 0;
    this.c0 = c0;
    this.dt = dt;
    const floor = this.lo > 0 ? this.lo : 1e-300;
    const ie2 = 1 / (eps * eps);
    for (let p = 0; p < N; p++) {
      let r = useB2 ? (1 + om) * this.rhoN[p] - om * this.rhoOld[p] : this.rhoN[p];
      if (r < floor) r = floor;
      if (r > this.hi) r = this.hi;
      const lam = this.rate.lambda(r);
      if (!(lam > 0) || !Number.isFinite(lam)) throw new NumericalFailure(`lambda(${r}) = ${lam} is not positive and finite`, { cell: p });
      this.lamC[p] = lam;
      this.tmp[p] = 1 / lam;
      this.aC[p] = c0 + dt * lam * ie2;
    }
    for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      for (let i = 0; i < nx; i++) {
        const ie = i + 1 === nx ? 0 : i + 1;
        const p = i + nx * j;
        this.Dfx[p] = 0.5 * (this.tmp[p] + this.tmp[ie + nx * j]);
        this.Dfy[p] = 0.5 * (this.tmp[p] + this.tmp[i + nx * jn]);
      }
    }
    this.v2bx.fill(0);
    this.v2by.fill(0);
    for (let k = 0; k < K; k++) {
      const ax = Math.abs(vx[k]);
      const ay = Math.abs(vy[k]);
      let anyx = 0;
      let anyy = 0;
      const cx = w[k] * vx[k] * vx[k];
      const cy = w[k] * vy[k] * vy[k];
      for (let p = 0; p < N; p++) {
        let g = 0;
        if (ax > 0) {
          const z = dx / (this.Dfx[p] * eps * ax);
          g = Math.exp(-z * z);
        }
        this.gx[k * N + p] = g;
        if (g > 0) anyx = 1;
        this.v2bx[p] += cx * (1 - g);
        g = 0;
        if (ay > 0) {
          const z = dy / (this.Dfy[p] * eps * ay);
          g = Math.exp(-z * z);
        }
        this.gy[k * N + p] = g;
        if (g > 0) anyy = 1;
        this.v2by[p] += cy * (1 - g);
      }
      this.actX[k] = anyx;
      this.actY[k] = anyy;
    }
    for (let p = 0; p < N; p++) this.histRho[p] = a1 * this.rhoN[p] - a2 * this.rhoOld[p];
    // histQ_k + delta-form correction Tx a^{-1} Ty q^n_k
    for (let k = 0; k < K; k++) {
      const b = k * N;
      for (let p = 0; p < N; p++) this.histQ[b + p] = a1 * this.qN[b + p] - a2 * this.qOld[b + p];
      if (this.actX[k] && this.actY[k]) {
        this.applyT(k, 1, this.qN, b, this.tmp);
        for (let p = 0; p < N; p++) this.tmp[p] /= this.aC[p];
        this.applyT(k, 0, this.tmp, 0, this.tmp2);
        for (let p = 0; p < N; p++) this.histQ[b + p] += this.tmp2[p];
      }
    }
    // L diagonal (for Jacobi)
    const cxx = dt / (dx * dx);
    const cyy = dt / (dy * dy);
    for (let j = 0; j < ny; j++) {
      const js = j === 0 ? ny - 1 : j - 1;
      for (let i = 0; i < nx; i++) {
        const iw = i === 0 ? nx - 1 : i - 1;
        const p = i + nx * j;
        this.Ldiag[p] =
          c0 +
          cxx * (this.v2bx[p] * this.Dfx[p] + this.v2bx[iw + nx * j] * this.Dfx[iw + nx * j]) +
          cyy * (this.v2by[p] * this.Dfy[p] + this.v2by[i + nx * js] * this.Dfy[i + nx * js]);
      }
    }
    // rhs = histRho - (dt/eps) div <v gamma avg Mt^{-1}(histQ_k + histRho)>
    this.accx.fill(0);
    this.accy.fill(0);
    for (let k = 0; k < K; k++) {
      if (!this.actX[k] && !this.actY[k]) continue;
      for (let p = 0; p < N; p++) this.tmp[p] = this.histQ[k * N + p] + this.histRho[p];
      this.solveM(k, this.tmp, 0);
      this.accumulate(k, this.tmp, 0);
    }
    this.divAcc(this.histRho, this.rhs, -dt / eps);
    this.rhoNew.set(this.rhoN);
    const res = this.gmres.solve(this.op, this.rhs, this.rhoNew, Math.max(this.rtol, 1e-10), 400);
    this.counters.solverIterations += res.iterations;
    if (res.iterations > this.counters.maxSolverIterations) this.counters.maxSolverIterations = res.iterations;
    if (!res.converged && !(res.relResidual < 1e-7)) throw new NumericalFailure(`KineticSolver 2D: GMRES did not converge (${res.relResidual.toExponential(2)})`);
    // q_k
    for (let k = 0; k < K; k++) {
      const b = k * N;
      this.applyG(k, this.rhoNew, this.tmp);
      for (let p = 0; p < N; p++) this.qNew[b + p] = this.histQ[b + p] + this.histRho[p] - this.tmp[p];
      this.solveM(k, this.qNew, b);
    }
    // fluxes
    this.accx.fill(0);
    this.accy.fill(0);
    for (let k = 0; k < K; k++) if (this.actX[k] || this.actY[k]) this.accumulate(k, this.qNew, k * N);
    const fa = useB2 ? a2 / c0 : 0;
    const Fx = this.FxNew;
    const Fy = this.FyNew;
    const r = this.rhoNew;
    for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      for (let i = 0; i < nx; i++) {
        const ie = i + 1 === nx ? 0 : i + 1;
        const p = i + nx * j;
        const Jx = this.accx[p] / eps - (this.v2bx[p] * this.Dfx[p] * (r[ie + nx * j] - r[p])) / dx;
        const Jy = this.accy[p] / eps - (this.v2by[p] * this.Dfy[p] * (r[i + nx * jn] - r[p])) / dy;
        Fx[p] = fa * this.FxPrev[p] + (dt / c0) * Jx;
        Fy[p] = fa * this.FyPrev[p] + (dt / c0) * Jy;
      }
    }
    this.finish(dt);
  }

  /** out = T_dir q (dir 0: x, 1: y), T = (dt/eps) v D(gamma avg .). */
  private applyT(k: number, dir: number, q: Float64Array, off: number, out: Float64Array): void {
    const { nx, ny, N } = this;
    const g = dir === 0 ? this.gx : this.gy;
    const s = (this.dt * (dir === 0 ? this.vx[k] : this.vy[k])) / (this.eps * 2 * (dir === 0 ? this.dx : this.dy));
    const b = k * N;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p = i + nx * j;
        let pe: number;
        let pw: number;
        if (dir === 0) {
          pe = (i + 1 === nx ? 0 : i + 1) + nx * j;
          pw = (i === 0 ? nx - 1 : i - 1) + nx * j;
        } else {
          pe = i + nx * (j + 1 === ny ? 0 : j + 1);
          pw = i + nx * (j === 0 ? ny - 1 : j - 1);
        }
        out[p] = s * (g[b + p] * (q[off + p] + q[off + pe]) - g[b + pw] * (q[off + pw] + q[off + p]));
      }
    }
  }

  /** x <- Mt_k^{-1} x = (a + Ty)^{-1} a (a + Tx)^{-1} x (in place, at offset off). */
  private solveM(k: number, x: Float64Array, off: number): void {
    const { nx, ny, N } = this;
    const a = this.aC;
    const b = k * N;
    const llo = this.llo;
    const ldi = this.ldi;
    const lup = this.lup;
    const buf = this.lbuf;
    if (this.actX[k]) {
      const s = (this.dt * this.vx[k]) / (this.eps * 2 * this.dx);
      const g = this.gx;
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const p = i + nx * j;
          const gw = g[b + (i === 0 ? nx - 1 : i - 1) + nx * j];
          const gp = g[b + p];
          llo[i] = -s * gw;
          lup[i] = s * gp;
          ldi[i] = a[p] + s * (gp - gw);
          buf[i] = x[off + p];
        }
        this.lineX.factor(llo, ldi, lup);
        this.lineX.solve(buf);
        for (let i = 0; i < nx; i++) x[off + i + nx * j] = buf[i] * a[i + nx * j];
      }
    } else {
      // (a + Tx) = a: x <- a a^{-1} x = x
    }
    if (this.actY[k]) {
      const s = (this.dt * this.vy[k]) / (this.eps * 2 * this.dy);
      const g = this.gy;
      for (let i = 0; i < nx; i++) {
        for (let j = 0; j < ny; j++) {
          const p = i + nx * j;
          const gs = g[b + i + nx * (j === 0 ? ny - 1 : j - 1)];
          const gp = g[b + p];
          llo[j] = -s * gs;
          lup[j] = s * gp;
          ldi[j] = a[p] + s * (gp - gs);
          buf[j] = x[off + p];
        }
        this.lineY.factor(llo, ldi, lup);
        this.lineY.solve(buf);
        for (let j = 0; j < ny; j++) x[off + i + nx * j] = buf[j];
      }
    } else {
      for (let p = 0; p < N; p++) x[off + p] /= a[p];
    }
  }

  private accumulate(k: number, q: Float64Array, off: number): void {
    const { nx, ny, N } = this;
    const cx = 0.5 * this.w[k] * this.vx[k];
    const cy = 0.5 * this.w[k] * this.vy[k];
    const b = k * N;
    for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      for (let i = 0; i < nx; i++) {
        const p = i + nx * j;
        const ie = i + 1 === nx ? 0 : i + 1;
        this.accx[p] += cx * this.gx[b + p] * (q[off + p] + q[off + ie + nx * j]);
        this.accy[p] += cy * this.gy[b + p] * (q[off + p] + q[off + i + nx * jn]);
      }
    }
  }

  /** y = base + c (Dx accx + Dy accy). */
  private divAcc(base: Float64Array, y: Float64Array, c: number): void {
    const { nx, ny } = this;
    const cx = c / this.dx;
    const cy = c / this.dy;
    for (let j = 0; j < ny; j++) {
      const js = j === 0 ? ny - 1 : j - 1;
      for (let i = 0; i < nx; i++) {
        const iw = i === 0 ? nx - 1 : i - 1;
        const p = i + nx * j;
        y[p] = base[p] + cx * (this.accx[p] - this.accx[iw + nx * j]) + cy * (this.accy[p] - this.accy[i + nx * js]);
      }
    }
  }

  /** y = G_k x = c0 x + dt (Dx Phi_x + Dy Phi_y). */
  private applyG(k: number, x: Float64Array, y: Float64Array): void {
    const { nx, ny, dx, dy, eps, dt, c0 } = this;
    const ax = this.vx[k] / (2 * eps);
    const ay = this.vy[k] / (2 * eps);
    const bx = (this.vx[k] * this.vx[k]) / dx;
    const by = (this.vy[k] * this.vy[k]) / dy;
    const b = k * this.N;
    const phx = this.accx;
    const phy = this.accy;
    // reuse acc arrays? no: they hold the accumulations during applySchur; use cg buffers
    const Px = this.cgq;
    const Py = this.tmp2;
    void phx;
    void phy;
    for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      for (let i = 0; i < nx; i++) {
        const ie = i + 1 === nx ? 0 : i + 1;
        const p = i + nx * j;
        const pe = ie + nx * j;
        const pn = i + nx * jn;
        Px[p] = ax * (x[p] + x[pe]) - bx * (1 - this.gx[b + p]) * this.Dfx[p] * (x[pe] - x[p]);
        Py[p] = ay * (x[p] + x[pn]) - by * (1 - this.gy[b + p]) * this.Dfy[p] * (x[pn] - x[p]);
      }
    }
    const cx = dt / dx;
    const cy = dt / dy;
    for (let j = 0; j < ny; j++) {
      const js = j === 0 ? ny - 1 : j - 1;
      for (let i = 0; i < nx; i++) {
        const iw = i === 0 ? nx - 1 : i - 1;
        const p = i + nx * j;
        y[p] = c0 * x[p] + cx * (Px[p] - Px[iw + nx * j]) + cy * (Py[p] - Py[i + nx * js]);
      }
    }
  }

  /** y = L x, L = c0 - dt [Dx(v2bx Dfx Dx) + Dy(v2by Dfy Dy)]. */
  private applyL(x: Float64Array, y: Float64Array): void {
    const { nx, ny, dx, dy, dt, c0 } = this;
    const cx = dt / (dx * dx);
    const cy = dt / (dy * dy);
    for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      const js = j === 0 ? ny - 1 : j - 1;
      for (let i = 0; i < nx; i++) {
        const ie = i + 1 === nx ? 0 : i + 1;
        const iw = i === 0 ? nx - 1 : i - 1;
        const p = i + nx * j;
        const pw = iw + nx * j;
        const ps = i + nx * js;
        const fe = cx * this.v2bx[p] * this.Dfx[p] * (x[ie + nx * j] - x[p]);
        const fw = cx * this.v2bx[pw] * this.Dfx[pw] * (x[p] - x[pw]);
        const fn = cy * this.v2by[p] * this.Dfy[p] * (x[i + nx * jn] - x[p]);
        const fs = cy * this.v2by[ps] * this.Dfy[ps] * (x[p] - x[ps]);
        y[p] = c0 * x[p] - (fe - fw) - (fn - fs);
      }
    }
  }

  private applySchur(x: Float64Array, y: Float64Array): void {
    const { N, K } = this;
    this.accx.fill(0);
    this.accy.fill(0);
    const t = this.tmp;
    for (let k = 0; k < K; k++) {
      if (!this.actX[k] && !this.actY[k]) continue;
      this.applyG(k, x, t);
      this.solveM(k, t, 0);
      this.accumulate(k, t, 0);
    }
    this.applyL(x, this.cgz);
    this.divAcc(this.cgz, y, -this.dt / this.eps);
    void N;
  }

  /** z ~ L^{-1} r: Jacobi-preconditioned CG to 1e-3 (FGMRES tolerates the varying preconditioner). */
  private pcgL(r: Float64Array, z: Float64Array): void {
    const N = this.N;
    const res = this.cgr;
    const zz = this.cgz;
    const p = this.cgp;
    const q = this.cgq;
    const d = this.Ldiag;
    z.fill(0);
    res.set(r);
    let rn0 = 0;
    for (let i = 0; i < N; i++) rn0 += r[i] * r[i];
    if (rn0 === 0) return;
    let rz = 0;
    for (let i = 0; i < N; i++) {
      zz[i] = res[i] / d[i];
      p[i] = zz[i];
      rz += res[i] * zz[i];
    }
    for (let it = 0; it < 300; it++) {
      this.counters.innerIterations++;
      this.applyL(p, q);
      let pq = 0;
      for (let i = 0; i < N; i++) pq += p[i] * q[i];
      const al = rz / pq;
      let rn = 0;
      for (let i = 0; i < N; i++) {
        z[i] += al * p[i];
        res[i] -= al * q[i];
        rn += res[i] * res[i];
      }
      if (rn <= 1e-6 * rn0) break;
      let rz2 = 0;
      for (let i = 0; i < N; i++) {
        zz[i] = res[i] / d[i];
        rz2 += res[i] * zz[i];
      }
      const be = rz2 / rz;
      rz = rz2;
      for (let i = 0; i < N; i++) p[i] = zz[i] + be * p[i];
    }
  }

  private finish(dt: number): void {
    const { N, K, nx, ny, dx, dy, lo, hi, w } = this;
    const rN = this.rhoN;
    const r = this.rhoNew;
    const Fx = this.FxNew;
    const Fy = this.FyNew;
    const update = (): boolean => {
      let out = false;
      for (let j = 0; j < ny; j++) {
        const js = j === 0 ? ny - 1 : j - 1;
        for (let i = 0; i < nx; i++) {
          const iw = i === 0 ? nx - 1 : i - 1;
          const p = i + nx * j;
          const v = rN[p] - (Fx[p] - Fx[iw + nx * j]) / dx - (Fy[p] - Fy[i + nx * js]) / dy;
          r[p] = v;
          if (v > hi || v < lo) out = true;
        }
      }
      return out;
    };
    if (update() && this.useLimiter) {
      // Zalesak FCT against the zero-flux solution rho^n; mass units per cell: F/dx (x), F/dy (y)
      for (let j = 0; j < ny; j++) {
        const js = j === 0 ? ny - 1 : j - 1;
        for (let i = 0; i < nx; i++) {
          const iw = i === 0 ? nx - 1 : i - 1;
          const p = i + nx * j;
          const fe = Fx[p] / dx;
          const fw = Fx[iw + nx * j] / dx;
          const fn = Fy[p] / dy;
          const fs = Fy[i + nx * js] / dy;
          const pin = Math.max(0, fw) + Math.max(0, -fe) + Math.max(0, fs) + Math.max(0, -fn);
          const pout = Math.max(0, fe) + Math.max(0, -fw) + Math.max(0, fn) + Math.max(0, -fs);
          const qp = hi - rN[p];
          const qm = rN[p] - lo;
          this.Rp[p] = pin > qp ? Math.max(0, qp) / pin : 1;
          this.Rm[p] = pout > qm ? Math.max(0, qm) / pout : 1;
        }
      }
      for (let j = 0; j < ny; j++) {
        const jn = j + 1 === ny ? 0 : j + 1;
        for (let i = 0; i < nx; i++) {
          const ie = i + 1 === nx ? 0 : i + 1;
          const p = i + nx * j;
          const pe = ie + nx * j;
          const pn = i + nx * jn;
          Fx[p] *= Fx[p] >= 0 ? Math.min(this.Rm[p], this.Rp[pe]) : Math.min(this.Rp[p], this.Rm[pe]);
          Fy[p] *= Fy[p] >= 0 ? Math.min(this.Rm[p], this.Rp[pn]) : Math.min(this.Rp[p], this.Rm[pn]);
        }
      }
      update();
      this.counters.rhoLimiterSteps++;
    }
    const q = this.qNew;
    for (let p = 0; p < N; p++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += w[k] * q[k * N + p];
      let qmax = -Infinity;
      let qmin = Infinity;
      for (let k = 0; k < K; k++) {
        const v = q[k * N + p] - s;
        q[k * N + p] = v;
        if (v > qmax) qmax = v;
        if (v < qmin) qmin = v;
      }
      if (!Number.isFinite(qmax) || !Number.isFinite(qmin) || !Number.isFinite(r[p])) throw new NumericalFailure('KineticSolver 2D: non-finite state', { cell: p });
      if (this.useLimiter) {
        let th = 1;
        if (r[p] + qmax > hi) th = Math.min(th, Math.max(0, hi - r[p]) / qmax);
        if (r[p] + qmin < lo) th = Math.min(th, Math.max(0, r[p] - lo) / -qmin);
        if (th < 1) {
          for (let k = 0; k < K; k++) q[k * N + p] *= th;
          this.counters.hLimiterCells++;
        }
      }
    }
    let t: Float64Array = this.rhoOld;
    this.rhoOld = this.rhoN;
    this.rhoN = this.rhoNew;
    this.rhoNew = t;
    t = this.qOld;
    this.qOld = this.qN;
    this.qN = this.qNew;
    this.qNew = t;
    t = this.FxPrev;
    this.FxPrev = this.FxNew;
    this.FxNew = t;
    t = this.FyPrev;
    this.FyPrev = this.FyNew;
    this.FyNew = t;
    this.dtPrev = dt;
    this.time += dt;
    this.counters.steps++;
  }
}

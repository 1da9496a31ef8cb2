/**
 * Asymptotic-preserving transport faces of the kinetic micro–macro scheme on a 2D box with walls
 * (docs/kinetic-scheme.md "Walls", 2D): the 2D counterpart of the face values of ./walls1d.ts, per
 * direction. A direction is periodic (both sides) or has a wall on each side: specular, diffuse,
 * absorbing or inflow (the given h in t, vx, vy; C with the Milne-weighted tangential average rho_b).
 *
 * Cells c = i + nx j; velocity-major q[k N + c]. x faces f = F + (nx+1) j (F = 0..nx, F the left face of
 * cell F; on a periodic direction F = 0 is the face between cells nx−1 and 0 and F = nx its copy), y faces
 * f = i + nx G likewise. With u = the velocity component normal to the face, γ = exp(−(λ_F dx/(eps|u|))²)
 * (λ_F the harmonic-type face rate 1/λ_F = (1/λ_L + 1/λ_R)/2; the wall cell's at a wall), the face value
 * of h_k is, exactly as in 1D with u in place of v:
 *
 *   interior  H = γ (h_L + h_R)/2 + (1 − γ)[(ρ_L + ρ_R)/2 − (eps/λ_F) u (ρ_R − ρ_L)/dx]
 *   specular  H = ρ_c + γ (q_k + q_k')/2,  k' the mirror velocity (u → −u, tangential component kept)
 *   diffuse   H = ρ_c + γ q_k (outgoing),  ρ_c + γ Σ_out π q (incoming), π ∝ γ w |u| (Σ π = 1): net flux 0
 *   absorbing H = γ h_c,k + (1 − γ)(x0 + |u|) e ρ_c (outgoing),  (1 − γ)(x0 − |u|) e ρ_c (incoming),
 *             e = eps/R, R = (dx/2)/D_w + x0 eps, D_w = (Φ(ρ_c) − Φ(0))/ρ_c the Kirchhoff secant,
 *
 * x0 the Milne length of the one-dimensional node set of the normal component (the tensor set's marginal:
 * the half-space problem depends on the normal component only). As eps → 0 (γ → 0) the absorbing wall's
 * flux is the limit equation's Dirichlet flux with 0 taken at the extrapolated distance x0 eps/λ.
 *
 * `transport` evaluates, for a state (x, q) (either part may be left out: the map is linear), the
 * h-rows' transport terms σx u (H_R − H_L) + σy (…) per velocity and cell and the face flux sums
 * Φ = Σ_k w_k u_k H_k (eps × the mass flux through the face). No allocation after construction.
 */
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure } from '../stepper.js';
import { kirchhoffSecant, vacuumLambda } from './vacuum.js';
import type { WallSide1D } from './walls1d.js';

/** One direction of the box: periodic, or the kinds of its low and high walls. */
export type Direction2D = null | readonly [WallSide1D, WallSide1D];

/**
 * The grid lines of direction d (0: x, 1: y) on an nx × ny box: n cells per line, M lines; cell i of line m is
 * m cm + i cs, face F (between cells F − 1 and F; 0 and n the walls) of line m is m fm + F fs in that direction's
 * face array ((nx + 1) ny x faces, x fastest; nx (ny + 1) y faces).
 */
export function lineGeometry(d: 0 | 1, nx: number, ny: number): { n: number; M: number; cs: number; cm: number; fs: number; fm: number } {
  return d === 0 ? { n: nx, M: ny, cs: 1, cm: nx, fs: 1, fm: nx + 1 } : { n: ny, M: nx, cs: nx, cm: 1, fs: nx, fm: 1 };
}

export class WallTransport2D {
  readonly N: number;
  readonly nfx: number;
  readonly nfy: number;
  readonly lamC: Float64Array;
  readonly invLam: Float64Array;
  readonly rhoStar: Float64Array;
  /** Face diffusivities 1/λ_F (x and y faces). */
  readonly DfX: Float64Array;
  readonly DfY: Float64Array;
  /** γ per velocity and face: gX[k nfx + f]. */
  readonly gX: Float64Array;
  readonly gY: Float64Array;
  /** Σ_k w u² (1 − γ) per face. */
  readonly v2bX: Float64Array;
  readonly v2bY: Float64Array;
  /** Per wall face (x: 2 ny, low side first; y: 2 nx): e = eps/R, Σ_out w|u|γ. */
  readonly eX: Float64Array;
  readonly eY: Float64Array;
  readonly outX: Float64Array;
  readonly outY: Float64Array;
  /** Whether velocity k has γ > 0 on some face. */
  readonly active: Uint8Array;
  nAct = 0;
  /** Mirror velocities: k' with (−vx, vy) and (vx, −vy). */
  readonly mirX: Int32Array;
  readonly mirY: Int32Array;
  /** Diffuse re-emission: Σ_out π q at each wall face (x then y), per transport() call. */
  private readonly rpX: Float64Array;
  private readonly rpY: Float64Array;
  /** Inflow sides (index 2 d + s): the incoming h per velocity at t_{n+1}, and the Milne-weighted density rho_b. */
  readonly gIn: Float64Array;
  readonly rhoB = new Float64Array(4);
  private readonly tmarg: Float64Array;
  private readonly wmarg: Float64Array;
  c0 = 1;
  dt = 0;
  time = 0;

  constructor(
    readonly nx: number,
    readonly ny: number,
    readonly K: number,
    readonly dx: number,
    readonly dy: number,
    readonly eps: number,
    readonly vx: Float64Array,
    readonly vy: Float64Array,
    readonly w: Float64Array,
    readonly dirs: readonly [Direction2D, Direction2D],
    /** Milne lengths of the x and y marginal node sets. */
    readonly x0: readonly [number, number],
    /** Inflow weights of the marginal sets' positive nodes (ascending) and those nodes. */
    readonly beta: readonly [Float64Array, Float64Array],
    readonly pnodes: readonly [ArrayLike<number>, ArrayLike<number>],
  ) {
    const N = nx * ny;
    this.N = N;
    this.nfx = (nx + 1) * ny;
    this.nfy = nx * (ny + 1);
    this.lamC = new Float64Array(N);
    this.invLam = new Float64Array(N);
    this.rhoStar = new Float64Array(N);
    this.DfX = new Float64Array(this.nfx);
    this.DfY = new Float64Array(this.nfy);
    this.gX = new Float64Array(K * this.nfx);
    this.gY = new Float64Array(K * this.nfy);
    this.v2bX = new Float64Array(this.nfx);
    this.v2bY = new Float64Array(this.nfy);
    this.eX = new Float64Array(2 * ny);
    this.eY = new Float64Array(2 * nx);
    this.outX = new Float64Array(2 * ny);
    this.outY = new Float64Array(2 * nx);
    this.rpX = new Float64Array(2 * ny);
    this.rpY = new Float64Array(2 * nx);
    this.active = new Uint8Array(K);
    this.gIn = new Float64Array(4 * K);
    this.tmarg = new Float64Array(Math.max(pnodes[0].length, pnodes[1].length));
    this.wmarg = new Float64Array(this.tmarg.length);
    this.mirX = new Int32Array(K);
    this.mirY = new Int32Array(K);
    for (let k = 0; k < K; k++) {
      this.mirX[k] = this.mirY[k] = -1;
      for (let m = 0; m < K; m++) {
        if (vx[m] === -vx[k] && vy[m] === vy[k]) this.mirX[k] = m;
        if (vy[m] === -vy[k] && vx[m] === vx[k]) this.mirY[k] = m;
      }
      if (this.mirX[k] < 0 || this.mirY[k] < 0) throw new RangeError('WallTransport2D: the velocity set must be symmetric in vx and in vy');
    }
  }

  /** λ at the extrapolated density (clamped; the vacuum rule as in 1D), face diffusivities, γ, wall coefficients. */
  prepare(rate: RateLaw, rhoN: Float64Array, rhoO: Float64Array, useB2: boolean, om: number, lo: number, hi: number, c0: number, dt: number, time: number): void {
    this.c0 = c0;
    this.dt = dt;
    this.time = time;
    const { N, nx, ny, lamC, invLam, rhoStar } = this;
    const vac = !(lo > 0);
    for (let c = 0; c < N; c++) {
      let r = useB2 ? (1 + om) * rhoN[c] - om * rhoO[c] : rhoN[c];
      if (vac && r < 0.5 * rhoN[c]) r = 0.5 * rhoN[c];
      if (r < lo) r = lo;
      if (r > hi) r = hi;
      rhoStar[c] = r;
      const l = vacuumLambda(rate, r, c);
      lamC[c] = l.lam;
      invLam[c] = l.inv;
    }
    const px = this.dirs[0] === null;
    const py = this.dirs[1] === null;
    for (let j = 0; j < ny; j++) {
      for (let F = 0; F <= nx; F++) {
        let d: number;
        if (F > 0 && F < nx) d = 0.5 * (invLam[F - 1 + nx * j] + invLam[F + nx * j]);
        else if (px) d = 0.5 * (invLam[nx - 1 + nx * j] + invLam[nx * j]);
        else d = invLam[(F === 0 ? 0 : nx - 1) + nx * j];
        this.DfX[F + (nx + 1) * j] = d;
      }
    }
    for (let G = 0; G <= ny; G++) {
      for (let i = 0; i < nx; i++) {
        let d: number;
        if (G > 0 && G < ny) d = 0.5 * (invLam[i + nx * (G - 1)] + invLam[i + nx * G]);
        else if (py) d = 0.5 * (invLam[i + nx * (ny - 1)] + invLam[i]);
        else d = invLam[i + nx * (G === 0 ? 0 : ny - 1)];
        this.DfY[i + nx * G] = d;
      }
    }
    this.active.fill(0);
    this.blend(this.vx, this.dx, this.DfX, this.gX, this.v2bX, this.nfx);
    this.blend(this.vy, this.dy, this.DfY, this.gY, this.v2bY, this.nfy);
    let n = 0;
    for (let k = 0; k < this.K; k++) n += this.active[k];
    this.nAct = n;
    this.inflow(0);
    this.inflow(1);
    this.walls(rate, 0);
    this.walls(rate, 1);
  }

  /**
   * Inflow sides of direction d: g at the incoming velocities (time t_{n+1}) and rho_b = Σ_j beta_j ḡ(u_j), ḡ the
   * tangential (w-weighted) average of g at the normal component u_j: the far-field density of the half-space
   * problem (its density sees g only through ḡ).
   */
  private inflow(d: 0 | 1): void {
    const dir = this.dirs[d];
    if (dir === null) return;
    const { K, w } = this;
    const u = d === 0 ? this.vx : this.vy;
    const nodes = this.pnodes[d];
    const nP = nodes.length;
    for (let s = 0; s < 2; s++) {
      const side = dir[s];
      if (side.kind !== 'inflow') continue;
      const g2 = side.g2!;
      this.tmarg.fill(0);
      this.wmarg.fill(0);
      for (let k = 0; k < K; k++) {
        const un = s === 0 ? u[k] : -u[k];
        let g = 0;
        if (un > 0) {
          g = g2(this.time, this.vx[k], this.vy[k]);
          if (!(g >= 0 && Number.isFinite(g))) throw new NumericalFailure(`inflow h = ${g} at t = ${this.time}, v = (${this.vx[k]}, ${this.vy[k]}) is not finite and >= 0`);
          for (let j = 0; j < nP; j++) {
            if (nodes[j] === un) {
              this.tmarg[j] += w[k] * g;
              this.wmarg[j] += w[k];
            }
          }
        }
        this.gIn[(2 * d + s) * K + k] = g;
      }
      let rb = 0;
      for (let j = 0; j < nP; j++) if (this.wmarg[j] > 0) rb += this.beta[d][j] * (this.tmarg[j] / this.wmarg[j]);
      this.rhoB[2 * d + s] = rb;
    }
  }

  private blend(u: Float64Array, h: number, Df: Float64Array, gam: Float64Array, v2b: Float64Array, nf: number): void {
    const { K, w, eps } = this;
    v2b.fill(0);
    for (let k = 0; k < K; k++) {
      const au = Math.abs(u[k]);
      const b = k * nf;
      if (au === 0) {
        gam.fill(0, b, b + nf);
        continue;
      }
      const z0 = h / (eps * au);
      const c = w[k] * au * au;
      let any = 0;
      for (let f = 0; f < nf; f++) {
        const z = z0 / Df[f];
        const z2 = z * z;
        const g = z2 > 746 ? 0 : Math.exp(-z2);
        gam[b + f] = g;
        if (g > 0) any = 1;
        v2b[f] += c * (1 - g);
      }
      if (any) this.active[k] = 1;
    }
  }

  /** Per wall face of direction d: Σ_out w|u|γ, and e = eps/R at absorbing walls. */
  private walls(rate: RateLaw, d: 0 | 1): void {
    const dir = this.dirs[d];
    if (dir === null) return;
    const { nx, ny, K, w, eps } = this;
    const u = d === 0 ? this.vx : this.vy;
    const gam = d === 0 ? this.gX : this.gY;
    const nf = d === 0 ? this.nfx : this.nfy;
    const out = d === 0 ? this.outX : this.outY;
    const eW = d === 0 ? this.eX : this.eY;
    const M = d === 0 ? ny : nx;
    const h = d === 0 ? this.dx : this.dy;
    for (let s = 0; s < 2; s++) {
      for (let m = 0; m < M; m++) {
        const f = this.wallFace(d, s, m);
        let o = 0;
        for (let k = 0; k < K; k++) {
          const un = s === 0 ? -u[k] : u[k]; // > 0: outgoing
          if (un > 0) o += w[k] * un * gam[k * nf + f];
        }
        out[s * M + m] = o;
        if (dir[s].kind === 'absorbing' || dir[s].kind === 'inflow') {
          const c = this.wallCell(d, s, m);
          const D = kirchhoffSecant(rate, this.rhoStar[c], this.rhoB[2 * d + s]);
          eW[s * M + m] = eps / ((0.5 * h) / D + this.x0[d] * eps);
        }
      }
    }
  }

  /** The face index of wall face m (a row or column) on side s of direction d. */
  wallFace(d: 0 | 1, s: number, m: number): number {
    const { nx, ny } = this;
    return d === 0 ? (s === 0 ? 0 : nx) + (nx + 1) * m : m + nx * (s === 0 ? 0 : ny);
  }

  /** The cell next to wall face m on side s of direction d. */
  wallCell(d: 0 | 1, s: number, m: number): number {
    const { nx, ny } = this;
    return d === 0 ? (s === 0 ? 0 : nx - 1) + nx * m : m + nx * (s === 0 ? 0 : ny - 1);
  }

  /**
   * div[k N + c] = σx u (H_R − H_L) + σy (…) of the state (x, q) (x or q null: that part left out; div
   * null: only the flux sums), PhiX/PhiY the face flux sums Σ w u H.
   */
  transport(x: Float64Array | null, xo: number, q: Float64Array | null, qo: number, div: Float64Array | null, PhiX: Float64Array, PhiY: Float64Array, cst = false): void {
    PhiX.fill(0);
    PhiY.fill(0);
    if (div) div.fill(0);
    if (q) this.reemission(q, qo);
    for (let k = 0; k < this.K; k++) {
      this.direction(0, k, x, xo, q, qo, div, PhiX, cst);
      this.direction(1, k, x, xo, q, qo, div, PhiY, cst);
    }
    if (this.dirs[0] === null) for (let j = 0; j < this.ny; j++) PhiX[this.nx + (this.nx + 1) * j] = PhiX[(this.nx + 1) * j];
    if (this.dirs[1] === null) for (let i = 0; i < this.nx; i++) PhiY[i + this.nx * this.ny] = PhiY[i];
  }

  /** Σ_out π q at every diffuse wall face (π = w|u|γ / Σ_out w|u|γ). */
  private reemission(q: Float64Array, qo: number): void {
    for (let d = 0 as 0 | 1; d < 2; d = (d + 1) as 0 | 1) {
      const dir = this.dirs[d];
      if (dir === null) continue;
      const u = d === 0 ? this.vx : this.vy;
      const gam = d === 0 ? this.gX : this.gY;
      const nf = d === 0 ? this.nfx : this.nfy;
      const out = d === 0 ? this.outX : this.outY;
      const rp = d === 0 ? this.rpX : this.rpY;
      const M = d === 0 ? this.ny : this.nx;
      for (let s = 0; s < 2; s++) {
        if (dir[s].kind !== 'diffuse') continue;
        for (let m = 0; m < M; m++) {
          const f = this.wallFace(d, s, m);
          const c = this.wallCell(d, s, m);
          const o = out[s * M + m];
          let acc = 0;
          if (o > 0) {
            for (let k = 0; k < this.K; k++) {
              const un = s === 0 ? -u[k] : u[k];
              if (un > 0) acc += this.w[k] * un * gam[k * nf + f] * q[qo + k * this.N + c];
            }
            acc /= o;
          }
          rp[s * M + m] = acc;
        }
      }
    }
  }

  private direction(d: 0 | 1, k: number, x: Float64Array | null, xo: number, q: Float64Array | null, qo: number, div: Float64Array | null, Phi: Float64Array, cst: boolean): void {
    const { nx, ny, N, eps, w } = this;
    const uk = d === 0 ? this.vx[k] : this.vy[k];
    if (uk === 0) return;
    const h = d === 0 ? this.dx : this.dy;
    const sig = (this.dt / (eps * h)) * uk;
    const wu = w[k] * uk;
    const gam = d === 0 ? this.gX : this.gY;
    const Df = d === 0 ? this.DfX : this.DfY;
    const nf = d === 0 ? this.nfx : this.nfy;
    const gb = k * nf;
    const qb = k * N;
    const qq = qo + qb;
    const n = d === 0 ? nx : ny; // cells along the direction
    const M = d === 0 ? ny : nx; // lines
    const stride = d === 0 ? 1 : nx;
    const lstride = d === 0 ? nx : 1;
    const fstride = d === 0 ? 1 : nx;
    const flstride = d === 0 ? nx + 1 : 1;
    const e0 = eps / h;
    const dir = this.dirs[d];
    for (let m = 0; m < M; m++) {
      const c00 = m * lstride;
      const f00 = m * flstride;
      // interior faces F = 1..n−1 (and F = 0 on a periodic direction)
      for (let F = dir === null ? 0 : 1; F < n; F++) {
        const cL = c00 + (F === 0 ? n - 1 : F - 1) * stride;
        const cR = c00 + F * stride;
        const f = f00 + F * fstride;
        const g = gam[gb + f];
        // Φ leaves out the average (ρ_L + ρ_R)/2, whose velocity sum Σ w u is 0: no cancellation error σ ρ ulp
        let H = 0;
        let avg = 0;
        if (x) {
          avg = 0.5 * (x[xo + cL] + x[xo + cR]);
          H = -(1 - g) * e0 * Df[f] * uk * (x[xo + cR] - x[xo + cL]);
        }
        if (q && g !== 0) H += 0.5 * g * (q[qq + cL] + q[qq + cR]);
        Phi[f] += wu * H;
        H += avg;
        if (div) {
          div[qb + cL] += sig * H;
          div[qb + cR] -= sig * H;
        }
      }
      if (dir === null) continue;
      for (let s = 0; s < 2; s++) {
        const F = s === 0 ? 0 : n;
        const c = c00 + (s === 0 ? 0 : n - 1) * stride;
        const f = f00 + F * fstride;
        const g = gam[gb + f];
        const un = s === 0 ? uk : -uk; // > 0: incoming
        const xc = x ? x[xo + c] : 0;
        let H = 0;
        // the part of H whose velocity sum Σ w u vanishes (left out of Φ, as above)
        let even = 0;
        switch (dir[s].kind) {
          case 'specular': {
            H = xc;
            even = H;
            if (q && g !== 0) H += 0.5 * g * (q[qq + c] + q[qo + (d === 0 ? this.mirX[k] : this.mirY[k]) * N + c]);
            break;
          }
          case 'diffuse': {
            H = xc;
            even = H;
            if (q && g !== 0) H += un > 0 ? g * (d === 0 ? this.rpX : this.rpY)[s * M + m] : g * q[qq + c];
            break;
          }
          case 'absorbing':
          case 'inflow': {
            // (1 − γ) C, C = rho_b + (x0 − un) e (x_c − rho_b), plus γ times the incoming g or the outgoing trace
            const e = (d === 0 ? this.eX : this.eY)[s * M + m];
            const x0 = this.x0[d];
            const rb = cst ? this.rhoB[2 * d + s] : 0;
            even = (1 - g) * (x0 * e * (xc - rb) + rb);
            H = (1 - g) * (rb + (x0 - un) * e * (xc - rb));
            if (un > 0) {
              if (cst) H += g * this.gIn[(2 * d + s) * this.K + k];
            } else {
              H += g * xc;
              if (q && g !== 0) H += g * q[qq + c];
            }
            break;
          }
          default:
            throw new NumericalFailure(`WallTransport2D: ${dir[s].kind} walls are not implemented in 2D`);
        }
        // zero-flux walls: Φ = 0 exactly (their net flux vanishes identically)
        if (dir[s].kind === 'absorbing' || dir[s].kind === 'inflow') Phi[f] += wu * (H - even);
        if (div) div[qb + c] += s === 0 ? -sig * H : sig * H;
      }
    }
  }

  /** out_c = c0 x_c + σx (Φx_R − Φx_L) + σy (Φy_T − Φy_B): the density rows. */
  densityRows(x: Float64Array | null, xo: number, PhiX: Float64Array, PhiY: Float64Array, out: Float64Array, oo: number): void {
    const { nx, ny, c0, eps } = this;
    const sx = this.dt / (eps * this.dx);
    const sy = this.dt / (eps * this.dy);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const c = i + nx * j;
        const fx = i + (nx + 1) * j;
        out[oo + c] = (x ? c0 * x[xo + c] : 0) + sx * (PhiX[fx + 1] - PhiX[fx]) + sy * (PhiY[c + nx] - PhiY[c]);
      }
    }
  }
}

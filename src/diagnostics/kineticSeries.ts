/**
 * The kinetic series row (KINETIC_COLUMNS and THEOREM_COLUMNS, kinetic.ts) of a micro–macro state
 * h = rho + q, at a fraction of a step's cost (docs/kinetic-scheme.md, "Speed (issue 18)"): the same quantities as the reference formulas of
 * kinetic.ts and theorems.ts (they agree to round-off: test/diagnostics-theorems.test.ts), computed
 *
 *  - from q directly (no h = rho + q copied out), one pass per time level over q in its own layout
 *    (velocity-major q in 2D: ../solvers/microMacro/moments.ts, which the 2D stepper also runs on its threads,
 *    MomentProvider), kept under the
 *    level's id (MicroLevel.id), so that with a row every step the previous level costs nothing; per cell
 *    s0 = Σ w q, j = Σ w v q, E = Σ w (v⊗v − I) q, Σ w q², min q and max q. With W = Σ w:
 *      rho_h = rho + s0,  Σ w (h − rho_h)² = Σ w q² − s0²,  Σ w h² = W rho² + 2 rho s0 + Σ w q²,
 *      Σ w (h − m)² = W (rho − m)² + 2 (rho − m) s0 + Σ w q²,  min h = rho + min q (rounding is monotone);
 *  - the Fourier parts of the theorem columns (cross = ∫ j·K∇rho, d cross/dt with Lemma 2.5, K = (I − Δ)⁻¹)
 *    by Parseval's identity Σ_c a_c b_c = (1/N) Σ_k â_k conj(b̂_k) from four complex FFTs of pairs of
 *    real fields (rho + i jx, jy + i Exx, Exy + i Eyy, λjx + i λjy; 1D: two), with the symbols of
 *    ../grid/fourier.ts (∂_d ↦ 2πi k_d, zero at the Nyquist index of axis d): the reference transforms
 *    forward and back twelve times per row;
 *  - Lemma 2.5's residuals over the last step from both levels' moments (centred differences, as
 *    theorems.ts momentResiduals).
 *
 * Every buffer is allocated once (no allocation per row for power-of-two grids).
 */
import type { Grid } from '../grid/grid.js';
import { GridFourier, type HelmholtzSymbol } from '../grid/fourier.js';
import type { KineticDiagnostics, VelocityNodes } from './kinetic.js';
import type { MicroLevel } from '../solvers/microMacro/levels.js';
import { momentsCells2D, type LevelMomentArrays } from '../solvers/microMacro/moments.js';
import { THEOREM_EPS_MIN, type MomentResiduals, type TheoremDiagnostics } from './theorems.js';


/** Per-cell moments of one level (see the header). */
class LevelMoments {
  readonly rho: Float64Array;
  readonly s0: Float64Array;
  readonly j: Float64Array[];
  /** 1D [Exx]; 2D [Exx, Exy, Eyy]. */
  readonly E: Float64Array[];
  readonly q2: Float64Array;
  readonly qmin: Float64Array;
  readonly qmax: Float64Array;
  // Lemma 2.5 terms: (1/eps) div j, and per direction (1/eps)(div E)_d, (1/eps) ∂_d rho, λ j_d / eps²
  readonly divj: Float64Array;
  readonly parts: Float64Array[][];
  /** The same arrays under the solvers' names (../solvers/microMacro/moments.ts). */
  readonly view: LevelMomentArrays;
  /** The MicroLevel id these moments are of (-1: none), and whether divj and parts are filled. */
  id = -1;
  terms = false;

  constructor(N: number, dim: 1 | 2) {
    const f = () => new Float64Array(N);
    this.rho = f();
    this.s0 = f();
    this.j = Array.from({ length: dim }, f);
    this.E = Array.from({ length: dim === 1 ? 1 : 3 }, f);
    this.q2 = f();
    this.qmin = f();
    this.qmax = f();
    this.divj = f();
    this.parts = Array.from({ length: dim }, () => [f(), f(), f()]);
    const [jx, jy = jx] = this.j;
    const [exx, exy = exx, eyy = exx] = this.E;
    this.view = { s0: this.s0, q2: this.q2, jx, jy, exx, exy, eyy, qmin: this.qmin, qmax: this.qmax };
  }
}

/**
 * The per-cell moments of the current (previous = false) or the previous level, computed by the stepper
 * (the 2D kinetic stepper shares the pass among its threads; null: compute them here). Same values bitwise.
 */
export type MomentProvider = (previous: boolean) => LevelMomentArrays | null;

const MOMENT_KEYS = ['s0', 'q2', 'jx', 'jy', 'exx', 'exy', 'eyy', 'qmin', 'qmax'] as const;

export class KineticSeries {
  private readonly N: number;
  private readonly K: number;
  private readonly dim: 1 | 2;
  private readonly W: number;
  private readonly wk: Float64Array[];
  private readonly bufs: [LevelMoments, LevelMoments];
  private readonly lam: Float64Array;
  private readonly F: GridFourier;
  private readonly Z: Float64Array[];
  private readonly fieldsA: Float64Array[];
  private readonly pk = new Float64Array(4);

  constructor(
    private readonly grid: Grid,
    vel: VelocityNodes,
    private readonly opts: { eps: number; lambda: (rho: number) => number; symbol?: HelmholtzSymbol },
  ) {
    const N = grid.cells;
    const K = vel.count;
    this.N = N;
    this.K = K;
    this.dim = grid.dim as 1 | 2;
    let W = 0;
    for (let k = 0; k < K; k++) W += vel.w[k];
    this.W = W;
    // per-velocity weights of the moments: w, w vx, w (vx² − 1) [, w vy, w vx vy, w (vy² − 1)]
    const vx = vel.v[0];
    const vy = this.dim === 2 ? vel.v[1] : null;
    const m = (g: (k: number) => number) => Float64Array.from({ length: K }, (_, k) => vel.w[k] * g(k));
    this.wk = [m(() => 1), m((k) => vx[k]), m((k) => vx[k] * vx[k] - 1)];
    if (vy) this.wk.push(m((k) => vy[k]), m((k) => vx[k] * vy[k]), m((k) => vy[k] * vy[k] - 1));
    this.bufs = [new LevelMoments(N, this.dim), new LevelMoments(N, this.dim)];
    this.lam = new Float64Array(N);
    this.F = new GridFourier(grid.n);
    const pairs = this.dim === 2 ? 4 : 2;
    this.Z = Array.from({ length: pairs }, () => new Float64Array(2 * N));
    this.fieldsA = Array.from({ length: 2 }, () => new Float64Array(N));
  }

  /** One series row's kinetic and theorem quantities of the level `now` (`prev`, dt: the level before it and the step between them, or null). */
  sample(now: MicroLevel, prev: MicroLevel | null, dt: number, provider?: MomentProvider): KineticDiagnostics & TheoremDiagnostics & MomentResiduals {
    const withPrev = prev !== null && dt > 0 && this.opts.eps >= THEOREM_EPS_MIN;
    // a level's moments are kept under its id: with a row every step, the previous level is the last row's
    let P = withPrev ? this.cached(prev) : null;
    const A = this.cached(now) ?? this.fill(now, P, provider?.(false));
    const kin = this.kinetic(now.rho, A);
    const th = this.theorems(A);
    let res: MomentResiduals = { res_rho: NaN, res_j: NaN };
    if (withPrev) {
      P ??= this.fill(prev, A, provider?.(true));
      if (!P.terms) this.lemma25Terms(P);
      if (!A.terms) this.lemma25Terms(A);
      res = this.residuals(P, A, dt);
    }
    return { ...kin, ...th, ...res };
  }

  private cached(L: MicroLevel): LevelMoments | null {
    if (L.id === undefined) return null;
    return this.bufs.find((M) => M.id === L.id) ?? null;
  }

  /** The moments of L in the buffer that does not hold `keep` (copied from `given` when the stepper computed them). */
  private fill(L: MicroLevel, keep: LevelMoments | null, given?: LevelMomentArrays | null): LevelMoments {
    const M = this.bufs[0] === keep ? this.bufs[1] : this.bufs[0];
    if (given && this.dim === 2) {
      const v = M.view;
      for (const key of MOMENT_KEYS) v[key].set(given[key]);
      const rho = L.rho;
      for (let i = 0; i < this.N; i++) M.rho[i] = rho[i] + M.s0[i];
    } else this.moments(L, M);
    M.id = L.id ?? -1;
    M.terms = false;
    return M;
  }

  private moments(L: MicroLevel, M: LevelMoments): void {
    const { N, K, wk, dim } = this;
    const { q, cellStride: cs, velocityStride: vs } = L;
    const [w, wx, wxx, wy, wxy, wyy] = wk;
    const { s0, q2, qmin, qmax } = M;
    const jx = M.j[0];
    const exx = M.E[0];
    const jy = dim === 2 ? M.j[1] : jx;
    const exy = dim === 2 ? M.E[1] : exx;
    const eyy = dim === 2 ? M.E[2] : exx;
    if (cs === 1 && vs === N && dim === 2) {
      // velocity-major (Levels2D): the solvers' blocked pass (also run by the 2D kernels' threads)
      momentsCells2D(N, K, wk, q, M.view, 0, N);
    } else {
      for (let i = 0; i < N; i++) {
        const o = i * cs;
        let a = 0;
        let b = 0;
        let c = 0;
        let d = 0;
        let e = 0;
        let f = 0;
        let g2 = 0;
        let lo = Infinity;
        let hi = -Infinity;
        for (let k = 0; k < K; k++) {
          const g = q[o + k * vs];
          a += w[k] * g;
          g2 += w[k] * g * g;
          b += wx[k] * g;
          c += wxx[k] * g;
          if (dim === 2) {
            d += wy[k] * g;
            e += wxy[k] * g;
            f += wyy[k] * g;
          }
          if (g < lo) lo = g;
          if (g > hi) hi = g;
        }
        s0[i] = a;
        q2[i] = g2;
        jx[i] = b;
        exx[i] = c;
        if (dim === 2) {
          jy[i] = d;
          exy[i] = e;
          eyy[i] = f;
        }
        qmin[i] = lo;
        qmax[i] = hi;
      }
    }
    const rho = L.rho;
    for (let i = 0; i < N; i++) M.rho[i] = rho[i] + s0[i];
  }

  private kinetic(rho: Float64Array, M: LevelMoments): KineticDiagnostics {
    const { N, W } = this;
    let mass = 0;
    for (let c = 0; c < N; c++) mass += rho[c];
    const m = mass / N; // the mean density (T^d has volume 1)
    let l2 = 0;
    let neq = 0;
    let dist = 0;
    let fl = 0;
    let lo = Infinity;
    let hi = -Infinity;
    const { s0, q2, qmin, qmax } = M;
    for (let c = 0; c < N; c++) {
      const r = rho[c];
      const s = s0[c];
      l2 += W * r * r + 2 * r * s + q2[c];
      neq += Math.max(0, q2[c] - s * s);
      const dm = r - m;
      dist += W * dm * dm + 2 * dm * s + q2[c];
      const a = r + qmin[c];
      const b = r + qmax[c];
      if (a < lo) lo = a;
      if (b > hi) hi = b;
      for (const f of M.j) fl += f[c] * f[c];
    }
    const V = this.grid.cellVolume;
    return { l2_sq: l2 * V, l2_neq_sq: neq * V, flux_l2_sq: fl * V, h_min: lo, h_max: hi, dist_eq: Math.sqrt(Math.max(0, dist) * V) };
  }

  private theorems(M: LevelMoments): TheoremDiagnostics {
    const { N, dim, lam } = this;
    const { eps } = this.opts;
    const V = this.grid.cellVolume;
    let e2 = 0;
    let rj = 0;
    let rE = 0;
    let dl2 = 0;
    const [lx, ly] = this.fieldsA;
    const lambda = this.opts.lambda;
    const { rho, q2, s0 } = M;
    const jx = M.j[0];
    const jy = dim === 2 ? M.j[1] : jx;
    const exx = M.E[0];
    const exy = dim === 2 ? M.E[1] : exx;
    const eyy = dim === 2 ? M.E[2] : exx;
    for (let c = 0; c < N; c++) {
      const l = lambda(rho[c]);
      lam[c] = l;
      const a = jx[c];
      const e = exx[c];
      let jj = a * a;
      let ee = e * e;
      lx[c] = l * a;
      if (dim === 2) {
        const b = jy[c];
        jj += b * b;
        ee += 2 * exy[c] * exy[c] + eyy[c] * eyy[c];
        ly[c] = l * b;
      }
      e2 += ee;
      const s = Math.max(0, q2[c] - s0[c] * s0[c]);
      if (s > 1e-300) {
        rj = Math.max(rj, Math.sqrt(jj / s));
        rE = Math.max(rE, Math.sqrt(ee / s));
      }
      dl2 += l * s;
    }
    const [cross, dcross] = this.spectral(M, lx, ly);
    const resolved = eps >= THEOREM_EPS_MIN;
    return {
      E_l2: Math.sqrt(e2 * V),
      lemma24_j: resolved ? rj : NaN,
      lemma24_E: resolved ? rE : NaN,
      cross: cross * V,
      dl2_dt: resolved ? (-2 / (eps * eps)) * dl2 * V : NaN,
      dcross_dt: resolved ? dcross * V : NaN,
    };
  }

  /** Σ_c j·K∇rho and Σ_c (∂_t j·K∇rho + j·K∇∂_t rho) (Lemma 2.5) by Parseval. */
  private spectral(M: LevelMoments, lx: Float64Array, ly: Float64Array): [number, number] {
    const { N, dim, F } = this;
    const { nx, ny } = F;
    const { eps } = this.opts;
    const Z = this.Z;
    if (dim === 2) {
      F.forwardPairInto(M.rho, M.j[0], Z[0]);
      F.forwardPairInto(M.j[1], M.E[0], Z[1]);
      F.forwardPairInto(M.E[1], M.E[2], Z[2]);
      F.forwardPairInto(lx, ly, Z[3]);
    } else {
      F.forwardPairInto(M.rho, M.j[0], Z[0]);
      F.forwardPairInto(M.E[0], lx, Z[1]);
    }
    const paper = this.opts.symbol === 'paper';
    const tp = 2 * Math.PI;
    const ie = 1 / eps;
    const ie2 = ie * ie;
    // the two real fields a + i b packed in Z: â_k = (Z_k + conj Z_−k)/2, b̂_k = (Z_k − conj Z_−k)/(2i)
    const ex = (z: Float64Array, c: number, cm: number, out: Float64Array) => {
      const zr = z[2 * c];
      const zi = z[2 * c + 1];
      const mr = z[2 * cm];
      const mi = z[2 * cm + 1];
      out[0] = 0.5 * (zr + mr);
      out[1] = 0.5 * (zi - mi);
      out[2] = 0.5 * (zi + mi);
      out[3] = -0.5 * (zr - mr);
    };
    const p = this.pk;
    let cross = 0;
    let dcross = 0;
    for (let jy = 0; jy < ny; jy++) {
      const kyw = GridFourier.wave(jy, ny);
      const jm = jy === 0 ? 0 : ny - jy;
      const Dy = dim === 2 && !(ny % 2 === 0 && Math.abs(kyw) === ny / 2) ? tp * kyw : 0;
      for (let ix = 0; ix < nx; ix++) {
        const kxw = GridFourier.wave(ix, nx);
        const im = ix === 0 ? 0 : nx - ix;
        const c = ix + nx * jy;
        const cm = im + nx * jm;
        const Dx = !(nx % 2 === 0 && Math.abs(kxw) === nx / 2) ? tp * kxw : 0;
        const k2 = kxw * kxw + (dim === 2 ? kyw * kyw : 0);
        const inv = paper ? 1 / (1 + tp * k2) : 1 / (1 + tp * tp * k2);
        // spectra (re, im)
        ex(Z[0], c, cm, p);
        const rr = p[0], ri = p[1], jxr = p[2], jxi = p[3];
        let jyr = 0, jyi = 0, exr = 0, exi = 0, xyr = 0, xyi = 0, yyr = 0, yyi = 0, lxr = 0, lxi = 0, lyr = 0, lyi = 0;
        if (dim === 2) {
          ex(Z[1], c, cm, p);
          jyr = p[0]; jyi = p[1]; exr = p[2]; exi = p[3];
          ex(Z[2], c, cm, p);
          xyr = p[0]; xyi = p[1]; yyr = p[2]; yyi = p[3];
          ex(Z[3], c, cm, p);
          lxr = p[0]; lxi = p[1]; lyr = p[2]; lyi = p[3];
        } else {
          ex(Z[1], c, cm, p);
          exr = p[0]; exi = p[1]; lxr = p[2]; lxi = p[3];
        }
        // i D a = (−D a_im, D a_re)
        // u_d = K ∂_d rho = i D_d inv rho
        const uxr = -Dx * inv * ri, uxi = Dx * inv * rr;
        const uyr = -Dy * inv * ri, uyi = Dy * inv * rr;
        cross += jxr * uxr + jxi * uxi + jyr * uyr + jyi * uyi;
        // ∂_t rho = −(1/eps)(i Dx jx + i Dy jy)
        const dtr = ie * (Dx * jxi + Dy * jyi), dti = -ie * (Dx * jxr + Dy * jyr);
        // K ∂_d ∂_t rho = i D_d inv ∂_t rho
        const kxr = -Dx * inv * dti, kxi = Dx * inv * dtr;
        const kyr = -Dy * inv * dti, kyi = Dy * inv * dtr;
        // ∂_t j_x = −(1/eps)(i Dx Exx + i Dy Exy) − (1/eps) i Dx rho − (1/eps²) λ jx ; y likewise
        const tjxr = ie * (Dx * exi + Dy * xyi + Dx * ri) - ie2 * lxr;
        const tjxi = -ie * (Dx * exr + Dy * xyr + Dx * rr) - ie2 * lxi;
        const tjyr = ie * (Dx * xyi + Dy * yyi + Dy * ri) - ie2 * lyr;
        const tjyi = -ie * (Dx * xyr + Dy * yyr + Dy * rr) - ie2 * lyi;
        dcross += tjxr * uxr + tjxi * uxi + jxr * kxr + jxi * kxi;
        if (dim === 2) dcross += tjyr * uyr + tjyi * uyi + jyr * kyr + jyi * kyi;
      }
    }
    return [cross / N, dcross / N];
  }

  /** Lemma 2.5's space terms of a level (centred differences; see theorems.ts momentResiduals). */
  private lemma25Terms(M: LevelMoments): void {
    const { N, dim, lam } = this;
    const grid = this.grid;
    const nx = grid.n[0];
    const ny = dim === 2 ? grid.n[1] : 1;
    const { eps } = this.opts;
    const hx = 2 * grid.dx[0];
    const hy = dim === 2 ? 2 * grid.dx[1] : 1;
    for (let c = 0; c < N; c++) lam[c] = this.opts.lambda(M.rho[c]);
    const jx = M.j[0];
    const jy = dim === 2 ? M.j[1] : jx;
    for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      const js = j === 0 ? ny - 1 : j - 1;
      for (let i = 0; i < nx; i++) {
        const c = i + nx * j;
        const e = (i + 1 === nx ? 0 : i + 1) + nx * j;
        const w = (i === 0 ? nx - 1 : i - 1) + nx * j;
        const n = i + nx * jn;
        const s = i + nx * js;
        let divj = (jx[e] - jx[w]) / hx / eps;
        const px = M.parts[0];
        if (dim === 1) {
          px[0][c] = (M.E[0][e] - M.E[0][w]) / hx / eps;
        } else {
          divj += (jy[n] - jy[s]) / hy / eps;
          px[0][c] = ((M.E[0][e] - M.E[0][w]) / hx + (M.E[1][n] - M.E[1][s]) / hy) / eps;
          const py = M.parts[1];
          py[0][c] = ((M.E[1][e] - M.E[1][w]) / hx + (M.E[2][n] - M.E[2][s]) / hy) / eps;
          py[1][c] = (M.rho[n] - M.rho[s]) / hy / eps;
          py[2][c] = (lam[c] * jy[c]) / (eps * eps);
        }
        px[1][c] = (M.rho[e] - M.rho[w]) / hx / eps;
        px[2][c] = (lam[c] * jx[c]) / (eps * eps);
        M.divj[c] = divj;
      }
    }
    M.terms = true;
  }

  private residuals(A: LevelMoments, B: LevelMoments, dt: number): MomentResiduals {
    const { N, dim } = this;
    const V = this.grid.cellVolume;
    let rr = 0;
    let n1 = 0;
    let n2 = 0;
    for (let c = 0; c < N; c++) {
      const d = (B.rho[c] - A.rho[c]) / dt;
      const s = 0.5 * (A.divj[c] + B.divj[c]);
      rr += (d + s) ** 2;
      n1 += d * d;
      n2 += s * s;
    }
    const rs = Math.sqrt(n1 * V) + Math.sqrt(n2 * V);
    let rj2 = 0;
    let sj = 0;
    for (let dd = 0; dd < dim; dd++) {
      let r = 0;
      let t = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      const a = A.parts[dd];
      const b = B.parts[dd];
      for (let c = 0; c < N; c++) {
        const d = (B.j[dd][c] - A.j[dd][c]) / dt;
        const p0 = 0.5 * (a[0][c] + b[0][c]);
        const p1 = 0.5 * (a[1][c] + b[1][c]);
        const p2 = 0.5 * (a[2][c] + b[2][c]);
        r += (d + p0 + p1 + p2) ** 2;
        t += d * d;
        t0 += p0 * p0;
        t1 += p1 * p1;
        t2 += p2 * p2;
      }
      rj2 += r * V;
      sj += Math.sqrt(t * V) + Math.sqrt(t0 * V) + Math.sqrt(t1 * V) + Math.sqrt(t2 * V);
    }
    return { res_rho: rs > 0 ? Math.sqrt(rr * V) / rs : 0, res_j: sj > 0 ? Math.sqrt(rj2) / sj : 0 };
  }
}

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
 * In 2D with nx even the per-cell pass of a level (levelPass), Lemma 2.5's terms and residual sums
 * (lemma25Terms) and the Parseval mode loop (spectral; not the FFTs) run as WebAssembly kernels
 * (./seriesWasm.ts, ./wasm/series.wat: two cells or modes per f64x2) on arrays that live in the kernels' private
 * memory (both levels' moments, λ, the terms, λ j, the four spectra, the tables), so a row copies nothing into it;
 * their rows agree with this JavaScript to round-off (the sums in another order; min, max and Lemma 2.4's ratios
 * exactly: test/seriesWasm.test.ts). The JavaScript below stays the reference and the fallback: NLBGK_KERNELS=js,
 * no .wasm (the browser), nx odd, 1D.
 *
 * Every buffer is allocated once (no allocation per row for power-of-two grids).
 */
import type { Grid } from '../grid/grid.js';
import { GridFourier, type HelmholtzSymbol } from '../grid/fourier.js';
import type { KineticDiagnostics, VelocityNodes } from './kinetic.js';
import type { MicroLevel } from '../solvers/microMacro/levels.js';
import { momentsCells2D, type LevelMomentArrays } from '../solvers/microMacro/moments.js';
import { THEOREM_EPS_MIN, type MomentResiduals, type TheoremDiagnostics } from './theorems.js';
import { LEVEL_ARRAYS, SeriesWasm } from './seriesWasm.js';


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
  /** λ(rho) per cell of this level (filled once per level: `lamReady`). */
  readonly lam: Float64Array;
  lamReady = false;
  // Lemma 2.5 terms: (1/eps) div j, and per direction (1/eps)(div E)_d, (1/eps) ∂_d rho, λ j_d / eps²
  readonly divj: Float64Array;
  readonly parts: Float64Array[][];
  /** The same arrays under the solvers' names (../solvers/microMacro/moments.ts). */
  readonly view: LevelMomentArrays;
  /** The WebAssembly path: a copy of the level's macro rho (MicroLevel.rho), the first of the level's arrays in the kernels' memory; else null. */
  readonly rl: Float64Array | null;
  /** The MicroLevel id these moments are of (-1: none), and whether divj and parts are filled. */
  id = -1;
  terms = false;

  /** alloc: the WebAssembly path's memory (every array taken in the kernels' order, ./seriesWasm.ts), else undefined. */
  constructor(N: number, dim: 1 | 2, alloc?: (n: number) => Float64Array) {
    const f = alloc ? () => alloc(N) : () => new Float64Array(N);
    this.rl = alloc ? f() : null;
    this.rho = f();
    this.s0 = f();
    this.j = Array.from({ length: dim }, f);
    this.E = Array.from({ length: dim === 1 ? 1 : 3 }, f);
    this.q2 = f();
    this.qmin = f();
    this.qmax = f();
    this.lam = f();
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
  private readonly F: GridFourier;
  private readonly Z: Float64Array[];
  private readonly fieldsA: Float64Array[];
  /** Per axis: wave numbers, the derivative symbols 2πk (0 at the Nyquist index) and each index's mirror (−k). */
  private readonly axes: { k: Float64Array; D: Float64Array; mirror: Int32Array }[];
  /** The WebAssembly kernels (2D, nx even, where they load and NLBGK_KERNELS ≠ js), whose memory holds every array above but `wk`; else null. */
  private readonly wasm: SeriesWasm | null;

  constructor(
    private readonly grid: Grid,
    vel: VelocityNodes,
    private readonly opts: {
      eps: number;
      lambda: (rho: number) => number;
      /** Optional vectorised λ: out[i] = lambda(rho[i]), i < n, the same values (e.g. a rate's lambdaArray). */
      lambdaArray?: (rho: Float64Array, out: Float64Array, n: number) => void;
      symbol?: HelmholtzSymbol;
    },
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
    this.F = new GridFourier(grid.n);
    const { nx, ny } = this.F;
    const pairs = this.dim === 2 ? 4 : 2;
    // the WebAssembly path takes every array the kernels see from its memory: both levels, λ j, the spectra, the tables
    this.wasm = this.dim === 2 ? SeriesWasm.create(nx, ny, (2 * LEVEL_ARRAYS + 2 + 2 * pairs) * N + 2 * (nx + ny + 4)) : null;
    const w = this.wasm;
    const alloc = w ? (n: number) => w.take(n) : undefined;
    const arr = alloc ?? ((n: number) => new Float64Array(n));
    this.bufs = [new LevelMoments(N, this.dim, alloc), new LevelMoments(N, this.dim, alloc)];
    this.Z = Array.from({ length: pairs }, () => arr(2 * N));
    this.fieldsA = Array.from({ length: 2 }, () => arr(N));
    this.axes = [nx, ny].map((n, d) => {
      const k = arr(n);
      for (let i = 0; i < n; i++) k[i] = GridFourier.wave(i, n);
      const D = arr(n);
      for (let i = 0; i < n; i++) D[i] = d < this.dim && !(n % 2 === 0 && Math.abs(k[i]) === n / 2) ? 2 * Math.PI * k[i] : 0;
      const mirror = Int32Array.from({ length: n }, (_, i) => (i === 0 ? 0 : n - i));
      return { k, D, mirror };
    });
  }

  /** One series row's kinetic and theorem quantities of the level `now` (`prev`, dt: the level before it and the step between them, or null). */
  sample(now: MicroLevel, prev: MicroLevel | null, dt: number, provider?: MomentProvider): KineticDiagnostics & TheoremDiagnostics & MomentResiduals {
    const withPrev = prev !== null && dt > 0 && this.opts.eps >= THEOREM_EPS_MIN;
    // a level's moments are kept under its id: with a row every step, the previous level is the last row's
    let P = withPrev ? this.cached(prev) : null;
    const A = this.cached(now) ?? this.fill(now, P, provider?.(false));
    // one pass over the level's moments for the kinetic columns and the theorem columns' cell sums
    const kin = this.levelPass(now.rho, A);
    const th = this.theorems(A);
    let res: MomentResiduals = { res_rho: NaN, res_j: NaN };
    if (withPrev) {
      P ??= this.fill(prev, A, provider?.(true));
      if (!P.terms) this.lemma25Terms(P);
      // with a row every step P's terms are the last row's: A's are formed in the residuals' own pass (the
      // WebAssembly path forms them again where they are there, so that its sums keep one order)
      res = A.terms && !this.wasm ? this.residuals(P, A, dt) : this.lemma25Terms(A, P, dt);
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
      M.rl?.set(rho);
    } else this.moments(L, M);
    M.id = L.id ?? -1;
    M.terms = false;
    M.lamReady = false;
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
    M.rl?.set(rho);
  }

  /** The cell sums of the theorem columns from levelPass (theorems() adds the Fourier terms). */
  private readonly thSums = { e2: 0, rj: 0, rE: 0, dl2: 0 };

  /**
   * One pass over a level's moments (cells in order, so every sum is the one of separate loops): the kinetic
   * columns, and the theorem columns' cell sums (thSums) with λ j into fieldsA. (Lemma 2.5's stencil terms in
   * the same loop made it slower: measured 1.1–1.3 ms against 0.6 + 0.4 at 128².)
   */
  private levelPass(rho: Float64Array, M: LevelMoments): KineticDiagnostics {
    const { N, W, dim } = this;
    if (this.wasm) return this.levelPassWasm(M);
    let mass = 0;
    for (let c = 0; c < N; c++) mass += rho[c];
    const m = mass / N; // the mean density (T^d has volume 1)
    let l2 = 0;
    let neq = 0;
    let dist = 0;
    let fl = 0;
    let lo = Infinity;
    let hi = -Infinity;
    let e2 = 0;
    let rj = 0;
    let rE = 0;
    let dl2 = 0;
    const { s0, q2, qmin, qmax } = M;
    const lam = this.levelLambda(M);
    const [lx, ly] = this.fieldsA;
    const jx = M.j[0];
    const jy = dim === 2 ? M.j[1] : jx;
    const exx = M.E[0];
    const exy = dim === 2 ? M.E[1] : exx;
    const eyy = dim === 2 ? M.E[2] : exx;
    for (let c = 0; c < N; c++) {
      // kinetic columns
      const r = rho[c];
      const s = s0[c];
      const qq = q2[c];
      l2 += W * r * r + 2 * r * s + qq;
      const sv = Math.max(0, qq - s * s);
      neq += sv;
      const dm = r - m;
      dist += W * dm * dm + 2 * dm * s + qq;
      const a = r + qmin[c];
      const b = r + qmax[c];
      if (a < lo) lo = a;
      if (b > hi) hi = b;
      const ax = jx[c];
      fl += ax * ax;
      // theorem columns: |E|², Lemma 2.4's ratios, d‖f‖²/dt, λ j
      const l = lam[c];
      const ex = exx[c];
      let jj = ax * ax;
      let ee = ex * ex;
      lx[c] = l * ax;
      if (dim === 2) {
        const ay = jy[c];
        fl += ay * ay;
        jj += ay * ay;
        ee += 2 * exy[c] * exy[c] + eyy[c] * eyy[c];
        ly[c] = l * ay;
      }
      e2 += ee;
      if (sv > 1e-300) {
        // the root of the largest ratio: sqrt is correctly rounded and monotone, so the largest root (NaN stays NaN)
        rj = Math.max(rj, jj / sv);
        rE = Math.max(rE, ee / sv);
      }
      dl2 += l * sv;
    }
    const t = this.thSums;
    t.e2 = e2;
    t.rj = Math.sqrt(rj);
    t.rE = Math.sqrt(rE);
    t.dl2 = dl2;
    const V = this.grid.cellVolume;
    return { l2_sq: l2 * V, l2_neq_sq: neq * V, flux_l2_sq: fl * V, h_min: lo, h_max: hi, dist_eq: Math.sqrt(Math.max(0, dist) * V) };
  }

  /** levelPass in WebAssembly (wasm/series.wat levelPass; M.rl is the level's macro rho): the same values to round-off, min and max exactly. */
  private levelPassWasm(M: LevelMoments): KineticDiagnostics {
    this.levelLambda(M);
    const [lx, ly] = this.fieldsA;
    const o = this.wasm!.levelPass(M.rl!.byteOffset, this.W, lx, ly);
    const t = this.thSums;
    t.e2 = o[7];
    t.rj = Math.sqrt(o[8]);
    t.rE = Math.sqrt(o[9]);
    t.dl2 = o[10];
    const V = this.grid.cellVolume;
    return { l2_sq: o[1] * V, l2_neq_sq: o[2] * V, flux_l2_sq: o[4] * V, h_min: o[5], h_max: o[6], dist_eq: Math.sqrt(Math.max(0, o[3]) * V) };
  }

  /** λ(rho) of a level's cells, once per level (both rows that use the level and its Lemma 2.5 terms read it). */
  private levelLambda(M: LevelMoments): Float64Array {
    if (M.lamReady) return M.lam;
    const { N } = this;
    const { lambda, lambdaArray } = this.opts;
    if (lambdaArray) lambdaArray(M.rho, M.lam, N);
    else for (let c = 0; c < N; c++) M.lam[c] = lambda(M.rho[c]);
    M.lamReady = true;
    return M.lam;
  }

  /** The theorem columns of the level levelPass just went over (its cell sums) with the Fourier terms. */
  private theorems(M: LevelMoments): TheoremDiagnostics {
    const { eps } = this.opts;
    const V = this.grid.cellVolume;
    const { e2, rj, rE, dl2 } = this.thSums;
    const [lx, ly] = this.fieldsA;
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
    const fac = paper ? tp : tp * tp; // K's symbol 1/(1 + fac |k|²)
    if (this.wasm) {
      // the mode loop below in WebAssembly (wasm/series.wat spectral: the same order and expressions)
      const [ax, ay] = this.axes;
      const o = this.wasm.spectral(Z, ax.k, ax.D, ay.k, ay.D, fac, ie, ie2);
      return [o[0] / N, o[1] / N];
    }
    // The terms of the modes k and −k are equal (real fields: â_−k = conj â_k, D_−k = −D_k, the same K symbol;
    // the unpacking below gives exactly conjugate values), so each pair {k, −k} is visited once with weight 2,
    // a self-conjugate mode (k = −k on the grid) with weight 1.
    const Z0 = Z[0];
    const Z1 = Z[1];
    const Z2 = dim === 2 ? Z[2] : Z0;
    const Z3 = dim === 2 ? Z[3] : Z0;
    let cross = 0;
    let dcross = 0;
    const [ax, ay] = this.axes;
    const kx = ax.k, DxT = ax.D, mx = ax.mirror;
    for (let jy = 0; jy < ny; jy++) {
      const jm = ay.mirror[jy];
      if (jm < jy) continue;
      const selfRow = jm === jy;
      const kyw = ay.k[jy];
      const Dy = ay.D[jy];
      const ky2 = dim === 2 ? kyw * kyw : 0;
      for (let ix = 0; ix < nx; ix++) {
        const im = mx[ix];
        let wgt = 2;
        if (selfRow) {
          if (im < ix) continue;
          if (im === ix) wgt = 1;
        }
        const kxw = kx[ix];
        const c = 2 * (ix + nx * jy);
        const cm = 2 * (im + nx * jm);
        const Dx = DxT[ix];
        const k2 = kxw * kxw + ky2;
        const inv = 1 / (1 + fac * k2);
        // the two real fields a + i b packed in a spectrum Z: â_k = (Z_k + conj Z_−k)/2, b̂_k = (Z_k − conj Z_−k)/(2i)
        let zr = Z0[c], zi = Z0[c + 1], mr = Z0[cm], mi = Z0[cm + 1];
        const rr = 0.5 * (zr + mr), ri = 0.5 * (zi - mi), jxr = 0.5 * (zi + mi), jxi = -0.5 * (zr - mr);
        let jyr = 0, jyi = 0, exr, exi, xyr = 0, xyi = 0, yyr = 0, yyi = 0, lxr, lxi, lyr = 0, lyi = 0;
        zr = Z1[c]; zi = Z1[c + 1]; mr = Z1[cm]; mi = Z1[cm + 1];
        if (dim === 2) {
          jyr = 0.5 * (zr + mr); jyi = 0.5 * (zi - mi); exr = 0.5 * (zi + mi); exi = -0.5 * (zr - mr);
          zr = Z2[c]; zi = Z2[c + 1]; mr = Z2[cm]; mi = Z2[cm + 1];
          xyr = 0.5 * (zr + mr); xyi = 0.5 * (zi - mi); yyr = 0.5 * (zi + mi); yyi = -0.5 * (zr - mr);
          zr = Z3[c]; zi = Z3[c + 1]; mr = Z3[cm]; mi = Z3[cm + 1];
          lxr = 0.5 * (zr + mr); lxi = 0.5 * (zi - mi); lyr = 0.5 * (zi + mi); lyi = -0.5 * (zr - mr);
        } else {
          exr = 0.5 * (zr + mr); exi = 0.5 * (zi - mi); lxr = 0.5 * (zi + mi); lxi = -0.5 * (zr - mr);
        }
        // i D a = (−D a_im, D a_re)
        // u_d = K ∂_d rho = i D_d inv rho
        const uxr = -Dx * inv * ri, uxi = Dx * inv * rr;
        const uyr = -Dy * inv * ri, uyi = Dy * inv * rr;
        // ∂_t rho = −(1/eps)(i Dx jx + i Dy jy)
        const dtr = ie * (Dx * jxi + Dy * jyi), dti = -ie * (Dx * jxr + Dy * jyr);
        // K ∂_d ∂_t rho = i D_d inv ∂_t rho
        const kxr = -Dx * inv * dti, kxi = Dx * inv * dtr;
        const kyr = -Dy * inv * dti, kyi = Dy * inv * dtr;
        // ∂_t j_x = −(1/eps)(i Dx Exx + i Dy Exy) − (1/eps) i Dx rho − (1/eps²) λ jx ; y likewise
        const tjxr = ie * (Dx * exi + Dy * xyi + Dx * ri) - ie2 * lxr;
        const tjxi = -ie * (Dx * exr + Dy * xyr + Dx * rr) - ie2 * lxi;
        let dc = tjxr * uxr + tjxi * uxi + jxr * kxr + jxi * kxi;
        if (dim === 2) {
          const tjyr = ie * (Dx * xyi + Dy * yyi + Dy * ri) - ie2 * lyr;
          const tjyi = -ie * (Dx * xyr + Dy * yyr + Dy * rr) - ie2 * lyi;
          dc += tjyr * uyr + tjyi * uyi + jyr * kyr + jyi * kyi;
        }
        cross += wgt * (jxr * uxr + jxi * uxi + jyr * uyr + jyi * uyi);
        dcross += wgt * dc;
      }
    }
    return [cross / N, dcross / N];
  }

  /**
   * Lemma 2.5's space terms of a level (centred differences; see theorems.ts momentResiduals); with P (the
   * level before, its terms formed) and dt also the residuals over the step, accumulated in the same pass over
   * the cells (each sum over the cells in order: the values of residuals(P, M, dt)).
   */
  private lemma25Terms(M: LevelMoments): null;
  private lemma25Terms(M: LevelMoments, P: LevelMoments, dt: number): MomentResiduals;
  private lemma25Terms(M: LevelMoments, P?: LevelMoments, dt = 0): MomentResiduals | null {
    const { dim } = this;
    const grid = this.grid;
    const nx = grid.n[0];
    const ny = dim === 2 ? grid.n[1] : 1;
    const { eps } = this.opts;
    const hx = 2 * grid.dx[0];
    const hy = dim === 2 ? 2 * grid.dx[1] : 1;
    // reciprocals once (the reference formulas divide; the values agree to round-off)
    const cx = 1 / (hx * eps);
    const cy = 1 / (hy * eps);
    const ie2 = 1 / (eps * eps);
    const lam = this.levelLambda(M);
    const { rho, divj } = M;
    const jx = M.j[0];
    const jy = dim === 2 ? M.j[1] : jx;
    const exx = M.E[0];
    const exy = dim === 2 ? M.E[1] : exx;
    const eyy = dim === 2 ? M.E[2] : exx;
    const [px0, px1, px2] = M.parts[0];
    const [py0, py1, py2] = dim === 2 ? M.parts[1] : M.parts[0];
    // the residuals' operands (P's terms; M's own when there is no P, unused then)
    const withRes = P !== undefined;
    const Q = P ?? M;
    const rA = Q.rho, dA = Q.divj, jA = Q.j[0], jAy = dim === 2 ? Q.j[1] : jA;
    const [a0, a1, a2] = Q.parts[0];
    const [b0, b1, b2] = dim === 2 ? Q.parts[1] : Q.parts[0];
    let rr = 0, n1 = 0, n2 = 0;
    let rx = 0, tx = 0, tx0 = 0, tx1 = 0, tx2 = 0;
    let ry = 0, ty = 0, ty0 = 0, ty1 = 0, ty2 = 0;
    if (this.wasm) {
      // wasm/series.wat lemma25: the loop below, two cells per f64x2 (the sums in another order)
      const o = this.wasm.lemma25(M.rl!.byteOffset, withRes ? Q.rl!.byteOffset : -1, cx, cy, ie2, dt);
      rr = o[0]; n1 = o[1]; n2 = o[2];
      rx = o[3]; tx = o[4]; tx0 = o[5]; tx1 = o[6]; tx2 = o[7];
      ry = o[8]; ty = o[9]; ty0 = o[10]; ty1 = o[11]; ty2 = o[12];
    } else for (let j = 0; j < ny; j++) {
      const jn = j + 1 === ny ? 0 : j + 1;
      const js = j === 0 ? ny - 1 : j - 1;
      for (let i = 0; i < nx; i++) {
        const c = i + nx * j;
        const e = (i + 1 === nx ? 0 : i + 1) + nx * j;
        const w = (i === 0 ? nx - 1 : i - 1) + nx * j;
        let dj = (jx[e] - jx[w]) * cx;
        let x0: number;
        let y0 = 0, y1 = 0, y2 = 0;
        if (dim === 1) {
          x0 = (exx[e] - exx[w]) * cx;
        } else {
          const n = i + nx * jn;
          const s = i + nx * js;
          dj += (jy[n] - jy[s]) * cy;
          x0 = (exx[e] - exx[w]) * cx + (exy[n] - exy[s]) * cy;
          y0 = (exy[e] - exy[w]) * cx + (eyy[n] - eyy[s]) * cy;
          y1 = (rho[n] - rho[s]) * cy;
          y2 = lam[c] * jy[c] * ie2;
          py0[c] = y0;
          py1[c] = y1;
          py2[c] = y2;
        }
        const x1 = (rho[e] - rho[w]) * cx;
        const x2 = lam[c] * jx[c] * ie2;
        px0[c] = x0;
        px1[c] = x1;
        px2[c] = x2;
        divj[c] = dj;
        if (withRes) {
          // as residuals(): A = P (the level before), B = M
          const d = (rho[c] - rA[c]) / dt;
          const sm = 0.5 * (dA[c] + dj);
          const u = d + sm;
          rr += u * u;
          n1 += d * d;
          n2 += sm * sm;
          const dx = (jx[c] - jA[c]) / dt;
          const p0 = 0.5 * (a0[c] + x0);
          const p1 = 0.5 * (a1[c] + x1);
          const p2 = 0.5 * (a2[c] + x2);
          const ux = dx + p0 + p1 + p2;
          rx += ux * ux;
          tx += dx * dx;
          tx0 += p0 * p0;
          tx1 += p1 * p1;
          tx2 += p2 * p2;
          if (dim === 2) {
            const dy = (jy[c] - jAy[c]) / dt;
            const q0 = 0.5 * (b0[c] + y0);
            const q1 = 0.5 * (b1[c] + y1);
            const q2 = 0.5 * (b2[c] + y2);
            const uy = dy + q0 + q1 + q2;
            ry += uy * uy;
            ty += dy * dy;
            ty0 += q0 * q0;
            ty1 += q1 * q1;
            ty2 += q2 * q2;
          }
        }
      }
    }
    M.terms = true;
    if (!withRes) return null;
    const V = this.grid.cellVolume;
    const rs = Math.sqrt(n1 * V) + Math.sqrt(n2 * V);
    let rj2 = rx * V;
    let sj = Math.sqrt(tx * V) + Math.sqrt(tx0 * V) + Math.sqrt(tx1 * V) + Math.sqrt(tx2 * V);
    if (dim === 2) {
      rj2 += ry * V;
      sj += Math.sqrt(ty * V) + Math.sqrt(ty0 * V) + Math.sqrt(ty1 * V) + Math.sqrt(ty2 * V);
    }
    return { res_rho: rs > 0 ? Math.sqrt(rr * V) / rs : 0, res_j: sj > 0 ? Math.sqrt(rj2) / sj : 0 };
  }

  private residuals(A: LevelMoments, B: LevelMoments, dt: number): MomentResiduals {
    const { N, dim } = this;
    const V = this.grid.cellVolume;
    let rr = 0;
    let n1 = 0;
    let n2 = 0;
    const rA = A.rho, rB = B.rho, dA = A.divj, dB = B.divj;
    for (let c = 0; c < N; c++) {
      const d = (rB[c] - rA[c]) / dt;
      const s = 0.5 * (dA[c] + dB[c]);
      const u = d + s;
      rr += u * u;
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
      const [a0, a1, a2] = A.parts[dd];
      const [b0, b1, b2] = B.parts[dd];
      const jA = A.j[dd];
      const jB = B.j[dd];
      for (let c = 0; c < N; c++) {
        const d = (jB[c] - jA[c]) / dt;
        const p0 = 0.5 * (a0[c] + b0[c]);
        const p1 = 0.5 * (a1[c] + b1[c]);
        const p2 = 0.5 * (a2[c] + b2[c]);
        const u = d + p0 + p1 + p2;
        r += u * u;
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

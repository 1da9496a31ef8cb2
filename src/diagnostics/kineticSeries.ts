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
 * their rows agree with the JavaScript twins (./seriesKernels.ts) to round-off (the sums in another order; min, max
 * and Lemma 2.4's ratios exactly: test/seriesWasm.test.ts). The JavaScript stays the reference and the fallback:
 * NLBGK_KERNELS=js, no .wasm (the browser), nx odd, 1D.
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
import { lemma25Js, LevelMoments, levelPassJs, spectralJs, type FourierAxis } from './seriesKernels.js';


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
  private readonly axes: FourierAxis[];
  /** The JavaScript kernels' sums (./seriesKernels.ts; the WebAssembly kernels return their own). */
  private readonly out = new Float64Array(16);
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
      // with a row every step P's terms are the last row's: A's are formed in the residuals' own pass (again
      // where a repeated row of the same level has them, so that the sums keep one order)
      res = this.lemma25Terms(A, P, dt);
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
   * One pass over a level's moments (cells in order in the JavaScript, so every sum is the one of separate loops;
   * WebAssembly: wasm/series.wat levelPass): the kinetic columns, and the theorem columns' cell sums (thSums) with
   * λ j into fieldsA. (Lemma 2.5's stencil terms in the same loop made it slower: measured 1.1–1.3 ms against
   * 0.6 + 0.4 at 128².)
   */
  private levelPass(rho: Float64Array, M: LevelMoments): KineticDiagnostics {
    const lam = this.levelLambda(M);
    const [lx, ly] = this.fieldsA;
    const o = this.wasm ? this.wasm.levelPass(M.rl!.byteOffset, this.W, lx, ly) : this.out;
    if (!this.wasm) levelPassJs(this.N, this.W, this.dim, rho, M, lam, lx, ly, o);
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
    const [ax, ay] = this.axes;
    const o = this.wasm ? this.wasm.spectral(Z, ax.k, ax.D, ay.k, ay.D, fac, ie, ie2) : this.out;
    if (!this.wasm) spectralJs(nx, ny, dim, Z, ax, ay, fac, ie, ie2, o);
    return [o[0] / N, o[1] / N];
  }

  /**
   * Lemma 2.5's space terms of a level (centred differences; see theorems.ts momentResiduals); with P (the
   * level before, its terms formed) and dt also the residuals over the step, accumulated in the same pass over
   * the cells.
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
    const o = this.wasm ? this.wasm.lemma25(M.rl!.byteOffset, P ? P.rl!.byteOffset : -1, cx, cy, ie2, dt) : this.out;
    if (!this.wasm) lemma25Js(nx, ny, dim, cx, cy, ie2, dt, M, lam, P ?? null, o);
    M.terms = true;
    if (!P) return null;
    // o: rho's sums rr, n1, n2, then per direction r, t, t0, t1, t2
    const V = grid.cellVolume;
    const rs = Math.sqrt(o[1] * V) + Math.sqrt(o[2] * V);
    let rj2 = 0;
    let sj = 0;
    for (let d = 0; d < dim; d++) {
      const b = 3 + 5 * d;
      rj2 += o[b] * V;
      sj += Math.sqrt(o[b + 1] * V) + Math.sqrt(o[b + 2] * V) + Math.sqrt(o[b + 3] * V) + Math.sqrt(o[b + 4] * V);
    }
    return { res_rho: rs > 0 ? Math.sqrt(o[0] * V) / rs : 0, res_j: sj > 0 ? Math.sqrt(rj2) / sj : 0 };
  }
}

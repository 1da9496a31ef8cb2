/**
 * The full BGK equation (paper eq. (1.4)) in one space and one velocity dimension (docs/bgk.md):
 *
 *   ∂_t f + s v ∂_x f = (λ(rho)/τ) (M[f] − f),   M[f] the Maxwellian with the moments (rho, rho u, E) of f,
 *   hyperbolic (Knudsen) scaling: s = 1, τ = Kn = eps;   the paper's diffusive scaling: s = 1/eps, τ = eps².
 *
 * Unknown f (not h = f/M: the Maxwellian moves with the flow) on a uniform velocity grid v_j (range from
 * the data, builder.ts), cell-major f[i*K + j], periodic cells. One step of length dt is Strang
 * splitting, R(dt/2) T(dt) R(dt/2):
 *
 *  - R(τ') is the relaxation solved exactly (implicit in the sense that dt is not tied to the Knudsen
 *    number: the moments, hence M and λ(rho), do not change during relaxation), f ← M + e^{−ν τ'} (f − M),
 *    ν = λ(rho)/τ, with Mieussens' discrete Maxwellian (maxwellian.ts), whose discrete moments equal f's:
 *    mass, momentum and energy are conserved to round-off, f stays positive (a convex combination);
 *  - T(dt) is free transport by second-order MUSCL upwind fluxes with minmod slopes and the SSP-RK2
 *    (Heun) time stepping: conservative (flux form), positive for s |v|_max dt/dx ≤ 1/2 (each forward
 *    Euler stage is; Heun is a convex combination). This is the only step limit (stableDt()).
 *
 * Order 2 for smooth non-stiff data; as Kn → 0 the relaxation projects onto M after every step and the
 * scheme becomes a kinetic (flux-vector-splitting) scheme for the Euler equations with γ = 3.
 *
 * Error estimate (AdaptiveStepper, order 2): Milne-type, K (f^{n+1} − P), P the quadratic extrapolation
 * through the last three levels (../errorEstimate.ts), K = C h³/(C h³ + h(h+h1)(h+h1+h2)/6) with the
 * nominal constant C = 1/6 of Heun's method (1/7 at constant steps; the splitting's own constant
 * depends on the data, so the estimate is proportional to the local error, not equal to it), in the
 * per-cell L²(dv) norm over the nodes. NaN for the first two steps. Cells where the slopes are not
 * smooth (one-sided differences differing by more than 3×, as at shocks and contacts, where the slope
 * limiter sets the values) are left out, as the kinetic solvers leave out the cells where their bound
 * limiter acted.
 */
import type { Grid } from '../../grid/grid.js';
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure, type AdaptiveStepper, type StepperState, type Tolerances } from '../stepper.js';
import { predictorCoefficients, weightedDistance } from '../errorEstimate.js';
import { DiscreteMaxwellian } from './maxwellian.js';

export type BgkScaling = 'hyperbolic' | 'diffusive';

export interface BgkOptions {
  grid: Grid;
  rate: RateLaw;
  /** Knudsen number (hyperbolic scaling) or eps (diffusive scaling). */
  eps: number;
  scaling: BgkScaling;
  /** Uniform velocity nodes (ascending). */
  v: Float64Array;
  /** Initial f, cells x nodes, node fastest. */
  f0: Float64Array;
  /** dt = cfl * dx / (s |v|_max) (default 0.4; positivity needs <= 0.5). */
  cfl?: number;
}

export interface BgkCounters {
  steps: number;
  /** Newton iterations of the discrete Maxwellians (summed). */
  maxwellianIterations: number;
  /** Cells left out of the error estimate (summed over steps). */
  roughCells: number;
}

export class BgkSolver implements AdaptiveStepper {
  readonly grid: Grid;
  readonly scheme: string;
  readonly order = 2;
  readonly eps: number;
  readonly scaling: BgkScaling;
  readonly rate: RateLaw;
  readonly v: Float64Array;
  readonly dv: number;
  /** Velocity nodes. */
  readonly count: number;
  readonly counters: BgkCounters = { steps: 0, maxwellianIterations: 0, roughCells: 0 };
  tolerances: Tolerances = { rtol: 1e-4, atol: 1e-4 };
  lastError = NaN;
  lastFailure = '';
  errorPlace = -1;
  readonly estimateNoise = 0;
  private readonly N: number;
  private readonly K: number;
  private readonly dx: number;
  /** Transport speed factor s and relaxation time scale τ. */
  private readonly s: number;
  private readonly tau: number;
  private readonly cfl: number;
  private readonly vmax: number;
  private f: Float64Array;
  private fNew: Float64Array;
  /** The two previous levels (the estimate's predictor) and the steps between them. */
  private fOld: Float64Array;
  private fOld2: Float64Array;
  private dtPrev = 0;
  private dtPrev2 = 0;
  private readonly pc = new Float64Array(3);
  private readonly fa: Float64Array;
  private readonly f1: Float64Array;
  private readonly f2: Float64Array;
  private readonly flux: Float64Array;
  private readonly slope: Float64Array;
  private readonly rough: Uint8Array;
  private readonly M: Float64Array;
  private readonly maxw: DiscreteMaxwellian;
  private readonly rhoOut: Float64Array;
  private time = 0;
  private pendingDt = 0;
  private pendingError = NaN;

  constructor(opts: BgkOptions) {
    const { grid, rate, eps, scaling, v, f0 } = opts;
    if (grid.dim !== 1) throw new RangeError('BgkSolver: one space dimension only');
    if (!(eps > 0) || !Number.isFinite(eps)) throw new RangeError(`BgkSolver: eps must be positive, got ${eps}`);
    const N = grid.cells;
    const K = v.length;
    if (K < 3) throw new RangeError('BgkSolver: at least 3 velocity nodes');
    if (f0.length !== N * K) throw new RangeError(`BgkSolver: f0 must have ${N * K} entries, got ${f0.length}`);
    this.grid = grid;
    this.rate = rate;
    this.eps = eps;
    this.scaling = scaling;
    this.v = Float64Array.from(v);
    this.dv = v[1] - v[0];
    this.count = K;
    this.N = N;
    this.K = K;
    this.dx = grid.dx[0];
    this.s = scaling === 'hyperbolic' ? 1 : 1 / eps;
    this.tau = scaling === 'hyperbolic' ? eps : eps * eps;
    this.cfl = opts.cfl ?? 0.4;
    this.vmax = Math.max(Math.abs(v[0]), Math.abs(v[K - 1]));
    for (let p = 0; p < f0.length; p++) if (!(f0[p] >= 0) || !Number.isFinite(f0[p])) throw new RangeError('BgkSolver: f0 must be finite and >= 0');
    this.f = Float64Array.from(f0);
    this.fNew = new Float64Array(N * K);
    this.fOld = new Float64Array(N * K);
    this.fOld2 = new Float64Array(N * K);
    this.fa = new Float64Array(N * K);
    this.f1 = new Float64Array(N * K);
    this.f2 = new Float64Array(N * K);
    this.flux = new Float64Array(N * K);
    this.slope = new Float64Array(N * K);
    this.rough = new Uint8Array(N);
    this.M = new Float64Array(K);
    this.maxw = new DiscreteMaxwellian(this.v, this.dv);
    this.rhoOut = new Float64Array(N);
    this.scheme = `BGK (${scaling} scaling), Strang splitting: exact relaxation to Mieussens' discrete Maxwellian, MUSCL-minmod upwind transport with SSP-RK2`;
  }

  suggestedDt(): number {
    return (this.cfl * this.dx) / (this.s * this.vmax);
  }

  /** The positivity (CFL) limit of the explicit transport: s |v|_max dt / dx <= 1/2. */
  stableDt(): number {
    return (0.5 * this.dx) / (this.s * this.vmax);
  }

  get t(): number {
    return this.time;
  }

  /** f (cells × nodes, node fastest): a view. */
  distribution(): Float64Array {
    return this.f;
  }

  rho(): Float64Array {
    const { N, K, f, dv } = this;
    const out = this.rhoOut;
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += f[i * K + k];
      out[i] = s * dv;
    }
    return out;
  }

  /** Per-cell density, velocity and temperature into the given arrays. */
  moments(rho: Float64Array, u: Float64Array, T: Float64Array): void {
    const { N, K, f, v, dv } = this;
    for (let i = 0; i < N; i++) {
      let r = 0;
      let m = 0;
      let e = 0;
      for (let k = 0; k < K; k++) {
        const x = f[i * K + k];
        r += x;
        m += x * v[k];
        e += 0.5 * x * v[k] * v[k];
      }
      r *= dv;
      m *= dv;
      e *= dv;
      rho[i] = r;
      u[i] = m / r;
      T[i] = (2 * e) / r - (m / r) ** 2;
    }
  }

  /** Totals of mass, momentum and energy (∫∫ (1, v, v²/2) f dv dx). */
  totals(): [number, number, number] {
    const { N, K, f, v, dv, dx } = this;
    let r = 0;
    let m = 0;
    let e = 0;
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < K; k++) {
        const x = f[i * K + k];
        r += x;
        m += x * v[k];
        e += 0.5 * x * v[k] * v[k];
      }
    }
    return [r * dv * dx, m * dv * dx, e * dv * dx];
  }

  /** The entropy ∫∫ f ln f dv dx (non-increasing for BGK). */
  entropy(): number {
    const { f, dv, dx } = this;
    let s = 0;
    for (let p = 0; p < f.length; p++) if (f[p] > 0) s += f[p] * Math.log(f[p]);
    return s * dv * dx;
  }

  solution(): Float64Array {
    return this.f;
  }

  distance(a: Float64Array, b: Float64Array): number {
    return this.weighted(a, b, b).norm;
  }

  private weighted(a: Float64Array, b: Float64Array, ref: Float64Array): { norm: number; at: number } {
    // the L²(dv) norm per cell: weights Δv (scale-free: the same weight for every node)
    const w = this.wDv ?? (this.wDv = new Float64Array(this.K).fill(this.dv));
    return weightedDistance(a, b, ref, w, this.tolerances.rtol, this.tolerances.atol);
  }
  private wDv: Float64Array | null = null;

  step(dt: number): void {
    if (this.attempt(dt) === Infinity) throw new NumericalFailure(this.lastFailure);
    this.accept();
  }

  attempt(dt: number): number {
    if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`BgkSolver.attempt: dt must be positive, got ${dt}`);
    this.pendingDt = 0;
    this.lastFailure = '';
    if (dt > this.stableDt() * (1 + 1e-12)) {
      this.lastFailure = `BgkSolver: dt = ${dt} exceeds the transport's positivity limit ${this.stableDt()} (s |v|max dt/dx <= 1/2)`;
      return Infinity;
    }
    try {
      this.relax(this.f, this.fa, 0.5 * dt);
      // Heun: f1 = fa + dt L(fa) (forward Euler), f2 = f1 + dt L(f1), fb = (fa + f2)/2
      this.transportStage(this.fa, this.f1, dt, true);
      this.transportStage(this.f1, this.f2, dt, false);
      this.average(this.fa, this.f2);
      this.relax(this.f2, this.fNew, 0.5 * dt);
      const est = this.estimate(dt);
      this.pendingDt = dt;
      this.pendingError = est;
      return est;
    } catch (err) {
      if (!(err instanceof NumericalFailure)) throw err;
      this.lastFailure = err.message;
      return Infinity;
    }
  }

  accept(): void {
    if (!(this.pendingDt > 0)) throw new Error('BgkSolver.accept: no attempt to accept');
    const t = this.fOld2;
    this.fOld2 = this.fOld;
    this.fOld = this.f;
    this.f = this.fNew;
    this.fNew = t;
    this.dtPrev2 = this.dtPrev;
    this.dtPrev = this.pendingDt;
    this.time += this.pendingDt;
    this.counters.steps++;
    this.lastError = this.pendingError;
    this.pendingDt = 0;
  }

  /** out = M + e^{−ν τ'} (src − M) per cell, M the discrete Maxwellian of src's moments. */
  private relax(src: Float64Array, out: Float64Array, tt: number): void {
    const { N, K, v, dv, M, maxw } = this;
    for (let i = 0; i < N; i++) {
      const b = i * K;
      let r = 0;
      let m = 0;
      let e = 0;
      for (let k = 0; k < K; k++) {
        const x = src[b + k];
        r += x;
        m += x * v[k];
        e += 0.5 * x * v[k] * v[k];
      }
      r *= dv;
      m *= dv;
      e *= dv;
      const lam = this.rate.lambda(r);
      if (!(lam > 0) || !Number.isFinite(lam)) throw new NumericalFailure(`BgkSolver: lambda(${r}) = ${lam} is not positive and finite`, { cell: i });
      // (always from the continuous Maxwellian's coefficients: the step depends on the state alone)
      if (!maxw.solve(r, m, e, M)) {
        throw new NumericalFailure(`BgkSolver: no discrete Maxwellian for rho = ${r}, u = ${m / r}, T = ${(2 * e) / r - (m / r) ** 2} (velocity grid too narrow or too coarse for these moments)`, { cell: i });
      }
      this.counters.maxwellianIterations += maxw.iterations;
      const d = Math.exp(-(lam / this.tau) * tt);
      this.relaxCell(src, out, b, d);
    }
  }

  private relaxCell(src: Float64Array, out: Float64Array, b: number, d: number): void {
    const { K, M } = this;
    for (let k = 0; k < K; k++) out[b + k] = M[k] + d * (src[b + k] - M[k]);
  }

  /** out = src − (dt s/dx) D F(src), F the MUSCL-minmod upwind flux; marks rough cells when asked. */
  private transportStage(src: Float64Array, out: Float64Array, dt: number, markRough: boolean): void {
    this.slopes(src, markRough);
    this.fluxes(src);
    this.update(src, out, (dt * this.s) / this.dx);
  }

  /**
   * Minmod slopes; with markRough, a cell is rough when the limited slopes differ from the centred ones by
   * more than half of them in sum over the nodes (Σ|mm − c| > ½ Σ|c| + 10⁻³ Σ f: a shock, a contact or an
   * extremum in x, where the limiter, not the time integration, sets the values).
   */
  private slopes(f: Float64Array, markRough: boolean): void {
    const { N, K, slope, rough } = this;
    for (let i = 0; i < N; i++) {
      const im = (i === 0 ? N - 1 : i - 1) * K;
      const ip = (i === N - 1 ? 0 : i + 1) * K;
      const b = i * K;
      let dev = 0;
      let cen = 0;
      let mass = 0;
      for (let k = 0; k < K; k++) {
        const a = f[b + k] - f[im + k];
        const c = f[ip + k] - f[b + k];
        const mm = a * c <= 0 ? 0 : Math.abs(a) < Math.abs(c) ? a : c;
        slope[b + k] = mm;
        const ce = 0.5 * (a + c);
        dev += Math.abs(mm - ce);
        cen += Math.abs(ce);
        mass += f[b + k];
      }
      if (markRough) rough[i] = dev > 0.5 * cen + 1e-3 * mass ? 1 : 0;
    }
  }

  /** flux[f*K + k] at face f = f+1/2: v_k (upwind reconstruction). */
  private fluxes(f: Float64Array): void {
    const { N, K, v, slope, flux } = this;
    for (let i = 0; i < N; i++) {
      const ip = (i === N - 1 ? 0 : i + 1) * K;
      const b = i * K;
      for (let k = 0; k < K; k++) {
        const vk = v[k];
        flux[b + k] = vk > 0 ? vk * (f[b + k] + 0.5 * slope[b + k]) : vk * (f[ip + k] - 0.5 * slope[ip + k]);
      }
    }
  }

  private update(src: Float64Array, out: Float64Array, c: number): void {
    const { N, K, flux } = this;
    for (let i = 0; i < N; i++) {
      const im = (i === 0 ? N - 1 : i - 1) * K;
      const b = i * K;
      for (let k = 0; k < K; k++) out[b + k] = src[b + k] - c * (flux[b + k] - flux[im + k]);
    }
  }

  /** f2 ← (fa + f2)/2 (the Heun combination). */
  private average(fa: Float64Array, f2: Float64Array): void {
    for (let p = 0; p < f2.length; p++) f2[p] = 0.5 * (fa[p] + f2[p]);
  }

  /** K ||f^{n+1} − P||_w over the smooth cells (rough cells left out); NaN while the history is short. */
  private estimate(dt: number): number {
    this.errorPlace = -1;
    if (!(this.dtPrev > 0 && this.dtPrev2 > 0)) return NaN;
    const h = dt;
    const h1 = this.dtPrev;
    const h2 = this.dtPrev2;
    const C = h * h * h / 6;
    const K = C / (C + (h * (h + h1) * (h + h1 + h2)) / 6);
    const [p0, p1, p2] = predictorCoefficients(h, h1, h2, this.pc);
    return this.estimateLoop(K, p0, p1, p2);
  }

  private estimateLoop(Kc: number, p0: number, p1: number, p2: number): number {
    const { N, K, f, fOld, fOld2, fNew, rough, dv } = this;
    const { rtol, atol } = this.tolerances;
    let mx = 0;
    let at = -1;
    let nr = 0;
    for (let i = 0; i < N; i++) {
      if (rough[i]) {
        nr++;
        continue;
      }
      const b = i * K;
      let se = 0;
      let sy = 0;
      for (let k = 0; k < K; k++) {
        const p = b + k;
        const e = fNew[p] - (p0 * f[p] + p1 * fOld[p] + p2 * fOld2[p]);
        se += e * e;
        sy += f[p] * f[p];
      }
      const r = (Kc * Math.sqrt(se * dv)) / (atol + rtol * Math.sqrt(sy * dv));
      if (!(r <= mx)) {
        mx = r;
        at = i;
      }
    }
    this.counters.roughCells += nr;
    this.errorPlace = at;
    return mx;
  }

  saveState(): StepperState {
    return {
      f: this.f.slice(), fOld: this.fOld.slice(), fOld2: this.fOld2.slice(), dtPrev: this.dtPrev, dtPrev2: this.dtPrev2,
      time: this.time, steps: this.counters.steps, lastError: Number.isFinite(this.lastError) ? this.lastError : -1,
    };
  }

  restoreState(state: StepperState): void {
    for (const key of ['f', 'fOld', 'fOld2']) {
      const x = state[key];
      if (!(x instanceof Float64Array) || x.length !== this.f.length) throw new RangeError(`BgkSolver.restoreState: missing or wrong ${key}`);
    }
    this.f.set(state.f as Float64Array);
    this.fOld.set(state.fOld as Float64Array);
    this.fOld2.set(state.fOld2 as Float64Array);
    this.dtPrev = Number(state.dtPrev);
    this.dtPrev2 = Number(state.dtPrev2);
    this.time = Number(state.time);
    this.counters.steps = Number(state.steps);
    const le = Number(state.lastError);
    this.lastError = le >= 0 ? le : NaN;
    this.pendingDt = 0;
  }
}

/**
 * Run-and-tumble particles: the microscopic system whose law solves the nonlinear BGK equation
 *   d_t h + (1/eps) v·∇h = (1/eps²) λ(ρ) (ρ − h)        (h = f/M, paper eq. (1.2)).
 *
 * Each particle has a position x ∈ T^d (unit torus, periodic) and a velocity v ∈ R^d. It moves
 * with velocity v/eps and tumbles at rate λ(ρ(x))/eps², drawing a fresh v ~ N(0, I) independent of
 * everything. ρ is the particles' own density, estimated on the grid (histogram or kernel) and
 * normalised so that its mean over the torus is the prescribed mass. See docs/particles.md.
 *
 * Schemes (both O(count) memory, no allocation per step):
 * - 'exact': for the rate field frozen over the step, the jump process is simulated exactly in
 *   distribution by thinning: candidate tumbles at the constant rate B = max over the domain of
 *   λ/eps² (a Poisson clock running through the step), a candidate at position x accepted with
 *   probability λ(x)/eps² / B; positions move exactly (straight lines) between tumbles, and a
 *   particle may tumble any number of times in one step. Cost per step ~ count · (1 + B dt).
 * - 'ap': an asymptotic-preserving step of Dimarco–Pareschi–Samaey type whose cost does not grow
 *   as eps → 0, made drift-correct: with ā = eps/(eps² + λ_max dt), p(x) = λ dt/(eps² + λ dt),
 *   D(x) = (1 − ā² eps²)/λ(x) − ā² dt/2 and μ = 1/λ interpolated linearly between cell centres,
 *     x ← x + ā v dt + (1 − ā² eps²) ∇μ(x) dt + sqrt(2 D(x) dt) ξ,   then v ← N(0, I) w.p. p(x).
 *   The transport/collision chain has speed ā constant in space (so it keeps uniform ⊗ M exactly
 *   invariant), and the Brownian part has the Fickian drift ∇D, so the scheme approximates
 *   d_t ρ = div(D_total ∇ρ) with D_total = 1/λ in every regime (not the Itô d_xx(ρ/λ)).
 *   The Brownian sub-step is Metropolis–Hastings-adjusted against the uniform density (the
 *   invariant law of every Fickian diffusion on the torus), which makes "a frozen rate keeps a
 *   uniform density uniform" exact rather than O(dt); with a constant rate nothing is rejected.
 *   Accuracy: O(dt) in the kinetic regime (the exact step is the better choice while
 *   λ dt / eps² is small); designed for eps² ≪ λ dt.
 */
import type { Grid } from '../../grid/grid.js';
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure, type StepperState, type TimeStepper } from '../stepper.js';
import { makeStreams, RandomStream, STREAM_STATE_SIZE } from './random.js';
import { histogram1D, histogram2D, kernel1D, kernel2D, kernelSpan } from './density.js';
import { PERIODIC, wrap } from './walls.js';
import { stepApWalls, stepExactWalls, type WallStepContext } from './wallSteps.js';
import { stepApTorus, stepExactTorus, type ApCoefficients, type ParticleStepContext } from './torusSteps.js';

export type ParticleScheme = 'exact' | 'ap';

/** The default step: the rate-freeze error is O(dt) on the time over which ρ changes (≈ a cell crossing). */
export function particleDefaultDt(grid: Grid): number {
  return 0.25 * Math.min(...grid.dx);
}

/**
 * 'auto' scheme choice: the exact step costs ~ (1 + λ_max dt/eps²) per particle and step, the AP
 * step is O(dt)-accurate in the kinetic regime; switch where a step would see ~10 tumbles.
 */
export function chooseParticleScheme(lambdaMax: number, dt: number, eps: number): ParticleScheme {
  return (lambdaMax * dt) / (eps * eps) <= 10 ? 'exact' : 'ap';
}

export interface ParticleDensityOptions {
  method: 'histogram' | 'kernel';
  /** Kernel half-width, in units of length on the unit torus (default: one cell, max(dx)); ≤ 0.5. */
  bandwidth?: number;
}

export interface ParticleSolverOptions {
  grid: Grid;
  /** λ(ρ). Required unless rateOfX is given. */
  rate?: RateLaw;
  /**
   * A frozen rate field λ(x, y) (y = 0 in 1D) instead of λ(ρ): the process no longer depends on
   * the density (tests; the uniformity test). Takes precedence over `rate`.
   */
  rateOfX?: (x: number, y: number) => number;
  /**
   * λ per cell supplied by the caller at the start of every step of member e (several species:
   * λ_i(rho_1, …, rho_n) from every species' density estimate, src/solvers/species/particles.ts):
   * `fill(e, out)` writes one value per cell. Takes precedence over `rate`.
   */
  rateField?: (member: number, out: Float64Array) => void;
  /** Random streams to skip before this solver's own (several species from one seed; default 0). */
  streamOffset?: number;
  /** An upper bound of rateOfX for thinning (default: 1.1 × its maximum on a fine sample). */
  rateBound?: number;
  eps: number;
  /** Initial density, cell averages (x fastest); particles are sampled from it piecewise constantly. */
  rho0: Float64Array;
  /** Particles per ensemble member. */
  count: number;
  /** Integer seed; same seed ⇒ identical output. */
  seed: number;
  /** Independent ensemble members (independent random streams); rho() is their mean. Default 1. */
  ensembles?: number;
  density?: ParticleDensityOptions;
  /** Default 'exact'. */
  scheme?: ParticleScheme;
  /**
   * 'ap' only: false drops the drift term, giving the naive step that converges to the Itô
   * diffusion d_xx(ρ/λ). For demonstrations of the trap; never use it for results.
   */
  driftCorrection?: boolean;
  /**
   * 'ap' only (default true): Metropolis–Hastings-adjust the Brownian sub-step against the
   * uniform density, which makes "a frozen rate keeps a uniform density uniform" exact instead of
   * O(dt). false leaves the plain Euler–Maruyama step (drift-correct to first order in dt).
   */
  metropolis?: boolean;
  /**
   * Walls of the unit box (./walls.ts wallCodes: per direction d and side s, code [2 d + s]: periodic,
   * specular, diffuse, absorbing); default: the periodic torus. Histogram density only.
   */
  walls?: Int8Array;
}

export class ParticleSolver implements TimeStepper {
  readonly grid: Grid;
  readonly scheme: string;
  readonly eps: number;
  readonly count: number;
  readonly ensembles: number;
  readonly mass: number;
  readonly method: ParticleScheme;
  readonly densityMethod: 'histogram' | 'kernel';
  readonly bandwidth: number;

  private readonly dim: 1 | 2;
  private readonly nx: number;
  private readonly ny: number;
  private readonly cells: number;
  private readonly rate: RateLaw | null;
  private readonly rateOfX: ((x: number, y: number) => number) | null;
  private readonly rateField: ((member: number, out: Float64Array) => void) | null;
  private readonly rateBound: number;
  private readonly driftCorrection: boolean;
  /** Whether the dynamics depend on the estimated density (then it is refreshed every step). */
  private readonly coupled: boolean;
  /** Density floor used only inside λ (half a particle per cell): empty cells give finite rates. */
  private readonly rhoFloor: number;

  private readonly px: Float64Array;
  private readonly py: Float64Array;
  private readonly vx: Float64Array;
  private readonly vy: Float64Array;
  private readonly streams: RandomStream[];

  /** Per-member densities (cell averages), member e at [e·cells, (e+1)·cells). */
  private readonly dens: Float64Array;
  private densityStale = false;
  private readonly rhoMean: Float64Array;
  /** Per-cell tables of one member, rebuilt at every step. */
  private readonly lam: Float64Array;
  private readonly tabA: Float64Array;
  private readonly tabB: Float64Array;
  private readonly kIdx: Int32Array;
  private readonly kW: Float64Array;
  private readonly kIdy: Int32Array;
  private readonly kWy: Float64Array;
  /** The step kernels' view of this solver's arrays (torus). */
  private readonly ctx: ParticleStepContext;
  private readonly metropolis: boolean;
  /** Walls (null: the torus), live particles per member, absorbed particles per side, the wall steps' view. */
  private readonly wallCtx: WallStepContext | null;
  private readonly live: Int32Array;
  private readonly absorbed: Float64Array;

  constructor(opts: ParticleSolverOptions) {
    const { grid } = opts;
    this.grid = grid;
    this.dim = grid.dim;
    this.nx = grid.n[0];
    this.ny = grid.dim === 2 ? grid.n[1] : 1;
    this.cells = grid.cells;
    if (!(Number.isFinite(opts.eps) && opts.eps > 0)) throw new RangeError(`particles: eps must be > 0, got ${opts.eps}`);
    if (!(Number.isInteger(opts.count) && opts.count >= 1)) throw new RangeError(`particles: count must be an integer >= 1, got ${opts.count}`);
    const ensembles = opts.ensembles ?? 1;
    if (!(Number.isInteger(ensembles) && ensembles >= 1)) throw new RangeError(`particles: ensembles must be an integer >= 1, got ${ensembles}`);
    if (opts.rho0.length !== this.cells) throw new RangeError(`particles: rho0 has ${opts.rho0.length} values, the grid ${this.cells} cells`);
    let sum = 0;
    for (let c = 0; c < this.cells; c++) {
      const r = opts.rho0[c];
      if (!(Number.isFinite(r) && r >= 0)) throw new RangeError(`particles: rho0 must be finite and >= 0, got ${r} in cell ${c}`);
      sum += r;
    }
    if (!(sum > 0)) throw new RangeError('particles: rho0 has zero mass');
    this.eps = opts.eps;
    this.count = opts.count;
    this.ensembles = ensembles;
    this.mass = sum / this.cells;
    this.method = opts.scheme ?? 'exact';
    if (this.method !== 'exact' && this.method !== 'ap') throw new RangeError(`particles: unknown scheme ${String(this.method)}`);
    this.driftCorrection = opts.driftCorrection ?? true;
    this.metropolis = opts.metropolis ?? true;
    const dens = opts.density ?? { method: 'histogram' };
    this.densityMethod = dens.method;
    const dxMax = Math.max(...grid.dx);
    this.bandwidth = dens.bandwidth ?? dxMax;
    if (this.densityMethod === 'kernel' && !(this.bandwidth > 0 && this.bandwidth <= 0.5)) {
      throw new RangeError(`particles: kernel bandwidth must be in (0, 0.5], got ${this.bandwidth}`);
    }
    this.rateOfX = opts.rateOfX ?? null;
    this.rateField = this.rateOfX ? null : (opts.rateField ?? null);
    this.rate = this.rateOfX || this.rateField ? null : (opts.rate ?? null);
    if (!this.rateOfX && !this.rateField && !this.rate) throw new RangeError('particles: give a rate law (rate), a rate field per cell (rateField) or a frozen rate field (rateOfX)');
    this.coupled = this.rateField !== null || (this.rate !== null && this.rate.alpha !== 0);
    this.rhoFloor = (0.5 * this.mass * this.cells) / this.count;
    this.rateBound = this.rateOfX ? (opts.rateBound ?? 1.1 * sampleMax(this.rateOfX, this.dim)) : 0;
    if (this.rateOfX && !(this.rateBound > 0 && Number.isFinite(this.rateBound))) throw new RangeError('particles: the rate bound must be finite and > 0');

    const total = this.count * ensembles;
    this.px = new Float64Array(total);
    this.vx = new Float64Array(total);
    this.py = new Float64Array(this.dim === 2 ? total : 0);
    this.vy = new Float64Array(this.dim === 2 ? total : 0);
    this.streams = makeStreams(opts.seed, ensembles, opts.streamOffset ?? 0);
    this.dens = new Float64Array(this.cells * ensembles);
    this.rhoMean = new Float64Array(this.cells);
    this.lam = new Float64Array(this.cells);
    this.tabA = new Float64Array(this.cells);
    this.tabB = new Float64Array(this.cells);
    const span = kernelSpan(this.bandwidth, Math.max(this.nx, this.ny));
    this.kIdx = new Int32Array(span);
    this.kW = new Float64Array(span);
    this.kIdy = new Int32Array(span);
    this.kWy = new Float64Array(span);

    const kind = this.method === 'exact' ? 'exact (thinning)' : this.driftCorrection ? 'ap (drift-corrected)' : 'ap (NAIVE, no drift correction)';
    this.scheme = `particles-${kind}, ${this.densityMethod}${this.densityMethod === 'kernel' ? ` b=${this.bandwidth}` : ''}, N=${this.count}x${ensembles}`;

    this.live = new Int32Array(ensembles).fill(this.count);
    this.absorbed = new Float64Array(2 * this.dim);
    const codes = opts.walls;
    if (codes && codes.length !== 2 * this.dim) throw new RangeError(`particles: walls need ${2 * this.dim} side codes`);
    const walled = codes !== undefined && codes.some((k) => k !== PERIODIC);
    if (walled && this.densityMethod !== 'histogram') throw new RangeError('particles: walls need the histogram density estimator');
    this.ctx = {
      dim: this.dim, nx: this.nx, ny: this.ny, count: this.count, eps: this.eps,
      px: this.px, py: this.py, vx: this.vx, vy: this.vy, streams: this.streams, g: new Float64Array(3),
    };
    this.wallCtx = walled ? { ...this.ctx, codes: Int8Array.from(codes), live: this.live, absorbed: this.absorbed, st: new Float64Array(4), g: new Float64Array(3) } : null;

    this.sampleInitial(opts.rho0);
    this.refreshDensity();
  }

  /**
   * Particles absorbed per side (index 2 d + s; all ensemble members together): the counts behind
   * outflow(). Zeros on the torus and at zero-flux walls.
   */
  absorbedCounts(): Float64Array {
    return this.absorbed;
  }

  /** Mass that left per side (index 2 d + s), averaged over members: mass() + Σ outflow = the initial mass exactly. */
  outflow(out: Float64Array): Float64Array {
    const per = (this.mass / this.count) / this.ensembles;
    for (let k = 0; k < out.length; k++) out[k] = this.absorbed[k] * per;
    return out;
  }

  suggestedDt(): number {
    return particleDefaultDt(this.grid);
  }

  step(dt: number): void {
    if (!(dt > 0 && Number.isFinite(dt))) throw new NumericalFailure(`particles: invalid time step ${dt}`);
    if (this.coupled && this.densityStale) this.refreshDensity();
    for (let e = 0; e < this.ensembles; e++) {
      this.stepMember(e, dt);
    }
    if (this.coupled) this.refreshDensity();
    else this.densityStale = true;
  }

  /** The estimated density (ensemble mean, cell averages, x fastest): a view, overwritten later. */
  rho(): Float64Array {
    if (this.densityStale) this.refreshDensity();
    return this.rhoMean;
  }

  /** Density of ensemble member e into out (no allocation). */
  memberRhoInto(e: number, out: Float64Array): Float64Array {
    if (this.densityStale) this.refreshDensity();
    const C = this.cells;
    for (let c = 0; c < C; c++) out[c] = this.dens[e * C + c];
    return out;
  }

  /** Density of ensemble member e (a fresh copy). */
  memberRho(e: number): Float64Array {
    if (this.densityStale) this.refreshDensity();
    return this.dens.slice(e * this.cells, (e + 1) * this.cells);
  }

  /**
   * The flux j = ∫ v f dv (paper eq. (2.2), unscaled: the continuity equation reads
   * d_t ρ + (1/eps) div j = 0) as cell averages, one array per dimension, estimated with the same
   * estimator as ρ: j_c = (mass · cells / count) Σ_{i in c} v_i, averaged over ensemble members.
   * With scheme 'ap' at small eps this only sees the velocity variable, not the O(eps) diffusive
   * flux −eps λ⁻¹ ∇ρ carried by the Brownian part: treat it as noise there.
   */
  flux(out: Float64Array[]): void {
    const scale = (this.mass * this.cells) / this.count / this.ensembles;
    for (let d = 0; d < this.dim; d++) {
      const o = out[d];
      o.fill(0);
      const w = d === 0 ? this.vx : this.vy;
      for (let e = 0; e < this.ensembles; e++) this.deposit(e, w, o, 0);
      for (let c = 0; c < this.cells; c++) o[c] *= scale;
    }
  }

  /** Positions along dimension d of all particles (member e at [e·count, (e+1)·count)): a live view. */
  positions(d = 0): Float64Array {
    return d === 0 ? this.px : this.py;
  }

  /** Velocities along dimension d (same layout as positions): a live view. */
  velocities(d = 0): Float64Array {
    return d === 0 ? this.vx : this.vy;
  }

  saveState(): StepperState {
    const rng = new Float64Array(this.ensembles * STREAM_STATE_SIZE);
    this.streams.forEach((s, e) => s.save(rng, e * STREAM_STATE_SIZE));
    const state: StepperState = {
      count: this.count,
      ensembles: this.ensembles,
      dim: this.dim,
      x: this.px.slice(),
      vx: this.vx.slice(),
      rng,
      density: this.dens.slice(),
      densityStale: this.densityStale ? 1 : 0,
    };
    if (this.wallCtx) {
      state.live = Float64Array.from(this.live);
      state.absorbed = this.absorbed.slice();
    }
    if (this.dim === 2) {
      state.y = this.py.slice();
      state.vy = this.vy.slice();
    }
    return state;
  }

  restoreState(state: StepperState): void {
    if (state.count !== this.count || state.ensembles !== this.ensembles || state.dim !== this.dim) {
      throw new RangeError(`particles: the saved state is for count=${state.count}, ensembles=${state.ensembles}, dim=${state.dim}`);
    }
    const get = (k: string, n: number): Float64Array => {
      const a = state[k];
      if (!(a instanceof Float64Array) || a.length !== n) throw new RangeError(`particles: saved state field ${k} is missing or has the wrong size`);
      return a;
    };
    const total = this.count * this.ensembles;
    this.px.set(get('x', total));
    this.vx.set(get('vx', total));
    if (this.dim === 2) {
      this.py.set(get('y', total));
      this.vy.set(get('vy', total));
    }
    const rng = get('rng', this.ensembles * STREAM_STATE_SIZE);
    this.streams.forEach((s, e) => s.restore(rng, e * STREAM_STATE_SIZE));
    this.dens.set(get('density', this.cells * this.ensembles));
    this.densityStale = state.densityStale === 1;
    if (this.wallCtx) {
      this.live.set(get('live', this.ensembles));
      this.absorbed.set(get('absorbed', 2 * this.dim));
    }
    this.averageMembers();
  }

  // ---------------------------------------------------------------------------------------------

  private sampleInitial(rho0: Float64Array): void {
    const C = this.cells;
    const cdf = new Float64Array(C);
    let acc = 0;
    for (let c = 0; c < C; c++) {
      acc += rho0[c];
      cdf[c] = acc;
    }
    for (let c = 0; c < C; c++) cdf[c] /= acc;
    cdf[C - 1] = 1;
    const { nx, ny } = this;
    for (let e = 0; e < this.ensembles; e++) {
      const rs = this.streams[e];
      for (let i = e * this.count; i < (e + 1) * this.count; i++) {
        const u = rs.uniform();
        let lo = 0;
        let hi = C - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cdf[mid] > u) hi = mid;
          else lo = mid + 1;
        }
        const ci = lo % nx;
        const cj = (lo - ci) / nx;
        this.px[i] = wrap((ci + rs.uniform()) / nx);
        this.vx[i] = rs.gaussian();
        if (this.dim === 2) {
          this.py[i] = wrap((cj + rs.uniform()) / ny);
          this.vy[i] = rs.gaussian();
        }
      }
    }
  }

  /** Adds member e's deposit of weights w (null: 1) to out[offset...] with the density estimator. */
  private deposit(e: number, w: Float64Array | null, out: Float64Array, offset: number): void {
    const from = e * this.count;
    const to = from + this.live[e];
    if (this.densityMethod === 'histogram') {
      if (this.dim === 1) histogram1D(this.px, from, to, this.nx, out, offset, w);
      else histogram2D(this.px, this.py, from, to, this.nx, this.ny, out, offset, w);
    } else if (this.dim === 1) {
      kernel1D(this.px, from, to, this.nx, this.bandwidth, out, offset, w, this.kIdx, this.kW);
    } else {
      kernel2D(this.px, this.py, from, to, this.nx, this.ny, this.bandwidth, out, offset, w, this.kIdx, this.kW, this.kIdy, this.kWy);
    }
  }

  private refreshDensity(): void {
    const C = this.cells;
    const scale = (this.mass * C) / this.count;
    this.dens.fill(0);
    for (let e = 0; e < this.ensembles; e++) {
      this.deposit(e, null, this.dens, e * C);
      for (let c = e * C; c < (e + 1) * C; c++) this.dens[c] *= scale;
    }
    this.densityStale = false;
    this.averageMembers();
  }

  private averageMembers(): void {
    const C = this.cells;
    const m = this.rhoMean;
    m.fill(0);
    for (let e = 0; e < this.ensembles; e++) for (let c = 0; c < C; c++) m[c] += this.dens[e * C + c];
    if (this.ensembles > 1) for (let c = 0; c < C; c++) m[c] /= this.ensembles;
  }

  /** λ at the cell centres for member e into this.lam; returns max λ. */
  private cellRates(e: number): number {
    const C = this.cells;
    const lam = this.lam;
    if (this.rateOfX) {
      const f = this.rateOfX;
      for (let c = 0; c < C; c++) {
        const i = c % this.nx;
        const j = (c - i) / this.nx;
        lam[c] = f((i + 0.5) / this.nx, this.dim === 2 ? (j + 0.5) / this.ny : 0);
      }
    } else if (this.rateField) {
      this.rateField(e, lam);
    } else {
      const rate = this.rate!;
      const floor = this.rhoFloor;
      const off = e * C;
      for (let c = 0; c < C; c++) {
        const r = this.dens[off + c];
        lam[c] = rate.lambda(r > floor ? r : floor);
      }
    }
    let max = 0;
    for (let c = 0; c < C; c++) {
      const l = lam[c];
      if (!(Number.isFinite(l) && l > 0)) throw new NumericalFailure(`particles: rate ${l} (not finite and > 0) in cell ${c}`, { cell: c });
      if (l > max) max = l;
    }
    return max;
  }

  /**
   * The exact step's thinning bound B = λ_max/eps², with the per-cell rates λ/eps² in tabA (unless λ is
   * a function of position: then B = rateBound/eps²).
   */
  private exactRates(e: number): number {
    const inv2 = 1 / (this.eps * this.eps);
    if (this.rateOfX) return this.rateBound * inv2;
    const R = this.tabA;
    const lmax = this.cellRates(e);
    for (let c = 0; c < this.cells; c++) R[c] = this.lam[c] * inv2;
    return lmax * inv2;
  }

  /** The AP step's μ = 1/λ (tabA) and tumble probabilities (tabB) per cell and its coefficients (apK). */
  private apCoefficients(e: number, dt: number): ApCoefficients {
    const eps = this.eps;
    const eps2 = eps * eps;
    const lmax = this.cellRates(e);
    const lam = this.lam;
    const mu = this.tabA;
    const pc = this.tabB;
    for (let c = 0; c < this.cells; c++) {
      const l = lam[c];
      mu[c] = 1 / l;
      pc[c] = (l * dt) / (eps2 + l * dt);
    }
    const abar = eps / (eps2 + lmax * dt);
    const cc = 1 - abar * eps * (abar * eps);
    const k = this.apK;
    k.cc = cc;
    k.b0 = 0.5 * abar * abar * dt;
    k.driftK = this.driftCorrection ? cc * dt : 0;
    k.adt = abar * dt;
    k.mh = this.driftCorrection && this.metropolis;
    return k;
  }

  private readonly apK: ApCoefficients = { cc: 0, b0: 0, driftK: 0, adt: 0, mh: true };

  /** One step of member e: the exact or the AP scheme, on the torus (./torusSteps.ts) or with walls (./wallSteps.ts). */
  private stepMember(e: number, dt: number): void {
    const walls = this.wallCtx;
    if (this.method === 'exact') {
      const B = this.exactRates(e);
      if (walls) stepExactWalls(walls, e, dt, B, this.tabA, this.rateOfX, this.rateBound);
      else stepExactTorus(this.ctx, e, dt, B, this.tabA, this.rateOfX, this.rateBound);
      return;
    }
    const k = this.apCoefficients(e, dt);
    if (walls) stepApWalls(walls, e, dt, this.tabA, this.tabB, k);
    else stepApTorus(this.ctx, e, dt, this.tabA, this.tabB, k);
  }
}

function sampleMax(f: (x: number, y: number) => number, dim: 1 | 2): number {
  const n = dim === 1 ? 4096 : 256;
  let max = 0;
  for (let j = 0; j < (dim === 2 ? n : 1); j++) {
    for (let i = 0; i < n; i++) {
      const v = f((i + 0.5) / n, dim === 2 ? (j + 0.5) / n : 0);
      if (v > max) max = v;
    }
  }
  return max;
}

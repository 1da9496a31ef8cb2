/**
 * Several species of the nonlinear BGK model in diffusive scaling (docs/species.md), on T^1:
 *
 *   d_t h_i + (1/eps) v ∂x h_i = (1/eps²) λ_i(rho_1, …, rho_n) (rho_i − h_i),   rho_i = Σ_k w_k h_{i,k}.
 *
 * The kinetic AP scheme (src/solvers/kinetic, docs/kinetic-scheme.md) evaluates λ at the extrapolated
 * density (1 + w) rho^n − w rho^{n−1} and is otherwise linear in h^{n+1}; with several species the
 * rates are formed once per step from every species' extrapolated density (clamped into its invariant
 * range [min h_i,in, max h_i,in]) and then the species decouple: one micro–macro stepper per species
 * (KineticSolver with an external λ field, 1D), each with its own bound limiter and exact mass. So the
 * scheme keeps, per species, everything the one-species scheme has: AP (as eps → 0 each species' step
 * becomes the linearly implicit Fickian step of ./limit.ts), h_i ∈ [min h_i,in, max h_i,in] for every
 * dt and eps, the mass of each species to round-off. The step's error estimate is the largest of the
 * species' estimates; a step fails (and is retried smaller) when one species' step fails.
 *
 * A companion limit system (./limit.ts), when given, is stepped with every accepted step (same dt):
 * the distance of each kinetic species to the limit system at equal times, kept in saveState.
 */
import type { Grid } from '../../grid/grid.js';
import type { RateLaw } from '../../models/rate.js';
import type { VelocityGrid } from '../../velocity/gaussHermite.js';
import { KineticSolver } from '../kinetic/solver.js';
import { NumericalFailure, type AdaptiveStepper, type StepperState, type Tolerances } from '../stepper.js';
import { describedRate, type SpeciesRates } from './rates.js';
import type { SpeciesLimitSolver } from './limit.js';

export interface SpeciesKineticOptions {
  grid: Grid;
  velocity: VelocityGrid;
  rates: SpeciesRates;
  eps: number;
  /** Initial h_i = f_i/M per species: cells × velocity nodes, velocity fastest; finite and ≥ 0. */
  h0: readonly Float64Array[];
  /** A description per species for its KineticSolver (default: describedRate of each rate). */
  laws?: readonly RateLaw[];
  time?: 'bdf2' | 'euler';
  limiter?: boolean;
  /** Krylov tolerance of each species' solve (default 1e-12). */
  rtol?: number;
  companion?: SpeciesLimitSolver;
}

export class SpeciesKineticSolver implements AdaptiveStepper {
  readonly grid: Grid;
  readonly scheme: string;
  readonly velocity: VelocityGrid;
  readonly rates: SpeciesRates;
  readonly eps: number;
  readonly n: number;
  readonly order: number;
  /** One micro–macro stepper per species (views of their state: h(), rho(), flux()). */
  readonly species: readonly KineticSolver[];
  readonly companion: SpeciesLimitSolver | null;
  /** Density bounds per species: [min h_i,in, max h_i,in] (h_i stays there). */
  readonly lo: number[];
  readonly hi: number[];
  tolerances: Tolerances = { rtol: 1e-4, atol: 1e-4 };
  lastError = NaN;
  lastFailure = '';
  errorPlace = -1;
  estimateNoise = 0;
  steps = 0;

  private readonly N: number;
  private readonly K: number;
  private readonly bdf2: boolean;
  /** λ_i per cell, read by species i's stepper (its lambdaField). */
  private readonly fields: Float64Array[];
  /** Copies of rho_i at t_n and t_{n−1} (the extrapolation), the extrapolated densities. */
  private rhoN: Float64Array[];
  private rhoOld: Float64Array[];
  private readonly ext: Float64Array[];
  private readonly work: Float64Array;
  private readonly total: Float64Array;
  private readonly sol: Float64Array;
  private dtPrev = 0;
  private pendingDt = 0;
  private pendingError = NaN;

  constructor(opts: SpeciesKineticOptions) {
    const { grid, velocity, rates, eps, h0 } = opts;
    if (grid.dim !== 1) throw new RangeError('SpeciesKineticSolver: 1D grids only');
    const n = rates.n;
    const laws = opts.laws ?? rates.names.map((_, i) => describedRate(rates.describe(i)));
    if (h0.length !== n || laws.length !== n) throw new RangeError(`SpeciesKineticSolver: ${h0.length} initial data for ${n} species`);
    const N = grid.cells;
    const K = velocity.count;
    this.grid = grid;
    this.velocity = velocity;
    this.rates = rates;
    this.eps = eps;
    this.n = n;
    this.N = N;
    this.K = K;
    this.bdf2 = (opts.time ?? 'bdf2') === 'bdf2';
    this.order = this.bdf2 ? 2 : 1;
    this.companion = opts.companion ?? null;
    this.fields = h0.map(() => new Float64Array(N));
    this.lo = [];
    this.hi = [];
    for (let i = 0; i < n; i++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of h0[i]) {
        if (!(Number.isFinite(x) && x >= 0)) throw new RangeError(`SpeciesKineticSolver: initial h of species ${i} has the value ${x} (finite and >= 0 needed)`);
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      this.lo.push(lo);
      this.hi.push(hi);
    }
    this.species = h0.map(
      (h, i) =>
        new KineticSolver({ grid, velocity, rate: laws[i], eps, h0: h, limiter: opts.limiter, time: opts.time, rtol: opts.rtol, lambdaField: this.fields[i] }),
    );
    this.scheme = `${n} species: ${this.species[0].scheme}, rates at the extrapolated densities of all species`;
    this.rhoN = this.species.map((s) => Float64Array.from(s.rho()));
    this.rhoOld = this.species.map(() => new Float64Array(N));
    this.ext = this.species.map(() => new Float64Array(N));
    this.work = new Float64Array(n);
    this.total = new Float64Array(N);
    this.sol = new Float64Array(n * N * K);
    this.sum();
  }

  suggestedDt(): number {
    return this.species[0].suggestedDt();
  }

  /** The total density Σ_i rho_i (a view). */
  rho(): Float64Array {
    return this.total;
  }

  /** All species' h, species after species (cells × nodes each). */
  solution(): Float64Array {
    const m = this.N * this.K;
    this.species.forEach((s, i) => this.sol.set(s.h(), i * m));
    return this.sol;
  }

  distance(a: Float64Array, b: Float64Array): number {
    const m = this.N * this.K;
    let d = 0;
    this.species.forEach((s, i) => {
      s.tolerances = this.tolerances;
      d = Math.max(d, s.distance(a.subarray(i * m, (i + 1) * m), b.subarray(i * m, (i + 1) * m)));
    });
    return d;
  }

  step(dt: number): void {
    if (this.attempt(dt) === Infinity) throw new NumericalFailure(this.lastFailure);
    this.accept();
  }

  attempt(dt: number): number {
    if (!(dt > 0 && Number.isFinite(dt))) throw new RangeError(`SpeciesKineticSolver.attempt: dt must be positive, got ${dt}`);
    this.pendingDt = 0;
    this.lastFailure = '';
    const { n, N } = this;
    // λ_i at the extrapolated densities (the same extrapolation as the one-species scheme)
    const useB2 = this.bdf2 && this.steps > 0;
    const om = useB2 ? dt / this.dtPrev : 0;
    for (let j = 0; j < n; j++) {
      const e = this.ext[j];
      const u = this.rhoN[j];
      const v = this.rhoOld[j];
      for (let c = 0; c < N; c++) e[c] = useB2 ? (1 + om) * u[c] - om * v[c] : u[c];
    }
    const bad = this.rates.fill(this.ext, this.lo, this.hi, this.fields, N, this.work);
    if (bad >= 0) {
      const i = Math.floor(bad / N);
      const c = bad % N;
      this.lastFailure = `species ${this.rates.names[i]}: ${this.rates.describe(i)} = ${this.fields[i][c]} in cell ${c} (x = ${(c + 0.5) / N}) at ${this.rates.state(this.ext.map((r) => r[c]))}`;
      return Infinity;
    }
    let err = 0;
    let noise = 0;
    let place = -1;
    for (let i = 0; i < n; i++) {
      const s = this.species[i];
      s.tolerances = this.tolerances;
      const e = s.attempt(dt);
      if (e === Infinity) {
        this.lastFailure = `species ${this.rates.names[i]}: ${s.lastFailure}`;
        return Infinity;
      }
      if (Number.isNaN(e)) err = NaN;
      else if (!(e <= err)) {
        err = e;
        place = s.errorPlace;
      }
      noise = Math.max(noise, s.estimateNoise);
    }
    this.pendingDt = dt;
    this.pendingError = err;
    this.errorPlace = place;
    this.estimateNoise = noise;
    return err;
  }

  accept(): void {
    if (!(this.pendingDt > 0)) throw new Error('SpeciesKineticSolver.accept: no attempt to accept');
    const dt = this.pendingDt;
    for (const s of this.species) s.accept();
    const t = this.rhoOld;
    this.rhoOld = this.rhoN;
    this.rhoN = t;
    this.species.forEach((s, i) => this.rhoN[i].set(s.rho()));
    this.dtPrev = dt;
    this.steps++;
    this.lastError = this.pendingError;
    this.pendingDt = 0;
    this.sum();
    this.companion?.step(dt);
  }

  private sum(): void {
    const { total, rhoN, N } = this;
    total.fill(0);
    for (const r of rhoN) for (let c = 0; c < N; c++) total[c] += r[c];
  }

  /** Counters summed over the species (Krylov iterations, limiter activity). */
  counters(): { solverIterations: number; rhoLimiterSteps: number; hLimiterCells: number } {
    let a = 0;
    let b = 0;
    let c = 0;
    for (const s of this.species) {
      a += s.counters.solverIterations;
      b += s.counters.rhoLimiterSteps;
      c += s.counters.hLimiterCells;
    }
    return { solverIterations: a, rhoLimiterSteps: b, hLimiterCells: c };
  }

  saveState(): StepperState {
    const out: StepperState = { steps: this.steps, dtPrev: this.dtPrev, lastError: Number.isFinite(this.lastError) ? this.lastError : -1 };
    this.species.forEach((s, i) => {
      for (const [k, v] of Object.entries(s.saveState())) out[`s${i}.${k}`] = v;
      out[`rhoOld${i}`] = this.rhoOld[i].slice();
    });
    if (this.companion) for (const [k, v] of Object.entries(this.companion.saveState())) out[`limit.${k}`] = v;
    return out;
  }

  restoreState(state: StepperState): void {
    const num = (k: string) => {
      const x = state[k];
      if (typeof x !== 'number') throw new RangeError(`SpeciesKineticSolver.restoreState: missing ${k}`);
      return x;
    };
    this.species.forEach((s, i) => {
      const sub: StepperState = {};
      const p = `s${i}.`;
      for (const [k, v] of Object.entries(state)) if (k.startsWith(p)) sub[k.slice(p.length)] = v;
      s.restoreState(sub);
      const old = state[`rhoOld${i}`];
      if (!(old instanceof Float64Array) || old.length !== this.N) throw new RangeError(`SpeciesKineticSolver.restoreState: missing rhoOld${i}`);
      this.rhoOld[i].set(old);
      this.rhoN[i].set(s.rho());
    });
    if (this.companion) {
      const sub: StepperState = {};
      for (const [k, v] of Object.entries(state)) if (k.startsWith('limit.')) sub[k.slice(6)] = v;
      this.companion.restoreState(sub);
    }
    this.steps = num('steps');
    this.dtPrev = num('dtPrev');
    const le = num('lastError');
    this.lastError = le < 0 ? NaN : le;
    this.pendingDt = 0;
    this.sum();
  }
}

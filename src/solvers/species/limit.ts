/**
 * The limit system of several species (docs/species.md), on the unit torus T^1:
 *
 *   Fick (the kinetic model's Chapman–Enskog limit):  d_t rho_i = ∂x( λ_i(rho)⁻¹ ∂x rho_i ),
 *   Itô  (SKT-type, NOT the kinetic limit):            d_t rho_i = ∂xx( rho_i / λ_i(rho) ),
 *
 * i = 1 … n, λ_i(rho) = λ_i(rho_1, …, rho_n).
 *
 * Space: cell-centred finite volumes. Fick: face flux −Df_f (rho_{c+1} − rho_c)/dx with the face
 * diffusivity Df_f = (1/λ_c + 1/λ_{c+1})/2 — exactly the kinetic AP scheme's limit (its face blend as
 * eps → 0, src/solvers/transport/apFaces1d.ts), so that kinetic runs and this solver differ by the
 * eps-dependence only. Itô: face flux −(D_{c+1} rho_{c+1} − D_c rho_c)/dx, D_c = 1/λ_c.
 *
 * Time: linearly implicit variable-step BDF2 (first step backward Euler), the rates frozen at the
 * extrapolated state (1 + w) rho^n − w rho^{n−1} (second order, as in the kinetic scheme): per species
 * one periodic tridiagonal system (c0 I − dt L_i) rho_i^{n+1} = c0 rho_i^n + a2 (rho_i^n − rho_i^{n−1}),
 * c0 = (1 + 2w)/(1 + w), a2 = w²/(1 + w). The accepted value is the consistent update
 * rho^{n+1} = rho^n + (a2 (rho^n − rho^{n−1}) + dt L rho*)/c0 from the solve's rho*, a sum of face-flux
 * differences: the mass of every species is exact to round-off.
 *
 * Bounds. Backward Euler with frozen coefficients: c0 I − dt L_i is an M-matrix (positive diagonal,
 * non-positive off-diagonals, diagonally dominant by columns, and for Fick also by rows, L_i symmetric
 * with zero row sums), so its inverse is ≥ 0: rho_i ≥ 0 for every dt, and for Fick (unit row sums) the
 * discrete maximum principle min rho_i^n ≤ rho_i^{n+1} ≤ max rho_i^n. BDF2 is not monotone: a BDF2
 * result outside the bounds (Fick: [min rho_i,in, max rho_i,in]; Itô: rho_i ≥ 0) is redone by backward
 * Euler with the rates at rho^n (as the one-species limit solver does; `fallbackSteps` counts them).
 *
 * Error estimate: Milne's device against the quadratic predictor (../errorEstimate.ts), the largest over
 * species and cells of the weighted norm |e| / (atol + rtol |rho_i|).
 */
import type { Grid } from '../../grid/grid.js';
import { NumericalFailure, type AdaptiveStepper, type StepperState, type Tolerances } from '../stepper.js';
import { milneConstant, predictorCoefficients, weightedDistance } from '../errorEstimate.js';
import { PeriodicTridiagFactor } from '../linear/periodicTridiag.js';
import type { LimitFlux, SpeciesRates } from './rates.js';

export interface SpeciesLimitOptions {
  grid: Grid;
  rates: SpeciesRates;
  /** Initial cell averages per species (copied); finite and ≥ 0. */
  rho0: readonly Float64Array[];
  /** Default 'fick' (the kinetic limit). */
  flux?: LimitFlux;
  /** Default 'bdf2' (with backward-Euler fallback); 'euler': backward Euler throughout. */
  time?: 'bdf2' | 'euler';
}

const ONE = [1];

export class SpeciesLimitSolver implements AdaptiveStepper {
  readonly grid: Grid;
  readonly scheme: string;
  readonly rates: SpeciesRates;
  readonly flux: LimitFlux;
  readonly order: number;
  readonly n: number;
  tolerances: Tolerances = { rtol: 1e-4, atol: 1e-4 };
  lastError = NaN;
  lastFailure = '';
  errorPlace = -1;
  estimateNoise = 0;
  /** Accepted steps, and BDF2 attempts redone by backward Euler. */
  steps = 0;
  fallbackSteps = 0;
  /** Bounds each species keeps (Fick: the range of its data; Itô: [0, ∞)). */
  readonly lo: number[];
  readonly hi: number[];
  /** The ranges of the initial data (the rates are evaluated in them for Fick). */
  readonly dataLo: number[];
  readonly dataHi: number[];

  private readonly N: number;
  private readonly dx: number;
  private readonly bdf2: boolean;
  private cur: Float64Array[];
  private prev: Float64Array[];
  private prev2: Float64Array[];
  private next: Float64Array[];
  private dtPrev = 0;
  private dtPrev2 = 0;
  private pendingDt = 0;
  private pendingEuler = false;
  private pendingError = NaN;
  private readonly ext: Float64Array[];
  private readonly lam: Float64Array[];
  private readonly work: Float64Array;
  private readonly D: Float64Array;
  private readonly tlo: Float64Array;
  private readonly tdi: Float64Array;
  private readonly tup: Float64Array;
  private readonly sol: Float64Array;
  private readonly G: Float64Array;
  private readonly fact: PeriodicTridiagFactor;
  private readonly total: Float64Array;
  private readonly solOut: Float64Array;
  private readonly pc = new Float64Array(3);
  private scale = 1;

  constructor(opts: SpeciesLimitOptions) {
    const { grid, rates, rho0 } = opts;
    if (grid.dim !== 1) throw new RangeError('SpeciesLimitSolver: 1D grids only');
    const N = grid.cells;
    if (N < 3) throw new RangeError('SpeciesLimitSolver: at least 3 cells');
    const n = rates.n;
    if (rho0.length !== n) throw new RangeError(`SpeciesLimitSolver: ${rho0.length} initial densities for ${n} species`);
    this.grid = grid;
    this.rates = rates;
    this.n = n;
    this.N = N;
    this.dx = grid.dx[0];
    this.flux = opts.flux ?? 'fick';
    this.bdf2 = (opts.time ?? 'bdf2') === 'bdf2';
    this.order = this.bdf2 ? 2 : 1;
    this.scheme = `species limit system (${this.flux === 'fick' ? 'Fick: div(lambda_i^-1 grad rho_i)' : 'Itô: lap(rho_i/lambda_i)'}), finite volumes, linearly implicit ${this.bdf2 ? 'BDF2 with backward-Euler fallback' : 'backward Euler'}`;
    this.dataLo = [];
    this.dataHi = [];
    for (let i = 0; i < n; i++) {
      if (rho0[i].length !== N) throw new RangeError(`SpeciesLimitSolver: species ${i} has ${rho0[i].length} values, the grid ${N} cells`);
      let lo = Infinity;
      let hi = -Infinity;
      for (const r of rho0[i]) {
        if (!(Number.isFinite(r) && r >= 0)) throw new RangeError(`SpeciesLimitSolver: initial density ${r} of species ${i} is not finite and >= 0`);
        lo = Math.min(lo, r);
        hi = Math.max(hi, r);
      }
      this.dataLo.push(lo);
      this.dataHi.push(hi);
      this.scale = Math.max(this.scale, hi);
    }
    this.lo = this.flux === 'fick' ? [...this.dataLo] : new Array<number>(n).fill(0);
    this.hi = this.flux === 'fick' ? [...this.dataHi] : new Array<number>(n).fill(Infinity);
    const f = () => new Float64Array(N);
    this.cur = rho0.map((r) => Float64Array.from(r));
    this.prev = rho0.map(f);
    this.prev2 = rho0.map(f);
    this.next = rho0.map(f);
    this.ext = rho0.map(f);
    this.lam = rho0.map(f);
    this.work = new Float64Array(n);
    this.D = f();
    this.tlo = f();
    this.tdi = f();
    this.tup = f();
    this.sol = f();
    this.G = f();
    this.fact = new PeriodicTridiagFactor(N);
    this.total = f();
    this.solOut = new Float64Array(n * N);
    this.sum();
  }

  suggestedDt(): number {
    return 0.5 * this.dx;
  }

  /** The total density Σ_i rho_i (a view). */
  rho(): Float64Array {
    return this.total;
  }

  /** The density of species i (a view, overwritten by the next accepted step). */
  speciesRho(i: number): Float64Array {
    return this.cur[i];
  }

  /** Mass Σ_c rho_i,c dx of species i. */
  mass(i: number): number {
    let s = 0;
    for (const r of this.cur[i]) s += r;
    return s * this.dx;
  }

  /** All species' densities, species after species. */
  solution(): Float64Array {
    for (let i = 0; i < this.n; i++) this.solOut.set(this.cur[i], i * this.N);
    return this.solOut;
  }

  distance(a: Float64Array, b: Float64Array): number {
    return weightedDistance(a, b, b, ONE, this.tolerances.rtol, this.tolerances.atol).norm;
  }

  step(dt: number): void {
    if (this.attempt(dt) === Infinity) throw new NumericalFailure(this.lastFailure);
    this.accept();
  }

  attempt(dt: number): number {
    if (!(dt > 0 && Number.isFinite(dt))) throw new RangeError(`SpeciesLimitSolver.attempt: dt must be finite and > 0, got ${dt}`);
    this.pendingDt = 0;
    this.lastFailure = '';
    let ok: boolean;
    if (!this.bdf2 || this.dtPrev === 0) ok = this.candidate(dt, true);
    else {
      ok = this.candidate(dt, false);
      if (!ok) {
        this.fallbackSteps++;
        ok = this.candidate(dt, true);
      }
    }
    if (!ok) return Infinity;
    this.pendingDt = dt;
    this.pendingError = this.estimate(dt);
    return this.pendingError;
  }

  accept(): void {
    if (!(this.pendingDt > 0)) throw new Error('SpeciesLimitSolver.accept: no attempt to accept');
    const t = this.prev2;
    this.prev2 = this.prev;
    this.prev = this.cur;
    this.cur = this.next;
    this.next = t;
    this.dtPrev2 = this.dtPrev;
    this.dtPrev = this.pendingDt;
    this.lastError = this.pendingError;
    this.pendingDt = 0;
    this.steps++;
    this.sum();
  }

  private sum(): void {
    const { total, cur, N } = this;
    total.fill(0);
    for (const r of cur) for (let c = 0; c < N; c++) total[c] += r[c];
  }

  /** The step into `next` (BDF2, or backward Euler with the rates at rho^n); false (lastFailure set) when it fails. */
  private candidate(dt: number, euler: boolean): boolean {
    const { n, N, cur, prev, ext } = this;
    const w = euler ? 0 : dt / this.dtPrev;
    const c0 = euler ? 1 : (1 + 2 * w) / (1 + w);
    const a2 = euler ? 0 : (w * w) / (1 + w);
    this.pendingEuler = euler;
    for (let j = 0; j < n; j++) {
      const e = ext[j];
      const u = cur[j];
      const v = prev[j];
      for (let c = 0; c < N; c++) e[c] = euler ? u[c] : u[c] + w * (u[c] - v[c]);
    }
    // the rates at the extrapolated state, clamped into the invariant box (Fick) or to rho ≥ 0 (Itô)
    const bad = this.rates.fill(ext, this.lo, this.hi, this.lam, N, this.work);
    if (bad >= 0) {
      const i = Math.floor(bad / N);
      const c = bad % N;
      this.lastFailure = `species ${this.rates.names[i]}: ${this.rates.describe(i)} = ${this.lam[i][c]} in cell ${c} (x = ${(c + 0.5) / N}) at ${this.rates.state(ext.map((r) => r[c]))}`;
      return false;
    }
    for (let i = 0; i < n; i++) {
      this.solveSpecies(i, dt, c0, a2);
      const where = this.outOfBounds(i, dt, c0);
      if (where >= 0) {
        this.lastFailure = `species ${this.rates.names[i]}: rho = ${this.next[i][where]} outside [${this.lo[i]}, ${this.hi[i]}] in cell ${where} after a ${euler ? 'backward-Euler' : 'BDF2'} step (dt = ${dt})`;
        return false;
      }
    }
    return true;
  }

  /** (c0 I − dt L_i) rho* = c0 rho^n + a2 (rho^n − rho^{n−1}), then the consistent update into next[i]. */
  private solveSpecies(i: number, dt: number, c0: number, a2: number): void {
    const { N, D, tlo, tdi, tup, sol, G } = this;
    const lam = this.lam[i];
    const u = this.cur[i];
    const v = this.prev[i];
    const k = dt / (this.dx * this.dx);
    const fick = this.flux === 'fick';
    if (fick) {
      // D[f] = face diffusivity of face f + 1/2
      for (let f = 0; f < N; f++) D[f] = 0.5 * (1 / lam[f] + 1 / lam[f + 1 === N ? 0 : f + 1]);
      for (let c = 0; c < N; c++) {
        const dm = D[c === 0 ? N - 1 : c - 1];
        const dp = D[c];
        tlo[c] = -k * dm;
        tup[c] = -k * dp;
        tdi[c] = c0 + k * (dm + dp);
      }
    } else {
      for (let c = 0; c < N; c++) D[c] = 1 / lam[c];
      for (let c = 0; c < N; c++) {
        tlo[c] = -k * D[c === 0 ? N - 1 : c - 1];
        tup[c] = -k * D[c + 1 === N ? 0 : c + 1];
        tdi[c] = c0 + 2 * k * D[c];
      }
    }
    for (let c = 0; c < N; c++) sol[c] = c0 * u[c] + a2 * (u[c] - v[c]);
    this.fact.factor(tlo, tdi, tup);
    this.fact.solve(sol);
    // G[f] = dt (flux difference across face f + 1/2) / dx², computed once per face: the update telescopes
    for (let f = 0; f < N; f++) {
      const g = f + 1 === N ? 0 : f + 1;
      G[f] = fick ? k * D[f] * (sol[g] - sol[f]) : k * (D[g] * sol[g] - D[f] * sol[f]);
    }
    const out = this.next[i];
    for (let c = 0; c < N; c++) out[c] = u[c] + (a2 * (u[c] - v[c]) + (G[c] - G[c === 0 ? N - 1 : c - 1])) / c0;
  }

  /** The first cell of species i outside its bounds (beyond the round-off of the update), or -1. */
  private outOfBounds(i: number, dt: number, c0: number): number {
    const r = this.next[i];
    let dmax = 0;
    for (const x of this.D) dmax = Math.max(dmax, x);
    const tol = Math.max(1e-12 * this.scale, 64 * Number.EPSILON * (dt / c0) * (4 / (this.dx * this.dx)) * dmax * this.scale);
    const a = this.lo[i] - tol;
    const b = this.hi[i] + tol;
    for (let c = 0; c < this.N; c++) if (!(r[c] >= a && r[c] <= b)) return c;
    return -1;
  }

  private estimate(dt: number): number {
    this.errorPlace = -1;
    if (!(this.dtPrev > 0 && this.dtPrev2 > 0)) return NaN;
    const K = Math.abs(milneConstant(this.pendingEuler ? 1 : 2, dt, this.dtPrev, this.dtPrev2));
    const [p0, p1, p2] = predictorCoefficients(dt, this.dtPrev, this.dtPrev2, this.pc);
    const { rtol, atol } = this.tolerances;
    let mx = 0;
    let at = -1;
    let wmin = Infinity;
    let dmax = 0;
    for (let i = 0; i < this.n; i++) {
      const y = this.next[i];
      const u = this.cur[i];
      const v = this.prev[i];
      const z = this.prev2[i];
      for (let c = 0; c < this.N; c++) {
        const wt = atol + rtol * Math.abs(u[c]);
        const e = (K * Math.abs(y[c] - (p0 * u[c] + p1 * v[c] + p2 * z[c]))) / wt;
        if (!(e <= mx)) {
          mx = e;
          at = c;
        }
        if (wt < wmin) wmin = wt;
      }
      for (const l of this.lam[i]) dmax = Math.max(dmax, 1 / l);
    }
    this.errorPlace = at;
    // round-off of the update: each level ~ 16 ulp of (dt/dx²) max D max rho
    const stop = 16 * Number.EPSILON * (dt / (this.dx * this.dx)) * 4 * dmax * this.scale;
    this.estimateNoise = (K * (Math.abs(p0) + Math.abs(p1) + Math.abs(p2) + 1) * stop) / wmin;
    return mx;
  }

  saveState(): StepperState {
    const s: StepperState = {
      dtPrev: this.dtPrev,
      dtPrev2: this.dtPrev2,
      steps: this.steps,
      fallbackSteps: this.fallbackSteps,
      lastError: Number.isFinite(this.lastError) ? this.lastError : -1,
    };
    for (let i = 0; i < this.n; i++) {
      s[`rho${i}`] = this.cur[i].slice();
      s[`rhoPrev${i}`] = this.prev[i].slice();
      s[`rhoPrev2${i}`] = this.prev2[i].slice();
    }
    return s;
  }

  restoreState(state: StepperState): void {
    const arr = (k: string) => {
      const a = state[k];
      if (!(a instanceof Float64Array) || a.length !== this.N) throw new RangeError(`SpeciesLimitSolver.restoreState: missing ${k}`);
      return a;
    };
    const num = (k: string) => {
      const x = state[k];
      if (typeof x !== 'number') throw new RangeError(`SpeciesLimitSolver.restoreState: missing ${k}`);
      return x;
    };
    for (let i = 0; i < this.n; i++) {
      this.cur[i].set(arr(`rho${i}`));
      this.prev[i].set(arr(`rhoPrev${i}`));
      this.prev2[i].set(arr(`rhoPrev2${i}`));
    }
    this.dtPrev = num('dtPrev');
    this.dtPrev2 = num('dtPrev2');
    this.steps = num('steps');
    this.fallbackSteps = num('fallbackSteps');
    const le = num('lastError');
    this.lastError = le < 0 ? NaN : le;
    this.pendingDt = 0;
    this.sum();
  }
}

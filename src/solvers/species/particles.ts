/**
 * Run-and-tumble particles of several species (docs/species.md): species i's particles run with
 * velocity v/eps and tumble at rate λ_i(rho_1(x), …, rho_n(x))/eps², drawing a fresh v ~ N(0, I).
 * Each species is a ParticleSolver (src/solvers/particles, its exact or AP step) with its own particles
 * (weight mass_i / count), random streams and density estimate; the rates of every species are formed
 * at the start of each step from all species' density estimates of the same ensemble member (clamped
 * into the data's ranges, where they were checked), frozen over the step as in the one-species solver.
 */
import type { Grid } from '../../grid/grid.js';
import { ParticleSolver, type ParticleDensityOptions, type ParticleScheme } from '../particles/solver.js';
import { NumericalFailure, type StepperState, type TimeStepper } from '../stepper.js';
import type { SpeciesRates } from './rates.js';

export interface SpeciesParticleOptions {
  grid: Grid;
  rates: SpeciesRates;
  eps: number;
  rho0: readonly Float64Array[];
  /** Particles per species and ensemble member. */
  count: number;
  seed: number;
  ensembles?: number;
  density?: ParticleDensityOptions;
  scheme: ParticleScheme;
}

export class SpeciesParticleSolver implements TimeStepper {
  readonly grid: Grid;
  readonly scheme: string;
  readonly n: number;
  readonly rates: SpeciesRates;
  readonly species: readonly ParticleSolver[];
  /** Density ranges of the initial data (the rates' arguments are clamped into them). */
  readonly lo: number[];
  readonly hi: number[];
  private readonly ensembles: number;
  private readonly cells: number;
  /** λ_i per member and cell for the current step: fields[i][e * cells + c]. */
  private readonly fields: Float64Array[];
  private readonly dens: Float64Array[];
  private readonly lamTmp: Float64Array[];
  private readonly work: Float64Array;
  private readonly total: Float64Array;

  constructor(opts: SpeciesParticleOptions) {
    const { grid, rates } = opts;
    const n = rates.n;
    this.grid = grid;
    this.n = n;
    this.rates = rates;
    this.cells = grid.cells;
    this.ensembles = opts.ensembles ?? 1;
    const C = this.cells;
    this.lo = opts.rho0.map((r) => r.reduce((a, x) => Math.min(a, x), Infinity));
    this.hi = opts.rho0.map((r) => r.reduce((a, x) => Math.max(a, x), -Infinity));
    this.fields = opts.rho0.map(() => new Float64Array(C * this.ensembles));
    this.dens = opts.rho0.map(() => new Float64Array(C));
    this.lamTmp = opts.rho0.map(() => new Float64Array(C));
    this.work = new Float64Array(n);
    this.total = new Float64Array(C);
    this.species = opts.rho0.map(
      (rho0, i) =>
        new ParticleSolver({
          grid,
          eps: opts.eps,
          rho0,
          count: opts.count,
          seed: opts.seed,
          ensembles: this.ensembles,
          density: opts.density,
          scheme: opts.scheme,
          streamOffset: i * this.ensembles,
          rateField: (e, out) => out.set(this.fields[i].subarray(e * C, (e + 1) * C)),
        }),
    );
    this.scheme = `${n} species: ${this.species[0].scheme} per species`;
  }

  suggestedDt(): number {
    return this.species[0].suggestedDt();
  }

  step(dt: number): void {
    const C = this.cells;
    for (let e = 0; e < this.ensembles; e++) {
      this.species.forEach((s, i) => s.memberRhoInto(e, this.dens[i]));
      const bad = this.rates.fill(this.dens, this.lo, this.hi, this.lamTmp, C, this.work);
      if (bad >= 0) {
        const i = Math.floor(bad / C);
        throw new NumericalFailure(`particles, species ${this.rates.names[i]}: ${this.rates.describe(i)} = ${this.lamTmp[i][bad % C]} in cell ${bad % C}`, { cell: bad % C });
      }
      for (let i = 0; i < this.n; i++) this.fields[i].set(this.lamTmp[i], e * C);
    }
    for (const s of this.species) s.step(dt);
  }

  /** The total estimated density (ensemble mean; a view). */
  rho(): Float64Array {
    this.total.fill(0);
    for (const s of this.species) {
      const r = s.rho();
      for (let c = 0; c < this.cells; c++) this.total[c] += r[c];
    }
    return this.total;
  }

  saveState(): StepperState {
    const out: StepperState = {};
    this.species.forEach((s, i) => {
      for (const [k, v] of Object.entries(s.saveState())) out[`s${i}.${k}`] = v;
    });
    return out;
  }

  restoreState(state: StepperState): void {
    this.species.forEach((s, i) => {
      const sub: StepperState = {};
      const p = `s${i}.`;
      for (const [k, v] of Object.entries(state)) if (k.startsWith(p)) sub[k.slice(p.length)] = v;
      s.restoreState(sub);
    });
  }
}

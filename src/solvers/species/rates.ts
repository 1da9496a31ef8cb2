/**
 * Collision rates of several species, λ_i(rho_1, …, rho_n) (docs/species.md): evaluation at a state
 * and on fields of cells, and the check that the limit system is parabolic on the states the data
 * can reach, done before a run starts.
 *
 * Reachable states. Each species obeys a linear equation once the rate field λ_i(x, t) > 0 is given:
 * the kinetic one d_t h_i + (1/eps) v·∇h_i = (λ_i/eps²)(rho_i − h_i) keeps h_i within
 * [min h_i,in, max h_i,in] (the paper's Theorem 2.1, whose proof uses only λ ≥ 0), and the Fickian
 * limit d_t rho_i = div(λ_i⁻¹ ∇rho_i) keeps rho_i within [min rho_i,in, max rho_i,in]. So the box
 * B = Π_i [lo_i, hi_i] of the data's ranges is invariant, and the rates are needed exactly there.
 *
 * Parabolicity. The Fickian system has the diagonal diffusion matrix diag(1/λ_i): it is parabolic on
 * B iff every λ_i is finite and > 0 on B. What can fail, each named with its rate and state:
 *   - λ_i = 0 at some state (typically where another species vanishes, λ_1 = rho_2): the diffusivity
 *     1/λ_i is infinite there;
 *   - λ_i = ∞ (λ_1 = 1/rho_2 where rho_2 = 0): species i is frozen there (diffusivity 0), the system
 *     degenerates and segregated data stay segregated;
 *   - λ_i < 0 or not a number: backward diffusion / no model.
 * The Itô (SKT-type) form d_t rho_i = Δ(rho_i/λ_i), which is NOT the kinetic model's limit but a common
 * cross-diffusion system, has the full matrix A_ij = ∂(rho_i/λ_i)/∂rho_j: it is (normally) parabolic
 * where every eigenvalue of A has a positive real part (Amann, Math. Z. 202, 1989); checked on the data's box (for
 * it the box is not invariant: only rho_i ≥ 0 is kept).
 *
 * The check samples B on a tensor grid that includes every corner and edge (257, 65, 17, 9 points per
 * axis for 1 … 4 species) plus the initial state of every cell; a zero or pole strictly between
 * samples is not seen before the run, but every step checks λ at every cell (a numerical failure
 * naming the cell).
 */
import { complexEigenvalues } from '../../spectrum/eig.js';
import type { RateLaw } from '../../models/rate.js';

/** One species' compiled rate: evaluated with arguments (rho_1, …, rho_n, rho_1, …, rho_n) (numbered names, then the species' own names). */
export interface SpeciesRate {
  /** The species' name (a column suffix and a variable of the rates). */
  readonly name: string;
  /** The expression as written. */
  readonly source: string;
  readonly fn: (...args: number[]) => number;
}

/** The flux of the limit system: Fick's div(λ_i⁻¹ ∇rho_i) (the kinetic limit) or Itô's Δ(rho_i/λ_i). */
export type LimitFlux = 'fick' | 'ito';

/** A state where the rates fail the check: which rate (or -1: the Itô matrix), the state, the message. */
export interface RateProblem {
  species: number;
  state: number[];
  message: string;
}

export class SpeciesRates {
  readonly n: number;
  readonly names: readonly string[];
  readonly sources: readonly string[];
  private readonly fns: ((...args: number[]) => number)[];

  constructor(rates: readonly SpeciesRate[]) {
    if (rates.length < 1 || rates.length > 4) throw new RangeError(`species: 1 to 4 species, got ${rates.length}`);
    this.n = rates.length;
    this.names = rates.map((r) => r.name);
    this.sources = rates.map((r) => r.source);
    this.fns = rates.map((r) => r.fn);
  }

  /** The variable names the rate expressions are compiled with: rho1 … rhon, then the species' names. */
  static variables(names: readonly string[]): string[] {
    return [...names.map((_, i) => `rho${i + 1}`), ...names];
  }

  /** λ_i at the state s (s[j] = rho_j); no allocation. */
  lambda(i: number, s: ArrayLike<number>): number {
    const f = this.fns[i];
    switch (this.n) {
      case 1: return f(s[0], s[0]);
      case 2: return f(s[0], s[1], s[0], s[1]);
      case 3: return f(s[0], s[1], s[2], s[0], s[1], s[2]);
      default: return f(s[0], s[1], s[2], s[3], s[0], s[1], s[2], s[3]);
    }
  }

  /** "lambda_a = 0.3 + b" */
  describe(i: number): string {
    return `lambda_${this.names[i]} = ${this.sources[i]}`;
  }

  /** "(a = 1, b = 0)" */
  state(s: ArrayLike<number>): string {
    return `(${this.names.map((nm, j) => `${nm} = ${fmt(s[j])}`).join(', ')})`;
  }

  /**
   * The rates on a field of cells: out[i][c] = λ_i(rho_1[c], …, rho_n[c]) with each rho_j clamped into
   * [lo_j, hi_j] (extrapolated or estimated densities may step outside the invariant box by round-off,
   * extrapolation or noise; the rates were checked on the box). Returns -1, or the flat index
   * i * cells + c of the first value that is not finite and > 0.
   */
  fill(rho: readonly Float64Array[], lo: readonly number[], hi: readonly number[], out: readonly Float64Array[], cells: number, work: Float64Array): number {
    const n = this.n;
    for (let c = 0; c < cells; c++) {
      for (let j = 0; j < n; j++) {
        let r = rho[j][c];
        if (r < lo[j]) r = lo[j];
        if (r > hi[j]) r = hi[j];
        work[j] = r;
      }
      for (let i = 0; i < n; i++) {
        const l = this.lambda(i, work);
        out[i][c] = l;
        if (!(l > 0 && l < Infinity)) return i * cells + c;
      }
    }
    return -1;
  }

  /**
   * The parabolicity check on the box Π [lo_j, hi_j] and at the given states (each a state of the
   * initial data, `names` says where, e.g. "x = 0.25"): one problem per failing rate (its first failing
   * state), and for the Itô form the state whose diffusion matrix has the most negative eigenvalue.
   */
  check(lo: readonly number[], hi: readonly number[], flux: LimitFlux, states: readonly number[][] = [], names?: readonly string[]): RateProblem[] {
    const n = this.n;
    const samples = this.samples(lo, hi, states);
    const out: RateProblem[] = [];
    const where = (k: number) => (k < states.length ? `a state of the initial data (${names?.[k] ?? `cell ${k}`})` : 'a state in the box of the data\'s ranges, which every density keeps');
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < samples.length; k++) {
        const s = samples[k];
        const l = this.lambda(i, s);
        if (l > 0 && l < Infinity) continue;
        out.push({ species: i, state: s, message: this.failure(i, s, l, where(k)) });
        break;
      }
    }
    if (out.length > 0 || flux === 'fick') return out;
    // the Itô form: the state with the most negative eigenvalue
    let worst = Infinity;
    let at = -1;
    for (let k = 0; k < samples.length; k++) {
      const e = this.itoEigenvalue(samples[k], lo, hi);
      if (e > 0) continue;
      if (Number.isNaN(e)) {
        at = k;
        worst = NaN;
        break;
      }
      if (e < worst) {
        worst = e;
        at = k;
      }
    }
    if (at < 0) return out;
    const rates = this.names.map((_, i) => this.describe(i)).join(', ');
    out.push({
      species: -1,
      state: samples[at],
      message: `the Itô form d_t rho_i = Δ(rho_i/lambda_i) is not parabolic at ${this.state(samples[at])}, ${at < states.length ? where(at) : 'a state in the box of the initial data\'s ranges'}: the diffusion matrix ∂(rho_i/lambda_i)/∂rho_j has an eigenvalue with real part ${fmt(worst)} ≤ 0 (${rates}); backward diffusion makes the system ill-posed for these data (the kinetic model's own limit is the Fickian form, flux: fick)`,
    });
    return out;
  }

  /** The states the check visits: the given ones, then a tensor grid of the box including its corners. */
  private samples(lo: readonly number[], hi: readonly number[], states: readonly number[][]): number[][] {
    const n = this.n;
    const m = [257, 65, 17, 9][n - 1];
    const samples: number[][] = [...states];
    const idx = new Array<number>(n).fill(0);
    for (;;) {
      samples.push(idx.map((k, j) => (k === m - 1 ? hi[j] : lo[j] + ((hi[j] - lo[j]) * k) / (m - 1))));
      let j = 0;
      while (j < n && ++idx[j] === m) idx[j++] = 0;
      if (j === n) break;
    }
    return samples;
  }

  /** [min, max] of each λ_i over the check's samples of the box (after a passed check: finite and > 0). */
  range(lo: readonly number[], hi: readonly number[]): [number, number][] {
    const samples = this.samples(lo, hi, []);
    return this.names.map((_, i) => {
      let a = Infinity;
      let b = -Infinity;
      for (const s of samples) {
        const l = this.lambda(i, s);
        a = Math.min(a, l);
        b = Math.max(b, l);
      }
      return [a, b];
    });
  }

  private failure(i: number, s: number[], l: number, reach: string): string {
    const at = `${this.describe(i)} is ${fmt(l)} at ${this.state(s)}`;
    if (l === 0) {
      return `${at}, ${reach}: the diffusivity 1/lambda_${this.names[i]} is infinite there (a rate that vanishes where a density vanishes), so the limit system is not parabolic; keep the rate > 0 on the data's range, e.g. add a positive constant`;
    }
    if (l === Infinity) {
      return `${at}, ${reach}: species ${this.names[i]} is frozen there (diffusivity 1/lambda = 0), the limit system degenerates and segregated data stay segregated; keep the rate finite, e.g. (delta + rho)^-1 instead of rho^-1, and watch the segregation persist as delta → 0`;
    }
    if (l < 0) return `${at}, ${reach}: a negative collision rate is backward diffusion (the limit system is not parabolic); rates must be > 0`;
    return `${at}, ${reach}: the rate must be a finite number > 0 there`;
  }

  /**
   * The smallest real part of the eigenvalues of A_ij = ∂(rho_i/λ_i)/∂rho_j at s (central differences,
   * one-sided at the box's edges).
   */
  itoEigenvalue(s: readonly number[], lo: readonly number[], hi: readonly number[]): number {
    const n = this.n;
    const re = new Float64Array(n * n);
    const u = (x: number[], i: number) => x[i] / this.lambda(i, x);
    for (let j = 0; j < n; j++) {
      const h = 1e-6 * Math.max(1, Math.abs(hi[j] - lo[j]), Math.abs(s[j]));
      const a = s[j] - h >= lo[j] ? s[j] - h : s[j];
      const b = s[j] + h <= hi[j] ? s[j] + h : s[j];
      const xa = [...s];
      const xb = [...s];
      xa[j] = a;
      xb[j] = b;
      for (let i = 0; i < n; i++) re[i * n + j] = (u(xb, i) - u(xa, i)) / (b - a);
    }
    const eig = complexEigenvalues({ n, re, im: new Float64Array(n * n) });
    let min = Infinity;
    for (const e of eig) min = Math.min(min, e.re);
    return Number.isNaN(min) || eig.some((e) => Number.isNaN(e.re)) ? NaN : min;
  }
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(6))) : x.toExponential(3);
}

/**
 * A RateLaw that only describes a rate of several densities: what run.json's `rate` and the
 * per-species KineticSolver's `rate` record, where λ is read from a field (MicroMacroOptions.lambdaField)
 * and never evaluated as a function of one density. Evaluating it is a programming error, and says so.
 */
export function describedRate(description: string): RateLaw {
  const refuse = (): never => {
    throw new Error(`${description}: a rate of several species' densities is not a function of one density (evaluate it through SpeciesRates)`);
  };
  return { description, lambda: refuse, diffusivity: refuse, kirchhoff: refuse, evaluate: refuse, lambdaArray: refuse, diffusivityBounds: refuse };
}

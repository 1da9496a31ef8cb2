/**
 * Collision-rate laws lambda(rho) (paper eq. (1.2): lambda = rho^alpha; eq. (3.1): general lambda).
 *
 * The diffusive limit is d_t rho = div(D(rho) grad rho) with D = 1 / lambda (paper eq. (1.3)).
 * The Kirchhoff potential Phi(rho) = int_1^rho D(s) ds turns it into d_t rho = Laplacian Phi(rho);
 * Phi is nondecreasing, which is what makes implicit finite volumes in Phi monotone.
 *
 * Two implementations:
 *  - `powerLaw(alpha)`: lambda = rho^alpha, D = rho^-alpha, Phi in closed form
 *      Phi = (rho^(1-alpha) - 1) / (1 - alpha)   (alpha != 1),   Phi = log rho   (alpha = 1).
 *    Math.pow costs ~45 ns in Node 20 (shared/notes/performance.md), so alpha in
 *    {0, +-0.5, +-1, 1.5, +-2} is special-cased with sqrt/products, and any other alpha uses
 *    exp(alpha log rho) (two transcendental calls per cell for D and Phi together).
 *  - `generalRate(lambda, description, [lo, hi])`: lambda any positive JS function. Phi is tabulated
 *    on [lo, hi] (the maximum principle keeps rho there) at TABLE_INTERVALS + 1 nodes, node values by
 *    composite 5-point Gauss-Legendre (exact for degree 9 per interval, so the node values are
 *    accurate to round-off for smooth lambda), and interpolated by the piecewise cubic Hermite
 *    interpolant with the exact slopes D(x_k). Its error is <= h^4/384 max|D'''| (h = (hi-lo)/2048,
 *    i.e. ~1e-16 max|D'''| for hi - lo = 1), it is C^1, and its derivative (which `evaluate` returns
 *    as D, so Newton's Jacobian is exactly that of the interpolant) agrees with D to O(h^3).
 *    Monotonicity: slopes are limited by the Fritsch-Carlson condition (a^2 + b^2 <= 9), which is
 *    inactive for smooth lambda on a fine table but guarantees that the interpolant is nondecreasing.
 *    Outside [lo, hi] Phi is computed directly by composite Gauss-Legendre from the nearest end.
 *
 * References: Fritsch & Carlson, SIAM J. Numer. Anal. 17 (1980) 238-246 (monotone cubic Hermite);
 * Abramowitz & Stegun 25.4.29 (Gauss-Legendre nodes).
 */
export interface RateLaw {
  /** e.g. "rho^1" or the expression text, recorded in run.json. */
  readonly description: string;
  /** alpha when lambda = rho^alpha, otherwise undefined. */
  readonly alpha?: number;
  /** General rates: the tabulation interval [lo, hi] for Phi. Power laws: undefined (closed form). */
  readonly range?: readonly [number, number];
  lambda(rho: number): number;
  /** D(rho) = 1 / lambda(rho). */
  diffusivity(rho: number): number;
  /** Phi(rho) = int_1^rho D(s) ds (nondecreasing). */
  kirchhoff(rho: number): number;
  /**
   * Vectorised: phi[i] = Phi(rho[i]) and, when d is given, d[i] = Phi'(rho[i]) (= D(rho[i]) for
   * power laws; the derivative of the monotone interpolant for tabulated rates), for i < n.
   * No allocation: this is the hot loop of the implicit diffusion solver.
   */
  evaluate(rho: Float64Array, phi: Float64Array, d: Float64Array | null, n: number): void;
  /** Vectorised: out[i] = lambda(rho[i]) for i < n (for kinetic solvers). */
  lambdaArray(rho: Float64Array, out: Float64Array, n: number): void;
  /** [min D, max D] over [lo, hi] (exact for power laws, sampled at table nodes otherwise). */
  diffusivityBounds(lo: number, hi: number): [number, number];
  /**
   * Power laws with alpha < 1 only: the Kirchhoff potential measured from vacuum,
   * Phi_0(rho) = Phi(rho) - Phi(0) = rho^(1-alpha)/(1-alpha), with D like `evaluate`. Near rho = 0 it keeps
   * full relative precision where Phi itself (about -1/(1-alpha) there) has only absolute precision
   * eps/(1-alpha): what solutions with vacuum need (docs/diffusion-scheme.md "Vacuum").
   */
  evaluateFromZero?(rho: Float64Array, phi: Float64Array, d: Float64Array, n: number): void;
  /** Phi_0 at one density (alpha < 1). */
  kirchhoffFromZero?(rho: number): number;
}

/** lambda = rho^alpha (paper eq. (1.2)). */
export function powerLaw(alpha: number): RateLaw {
  if (!Number.isFinite(alpha)) throw new RangeError(`powerLaw: alpha must be finite, got ${alpha}`);
  return new PowerLaw(alpha);
}

/** The special exponents evaluated without exp/log (each costs a few ns instead of ~20-45 ns). */
const SPECIAL_ALPHAS = [0, 0.5, 1, -1, 2, -2, 1.5, -0.5];

class PowerLaw implements RateLaw {
  readonly description: string;
  readonly alpha: number;
  /** 1 - alpha, the exponent of Phi. */
  private readonly m: number;
  private readonly special: boolean;

  constructor(alpha: number) {
    this.alpha = alpha;
    this.m = 1 - alpha;
    this.description = `rho^${alpha}`;
    this.special = SPECIAL_ALPHAS.includes(alpha);
  }

  lambda(rho: number): number {
    const a = this.alpha;
    switch (a) {
      case 0: return 1;
      case 1: return rho;
      case -1: return 1 / rho;
      case 2: return rho * rho;
      case -2: return 1 / (rho * rho);
      case 0.5: return Math.sqrt(rho);
      case -0.5: return 1 / Math.sqrt(rho);
      case 1.5: return rho * Math.sqrt(rho);
      default: return Math.exp(a * Math.log(rho));
    }
  }

  diffusivity(rho: number): number {
    const a = this.alpha;
    switch (a) {
      case 0: return 1;
      case 1: return 1 / rho;
      case -1: return rho;
      case 2: return 1 / (rho * rho);
      case -2: return rho * rho;
      case 0.5: return 1 / Math.sqrt(rho);
      case -0.5: return Math.sqrt(rho);
      case 1.5: return 1 / (rho * Math.sqrt(rho));
      default: return Math.exp(-a * Math.log(rho));
    }
  }

  kirchhoff(rho: number): number {
    const a = this.alpha;
    // Each special form is written as (rho - 1) * (...) so that Phi keeps full relative accuracy
    // near rho = 1 (no cancellation in rho^m - 1).
    switch (a) {
      case 0: return rho - 1;
      case 1: return Math.log(rho);
      case -1: return 0.5 * (rho - 1) * (rho + 1);
      case 2: return (rho - 1) / rho;
      case -2: return ((rho - 1) * (rho * rho + rho + 1)) / 3;
      case 0.5: return (2 * (rho - 1)) / (Math.sqrt(rho) + 1);
      case -0.5: { const s = Math.sqrt(rho); return (2 * (rho - 1) * (s + 1 / (s + 1))) / 3; }
      case 1.5: { const s = Math.sqrt(rho); return (2 * (rho - 1)) / ((s + 1) * s); }
      default:
        // expm1(m log rho) / m is accurate for every m != 0, including m -> 0 (alpha near 1).
        return Math.expm1(this.m * Math.log(rho)) / this.m;
    }
  }

  evaluate(rho: Float64Array, phi: Float64Array, d: Float64Array | null, n: number): void {
    const a = this.alpha;
    if (d === null) {
      for (let i = 0; i < n; i++) phi[i] = this.kirchhoff(rho[i]);
      return;
    }
    // One loop per exponent so that V8 sees monomorphic, branch-free bodies.
    switch (a) {
      case 0:
        for (let i = 0; i < n; i++) { phi[i] = rho[i] - 1; d[i] = 1; }
        return;
      case 1:
        for (let i = 0; i < n; i++) { const r = rho[i]; phi[i] = Math.log(r); d[i] = 1 / r; }
        return;
      case -1:
        for (let i = 0; i < n; i++) { const r = rho[i]; phi[i] = 0.5 * (r - 1) * (r + 1); d[i] = r; }
        return;
      case 2:
        for (let i = 0; i < n; i++) { const r = rho[i]; const q = 1 / r; phi[i] = (r - 1) * q; d[i] = q * q; }
        return;
      case -2:
        for (let i = 0; i < n; i++) { const r = rho[i]; phi[i] = ((r - 1) * (r * r + r + 1)) / 3; d[i] = r * r; }
        return;
      case 0.5:
        for (let i = 0; i < n; i++) { const r = rho[i]; const s = Math.sqrt(r); phi[i] = (2 * (r - 1)) / (s + 1); d[i] = 1 / s; }
        return;
      case -0.5:
        for (let i = 0; i < n; i++) { const r = rho[i]; const s = Math.sqrt(r); phi[i] = (2 * (r - 1) * (s + 1 / (s + 1))) / 3; d[i] = s; }
        return;
      case 1.5:
        for (let i = 0; i < n; i++) { const r = rho[i]; const s = Math.sqrt(r); phi[i] = (2 * (r - 1)) / ((s + 1) * s); d[i] = 1 / (r * s); }
        return;
      default: {
        const m = this.m;
        if (Math.abs(m) >= 0.25) {
          // Phi = (rho D - 1)/m: two transcendental calls (log, exp); absolute error <= ~8 eps (rho D + 1),
          // which is all the flux differences Phi_j - Phi_i need.
          const im = 1 / m;
          for (let i = 0; i < n; i++) {
            const r = rho[i];
            const di = Math.exp(-a * Math.log(r));
            d[i] = di;
            phi[i] = (r * di - 1) * im;
          }
        } else {
          // alpha near 1: (rho^m - 1)/m would cancel, use expm1.
          for (let i = 0; i < n; i++) {
            const l = Math.log(rho[i]);
            d[i] = Math.exp(-a * l);
            phi[i] = Math.expm1(m * l) / m;
          }
        }
      }
    }
  }

  lambdaArray(rho: Float64Array, out: Float64Array, n: number): void {
    const a = this.alpha;
    if (this.special) {
      for (let i = 0; i < n; i++) out[i] = this.lambda(rho[i]);
    } else {
      for (let i = 0; i < n; i++) out[i] = Math.exp(a * Math.log(rho[i]));
    }
  }

  kirchhoffFromZero(rho: number): number {
    const a = this.alpha;
    switch (a) {
      case 0: return rho;
      case -1: return 0.5 * rho * rho;
      case -2: return (rho * rho * rho) / 3;
      case 0.5: return 2 * Math.sqrt(rho);
      case -0.5: return (2 * rho * Math.sqrt(rho)) / 3;
      default: return rho > 0 ? Math.exp(this.m * Math.log(rho)) / this.m : 0;
    }
  }

  evaluateFromZero(rho: Float64Array, phi: Float64Array, d: Float64Array, n: number): void {
    const a = this.alpha;
    if (!(a < 1)) throw new RangeError(`evaluateFromZero: Phi(0) is finite only for alpha < 1 (got ${a})`);
    switch (a) {
      case 0:
        for (let i = 0; i < n; i++) { phi[i] = rho[i]; d[i] = 1; }
        return;
      case -1:
        for (let i = 0; i < n; i++) { const r = rho[i]; phi[i] = 0.5 * r * r; d[i] = r; }
        return;
      case -2:
        for (let i = 0; i < n; i++) { const r = rho[i]; phi[i] = (r * r * r) / 3; d[i] = r * r; }
        return;
      case 0.5:
        for (let i = 0; i < n; i++) { const s = Math.sqrt(rho[i]); phi[i] = 2 * s; d[i] = 1 / s; }
        return;
      case -0.5:
        for (let i = 0; i < n; i++) { const r = rho[i]; const s = Math.sqrt(r); phi[i] = (2 * r * s) / 3; d[i] = s; }
        return;
      default: {
        const m = this.m;
        for (let i = 0; i < n; i++) {
          const r = rho[i];
          if (r > 0) {
            const l = Math.log(r);
            d[i] = Math.exp(-a * l);
            phi[i] = Math.exp(m * l) / m;
          } else {
            d[i] = a < 0 ? 0 : Infinity;
            phi[i] = 0;
          }
        }
      }
    }
  }

  diffusivityBounds(lo: number, hi: number): [number, number] {
    // D = rho^-alpha is monotone: the extremes are at the ends.
    const a = this.diffusivity(lo);
    const b = this.diffusivity(hi);
    return [Math.min(a, b), Math.max(a, b)];
  }
}

/** Number of table intervals for a general rate. */
export const TABLE_INTERVALS = 2048;

/** Gauss-Legendre nodes and weights on [-1, 1], 5 points (A&S 25.4.29; exact for degree 9). */
const GL5_X = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
const GL5_W = [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891];

/**
 * A general rate lambda(rho) > 0 (paper eq. (3.1)), e.g. from a user expression.
 * `range` = [lo, hi] is where Phi is tabulated: take the bounds of the initial data, which the
 * maximum principle preserves. lambda must be finite and > 0 on the range (checked at every
 * quadrature node; a RangeError otherwise).
 */
export function generalRate(lambda: (rho: number) => number, description: string, range: readonly [number, number]): RateLaw {
  let [lo, hi] = range;
  if (Number.isFinite(lo) && Number.isFinite(hi) && lo > 0 && !(hi - lo > 1e-9 * hi)) {
    // Constant (or nearly constant) data: the maximum principle keeps rho there, but Newton iterates
    // may step off it; tabulate a small neighbourhood of the value.
    const c = 0.5 * (lo + hi);
    lo = c * (1 - 1e-3);
    hi = c * (1 + 1e-3);
  }
  return new TabulatedRate(lambda, description, [lo, hi]);
}

/** A rate law that cannot be used on the range it is needed on (not finite, not > 0 somewhere). */
export class RateLawError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'RateLawError';
  }
}

class TabulatedRate implements RateLaw {
  readonly description: string;
  readonly alpha = undefined;
  readonly range: readonly [number, number];
  private readonly lam: (rho: number) => number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly h: number;
  private readonly invH: number;
  /** Phi at the nodes x_k = lo + k h. */
  private readonly phiNodes: Float64Array;
  /** Hermite slopes at the nodes (D(x_k), Fritsch-Carlson limited if ever necessary). */
  private readonly slopes: Float64Array;

  constructor(lambda: (rho: number) => number, description: string, range: readonly [number, number]) {
    const [lo, hi] = range;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      throw new RateLawError(`the range of rho [${lo}, ${hi}] must be finite with lo < hi`);
    }
    this.lam = lambda;
    this.description = description;
    this.range = [lo, hi];
    this.lo = lo;
    this.hi = hi;
    const K = TABLE_INTERVALS;
    this.h = (hi - lo) / K;
    this.invH = 1 / this.h;
    const phi = new Float64Array(K + 1);
    const slopes = new Float64Array(K + 1);
    // Cumulative integral from lo, then shift so that Phi(1) = 0.
    for (let k = 0; k <= K; k++) {
      const x = this.node(k);
      slopes[k] = this.checkedD(x);
      if (k > 0) phi[k] = phi[k - 1] + this.glPanel(this.node(k - 1), x);
    }
    const shift = this.integrateFrom(lo, phi[0], 1, phi);
    for (let k = 0; k <= K; k++) phi[k] -= shift;
    // Fritsch-Carlson: the cubic Hermite piece on [x_k, x_k+1] is monotone if (m_k/s)^2 + (m_k+1/s)^2 <= 9,
    // s the secant slope. Scale the slopes down where violated (never happens for a smooth lambda on
    // this fine a table, but it guarantees the monotonicity the maximum principle relies on).
    for (let k = 0; k < K; k++) {
      const s = (phi[k + 1] - phi[k]) * this.invH;
      if (!(s > 0)) throw new RateLawError(`1/lambda(rho) integrates to ${s * this.h} (not > 0) on [${this.node(k)}, ${this.node(k + 1)}]`);
      const a = slopes[k] / s;
      const b = slopes[k + 1] / s;
      const q = a * a + b * b;
      if (q > 9) {
        const tau = 3 / Math.sqrt(q);
        slopes[k] = tau * a * s;
        slopes[k + 1] = tau * b * s;
      }
    }
    this.phiNodes = phi;
    this.slopes = slopes;
    this.checkBetweenNodes(slopes);
  }

  /**
   * A zero or a pole of lambda between the table nodes (e.g. |rho − 1.25| when no node falls on
   * 1.25) escapes the node checks. Every interior local extremum of D = 1/lambda over the nodes is
   * refined by golden-section search on its two neighbouring intervals; lambda must stay within
   * 12 orders of magnitude of its range over the nodes there ("bounded away from 0 and infinity").
   */
  private checkBetweenNodes(D: Float64Array): void {
    let dMin = Infinity;
    let dMax = 0;
    for (const d of D) {
      dMin = Math.min(dMin, d);
      dMax = Math.max(dMax, d);
    }
    for (let k = 1; k < D.length - 1; k++) {
      const isMax = D[k] >= D[k - 1] && D[k] >= D[k + 1] && (D[k] > D[k - 1] || D[k] > D[k + 1]);
      const isMin = D[k] <= D[k - 1] && D[k] <= D[k + 1] && (D[k] < D[k - 1] || D[k] < D[k + 1]);
      if (!isMax && !isMin) continue;
      const sign = isMax ? 1 : -1; // maximise sign * D
      let a = this.node(k - 1);
      let b = this.node(k + 1);
      const g = (Math.sqrt(5) - 1) / 2;
      const f = (x: number) => {
        const l = this.lam(x);
        return Number.isFinite(l) && l > 0 ? sign / l : Infinity; // a bad value is the extreme sought
      };
      let c = b - g * (b - a);
      let d = a + g * (b - a);
      let fc = f(c);
      let fd = f(d);
      for (let it = 0; it < 80 && fc !== Infinity && fd !== Infinity; it++) {
        if (fc > fd) {
          b = d;
          d = c;
          fd = fc;
          c = b - g * (b - a);
          fc = f(c);
        } else {
          a = c;
          c = d;
          fc = fd;
          d = a + g * (b - a);
          fd = f(d);
        }
      }
      const x = fc >= fd ? c : d;
      const l = this.lam(x);
      const bad = !(Number.isFinite(l) && l > 0) || (isMax ? 1 / l > 1e12 * dMax : 1 / l < 1e-12 * dMin);
      if (bad) {
        throw new RateLawError(
          `lambda(rho) must be finite and > 0, bounded away from 0 and infinity, for rho in [${this.lo}, ${this.hi}] (the range of the data), but lambda(${x}) = ${l}${isMax ? ' (a zero between the sample points)' : ' (a pole between the sample points)'}`,
        );
      }
    }
  }

  private node(k: number): number {
    return k === TABLE_INTERVALS ? this.hi : this.lo + k * this.h;
  }

  private checkedD(x: number): number {
    const l = this.lam(x);
    if (!(Number.isFinite(l) && l > 0)) {
      throw new RateLawError(`lambda(rho) must be finite and > 0 for rho in [${this.lo}, ${this.hi}] (the range of the data), but lambda(${x}) = ${l}`);
    }
    return 1 / l;
  }

  /** int_a^b D by 5-point Gauss-Legendre on one panel. */
  private glPanel(a: number, b: number): number {
    const c = 0.5 * (a + b);
    const r = 0.5 * (b - a);
    let s = 0;
    for (let q = 0; q < 5; q++) s += GL5_W[q] * this.checkedD(c + r * GL5_X[q]);
    return s * r;
  }

  /** int over [a, b] (either order) by composite GL with panels no wider than the table spacing. */
  private glComposite(a: number, b: number): number {
    // Panels no wider than the table spacing (capped at 4096 panels far outside the range).
    const panels = Math.min(4096, Math.max(1, Math.ceil(Math.abs(b - a) * this.invH)));
    const w = (b - a) / panels;
    let s = 0;
    for (let p = 0; p < panels; p++) s += this.glPanel(a + p * w, p === panels - 1 ? b : a + (p + 1) * w);
    return s;
  }

  /**
   * Value of the (unshifted) cumulative integral at x: from the nearest table node inside the range,
   * or from the nearest end outside it.
   */
  private integrateFrom(lo: number, phiLo: number, x: number, phi: Float64Array): number {
    if (x <= lo) return phiLo - this.glComposite(x, lo);
    if (x >= this.hi) return phi[TABLE_INTERVALS] + this.glComposite(this.hi, x);
    const k = Math.min(TABLE_INTERVALS - 1, Math.floor((x - lo) * this.invH));
    return phi[k] + this.glPanel(this.node(k), x);
  }

  lambda(rho: number): number {
    return this.lam(rho);
  }

  diffusivity(rho: number): number {
    return 1 / this.lam(rho);
  }

  kirchhoff(rho: number): number {
    if (rho >= this.lo && rho <= this.hi) return this.interp(rho, null, 0);
    if (!Number.isFinite(rho)) return NaN;
    if (rho < this.lo) return this.phiNodes[0] - this.glComposite(rho, this.lo);
    return this.phiNodes[TABLE_INTERVALS] + this.glComposite(this.hi, rho);
  }

  /** Cubic Hermite interpolation on the table; writes Phi' to d[i] when d is given. */
  private interp(rho: number, d: Float64Array | null, i: number): number {
    const s = (rho - this.lo) * this.invH;
    let k = Math.floor(s);
    if (k >= TABLE_INTERVALS) k = TABLE_INTERVALS - 1;
    if (k < 0) k = 0;
    const t = s - k;
    const p0 = this.phiNodes[k];
    const p1 = this.phiNodes[k + 1];
    const m0 = this.slopes[k] * this.h;
    const m1 = this.slopes[k + 1] * this.h;
    const t2 = t * t;
    const t3 = t2 * t;
    if (d !== null) {
      // d/dt of the Hermite basis, divided by h.
      d[i] = ((6 * t2 - 6 * t) * (p0 - p1) + (3 * t2 - 4 * t + 1) * m0 + (3 * t2 - 2 * t) * m1) * this.invH;
    }
    return (2 * t3 - 3 * t2 + 1) * p0 + (t3 - 2 * t2 + t) * m0 + (-2 * t3 + 3 * t2) * p1 + (t3 - t2) * m1;
  }

  evaluate(rho: Float64Array, phi: Float64Array, d: Float64Array | null, n: number): void {
    const lo = this.lo;
    const hi = this.hi;
    for (let i = 0; i < n; i++) {
      const r = rho[i];
      if (r >= lo && r <= hi) {
        phi[i] = this.interp(r, d, i);
      } else {
        // Outside the table (an intermediate Newton iterate, or data outside the declared range):
        // exact quadrature, exact D.
        phi[i] = this.kirchhoff(r);
        if (d !== null) d[i] = 1 / this.lam(r);
      }
    }
  }

  lambdaArray(rho: Float64Array, out: Float64Array, n: number): void {
    const f = this.lam;
    for (let i = 0; i < n; i++) out[i] = f(rho[i]);
  }

  diffusivityBounds(lo: number, hi: number): [number, number] {
    let mn = Infinity;
    let mx = -Infinity;
    const take = (x: number) => {
      const v = 1 / this.lam(x);
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    };
    take(lo);
    take(hi);
    // Sample at the table spacing (at least 256 samples) in between.
    const samples = Math.max(256, Math.ceil((hi - lo) * this.invH));
    for (let k = 1; k < samples; k++) take(lo + ((hi - lo) * k) / samples);
    return [mn, mx];
  }
}

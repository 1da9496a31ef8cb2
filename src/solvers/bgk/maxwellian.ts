/**
 * The discrete Maxwellian of Mieussens (Math. Models Methods Appl. Sci. 10 (2000) 1121; J. Comput.
 * Phys. 162 (2000) 429) on a uniform velocity grid v_j with spacing Δv (docs/bgk.md): the
 * minimiser of the discrete entropy Σ (f ln f − f) Δv under the constraint that its moments
 * Σ ψ(v_j) M_j Δv, ψ = (1, v, v²/2), equal the moments U = (rho, rho u, E) of the distribution it
 * replaces. It has the exponential form M_j = exp(a_0 + a_1 v_j + a_2 v_j²/2) (positive), and a
 * relaxation step towards it conserves mass, momentum and energy to round-off — a continuous
 * Maxwellian sampled on the grid does not (and with it the shock speed goes wrong: Boscarino, Cho,
 * Russo & Yun, arXiv 1905.03660). a solves the convex dual problem
 *
 *   min_a  Φ(a) = Σ_j exp(a·ψ_j) Δv − a·U,   ∇Φ = moments(M) − U,   ∇²Φ = Σ_j ψ_j ψ_jᵀ M_j Δv (SPD),
 *
 * by Newton's method with backtracking on Φ, started from the continuous Maxwellian's coefficients
 * (a_2 = −1/T, a_1 = u/T, a_0 = ln(rho/√(2πT)) − u²/(2T)); it exists when U is realisable on the grid
 * (rho > 0 and T above ~Δv² and the grid wide enough around u).
 */
export class DiscreteMaxwellian {
  readonly K: number;
  /** Newton iterations of the last solve. */
  iterations = 0;
  private readonly e: Float64Array;
  readonly a = new Float64Array(3);

  constructor(
    readonly v: Float64Array,
    readonly dv: number,
  ) {
    this.K = v.length;
    this.e = new Float64Array(this.K);
  }

  /**
   * M (length K) with the moments (rho, m, E) to ~1e-14 relative; returns false when Newton fails
   * (non-realisable moments). `guess` (3 coefficients) is used when given (the previous step's cell).
   */
  solve(rho: number, m: number, E: number, out: Float64Array, guess?: Float64Array): boolean {
    const { K, v, dv, e, a } = this;
    if (!(rho > 0)) return false;
    const u = m / rho;
    const T = (2 * E) / rho - u * u;
    if (!(T > 0)) return false;
    if (guess && Number.isFinite(guess[0]) && guess[2] < 0) {
      a[0] = guess[0];
      a[1] = guess[1];
      a[2] = guess[2];
    } else {
      a[2] = -1 / T;
      a[1] = u / T;
      a[0] = Math.log(rho / Math.sqrt(2 * Math.PI * T)) - (u * u) / (2 * T);
    }
    // scales for the convergence test
    const s0 = rho;
    const s1 = rho * Math.sqrt(T) + Math.abs(m);
    const s2 = E;
    let phi = this.evaluate(a[0], a[1], a[2], rho, m, E);
    let gPrev = Infinity;
    for (let it = 0; it < 60; it++) {
      this.iterations = it;
      // gradient and Hessian
      let g0 = -rho;
      let g1 = -m;
      let g2 = -E;
      let h00 = 0;
      let h01 = 0;
      let h02 = 0;
      let h11 = 0;
      let h12 = 0;
      let h22 = 0;
      for (let j = 0; j < K; j++) {
        const vj = v[j];
        const q = 0.5 * vj * vj;
        const mj = e[j] * dv;
        g0 += mj;
        g1 += mj * vj;
        g2 += mj * q;
        h00 += mj;
        h01 += mj * vj;
        h02 += mj * q;
        h11 += mj * vj * vj;
        h12 += mj * vj * q;
        h22 += mj * q * q;
      }
      // converged to round-off: the scaled gradient is tiny and no longer halves (Newton converges
      // quadratically, so the last iterations stall at the rounding level of the sums)
      const gn = Math.max(Math.abs(g0) / s0, Math.abs(g1) / s1, Math.abs(g2) / s2);
      if (gn <= 1e-15 || (gn <= 1e-12 && gn > 0.5 * gPrev)) {
        // the mass exactly (to one rounding): rescale by rho / Σ M Δv
        let sm = 0;
        for (let j = 0; j < K; j++) sm += e[j];
        const c = rho / (sm * dv);
        for (let j = 0; j < K; j++) out[j] = e[j] * c;
        return true;
      }
      gPrev = gn;
      // solve H d = −g (3×3, Cholesky)
      const l00 = Math.sqrt(h00);
      const l10 = h01 / l00;
      const l20 = h02 / l00;
      const l11 = Math.sqrt(Math.max(h11 - l10 * l10, 0));
      const l21 = (h12 - l20 * l10) / l11;
      const l22 = Math.sqrt(Math.max(h22 - l20 * l20 - l21 * l21, 0));
      if (!(l00 > 0 && l11 > 0 && l22 > 0)) return false;
      const y0 = -g0 / l00;
      const y1 = (-g1 - l10 * y0) / l11;
      const y2 = (-g2 - l20 * y0 - l21 * y1) / l22;
      const d2 = y2 / l22;
      const d1 = (y1 - l21 * d2) / l11;
      const d0 = (y0 - l10 * d1 - l20 * d2) / l00;
      // backtracking (Armijo) on Φ; the full step is taken near the solution
      const slope = g0 * d0 + g1 * d1 + g2 * d2;
      let t = 1;
      let accepted = false;
      for (let ls = 0; ls < 40; ls++) {
        const b0 = a[0] + t * d0;
        const b1 = a[1] + t * d1;
        const b2 = a[2] + t * d2;
        const p = this.evaluate(b0, b1, b2, rho, m, E);
        if (p <= phi + 1e-4 * t * slope || Math.abs(p - phi) <= 1e-15 * Math.abs(phi)) {
          a[0] = b0;
          a[1] = b1;
          a[2] = b2;
          phi = p;
          accepted = true;
          break;
        }
        t *= 0.5;
      }
      if (!accepted) {
        this.evaluate(a[0], a[1], a[2], rho, m, E);
      }
    }
    return false;
  }

  /** e_j = exp(a·ψ_j) and Φ(a). */
  private evaluate(a0: number, a1: number, a2: number, rho: number, m: number, E: number): number {
    const { K, v, dv, e } = this;
    let s = 0;
    for (let j = 0; j < K; j++) {
      const vj = v[j];
      const x = Math.exp(a0 + a1 * vj + 0.5 * a2 * vj * vj);
      e[j] = x;
      s += x;
    }
    return s * dv - (a0 * rho + a1 * m + a2 * E);
  }
}

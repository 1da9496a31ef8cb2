/**
 * The conservative bound limiter (./limiter.ts) on an interval with walls: faces F = 0..N, F the left
 * face of cell F, F = 0 and F = N the walls (their fluxes are what leaves or enters the domain). Step 1
 * (FCT of the face mass fluxes against the zero-flux solution rho^n) treats a wall face like an
 * interior one whose outside neighbour takes or gives anything; step 2 (per-cell projection and
 * scaling of q) is the periodic limiter's, inherited. The wall fluxes after limiting are the step's
 * outflow, so mass + outflow is kept to round-off.
 */
import { BoundLimiter1D } from './limiter.js';

export class WallLimiter1D extends BoundLimiter1D {
  private readonly RpW: Float64Array;
  private readonly RmW: Float64Array;

  constructor(N: number, K: number, dx: number, lo: number, hi: number, useLimiter: boolean, w: Float64Array, name: string) {
    super(N, K, dx, lo, hi, useLimiter, w, name);
    this.RpW = new Float64Array(N);
    this.RmW = new Float64Array(N);
  }

  /** rhoNew = rhoN − (F_{i+1} − F_i)/dx (N + 1 faces), with FCT when it leaves the bounds; true when FCT acted. */
  limitDensityWalls(rhoN: Float64Array, rhoNew: Float64Array, F: Float64Array): boolean {
    this.limitedC.fill(0);
    if (this.updateRhoWalls(rhoN, rhoNew, F) && this.useLimiter) {
      this.fctWalls(rhoN, F);
      this.updateRhoWalls(rhoN, rhoNew, F);
      return true;
    }
    return false;
  }

  /** rhoNew = rhoN − (F_{i+1} − F_i)/dx; whether some value left [lo, hi]. */
  updateRhoWalls(rhoN: Float64Array, rhoNew: Float64Array, F: Float64Array): boolean {
    const { N, dx, lo, hi } = this;
    const idx = 1 / dx;
    let out = false;
    for (let i = 0; i < N; i++) {
      const r = rhoN[i] - (F[i + 1] - F[i]) * idx;
      rhoNew[i] = r;
      if (r > hi || r < lo) out = true;
    }
    return out;
  }

  /** Zalesak FCT against rho^n (inside [lo, hi]); a ratio is 1 where nothing enters (leaves), never 0/0. */
  private fctWalls(rhoN: Float64Array, F: Float64Array): void {
    const { N, dx, lo, hi } = this;
    const Rp = this.RpW;
    const Rm = this.RmW;
    for (let i = 0; i < N; i++) {
      const pin = Math.max(0, F[i]) + Math.max(0, -F[i + 1]);
      const pout = Math.max(0, F[i + 1]) + Math.max(0, -F[i]);
      const qp = (hi - rhoN[i]) * dx;
      const qm = (rhoN[i] - lo) * dx;
      Rp[i] = pin > 0 && pin > qp ? Math.max(0, qp) / pin : 1;
      Rm[i] = pout > 0 && pout > qm ? Math.max(0, qm) / pout : 1;
    }
    const lim = this.limitedC;
    for (let f = 0; f <= N; f++) {
      let C: number;
      if (f === 0) C = F[0] >= 0 ? Rp[0] : Rm[0];
      else if (f === N) C = F[N] >= 0 ? Rm[N - 1] : Rp[N - 1];
      else C = F[f] >= 0 ? Math.min(Rm[f - 1], Rp[f]) : Math.min(Rp[f - 1], Rm[f]);
      if (C < 1) {
        if (f > 0) lim[f - 1] = 1;
        if (f < N) lim[f] = 1;
      }
      F[f] *= C;
    }
  }
}

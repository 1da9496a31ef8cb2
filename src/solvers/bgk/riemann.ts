/**
 * Exact solutions the BGK equation (1.4) is checked against (docs/bgk.md, "Verification"):
 *
 *  - the Riemann problem of the Euler equations (the fluid limit Kn → 0 of BGK). With one velocity
 *    dimension the BGK moments ρ, ρu, E = ∫ v²/2 f dv = ρu²/2 + ρT/2 close with p = ρT and internal
 *    energy ρT/2 = p/(γ − 1): γ = 3. Exact solver of Toro (Riemann Solvers and Numerical Methods for
 *    Fluid Dynamics, 3rd ed., ch. 4): Newton on the pressure function for p*, then sampling in x/t.
 *    Sod's data at γ = 3 [chk, wave2-methods]: p* 0.272909, u* 0.608567, ρ*L 0.648644, ρ*R 0.170704,
 *    shock speed 2.273005, fan −1.732051 … −0.514917.
 *  - free molecular flow (Kn → ∞): f(t, x, v) = f_0(x − v t, v). For Maxwellian Riemann data the
 *    density is ρ_L/2 erfc((x − u_L t)/(t√(2 T_L))) + ρ_R/2 erfc(−(x − u_R t)/(t√(2 T_R))) (jump at 0).
 */
import { erfc } from '../../spectrum/faddeeva.js';

export interface EulerState {
  rho: number;
  u: number;
  p: number;
}

export interface RiemannSolution {
  /** Star-region pressure and velocity, densities left and right of the contact. */
  pStar: number;
  uStar: number;
  rhoStarL: number;
  rhoStarR: number;
  /** The state at x/t = s. */
  sample(s: number): EulerState;
}

export function exactRiemann(L: EulerState, R: EulerState, gamma: number): RiemannSolution {
  const g = gamma;
  const cL = Math.sqrt((g * L.p) / L.rho);
  const cR = Math.sqrt((g * R.p) / R.rho);
  if ((2 / (g - 1)) * (cL + cR) <= R.u - L.u) throw new RangeError('exactRiemann: the data generate vacuum');
  // pressure function of one side and its derivative
  const fK = (p: number, S: EulerState, c: number): [number, number] => {
    if (p > S.p) {
      const A = 2 / ((g + 1) * S.rho);
      const B = ((g - 1) / (g + 1)) * S.p;
      const q = Math.sqrt(A / (p + B));
      return [(p - S.p) * q, q * (1 - (p - S.p) / (2 * (B + p)))];
    }
    const r = p / S.p;
    return [((2 * c) / (g - 1)) * (Math.pow(r, (g - 1) / (2 * g)) - 1), (1 / (S.rho * c)) * Math.pow(r, -(g + 1) / (2 * g))];
  };
  // two-rarefaction guess, then Newton
  const z = (g - 1) / (2 * g);
  let p = Math.pow((cL + cR - 0.5 * (g - 1) * (R.u - L.u)) / (cL / Math.pow(L.p, z) + cR / Math.pow(R.p, z)), 1 / z);
  for (let it = 0; it < 100; it++) {
    const [fl, dl] = fK(p, L, cL);
    const [fr, dr] = fK(p, R, cR);
    const f = fl + fr + (R.u - L.u);
    const next = Math.max(1e-14 * p, p - f / (dl + dr));
    if (Math.abs(next - p) <= 1e-15 * (next + p)) {
      p = next;
      break;
    }
    p = next;
  }
  const pStar = p;
  const uStar = 0.5 * (L.u + R.u) + 0.5 * (fK(p, R, cR)[0] - fK(p, L, cL)[0]);
  const gm = (g - 1) / (g + 1);
  const rhoStarL = pStar > L.p ? L.rho * ((pStar / L.p + gm) / (gm * (pStar / L.p) + 1)) : L.rho * Math.pow(pStar / L.p, 1 / g);
  const rhoStarR = pStar > R.p ? R.rho * ((pStar / R.p + gm) / (gm * (pStar / R.p) + 1)) : R.rho * Math.pow(pStar / R.p, 1 / g);
  const sample = (s: number): EulerState => {
    if (s <= uStar) {
      // left of the contact
      if (pStar > L.p) {
        const SL = L.u - cL * Math.sqrt(((g + 1) / (2 * g)) * (pStar / L.p) + (g - 1) / (2 * g));
        return s <= SL ? { ...L } : { rho: rhoStarL, u: uStar, p: pStar };
      }
      const head = L.u - cL;
      const cStar = cL * Math.pow(pStar / L.p, (g - 1) / (2 * g));
      const tail = uStar - cStar;
      if (s <= head) return { ...L };
      if (s >= tail) return { rho: rhoStarL, u: uStar, p: pStar };
      const c = (2 / (g + 1)) * (cL + 0.5 * (g - 1) * (L.u - s));
      const rho = L.rho * Math.pow(c / cL, 2 / (g - 1));
      return { rho, u: (2 / (g + 1)) * (cL + 0.5 * (g - 1) * L.u + s), p: L.p * Math.pow(c / cL, (2 * g) / (g - 1)) };
    }
    if (pStar > R.p) {
      const SR = R.u + cR * Math.sqrt(((g + 1) / (2 * g)) * (pStar / R.p) + (g - 1) / (2 * g));
      return s >= SR ? { ...R } : { rho: rhoStarR, u: uStar, p: pStar };
    }
    const head = R.u + cR;
    const cStar = cR * Math.pow(pStar / R.p, (g - 1) / (2 * g));
    const tail = uStar + cStar;
    if (s >= head) return { ...R };
    if (s <= tail) return { rho: rhoStarR, u: uStar, p: pStar };
    const c = (2 / (g + 1)) * (cR - 0.5 * (g - 1) * (R.u - s));
    const rho = R.rho * Math.pow(c / cR, 2 / (g - 1));
    return { rho, u: (2 / (g + 1)) * (-cR + 0.5 * (g - 1) * R.u + s), p: R.p * Math.pow(c / cR, (2 * g) / (g - 1)) };
  };
  return { pStar, uStar, rhoStarL, rhoStarR, sample };
}

/** A Maxwellian state (density, velocity, temperature). */
export interface KineticState {
  rho: number;
  u: number;
  T: number;
}

/**
 * Free molecular flow from Maxwellian Riemann data with the jump at x = 0: the density at (t, x),
 * ρ_L/2 erfc((x − u_L t)/(t √(2 T_L))) + ρ_R/2 erfc(−(x − u_R t)/(t √(2 T_R))).
 */
export function freeMolecularDensity(L: KineticState, R: KineticState, t: number, x: number): number {
  if (t <= 0) return x < 0 ? L.rho : R.rho;
  return 0.5 * L.rho * erfc((x - L.u * t) / (t * Math.sqrt(2 * L.T))) + 0.5 * R.rho * erfc(-(x - R.u * t) / (t * Math.sqrt(2 * R.T)));
}

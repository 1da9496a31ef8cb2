/**
 * The vacuum rule of the kinetic transport (docs/kinetic-scheme.md "Vacuum"): λ(0) = 0 for alpha > 0
 * (no collisions: 1/λ capped at DF_CAP so that the blending weight γ = 1 and (1 − γ)/λ = 0 exactly),
 * λ(0) = ∞ for alpha < 0 (instant relaxation: 1/λ = 0), and the Kirchhoff secant diffusivity of a wall
 * face (./walls1d.ts).
 */
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure } from '../stepper.js';

/** Cap of 1/λ where λ = 0 (vacuum, alpha > 0): large enough that γ = 1 and (1 − γ) = 0 exactly in double. */
export const DF_CAP = 1e300;

/** lambda at the clamped density r with the vacuum rule; 1/lambda capped. Throws on NaN or negative rates. */
export function vacuumLambda(rate: RateLaw, r: number, cell: number): { lam: number; inv: number } {
  const lam = rate.lambda(r);
  if (!(lam >= 0)) throw new NumericalFailure(`lambda(${r}) = ${lam} is not a rate in [0, infinity]`, { cell });
  const inv = lam > 0 ? 1 / lam : DF_CAP;
  return { lam, inv: inv > DF_CAP ? DF_CAP : inv };
}

/**
 * (Φ(a) − Φ(b)) / (a − b), the diffusivity of the steady flux between densities a and b (D(a) when
 * they are close); ∞ when Φ(b) = −∞ (alpha >= 1 at b = 0).
 */
export function kirchhoffSecant(rate: RateLaw, a: number, b: number): number {
  const m = Math.max(a, b);
  if (!(Math.abs(a - b) > 1e-6 * m)) {
    const r = 0.5 * (a + b);
    const lam = rate.lambda(r);
    return lam > 0 ? Math.min(1 / lam, DF_CAP) : DF_CAP;
  }
  const phi = rate.kirchhoffFromZero ?? ((r: number) => rate.kirchhoff(r));
  const d = (phi.call(rate, a) - phi.call(rate, b)) / (a - b);
  if (Number.isNaN(d)) return DF_CAP;
  return Math.min(d, DF_CAP);
}

/**
 * Asymptotic-preserving implicit micro-macro solver for the nonlinear BGK model in diffusive scaling
 * (paper eq. (1.2), in h = f / M):
 *
 *   d_t h + (1/eps) v . grad_x h = (1/eps^2) lambda(rho) (rho - h),   rho = sum_k w_k h_k.
 *
 * See docs/kinetic-scheme.md for the derivation, the limit scheme and the measured properties.
 * Summary: h = rho + q with <q> = 0 stored separately (no cancellation at eps = 1e-8); cell-centred
 * finite volumes whose face value of h_k blends the centred average with the Chapman-Enskog face
 * value rho_f - (eps / lambda_f) v_k (rho_{i+1} - rho_i)/dx, weight beta = 1 - exp(-(lambda_f dx /
 * (eps |v_k|))^2); fully implicit variable-step BDF2 with lambda at the extrapolated density;
 * the coupled (rho, q) system is solved exactly by eliminating q per velocity (periodic tridiagonal)
 * and GMRES on the density Schur complement preconditioned by the limit diffusion operator;
 * then a conservative bound limiter (FCT on the density face fluxes against rho^n, then a per-cell
 * scaling of q towards rho), which keeps mass to round-off and h within [min h0, max h0].
 *
 * Where it lives: this facade (the AdaptiveStepper surface, ../microMacro.ts) over the 1D stepper
 * (kinetic1d.ts) and the 2D stepper (kinetic2d.ts); the transport faces and line solves they share
 * with other micro–macro schemes are in ../transport/, the bound limiter in ../limiter.ts.
 */
import { MicroMacroSolver, type MicroMacroOptions } from '../microMacro/facade.js';
import type { MicroMacroCounters } from '../microMacro/levels.js';
import { Kinetic1D } from './kinetic1d.js';
import { Kinetic2D } from './kinetic2d.js';

export type KineticOptions = MicroMacroOptions;
export type KineticCounters = MicroMacroCounters;

export class KineticSolver extends MicroMacroSolver {
  readonly scheme: string;

  constructor(opts: KineticOptions) {
    super('KineticSolver', opts, (s) => (s.grid.dim === 2 ? new Kinetic2D(s) : new Kinetic1D(s)));
    this.scheme = `kinetic AP micro-macro, centred/Chapman-Enskog blended faces, ${this.bdf2 ? 'BDF2' : 'backward Euler'}, GMRES Schur solve${this.useLimiter ? ', FCT + q-scaling bound limiter' : ''}`;
  }
}

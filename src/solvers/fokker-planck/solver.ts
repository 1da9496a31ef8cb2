/**
 * Asymptotic-preserving implicit micro–macro solver for the kinetic Fokker–Planck equation (paper
 * eq. (1.5)) in the diffusive scaling, in h = f / M (docs/fokker-planck.md):
 *
 *   d_t h + (1/eps) v·∇_x h = (λ(rho)/eps²) L h,   L h = Δ_v h − v·∇_v h  (div_v(∇_v f + v f) = M L h),
 *
 * which has the same diffusive limit as the BGK-type model (1.2): d_t rho = div(λ(rho)⁻¹ ∇rho).
 * Velocities: Gauss–Hermite nodes with the birth–death discretisation of L (velocityOperator.ts:
 * conservative, Gaussian equilibrium, exact on v, an M-matrix). Transport, time integrator, limiter
 * and error estimate are the BGK-type scheme's (../transport, ../limiter.ts, ../microMacro);
 * this facade picks the 1D (fokkerPlanck1d.ts) or 2D (fokkerPlanck2d.ts) stepper.
 */
import { MicroMacroSolver, type MicroMacroOptions } from '../microMacro/facade.js';
import { birthDeathOU } from './velocityOperator.js';
import { FokkerPlanck1D } from './fokkerPlanck1d.js';
import { FokkerPlanck2D } from './fokkerPlanck2d.js';

export type FokkerPlanckOptions = MicroMacroOptions;

export class FokkerPlanckSolver extends MicroMacroSolver {
  readonly scheme: string;

  constructor(opts: FokkerPlanckOptions) {
    super('FokkerPlanckSolver', opts, (s) => {
      const op = birthDeathOU(s.velocity.nodesPerDim);
      return s.grid.dim === 2 ? new FokkerPlanck2D(s, op) : new FokkerPlanck1D(s, op);
    });
    this.scheme = `kinetic Fokker-Planck AP micro-macro, birth-death Ornstein-Uhlenbeck operator on Gauss-Hermite nodes, centred/Chapman-Enskog blended faces, ${this.bdf2 ? 'BDF2' : 'backward Euler'}, ${this.grid.dim === 1 ? 'block-tridiagonal elimination + GMRES Schur solve' : 'FGMRES on the coupled system'}${this.useLimiter ? ', FCT + q-scaling bound limiter' : ''}`;
  }
}

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
 * (kinetic1d.ts; on an interval with walls kinetic1dWalls.ts) and the 2D stepper (kinetic2d.ts; specular walls by mirror images, mirror2d.ts; diffuse and absorbing walls kinetic2dWalls.ts); the transport faces and line solves they share
 * with other micro–macro schemes are in ../transport/, the bound limiter in ../limiter.ts.
 */
import { MicroMacroSolver, type MicroMacroOptions } from '../microMacro/facade.js';
import type { MicroMacroCounters } from '../microMacro/levels.js';
import { Kinetic1D } from './kinetic1d.js';
import { Kinetic2D } from './kinetic2d.js';
import { KineticWalls1D } from './kinetic1dWalls.js';
import { MirroredKinetic2D } from './mirror2d.js';
import { KineticWalls2D } from './kinetic2dWalls.js';
import type { Direction2D } from '../transport/walls2d.js';

export type KineticOptions = MicroMacroOptions;
export type KineticCounters = MicroMacroCounters;

export class KineticSolver extends MicroMacroSolver {
  readonly scheme: string;

  constructor(opts: KineticOptions) {
    super('KineticSolver', opts, (s) => {
      if (s.grid.dim === 2) {
        if (s.grid.periodic.every((p) => p)) return new Kinetic2D(s);
        // walls in 2D: specular on every walled side by mirror images (./mirror2d.ts); diffuse, absorbing, inflow
        // (mixed with specular or periodic directions) by the walled 2D stepper (./kinetic2dWalls.ts)
        const dirs = s.grid.periodic.map((p, d) => {
          if (p) return null;
          const w = s.walls?.[d];
          if (!w) throw new RangeError('KineticSolver: a grid with walls needs opts.walls (the kind of each side)');
          if ((w[0].kind === 'inflow' && !w[0].g2) || (w[1].kind === 'inflow' && !w[1].g2)) throw new RangeError('KineticSolver: a 2D inflow wall needs g2 (the incoming h in t, vx, vy)');
          return w;
        }) as [Direction2D, Direction2D];
        if (dirs.every((d) => d === null || (d[0].kind === 'specular' && d[1].kind === 'specular'))) return new MirroredKinetic2D(s, dirs[0] !== null, dirs[1] !== null);
        return new KineticWalls2D(s, dirs);
      }
      if (s.grid.periodic[0]) return new Kinetic1D(s);
      const walls = s.walls?.[0];
      if (!walls) throw new RangeError('KineticSolver: a grid with walls needs opts.walls (the kind of each side)');
      return new KineticWalls1D(s, walls);
    });
    this.scheme = `kinetic AP micro-macro, centred/Chapman-Enskog blended faces, ${this.bdf2 ? 'BDF2' : 'backward Euler'}, GMRES Schur solve${this.useLimiter ? ', FCT + q-scaling bound limiter' : ''}`;
  }
}

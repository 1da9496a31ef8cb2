/**
 * Collision-rate laws lambda(rho) (paper eq. (1.2): lambda = rho^alpha; eq. (3.1): general lambda).
 *
 * The diffusive limit is d_t rho = div(D(rho) grad rho) with D = 1 / lambda (paper eq. (1.3)).
 * The Kirchhoff potential Phi(rho) = int_1^rho D(s) ds turns it into d_t rho = Laplacian Phi(rho);
 * Phi is nondecreasing, which is what makes implicit finite volumes in Phi monotone.
 *
 * PLACEHOLDER INTERFACE: implemented in full by the diffusion-solver work (see RateLaw below).
 */
export interface RateLaw {
  /** e.g. "rho^1" or the expression text, recorded in run.json. */
  readonly description: string;
  /** alpha when lambda = rho^alpha, otherwise undefined. */
  readonly alpha?: number;
  lambda(rho: number): number;
  /** D(rho) = 1 / lambda(rho). */
  diffusivity(rho: number): number;
  /** Phi(rho) = int_1^rho D(s) ds (nondecreasing). */
  kirchhoff(rho: number): number;
}

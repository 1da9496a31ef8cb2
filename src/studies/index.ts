/**
 * The named studies of `nlbgk study NAME` (docs/studies.md): a catalog of names and descriptions
 * (the CLI's --help) whose `run` imports the study's module only when it is called, so that no
 * other command loads the study code (nor the plotting and Parquet modules behind it).
 */
import type { StudyOptions, StudyResult } from './common.js';

export type { StudyOptions, StudyResult, StudyCheck } from './common.js';

export const STUDIES: Record<string, { describe: string; run: (opts: StudyOptions) => Promise<StudyResult> }> = {
  bounds: { describe: 'Theorem 2.1: min/max of f/M over time against 1/A and A (alpha ∈ {−2,0,1,2}, eps ∈ {1,1e-2,1e-4}, rough data)', run: async (opts) => (await import('./bounds.js')).boundsStudy(opts) },
  decay: { describe: 'Theorem 2.2: decay of ||f − mM||², measured rates against the exact linear gap and the theorem\'s form; H_delta', run: async (opts) => (await import('./decay.js')).decayStudy(opts) },
  limit: { describe: 'Theorem 2.3: ||f_eps − rho~ M|| against eps (0.5 … 1e-4), well- and ill-prepared data, fitted order', run: async (opts) => (await import('./limit.js')).limitStudy(opts) },
  regimes: { describe: 'Porous medium, heat, fast diffusion (1D) and log diffusion (2D): kinetic at small eps beside the limit', run: async (opts) => (await import('./regimes.js')).regimesStudy(opts) },
  neighbours: { describe: 'The kinetic Fokker–Planck (1.5) and full BGK (1.4) equations beside (1.2) from the same data: densities, distance to the shared limit, decay rates against the exact linear theory', run: async (opts) => (await import('./neighbours.js')).neighboursStudy(opts) },
  'cross-diffusion': { describe: 'Two species with cross-dependent rates: kinetic → Fickian limit system as eps → 0 (order 2), not the Itô form; segregation persisting as δ → 0; entropy', run: async (opts) => (await import('./crossDiffusion.js')).crossDiffusionStudy(opts) },
  fronts: { describe: '§1.2 porous-medium fronts (alpha < 0) from Barenblatt data with vacuum: kinetic density beyond the limit\'s front, front positions and ||rho_kin − rho_lim||_1 against eps, with their orders', run: async (opts) => (await import('./fronts.js')).frontsStudy(opts) },
  tails: { describe: '§1.2 fast-diffusion tails (alpha = 1/2): where the kinetic density departs from the limit, against the local Knudsen numbers eps/rho^alpha and its gradient form, across eps and two box sizes', run: async (opts) => (await import('./tails.js')).tailsStudy(opts) },
  'whole-space': { describe: '§1.2 whole space: 2D log diffusion (alpha = 1) loses 4π per unit time (radial limit, far field at R = 1e2 … 1e6); the 1D analogue alpha = 1 with the kinetic model from the mass-losing profile: which limit solution it follows as eps → 0', run: async (opts) => (await import('./wholeSpace.js')).wholeSpaceStudy(opts) },
  entropy: { describe: '§1.2 long-time behaviour: nonlinear decay of the kinetic entropy ||f − mM||² at decreasing eps against the porous-medium / fast-diffusion limit (torus and zero-flux box), rates → κ² at O(eps²), best-delta hypocoercive functional', run: async (opts) => (await import('./entropy.js')).entropyStudy(opts) },
  particles: { describe: 'Run-and-tumble particles against the kinetic solver (alpha = 1, eps = 0.1): densities, distance vs the binomial noise level, error ~ N^-1/2', run: async (opts) => (await import('./particles.js')).particlesStudy(opts) },
};


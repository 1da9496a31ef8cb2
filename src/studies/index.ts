/** The named studies of `nlbgk study NAME` (docs/studies.md). */
import { boundsStudy } from './bounds.js';
import { decayStudy } from './decay.js';
import { limitStudy } from './limit.js';
import { regimesStudy } from './regimes.js';
import { particlesStudy } from './particles.js';
import { neighboursStudy } from './neighbours.js';
import { crossDiffusionStudy } from './crossDiffusion.js';
import type { StudyOptions, StudyResult } from './common.js';

export type { StudyOptions, StudyResult, StudyCheck } from './common.js';

export const STUDIES: Record<string, { describe: string; run: (opts: StudyOptions) => Promise<StudyResult> }> = {
  bounds: { describe: 'Theorem 2.1: min/max of f/M over time against 1/A and A (alpha ∈ {−2,0,1,2}, eps ∈ {1,1e-2,1e-4}, rough data)', run: boundsStudy },
  decay: { describe: 'Theorem 2.2: decay of ||f − mM||², measured rates against the exact linear gap and the theorem\'s form; H_delta', run: decayStudy },
  limit: { describe: 'Theorem 2.3: ||f_eps − rho~ M|| against eps (0.5 … 1e-4), well- and ill-prepared data, fitted order', run: limitStudy },
  regimes: { describe: 'Porous medium, heat, fast diffusion (1D) and log diffusion (2D): kinetic at small eps beside the limit', run: regimesStudy },
  neighbours: { describe: 'The kinetic Fokker–Planck (1.5) and full BGK (1.4) equations beside (1.2) from the same data: densities, distance to the shared limit, decay rates against the exact linear theory', run: neighboursStudy },
  'cross-diffusion': { describe: 'Two species with cross-dependent rates: kinetic → Fickian limit system as eps → 0 (order 2), not the Itô form; segregation persisting as δ → 0; entropy', run: crossDiffusionStudy },
  particles: { describe: 'Run-and-tumble particles against the kinetic solver (alpha = 1, eps = 0.1): densities, distance vs the binomial noise level, error ~ N^-1/2', run: particlesStudy },
};

export { boundsStudy, decayStudy, limitStudy, regimesStudy, particlesStudy, neighboursStudy, crossDiffusionStudy };

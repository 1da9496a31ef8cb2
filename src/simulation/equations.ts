/**
 * The equations nlbgk can run, by the name `model.equation` gives them: one line per equation
 * (its builder lives in src/solvers/<equation>/builder.ts). The config schema's `model.equation`
 * picklist names the same keys (a test checks that the two agree).
 */
import type { EquationBuilder } from './problem.js';
import { diffusionEquation } from '../solvers/diffusion/builder.js';
import { kineticEquation } from '../solvers/kinetic/builder.js';
import { fokkerPlanckEquation } from '../solvers/fokker-planck/builder.js';
import { bgkEquation } from '../solvers/bgk/builder.js';
import { particlesEquation } from '../solvers/particles/builder.js';

export const EQUATIONS: Readonly<Record<string, EquationBuilder>> = {
  diffusion: diffusionEquation,
  kinetic: kineticEquation,
  'fokker-planck': fokkerPlanckEquation,
  bgk: bgkEquation,
  particles: particlesEquation,
};

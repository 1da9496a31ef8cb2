/**
 * From a validated config to a ready-to-step problem: the grid of its domain, then the equation's own builder
 * (./equations.ts). No branch per equation here.
 */
import { makeDomainGrid } from '../grid/grid.js';
import { domainSpec } from '../config/domain.js';
import { ConfigError } from '../config/validate.js';
import type { Config } from '../config/schema.js';
import type { Problem } from './problem.js';
import { EQUATIONS } from './equations.js';

export function buildProblem(config: Config): Problem {
  const equation = Object.hasOwn(EQUATIONS, config.model.equation) ? EQUATIONS[config.model.equation] : undefined;
  if (!equation) throw new ConfigError([{ path: 'model.equation', message: `equation ${config.model.equation} is not available in this build (available: ${Object.keys(EQUATIONS).join(', ')})` }]);
  return equation.build(config, makeDomainGrid(domainSpec(config)));
}

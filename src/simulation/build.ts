/**
 * From a validated config to a ready-to-step problem: the grid of its domain, then the equation's own builder
 * (./equations.ts), or its species builder for a config with a species list. No branch per equation here.
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
  const grid = makeDomainGrid(domainSpec(config));
  if (config.species === undefined) return equation.build(config, grid);
  if (!equation.species) throw new ConfigError([{ path: 'species', message: `equation ${config.model.equation} has no species form (species runs: ${Object.entries(EQUATIONS).filter(([, e]) => e.species).map(([k]) => k).join(', ')})` }]);
  return equation.species(config, grid);
}

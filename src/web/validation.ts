/**
 * Validation of the explorer's settings with the CLI's own schema (validateConfig) and expression
 * parser (compileExpression): every problem becomes a message attached to the field that caused it.
 */
import { ConfigError, formatIssue, validateConfig, type ConfigIssue } from '../config/validate.js';
import type { Config } from '../config/schema.js';
import { compileExpression, ExpressionError } from '../models/expression.js';
import { configInput, domainField, DomainTextError, isRadial, MAX_PAGE_UNKNOWNS, type ExplorerState } from './state.js';

/** The page's fields that can carry a message ('general' is the message bar). */
export type Field = 'dim' | 'equation' | 'alpha' | 'eps' | 'nodes' | 'cells' | 'domain' | 'expr' | 'end' | 'rtol' | 'general';

export type FieldMessages = Partial<Record<Field, string>>;

/** The field a config path belongs to. */
export function fieldOf(path: string): Field {
  if (path === 'model.equation') return 'equation';
  if (path === 'model.dim') return 'dim';
  if (path.startsWith('time.rtol') || path.startsWith('time.atol')) return 'rtol';
  if (path.startsWith('model.eps')) return 'eps';
  if (path.startsWith('model.alpha') || path === 'model' || path.startsWith('model.rate')) return 'alpha';
  if (path.startsWith('velocity')) return 'nodes';
  if (path.startsWith('domain.cells')) return 'cells';
  if (path.startsWith('domain')) return 'domain';
  if (path.startsWith('initial')) return 'expr';
  if (path.startsWith('time') || path.startsWith('output')) return 'end';
  return 'general';
}

/** Field messages from config issues (the first message per field; the path is dropped where the field says it). */
export function messagesOf(issues: readonly ConfigIssue[]): FieldMessages {
  const out: FieldMessages = {};
  for (const issue of issues) {
    const f = fieldOf(issue.path);
    if (out[f] === undefined) out[f] = f === 'general' ? formatIssue(issue) : issue.message;
  }
  return out;
}

/** The variables of the initial-data expression for these settings. */
export function expressionVariables(state: Pick<ExplorerState, 'dim' | 'equation' | 'initialKind' | 'domain'>): string[] {
  if (isRadial(state.domain)) return ['r'];
  const h = state.equation === 'kinetic' && state.initialKind === 'h';
  if (state.dim === 2) return h ? ['x', 'y', 'vx', 'vy'] : ['x', 'y'];
  return h ? ['x', 'v'] : ['x'];
}

export interface ValidationResult {
  /** The resolved config when the settings are valid. */
  config?: Config;
  messages: FieldMessages;
}

/**
 * Check the settings: the expression first (its parse error, with the column, is the most useful
 * message for that field), then the whole config through validateConfig, then the page's own size cap.
 * Evaluation problems (a density <= 0 somewhere) only show when the worker builds the problem; they
 * come back as ConfigErrors and go through `messagesOf` as well.
 */
export function validateState(state: ExplorerState): ValidationResult {
  const messages: FieldMessages = {};
  try {
    compileExpression(state.expr, expressionVariables(state));
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    messages.expr = err.message;
  }
  try {
    domainField(state.domain);
  } catch (err) {
    if (!(err instanceof DomainTextError)) throw err;
    messages.domain = err.message;
  }
  let config: Config | undefined;
  try {
    config = validateConfig(configInput(state));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const [f, m] of Object.entries(messagesOf(err.issues)) as [Field, string][]) messages[f] ??= m;
  }
  if (config) {
    const velocities = (config.velocity?.nodes ?? 1) ** config.model.dim;
    const cells = config.domain.cells.reduce((a, b) => a * b, 1);
    if (cells * velocities > MAX_PAGE_UNKNOWNS) {
      messages.cells = `cells × velocities = ${cells * velocities} is more than the explorer runs (${MAX_PAGE_UNKNOWNS}); use nlbgk run for bigger runs`;
    }
  }
  return Object.keys(messages).length === 0 ? { config, messages } : { messages };
}

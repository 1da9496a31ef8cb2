/**
 * Config validation: structure and types by the valibot schema, then the cross-field rules that
 * a schema cannot express (the domain: ./domain.ts; exactly one of alpha/rate, snapshot
 * times inside the run, memory the run would need). Every problem becomes one line
 * `path: message (got value)` so the CLI can print them all and exit with status 2.
 */
import * as v from 'valibot';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema, defaultRtol, type Config, type ParsedConfig } from './schema.js';
import { domainIssues, resolvedDomain } from './domain.js';
import { compileExpression } from '../models/expression.js';

export interface ConfigIssue {
  /** Dotted path of the offending field, e.g. `model.eps` or `domain.cells[1]`. */
  readonly path: string;
  readonly message: string;
}

/** A config that cannot run; `issues` has one entry per problem. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** The equations whose unknown is h = f/M on Gauss–Hermite velocities (they take `velocity`, `initial.h`, `output.store_h`). */
export const KINETIC_EQUATIONS: readonly string[] = ['kinetic', 'fokker-planck'];

/** Bytes a run may allocate for its state before it is refused up front. */
export const MEMORY_LIMIT_BYTES = 4 * 2 ** 30;

/** Parse YAML or JSON text (JSON is YAML); syntax errors become a ConfigIssue with the line. */
export function parseConfigText(text: string): unknown {
  try {
    return parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    const e = err as Error & { linePos?: { line: number; col: number }[] };
    const where = e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new ConfigError([{ path: '', message: `the config is not valid YAML/JSON${where}: ${e.message.split('\n')[0]}` }]);
  }
}

/** Validate a parsed config object; returns the resolved config (defaults filled) or throws ConfigError. */
export function validateConfig(input: unknown): Config {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError([{ path: '', message: `expected a mapping with keys model, domain, initial, time (got ${describe(input)})` }]);
  }
  const parsed = v.safeParse(ConfigSchema, input);
  if (!parsed.success) {
    throw new ConfigError(dedupe(parsed.issues.map(fromValibot)));
  }
  const issues = semanticIssues(parsed.output, input);
  // Sections of another equation are refused when given (their defaults still appear in the resolved config, unused).
  const given = input as Record<string, unknown>;
  const eq = parsed.output.model.equation;
  if (given.velocity !== undefined && !KINETIC_EQUATIONS.includes(eq)) issues.push({ path: 'velocity', message: `is only for the kinetic equations (${KINETIC_EQUATIONS.join(', ')}) (got equation ${eq})` });
  if (given.particles !== undefined && eq !== 'particles') issues.push({ path: 'particles', message: `is only for equation particles (got equation ${eq})` });
  if (given.bgk !== undefined && eq !== 'bgk') issues.push({ path: 'bgk', message: `is only for equation bgk (got equation ${eq})` });
  if (issues.length > 0) throw new ConfigError(issues);
  const config: Config = { ...parsed.output, domain: resolvedDomain(parsed.output) };
  if (eq !== 'particles' && config.time.rtol === undefined) {
    // the resolved default in the schema's key order (run.json and resumed configs serialise identically)
    const t: Record<string, unknown> = { ...config.time, rtol: defaultRtol(config.domain.cells) };
    config.time = Object.fromEntries(Object.keys(entriesOf(schemaAt(['time'])) ?? t).filter((k) => t[k] !== undefined).map((k) => [k, t[k]])) as Config['time'];
  }
  if (!KINETIC_EQUATIONS.includes(eq)) delete config.velocity;
  if (eq !== 'particles') delete config.particles;
  if (eq !== 'bgk') delete config.bgk;
  return config;
}

function fromValibot(issue: v.BaseIssue<unknown>): ConfigIssue {
  const keys = (issue.path ?? []).map((p) => p.key as string | number);
  const path = pathString(keys);
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    const parentKeys = keys.slice(0, -1);
    const allowed = allowedKeys(parentKeys);
    const unknown = String(keys[keys.length - 1]);
    const guess = closest(unknown, allowed);
    return {
      path,
      message: `unknown key '${unknown}'${guess ? ` (did you mean '${guess}'?)` : ''}; allowed keys here: ${allowed.join(', ')}`,
    };
  }
  if (issue.input === undefined) {
    const key = keys[keys.length - 1];
    const description = descriptionOf(entriesOf(schemaAt(keys.slice(0, -1)))?.[key as string]);
    return { path, message: `is required${description ? ` (${description})` : ''}` };
  }
  return { path, message: `${issue.message} (got ${describe(issue.input)})` };
}

function semanticIssues(c: ParsedConfig, input: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const { model } = c;
  out.push(...domainIssues(c));
  if (KINETIC_EQUATIONS.includes(model.equation) || model.equation === 'bgk') {
    c.domain.cells.forEach((n, i) => {
      if (n < 3) out.push({ path: `domain.cells[${i}]`, message: `the ${model.equation} solver needs at least 3 cells per dimension (got ${n})` });
    });
  }
  if (c.species !== undefined) out.push(...speciesIssues(c));
  else if ((model.alpha === undefined) === (model.rate === undefined)) {
    out.push({ path: 'model', message: 'expected exactly one of alpha (lambda = rho^alpha) and rate (an expression in rho)' });
  }
  if (model.flux !== undefined && (c.species === undefined || model.equation !== 'diffusion')) {
    out.push({ path: 'model.flux', message: `chooses the flux of a species limit system: it needs a species list and equation diffusion (got ${c.species === undefined ? 'no species' : `equation ${model.equation}`})` });
  }
  if (model.equation !== 'diffusion' && model.eps === undefined) {
    out.push({ path: 'model.eps', message: `is required for equation ${model.equation}: expected eps in (0, 100]` });
  }
  if (model.equation === 'diffusion' && model.eps !== undefined) {
    out.push({ path: 'model.eps', message: 'is not used by the diffusion equation (remove it, or set equation: kinetic)' });
  }
  const { rho, h } = c.initial;
  if (c.species !== undefined) {
    // each species gives its own initial data (speciesIssues)
  } else if (KINETIC_EQUATIONS.includes(model.equation)) {
    if ((rho === undefined) === (h === undefined)) {
      out.push({ path: 'initial', message: 'expected exactly one of rho (well-prepared data h = rho(x)) and h (general data h(x, v))' });
    }
  } else {
    if (h !== undefined) out.push({ path: 'initial.h', message: `is only for the kinetic equations (${KINETIC_EQUATIONS.join(', ')}) (got equation ${model.equation}); give initial.rho` });
    if (rho === undefined) out.push({ path: 'initial.rho', message: 'is required: expected an expression in ' + (c.domain.geometry === 'radial' ? 'r' : model.dim === 2 ? 'x, y' : 'x') });
  }
  if (model.equation === 'bgk') {
    if (model.dim !== 1) out.push({ path: 'model.dim', message: 'equation bgk is one-dimensional (x and one velocity): expected dim 1' });
    const r = c.bgk.range;
    if (r && !(r[0] < r[1])) out.push({ path: 'bgk.range', message: `expected vmin < vmax (got ${describe(r)})` });
  }
  const end = c.time.end;
  const times = c.output.times ?? [end];
  times.forEach((t, i) => {
    if (!(t > 0 && t <= end)) {
      out.push({ path: `output.times[${i}]`, message: `expected a time in (0, ${end}] (the run ends at time.end = ${end}) (got ${t})` });
    } else if (i > 0 && !(t > times[i - 1])) {
      out.push({ path: `output.times[${i}]`, message: `expected strictly increasing times (got ${t} after ${times[i - 1]})` });
    }
  });
  if (c.time.dt !== undefined && c.time.dt_max !== undefined) {
    out.push({ path: 'time.dt_max', message: 'limits error-controlled steps; with a fixed time.dt it has no meaning (remove one of them)' });
  }
  if (model.equation === 'particles') {
    for (const k of ['rtol', 'atol', 'dt_max'] as const) {
      if ((input as { time?: Record<string, unknown> }).time?.[k] !== undefined) out.push({ path: `time.${k}`, message: 'is not used by equation particles (particles take fixed steps: set time.dt, or leave the default)' });
    }
  }
  if (c.time.dt !== undefined && end / c.time.dt > c.time.max_steps) {
    out.push({ path: 'time.dt', message: `would need ${Math.ceil(end / c.time.dt)} steps, more than time.max_steps = ${c.time.max_steps}` });
  }
  if (!KINETIC_EQUATIONS.includes(model.equation) && c.output.store_h) {
    out.push({ path: 'output.store_h', message: `is only for the kinetic equations (${KINETIC_EQUATIONS.join(', ')})` });
  }
  if (out.length === 0) {
    const bytes = estimateBytes(c);
    if (bytes > MEMORY_LIMIT_BYTES) {
      out.push({
        path: model.equation === 'particles' ? 'particles.count' : 'domain.cells',
        message: `the run would need about ${formatBytes(bytes)} of memory for its state, more than the limit of ${formatBytes(MEMORY_LIMIT_BYTES)}; use fewer cells, nodes or particles`,
      });
    }
  }
  return out;
}

/** Rules of a species list (names, one kind of initial data per species, what species runs do not take). */
function speciesIssues(c: ParsedConfig): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const list = c.species ?? [];
  const { model } = c;
  if (model.alpha !== undefined || model.rate !== undefined) {
    out.push({ path: model.alpha !== undefined ? 'model.alpha' : 'model.rate', message: 'is not used with species: each species gives its own rate (species[i].rate)' });
  }
  if (c.initial.rho !== undefined || c.initial.h !== undefined) {
    out.push({ path: 'initial', message: 'is not used with species: each species gives its own initial data (species[i].rho or species[i].h)' });
  }
  if (model.dim !== 1) out.push({ path: 'model.dim', message: `species runs are one-dimensional (got dim ${model.dim})` });
  if (c.output.store_h) out.push({ path: 'output.store_h', message: 'is not available for species runs (their snapshots store rho and j of every species)' });
  const seen = new Map<string, number>();
  list.forEach((sp, i) => {
    const path = `species[${i}]`;
    if (/^rho\d*$/.test(sp.name)) out.push({ path: `${path}.name`, message: `'${sp.name}' is reserved (rho1, rho2, … name the species by their place in the list); choose another name` });
    else if (seen.has(sp.name)) out.push({ path: `${path}.name`, message: `'${sp.name}' is already the name of species[${seen.get(sp.name)}]` });
    else {
      try {
        compileExpression('0', [sp.name]);
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        out.push({ path: `${path}.name`, message: `'${sp.name}' is a built-in name of the expression language (a function or constant); choose another name` });
      }
    }
    seen.set(sp.name, i);
    if (model.equation === 'kinetic') {
      if ((sp.rho === undefined) === (sp.h === undefined)) out.push({ path, message: 'expected exactly one of rho (well-prepared data h = rho(x)) and h (general data h(x, v))' });
    } else {
      if (sp.h !== undefined) out.push({ path: `${path}.h`, message: `is only for equation kinetic (got equation ${model.equation}); give ${path}.rho` });
      if (sp.rho === undefined) out.push({ path: `${path}.rho`, message: 'is required: expected an expression in x' });
    }
  });
  return out;
}

/** Estimated bytes of the solver state (the dominant arrays only). */
export function estimateBytes(c: ParsedConfig): number {
  return (c.species?.length ?? 1) * stateBytes(c);
}

function stateBytes(c: ParsedConfig): number {
  const cells = c.domain.cells.reduce((a, b) => a * b, 1);
  switch (c.model.equation) {
    case 'diffusion':
      return cells * 8 * 16;
    case 'kinetic': {
      const nv = c.velocity.nodes ** c.model.dim;
      return cells * nv * 8 * 6 + cells * 8 * 16;
    }
    case 'fokker-planck': {
      const nv = c.velocity.nodes ** c.model.dim;
      // 1D: the block factorisation (2 N K²); 2D: the Krylov basis of the coupled system (≤ 80 vectors)
      return c.model.dim === 1 ? cells * nv * 8 * (8 + 2 * nv) : cells * nv * 8 * 8 + Math.min(80 * cells * (nv + 1), 2 * 8e6) * 8;
    }
    case 'bgk':
      return cells * c.bgk.nodes * 8 * 8;
    case 'particles':
      return c.particles.count * c.particles.ensembles * 8 * (2 * c.model.dim + 1) + cells * 8 * 8;
  }
}

function formatBytes(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`;
}

function pathString(keys: readonly (string | number)[]): string {
  let s = '';
  for (const k of keys) s += typeof k === 'number' ? `[${k}]` : s ? `.${k}` : k;
  return s;
}

function schemaAt(path: readonly (string | number)[]): unknown {
  let schema: unknown = ConfigSchema;
  for (const k of path) schema = entriesOf(schema)?.[k as string];
  return schema;
}

/** Keys accepted by the (strict) object at `path` in the schema. */
function allowedKeys(path: readonly (string | number)[]): string[] {
  return Object.keys(entriesOf(schemaAt(path)) ?? {});
}

function descriptionOf(schema: unknown): string | undefined {
  const pipe = (schema as { pipe?: { type: string; description?: string }[] } | undefined)?.pipe;
  return pipe?.find((a) => a.type === 'description')?.description;
}

function entriesOf(schema: unknown): Record<string, unknown> | undefined {
  let s = schema as { entries?: Record<string, unknown>; wrapped?: unknown; pipe?: unknown[] } | undefined;
  for (let guard = 0; s && !s.entries && guard < 10; guard++) {
    s = (s.wrapped ?? (s.pipe && s.pipe[0] !== s ? s.pipe[0] : undefined)) as typeof s;
  }
  return s?.entries;
}

/** The allowed word nearest to `word` by edit distance, if it is plausibly a typo. */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = editDistance(word.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = formatIssue(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A short, safe rendering of a user value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (typeof value === 'number') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return value.length > 8 ? `a list of ${value.length} items` : `[${value.map(describe).join(', ')}]`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/**
 * Dotted config paths (`model.eps`, `domain.cells`, `particles.density.method`): the names a sweep
 * spec varies and the results table's parameter columns. Their types come from the config schema
 * (src/config/schema.ts), never from the values: a column is INT32 because the schema says
 * integer, not because the values happen to be whole.
 */
import { ConfigSchema } from '../config/schema.js';
import { closest } from '../config/validate.js';

/** Column type of a parameter (Parquet physical/logical type names of hyparquet-writer). */
export type ParamType = 'DOUBLE' | 'INT32' | 'INT64' | 'STRING' | 'BOOLEAN' | 'JSON';

interface SchemaNode {
  type: string;
  entries?: Record<string, SchemaNode>;
  wrapped?: SchemaNode;
  pipe?: SchemaNode[];
  options?: unknown[];
  requirement?: unknown;
}

/** The schema itself without optional/pipe wrappers (actions of nested pipes are collected). */
function unwrap(node: SchemaNode): { base: SchemaNode; actions: SchemaNode[] } {
  const actions: SchemaNode[] = [];
  let s = node;
  for (let guard = 0; guard < 20; guard++) {
    if (s.type === 'optional' || s.type === 'nullable' || s.type === 'nullish') {
      s = s.wrapped as SchemaNode;
      continue;
    }
    if (s.pipe && s.pipe[0] !== s && s.pipe.length > 0) {
      actions.push(...s.pipe.slice(1));
      s = s.pipe[0];
      continue;
    }
    // A piped schema keeps its own type with `pipe[0]` being itself in some valibot versions.
    if (s.pipe) actions.push(...s.pipe.slice(1));
    break;
  }
  return { base: s, actions };
}

function nodeAt(path: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = ConfigSchema as unknown as SchemaNode;
  for (const key of path.split('.')) {
    const entries: Record<string, SchemaNode> | undefined = node ? unwrap(node).base.entries : undefined;
    node = entries && Object.hasOwn(entries, key) ? entries[key] : undefined;
    if (!node) return undefined;
  }
  return node;
}

/** null when `path` names a config key (a leaf or a section), else the reason, with a suggestion. */
export function configPathProblem(path: string): string | null {
  if (!/^[a-z_]+(\.[a-z_]+)*$/.test(path)) return `'${path}' is not a dotted config path such as model.eps or domain.cells`;
  let node: SchemaNode | undefined = ConfigSchema as unknown as SchemaNode;
  const keys = path.split('.');
  for (let i = 0; i < keys.length; i++) {
    const entries: Record<string, SchemaNode> | undefined = node ? unwrap(node).base.entries : undefined;
    if (!entries) return `'${keys.slice(0, i).join('.')}' has no sub-keys`;
    if (!Object.hasOwn(entries, keys[i])) {
      const allowed = Object.keys(entries);
      const guess = closest(keys[i], allowed);
      const where = i === 0 ? 'the config' : keys.slice(0, i).join('.');
      return `unknown config key '${path}'${guess ? ` (did you mean '${[...keys.slice(0, i), guess].join('.')}'?)` : ''}; keys of ${where}: ${allowed.join(', ')}`;
    }
    node = entries[keys[i]];
  }
  return null;
}

/** The results-table type of the config key at `path` (from the schema). */
export function paramType(path: string): ParamType {
  const node = nodeAt(path);
  if (!node) return 'JSON';
  const { base, actions } = unwrap(node);
  switch (base.type) {
    case 'number': {
      if (!actions.some((a) => a.type === 'integer')) return 'DOUBLE';
      const max = actions.filter((a) => a.type === 'max_value').map((a) => Number(a.requirement));
      const min = actions.filter((a) => a.type === 'min_value').map((a) => Number(a.requirement));
      const fits = max.length > 0 && min.length > 0 && Math.max(...max) <= 2 ** 31 - 1 && Math.min(...min) >= -(2 ** 31);
      return fits ? 'INT32' : 'INT64';
    }
    case 'picklist': {
      const opts = base.options ?? [];
      if (opts.every((o) => typeof o === 'number' && Number.isInteger(o) && Math.abs(o) < 2 ** 31)) return 'INT32';
      if (opts.every((o) => typeof o === 'number')) return 'DOUBLE';
      return opts.every((o) => typeof o === 'string') ? 'STRING' : 'JSON';
    }
    case 'string':
      return 'STRING';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'JSON';
  }
}

/** The value at a dotted path of a (config) object, or undefined. */
export function getPath(obj: unknown, path: string): unknown {
  let o = obj;
  for (const k of path.split('.')) {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
    o = (o as Record<string, unknown>)[k];
  }
  return o;
}

/** Set a dotted path in a plain object, creating the sections on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    const next = o[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
}

/**
 * The sweep spec (YAML or JSON, validated with valibot like the run config; docs/sweeps.md):
 *
 *   name: eps-alpha                 # optional label
 *   base: {model: …, domain: …}     # a run config, or the path of one (relative to the spec)
 *   grid:                           # cartesian product, first key slowest
 *     model.eps: {logspace: [-8, 1, 10]}          # 10^-8 … 10^1, 10 values
 *     model.alpha: {linspace: [-2, 2, 5]}
 *   zip:                            # groups varied together (equal lengths); crossed with the grid
 *     - {domain.cells: [[16], [32]], time.dt: [1e-3, 5e-4]}
 *   points:                         # explicit points (or {csv: points.csv}, header = dotted keys)
 *     - {model.eps: 0.5, model.alpha: 0.3}
 *   random: {n: 100, seed: 1, ranges: {model.eps: {loguniform: [1e-4, 1]}}}
 *
 * Points = grid × zip + points + random; a spec with none of them is the base alone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v from 'valibot';
import { parse as parseYaml } from 'yaml';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { describe } from '../config/validate.js';
import { configPathProblem, paramType } from './paths.js';

/** A problem with the spec itself (exit status 2): `path: message`. */
export class SweepSpecError extends Error {
  constructor(readonly issues: readonly { path: string; message: string }[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n'));
    this.name = 'SweepSpecError';
  }
}

const num = (what: string) => v.pipe(v.number(`expected a number (${what})`), v.finite(`expected a finite number (${what})`));
const count = (what: string, max: number) =>
  v.pipe(v.number(`expected an integer ${what} in [1, ${max}]`), v.integer(`expected an integer ${what} in [1, ${max}]`), v.minValue(1, `expected an integer ${what} in [1, ${max}]`), v.maxValue(max, `expected an integer ${what} in [1, ${max}]`));

const VALUES_MESSAGE = 'expected a list of values, or {linspace: [a, b, n]}, or {logspace: [a, b, n]} (10^a … 10^b)';
const Values = v.union(
  [
    v.pipe(v.array(v.unknown()), v.minLength(1, 'expected at least one value')),
    v.strictObject({ linspace: v.tuple([num('a'), num('b'), count('n', 1_000_000)]) }),
    v.strictObject({ logspace: v.tuple([num('a'), num('b'), count('n', 1_000_000)]) }),
  ],
  VALUES_MESSAGE,
);
const Distribution = v.union(
  [
    v.strictObject({ uniform: v.tuple([num('a'), num('b')]) }),
    v.strictObject({ loguniform: v.tuple([v.pipe(num('a'), v.gtValue(0, 'expected a > 0')), v.pipe(num('b'), v.gtValue(0, 'expected b > 0'))]) }),
    v.strictObject({ integers: v.tuple([v.pipe(num('a'), v.integer('expected an integer')), v.pipe(num('b'), v.integer('expected an integer'))]) }),
    v.strictObject({ choice: v.pipe(v.array(v.unknown()), v.minLength(1, 'expected at least one value')) }),
  ],
  'expected {uniform: [a, b]}, {loguniform: [a, b]} (a, b > 0), {integers: [a, b]} or {choice: [values…]}',
);

export const SweepSpecSchema = v.strictObject(
  {
    name: v.optional(v.pipe(v.string('expected a name'), v.regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 letters, digits, dots, dashes or underscores'))),
    base: v.union([v.pipe(v.string(), v.minLength(1)), v.record(v.string(), v.unknown())], 'expected a run config (a mapping) or the path of a config file'),
    grid: v.optional(v.record(v.string(), Values, 'expected a mapping from dotted config keys to values')),
    zip: v.optional(
      v.union([v.record(v.string(), Values), v.array(v.record(v.string(), Values))], 'expected a mapping (one group) or a list of mappings, from dotted config keys to value lists of equal length'),
    ),
    points: v.optional(
      v.union([v.array(v.record(v.string(), v.unknown())), v.strictObject({ csv: v.pipe(v.string(), v.minLength(1)) })], 'expected a list of mappings {dotted.key: value} or {csv: FILE}'),
    ),
    random: v.optional(
      v.strictObject(
        {
          n: count('number of draws n', 1_000_000),
          seed: v.pipe(v.number('expected an integer seed'), v.integer('expected an integer seed'), v.minValue(0, 'expected a seed >= 0'), v.maxValue(2 ** 31 - 1, 'expected a seed < 2^31')),
          ranges: v.record(v.string(), Distribution, 'expected a mapping from dotted config keys to distributions'),
        },
        'expected a mapping with keys n, seed, ranges',
      ),
    ),
  },
  'expected a mapping with keys name, base, grid, zip, points, random',
);

export type SweepSpecInput = v.InferOutput<typeof SweepSpecSchema>;

/** A spec with its base config and explicit points loaded and every value list expanded. */
export interface SweepSpec {
  name: string;
  base: Record<string, unknown>;
  grid: [key: string, values: unknown[]][];
  zip: [key: string, values: unknown[]][][];
  points: Record<string, unknown>[];
  random: { n: number; seed: number; ranges: [key: string, dist: Record<string, unknown>][] } | null;
  /** Every varied key, in order of first appearance (the results table's parameter columns). */
  params: string[];
}

function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((p) => String(p.key)).join('.');
}

/** The decimal values of {linspace} and {logspace}: endpoints exact, inner values rounded to 15 significant digits. */
export function expandValues(spec: unknown[] | { linspace?: number[]; logspace?: number[] }): unknown[] {
  if (Array.isArray(spec)) return spec;
  const [a, b, n] = (spec.linspace ?? spec.logspace) as [number, number, number];
  const lin = Array.from({ length: n }, (_, k) => (k === 0 ? a : k === n - 1 ? b : Number(((a * (n - 1 - k) + b * k) / (n - 1)).toPrecision(15))));
  if (spec.linspace) return lin;
  // 10^e with an integer e as the decimal literal 1e<e> (exact), others rounded to 15 digits
  return lin.map((e) => (Number.isInteger(e) ? Number(`1e${e}`) : Number((10 ** e).toPrecision(15))));
}

/** Parse and check a spec; `specDir` resolves the relative paths of `base` and `points.csv`. */
export function parseSweepSpec(text: string, specDir: string): SweepSpec {
  let raw: unknown;
  try {
    raw = parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    throw new SweepSpecError([{ path: '', message: `the spec is not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}` }]);
  }
  const parsed = v.safeParse(SweepSpecSchema, raw);
  if (!parsed.success) {
    throw new SweepSpecError(parsed.issues.slice(0, 5).map((i) => ({ path: issuePath(i), message: `${i.message} (got ${describe(i.input)})` })));
  }
  const s = parsed.output;
  const issues: { path: string; message: string }[] = [];

  let base: Record<string, unknown>;
  if (typeof s.base === 'string') {
    const file = path.resolve(specDir, s.base);
    try {
      base = parseYaml(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new SweepSpecError([{ path: 'base', message: `cannot read the base config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0]}` }]);
    }
    if (base === null || typeof base !== 'object' || Array.isArray(base)) throw new SweepSpecError([{ path: 'base', message: `${file} is not a config mapping` }]);
  } else {
    base = s.base;
  }

  const params: string[] = [];
  const useKey = (where: string, key: string) => {
    const problem = configPathProblem(key);
    if (problem) issues.push({ path: where, message: problem });
    else if (!params.includes(key)) params.push(key);
  };

  const grid: SweepSpec['grid'] = [];
  for (const [key, values] of Object.entries(s.grid ?? {})) {
    useKey(`grid.${key}`, key);
    grid.push([key, expandValues(values)]);
  }
  const zipGroups = s.zip === undefined ? [] : Array.isArray(s.zip) ? s.zip : [s.zip];
  const zip: SweepSpec['zip'] = [];
  zipGroups.forEach((group, g) => {
    const cols = Object.entries(group).map(([key, values]) => {
      if (grid.some(([k]) => k === key) || zip.some((z) => z.some(([k]) => k === key))) issues.push({ path: `zip[${g}].${key}`, message: 'is already varied by grid or another zip group' });
      useKey(`zip[${g}].${key}`, key);
      return [key, expandValues(values)] as [string, unknown[]];
    });
    if (cols.length === 0) issues.push({ path: `zip[${g}]`, message: 'expected at least one key' });
    const lengths = new Set(cols.map(([, vals]) => vals.length));
    if (lengths.size > 1) issues.push({ path: `zip[${g}]`, message: `expected value lists of equal length (got ${cols.map(([k, vals]) => `${k}: ${vals.length}`).join(', ')})` });
    zip.push(cols);
  });

  let points: Record<string, unknown>[] = [];
  if (Array.isArray(s.points)) {
    points = s.points;
  } else if (s.points) {
    const file = path.resolve(specDir, s.points.csv);
    let csv: string;
    try {
      csv = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new SweepSpecError([{ path: 'points.csv', message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
    }
    points = pointsFromCsv(csv, file);
  }
  points.forEach((p, i) => Object.keys(p).forEach((k) => useKey(`points[${i}].${k}`, k)));

  let random: SweepSpec['random'] = null;
  if (s.random) {
    const ranges = Object.entries(s.random.ranges).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (ranges.length === 0) issues.push({ path: 'random.ranges', message: 'expected at least one key' });
    for (const [key, dist] of ranges) {
      useKey(`random.ranges.${key}`, key);
      const [lo, hi] = (('uniform' in dist && dist.uniform) || ('loguniform' in dist && dist.loguniform) || ('integers' in dist && dist.integers) || [0, 0]) as number[];
      if (!(lo <= hi)) issues.push({ path: `random.ranges.${key}`, message: `expected a <= b (got [${lo}, ${hi}])` });
    }
    random = { n: s.random.n, seed: s.random.seed, ranges: ranges as [string, Record<string, unknown>][] };
  }
  if (issues.length > 0) throw new SweepSpecError(issues);
  return { name: s.name ?? 'sweep', base, grid, zip, points, random, params };
}

/** Explicit points from CSV text: header of dotted keys; a cell is read with its key's type (strings as written, the rest as YAML scalars, e.g. `[16]` or `1e-3`); an empty cell leaves the key at the base value. */
export function pointsFromCsv(text: string, file: string): Record<string, unknown>[] {
  const rows = parseCsv(text);
  if (rows.length === 0) throw new SweepSpecError([{ path: 'points.csv', message: `${file} is empty (expected a header of dotted config keys)` }]);
  const header = rows[0].map((h) => h.trim());
  const out: Record<string, unknown>[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (row.length === 1 && row[0].trim() === '') continue;
    if (row.length !== header.length) throw new SweepSpecError([{ path: 'points.csv', message: `${file} line ${r + 1}: expected ${header.length} cells, got ${row.length}` }]);
    const point: Record<string, unknown> = {};
    header.forEach((key, c) => {
      const cell = row[c];
      if (cell.trim() === '') return;
      if (paramType(key) === 'STRING') point[key] = cell;
      else {
        try {
          point[key] = parseYaml(cell);
        } catch {
          throw new SweepSpecError([{ path: 'points.csv', message: `${file} line ${r + 1}, column ${key}: cannot read ${JSON.stringify(cell)}` }]);
        }
      }
    });
    out.push(point);
  }
  return out;
}

/** RFC 4180 CSV (quoted cells with "" escapes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** One point before resolution: the values it sets, and where it came from. */
export interface RawPoint {
  params: Record<string, unknown>;
  source: 'base' | 'grid' | 'points' | 'random';
}

/** Number of points the spec expands to (before duplicates collapse). */
export function pointCount(spec: SweepSpec): number {
  const crossed = spec.grid.length + spec.zip.length > 0 ? spec.grid.reduce((n, [, vals]) => n * vals.length, 1) * spec.zip.reduce((n, g) => n * g[0][1].length, 1) : 0;
  const total = crossed + spec.points.length + (spec.random?.n ?? 0);
  return total === 0 ? 1 : total;
}

/** The points of a spec in their fixed order: grid × zip (first key slowest), then points, then the random draws. */
export function expandSpec(spec: SweepSpec): RawPoint[] {
  const out: RawPoint[] = [];
  // axes: each grid key, then each zip group as one axis
  const axes: { keys: string[]; rows: unknown[][] }[] = [
    ...spec.grid.map(([k, vals]) => ({ keys: [k], rows: vals.map((x) => [x]) })),
    ...spec.zip.map((g) => ({ keys: g.map(([k]) => k), rows: g[0][1].map((_, j) => g.map(([, vals]) => vals[j])) })),
  ];
  if (axes.length > 0) {
    const idx = axes.map(() => 0);
    for (;;) {
      const params: Record<string, unknown> = {};
      axes.forEach((a, d) => a.keys.forEach((k, c) => (params[k] = a.rows[idx[d]][c])));
      out.push({ params, source: 'grid' });
      let d = axes.length - 1;
      while (d >= 0 && ++idx[d] === axes[d].rows.length) idx[d--] = 0;
      if (d < 0) break;
    }
  }
  for (const p of spec.points) out.push({ params: { ...p }, source: 'points' });
  if (spec.random) {
    const gen = xoroshiro128plus(spec.random.seed);
    for (let i = 0; i < spec.random.n; i++) {
      const params: Record<string, unknown> = {};
      for (const [k, dist] of spec.random.ranges) {
        const u = uniformFloat64(gen);
        if ('uniform' in dist) {
          const [a, b] = dist.uniform as number[];
          params[k] = a + (b - a) * u;
        } else if ('loguniform' in dist) {
          const [a, b] = dist.loguniform as number[];
          params[k] = Math.exp(Math.log(a) + (Math.log(b) - Math.log(a)) * u);
        } else if ('integers' in dist) {
          const [a, b] = dist.integers as number[];
          params[k] = a + Math.floor(u * (b - a + 1));
        } else {
          const c = dist.choice as unknown[];
          params[k] = c[Math.floor(u * c.length)];
        }
      }
      out.push({ params, source: 'random' });
    }
  }
  if (out.length === 0) out.push({ params: {}, source: 'base' });
  return out;
}

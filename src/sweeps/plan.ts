/**
 * Planning: a spec (or a list of configs, for the studies) becomes points with resolved configs
 * and content ids, written to the sweep directory. Every point is validated before anything is
 * written; a bad point is reported by index, parameters and field (exit status 2).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { ConfigError, describe, formatIssue, validateConfig } from '../config/validate.js';
import { writeFileAtomic } from '../io/files.js';
import { packageVersion } from '../run.js';
import { RESULT_SCHEMA, runId } from './ids.js';
import { configFile, manifestFile, pointDir, runDir, SWEEP_FORMAT, sweepFile, SweepDirError, type ManifestPoint, type SweepMeta } from './manifest.js';
import { getPath, paramType, setPath } from './paths.js';
import { expandSpec, pointCount, SweepSpecError, type RawPoint, type SweepSpec } from './spec.js';

export const DEFAULT_MAX_POINTS = 10_000;

export interface PlannedPoint extends ManifestPoint {
  config: Config;
}

export interface Plan {
  name: string;
  params: string[];
  points: PlannedPoint[];
  /** Points of the expansion that resolved to an id already planned (collapsed into it). */
  duplicates: number;
  /** For each expanded point, the index of the planned point it became. */
  indexOf: number[];
}

const showParams = (p: Record<string, unknown>) =>
  Object.entries(p)
    .map(([k, val]) => `${k} = ${describe(val)}`)
    .join(', ');

/** Resolve raw points against a base config: validate each, compute ids, collapse duplicates. */
export function resolvePoints(name: string, base: Record<string, unknown>, raw: RawPoint[], params: string[]): Plan {
  const points: PlannedPoint[] = [];
  const byId = new Map<string, number>();
  const indexOf: number[] = [];
  raw.forEach((r, k) => {
    const input = structuredClone(base);
    for (const [key, val] of Object.entries(r.params)) setPath(input, key, structuredClone(val));
    let config: Config;
    try {
      config = validateConfig(input);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const set = Object.keys(r.params).length ? ` (${showParams(r.params)})` : '';
      throw new SweepSpecError([{ path: '', message: `point ${k}${set}: ${err.issues.slice(0, 3).map(formatIssue).join('; ')}` }]);
    }
    const id = runId(config);
    const seen = byId.get(id);
    if (seen !== undefined) {
      indexOf.push(seen);
      return;
    }
    const i = points.length;
    byId.set(id, i);
    indexOf.push(i);
    const values: Record<string, unknown> = {};
    for (const key of params) values[key] = getPath(config, key) ?? null;
    points.push({ i, id, source: r.source, params: values, config });
  });
  return { name, params, points, duplicates: raw.length - points.length, indexOf };
}

/** Expand and resolve a spec (refused above `maxPoints` before anything is resolved). */
export function planSweep(spec: SweepSpec, maxPoints = DEFAULT_MAX_POINTS): Plan {
  const n = pointCount(spec);
  if (n > maxPoints) throw new SweepSpecError([{ path: '', message: `the spec expands to ${n} points, more than --max-points ${maxPoints}; raise --max-points if you mean it` }]);
  return resolvePoints(spec.name, spec.base, expandSpec(spec), spec.params);
}

/**
 * Plan a list of run configs, each its own point (the studies' members). An invalid config throws
 * its ConfigError as `nlbgk run` would; equal configs collapse into one point (see `indexOf`).
 */
export function planConfigs(name: string, configs: readonly unknown[]): Plan {
  const raw = configs.map((c) => {
    validateConfig(c);
    return { params: { ...(c as Record<string, unknown>) }, source: 'points' as const };
  });
  const plan = resolvePoints(name, {}, raw, []);
  return plan;
}

export interface WriteSummary {
  dir: string;
  points: number;
  /** Points whose run directory does not exist yet. */
  fresh: number;
  /** Run directories under runs/ that this plan does not contain (kept, not collected). */
  orphans: number;
}

/**
 * Write (or update) the sweep directory. A directory that exists, is not empty and holds no
 * sweep.json is refused; re-planning a sweep keeps its key and every run directory (points that
 * left the plan are kept but no longer collected). Configs are written before sweep.json, so a
 * sweep.json always describes complete point files.
 */
export function writePlan(dir: string, plan: Plan, specFile: string | null = null): WriteSummary {
  let previous: SweepMeta | null = null;
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new SweepDirError(`--out ${dir}: exists and is not a directory`);
    if (fs.existsSync(sweepFile(dir))) {
      try {
        previous = JSON.parse(fs.readFileSync(sweepFile(dir), 'utf8')) as SweepMeta;
      } catch {
        throw new SweepDirError(`${dir}/sweep.json is not readable JSON; move the directory away or repair it`);
      }
    } else if (fs.readdirSync(dir).length > 0) {
      throw new SweepDirError(`--out ${dir}: the directory is not empty and is not a sweep directory (no sweep.json); choose another directory`);
    }
  }
  fs.mkdirSync(path.join(dir, 'points'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'runs'), { recursive: true });
  let fresh = 0;
  for (const p of plan.points) {
    fs.mkdirSync(pointDir(dir, p.id), { recursive: true });
    const file = configFile(dir, p.id);
    const text = JSON.stringify(p.config, null, 2) + '\n';
    let same = false;
    try {
      same = fs.readFileSync(file, 'utf8') === text;
    } catch {
      // not written yet
    }
    if (!same) {
      // rename is atomic for readers; durability comes from re-planning, which rewrites the same bytes
      fs.writeFileSync(`${file}.tmp`, text);
      fs.renameSync(`${file}.tmp`, file);
    }
    if (!fs.existsSync(runDir(dir, p.id))) fresh++;
  }
  const ids = new Set(plan.points.map((p) => p.id));
  const orphans = fs.readdirSync(path.join(dir, 'runs')).filter((d) => !ids.has(d)).length;
  writeFileAtomic(manifestFile(dir), plan.points.map(({ i, id, source, params }) => JSON.stringify({ i, id, source, params })).join('\n') + (plan.points.length ? '\n' : ''));
  const now = new Date().toISOString();
  const meta: SweepMeta = {
    format: SWEEP_FORMAT,
    name: plan.name,
    key: previous?.key ?? randomBytes(4).toString('hex'),
    created: previous?.created ?? now,
    updated: now,
    nlbgk: packageVersion(),
    result_schema: RESULT_SCHEMA,
    id_rule: 'first 16 hex digits of sha256 of the RFC 8785 canonical JSON of {result_schema, resolved config without checkpoint}',
    points: plan.points.length,
    params: plan.params.map((name) => ({ name, type: paramType(name) })),
    spec_file: specFile ? path.resolve(specFile) : null,
  };
  writeFileAtomic(sweepFile(dir), JSON.stringify(meta, null, 2) + '\n');
  return { dir, points: plan.points.length, fresh, orphans };
}

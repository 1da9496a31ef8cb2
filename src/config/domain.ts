/**
 * The `domain` section: structural rules (one issue per problem, each naming its key), the resolved
 * form with every default filled in, and the DomainSpec the grid is built from. Which boundary kinds
 * an equation accepts is checked by the equation's builder, not here.
 *
 * Rules: Cartesian meshes have model.dim (1, 2) cell counts and box intervals; radial meshes one of
 * each, 0 <= r0 < R, any d = model.dim in {1, 2, 3}; lo < hi; `boundary` is `periodic` (Cartesian)
 * or names every direction of the geometry (x, y or r) exactly once, each `periodic` or a pair of
 * sides; periodic on one side only, parameters on a periodic side, `centre` anywhere but at r0 = 0 of
 * a radial mesh (where it is required) and log spacing on Cartesian meshes are refused.
 */
import type { BoundarySide, DomainSpec, Spacing } from '../grid/grid.js';
import type { BoundaryInput, Config, ParsedConfig, SideInput } from './schema.js';

interface Issue {
  path: string;
  message: string;
}

type Domain = ParsedConfig['domain'];
type Resolved = Omit<Domain, 'box' | 'boundary' | 'spacing'> & { box: [number, number][]; boundary: BoundaryInput; spacing: Domain['spacing'] };

const SIDE_KINDS = ['periodic', 'zero-flux', 'dirichlet', 'far-field', 'centre', 'specular', 'diffuse', 'absorbing', 'inflow'];
const SIDE_PARAMS: Record<string, string[]> = {
  periodic: [], 'zero-flux': [], dirichlet: ['value', 'distance'], 'far-field': ['gamma'], centre: [],
  specular: [], diffuse: [], absorbing: [], inflow: ['h'],
};

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/** The direction names of a geometry with `dims` mesh dimensions. */
export function directionNames(geometry: string, dims: number): string[] {
  return geometry === 'radial' ? ['r'] : ['x', 'y'].slice(0, dims);
}

/** Structural problems of the domain section (model.dim included). Empty when the section is sound. */
export function domainIssues(c: ParsedConfig): Issue[] {
  return resolve(c).issues;
}

/** The domain section with every default filled in (call after domainIssues returned none). */
export function resolvedDomain(c: ParsedConfig): Resolved {
  const { domain, issues } = resolve(c);
  if (issues.length > 0) throw new Error(`resolvedDomain: ${issues[0].path}: ${issues[0].message}`);
  return domain;
}

/** The mesh a validated config describes. */
export function domainSpec(config: Config): DomainSpec {
  const d = config.domain;
  const geometry = d.geometry;
  const dims = d.cells.length;
  const box = (d.box ?? d.cells.map(() => [0, 1])) as [number, number][];
  const boundary = d.boundary ?? 'periodic';
  const names = directionNames(geometry, dims);
  const sides = names.map((name) => {
    const entry = typeof boundary === 'string' ? boundary : boundary[name];
    if (entry === 'periodic' || entry === undefined) return [{ kind: 'periodic' }, { kind: 'periodic' }] as const;
    return [toSide(entry[0]), toSide(entry[1])] as const;
  }) as [BoundarySide, BoundarySide][];
  const sp = d.spacing;
  const spacing: Spacing = sp === 'log' ? { kind: 'log', scale: box[0][0] } : typeof sp === 'object' ? { kind: 'log', scale: sp.scale } : { kind: 'uniform' };
  return { geometry, spaceDim: config.model.dim as 1 | 2 | 3, cells: d.cells, box, sides, spacing };
}

function toSide(s: SideInput): BoundarySide {
  if (typeof s === 'string') return { kind: s } as BoundarySide;
  return { ...s } as BoundarySide;
}

function resolve(c: ParsedConfig): { domain: Resolved; issues: Issue[] } {
  const issues: Issue[] = [];
  const d = c.domain;
  const dim = c.model.dim;
  const radial = d.geometry === 'radial';
  const dims = d.cells.length;
  if (radial) {
    if (dims !== 1) issues.push({ path: 'domain.cells', message: `expected one cell count [Nr] for a radial mesh (got ${show(d.cells)})` });
  } else if (dim === 3) {
    issues.push({ path: 'model.dim', message: 'dim 3 is only for radially symmetric problems: set domain.geometry: radial (got 3)' });
  } else if (dims !== dim) {
    issues.push({ path: 'domain.cells', message: `expected ${dim} cell count(s) for dim ${dim} (got ${show(d.cells)})` });
  }
  const box: [number, number][] = d.box ? d.box.map(([a, b]) => [a, b]) : d.cells.map(() => [0, 1]);
  if (d.box && d.box.length !== dims) issues.push({ path: 'domain.box', message: `expected ${dims} [lo, hi] pair(s), one per mesh dimension (got ${show(d.box)})` });
  box.forEach(([a, b], k) => {
    if (!(Number.isFinite(a) && Number.isFinite(b) && a < b)) issues.push({ path: `domain.box[${k}]`, message: `expected finite lo < hi (got ${show([a, b])})` });
    else if (radial && a < 0) issues.push({ path: `domain.box[${k}]`, message: `expected 0 <= r0 < R for a radial mesh (got ${show([a, b])})` });
  });
  const r0 = box[0]?.[0] ?? 0;
  let spacing = d.spacing;
  if (spacing !== 'uniform') {
    if (!radial) issues.push({ path: 'domain.spacing', message: `log spacing is for radial meshes; Cartesian meshes are uniform (got ${show(spacing)})` });
    else if (spacing === 'log') {
      if (r0 > 0) spacing = { kind: 'log', scale: r0 };
      else issues.push({ path: 'domain.spacing', message: 'log spacing from r0 = 0 needs a scale (the width of the innermost cells is about scale·log(1 + R/scale)/Nr): write { kind: log, scale: a }' });
    }
  }
  const names = directionNames(d.geometry, radial ? 1 : Math.min(dims, 2));
  let boundary: BoundaryInput;
  if (d.boundary === undefined) {
    boundary = radial ? { r: [r0 === 0 ? 'centre' : 'zero-flux', 'zero-flux'] } : 'periodic';
  } else if (typeof d.boundary === 'string') {
    if (d.boundary !== 'periodic') issues.push({ path: 'domain.boundary', message: `expected periodic or a mapping of directions (${names.join(', ')}) to sides (got ${show(d.boundary)})` });
    else if (radial) issues.push({ path: 'domain.boundary', message: 'a radial mesh cannot be periodic: give { r: [inner, outer] }' });
    boundary = d.boundary;
  } else {
    const out: Record<string, string | SideInput[]> = {};
    for (const key of Object.keys(d.boundary)) {
      if (!names.includes(key)) issues.push({ path: `domain.boundary.${key}`, message: `this ${radial ? 'radial' : `${dims}D Cartesian`} domain has no direction ${key} (its directions: ${names.join(', ')})` });
    }
    for (const name of names) {
      const path = `domain.boundary.${name}`;
      const entry = (d.boundary as Record<string, unknown>)[name];
      if (entry === undefined) {
        issues.push({ path, message: `is required: periodic or [${name === 'y' ? 'bottom, top' : name === 'r' ? 'inner, outer' : 'left, right'}]` });
        continue;
      }
      if (entry === 'periodic') {
        if (radial) issues.push({ path, message: 'a radial mesh cannot be periodic: give [inner, outer]' });
        out[name] = 'periodic';
        continue;
      }
      if (!Array.isArray(entry) || entry.length !== 2) {
        issues.push({ path, message: `expected periodic or a pair [lo side, hi side] (got ${show(entry)})` });
        continue;
      }
      const sides = entry.map((s, k) => checkSide(s, `${path}[${k}]`, issues));
      if (sides.includes(null)) continue;
      const kinds = sides.map((s) => (typeof s === 'string' ? s : (s as { kind: string }).kind));
      if ((kinds[0] === 'periodic') !== (kinds[1] === 'periodic')) {
        issues.push({ path, message: `periodic must be on both sides of a direction (write ${name}: periodic) (got ${show(entry)})` });
        continue;
      }
      if (kinds[0] === 'periodic') {
        if (radial) issues.push({ path, message: 'a radial mesh cannot be periodic: give [inner, outer]' });
        out[name] = 'periodic';
        continue;
      }
      kinds.forEach((k, side) => {
        if (k !== 'centre') return;
        if (!radial || side === 1) issues.push({ path: `${path}[${side}]`, message: 'centre is the inner side r = 0 of a radial mesh only' });
        else if (r0 > 0) issues.push({ path: `${path}[0]`, message: `centre needs r0 = 0, but the mesh starts at r0 = ${r0}; give a boundary kind for the inner side` });
      });
      if (radial && r0 === 0 && kinds[0] !== 'centre') issues.push({ path: `${path}[0]`, message: `a radial mesh from r0 = 0 has no inner boundary: write centre (got ${show(entry[0])})` });
      out[name] = sides as SideInput[];
    }
    boundary = out;
  }
  // a fixed key order: the resolved config serialises identically in run.json, fields.h5 and on resume
  return { domain: { cells: d.cells, geometry: d.geometry, box, spacing, boundary } as Resolved, issues };
}

/** One side: a kind, or { kind, ...its parameters }; returned in canonical form (a string when it has no parameters). */
function checkSide(s: unknown, path: string, issues: Issue[]): SideInput | null {
  const kinds = SIDE_KINDS.join(', ');
  if (typeof s === 'string') {
    if (!SIDE_KINDS.includes(s)) {
      issues.push({ path, message: `unknown boundary kind ${show(s)}; expected one of ${kinds}` });
      return null;
    }
    if (s === 'dirichlet') {
      issues.push({ path, message: 'dirichlet needs a value: { kind: dirichlet, value: v }' });
      return null;
    }
    if (s === 'inflow') {
      issues.push({ path, message: 'inflow needs the incoming h: { kind: inflow, h: "expression in t, v (2D: t, vx, vy)" }' });
      return null;
    }
    return s;
  }
  if (typeof s !== 'object' || s === null || Array.isArray(s)) {
    issues.push({ path, message: `expected a boundary kind (${kinds}) or { kind, ...parameters } (got ${show(s)})` });
    return null;
  }
  const o = s as Record<string, unknown>;
  const kind = o.kind;
  if (typeof kind !== 'string' || !SIDE_KINDS.includes(kind)) {
    issues.push({ path: `${path}.kind`, message: `expected one of ${kinds} (got ${show(kind)})` });
    return null;
  }
  let ok = true;
  for (const key of Object.keys(o)) {
    if (key === 'kind') continue;
    if (!SIDE_PARAMS[kind].includes(key)) {
      issues.push({ path: `${path}.${key}`, message: SIDE_PARAMS[kind].length ? `is not a parameter of ${kind} (its parameters: ${SIDE_PARAMS[kind].join(', ')})` : `${kind} takes no parameters` });
      ok = false;
    }
  }
  if (kind === 'dirichlet') {
    const v = o.value;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      issues.push({ path: `${path}.value`, message: `expected a finite density >= 0 (got ${show(v)})` });
      ok = false;
    }
  }
  if (kind === 'dirichlet' && o.distance !== undefined) {
    const d = o.distance;
    if (typeof d !== 'number' || !Number.isFinite(d) || d < 0) {
      issues.push({ path: `${path}.distance`, message: `expected a finite distance >= 0 (got ${show(d)})` });
      ok = false;
    }
  }
  if (kind === 'inflow') {
    const h = o.h;
    if (typeof h === 'number' ? !(Number.isFinite(h) && h >= 0) : typeof h !== 'string' || h.trim() === '') {
      issues.push({ path: `${path}.h`, message: `expected the incoming h = f/M as an expression in t, v (2D: t, vx, vy) or a number >= 0 (got ${show(h)})` });
      ok = false;
    }
  }
  if (kind === 'far-field' && o.gamma !== undefined) {
    const g = o.gamma;
    if (typeof g !== 'number' || !Number.isFinite(g) || g < 2) {
      issues.push({ path: `${path}.gamma`, message: `expected a decay rate gamma >= 2 (got ${show(g)})` });
      ok = false;
    }
  }
  if (!ok) return null;
  if (kind === 'dirichlet') return o.distance !== undefined ? { kind, value: o.value as number, distance: o.distance as number } : { kind, value: o.value as number };
  if (kind === 'inflow') return { kind, h: String(o.h) };
  if (kind === 'far-field' && o.gamma !== undefined) return { kind, gamma: o.gamma as number };
  return kind;
}

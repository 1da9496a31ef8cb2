/**
 * The explorer's settings: what the controls hold, their defaults (one set per space dimension),
 * the initial-data presets, the URL codec (a shared link restores the settings) and the translation
 * into an nlbgk config (the same ConfigInput that `nlbgk run` reads from YAML).
 *
 * Numbers are kept as the text of their field, so that bad input survives a reload or a shared
 * link and is reported at its field instead of silently replaced by a default.
 *
 * Browser-safe: no DOM, no node: modules (unit-tested in Node, used by the page).
 */
import { parse as parseYaml } from 'yaml';
import type { ConfigInput } from '../config/schema.js';

export type Equation = 'kinetic' | 'diffusion' | 'particles';
export type InitialKind = 'rho' | 'h';
export type Dim = 1 | 2;

export interface ExplorerState {
  /** Space dimension of the torus T^d. */
  dim: Dim;
  equation: Equation;
  /** Text of the alpha field (lambda(rho) = rho^alpha). */
  alpha: string;
  /** Text of the eps field (the log slider writes it too). */
  eps: string;
  /** Gauss–Hermite velocity nodes per dimension (2D: nodes² velocities). */
  nodes: string;
  /** Cells per dimension: "N" (2D: N × N) or, in 2D, "Nx x Ny". */
  cells: string;
  /** Initial data given as rho (well-prepared) or as h = f/M. */
  initialKind: InitialKind;
  expr: string;
  /** Final time of the run. */
  end: string;
  /** time.rtol of the error control; empty: the CLI's default min(1e-4, 1/N²). */
  rtol: string;
  /**
   * The domain beyond its cells, as a YAML flow mapping of `domain` keys (box, boundary), e.g.
   * `{ boundary: { x: [zero-flux, zero-flux] } }`; empty: the periodic unit torus.
   */
  domain: string;
  /** Time steps per displayed frame. */
  speed: number;
}

export interface Preset {
  id: string;
  label: string;
  kind: InitialKind;
  expr: string;
}

/** Initial-data presets per dimension (any of them can be edited; editing makes the data "custom"). */
export const PRESETS: Readonly<Record<Dim, readonly Preset[]>> = {
  1: [
    { id: 'sine', label: 'sine wave  1 + 0.5 sin 2πx', kind: 'rho', expr: '1 + 0.5*sin(2*pi*x)' },
    { id: 'bump', label: 'Gaussian bump', kind: 'rho', expr: '0.2 + exp(-100*(x-0.5)^2)' },
    { id: 'plateau', label: 'plateau (discontinuous)', kind: 'rho', expr: '0.25 + step(x-0.25)*step(0.75-x)' },
    { id: 'two-modes', label: 'two modes', kind: 'rho', expr: '1 + 0.3*sin(2*pi*x) + 0.3*cos(6*pi*x)' },
    { id: 'beam', label: 'ill-prepared h(x, v): right-moving excess', kind: 'h', expr: '1 + 0.5*sin(2*pi*x)*(1 + tanh(2*v))' },
    { id: 'vacuum', label: 'compact support, vacuum around it (diffusion, α < 1)', kind: 'rho', expr: 'max(0, 1 - 20*(x-0.5)^2)' },
  ],
  2: [
    { id: 'bumps', label: 'two bumps on a thin background', kind: 'rho', expr: '0.1 + exp(-50*((x-0.35)^2+(y-0.4)^2)) + 0.6*exp(-80*((x-0.7)^2+(y-0.65)^2))' },
    { id: 'sine2', label: 'sine  1 + 0.5 sin 2πx sin 2πy', kind: 'rho', expr: '1 + 0.5*sin(2*pi*x)*sin(2*pi*y)' },
    { id: 'square', label: 'square plateau (discontinuous)', kind: 'rho', expr: '0.25 + step(x-0.25)*step(0.75-x)*step(y-0.25)*step(0.75-y)' },
    { id: 'beam2', label: 'ill-prepared h(x, y, vx, vy): excess moving right', kind: 'h', expr: '1 + 0.5*sin(2*pi*x)*(1 + tanh(2*vx))' },
    { id: 'vacuum2', label: 'compact support, vacuum around it (diffusion, α < 1)', kind: 'rho', expr: 'max(0, 1 - 20*((x-0.5)^2+(y-0.5)^2))' },
  ],
};

/** Domain presets per dimension (the limit equation runs on them; kinetic and particles on the torus only). */
export const DOMAIN_PRESETS: Readonly<Record<Dim, readonly { id: string; label: string; domain: string }[]>> = {
  1: [
    { id: 'torus', label: 'periodic: the unit torus T', domain: '' },
    { id: 'walls', label: 'walls at x = 0 and 1 (zero flux)', domain: '{ boundary: { x: [zero-flux, zero-flux] } }' },
    { id: 'source', label: 'density held at 1 at x = 0, wall at x = 1', domain: '{ boundary: { x: [{ kind: dirichlet, value: 1 }, zero-flux] } }' },
    { id: 'outflow', label: 'box [−2, 2], both sides held at 0.1 (outflow)', domain: '{ box: [[-2, 2]], boundary: { x: [{ kind: dirichlet, value: 0.1 }, { kind: dirichlet, value: 0.1 }] } }' },
  ],
  2: [
    { id: 'torus', label: 'periodic: the unit torus T²', domain: '' },
    { id: 'walls', label: 'box with walls (zero flux)', domain: '{ boundary: { x: [zero-flux, zero-flux], y: [zero-flux, zero-flux] } }' },
    { id: 'source', label: 'walls, density held at 1 at y = 0', domain: '{ boundary: { x: [zero-flux, zero-flux], y: [{ kind: dirichlet, value: 1 }, zero-flux] } }' },
    { id: 'channel', label: 'channel: periodic in y, outflow at x = 0 and 1', domain: '{ boundary: { x: [{ kind: dirichlet, value: 0.1 }, { kind: dirichlet, value: 0.1 }], y: periodic } }' },
  ],
};

export const SPEEDS: readonly number[] = [1, 2, 5, 10, 20, 50, 100];

/**
 * The defaults of each dimension. 1D: a kinetic run whose approach to equilibrium fills the plots
 * (end 0.25: ‖f − mM‖² falls by ~10⁻⁷). 2D: the paper's headline case, log diffusion (alpha = 1),
 * kinetic at eps = 0.01 against its limit, two bumps spreading into a thin background (where 1/rho
 * is large), on a grid and velocity set small enough to be interactive (64² cells, 4² nodes,
 * time.rtol = 1e-3); by t = 0.02 the bumps are gone.
 */
export const DEFAULTS: Readonly<Record<Dim, Readonly<ExplorerState>>> = {
  1: Object.freeze({ dim: 1, equation: 'kinetic', alpha: '-1', eps: '0.1', nodes: '16', cells: '256', initialKind: 'rho', expr: PRESETS[1][0].expr, end: '0.25', rtol: '', domain: '', speed: 1 }),
  2: Object.freeze({ dim: 2, equation: 'kinetic', alpha: '1', eps: '0.01', nodes: '4', cells: '64', initialKind: 'rho', expr: PRESETS[2][0].expr, end: '0.02', rtol: '1e-3', domain: '', speed: 1 }),
};
/** The page opens in one dimension. */
export const DEFAULT_STATE: Readonly<ExplorerState> = DEFAULTS[1];

/**
 * The settings after switching to dimension `dim`: the model (equation, alpha, eps) is kept, the
 * grid, velocity nodes, initial data, end time and tolerance are that dimension's defaults
 * (the other dimension's would be too big or not an expression in the right variables).
 */
export function switchDim(state: ExplorerState, dim: Dim): ExplorerState {
  if (state.dim === dim) return { ...state };
  const d = DEFAULTS[dim];
  return { ...d, equation: state.equation, alpha: state.alpha, eps: state.eps, speed: state.speed, ...(state.equation === 'kinetic' ? {} : { initialKind: 'rho' as const }) };
}

/** The preset whose data the state holds, or undefined (custom data). */
export function presetOf(state: Pick<ExplorerState, 'dim' | 'initialKind' | 'expr'>): Preset | undefined {
  return PRESETS[state.dim].find((p) => p.kind === state.initialKind && p.expr === state.expr);
}

/** eps log slider: log10(eps) in [EPS_LOG_MIN, EPS_LOG_MAX], i.e. eps from 1e-6 to 10. */
export const EPS_LOG_MIN = -6;
export const EPS_LOG_MAX = 1;

const EQUATIONS: readonly Equation[] = ['kinetic', 'diffusion', 'particles'];

// URL parameter names (short, stable: they are in shared links).
const KEYS = {
  dim: 'dim',
  equation: 'eq',
  alpha: 'alpha',
  eps: 'eps',
  nodes: 'nodes',
  cells: 'cells',
  initialKind: 'ic',
  expr: 'expr',
  end: 'end',
  rtol: 'rtol',
  domain: 'domain',
  speed: 'speed',
} as const satisfies Record<keyof ExplorerState, string>;

/** The settings as URL query parameters (only those that differ from the defaults of their dimension). */
export function encodeState(state: ExplorerState): string {
  const p = new URLSearchParams();
  const defaults = DEFAULTS[state.dim];
  if (state.dim !== DEFAULT_STATE.dim) p.set(KEYS.dim, String(state.dim));
  for (const key of Object.keys(KEYS) as (keyof ExplorerState)[]) {
    if (key === 'dim') continue;
    const value = String(state[key]);
    if (value !== String(defaults[key])) p.set(KEYS[key], value);
  }
  return p.toString();
}

/** Settings from a query string (with or without '?'); unknown or missing parameters take defaults. */
export function decodeState(query: string): ExplorerState {
  const p = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const text = (key: keyof typeof KEYS) => {
    const v = p.get(KEYS[key]);
    return v === null ? undefined : v.slice(0, 10000);
  };
  const dim: Dim = text('dim') === '2' ? 2 : 1;
  const s: ExplorerState = { ...DEFAULTS[dim] };
  const eq = text('equation');
  if (eq !== undefined && (EQUATIONS as readonly string[]).includes(eq)) s.equation = eq as Equation;
  for (const k of ['alpha', 'eps', 'nodes', 'cells', 'expr', 'end', 'rtol', 'domain'] as const) {
    const v = text(k);
    if (v !== undefined) s[k] = v;
  }
  const ic = text('initialKind');
  if (ic === 'rho' || ic === 'h') s.initialKind = ic;
  const speed = Number(text('speed'));
  if (SPEEDS.includes(speed)) s.speed = speed;
  return s;
}

/** A number field's value for the config: the number, or the raw text when it is not one (valibot then names it). */
export function numberField(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const x = Number(t);
  return Number.isNaN(x) ? t : x;
}

/**
 * The cell counts of the cells field: "N" is N cells per dimension (N × N in 2D); "Nx x Ny",
 * "Nx×Ny" or "Nx, Ny" give each dimension its own count (the schema then checks one count per dimension).
 */
export function cellsField(text: string, dim: Dim): (number | string | undefined)[] {
  const parts = text.trim().split(/\s*[x×,]\s*|\s+/).filter((s) => s !== '');
  if (parts.length === 0) return [undefined];
  if (parts.length === 1) return Array.from({ length: dim }, () => numberField(parts[0]));
  return parts.map(numberField);
}

/** The domain preset the state holds, or undefined (a domain typed by hand). */
export function domainPresetOf(state: Pick<ExplorerState, 'dim' | 'domain'>): string | undefined {
  return DOMAIN_PRESETS[state.dim].find((p) => p.domain === state.domain.trim())?.id;
}

/** A problem with the domain text itself (not a mapping, bad YAML, cells given there), or null. */
export class DomainTextError extends Error {}

/** The domain keys of the domain field (a YAML flow mapping); {} when empty. Throws DomainTextError. */
export function domainField(text: string): Record<string, unknown> {
  const t = text.trim();
  if (t === '') return {};
  let value: unknown;
  try {
    value = parseYaml(t, { maxAliasCount: 10 });
  } catch (err) {
    throw new DomainTextError(`expected a mapping of domain keys such as { box: [[0, 2]], boundary: { x: [zero-flux, zero-flux] } }: ${(err as Error).message.split('\n')[0]}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new DomainTextError('expected a mapping of domain keys (box, boundary, geometry, spacing)');
  if ('cells' in value) throw new DomainTextError('cells are set by the cells field');
  return value as Record<string, unknown>;
}

/** The nlbgk config of the run the explorer shows, as a user would write it in YAML. */
export function configInput(state: ExplorerState): ConfigInput {
  const kinetic = state.equation !== 'diffusion';
  const model: Record<string, unknown> = { equation: state.equation, dim: state.dim, alpha: numberField(state.alpha) };
  if (kinetic) model.eps = numberField(state.eps);
  const time: Record<string, unknown> = { end: numberField(state.end) };
  // particles take fixed steps (the schema refuses rtol for them)
  const rtol = numberField(state.rtol);
  if (rtol !== undefined && state.equation !== 'particles') time.rtol = rtol;
  const config: Record<string, unknown> = {
    model,
    // a radial mesh has one cell count [Nr] whatever the space dimension
    domain: { cells: cellsField(state.cells, isRadial(state.domain) ? 1 : state.dim), ...safeDomain(state.domain) },
    initial: { [state.equation === 'kinetic' ? state.initialKind : 'rho']: state.expr },
    time,
  };
  if (state.equation === 'kinetic') config.velocity = { nodes: numberField(state.nodes) };
  return config as unknown as ConfigInput;
}

/** Whether the domain field asks for a radial mesh (geometry: radial). */
export function isRadial(domain: string): boolean {
  return safeDomain(domain).geometry === 'radial';
}

function safeDomain(text: string): Record<string, unknown> {
  try {
    return domainField(text);
  } catch {
    return {}; // reported at the field by validateState
  }
}

/** Largest cells × velocities the page runs (bigger runs belong to `nlbgk run`). */
export const MAX_PAGE_UNKNOWNS = 2 ** 20;

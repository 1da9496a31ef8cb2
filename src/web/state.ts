/**
 * The explorer's settings: what the controls hold, their defaults, the initial-data presets, the
 * URL codec (a shared link restores the settings) and the translation into an nlbgk config
 * (the same ConfigInput that `nlbgk run` reads from YAML).
 *
 * Numbers are kept as the text of their field, so that bad input survives a reload or a shared
 * link and is reported at its field instead of silently replaced by a default.
 *
 * Browser-safe: no DOM, no node: modules (unit-tested in Node, used by the page).
 */
import type { ConfigInput } from '../config/schema.js';

export type Equation = 'kinetic' | 'diffusion' | 'particles';
export type InitialKind = 'rho' | 'h';

export interface ExplorerState {
  equation: Equation;
  /** Text of the alpha field (lambda(rho) = rho^alpha). */
  alpha: string;
  /** Text of the eps field (the log slider writes it too). */
  eps: string;
  /** Gauss–Hermite velocity nodes. */
  nodes: string;
  cells: string;
  /** Initial data given as rho(x) (well-prepared) or as h(x, v) = f/M. */
  initialKind: InitialKind;
  expr: string;
  /** Final time of the run. */
  end: string;
  /** Time steps per displayed frame. */
  speed: number;
}

export interface Preset {
  id: string;
  label: string;
  kind: InitialKind;
  expr: string;
}

/** Initial-data presets (any of them can be edited; editing makes the data "custom"). */
export const PRESETS: readonly Preset[] = [
  { id: 'sine', label: 'sine wave  1 + 0.5 sin 2πx', kind: 'rho', expr: '1 + 0.5*sin(2*pi*x)' },
  { id: 'bump', label: 'Gaussian bump', kind: 'rho', expr: '0.2 + exp(-100*(x-0.5)^2)' },
  { id: 'plateau', label: 'plateau (discontinuous)', kind: 'rho', expr: '0.25 + step(x-0.25)*step(0.75-x)' },
  { id: 'two-modes', label: 'two modes', kind: 'rho', expr: '1 + 0.3*sin(2*pi*x) + 0.3*cos(6*pi*x)' },
  { id: 'beam', label: 'ill-prepared h(x, v): right-moving excess', kind: 'h', expr: '1 + 0.5*sin(2*pi*x)*(1 + tanh(2*v))' },
];

export const SPEEDS: readonly number[] = [1, 2, 5, 10, 20, 50, 100];

export const DEFAULT_STATE: Readonly<ExplorerState> = Object.freeze({
  equation: 'kinetic',
  alpha: '-1',
  eps: '0.1',
  nodes: '16',
  cells: '256',
  initialKind: 'rho',
  expr: PRESETS[0].expr,
  end: '0.5',
  speed: 1,
});

/** The preset whose data the state holds, or undefined (custom data). */
export function presetOf(state: Pick<ExplorerState, 'initialKind' | 'expr'>): Preset | undefined {
  return PRESETS.find((p) => p.kind === state.initialKind && p.expr === state.expr);
}

/** eps log slider: log10(eps) in [EPS_LOG_MIN, EPS_LOG_MAX], i.e. eps from 1e-6 to 10. */
export const EPS_LOG_MIN = -6;
export const EPS_LOG_MAX = 1;

const EQUATIONS: readonly Equation[] = ['kinetic', 'diffusion', 'particles'];

// URL parameter names (short, stable: they are in shared links).
const KEYS = {
  equation: 'eq',
  alpha: 'alpha',
  eps: 'eps',
  nodes: 'nodes',
  cells: 'cells',
  initialKind: 'ic',
  expr: 'expr',
  end: 'end',
  speed: 'speed',
} as const satisfies Record<keyof ExplorerState, string>;

/** The settings as URL query parameters (only those that differ from the defaults). */
export function encodeState(state: ExplorerState): string {
  const p = new URLSearchParams();
  for (const key of Object.keys(KEYS) as (keyof ExplorerState)[]) {
    const value = String(state[key]);
    if (value !== String(DEFAULT_STATE[key])) p.set(KEYS[key], value);
  }
  return p.toString();
}

/** Settings from a query string (with or without '?'); unknown or missing parameters take defaults. */
export function decodeState(query: string): ExplorerState {
  const p = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const s: ExplorerState = { ...DEFAULT_STATE };
  const text = (key: keyof typeof KEYS) => {
    const v = p.get(KEYS[key]);
    return v === null ? undefined : v.slice(0, 10000);
  };
  const eq = text('equation');
  if (eq !== undefined && (EQUATIONS as readonly string[]).includes(eq)) s.equation = eq as Equation;
  for (const k of ['alpha', 'eps', 'nodes', 'cells', 'expr', 'end'] as const) {
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

/** The nlbgk config of the run the explorer shows (dim 1), as a user would write it in YAML. */
export function configInput(state: ExplorerState): ConfigInput {
  const kinetic = state.equation !== 'diffusion';
  const model: Record<string, unknown> = { equation: state.equation, dim: 1, alpha: numberField(state.alpha) };
  if (kinetic) model.eps = numberField(state.eps);
  const config: Record<string, unknown> = {
    model,
    domain: { cells: [numberField(state.cells)] },
    initial: { [state.equation === 'kinetic' ? state.initialKind : 'rho']: state.expr },
    time: { end: numberField(state.end) },
  };
  if (state.equation === 'kinetic') config.velocity = { nodes: numberField(state.nodes) };
  return config as unknown as ConfigInput;
}

/** Largest cells × velocity nodes the page runs (bigger runs belong to `nlbgk run`). */
export const MAX_PAGE_UNKNOWNS = 2 ** 20;

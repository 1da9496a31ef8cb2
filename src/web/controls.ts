/**
 * The explorer's settings form: the ExplorerState (./state.ts) shown in the controls (presets, sliders,
 * the notes beside the grid fields, the fields an equation does not use greyed out, the validation
 * messages at their fields, the address bar), and the controls' listeners that edit it. What a change
 * starts (validation, the restart of the run) is the page's (./main.ts), through SettingsHost.
 */
import { defaultRtol } from '../config/schema.js';
import { display } from './exports.js';
import { $, input, select } from './dom.js';
import {
  cellsField,
  DOMAIN_PRESETS,
  domainPresetOf,
  encodeState,
  EPS_LOG_MAX,
  EPS_LOG_MIN,
  isRadial,
  PRESETS,
  presetOf,
  SPEEDS,
  switchDim,
  type Dim,
  type Equation,
  type ExplorerState,
  type InitialKind,
} from './state.js';
import type { Field, FieldMessages } from './validation.js';

const FIELDS: Field[] = ['dim', 'equation', 'alpha', 'eps', 'nodes', 'cells', 'domain', 'expr', 'end', 'rtol', 'general'];

/** What the form's listeners change and call on the page. */
export interface SettingsHost {
  /** The settings (edited in place; replaced when the dimension switches). */
  state: ExplorerState;
  /** The settings changed: validate, restart the run after `delay` ms (default: while typing). */
  changed(delay?: number): void;
  /** The dimension switched (the eps sweep starts over). */
  dimSwitched(dim: Dim): void;
  /** The playback speed changed (state.speed). */
  speedChanged(): void;
}

function fillPresets(state: ExplorerState): void {
  const presetSelect = select('preset');
  presetSelect.length = 0;
  for (const p of PRESETS[state.dim]) presetSelect.add(new Option(p.label, p.id));
  presetSelect.add(new Option('custom expression', 'custom'));
  const domainSelect = select('domain-preset');
  domainSelect.length = 0;
  for (const p of DOMAIN_PRESETS[state.dim]) domainSelect.add(new Option(p.label, p.id));
  domainSelect.add(new Option('custom (box, boundary, geometry, spacing as YAML)', 'custom'));
}

/** Show the settings `state` in the form (the presets of its dimension, the sliders, the notes). */
export function fillControls(state: ExplorerState): void {
  input(state.dim === 2 ? 'dim-2' : 'dim-1').checked = true;
  fillPresets(state);
  select('equation').value = state.equation;
  input('alpha').value = state.alpha;
  syncAlphaSlider(state);
  input('eps').value = state.eps;
  syncEpsSlider(state);
  input('nodes').value = state.nodes;
  input('cells').value = state.cells;
  input('expr').value = state.expr;
  input('end').value = state.end;
  input('rtol').value = state.rtol;
  input('domain').value = state.domain;
  select('domain-preset').value = domainPresetOf(state) ?? 'custom';
  input(state.initialKind === 'h' ? 'kind-h' : 'kind-rho').checked = true;
  select('preset').value = presetOf(state)?.id ?? 'custom';
  select('speed').value = String(state.speed);
  $('kind-rho-label').innerHTML = isRadial(state.domain) ? 'ρ<sub>in</sub>(r)' : state.dim === 2 ? 'ρ<sub>in</sub>(x, y)' : 'ρ<sub>in</sub>(x)';
  $('kind-h-label').innerHTML = state.dim === 2 ? 'h<sub>in</sub>(x, y, vx, vy)' : 'h<sub>in</sub>(x, v) = f/M';
  updateDisabled(state);
  updateHints(state);
}

/** The notes beside the grid fields: velocities and cells in total, the CLI's default rtol. */
export function updateHints(state: ExplorerState): void {
  const nodes = Number(state.nodes);
  $('nodes-note').textContent = state.dim === 2 && Number.isInteger(nodes) && nodes > 0 ? `(${nodes}² = ${nodes * nodes})` : '';
  const cells = cellsField(state.cells, state.dim).map(Number);
  const ok = cells.every((n) => Number.isInteger(n) && n > 0);
  $('cells-note').textContent = isRadial(state.domain) ? '(radial: Nr)' : state.dim === 2 && ok ? `(${cells.length === 1 ? `${cells[0]}²` : cells.join(' × ')})` : '';
  input('rtol').placeholder = ok && state.equation !== 'particles' ? `default ${display(defaultRtol(cells.length === 1 ? [cells[0], cells[0]] : cells), 3)}` : state.equation === 'particles' ? 'fixed steps' : 'default';
}

function syncAlphaSlider(state: ExplorerState): void {
  const a = Number(state.alpha);
  if (state.alpha.trim() !== '' && Number.isFinite(a)) input('alpha-slider').value = String(Math.min(3, Math.max(-3, a)));
}

function syncEpsSlider(state: ExplorerState): void {
  const e = Number(state.eps);
  if (e > 0 && Number.isFinite(e)) input('eps-slider').value = String(Math.min(EPS_LOG_MAX, Math.max(EPS_LOG_MIN, Math.log10(e))));
}

/** Grey out the fields the equation does not use. */
export function updateDisabled(state: ExplorerState): void {
  const kinetic = state.equation === 'kinetic';
  const usesEps = state.equation !== 'diffusion';
  const adaptive = state.equation !== 'particles';
  for (const [id, on] of [['eps', usesEps], ['eps-slider', usesEps], ['nodes', kinetic], ['kind-h', kinetic], ['rtol', adaptive]] as const) input(id).disabled = !on;
  document.querySelector('[data-field="eps"]')?.classList.toggle('disabled', !usesEps);
  document.querySelector('[data-field="nodes"]')?.classList.toggle('disabled', !kinetic);
  document.querySelector('[data-field="rtol"]')?.classList.toggle('disabled', !adaptive);
}

/** The validation messages at their fields. */
export function showMessages(messages: FieldMessages): void {
  for (const f of FIELDS) {
    const text = messages[f] ?? '';
    $(`msg-${f}`).textContent = text;
    document.querySelector(`[data-field="${f}"]`)?.classList.toggle('invalid', text !== '');
  }
}

/** The address bar holds the settings (share, reload, back/forward). */
export function updateUrl(state: ExplorerState): void {
  const q = encodeState(state);
  window.history.replaceState(null, '', q ? `?${q}` : location.pathname);
}

/** The settings controls' listeners (dimension, equation, parameters, grid, domain, initial data, speed). */
export function wireSettings(host: SettingsHost): void {
  const speedSelect = select('speed');
  for (const s of SPEEDS) speedSelect.add(new Option(String(s), String(s)));

  $('controls').addEventListener('submit', (e) => e.preventDefault());
  for (const id of ['dim-1', 'dim-2']) {
    input(id).addEventListener('change', () => {
      const dim = Number(input(id).value) as Dim;
      if (dim === host.state.dim) return;
      host.state = switchDim(host.state, dim);
      host.dimSwitched(dim);
      fillControls(host.state);
      host.changed(0);
    });
  }
  select('equation').addEventListener('change', () => {
    host.state.equation = select('equation').value as Equation;
    if (host.state.equation !== 'kinetic' && host.state.initialKind === 'h') {
      host.state.initialKind = 'rho';
      host.state.expr = PRESETS[host.state.dim][0].expr;
      fillControls(host.state);
    }
    host.changed(0);
  });
  input('alpha-slider').addEventListener('input', () => {
    host.state.alpha = String(Number(input('alpha-slider').value));
    input('alpha').value = host.state.alpha;
    host.changed(60);
  });
  input('eps-slider').addEventListener('input', () => {
    host.state.eps = String(Number((10 ** Number(input('eps-slider').value)).toPrecision(3)));
    input('eps').value = host.state.eps;
    host.changed(60);
  });
  const text = (id: 'alpha' | 'eps' | 'nodes' | 'cells' | 'expr' | 'end' | 'rtol' | 'domain', after?: () => void) =>
    input(id).addEventListener('input', () => {
      host.state[id] = input(id).value;
      after?.();
      host.changed();
    });
  text('alpha', () => syncAlphaSlider(host.state));
  text('eps', () => syncEpsSlider(host.state));
  text('nodes');
  text('cells');
  text('end');
  text('rtol');
  text('domain', () => (select('domain-preset').value = domainPresetOf(host.state) ?? 'custom'));
  select('domain-preset').addEventListener('change', () => {
    const p = DOMAIN_PRESETS[host.state.dim].find((q) => q.id === select('domain-preset').value);
    if (!p) return;
    host.state.domain = p.domain;
    // the presets' sides (zero-flux walls, held densities, outflow) are the limit equation's; kinetic
    // walls (specular, diffuse, absorbing, inflow) are typed in the domain field
    if (p.domain !== '' && host.state.equation !== 'diffusion') {
      host.state.equation = 'diffusion';
      if (host.state.initialKind === 'h') {
        host.state.initialKind = 'rho';
        host.state.expr = PRESETS[host.state.dim][0].expr;
      }
    }
    fillControls(host.state);
    host.changed(0);
  });
  text('expr', () => (select('preset').value = presetOf(host.state)?.id ?? 'custom'));
  select('preset').addEventListener('change', () => {
    const p = PRESETS[host.state.dim].find((q) => q.id === select('preset').value);
    if (!p) return;
    if (p.kind === 'h' && host.state.equation !== 'kinetic') host.state.equation = 'kinetic';
    host.state.initialKind = p.kind;
    host.state.expr = p.expr;
    fillControls(host.state);
    host.changed(0);
  });
  for (const id of ['kind-rho', 'kind-h']) {
    input(id).addEventListener('change', () => {
      host.state.initialKind = input(id).value as InitialKind;
      select('preset').value = presetOf(host.state)?.id ?? 'custom';
      host.changed(0);
    });
  }
  speedSelect.addEventListener('change', () => {
    host.state.speed = Number(speedSelect.value);
    updateUrl(host.state);
    host.speedChanged();
  });
}

/**
 * The explorer page: controls ↔ settings (validated by the CLI's schema and expression parser),
 * the solver worker, the recorded frames and the time scrubber, the views (./views.ts), the eps
 * sweep (./sweepPanel.ts), share and export. Nothing here steps a solver: the workers do, and the
 * page draws at most one frame per animation frame and acknowledges it (flow control), so the UI
 * thread never blocks.
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { Config } from '../config/schema.js';
import type { ConfigIssue } from '../config/validate.js';
import type { EngineMeta, Frame } from './engine.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { configYaml, display, hCsv, rhoCsv, seriesCsv } from './exports.js';
import { SeriesStore } from './series.js';
import { FrameHistory, type Recorded } from './history.js';
import { Views, type HeatMode, type MapScale } from './views.js';
import { SweepPanel } from './sweepPanel.js';
import { compositePng } from './composite.js';
import { domainOverlay } from './domain.js';
import { defaultRtol } from '../config/schema.js';
import type { CutAxis } from './fields.js';
import {
  cellsField,
  configInput,
  decodeState,
  encodeState,
  EPS_LOG_MAX,
  EPS_LOG_MIN,
  DOMAIN_PRESETS,
  domainPresetOf,
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
import { messagesOf, validateState, type Field, type FieldMessages } from './validation.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`explorer: missing element #${id}`);
  return el as T;
};
const input = (id: string) => $<HTMLInputElement>(id);
const select = (id: string) => $<HTMLSelectElement>(id);

const FIELDS: Field[] = ['dim', 'equation', 'alpha', 'eps', 'nodes', 'cells', 'domain', 'expr', 'end', 'rtol', 'general'];

// ------------------------------------------------------------------------------------ state

let state: ExplorerState = decodeState(location.search);
let config: Config | null = null;
let meta: EngineMeta | null = null;
let store: SeriesStore | null = null;
let record = new FrameHistory();
/** A frame arrived and was not yet acknowledged to the worker (flow control). */
let needAck = false;
/** The latest frame received (live). */
let latest: Frame | null = null;
/** The recorded frame the scrubber shows, or null: follow the run (live). */
let scrubbed: number | null = null;
let playing = false;
let status = '';
let failure: string | null = null;
let dirty = false;
let rafPending = false;
let framesDrawn = 0;
const drawTimes: number[] = [];
/** Milliseconds the last draws took on the UI thread (for the frame-rate report), and layout-driven redraws. */
const drawCost: number[] = [];
let resizes = 0;
/** performance.now() when the time-series charts and the scrubber were last redrawn. */
let seriesDrawn = -Infinity;
/** While playing, the time series are redrawn at most this often (ms); the fields every frame. */
const SERIES_INTERVAL_MS = 100;

const views = new Views();
const sweep = new SweepPanel(() => config);

// ------------------------------------------------------------------------------------ worker

let worker: Worker | null = null;
/** performance.now() of the last message sent that expects an answer (init, ack), or null. */
let waitingSince: number | null = null;

function newWorker(): Worker {
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'nlbgk-solver' });
  w.onmessage = (e: MessageEvent<FromWorker>) => onWorkerMessage(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    setFailure(`the solver worker failed: ${e.message || 'unknown error'}`);
  };
  return w;
}

function post(msg: ToWorker): void {
  if (!worker) worker = newWorker();
  if (msg.type === 'init' || msg.type === 'ack' || msg.type === 'step' || msg.type === 'play') waitingSince ??= performance.now();
  worker.postMessage(msg);
}

/** Start the run of the current (valid) config from t = 0. */
function restart(play: boolean): void {
  if (!config) return;
  // A worker still busy with a long step from old settings is replaced rather than waited for.
  if (worker && waitingSince !== null && performance.now() - waitingSince > 1500) {
    worker.terminate();
    worker = null;
  }
  waitingSince = null;
  failure = null;
  playing = play;
  dirty = false;
  scrubbed = null;
  post({ type: 'init', config, speed: state.speed, play });
  setStatus('starting…');
  updateButtons();
}

function onWorkerMessage(msg: FromWorker): void {
  waitingSince = null;
  switch (msg.type) {
    case 'ready':
      meta = msg.meta;
      store = new SeriesStore(meta);
      record = new FrameHistory();
      scrubbed = null;
      views.build(meta, store, domainOverlay(config as Config), Float64Array.from(msg.frame.rho));
      syncCutControls();
      sweep.resize(Math.max(200, $('view-sweep').clientWidth - 12));
      showNotes();
      receive(msg.frame);
      if (playing) post({ type: 'play' });
      return;
    case 'frame':
      playing = msg.playing;
      receive(msg.frame);
      return;
    case 'error':
      meta = null;
      store = null;
      latest = null;
      showMessages(issuesToMessages(msg.issues));
      setStatus('invalid settings');
      playing = false;
      updateButtons();
      return;
  }
}

function issuesToMessages(issues: readonly ConfigIssue[]): FieldMessages {
  return messagesOf(issues);
}

function receive(frame: Frame): void {
  store?.add(frame);
  record.add(frame);
  latest = frame;
  needAck = true;
  if (frame.failure) setFailure(frame.failure);
  if (frame.done) playing = false;
  requestDraw();
}

function requestDraw(): void {
  dirty = true;
  if (!rafPending) {
    rafPending = true;
    requestAnimationFrame(draw);
  }
}

// ------------------------------------------------------------------------------------ views

/** The recorded frame on screen: the scrubbed one, else the latest. */
function shown(): Recorded | undefined {
  return scrubbed !== null ? record.at(scrubbed) : record.latest;
}

function draw(now: number): void {
  rafPending = false;
  if (!dirty || !latest || !meta || !store) return;
  dirty = false;
  const rec = shown();
  if (!rec) return;
  const t0 = performance.now();
  views.marker = scrubbed !== null ? rec.t : null;
  const series = !playing || latest.done || scrubbed !== null || now - seriesDrawn >= SERIES_INTERVAL_MS;
  views.draw(rec, series);
  if (series) {
    seriesDrawn = now;
    showReadout(rec);
    showScrubber();
  }
  drawCost.push(performance.now() - t0);
  if (drawCost.length > 120) drawCost.shift();
  if (scrubbed === null) {
    framesDrawn++;
    drawTimes.push(now);
    while (drawTimes.length > 0 && now - drawTimes[0] > 1000) drawTimes.shift();
  }
  if (needAck) {
    needAck = false;
    post({ type: 'ack' });
  }
  if (!failure) setStatus(latest.done ? `done: t = ${display(latest.t)}` : playing ? 'running' : 'paused');
  updateButtons();
}

function fps(): number {
  const now = performance.now();
  return drawTimes.filter((t) => now - t <= 1000).length;
}

function showScrubber(): void {
  const n = record.length;
  const scrub = input('scrub');
  scrub.max = String(Math.max(0, n - 1));
  const k = scrubbed ?? n - 1;
  scrub.value = String(k);
  const rec = record.at(k);
  $('scrub-info').textContent = rec ? `t = ${display(rec.t, 5)} · step ${rec.steps} · frame ${k + 1} of ${n}${record.thinned ? ` (every ${2 ** record.thinned}th kept)` : ''}` : '';
  $('live').classList.toggle('on', scrubbed === null);
}

function showReadout(rec: Recorded): void {
  if (!latest || !meta || !store) return;
  const row = scrubbed === null ? store.latest() : store.at(rec.t);
  const kinetic = meta.equation === 'kinetic';
  const dist = kinetic ? row.dist_eq : row.rho_l2_dev;
  const toLimit = meta.distanceKind ? distanceAt(rec.t) : null;
  const items: [string, string, string][] = [
    ['t', 't', display(rec.t)],
    ['steps', 'steps', String(rec.steps)],
    ['fps', 'frames/s', playing ? String(fps()) : '—'],
    ['dist2', kinetic ? '‖f − mM‖²' : '‖ρ − m‖²', display(dist === undefined ? null : dist * dist, 4)],
    ['min', kinetic ? 'min h' : 'min ρ', display(kinetic ? row.h_min : row.rho_min, 8)],
    ['max', kinetic ? 'max h' : 'max ρ', display(kinetic ? row.h_max : row.rho_max, 8)],
    ['mass', 'mass', display(row.mass, 12)],
    ...outflowItem(row),
    ...(meta.distanceKind ? [['limit', meta.distanceKind === 'kinetic' ? '‖f − ρ̃M‖' : '‖ρ − ρ̃‖', display(toLimit, 4)] as [string, string, string]] : []),
    ['rate', 'exact linear rate 2d', meta.decayRate === null ? '—' : display(2 * meta.decayRate, 6)],
    ['dt', 'dt', display(rec.dt, 4) + (scrubbed === null && latest.limitDt !== null ? ` (limit ${display(latest.limitDt, 4)})` : '')],
  ];
  $('readout').innerHTML = items.map(([k, label, v]) => `<span>${label} = <b data-k="${k}">${escapeHtml(v)}</b></span>`).join(' · ');
}

/** On domains that let mass out: the cumulative outflow and mass + outflow (conserved: the initial mass). */
function outflowItem(row: Record<string, number>): [string, string, string][] {
  const keys = Object.keys(row).filter((k) => k.startsWith('outflow_'));
  if (keys.length === 0) return [];
  const out = keys.reduce((s, k) => s + row[k], 0);
  return [
    ['outflow', 'outflow', display(out, 6)],
    ['conserved', 'mass + outflow', display(row.mass + out, 12)],
  ];
}

/** The distance to the limit recorded at time t (the plotted series), or null. */
function distanceAt(t: number): number | null {
  if (!store) return null;
  let k = store.t.length - 1;
  while (k > 0 && store.t[k] > t) k--;
  return k >= 0 ? store.limitDist[k] : null;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function showNotes(): void {
  if (!meta || !config) return;
  const lines = [meta.decayNote];
  if (meta.limitNote) lines.push(meta.limitNote);
  lines.push(meta.adaptive ? `steps chosen by the time error control (time.rtol = ${meta.rtol}); the limit run lands on every time of the run` : 'fixed steps: no error control');
  lines.push(domainOverlay(config).note);
  $('notes').textContent = lines.join('\n');
}

function setStatus(text: string): void {
  status = text;
  const el = $('status');
  el.textContent = failure ? `failed: ${failure}` : text;
  el.classList.toggle('failed', failure !== null);
}

function setFailure(message: string): void {
  failure = message;
  playing = false;
  setStatus('failed');
  updateButtons();
}

// ------------------------------------------------------------------------------------ controls

function fillPresets(): void {
  const presetSelect = select('preset');
  presetSelect.length = 0;
  for (const p of PRESETS[state.dim]) presetSelect.add(new Option(p.label, p.id));
  presetSelect.add(new Option('custom expression', 'custom'));
  const domainSelect = select('domain-preset');
  domainSelect.length = 0;
  for (const p of DOMAIN_PRESETS[state.dim]) domainSelect.add(new Option(p.label, p.id));
  domainSelect.add(new Option('custom (box, boundary, geometry, spacing as YAML)', 'custom'));
}

function fillControls(): void {
  input(state.dim === 2 ? 'dim-2' : 'dim-1').checked = true;
  fillPresets();
  select('equation').value = state.equation;
  input('alpha').value = state.alpha;
  syncAlphaSlider();
  input('eps').value = state.eps;
  syncEpsSlider();
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
  updateDisabled();
  updateHints();
}

/** The notes beside the grid fields: velocities and cells in total, the CLI's default rtol. */
function updateHints(): void {
  const nodes = Number(state.nodes);
  $('nodes-note').textContent = state.dim === 2 && Number.isInteger(nodes) && nodes > 0 ? `(${nodes}² = ${nodes * nodes})` : '';
  const cells = cellsField(state.cells, state.dim).map(Number);
  const ok = cells.every((n) => Number.isInteger(n) && n > 0);
  $('cells-note').textContent = isRadial(state.domain) ? '(radial: Nr)' : state.dim === 2 && ok ? `(${cells.length === 1 ? `${cells[0]}²` : cells.join(' × ')})` : '';
  input('rtol').placeholder = ok && state.equation !== 'particles' ? `default ${display(defaultRtol(cells.length === 1 ? [cells[0], cells[0]] : cells), 3)}` : state.equation === 'particles' ? 'fixed steps' : 'default';
}

function syncAlphaSlider(): void {
  const a = Number(state.alpha);
  if (state.alpha.trim() !== '' && Number.isFinite(a)) input('alpha-slider').value = String(Math.min(3, Math.max(-3, a)));
}

function syncEpsSlider(): void {
  const e = Number(state.eps);
  if (e > 0 && Number.isFinite(e)) input('eps-slider').value = String(Math.min(EPS_LOG_MAX, Math.max(EPS_LOG_MIN, Math.log10(e))));
}

function updateDisabled(): void {
  const kinetic = state.equation === 'kinetic';
  const usesEps = state.equation !== 'diffusion';
  const adaptive = state.equation !== 'particles';
  for (const [id, on] of [['eps', usesEps], ['eps-slider', usesEps], ['nodes', kinetic], ['kind-h', kinetic], ['rtol', adaptive]] as const) input(id).disabled = !on;
  document.querySelector('[data-field="eps"]')?.classList.toggle('disabled', !usesEps);
  document.querySelector('[data-field="nodes"]')?.classList.toggle('disabled', !kinetic);
  document.querySelector('[data-field="rtol"]')?.classList.toggle('disabled', !adaptive);
}

function showMessages(messages: FieldMessages): void {
  for (const f of FIELDS) {
    const text = messages[f] ?? '';
    $(`msg-${f}`).textContent = text;
    document.querySelector(`[data-field="${f}"]`)?.classList.toggle('invalid', text !== '');
  }
}

function updateUrl(): void {
  const q = encodeState(state);
  window.history.replaceState(null, '', q ? `?${q}` : location.pathname);
}

function updateButtons(): void {
  const play = $<HTMLButtonElement>('play');
  play.textContent = playing ? '❚❚ Pause' : '▶ Play';
  play.disabled = !config;
  $<HTMLButtonElement>('step').disabled = !config || playing || !!latest?.done;
  $<HTMLButtonElement>('reset').disabled = !config;
  for (const id of ['dl-config', 'dl-csv', 'dl-png', 'dl-rho']) $<HTMLButtonElement>(id).disabled = !config || !meta;
  $<HTMLButtonElement>('dl-limit').disabled = !config || !meta?.limitConfig;
  $<HTMLButtonElement>('dl-h').disabled = !config || !shown()?.h;
}

let restartTimer: ReturnType<typeof setTimeout> | null = null;

/** The settings changed: validate now (messages at the fields), restart the run shortly after. */
function settingsChanged(delay = 150): void {
  const result = validateState(state);
  showMessages(result.messages);
  updateUrl();
  updateDisabled();
  updateHints();
  config = result.config ?? null;
  if (restartTimer) clearTimeout(restartTimer);
  if (!config) {
    if (playing) post({ type: 'pause' });
    playing = false;
    setStatus('invalid settings');
    updateButtons();
    return;
  }
  const wasPlaying = playing;
  restartTimer = setTimeout(() => {
    restartTimer = null;
    restart(wasPlaying);
  }, delay);
}

/** Show recorded frame k (pauses the run), or follow the run again (null). */
function scrubTo(k: number | null): void {
  if (k !== null && k >= record.length - 1 && !playing) k = null;
  if (k !== null && playing) {
    playing = false;
    post({ type: 'pause' });
  }
  scrubbed = k;
  requestDraw();
}

function wire(): void {
  const speedSelect = select('speed');
  for (const s of SPEEDS) speedSelect.add(new Option(String(s), String(s)));

  $('controls').addEventListener('submit', (e) => e.preventDefault());
  for (const id of ['dim-1', 'dim-2']) {
    input(id).addEventListener('change', () => {
      const dim = Number(input(id).value) as Dim;
      if (dim === state.dim) return;
      state = switchDim(state, dim);
      sweep.reset(dim);
      fillControls();
      settingsChanged(0);
    });
  }
  select('equation').addEventListener('change', () => {
    state.equation = select('equation').value as Equation;
    if (state.equation !== 'kinetic' && state.initialKind === 'h') {
      state.initialKind = 'rho';
      state.expr = PRESETS[state.dim][0].expr;
      fillControls();
    }
    settingsChanged(0);
  });
  input('alpha-slider').addEventListener('input', () => {
    state.alpha = String(Number(input('alpha-slider').value));
    input('alpha').value = state.alpha;
    settingsChanged(60);
  });
  input('eps-slider').addEventListener('input', () => {
    state.eps = String(Number((10 ** Number(input('eps-slider').value)).toPrecision(3)));
    input('eps').value = state.eps;
    settingsChanged(60);
  });
  const text = (id: 'alpha' | 'eps' | 'nodes' | 'cells' | 'expr' | 'end' | 'rtol' | 'domain', after?: () => void) =>
    input(id).addEventListener('input', () => {
      state[id] = input(id).value;
      after?.();
      settingsChanged();
    });
  text('alpha', syncAlphaSlider);
  text('eps', syncEpsSlider);
  text('nodes');
  text('cells');
  text('end');
  text('rtol');
  text('domain', () => (select('domain-preset').value = domainPresetOf(state) ?? 'custom'));
  select('domain-preset').addEventListener('change', () => {
    const p = DOMAIN_PRESETS[state.dim].find((q) => q.id === select('domain-preset').value);
    if (!p) return;
    state.domain = p.domain;
    // the presets' sides (zero-flux walls, held densities, outflow) are the limit equation's; kinetic
    // walls (specular, diffuse, absorbing, inflow) are typed in the domain field
    if (p.domain !== '' && state.equation !== 'diffusion') {
      state.equation = 'diffusion';
      if (state.initialKind === 'h') {
        state.initialKind = 'rho';
        state.expr = PRESETS[state.dim][0].expr;
      }
    }
    fillControls();
    settingsChanged(0);
  });
  text('expr', () => (select('preset').value = presetOf(state)?.id ?? 'custom'));
  select('preset').addEventListener('change', () => {
    const p = PRESETS[state.dim].find((q) => q.id === select('preset').value);
    if (!p) return;
    if (p.kind === 'h' && state.equation !== 'kinetic') state.equation = 'kinetic';
    state.initialKind = p.kind;
    state.expr = p.expr;
    fillControls();
    settingsChanged(0);
  });
  for (const id of ['kind-rho', 'kind-h']) {
    input(id).addEventListener('change', () => {
      state.initialKind = input(id).value as InitialKind;
      select('preset').value = presetOf(state)?.id ?? 'custom';
      settingsChanged(0);
    });
  }
  speedSelect.addEventListener('change', () => {
    state.speed = Number(speedSelect.value);
    updateUrl();
    post({ type: 'speed', speed: state.speed });
  });
  $('play').addEventListener('click', () => {
    if (!config) return;
    if (latest?.done || !meta) {
      restart(true);
      return;
    }
    playing = !playing;
    if (playing) scrubbed = null;
    post({ type: playing ? 'play' : 'pause' });
    setStatus(playing ? 'running' : 'paused');
    updateButtons();
    requestDraw();
  });
  $('step').addEventListener('click', () => {
    if (!config || !meta || latest?.done) return;
    playing = false;
    scrubbed = null;
    post({ type: 'step' });
  });
  $('reset').addEventListener('click', () => restart(false));
  input('scrub').addEventListener('input', () => scrubTo(Number(input('scrub').value)));
  $('live').addEventListener('click', () => scrubTo(null));
  select('heat-mode').addEventListener('change', () => {
    views.heatMode = select('heat-mode').value as HeatMode;
    requestDraw();
  });
  select('map-scale').addEventListener('change', () => {
    views.mapScale = select('map-scale').value as MapScale;
    requestDraw();
  });
  select('cut-axis').addEventListener('change', () => {
    views.setCutAxis(select('cut-axis').value as CutAxis);
    syncCutControls();
    requestDraw();
  });
  input('cut-pos').addEventListener('input', () => {
    views.cutCell = Number(input('cut-pos').value);
    requestDraw();
  });
  for (const map of Object.values(views.maps)) {
    map.canvas.addEventListener('click', (e) => {
      const p = map.toData(e.clientX, e.clientY);
      if (!p || p.y === null) return;
      views.cutAt(p.x, p.y);
      syncCutControls();
      requestDraw();
    });
  }
  $('share').addEventListener('click', async () => {
    updateUrl();
    try {
      await navigator.clipboard.writeText(location.href);
      flash('share', 'link copied');
    } catch {
      prompt('Copy this link:', location.href);
    }
  });
  $('dl-config').addEventListener('click', () => {
    if (!config) return;
    download('explorer.yaml', configYaml(configInput(state), [`explorer link: ${location.href}`]), 'text/yaml');
  });
  $('dl-limit').addEventListener('click', () => {
    const c = meta?.limitConfig;
    if (!c) return;
    const { max_steps, ...time } = c.time;
    const body = { model: c.model, domain: c.domain, initial: c.initial, time: max_steps === 10_000_000 ? time : { ...time, max_steps } };
    download('limit.yaml', configYaml(body, ['the limit equation from the same initial data (the explorer lands it on every time of the run as well)']), 'text/yaml');
  });
  $('dl-csv').addEventListener('click', () => {
    if (!meta || !store) return;
    download('series.csv', seriesCsv(meta.columns, store.rows), 'text/csv');
  });
  $('dl-rho').addEventListener('click', () => {
    const rec = shown();
    if (!meta || !rec) return;
    download('rho.csv', rhoCsv(meta, rec.t, rec.rho, rec.limitRho), 'text/csv');
  });
  $('dl-h').addEventListener('click', () => {
    const rec = shown();
    if (!meta || !rec?.h) return;
    download('h.csv', hCsv(meta, rec.t, rec.h), 'text/csv');
  });
  $('dl-sweep').addEventListener('click', () => download('sweep.csv', sweep.csv(), 'text/csv'));
  $('dl-png').addEventListener('click', () => {
    const rec = shown();
    const header = `nlbgk explorer — ${decodeURIComponent(encodeState(state).replace(/\+/g, ' ')) || 'defaults'} — t = ${display(rec?.t ?? 0)}`;
    const canvas = compositePng(views.panels(meta?.equation === 'kinetic' ? sweep.panel() : null), header);
    canvas.toBlob((blob) => blob && download('explorer-plots.png', blob, 'image/png'));
  });
  new ResizeObserver(() => {
    resizes++;
    views.resize();
    sweep.resize(Math.max(200, $('view-sweep').clientWidth - 12));
    requestDraw();
  }).observe($('views'));
  window.addEventListener('popstate', () => {
    state = decodeState(location.search);
    fillControls();
    settingsChanged(0);
  });
}

function syncCutControls(): void {
  if (!meta || meta.dim !== 2) return;
  const pos = input('cut-pos');
  pos.max = String((views.cutAxis === 'x' ? meta.n[1] : meta.n[0]) - 1);
  pos.value = String(views.cutCell);
  select('cut-axis').value = views.cutAxis;
}

function flash(id: string, text: string): void {
  const b = $<HTMLButtonElement>(id);
  const old = b.textContent;
  b.textContent = text;
  setTimeout(() => (b.textContent = old), 1200);
}

function download(name: string, body: string | Blob, type: string): void {
  const blob = typeof body === 'string' ? new Blob([body], { type }) : body;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ------------------------------------------------------------------------------------ start

declare global {
  interface Window {
    /** Introspection for tests and the curious (read-only views of the page's state). */
    nlbgkExplorer?: unknown;
  }
}

window.nlbgkExplorer = {
  get state() {
    return { ...state };
  },
  get status() {
    return failure ? `failed: ${failure}` : status;
  },
  get playing() {
    return playing;
  },
  get valid() {
    return config !== null;
  },
  get meta() {
    return meta && { ...meta, x: undefined, y: undefined, velocities: undefined, v: meta.v && Array.from(meta.v), w: undefined };
  },
  get framesDrawn() {
    return framesDrawn;
  },
  fps,
  /** Mean milliseconds of the last (up to 120) draws, and how often the layout changed size. */
  drawStats() {
    return { meanMs: drawCost.reduce((a, b) => a + b, 0) / Math.max(1, drawCost.length), draws: drawCost.length, resizes };
  },
  /** The latest series row as { column: value } and the frame's time and step count. */
  latest() {
    return latest && store ? { ...store.latest(), steps: latest.steps, done: latest.done } : null;
  },
  /** The densities (run and limit) of the frame shown. */
  densities() {
    const rec = shown();
    return rec && { t: rec.t, rho: Array.from(rec.rho), limit: rec.limitRho && Array.from(rec.limitRho) };
  },
  seriesCsv() {
    return meta && store ? seriesCsv(meta.columns, store.rows) : null;
  },
  plotPoints() {
    return store ? store.t.length : 0;
  },
  /** The scrubber: recorded frames, the one shown (null: live). */
  get recorded() {
    return record.length;
  },
  get scrubbed() {
    return scrubbed;
  },
  /** The distance to the limit series as plotted. */
  limitDistance() {
    return store ? { t: store.t, distance: store.limitDist } : null;
  },
  /** Notes drawn on the maps (round-off). */
  get mapNotes() {
    return { ...views.notes };
  },
  get cut() {
    return { axis: views.cutAxis, cell: views.cutCell };
  },
  /** What the exported PNG holds: each panel's title, legend labels and note. */
  pngPanels() {
    return views.panels(meta?.equation === 'kinetic' ? sweep.panel() : null).map((p) => ({ title: p.title, legend: p.legend.map((l) => l.label), note: p.note ?? null, width: p.canvas.width, height: p.canvas.height }));
  },
  get sweep() {
    return { running: sweep.running, points: sweep.points, fit: sweep.fit && { order: sweep.fit.order, stderr: sweep.fit.stderr }, time: sweep.time, text: sweep.fitText() };
  },
};

wire();
fillControls();
sweep.reset(state.dim);
settingsChanged(0);

/**
 * The explorer page: controls ↔ settings (validated by the CLI's schema and expression parser),
 * the solver worker, the live views (uPlot charts, canvas heat map), share and export.
 * Nothing here steps a solver: the worker does, and the page draws at most one frame per
 * animation frame and acknowledges it (flow control), so the UI thread never blocks.
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type uPlot from 'uplot';
import type { Config } from '../config/schema.js';
import type { ConfigIssue } from '../config/validate.js';
import type { EngineMeta, Frame } from './engine.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { boundsChart, decayChart, rhoChart, type ChartEquation } from './charts.js';
import { configYaml, display, seriesCsv } from './exports.js';
import { HeatMap, type HeatMode } from './heatmap.js';
import { SeriesStore } from './series.js';
import {
  configInput,
  decodeState,
  encodeState,
  EPS_LOG_MAX,
  EPS_LOG_MIN,
  PRESETS,
  presetOf,
  SPEEDS,
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

const FIELDS: Field[] = ['equation', 'alpha', 'eps', 'nodes', 'cells', 'expr', 'end', 'general'];

// ------------------------------------------------------------------------------------ state

let state: ExplorerState = decodeState(location.search);
let config: Config | null = null;
let meta: EngineMeta | null = null;
let store: SeriesStore | null = null;
let latest: Frame | null = null;
let rho0: Float64Array | null = null;
let playing = false;
let status = '';
let failure: string | null = null;
let dirty = false;
let rafPending = false;
let framesDrawn = 0;
const drawTimes: number[] = [];
let heatMode: HeatMode = 'h';

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
      rho0 = Float64Array.from(msg.frame.rho);
      buildCharts();
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
  latest = frame;
  if (frame.failure) setFailure(frame.failure);
  if (frame.done) playing = false;
  dirty = true;
  if (!rafPending) {
    rafPending = true;
    requestAnimationFrame(draw);
  }
}

// ------------------------------------------------------------------------------------ views

let charts: { rho: uPlot; decay: uPlot; bounds: uPlot } | null = null;
const heat = new HeatMap($<HTMLCanvasElement>('heat'));
const CHART_HEIGHT = 250;

function figureWidth(id: string): number {
  const fig = $(id);
  return Math.max(200, fig.clientWidth - 12);
}

function padded(lo: number, hi: number, frac = 0.08): [number, number] {
  const span = hi - lo;
  const pad = span > 0 ? span * frac : Math.max(Math.abs(hi) * 0.05, 0.05);
  return [lo - pad, hi + pad];
}

function boundsRange(): [number, number] {
  const b = meta?.bounds ?? [0, 1];
  return padded(b[0], b[1]);
}

function decayRange(): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  if (store) {
    for (const arr of [store.dist2, store.limitDist2]) {
      for (const y of arr) {
        if (y !== null) {
          if (y < lo) lo = y;
          if (y > hi) hi = y;
        }
      }
    }
  }
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) return [1e-3, 1];
  let a = Math.floor(Math.log10(lo));
  let b = Math.ceil(Math.log10(hi));
  if (b - a < 1) b = a + 1;
  a = Math.max(a, -320);
  return [10 ** a, 10 ** b];
}

function buildCharts(): void {
  if (charts) {
    charts.rho.destroy();
    charts.decay.destroy();
    charts.bounds.destroy();
  }
  const eq = (meta?.equation ?? 'kinetic') as ChartEquation; // the explorer runs kinetic, diffusion and particles only
  const w = figureWidth('view-rho');
  charts = {
    rho: rhoChart($('view-rho').querySelector('.plot') as HTMLElement, w, CHART_HEIGHT, boundsRange, eq),
    decay: decayChart($('view-decay').querySelector('.plot') as HTMLElement, w, CHART_HEIGHT, decayRange, eq),
    bounds: boundsChart($('view-bounds').querySelector('.plot') as HTMLElement, w, CHART_HEIGHT, boundsRange, eq),
  };
  sizeHeat();
}

function sizeHeat(): void {
  const canvas = heat.canvas;
  const w = figureWidth('view-heat');
  const h = (charts?.rho.root.clientHeight ?? CHART_HEIGHT + 60) - 27;
  canvas.style.height = `${Math.max(120, h)}px`;
  canvas.width = Math.round(w * devicePixelRatio);
  canvas.height = Math.round(Math.max(120, h) * devicePixelRatio);
}

function draw(now: number): void {
  rafPending = false;
  if (!dirty || !latest || !meta || !store || !charts) return;
  dirty = false;
  const f = latest;
  const n = f.rho.length;
  const nulls = new Array<null>(n).fill(null);
  charts.rho.setData([meta.x, f.rho, f.limitRho ?? nulls, rho0 ?? nulls]);
  charts.decay.setData([store.t, store.dist2, store.limitDist2, store.rateLine()]);
  const [lo, hi] = meta.bounds;
  charts.bounds.setData([store.t, store.min, store.max, store.t.map(() => lo), store.t.map(() => hi)]);
  if (f.h && meta.v) heat.draw(f.h, f.rho, meta.v, meta.bounds, heatMode);
  else heat.clear(meta.equation === 'diffusion' ? 'no velocity variable: the limit equation is for ρ(x, t) only' : 'no h(x, v) for this equation');
  showReadout();
  framesDrawn++;
  drawTimes.push(now);
  while (drawTimes.length > 0 && now - drawTimes[0] > 1000) drawTimes.shift();
  post({ type: 'ack' });
  if (!failure) setStatus(f.done ? `done: t = ${display(f.t)}` : playing ? 'running' : 'paused');
  updateButtons();
}

function fps(): number {
  const now = performance.now();
  return drawTimes.filter((t) => now - t <= 1000).length;
}

function showReadout(): void {
  if (!latest || !meta || !store) return;
  const row = store.latest();
  const kinetic = meta.equation === 'kinetic';
  const dist = kinetic ? row.dist_eq : row.rho_l2_dev;
  const items: [string, string, string][] = [
    ['t', 't', display(latest.t)],
    ['steps', 'steps', String(latest.steps)],
    ['fps', 'frames/s', playing ? String(fps()) : '—'],
    ['dist2', kinetic ? '‖f − mM‖²' : '‖ρ − m‖²', display(dist === undefined ? null : dist * dist, 4)],
    ['min', kinetic ? 'min h' : 'min ρ', display(kinetic ? row.h_min : row.rho_min, 8)],
    ['max', kinetic ? 'max h' : 'max ρ', display(kinetic ? row.h_max : row.rho_max, 8)],
    ['mass', 'mass', display(row.mass, 12)],
    ['rate', 'exact linear rate 2d', meta.decayRate === null ? '—' : display(2 * meta.decayRate, 6)],
    ['dt', 'dt', display(latest.dt, 4) + (latest.limitDt !== null ? ` (limit ${display(latest.limitDt, 4)})` : '')],
  ];
  $('readout').innerHTML = items.map(([k, label, v]) => `<span>${label} = <b data-k="${k}">${escapeHtml(v)}</b></span>`).join(' · ');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function showNotes(): void {
  if (!meta) return;
  const lines = [meta.decayNote];
  if (meta.limitNote) lines.push(meta.limitNote);
  lines.push(meta.adaptive ? 'steps chosen by the time error control (time.rtol); the limit run lands on every kinetic time' : 'fixed steps (time.dt): no error control');
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

function fillControls(): void {
  select('equation').value = state.equation;
  input('alpha').value = state.alpha;
  syncAlphaSlider();
  input('eps').value = state.eps;
  syncEpsSlider();
  input('nodes').value = state.nodes;
  input('cells').value = state.cells;
  input('expr').value = state.expr;
  input('end').value = state.end;
  input(state.initialKind === 'h' ? 'kind-h' : 'kind-rho').checked = true;
  select('preset').value = presetOf(state)?.id ?? 'custom';
  select('speed').value = String(state.speed);
  updateDisabled();
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
  for (const [id, on] of [['eps', usesEps], ['eps-slider', usesEps], ['nodes', kinetic], ['kind-h', kinetic]] as const) input(id).disabled = !on;
  document.querySelector('[data-field="eps"]')?.classList.toggle('disabled', !usesEps);
  document.querySelector('[data-field="nodes"]')?.classList.toggle('disabled', !kinetic);
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
  history.replaceState(null, '', q ? `?${q}` : location.pathname);
}

function updateButtons(): void {
  const play = $<HTMLButtonElement>('play');
  play.textContent = playing ? '❚❚ Pause' : '▶ Play';
  play.disabled = !config;
  $<HTMLButtonElement>('step').disabled = !config || playing || !!latest?.done;
  $<HTMLButtonElement>('reset').disabled = !config;
  for (const id of ['dl-config', 'dl-csv', 'dl-png']) $<HTMLButtonElement>(id).disabled = !config;
  $<HTMLButtonElement>('dl-limit').disabled = !config || !meta?.limitConfig;
}

let restartTimer: ReturnType<typeof setTimeout> | null = null;

/** The settings changed: validate now (messages at the fields), restart the run shortly after. */
function settingsChanged(delay = 150): void {
  const result = validateState(state);
  showMessages(result.messages);
  updateUrl();
  updateDisabled();
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

function wire(): void {
  const presetSelect = select('preset');
  for (const p of PRESETS) presetSelect.add(new Option(p.label, p.id));
  presetSelect.add(new Option('custom expression', 'custom'));
  const speedSelect = select('speed');
  for (const s of SPEEDS) speedSelect.add(new Option(String(s), String(s)));

  $('controls').addEventListener('submit', (e) => e.preventDefault());
  select('equation').addEventListener('change', () => {
    state.equation = select('equation').value as Equation;
    if (state.equation !== 'kinetic' && state.initialKind === 'h') {
      state.initialKind = 'rho';
      state.expr = PRESETS[0].expr;
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
  const text = (id: 'alpha' | 'eps' | 'nodes' | 'cells' | 'expr' | 'end', after?: () => void) =>
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
  text('expr', () => (select('preset').value = presetOf(state)?.id ?? 'custom'));
  presetSelect.addEventListener('change', () => {
    const p = PRESETS.find((q) => q.id === presetSelect.value);
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
    post({ type: playing ? 'play' : 'pause' });
    setStatus(playing ? 'running' : 'paused');
    updateButtons();
  });
  $('step').addEventListener('click', () => {
    if (!config || !meta || latest?.done) return;
    playing = false;
    post({ type: 'step' });
  });
  $('reset').addEventListener('click', () => restart(false));
  select('heat-mode').addEventListener('change', () => {
    heatMode = select('heat-mode').value as HeatMode;
    dirty = true;
    requestAnimationFrame(draw);
  });
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
    const input = { model: c.model, domain: c.domain, initial: c.initial, time: c.time.max_steps === 10_000_000 ? { end: c.time.end, dt: c.time.dt } : { end: c.time.end, dt: c.time.dt, max_steps: c.time.max_steps } };
    download('limit.yaml', configYaml(input, ['the limit equation from the same initial data, with the step the explorer used']), 'text/yaml');
  });
  $('dl-csv').addEventListener('click', () => {
    if (!meta || !store) return;
    download('series.csv', seriesCsv(meta.columns, store.rows), 'text/csv');
  });
  $('dl-png').addEventListener('click', () => {
    const canvas = compositePng();
    canvas.toBlob((blob) => blob && download('explorer-plots.png', blob, 'image/png'));
  });
  new ResizeObserver(() => {
    if (!charts) return;
    const w = figureWidth('view-rho');
    for (const c of [charts.rho, charts.decay, charts.bounds]) c.setSize({ width: w, height: CHART_HEIGHT });
    sizeHeat();
    dirty = true;
    requestAnimationFrame(draw);
  }).observe($('views'));
  window.addEventListener('popstate', () => {
    state = decodeState(location.search);
    fillControls();
    settingsChanged(0);
  });
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

/** The four views in one image (2 × 2), with their titles. */
function compositePng(): HTMLCanvasElement {
  const panels: [string, HTMLCanvasElement][] = [];
  if (charts) {
    panels.push([charts.rho.root.querySelector('.u-title')?.textContent ?? '', charts.rho.ctx.canvas]);
    panels.push(['phase space ' + (heatMode === 'h' ? 'h(x, v)' : 'h − ρ'), heat.canvas]);
    panels.push([charts.decay.root.querySelector('.u-title')?.textContent ?? '', charts.decay.ctx.canvas]);
    panels.push([charts.bounds.root.querySelector('.u-title')?.textContent ?? '', charts.bounds.ctx.canvas]);
  }
  const dpr = devicePixelRatio;
  const cw = Math.max(1, ...panels.map(([, c]) => c.width));
  const ch = Math.max(1, ...panels.map(([, c]) => c.height));
  const title = 24 * dpr;
  const out = document.createElement('canvas');
  out.width = cw * 2;
  out.height = (ch + title) * 2 + title;
  const ctx = out.getContext('2d');
  if (!ctx) return out;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = '#222';
  ctx.font = `${12 * dpr}px system-ui, sans-serif`;
  ctx.fillText(`nlbgk explorer — ${decodeURIComponent(encodeState(state).replace(/\+/g, ' ')) || 'defaults'} — t = ${display(latest?.t ?? 0)}`, 8 * dpr, 16 * dpr);
  ctx.font = `600 ${14 * dpr}px system-ui, sans-serif`;
  panels.forEach(([name, c], i) => {
    const x = (i % 2) * cw;
    const y = title + Math.floor(i / 2) * (ch + title);
    ctx.fillText(name, x + 8 * dpr, y + 17 * dpr);
    ctx.drawImage(c, x, y + title);
  });
  return out;
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
    return meta && { ...meta, x: undefined, v: meta.v && Array.from(meta.v), w: undefined };
  },
  get framesDrawn() {
    return framesDrawn;
  },
  fps,
  /** The latest series row as { column: value } and the frame's time and step count. */
  latest() {
    return latest && store ? { ...store.latest(), steps: latest.steps, done: latest.done } : null;
  },
  /** The current densities (run and limit) at the latest frame. */
  densities() {
    return latest && { t: latest.t, rho: Array.from(latest.rho), limit: latest.limitRho && Array.from(latest.limitRho) };
  },
  seriesCsv() {
    return meta && store ? seriesCsv(meta.columns, store.rows) : null;
  },
  plotPoints() {
    return store ? store.t.length : 0;
  },
};

wire();
fillControls();
settingsChanged(0);

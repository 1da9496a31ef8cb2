/**
 * The explorer page: the run it shows, from settings to pictures. The settings form (./controls.ts)
 * edits the ExplorerState; here each change is validated by the CLI's schema and expression parser
 * (./validation.ts) and restarts the solver worker; the recorded frames and the time scrubber, the
 * draw loop over the views (./views.ts) and the text beside them (./readout.ts), the eps sweep
 * (./sweepPanel.ts), share and export. Nothing here steps a solver: the workers do, and the page draws
 * at most one frame per animation frame and acknowledges it (flow control), so the UI thread never
 * blocks.
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
import type { CutAxis } from './fields.js';
import { configInput, decodeState, encodeState, type ExplorerState } from './state.js';
import { messagesOf, validateState, type FieldMessages } from './validation.js';
import { $, download, flash, input, select } from './dom.js';
import { fillControls, showMessages, updateDisabled, updateHints, updateUrl, wireSettings, type SettingsHost } from './controls.js';
import { showNotes, showReadout, showScrubber, type RunView } from './readout.js';

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

/** The run as the readout sees it. */
const run: RunView = {
  get config() {
    return config;
  },
  get meta() {
    return meta;
  },
  get store() {
    return store;
  },
  get record() {
    return record;
  },
  get latest() {
    return latest;
  },
  get scrubbed() {
    return scrubbed;
  },
  get playing() {
    return playing;
  },
};

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
      showNotes(run);
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
    showReadout(run, rec, fps);
    showScrubber(run);
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

// ------------------------------------------------------------------------------------ settings and run controls

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
  updateUrl(state);
  updateDisabled(state);
  updateHints(state);
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

/** The settings form's access to the page: the state, and what its changes start. */
const settings: SettingsHost = {
  get state() {
    return state;
  },
  set state(s: ExplorerState) {
    state = s;
  },
  changed: settingsChanged,
  dimSwitched: (dim) => sweep.reset(dim),
  speedChanged: () => post({ type: 'speed', speed: state.speed }),
};

function wire(): void {
  wireSettings(settings);
  wireRun();
  wireViews();
  wireExports();
  new ResizeObserver(() => {
    resizes++;
    views.resize();
    sweep.resize(Math.max(200, $('view-sweep').clientWidth - 12));
    requestDraw();
  }).observe($('views'));
  window.addEventListener('popstate', () => {
    state = decodeState(location.search);
    fillControls(state);
    settingsChanged(0);
  });
}

/** Play / pause, one step, reset, the time scrubber and the live button. */
function wireRun(): void {
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
}

/** The views' own controls: heat-map mode and colour scale, the 2D cut (axis, position, a click on a map). */
function wireViews(): void {
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
}

/** Share the link; download the config, the limit's config, the series, rho, h and the plots as PNG. */
function wireExports(): void {
  $('share').addEventListener('click', async () => {
    updateUrl(state);
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
}

function syncCutControls(): void {
  if (!meta || meta.dim !== 2) return;
  const pos = input('cut-pos');
  pos.max = String((views.cutAxis === 'x' ? meta.n[1] : meta.n[0]) - 1);
  pos.value = String(views.cutCell);
  select('cut-axis').value = views.cutAxis;
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
fillControls(state);
sweep.reset(state.dim);
settingsChanged(0);

/**
 * The live views of a run, drawn from one recorded frame (./history.ts) and the series so far
 * (./series.ts). 1D: the density chart and the phase-space heat map. 2D: heat maps of the run's
 * density and the limit's on one colour scale, their difference, and a cut along a grid line.
 * Both: the distance to the limit over time (Theorem 2.3), the distance to equilibrium and the
 * maximum principle; a marker at the scrubbed time. The domain's boundary (./domain.ts) is drawn on
 * every map and on the 1D density chart.
 */
import type uPlot from 'uplot';
import type { EngineMeta } from './engine.js';
import type { Recorded } from './history.js';
import type { SeriesStore } from './series.js';
import { EDGE_STYLE, type DomainOverlay, type EdgeKind } from './domain.js';
import { boundsChart, decayChart, domainPlugin, limitDistanceChart, markerPlugin, rhoChart, type ChartEquation } from './charts.js';
import { HeatMap, nodeLabels, type ColourSpec } from './heatmap.js';
import { divergingScale, sequentialRange, type DivergingScale } from './colorScale.js';
import { cut, cutIndex, difference, maxAbs, nonEquilibrium, rangeOf, type CutAxis } from './fields.js';
import { display } from './exports.js';

export type HeatMode = 'h' | 'dev';
export type MapScale = 'fixed' | 'frame';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`explorer: missing element #${id}`);
  return el as T;
};

export const CHART_HEIGHT = 250;

/** A panel of the exported PNG: its title, its canvas, its legend entries and a note. */
export interface Panel {
  title: string;
  canvas: HTMLCanvasElement;
  /** Legend entries: a line (with its dash pattern) or, for series drawn as points, a dot. */
  legend: { label: string; colour: string; dash: number[]; points?: boolean }[];
  note?: string;
}

function padded(lo: number, hi: number, frac = 0.08): [number, number] {
  const span = hi - lo;
  const pad = span > 0 ? span * frac : Math.max(Math.abs(hi) * 0.05, 0.05);
  return [lo - pad, hi + pad];
}

/** A log axis range covering the positive finite values of the arrays (decades). */
function logRange(...arrays: (number | null)[][]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const arr of arrays) {
    for (const y of arr) {
      if (y !== null && y > 0 && Number.isFinite(y)) {
        if (y < lo) lo = y;
        if (y > hi) hi = y;
      }
    }
  }
  if (!(lo > 0 && hi >= lo)) return [1e-3, 1];
  let a = Math.floor(Math.log10(lo));
  let b = Math.ceil(Math.log10(hi));
  if (b - a < 1) b = a + 1;
  a = Math.max(a, -320);
  return [10 ** a, 10 ** b];
}

function figureWidth(id: string): number {
  return Math.max(200, $(id).clientWidth - 12);
}

interface Charts {
  rho: uPlot | null;
  cut: uPlot | null;
  distance: uPlot | null;
  decay: uPlot;
  bounds: uPlot;
}

export class Views {
  meta: EngineMeta | null = null;
  store: SeriesStore | null = null;
  domain: DomainOverlay | null = null;
  heatMode: HeatMode = 'h';
  mapScale: MapScale = 'frame';
  cutAxis: CutAxis = 'x';
  /** Cell index of the cut along the other axis. */
  cutCell = 0;
  /** Time marked on the time charts (the scrubbed frame), or null (live). */
  marker: number | null = null;
  /** The initial density (frame 0), for the 1D chart and the cut. */
  rho0: Float64Array | null = null;
  private charts: Charts | null = null;
  private readonly heat = new HeatMap($<HTMLCanvasElement>('heat'));
  readonly maps = { run: new HeatMap($<HTMLCanvasElement>('map-run')), limit: new HeatMap($<HTMLCanvasElement>('map-limit')), diff: new HeatMap($<HTMLCanvasElement>('map-diff')) };
  private diffBuf: Float64Array | null = null;
  private devBuf: Float64Array | null = null;
  private phaseBuf: Float64Array | null = null;
  /** Notes drawn on the maps of the last frame (for the PNG and the tests). */
  readonly notes: Record<string, string> = {};

  /** (Re)create the views for a new run. */
  build(meta: EngineMeta, store: SeriesStore, domain: DomainOverlay, rho0: Float64Array): void {
    this.meta = meta;
    this.store = store;
    this.domain = domain;
    this.rho0 = rho0;
    if (this.charts) for (const c of Object.values(this.charts)) (c as uPlot | null)?.destroy();
    $('views').className = meta.dim === 2 ? 'd2' : 'd1';
    // without a second run (the limit equation itself) the limit's map, the difference and the
    // distance to the limit have nothing to show; the eps sweep is for kinetic runs
    $('view-distance').classList.toggle('hidden', meta.distanceKind === null);
    $('view-map-limit').classList.toggle('hidden', meta.limitColumns === null);
    $('view-map-diff').classList.toggle('hidden', meta.limitColumns === null);
    $('view-sweep').classList.toggle('hidden', meta.equation !== 'kinetic');
    const eq = meta.equation as ChartEquation; // the explorer runs kinetic, diffusion and particles only
    const marker = markerPlugin(() => this.marker);
    const edges = () => (this.domain?.edges ?? []).filter(() => meta.dim === 1);
    const plot = (id: string) => $(id).querySelector('.plot') as HTMLElement;
    const w = figureWidth(meta.dim === 1 ? 'view-rho' : 'view-cut');
    // the distance starts at round-off (well-prepared data): the axis spans at most 6 decades below its top
    const limitRange = (): [number, number] => {
      const [lo, hi] = logRange(store.limitDist, store.neqPart, store.densityPart);
      return [Math.max(lo, hi * 1e-6), hi];
    };
    const rhoRange = () => padded(...meta.rhoRange);
    this.charts = {
      rho: meta.dim === 1 ? rhoChart(plot('view-rho'), w, CHART_HEIGHT, rhoRange, eq, { title: `density ρ(${domain.axes[0]}, t)`, xRange: domain.box[0], xLabel: domain.axes[0], plugins: [domainPlugin(edges)] }) : null,
      cut: meta.dim === 2 ? this.cutChart(w) : null,
      distance: meta.distanceKind ? limitDistanceChart(plot('view-distance'), w, CHART_HEIGHT, limitRange, meta.distanceKind, [marker]) : null,
      decay: decayChart(plot('view-decay'), w, CHART_HEIGHT, () => logRange(store.dist2, store.limitDist2), eq, [marker]),
      bounds: boundsChart(plot('view-bounds'), w, CHART_HEIGHT, () => padded(...meta.bounds), eq, [marker]),
    };
    $('distance-note').textContent =
      meta.distanceKind === 'kinetic'
        ? '‖f − ρ̃M‖² = ‖(I − Π)f‖² + ‖ρ − ρ̃‖², ρ̃ the limit run at the same t (as nlbgk compare computes it)'
        : meta.distanceKind === 'density'
          ? 'particles have no f: the density part only (includes the sampling noise)'
          : '';
    document.querySelectorAll('.edges-note').forEach((el) => (el.textContent = this.edgesNote()));
    if (meta.dim === 2) {
      const other = this.cutAxis === 'x' ? meta.n[1] : meta.n[0];
      this.cutCell = Math.min(other - 1, Math.floor(other / 2));
    }
    this.resize();
  }

  private cutChart(width: number): uPlot {
    const meta = this.meta as EngineMeta;
    const domain = this.domain as DomainOverlay;
    const d = this.cutAxis === 'x' ? 0 : 1;
    const el = $('view-cut').querySelector('.plot') as HTMLElement;
    return rhoChart(el, width, CHART_HEIGHT, () => padded(...meta.rhoRange), meta.equation as ChartEquation, { title: 'cut', xRange: domain.box[d], xLabel: domain.axes[d] });
  }

  /** Cut along the other axis: the chart is rebuilt (its axis changes), the cut stays at the middle. */
  setCutAxis(axis: CutAxis): void {
    if (axis === this.cutAxis || !this.meta || !this.charts) return;
    const pos = this.cutPosition();
    this.cutAxis = axis;
    this.cutCell = cutIndex(this.meta.n, axis, pos);
    this.charts.cut?.destroy();
    this.charts.cut = this.cutChart(figureWidth('view-cut'));
  }

  /** What the drawn boundary lines mean (empty on the torus). */
  edgesNote(): string {
    const kinds = [...new Set((this.domain?.edges ?? []).map((e) => e.kind))] as EdgeKind[];
    return kinds.length ? `boundary — ${kinds.map((k) => `${EDGE_STYLE[k].looks}: ${EDGE_STYLE[k].label}`).join('; ')}` : '';
  }

  /** Chart widths and canvas sizes after a layout change. */
  resize(): void {
    if (!this.charts || !this.meta) return;
    const w = figureWidth(this.meta.dim === 1 ? 'view-rho' : 'view-cut');
    for (const c of Object.values(this.charts)) (c as uPlot | null)?.setSize({ width: w, height: CHART_HEIGHT });
    const height = CHART_HEIGHT + 33;
    for (const id of ['heat', 'map-run', 'map-limit', 'map-diff']) {
      const canvas = $<HTMLCanvasElement>(id);
      const cw = Math.max(200, (canvas.parentElement as HTMLElement).clientWidth - 12);
      canvas.style.height = `${height}px`;
      canvas.width = Math.round(cw * devicePixelRatio);
      canvas.height = Math.round(height * devicePixelRatio);
    }
  }

  /** Position of the cut in box coordinates (the centre of its cell row or column). */
  cutPosition(): number {
    const meta = this.meta as EngineMeta;
    const m = this.cutAxis === 'x' ? meta.n[1] : meta.n[0];
    return (this.cutCell + 0.5) / m;
  }

  /** Set the cut from a point on a map (box coordinates). */
  cutAt(x: number, y: number): void {
    if (!this.meta) return;
    this.cutCell = cutIndex(this.meta.n, this.cutAxis, this.cutAxis === 'x' ? y : x);
  }

  /**
   * Draw a recorded frame: the field views always, the time series when `series` (the page
   * redraws those at a lower rate while playing: they change little from one frame to the next, and
   * every redrawn canvas costs paint time).
   */
  draw(rec: Recorded, series = true): void {
    const { meta, store, charts } = this;
    if (!meta || !store || !charts) return;
    if (meta.dim === 1) this.draw1d(rec);
    else this.draw2d(rec);
    if (!series) return;
    charts.distance?.setData([store.t, store.limitDist, store.neqPart, store.densityPart]);
    charts.decay.setData([store.t, store.dist2, store.limitDist2, store.rateLine()]);
    const [lo, hi] = meta.bounds;
    charts.bounds.setData([store.t, store.min, store.max, store.t.map(() => lo), store.t.map(() => hi)]);
  }

  private draw1d(rec: Recorded): void {
    const meta = this.meta as EngineMeta;
    const charts = this.charts as Charts;
    const n = rec.rho.length;
    const nulls = new Array<null>(n).fill(null);
    charts.rho?.setData([meta.x, rec.rho, rec.limitRho ?? nulls, this.rho0 ?? nulls]);
    delete this.notes.heat;
    if (!rec.h || !meta.v) {
      this.heat.clear(meta.equation === 'diffusion' ? 'no velocity variable: the limit equation is for ρ(x, t) only' : 'no h(x, v) for this equation');
      return;
    }
    const K = meta.v.length;
    const values = (this.phaseBuf = this.phaseBuf?.length === n * K ? this.phaseBuf : new Float64Array(n * K));
    let colour: ColourSpec;
    let note: string | undefined;
    let source = rec.h;
    if (this.heatMode === 'dev') {
      source = this.devBuf = nonEquilibrium(rec.h, rec.rho, this.devBuf?.length === rec.h.length ? this.devBuf : undefined);
      const scale = divergingScale(maxAbs(source), Math.max(Math.abs(meta.bounds[0]), Math.abs(meta.bounds[1])));
      colour = { kind: 'diverging', scale };
      note = roundoffNote('h − ρ', source, scale);
    } else colour = { kind: 'sequential', lo: meta.bounds[0], hi: meta.bounds[1] };
    // transpose cells × nodes (velocity fastest) into x fastest, one row per node
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) values[i + n * k] = source[i * K + k];
    if (note) this.notes.heat = note;
    this.heat.draw({
      values,
      nx: n,
      ny: K,
      colour,
      xAxis: { label: this.domain?.axes[0] ?? 'x', lo: this.domain?.box[0][0] ?? 0, hi: this.domain?.box[0][1] ?? 1 },
      yAxis: { label: 'v (Gauss–Hermite nodes)', rows: nodeLabels(meta.v) },
      barLabel: this.heatMode === 'dev' ? 'h − ρ' : 'h',
      edges: this.domain?.edges,
      note,
    });
  }

  private draw2d(rec: Recorded): void {
    const meta = this.meta as EngineMeta;
    const charts = this.charts as Charts;
    const domain = this.domain as DomainOverlay;
    const [nx, ny] = meta.n;
    const range = sequentialRange(...(this.mapScale === 'fixed' ? meta.rhoRange : rangeOf(rec.rho, rec.limitRho)));
    const { lo, hi } = range;
    const seq: ColourSpec = { kind: 'sequential', lo, hi, uniform: range.uniform };
    const uniform = range.uniform ? 'ρ uniform to round-off' : undefined;
    const cutSpec = { axis: this.cutAxis, pos: this.cutPosition() };
    const axes = {
      xAxis: { label: domain.axes[0], lo: domain.box[0][0], hi: domain.box[0][1] },
      yAxis: { label: domain.axes[1], lo: domain.box[1][0], hi: domain.box[1][1] },
    };
    const common = { nx, ny, ...axes, cut: cutSpec, edges: domain.edges };
    const runName = meta.equation === 'kinetic' ? 'kinetic ρ(x, y)' : meta.equation === 'particles' ? 'particle ρ(x, y)' : 'ρ(x, y), limit equation';
    $('map-run-title').textContent = runName;
    this.maps.run.draw({ values: rec.rho, colour: seq, barLabel: 'ρ', note: uniform, ...common });
    delete this.notes.diff;
    if (rec.limitRho) {
      this.maps.limit.draw({ values: rec.limitRho, colour: seq, barLabel: 'ρ̃', note: uniform, ...common });
      const diff = (this.diffBuf = difference(rec.rho, rec.limitRho, this.diffBuf?.length === rec.rho.length ? this.diffBuf : undefined));
      const scale = divergingScale(maxAbs(diff), Math.max(Math.abs(lo), Math.abs(hi)));
      const note = roundoffNote('ρ − ρ̃', diff, scale);
      if (note) this.notes.diff = note;
      this.maps.diff.draw({ values: diff, colour: { kind: 'diverging', scale }, barLabel: 'ρ − ρ̃', note, ...common });
    } else {
      const why = meta.equation === 'diffusion' ? 'this is the limit equation:\nno second run to compare' : meta.limitNote || 'no limit run';
      this.maps.limit.clear(why);
      this.maps.diff.clear(why);
    }
    // the cut
    const along = this.cutAxis;
    const centres = along === 'x' ? meta.x : (meta.y as Float64Array);
    const pos = this.cutPosition();
    const other = along === 'x' ? 'y' : 'x';
    $('cut-label').textContent = `${other} = ${display(pos, 4)}`;
    const c = charts.cut as uPlot;
    const title = `ρ along ${along} at ${other} = ${display(pos, 4)}`;
    const titleEl = c.root.querySelector('.u-title');
    if (titleEl && titleEl.textContent !== title) titleEl.textContent = title;
    const nulls = new Array<null>(centres.length).fill(null);
    const line = (f: Float64Array | null) => (f ? cut(f, meta.n, along, this.cutCell) : nulls);
    c.setData([centres, line(rec.rho), line(rec.limitRho), line(this.rho0)]);
  }

  /** The visible panels, in page order, for the PNG export. */
  panels(sweep: Panel | null): Panel[] {
    const out: Panel[] = [];
    const { charts, meta } = this;
    if (!charts || !meta) return out;
    const chartPanel = (u: uPlot | null, note?: string): Panel | null => (u ? { title: u.root.querySelector('.u-title')?.textContent ?? '', canvas: u.ctx.canvas, legend: legendOf(u), note } : null);
    const heatTitle = (id: string) => ($(id).querySelector('.title')?.textContent ?? '').replace(/\s+/g, ' ').trim();
    if (meta.dim === 1) {
      out.push(chartPanel(charts.rho, this.edgesNote() || undefined) as Panel);
      out.push({ title: 'phase space ' + (this.heatMode === 'h' ? 'h(x, v)' : 'h − ρ'), canvas: this.heat.canvas, legend: [], note: this.notes.heat });
    } else {
      out.push({ title: heatTitle('view-map-run'), canvas: this.maps.run.canvas, legend: [], note: this.edgesNote() || undefined });
      if (meta.limitColumns) {
        out.push({ title: heatTitle('view-map-limit'), canvas: this.maps.limit.canvas, legend: [] });
        out.push({ title: heatTitle('view-map-diff'), canvas: this.maps.diff.canvas, legend: [], note: this.notes.diff });
      }
      out.push(chartPanel(charts.cut) as Panel);
    }
    const dist = chartPanel(charts.distance, $('distance-note').textContent ?? undefined);
    if (dist) out.push(dist);
    out.push(chartPanel(charts.decay) as Panel, chartPanel(charts.bounds) as Panel);
    if (sweep) out.push(sweep);
    return out;
  }
}

/** A note for a difference map that is zero to round-off, else undefined. */
function roundoffNote(what: string, values: Float64Array, scale: DivergingScale): string | undefined {
  if (!scale.allZero) return undefined;
  const m = maxAbs(values);
  return m === 0 ? `${what} = 0 exactly` : `${what} = 0 to round-off\n(max |${what}| = ${display(m, 3)}, shown as 0)`;
}

/** Legend entries of a uPlot chart: the shown series with their colours and dashes. */
export function legendOf(u: uPlot): Panel['legend'] {
  const out: Panel['legend'] = [];
  u.series.forEach((s, i) => {
    if (i === 0 || !s.show || !s.label) return;
    const stroke = s.stroke as unknown;
    const colour = typeof stroke === 'function' ? String((stroke as (u: uPlot, i: number) => unknown)(u, i)) : String(stroke ?? '#000');
    out.push({ label: String(s.label), colour, dash: (s.dash as number[] | undefined) ?? [], points: s.width === 0 });
  });
  return out;
}

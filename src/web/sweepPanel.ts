/**
 * The eps-sweep panel: a few kinetic runs of the page's config at eps from `from` to `to` (log-spaced)
 * to time T, in their own worker (./sweepWorker.ts), and Theorem 2.3's distance to the limit at T
 * against eps on log–log axes with the fitted order (./sweep.ts). The live run is not disturbed.
 */
import type uPlot from 'uplot';
import type { Config } from '../config/schema.js';
import type { FromSweep, ToSweep } from './protocol.js';
import { sweepChart } from './charts.js';
import { display } from './exports.js';
import { sweepCsv, sweepEps, sweepFit, type SweepPoint } from './sweep.js';
import { legendOf, type Panel } from './views.js';
import type { PowerLawFit } from '../fitting/rates.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`explorer: missing element #${id}`);
  return el as T;
};
const input = (id: string) => $<HTMLInputElement>(id);

/** Sweep settings per dimension: a range where the runs take seconds, not minutes. */
export const SWEEP_DEFAULTS: Record<1 | 2, { from: string; to: string; n: string; t: string }> = {
  1: { from: '0.1', to: '0.001', n: '5', t: '0.02' },
  2: { from: '0.02', to: '0.0025', n: '4', t: '0.005' },
};

export class SweepPanel {
  points: SweepPoint[] = [];
  fit: PowerLawFit | null = null;
  running = false;
  time = 0;
  limitSteps = 0;
  private worker: Worker | null = null;
  private chart: uPlot | null = null;
  private eps: number[] = [];
  private startedAt = 0;

  constructor(private readonly config: () => Config | null) {
    $('sweep-run').addEventListener('click', () => this.run());
    $('sweep-cancel').addEventListener('click', () => this.cancel('cancelled'));
  }

  /** Settings of a dimension (when the page switches dimension), and a clean panel. */
  reset(dim: 1 | 2): void {
    this.cancel('');
    const d = SWEEP_DEFAULTS[dim];
    input('sweep-from').value = d.from;
    input('sweep-to').value = d.to;
    input('sweep-n').value = d.n;
    input('sweep-t').value = d.t;
    this.points = [];
    this.fit = null;
    this.draw();
    $('sweep-fit').textContent = '';
    $('msg-sweep').textContent = '';
  }

  resize(width: number): void {
    this.ensureChart(width);
    this.chart?.setSize({ width, height: 230 });
  }

  private ensureChart(width: number): void {
    if (!this.chart) this.chart = sweepChart($('view-sweep').querySelector('.plot') as HTMLElement, width, 230, 'distance to the limit at t = T against ε (log–log)');
  }

  /** Read and check the panel's fields; a message names the first bad one. */
  private settings(): { eps: number[]; time: number } | string {
    const num = (id: string) => Number(input(id).value.trim());
    const from = num('sweep-from');
    const to = num('sweep-to');
    const n = num('sweep-n');
    const time = num('sweep-t');
    if (!(from > 0 && from <= 100) || !(to > 0 && to <= 100)) return 'ε from and to: numbers in (0, 100]';
    if (from === to) return 'ε from and to must differ';
    if (!(Number.isInteger(n) && n >= 2 && n <= 12)) return 'runs: an integer from 2 to 12';
    if (!(time > 0 && time <= 1e3)) return 'the time T: a number in (0, 1000]';
    return { eps: sweepEps(from, to, n), time };
  }

  run(): void {
    const config = this.config();
    const msg = $('msg-sweep');
    if (!config) {
      msg.textContent = 'fix the settings first: the sweep runs the page\'s config';
      return;
    }
    if (config.model.equation !== 'kinetic') {
      msg.textContent = 'the sweep runs the kinetic equation against its limit: choose equation kinetic';
      return;
    }
    const s = this.settings();
    if (typeof s === 'string') {
      msg.textContent = s;
      return;
    }
    this.cancel('');
    msg.textContent = '';
    this.points = [];
    this.fit = null;
    this.eps = s.eps;
    this.time = s.time;
    this.running = true;
    this.startedAt = performance.now();
    this.worker = new Worker(new URL('./sweepWorker.ts', import.meta.url), { type: 'module', name: 'nlbgk-sweep' });
    this.worker.onmessage = (e: MessageEvent<FromSweep>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.stop(`the sweep worker failed: ${e.message || 'unknown error'}`);
    };
    const message: ToSweep = { type: 'run', config, eps: s.eps, time: s.time };
    this.worker.postMessage(message);
    this.status(`limit run to t = ${display(s.time)}…`);
    this.buttons();
    this.draw();
  }

  cancel(why: string): void {
    if (this.worker) {
      this.worker.terminate();
      this.worker = null;
    }
    if (this.running) this.status(why);
    this.running = false;
    this.buttons();
  }

  private stop(message: string): void {
    this.cancel('');
    $('msg-sweep').textContent = message;
  }

  private receive(msg: FromSweep): void {
    switch (msg.type) {
      case 'limit':
        this.limitSteps = msg.steps;
        this.status(`limit run: ${msg.steps} steps; kinetic run 1 of ${this.eps.length} (ε = ${this.eps[0]})…`);
        return;
      case 'point': {
        this.points.push(msg.point);
        this.fit = sweepFit(this.points);
        const next = msg.index + 1;
        this.status(next < this.eps.length ? `kinetic run ${next + 1} of ${this.eps.length} (ε = ${this.eps[next]})…` : 'done');
        this.draw();
        return;
      }
      case 'done':
        this.running = false;
        this.worker?.terminate();
        this.worker = null;
        this.status(`done in ${((performance.now() - this.startedAt) / 1000).toFixed(1)} s`);
        this.buttons();
        return;
      case 'error':
        this.stop(`sweep: ${msg.message}`);
        return;
    }
  }

  private status(text: string): void {
    $('sweep-fit').textContent = [this.fitText(), text].filter((s) => s).join('\n');
  }

  private buttons(): void {
    $<HTMLButtonElement>('sweep-run').disabled = this.running;
    $<HTMLButtonElement>('sweep-cancel').disabled = !this.running;
    $<HTMLButtonElement>('dl-sweep').disabled = this.points.length === 0;
  }

  /** The fitted order and the local orders, in words. */
  fitText(): string {
    const f = this.fit;
    if (!f || this.points.length < 2) return this.points.length === 1 ? `ε = ${this.points[0].eps}: distance ${display(this.points[0].distance, 4)}` : '';
    const local = f.local.map((l) => l.order.toFixed(2)).join(', ');
    return `fitted order p = ${f.order.toFixed(2)} ± ${f.stderr.toFixed(2)} (distance ≈ C εᵖ at t = ${display(this.time)}); local orders from small to large ε: ${local}`;
  }

  private draw(): void {
    const width = Math.max(200, $('view-sweep').clientWidth - 12);
    this.ensureChart(width);
    const pts = [...this.points].sort((a, b) => a.eps - b.eps);
    const x = pts.map((p) => p.eps);
    const y = pts.map((p) => p.distance);
    const f = this.fit;
    const fitLine = f ? x.map((e) => f.prefactor * e ** f.order) : x.map(() => null);
    this.chart?.setData([x, y, fitLine]);
    this.buttons();
  }

  csv(): string {
    return sweepCsv(this.time, this.points);
  }

  /** The panel for the PNG export (null before a sweep). */
  panel(): Panel | null {
    if (!this.chart || this.points.length === 0) return null;
    return { title: this.chart.root.querySelector('.u-title')?.textContent ?? '', canvas: this.chart.ctx.canvas, legend: legendOf(this.chart), note: this.fitText() };
  }
}

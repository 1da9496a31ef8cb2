/**
 * The explorer's text beside the plots: the readout of the frame shown (time, steps, frame rate,
 * distances, bounds, mass and outflow, the exact linear rate, dt), the time scrubber's position and
 * the notes on the run (decay, limit, step control, domain). Reads the page's run (./main.ts) through
 * RunView; draws nothing on the canvases (./views.ts does).
 */
import type { Config } from '../config/schema.js';
import type { EngineMeta, Frame } from './engine.js';
import type { FrameHistory, Recorded } from './history.js';
import type { SeriesStore } from './series.js';
import { domainOverlay } from './domain.js';
import { display } from './exports.js';
import { $, escapeHtml, input } from './dom.js';

/** What the text shows of the page's run. */
export interface RunView {
  readonly config: Config | null;
  readonly meta: EngineMeta | null;
  readonly store: SeriesStore | null;
  readonly record: FrameHistory;
  /** The latest frame received (live). */
  readonly latest: Frame | null;
  /** The recorded frame the scrubber shows, or null: follow the run (live). */
  readonly scrubbed: number | null;
  readonly playing: boolean;
}

/** The numbers under the plots for recorded frame `rec` (fps: the frame rate, read while playing). */
export function showReadout(run: RunView, rec: Recorded, fps: () => number): void {
  const { latest, meta, store, scrubbed, playing } = run;
  if (!latest || !meta || !store) return;
  const row = scrubbed === null ? store.latest() : store.at(rec.t);
  const kinetic = meta.equation === 'kinetic';
  const dist = kinetic ? row.dist_eq : row.rho_l2_dev;
  const toLimit = meta.distanceKind ? distanceAt(store, rec.t) : null;
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
function distanceAt(store: SeriesStore, t: number): number | null {
  let k = store.t.length - 1;
  while (k > 0 && store.t[k] > t) k--;
  return k >= 0 ? store.limitDist[k] : null;
}

/** The time scrubber: its range, position and the frame's time, step and index; the live button. */
export function showScrubber(run: RunView): void {
  const { record, scrubbed } = run;
  const n = record.length;
  const scrub = input('scrub');
  scrub.max = String(Math.max(0, n - 1));
  const k = scrubbed ?? n - 1;
  scrub.value = String(k);
  const rec = record.at(k);
  $('scrub-info').textContent = rec ? `t = ${display(rec.t, 5)} · step ${rec.steps} · frame ${k + 1} of ${n}${record.thinned ? ` (every ${2 ** record.thinned}th kept)` : ''}` : '';
  $('live').classList.toggle('on', scrubbed === null);
}

/** The notes beside the plots: decay, limit, time-step control, domain. */
export function showNotes(run: RunView): void {
  const { meta, config } = run;
  if (!meta || !config) return;
  const lines = [meta.decayNote];
  if (meta.limitNote) lines.push(meta.limitNote);
  lines.push(meta.adaptive ? `steps chosen by the time error control (time.rtol = ${meta.rtol}); the limit run lands on every time of the run` : 'fixed steps: no error control');
  lines.push(domainOverlay(config).note);
  $('notes').textContent = lines.join('\n');
}

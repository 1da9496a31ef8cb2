/** The uPlot charts of the explorer. */
import uPlot from 'uplot';
import { display } from './exports.js';

export type ChartEquation = 'kinetic' | 'diffusion' | 'particles';

const COLORS = { kinetic: '#1f5fbf', limit: '#e07b00', initial: '#999', rate: '#c0392b', min: '#2a9d4b', max: '#7b3fb8', bound: '#555' };

const valueFmt = (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : display(v, 5));
const axisFont = '11px system-ui, sans-serif';

function axes(xLabel: string, yLabel: string, log = false): uPlot.Axis[] {
  return [
    { label: xLabel, font: axisFont, labelFont: axisFont, size: 34, labelSize: 16, values: (_u, ticks) => ticks.map((t) => (t === null || t === undefined ? '' : display(t, 3))) },
    {
      label: yLabel,
      font: axisFont,
      labelFont: axisFont,
      size: 58,
      labelSize: 16,
      values: (_u, ticks) =>
        ticks.map((t) => (t === null || t === undefined || !Number.isFinite(t) ? '' : log ? (t > 0 ? t.toExponential(0).replace('e+', 'e') : '') : display(t, 4))),
    },
  ];
}

function base(title: string, width: number, height: number): Pick<uPlot.Options, 'title' | 'width' | 'height' | 'legend' | 'cursor' | 'pxAlign'> {
  return { title, width, height, legend: { show: true, live: true }, cursor: { drag: { x: false, y: false } }, pxAlign: false };
}

/** rho(x, t) of the run beside the limit equation's, and the initial density. */
export function rhoChart(el: HTMLElement, width: number, height: number, yRange: () => [number, number], equation: ChartEquation): uPlot {
  const kinetic = equation === 'kinetic';
  const withLimit = equation !== 'diffusion';
  const opts: uPlot.Options = {
    ...base('density ρ(x, t)', width, height),
    scales: { x: { time: false, range: [0, 1] }, y: { range: () => yRange() } },
    axes: axes('x', 'ρ'),
    series: [
      { label: 'x', value: valueFmt },
      { label: kinetic ? 'kinetic ρ' : withLimit ? 'particle ρ' : 'ρ (limit equation)', stroke: COLORS.kinetic, width: 2, value: valueFmt, points: { show: false } },
      { label: 'limit ρ̃', show: withLimit, stroke: COLORS.limit, width: 2, dash: [6, 4], value: valueFmt, points: { show: false } },
      { label: 'ρ at t = 0', stroke: COLORS.initial, width: 1, dash: [2, 3], value: valueFmt, points: { show: false } },
    ],
  };
  return new uPlot(opts, [[], [], [], []], el);
}

/** ||f − mM||² on a log axis, the limit's ||rho~ − m||², and the exact linear rate. */
export function decayChart(el: HTMLElement, width: number, height: number, yRange: () => [number, number], equation: ChartEquation): uPlot {
  const kinetic = equation === 'kinetic';
  const withLimit = equation !== 'diffusion';
  const opts: uPlot.Options = {
    ...base('distance to equilibrium (log)', width, height),
    scales: { x: { time: false }, y: { distr: 3, range: () => yRange() } },
    axes: axes('t', '', true),
    series: [
      { label: 't', value: valueFmt },
      { label: kinetic ? '‖f − mM‖²' : '‖ρ − m‖²', stroke: COLORS.kinetic, width: 2, value: valueFmt, points: { show: false } },
      { label: 'limit ‖ρ̃ − m‖²', show: withLimit, stroke: COLORS.limit, width: 2, dash: [6, 4], value: valueFmt, points: { show: false } },
      { label: 'exact linear rate', stroke: COLORS.rate, width: 2.5, dash: [2, 5], value: valueFmt, points: { show: false } },
    ],
  };
  return new uPlot(opts, [[], [], [], []], el);
}

/** min and max of h against the maximum-principle bounds. */
export function boundsChart(el: HTMLElement, width: number, height: number, yRange: () => [number, number], equation: ChartEquation): uPlot {
  const kinetic = equation === 'kinetic';
  const q = kinetic ? 'h' : 'ρ';
  const opts: uPlot.Options = {
    ...base(`min / max of ${q} against the maximum principle`, width, height),
    scales: { x: { time: false }, y: { range: () => yRange() } },
    axes: axes('t', ''),
    series: [
      { label: 't', value: valueFmt },
      { label: `min ${q}`, stroke: COLORS.min, width: 2, value: valueFmt, points: { show: false } },
      { label: `max ${q}`, stroke: COLORS.max, width: 2, value: valueFmt, points: { show: false } },
      { label: `min ${q}(0)`, stroke: COLORS.bound, width: 1, dash: [4, 4], value: valueFmt, points: { show: false } },
      { label: `max ${q}(0)`, stroke: COLORS.bound, width: 1, dash: [4, 4], value: valueFmt, points: { show: false } },
    ],
  };
  return new uPlot(opts, [[], [], [], [], []], el);
}

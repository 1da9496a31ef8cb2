/** The uPlot charts of the explorer. */
import uPlot from 'uplot';
import { display } from './exports.js';
import { EDGE_STYLE, type Edge } from './domain.js';
import { linearLabels, logLabels } from './colorScale.js';

export type ChartEquation = 'kinetic' | 'diffusion' | 'particles';

export const COLORS = { kinetic: '#1f5fbf', limit: '#e07b00', initial: '#999', rate: '#c0392b', min: '#2a9d4b', max: '#7b3fb8', bound: '#555', neq: '#2a9d4b', density: '#7b3fb8', fit: '#c0392b' };

const valueFmt = (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : display(v, 5));
const axisFont = '11px system-ui, sans-serif';



function axes(xLabel: string, yLabel: string, logY = false, logX = false): uPlot.Axis[] {
  return [
    { label: xLabel, font: axisFont, labelFont: axisFont, size: 34, labelSize: 16, values: (_u, ticks) => (logX ? logLabels(ticks) : linearLabels(ticks)) },
    {
      label: yLabel,
      font: axisFont,
      labelFont: axisFont,
      size: 58,
      labelSize: 16,
      values: (_u, ticks) => (logY ? logLabels(ticks) : linearLabels(ticks)),
    },
  ];
}

function base(title: string, width: number, height: number, plugins: uPlot.Plugin[] = []): Pick<uPlot.Options, 'title' | 'width' | 'height' | 'legend' | 'cursor' | 'pxAlign' | 'plugins'> {
  return { title, width, height, legend: { show: true, live: true }, cursor: { drag: { x: false, y: false } }, pxAlign: false, plugins };
}

/** A vertical line at the time the scrubber shows (null: none, the live frame). */
export function markerPlugin(time: () => number | null): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const t = time();
          if (t === null) return;
          const x = u.valToPos(t, 'x', true);
          if (!(x >= u.bbox.left - 1 && x <= u.bbox.left + u.bbox.width + 1)) return;
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = '#111';
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.restore();
        },
      ],
    },
  };
}

/** Boundary points of a 1D domain (walls, outflow) as vertical lines (./domain.ts). */
export function domainPlugin(edges: () => Edge[]): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const ctx = u.ctx;
          for (const e of edges()) {
            const st = EDGE_STYLE[e.kind];
            const x = u.valToPos(e.from[0], 'x', true);
            ctx.save();
            ctx.strokeStyle = st.colour;
            ctx.lineWidth = st.width * devicePixelRatio;
            ctx.setLineDash(st.dash.map((d) => d * devicePixelRatio));
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.restore();
          }
        },
      ],
    },
  };
}

const line = (label: string, stroke: string, opts: Partial<uPlot.Series> = {}): uPlot.Series => ({ label, stroke, width: 2, value: valueFmt, points: { show: false }, ...opts });

/** rho(x, t) of the run beside the limit equation's, and the initial density (1D; 2D: along the cut). */
export function rhoChart(el: HTMLElement, width: number, height: number, yRange: () => [number, number], equation: ChartEquation, opts: { title?: string; xLabel?: string; xRange?: [number, number]; plugins?: uPlot.Plugin[] } = {}): uPlot {
  const kinetic = equation === 'kinetic';
  const withLimit = equation !== 'diffusion';
  const options: uPlot.Options = {
    ...base(opts.title ?? 'density ρ(x, t)', width, height, opts.plugins),
    scales: { x: { time: false, range: opts.xRange ?? [0, 1] }, y: { range: () => yRange() } },
    axes: axes(opts.xLabel ?? 'x', 'ρ'),
    series: [
      { label: opts.xLabel ?? 'x', value: valueFmt },
      line(kinetic ? 'kinetic ρ' : withLimit ? 'particle ρ' : 'ρ (limit equation)', COLORS.kinetic),
      line('limit ρ̃', COLORS.limit, { show: withLimit, dash: [6, 4] }),
      line('ρ at t = 0', COLORS.initial, { width: 1, dash: [2, 3] }),
    ],
  };
  return new uPlot(options, [[], [], [], []], el);
}

/** ||f − mM||² on a log axis, the limit's ||rho~ − m||², and the exact linear rate. */
export function decayChart(el: HTMLElement, width: number, height: number, yRange: () => [number, number], equation: ChartEquation, plugins: uPlot.Plugin[] = []): uPlot {
  const kinetic = equation === 'kinetic';
  const withLimit = equation !== 'diffusion';
  const opts: uPlot.Options = {
    ...base('distance to equilibrium (log)', width, height, plugins),
    scales: { x: { time: false }, y: { distr: 3, range: () => yRange() } },
    axes: axes('t', '', true),
    series: [
      { label: 't', value: valueFmt },
      line(kinetic ? '‖f − mM‖²' : '‖ρ − m‖²', COLORS.kinetic),
      line('limit ‖ρ̃ − m‖²', COLORS.limit, { show: withLimit, dash: [6, 4] }),
      line('exact linear rate', COLORS.rate, { width: 2.5, dash: [2, 5] }),
    ],
  };
  return new uPlot(opts, [[], [], [], []], el);
}

/** min and max of h against the maximum-principle bounds. */
export function boundsChart(el: HTMLElement, width: number, height: number, yRange: () => [number, number], equation: ChartEquation, plugins: uPlot.Plugin[] = []): uPlot {
  const kinetic = equation === 'kinetic';
  const q = kinetic ? 'h' : 'ρ';
  const opts: uPlot.Options = {
    ...base(`min / max of ${q} against the maximum principle`, width, height, plugins),
    scales: { x: { time: false }, y: { range: () => yRange() } },
    axes: axes('t', ''),
    series: [
      { label: 't', value: valueFmt },
      line(`min ${q}`, COLORS.min),
      line(`max ${q}`, COLORS.max),
      line(`min ${q}(0)`, COLORS.bound, { width: 1, dash: [4, 4] }),
      line(`max ${q}(0)`, COLORS.bound, { width: 1, dash: [4, 4] }),
    ],
  };
  return new uPlot(opts, [[], [], [], [], []], el);
}

/**
 * Theorem 2.3's distance to the limit over time (log): ||f − rho~ M||_{L²(M⁻¹)} and its two parts
 * ||(I − Π)f|| and ||rho − rho~|| (kinetic); particles: ||rho − rho~|| only.
 */
export function limitDistanceChart(el: HTMLElement, width: number, height: number, yRange: () => [number, number], kind: 'kinetic' | 'density', plugins: uPlot.Plugin[] = []): uPlot {
  const kinetic = kind === 'kinetic';
  const opts: uPlot.Options = {
    ...base('distance to the limit (Theorem 2.3, log)', width, height, plugins),
    scales: { x: { time: false }, y: { distr: 3, range: () => yRange() } },
    axes: axes('t', '', true),
    series: [
      { label: 't', value: valueFmt },
      line(kinetic ? '‖f − ρ̃M‖' : '‖ρ − ρ̃‖ (particles)', COLORS.kinetic),
      line('‖(I − Π)f‖', COLORS.neq, { show: kinetic, dash: [6, 4] }),
      line('‖ρ − ρ̃‖', COLORS.density, { show: kinetic, dash: [2, 3] }),
    ],
  };
  return new uPlot(opts, [[], [], [], []], el);
}

/** The eps sweep: distance at time T against eps (log–log), points and the fitted power law. */
export function sweepChart(el: HTMLElement, width: number, height: number, title: string): uPlot {
  const opts: uPlot.Options = {
    ...base(title, width, height),
    scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
    axes: axes('ε', '', true, true),
    series: [
      { label: 'ε', value: valueFmt },
      { label: '‖f − ρ̃M‖ at T', stroke: COLORS.kinetic, width: 0, value: valueFmt, paths: () => null, points: { show: true, size: 9, fill: COLORS.kinetic } },
      line('fit C εᵖ', COLORS.fit, { dash: [6, 4], spanGaps: true }),
    ],
  };
  return new uPlot(opts, [[], [], []], el);
}

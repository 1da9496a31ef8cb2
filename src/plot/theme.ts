/**
 * One look for every nlbgk figure: a Vega-Lite config (fonts, sizes, grid, palette) merged into each
 * spec by `render.ts`. Categorical palette: the Okabe–Ito colours (colour-blind safe) without its
 * yellow (unreadable as a thin line on white), extended by five of Paul Tol's "muted" colours, so up to
 * 12 series get distinct colours; figures with more series, or an ordered parameter such as eps, use
 * the sequential SEQUENTIAL scheme instead. DejaVu Sans (present on Debian/Ubuntu; resvg falls back to
 * any sans-serif).
 */
export const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

export const PALETTE = [
  '#0072B2', // blue
  '#D55E00', // vermillion
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#E69F00', // orange
  '#56B4E9', // sky blue
  '#000000', // black
  '#882255', // wine (Tol)
  '#999933', // olive (Tol)
  '#332288', // indigo (Tol)
  '#44AA99', // teal (Tol)
  '#888888', // grey
];

/**
 * Scheme for an ordered parameter with many values (eps, N): turbo without its darkest and palest ends,
 * ordered (blue → green → red) and with more hue steps than viridis, so ten neighbours stay apart.
 */
export const SEQUENTIAL = { name: 'turbo', extent: [0.05, 0.9] };

/** Dash patterns, distinguishable at line width 2, for series that may lie on top of each other. */
export const DASHES: number[][] = [[1, 0], [7, 4], [2, 3], [10, 3, 2, 3], [4, 2], [1, 5]];

export const WIDTH = 420;
export const HEIGHT = 280;

export const themeConfig = {
  font: FONT,
  background: 'white',
  padding: 12,
  view: { stroke: '#888', strokeWidth: 1 },
  axis: {
    labelFontSize: 12,
    titleFontSize: 13,
    titleFontWeight: 'normal',
    gridColor: '#e4e4e4',
    domainColor: '#444',
    tickColor: '#444',
    labelColor: '#222',
    titleColor: '#111',
    labelFlush: true,
  },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', symbolSize: 80, labelLimit: 420 },
  header: { labelFontSize: 13, titleFontSize: 13 },
  title: { fontSize: 15, fontWeight: 'bold', anchor: 'start', offset: 10, subtitleFontSize: 12, subtitleColor: '#444' },
  range: { category: PALETTE },
  line: { strokeWidth: 2 },
  point: { size: 50, filled: true },
} as const;

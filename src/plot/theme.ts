/**
 * One look for every nlbgk figure: a Vega-Lite config (fonts, sizes, grid, palette) merged into each
 * spec by `render.ts`. Colour-blind-safe categorical palette (Okabe–Ito), DejaVu Sans (present on
 * Debian/Ubuntu; resvg falls back to any sans-serif).
 */
export const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

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

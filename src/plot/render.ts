/**
 * Figures: Vega-Lite specs → Vega → SVG (vega's headless View.toSVG, no canvas) → PNG (resvg).
 * Every spec gets the shared theme (theme.ts). `writeFigure` writes NAME.svg, NAME.png and
 * NAME.vl.json (the spec with its data inline, so the figure can be re-rendered or restyled).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as VegaModule from 'vega';
import type * as VegaLiteModule from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import { themeConfig, FONT, WIDTH, HEIGHT } from './theme.js';
import { textWidth } from './fontMetrics.js';

// Lay text out with DejaVu Sans' own advance widths instead of vega's canvas-less guess of 0.8 em per
// character (fontMetrics.ts). Vega calls a user-defined textMetrics.width for bounds and for label
// truncation alike, with the untruncated text.
type TextItem = { fontSize?: number; fontWeight?: string | number };

// vega and vega-lite are loaded on the first figure (about a second of module loading that `nlbgk run` and
// the other commands without figures need not pay).
let engines: Promise<{ vega: typeof VegaModule; vl: typeof VegaLiteModule }> | null = null;
function loadEngines(): Promise<{ vega: typeof VegaModule; vl: typeof VegaLiteModule }> {
  engines ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => {
    // (vega exports textMetrics from vega-scenegraph at runtime; its typings do not declare it)
    (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics.width = (item, text) => {
      const s = text === null || text === undefined ? '' : String(text).trim();
      const size = item.fontSize !== undefined && item.fontSize !== null ? Number(item.fontSize) || 0 : 11;
      return s && size > 0 ? textWidth(s, size, item.fontWeight) : 0;
    };
    return { vega, vl };
  });
  return engines;
}

// A Vega-Lite spec: kept as a plain object (vega-lite's TopLevelSpec type is very strict about unions).
export type VlSpec = Record<string, unknown>;

export function withTheme(spec: VlSpec): VlSpec {
  const base: VlSpec = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', config: themeConfig };
  const out: VlSpec = { ...base, ...spec, config: { ...themeConfig, ...((spec.config as object) ?? {}) } };
  const isComposite = 'hconcat' in spec || 'vconcat' in spec || 'concat' in spec || 'facet' in spec || 'repeat' in spec;
  if (!isComposite) {
    if (out.width === undefined) out.width = WIDTH;
    if (out.height === undefined) out.height = HEIGHT;
  }
  return out;
}

export async function renderSvg(spec: VlSpec): Promise<string> {
  const { vega, vl } = await loadEngines();
  const compiled = vl.compile(withTheme(spec) as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  // Rectangles (heat-map cells, bars) without anti-aliased edges: otherwise neighbouring cells show
  // faint white seams. Lines, text and symbols keep their anti-aliasing.
  return svg.replace(/^(<svg[^>]*>)/, '$1<style>.mark-rect path{shape-rendering:crispEdges}</style>');
}

export function svgToPng(svg: string, scale = 2): Uint8Array {
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: FONT.split(',')[0] },
  });
  return r.render().asPng();
}

export interface FigureFiles {
  svg: string;
  png: string;
  spec: string;
}

/** Render `spec` to DIR/NAME.svg and DIR/NAME.png, and keep the spec in DIR/NAME.vl.json. */
export async function writeFigure(dir: string, name: string, spec: VlSpec): Promise<FigureFiles> {
  const svg = await renderSvg(spec);
  const files = { svg: path.join(dir, `${name}.svg`), png: path.join(dir, `${name}.png`), spec: path.join(dir, `${name}.vl.json`) };
  fs.writeFileSync(files.svg, svg);
  fs.writeFileSync(files.png, svgToPng(svg));
  fs.writeFileSync(files.spec, JSON.stringify(withTheme(spec)) + '\n');
  return files;
}

/**
 * Colour and dash for one series field, in a given order. Both channels get the same explicit domain,
 * which is what lets Vega-Lite merge them into one legend (an explicit `sort` on each does not). Series
 * drawn later lie on top: give coinciding series different dashes and put the dashed ones last.
 */
export function seriesChannels(field: string, domain: string[], opts: { title?: string | null; dashes?: number[][]; legend?: Record<string, unknown> } = {}): { color: VlSpec; strokeDash: VlSpec } {
  const title = opts.title === undefined ? null : opts.title;
  const legend = opts.legend ?? {};
  const dashes = opts.dashes ?? domain.map(() => [1, 0]);
  return {
    color: { field, type: 'nominal', title, scale: { domain }, legend },
    strokeDash: { field, type: 'nominal', title, scale: { domain, range: dashes.slice(0, domain.length) }, legend },
  };
}

/** Superscript-style tick labels for log axes: 1e-4 → "1e−4" (plain, readable in every font). */
export const LOG_AXIS = { format: '.0e', labelExpr: "replace(datum.label, '-', '−')" };

/**
 * The encoding of a density map on the unit square as rect marks: data rows carry the cell's corners
 * x, x2, y, y2 and its value in `field` (viridis colour scale).
 */
export function unitSquareMapEncoding(field = 'rho'): VlSpec {
  const axis = (name: string) => ({ field: name, type: 'quantitative', title: name, scale: { domain: [0, 1], nice: false }, axis: { values: [0, 0.5, 1] } });
  return {
    x: axis('x'),
    x2: { field: 'x2' },
    y: axis('y'),
    y2: { field: 'y2' },
    color: { field, type: 'quantitative', scale: { scheme: 'viridis' }, title: field },
  };
}

/**
 * Figures: Vega-Lite specs → Vega → SVG (vega's headless View.toSVG, no canvas) → PNG (resvg).
 * Every spec gets the shared theme (theme.ts). `writeFigure` writes NAME.svg, NAME.png and
 * NAME.vl.json (the spec with its data inline, so the figure can be re-rendered or restyled).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import { themeConfig, FONT, WIDTH, HEIGHT } from './theme.js';

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
  const compiled = vl.compile(withTheme(spec) as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
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

/** Superscript-style tick labels for log axes: 1e-4 → "1e−4" (plain, readable in every font). */
export const LOG_AXIS = { format: '.0e', labelExpr: "replace(datum.label, '-', '−')" };

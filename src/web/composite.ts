/**
 * The exported PNG: every visible panel in a two-column grid, each with its title above, its legend
 * (colour swatch, dash pattern and label of every series shown) and its note below, and a header
 * line with the settings and the time of the frame shown.
 */
import type { Panel } from './views.js';

const PAD = 10;

function legendLines(ctx: CanvasRenderingContext2D, panel: Panel, width: number, dpr: number): { x: number; item: Panel['legend'][number] }[][] {
  const lines: { x: number; item: Panel['legend'][number] }[][] = [[]];
  let x = PAD * dpr;
  for (const item of panel.legend) {
    const w = 28 * dpr + ctx.measureText(item.label).width + 16 * dpr;
    if (x + w > width && lines[lines.length - 1].length > 0) {
      lines.push([]);
      x = PAD * dpr;
    }
    lines[lines.length - 1].push({ x, item });
    x += w;
  }
  return panel.legend.length ? lines : [];
}

/** Words of `text` in lines no wider than `width`. */
function wrap(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export function compositePng(panels: Panel[], header: string): HTMLCanvasElement {
  const dpr = devicePixelRatio;
  const out = document.createElement('canvas');
  const ctx0 = out.getContext('2d');
  if (!ctx0 || panels.length === 0) return out;
  const cw = Math.max(1, ...panels.map((p) => p.canvas.width));
  const font = `${12 * dpr}px system-ui, sans-serif`;
  const titleFont = `600 ${14 * dpr}px system-ui, sans-serif`;
  ctx0.font = font;
  const lineH = 18 * dpr;
  // height of each panel: title, canvas, legend lines, note lines
  const layout = panels.map((p) => {
    const legend = legendLines(ctx0, p, cw, dpr);
    const notes = p.note ? p.note.split('\n').flatMap((n) => wrap(ctx0, n, cw - 2 * PAD * dpr)) : [];
    return { p, legend, notes, h: 24 * dpr + p.canvas.height + legend.length * lineH + notes.length * lineH + 8 * dpr };
  });
  const rows: (typeof layout)[] = [];
  for (let i = 0; i < layout.length; i += 2) rows.push(layout.slice(i, i + 2));
  const rowH = rows.map((r) => Math.max(...r.map((l) => l.h)));
  const top = 26 * dpr;
  out.width = cw * 2;
  out.height = top + rowH.reduce((a, b) => a + b, 0);
  const ctx = out.getContext('2d') as CanvasRenderingContext2D;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = '#222';
  ctx.font = font;
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(header, PAD * dpr, 17 * dpr);
  let y0 = top;
  rows.forEach((row, r) => {
    row.forEach((l, c) => {
      const x0 = c * cw;
      let y = y0;
      ctx.font = titleFont;
      ctx.fillStyle = '#222';
      ctx.fillText(l.p.title, x0 + PAD * dpr, y + 17 * dpr);
      y += 24 * dpr;
      ctx.drawImage(l.p.canvas, x0, y);
      y += l.p.canvas.height;
      ctx.font = font;
      for (const line of l.legend) {
        for (const { x, item } of line) {
          ctx.save();
          ctx.strokeStyle = item.colour;
          ctx.fillStyle = item.colour;
          ctx.lineWidth = 2.5 * dpr;
          ctx.setLineDash(item.dash.map((d) => d * dpr));
          if (item.points) {
            ctx.beginPath();
            ctx.arc(x0 + x + 11 * dpr, y + lineH / 2, 4 * dpr, 0, 2 * Math.PI);
            ctx.fill();
          } else {
            ctx.beginPath();
            ctx.moveTo(x0 + x, y + lineH / 2);
            ctx.lineTo(x0 + x + 22 * dpr, y + lineH / 2);
            ctx.stroke();
          }
          ctx.restore();
          ctx.fillStyle = '#222';
          ctx.textBaseline = 'middle';
          ctx.fillText(item.label, x0 + x + 28 * dpr, y + lineH / 2);
          ctx.textBaseline = 'alphabetic';
        }
        y += lineH;
      }
      ctx.fillStyle = '#555';
      for (const note of l.notes) {
        ctx.textBaseline = 'middle';
        ctx.fillText(note, x0 + PAD * dpr, y + lineH / 2);
        ctx.textBaseline = 'alphabetic';
        y += lineH;
      }
    });
    y0 += rowH[r];
  });
  return out;
}

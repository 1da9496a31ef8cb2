/**
 * Heat maps on a canvas: the phase space h(x, v) in 1D, the densities rho(x, y), rho~(x, y) and
 * their difference in 2D. One pixel per cell (and velocity node) in an offscreen image, scaled up
 * without smoothing; axes with ticks; a colour bar whose labels are measured so they always fit;
 * overlays: a cut line, boundary segments (./domain.ts) and a centred note.
 * Colour scales (./colorScale.ts): sequential (viridis) on [lo, hi], or diverging (blue–white–red)
 * on [−m, m] with round-off shown as exactly the neutral colour.
 */
import { divergingIndex, niceTicks, sequentialIndex, type DivergingScale, type Tick } from './colorScale.js';
import { EDGE_STYLE, type Edge } from './domain.js';
import { display } from './exports.js';

// viridis, 9 anchors (matplotlib), interpolated linearly
const VIRIDIS = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];
const DIVERGING = [
  [33, 102, 172], [103, 169, 207], [209, 229, 240], [247, 247, 247], [253, 219, 199], [239, 138, 98], [178, 24, 43],
];

function lut(anchors: number[][], size: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(size * 3);
  for (let i = 0; i < size; i++) {
    const s = (i / (size - 1)) * (anchors.length - 1);
    const a = Math.min(Math.floor(s), anchors.length - 2);
    const f = s - a;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = anchors[a][c] + f * (anchors[a + 1][c] - anchors[a][c]);
  }
  return out;
}
/** 256 sequential entries; 255 diverging ones, the middle one (127) the neutral colour of 0. */
const SEQ = lut(VIRIDIS, 256);
const DIV = lut(DIVERGING, 255);

const barImages = new Map<Uint8ClampedArray, HTMLCanvasElement>();

/** A colour table as a 1 × size canvas, its last entry in the top row (drawn once, then reused). */
function barImage(table: Uint8ClampedArray): HTMLCanvasElement {
  let canvas = barImages.get(table);
  if (canvas) return canvas;
  const size = table.length / 3;
  canvas = document.createElement('canvas');
  canvas.width = 1;
  canvas.height = size;
  const image = new ImageData(1, size);
  for (let r = 0; r < size; r++) {
    const c = size - 1 - r;
    image.data.set([table[c * 3], table[c * 3 + 1], table[c * 3 + 2], 255], r * 4);
  }
  canvas.getContext('2d')?.putImageData(image, 0, 0);
  barImages.set(table, canvas);
  return canvas;
}

export type ColourSpec = { kind: 'sequential'; lo: number; hi: number; uniform?: boolean } | { kind: 'diverging'; scale: DivergingScale };

/** A continuous axis [lo, hi], or rows labelled one by one (velocity nodes). */
export type AxisSpec = { label: string; lo: number; hi: number } | { label: string; rows: string[] };

export interface HeatSpec {
  /** Values, nx × ny, x fastest, row 0 at the bottom. */
  values: Float64Array;
  nx: number;
  ny: number;
  colour: ColourSpec;
  xAxis: AxisSpec & { lo: number; hi: number };
  yAxis: AxisSpec;
  /** Label of the colour bar (e.g. "ρ"). */
  barLabel: string;
  /** A line to mark: along x at y = pos, or along y at x = pos (box coordinates). */
  cut?: { axis: 'x' | 'y'; pos: number } | null;
  edges?: Edge[];
  /** A note drawn over the map (e.g. "0 to round-off"). */
  note?: string;
}

const FONT = 11;

export class HeatMap {
  private image: ImageData | null = null;
  private readonly off: HTMLCanvasElement;
  /** Plot rectangle of the last draw, in CSS pixels relative to the canvas, and its axes. */
  private plot: { L: number; T: number; W: number; H: number; x: [number, number]; y: [number, number] | null } | null = null;

  constructor(readonly canvas: HTMLCanvasElement) {
    this.off = document.createElement('canvas');
  }

  clear(text: string): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    this.plot = null;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.fillStyle = '#667';
    ctx.font = `${13 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const lines = text.split('\n');
    const lh = 18 * devicePixelRatio;
    lines.forEach((l, i) => ctx.fillText(l, this.canvas.width / 2, this.canvas.height / 2 + (i - (lines.length - 1) / 2) * lh));
  }

  /** Box coordinates of a point given in client pixels, or null outside the plot. */
  toData(clientX: number, clientY: number): { x: number; y: number | null } | null {
    const p = this.plot;
    if (!p) return null;
    const r = this.canvas.getBoundingClientRect();
    const fx = (clientX - r.left - p.L) / p.W;
    const fy = 1 - (clientY - r.top - p.T) / p.H;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return null;
    return { x: p.x[0] + fx * (p.x[1] - p.x[0]), y: p.y ? p.y[0] + fy * (p.y[1] - p.y[0]) : null };
  }

  draw(spec: HeatSpec): void {
    const { nx, ny, values, colour } = spec;
    if (!this.image || this.image.width !== nx || this.image.height !== ny) {
      this.image = new ImageData(nx, ny);
      this.off.width = nx;
      this.off.height = ny;
    }
    const px = this.image.data;
    const table = colour.kind === 'sequential' ? SEQ : DIV;
    for (let j = 0; j < ny; j++) {
      const row = ny - 1 - j; // row 0 at the bottom
      for (let i = 0; i < nx; i++) {
        const v = values[i + nx * j];
        const c = colour.kind === 'sequential' ? sequentialIndex(v, colour.lo, colour.hi, colour.uniform) : divergingIndex(v, colour.scale);
        const p = (row * nx + i) * 4;
        px[p] = table[c * 3];
        px[p + 1] = table[c * 3 + 1];
        px[p + 2] = table[c * 3 + 2];
        px[p + 3] = 255;
      }
    }
    const octx = this.off.getContext('2d');
    const ctx = this.canvas.getContext('2d');
    if (!octx || !ctx) return;
    octx.putImageData(this.image, 0, 0);

    const dpr = devicePixelRatio;
    const W = this.canvas.width;
    const H = this.canvas.height;
    ctx.clearRect(0, 0, W, H);
    ctx.font = `${FONT * dpr}px system-ui, sans-serif`;
    const textW = (s: string) => ctx.measureText(s).width;

    // colour bar ticks and their width decide the right margin; y ticks the left one
    const bar = barTicks(colour);
    const barLabelsW = Math.max(textW(spec.barLabel), ...bar.map((t) => textW(t.text)));
    const yTicks = axisTicks(spec.yAxis);
    const yLabelsW = Math.max(0, ...yTicks.map((t) => textW(t.text)));
    const L = 18 * dpr + yLabelsW + 6 * dpr;
    const R = 12 * dpr + 12 * dpr + 4 * dpr + barLabelsW + 10 * dpr;
    const T = 18 * dpr;
    const B = 34 * dpr;
    let pw = Math.max(1, W - L - R);
    let ph = Math.max(1, H - T - B);
    // equal scales for a field on a box (2D), centred
    let ox = L;
    if ('lo' in spec.yAxis) {
      const sx = pw / (spec.xAxis.hi - spec.xAxis.lo);
      const sy = ph / (spec.yAxis.hi - spec.yAxis.lo);
      if (sx > sy) {
        const w = sy * (spec.xAxis.hi - spec.xAxis.lo);
        ox = L + (pw - w) / 2;
        pw = w;
      } else ph = sx * (spec.yAxis.hi - spec.yAxis.lo);
    }
    this.plot = { L: ox / dpr, T: T / dpr, W: pw / dpr, H: ph / dpr, x: [spec.xAxis.lo, spec.xAxis.hi], y: 'lo' in spec.yAxis ? [spec.yAxis.lo, spec.yAxis.hi] : null };
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.off, ox, T, pw, ph);

    // overlays
    const X = (x: number) => ox + ((x - spec.xAxis.lo) / (spec.xAxis.hi - spec.xAxis.lo)) * pw;
    const Y = (y: number) => ('lo' in spec.yAxis ? T + ph - ((y - spec.yAxis.lo) / (spec.yAxis.hi - spec.yAxis.lo)) * ph : T + ph / 2);
    if (spec.cut) {
      ctx.save();
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 3 * dpr;
      ctx.setLineDash([]);
      const line = () => {
        ctx.beginPath();
        if (spec.cut?.axis === 'x') {
          ctx.moveTo(ox, Y(spec.cut.pos));
          ctx.lineTo(ox + pw, Y(spec.cut.pos));
        } else if (spec.cut) {
          ctx.moveTo(X(spec.cut.pos), T);
          ctx.lineTo(X(spec.cut.pos), T + ph);
        }
        ctx.stroke();
      };
      line();
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 1.2 * dpr;
      ctx.setLineDash([5 * dpr, 4 * dpr]);
      line();
      ctx.restore();
    }
    ctx.strokeStyle = '#222';
    ctx.lineWidth = dpr;
    ctx.strokeRect(ox, T, pw, ph);
    // boundary segments over the frame
    for (const e of spec.edges ?? []) {
      const st = EDGE_STYLE[e.kind];
      ctx.save();
      ctx.strokeStyle = st.colour;
      ctx.lineWidth = st.width * dpr;
      ctx.setLineDash(st.dash.map((d) => d * dpr));
      ctx.beginPath();
      ctx.moveTo(X(e.from[0]), 'lo' in spec.yAxis ? Y(e.from[1]) : T);
      ctx.lineTo(X(e.to[0]), 'lo' in spec.yAxis ? Y(e.to[1]) : T + ph);
      ctx.stroke();
      ctx.restore();
    }
    ctx.fillStyle = '#222';
    ctx.strokeStyle = '#222';
    ctx.lineWidth = dpr;
    if (spec.note) {
      ctx.save();
      ctx.font = `${12 * dpr}px system-ui, sans-serif`;
      const lines = spec.note.split('\n');
      const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 16 * dpr;
      const h = lines.length * 16 * dpr + 8 * dpr;
      ctx.fillStyle = 'rgba(255,255,255,0.92)';
      ctx.fillRect(ox + pw / 2 - w / 2, T + ph / 2 - h / 2, w, h);
      ctx.fillStyle = '#222';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      lines.forEach((l, i) => ctx.fillText(l, ox + pw / 2, T + ph / 2 - h / 2 + 4 * dpr + (i + 0.5) * 16 * dpr));
      ctx.restore();
    }

    // x axis
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(spec.xAxis.lo, spec.xAxis.hi, 5)) {
      const x = X(t.value);
      ctx.fillRect(x - dpr / 2, T + ph, dpr, 4 * dpr);
      ctx.fillText(t.text, x, T + ph + 5 * dpr);
    }
    ctx.fillText(spec.xAxis.label, ox + pw / 2, T + ph + 19 * dpr);
    // y axis
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const rows = 'rows' in spec.yAxis ? spec.yAxis.rows.length : 0;
    for (const t of yTicks) {
      const y = 'rows' in spec.yAxis ? T + ph - ((t.value + 0.5) / rows) * ph : Y(t.value);
      ctx.fillRect(ox - 4 * dpr, y - dpr / 2, 4 * dpr, dpr);
      ctx.fillText(t.text, ox - 6 * dpr, y);
    }
    ctx.save();
    ctx.translate(10 * dpr, T + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(spec.yAxis.label, 0, 0);
    ctx.restore();

    // colour bar: the table as a one-pixel-wide image, highest value at the top, scaled to the plot height
    const cbx = ox + pw + 12 * dpr;
    const cbw = 12 * dpr;
    ctx.drawImage(barImage(table), cbx, T, cbw, ph);
    ctx.strokeStyle = '#222';
    ctx.strokeRect(cbx, T, cbw, ph);
    ctx.fillStyle = '#222';
    ctx.textAlign = 'left';
    const [blo, bhi] = colour.kind === 'sequential' ? [colour.lo, colour.hi] : [-colour.scale.m, colour.scale.m];
    for (const t of bar) {
      const f = bhi > blo ? (t.value - blo) / (bhi - blo) : 0.5;
      const y = T + ph - f * ph;
      ctx.fillRect(cbx + cbw, y - dpr / 2, 3 * dpr, dpr);
      ctx.fillText(t.text, cbx + cbw + 4 * dpr, Math.min(T + ph - 5 * dpr, Math.max(T + 5 * dpr, y)));
    }
    ctx.textBaseline = 'bottom';
    ctx.fillText(spec.barLabel, cbx, T - 3 * dpr);
  }
}

/**
 * The colour bar's ticks: its two ends (the values the extreme colours stand for) and the round
 * values between them that are not too close to an end; a round-off scale has the one tick 0.
 */
export function barTicks(colour: ColourSpec): Tick[] {
  if (colour.kind === 'diverging' && colour.scale.allZero) return [{ value: 0, text: '0' }];
  if (colour.kind === 'sequential' && colour.uniform) return [{ value: (colour.lo + colour.hi) / 2, text: endText((colour.lo + colour.hi) / 2) }];
  const [lo, hi] = colour.kind === 'diverging' ? [-colour.scale.m, colour.scale.m] : [colour.lo, colour.hi];
  const inner = niceTicks(lo, hi, 5).filter((t) => t.value > lo + 0.12 * (hi - lo) && t.value < hi - 0.12 * (hi - lo));
  return [{ value: lo, text: endText(lo) }, ...inner, { value: hi, text: endText(hi) }];
}

function endText(x: number): string {
  return display(x, 3).replace('-', '−');
}

function axisTicks(axis: AxisSpec): Tick[] {
  if ('lo' in axis) return niceTicks(axis.lo, axis.hi, 5);
  const K = axis.rows.length;
  const pick = K <= 6 ? axis.rows.map((_, k) => k) : [0, Math.floor((K - 1) / 2), K - 1];
  return pick.map((k) => ({ value: k, text: axis.rows[k] }));
}

/** Velocity-node labels for a phase-space axis. */
export function nodeLabels(v: Float64Array): string[] {
  return Array.from(v, (x) => display(x, 3));
}

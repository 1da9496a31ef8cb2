/**
 * The phase-space heat map of h(x, v) on a canvas: one pixel per (cell, velocity node) in an
 * offscreen image, scaled up without smoothing; positive v at the top; a colour bar.
 * Mode 'h' colours h on the fixed maximum-principle interval [lo, hi] (viridis); mode 'dev'
 * colours h − rho (the distance from local equilibrium) on a symmetric, per-frame scale (blue–red).
 */
import { display } from './exports.js';

export type HeatMode = 'h' | 'dev';

// viridis, 9 anchors (matplotlib), interpolated linearly
const VIRIDIS = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];
const DIVERGING = [
  [33, 102, 172], [103, 169, 207], [209, 229, 240], [247, 247, 247], [253, 219, 199], [239, 138, 98], [178, 24, 43],
];

function lut(anchors: number[][]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const s = (i / 255) * (anchors.length - 1);
    const a = Math.min(Math.floor(s), anchors.length - 2);
    const f = s - a;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = anchors[a][c] + f * (anchors[a + 1][c] - anchors[a][c]);
  }
  return out;
}
const LUT = { h: lut(VIRIDIS), dev: lut(DIVERGING) };

export const HEAT_MARGIN = { left: 62, right: 70, top: 8, bottom: 34 };

export class HeatMap {
  private image: ImageData | null = null;
  private readonly off: HTMLCanvasElement;
  constructor(readonly canvas: HTMLCanvasElement) {
    this.off = document.createElement('canvas');
  }

  clear(text: string): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.fillStyle = '#667';
    ctx.font = `${13 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.fillText(text, this.canvas.width / 2, this.canvas.height / 2);
  }

  /** Draw h (cells × nodes, velocity fastest) with rho; v ascending. */
  draw(h: Float64Array, rho: Float64Array, v: Float64Array, bounds: [number, number], mode: HeatMode): void {
    const N = rho.length;
    const K = v.length;
    if (!this.image || this.image.width !== N || this.image.height !== K) {
      this.image = new ImageData(N, K);
      this.off.width = N;
      this.off.height = K;
    }
    const px = this.image.data;
    let lo = bounds[0];
    let hi = bounds[1];
    if (mode === 'dev') {
      let m = 0;
      for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) m = Math.max(m, Math.abs(h[i * K + k] - rho[i]));
      if (!(m > 0) || !Number.isFinite(m)) m = 1e-300;
      lo = -m;
      hi = m;
    }
    const span = hi > lo ? hi - lo : 1;
    const table = LUT[mode];
    for (let k = 0; k < K; k++) {
      const row = K - 1 - k; // positive v at the top
      for (let i = 0; i < N; i++) {
        const value = mode === 'dev' ? h[i * K + k] - rho[i] : h[i * K + k];
        let c = Math.round(((value - lo) / span) * 255);
        if (!(c >= 0)) c = 0; // NaN too
        if (c > 255) c = 255;
        const p = (row * N + i) * 4;
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
    const L = HEAT_MARGIN.left * dpr;
    const R = HEAT_MARGIN.right * dpr;
    const T = HEAT_MARGIN.top * dpr;
    const B = HEAT_MARGIN.bottom * dpr;
    const pw = Math.max(1, W - L - R);
    const ph = Math.max(1, H - T - B);
    ctx.clearRect(0, 0, W, H);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.off, L, T, pw, ph);
    // axes
    ctx.fillStyle = '#222';
    ctx.strokeStyle = '#222';
    ctx.lineWidth = dpr;
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    ctx.strokeRect(L, T, pw, ph);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const xt of [0, 0.25, 0.5, 0.75, 1]) ctx.fillText(String(xt), L + xt * pw, T + ph + 4 * dpr);
    ctx.fillText('x', L + pw / 2, T + ph + 18 * dpr);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const rowH = ph / K;
    const ticks = K <= 6 ? v.map((_, k) => k) : [0, Math.floor((K - 1) / 2), K - 1];
    for (const k of ticks) ctx.fillText(display(v[k], 3), L - 4 * dpr, T + (K - 1 - k + 0.5) * rowH);
    ctx.save();
    ctx.translate(12 * dpr, T + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText('v (Gauss–Hermite nodes)', 0, 0);
    ctx.restore();
    // colour bar
    const cbx = W - R + 10 * dpr;
    const cbw = 12 * dpr;
    for (let j = 0; j < ph; j++) {
      const c = Math.round((1 - j / ph) * 255);
      ctx.fillStyle = `rgb(${table[c * 3]},${table[c * 3 + 1]},${table[c * 3 + 2]})`;
      ctx.fillRect(cbx, T + j, cbw, 1.5);
    }
    ctx.fillStyle = '#222';
    ctx.textAlign = 'left';
    ctx.fillText(display(hi, 3), cbx + cbw + 3 * dpr, T + 6 * dpr);
    ctx.fillText(display(lo, 3), cbx + cbw + 3 * dpr, T + ph - 6 * dpr);
  }
}

/**
 * Colour scales of the heat maps, their colour-bar ticks and the labels of log axes. Pure numbers
 * (no DOM): tested in Node.
 *
 * - Sequential scales (viridis) colour a quantity on [lo, hi]: the density on the range of the data
 *   at t = 0 (fixed: changes over time are visible) or of the frame.
 * - Diverging scales colour a signed quantity that should be 0 in some limit (h − rho, rho − rho~)
 *   on [−m, m], m = max |value|. Values within the round-off floor ROUNDOFF × (the size of the data
 *   they are differences of) are shown as 0 (the neutral colour): a state at equilibrium to round-off
 *   is one colour, not stripes of ±6e−16, and the colour bar says so.
 */

/** Relative size of round-off in a difference of O(1) data (a few hundred ulps: quadrature sums, solver tolerances excluded). */
export const ROUNDOFF = 1e-13;

export interface DivergingScale {
  /** Half-width m of the scale [−m, m]. */
  m: number;
  /** |value| ≤ zero is drawn as 0. */
  zero: number;
  /** Every value is within round-off of 0: the map is one colour. */
  allZero: boolean;
}

/**
 * The diverging scale of differences whose largest magnitude is `maxAbs`, of data of size `reference`
 * (e.g. max |h|): values below ROUNDOFF × reference are round-off.
 */
export function divergingScale(maxAbs: number, reference: number): DivergingScale {
  const zero = ROUNDOFF * (Number.isFinite(reference) && reference > 0 ? reference : 1);
  if (!(maxAbs > zero) || !Number.isFinite(maxAbs)) return { m: zero, zero, allZero: true };
  return { m: maxAbs, zero, allZero: false };
}

/**
 * Index 0…254 into a 255-entry diverging table (127 = neutral, exactly for 0 and for round-off):
 * symmetric, so +x and −x get mirrored colours.
 */
export function divergingIndex(value: number, scale: DivergingScale): number {
  if (!(Math.abs(value) > scale.zero)) return 127; // NaN too
  const s = Math.round((Math.min(1, Math.abs(value) / scale.m)) * 127);
  const k = Math.max(1, s);
  return value > 0 ? 127 + k : 127 - k;
}

/**
 * Index 0…255 into a 256-entry sequential table for value on [lo, hi] (clamped; NaN → 0); a
 * `uniform` scale (./sequentialRange) gives every value the middle colour.
 */
export function sequentialIndex(value: number, lo: number, hi: number, uniform = false): number {
  if (uniform) return 128;
  const span = hi > lo ? hi - lo : 1;
  const c = Math.round(((value - lo) / span) * 255);
  return c >= 0 ? (c > 255 ? 255 : c) : 0;
}

export interface Tick {
  value: number;
  text: string;
}

/**
 * About `count` round tick values on [lo, hi] (steps 1, 2, 5 × 10^k), labelled with the digits the
 * step needs (./tickLabels): readable at every scale (0.5 … 1.5, or −5e−16 … 5e−16 as exponents,
 * never cut to a mantissa). lo = hi gives the one tick.
 */
export function niceTicks(lo: number, hi: number, count = 5): Tick[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [{ value: lo, text: tickLabels([lo], Math.abs(lo) || 1)[0] }];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const values: number[] = [];
  for (let k = first; k <= last; k++) values.push(k === 0 ? 0 : k * step);
  const texts = tickLabels(values, step);
  return values.map((value, i) => ({ value, text: texts[i] }));
}

/**
 * Labels of ticks spaced by `step`, in one format for the whole axis: decimals with as many digits
 * as the step needs when the step is ≥ 1e−4 and the values < 1e5, else a short exponent form with the
 * digits that resolve the step. Minus signs are typographic (−).
 */
export function tickLabels(values: readonly number[], step: number): string[] {
  const big = Math.max(...values.map(Math.abs));
  const decimal = step >= 1e-4 && big < 1e5;
  const stepExp = Math.floor(Math.log10(step) + 1e-9);
  return values.map((value) => {
    if (value === 0) return '0';
    const sign = value < 0 ? '−' : '';
    const a = Math.abs(value);
    if (decimal) return sign + a.toFixed(Math.max(0, Math.min(10, -stepExp)));
    const digits = Math.max(0, Math.min(6, Math.floor(Math.log10(a) + 1e-9) - stepExp));
    const [mant, exp] = a.toExponential(digits).split('e');
    return `${sign}${mant}e${Number(exp) < 0 ? '−' : ''}${Math.abs(Number(exp))}`;
  });
}

/** Labels of a linear chart axis (uPlot's tick values): one format from the tick spacing, trailing zeros dropped. */
export function linearLabels(ticks: readonly (number | null | undefined)[]): string[] {
  const vals = ticks.filter((t): t is number => t !== null && t !== undefined && Number.isFinite(t));
  if (vals.length === 0) return ticks.map(() => '');
  const step = vals.length > 1 ? Math.abs(vals[1] - vals[0]) : Math.abs(vals[0]) || 1;
  const texts = tickLabels(vals, step).map((t) => (t.includes('e') ? t.replace(/\.?0+e/, 'e') : t.includes('.') ? t.replace(/\.?0+$/, '') : t));
  let k = 0;
  return ticks.map((t) => (t !== null && t !== undefined && Number.isFinite(t) ? texts[k++] : ''));
}

/**
 * A sequential scale fitted to data spanning [lo, hi]; when the span is round-off (≤ ROUNDOFF ×
 * the data's size) the data are uniform: the scale is centred on them so they get one colour.
 */
export function sequentialRange(lo: number, hi: number): { lo: number; hi: number; uniform: boolean } {
  const size = Math.max(Math.abs(lo), Math.abs(hi));
  const floor = ROUNDOFF * (size > 0 ? size : 1);
  if (hi - lo > floor) return { lo, hi, uniform: false };
  const mid = (lo + hi) / 2;
  return { lo: mid - floor, hi: mid + floor, uniform: true };
}

const logTick = (t: number | null | undefined) => (t === null || t === undefined || !Number.isFinite(t) || !(t > 0) ? '' : t.toExponential(0).replace('e+', 'e'));

/**
 * Labels of a log axis: powers of ten only, and at most about 7 of them (every 2nd, 3rd, 5th …
 * decade over a wide range), so that they never overlap.
 */
export function logLabels(ticks: (number | null | undefined)[]): string[] {
  const decades = ticks.map((t) => (t !== null && t !== undefined && t > 0 && Number.isFinite(t) ? Math.log10(t) : NaN));
  const exact = decades.filter((d) => Math.abs(d - Math.round(d)) < 1e-9);
  const every = [1, 2, 3, 4, 5, 10, 20, 50, 100].find((k) => exact.length / k <= 7) ?? 200;
  return ticks.map((t, i) => {
    const d = decades[i];
    if (!(Math.abs(d - Math.round(d)) < 1e-9)) return exact.length > 1 ? '' : logTick(t);
    return Math.round(d) % every === 0 ? logTick(t) : '';
  });
}

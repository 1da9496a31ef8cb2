/**
 * The page's record of a run: the series rows as they arrive from the worker (for the plots and the
 * CSV export) and the data arrays of the time plots. Pure data, no DOM.
 */
import type { EngineMeta, Frame } from './engine.js';
import { NEQ_COLUMN, rowIndex } from './columns.js';

/** Rows kept before the plotted arrays are thinned (every other point); the CSV keeps every row up to MAX_ROWS. */
export const MAX_PLOT_POINTS = 20000;
export const MAX_ROWS = 500000;

export class SeriesStore {
  readonly rows: number[][] = [];
  readonly limitRows: number[][] = [];
  /** Plot arrays: t, ||f − mM||² (or ||rho − m||²), the limit's ||rho~ − m||² at the same t, min and max of h (or rho), the distance to the limit. */
  t: number[] = [];
  dist2: (number | null)[] = [];
  limitDist2: (number | null)[] = [];
  min: (number | null)[] = [];
  max: (number | null)[] = [];
  /** Theorem 2.3's distance to the limit run at the same t, and its parts ||(I − Π)f|| and ||rho − rho~||. */
  limitDist: (number | null)[] = [];
  neqPart: (number | null)[] = [];
  densityPart: (number | null)[] = [];
  truncated = false;
  private readonly iDist: number;
  private readonly squareDist: boolean;
  private readonly iMin: number;
  private readonly iMax: number;
  private readonly iLimitDev: number;
  private readonly iNeq: number;

  constructor(readonly meta: EngineMeta) {
    const c = meta.columns;
    const kinetic = c.includes('dist_eq');
    // series columns are after t, so index + 1 in a row
    this.iDist = rowIndex(c, kinetic ? 'dist_eq' : 'rho_l2_dev');
    this.squareDist = true;
    this.iMin = rowIndex(c, kinetic ? 'h_min' : 'rho_min');
    this.iMax = rowIndex(c, kinetic ? 'h_max' : 'rho_max');
    this.iLimitDev = meta.limitColumns ? rowIndex(meta.limitColumns, 'rho_l2_dev') : -1;
    this.iNeq = kinetic ? rowIndex(c, NEQ_COLUMN) : -1;
  }

  /** Positive finite values only (log axis); anything else is a gap. */
  private static positive(x: number | undefined): number | null {
    return x !== undefined && Number.isFinite(x) && x > 0 ? x : null;
  }
  private static finite(x: number | undefined): number | null {
    return x !== undefined && Number.isFinite(x) ? x : null;
  }

  add(frame: Frame): void {
    const limitByStep = frame.limitAligned;
    frame.rows.forEach((row, j) => {
      if (this.rows.length < MAX_ROWS) this.rows.push(row);
      else this.truncated = true;
      const d = row[this.iDist];
      this.t.push(row[0]);
      this.dist2.push(SeriesStore.positive(this.squareDist ? d * d : d));
      const lim = limitByStep[j];
      const ld = lim && this.iLimitDev > 0 ? lim[this.iLimitDev] : undefined;
      this.limitDist2.push(SeriesStore.positive(ld === undefined ? undefined : ld * ld));
      this.min.push(SeriesStore.finite(row[this.iMin]));
      this.max.push(SeriesStore.finite(row[this.iMax]));
      this.limitDist.push(SeriesStore.positive(frame.distance[j]));
      this.neqPart.push(this.iNeq > 0 && frame.distance.length > 0 ? SeriesStore.positive(Math.sqrt(row[this.iNeq])) : null);
      this.densityPart.push(SeriesStore.positive(frame.densityDistance[j]));
    });
    for (const row of frame.limitRows) if (this.limitRows.length < MAX_ROWS) this.limitRows.push(row);
    if (this.t.length > MAX_PLOT_POINTS) this.thin();
  }

  private thin(): void {
    const keep = <T>(a: T[]) => a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
    this.t = keep(this.t);
    this.dist2 = keep(this.dist2);
    this.limitDist2 = keep(this.limitDist2);
    this.min = keep(this.min);
    this.max = keep(this.max);
    this.limitDist = keep(this.limitDist);
    this.neqPart = keep(this.neqPart);
    this.densityPart = keep(this.densityPart);
  }

  /** The exact linear rate line through the latest value: y(t) = y_last exp(−2 d (t − t_last)). */
  rateLine(): (number | null)[] {
    const d = this.meta.decayRate;
    const n = this.t.length;
    let last = -1;
    for (let i = n - 1; i >= 0; i--) if (this.dist2[i] !== null) {
      last = i;
      break;
    }
    if (d === null || last < 0) return this.t.map(() => null);
    const y = this.dist2[last] as number;
    const tl = this.t[last];
    return this.t.map((t) => {
      const v = y * Math.exp(-2 * d * (t - tl));
      return Number.isFinite(v) && v > 0 ? v : null;
    });
  }

  /** Latest row as { column: value }. */
  latest(): Record<string, number> {
    return this.named(this.rows[this.rows.length - 1]);
  }

  /** The row at time t (the last one with time <= t) as { column: value }. */
  at(t: number): Record<string, number> {
    let lo = 0;
    let hi = this.rows.length - 1;
    if (hi < 0 || this.rows[0][0] > t) return {};
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.rows[mid][0] <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.named(this.rows[lo]);
  }

  private named(row: number[] | undefined): Record<string, number> {
    const out: Record<string, number> = {};
    if (!row) return out;
    out.t = row[0];
    this.meta.columns.forEach((c, i) => (out[c] = row[i + 1]));
    return out;
  }
}

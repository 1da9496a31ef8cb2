/**
 * The recorded frames behind the time scrubber: the fields of every frame the page received (rho,
 * the limit's rho~, h), kept within a memory budget. When a new frame would exceed it, every other
 * recorded frame is dropped (the first and the latest always stay), so the record keeps spanning
 * the whole run at half the time resolution. Pure data (no DOM): tested in Node.
 */
import type { Frame } from './engine.js';

/** The fields of one frame as recorded. */
export interface Recorded {
  t: number;
  steps: number;
  dt: number;
  rho: Float64Array;
  limitRho: Float64Array | null;
  h: Float64Array | null;
}

/** Default budget: 256 MiB of field data. */
export const HISTORY_BUDGET_BYTES = 256 * 2 ** 20;

function bytesOf(r: Recorded): number {
  return r.rho.byteLength + (r.limitRho?.byteLength ?? 0) + (r.h?.byteLength ?? 0);
}

export class FrameHistory {
  private readonly frames: Recorded[] = [];
  private bytes = 0;
  /** How many times the record was thinned (each halves its time resolution). */
  thinned = 0;

  constructor(readonly budget = HISTORY_BUDGET_BYTES) {}

  get length(): number {
    return this.frames.length;
  }

  at(k: number): Recorded | undefined {
    return this.frames[k];
  }

  get latest(): Recorded | undefined {
    return this.frames[this.frames.length - 1];
  }

  /** Record a frame (a frame at the time of the latest one replaces it: a repeated frame). */
  add(frame: Pick<Frame, 't' | 'steps' | 'dt' | 'rho' | 'limitRho' | 'h'>): void {
    const r: Recorded = { t: frame.t, steps: frame.steps, dt: frame.dt, rho: frame.rho, limitRho: frame.limitRho, h: frame.h };
    const last = this.latest;
    if (last && last.steps === r.steps && last.t === r.t) {
      this.bytes -= bytesOf(this.frames.pop() as Recorded);
    }
    this.frames.push(r);
    this.bytes += bytesOf(r);
    while (this.bytes > this.budget && this.frames.length > 2) this.thin();
  }

  /** Drop every other frame (odd positions), keeping the first and the latest. */
  private thin(): void {
    const kept: Recorded[] = [];
    const n = this.frames.length;
    this.frames.forEach((r, i) => {
      if (i % 2 === 0 || i === n - 1) kept.push(r);
    });
    this.frames.length = 0;
    this.frames.push(...kept);
    this.bytes = kept.reduce((s, r) => s + bytesOf(r), 0);
    this.thinned++;
  }

  get usedBytes(): number {
    return this.bytes;
  }
}

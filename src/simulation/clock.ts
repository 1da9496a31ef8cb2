/**
 * The clock of a run: which dt each step takes so that every snapshot time and the end time are
 * hit exactly, without accumulating round-off in t.
 *
 * The interval between two consecutive event times [a, b] is split into n = ceil((b - a) / dt)
 * equal steps and t_k = a + k (b - a) / n, so t never drifts and the step ratio only changes at
 * event times (which keeps variable-step multistep schemes such as BDF2 well inside their
 * stability range). The state (segment, k, steps) is three integers: checkpoints store it.
 */
export interface ClockState {
  segment: number;
  k: number;
  steps: number;
}

export class Clock {
  /** Event times: 0, the snapshot times, and the end time (deduplicated, increasing). */
  readonly events: readonly number[];
  private readonly perSegment: readonly number[];
  state: ClockState = { segment: 0, k: 0, steps: 0 };

  constructor(end: number, snapshotTimes: readonly number[], dtTarget: number) {
    const ev = [0, ...snapshotTimes.filter((t) => t > 0 && t < end), end];
    this.events = ev;
    this.perSegment = ev.slice(1).map((b, i) => Math.max(1, Math.ceil((b - ev[i]) / dtTarget - 1e-9)));
  }

  /** Total steps the run will take. */
  get totalSteps(): number {
    return this.perSegment.reduce((a, b) => a + b, 0);
  }

  get done(): boolean {
    return this.state.segment >= this.perSegment.length;
  }

  /** Current time (exact at event times). */
  get t(): number {
    const { segment, k } = this.state;
    if (this.done) return this.events[this.events.length - 1];
    const a = this.events[segment];
    const b = this.events[segment + 1];
    return k === 0 ? a : a + (k * (b - a)) / this.perSegment[segment];
  }

  /** The dt of the next step. */
  get dt(): number {
    const { segment } = this.state;
    return (this.events[segment + 1] - this.events[segment]) / this.perSegment[segment];
  }

  /** Advance by one step; returns true when the step ended exactly on an event time. */
  advance(): boolean {
    this.state.k++;
    this.state.steps++;
    if (this.state.k === this.perSegment[this.state.segment]) {
      this.state.segment++;
      this.state.k = 0;
      return true;
    }
    return false;
  }
}

/**
 * The clocks of a run: which dt each step takes so that every snapshot time and the end time are
 * hit exactly, without accumulating round-off in t.
 *
 * FixedClock (time.dt given, or steppers without error control): the interval between two
 * consecutive event times [a, b] is split into n = ceil((b - a) / dt) equal steps and
 * t_k = a + k (b - a) / n, so t never drifts and the step ratio only changes at event times (which
 * keeps variable-step multistep schemes such as BDF2 well inside their stability range). Its state
 * (segment, k, steps) is three integers.
 *
 * AdaptiveClock (error-controlled steps): t advances by whatever the controller accepts; a step that
 * would pass the next event is shortened to land on it exactly, and one that would leave less than
 * half a step before it is halved (so the landing step is not a sliver and BDF2's step ratio stays
 * <= 2). Its state is (t, segment, steps).
 */
export interface FixedClockState {
  segment: number;
  k: number;
  steps: number;
}

export interface AdaptiveClockState {
  t: number;
  segment: number;
  steps: number;
}

function eventTimes(end: number, snapshotTimes: readonly number[]): number[] {
  return [0, ...snapshotTimes.filter((t) => t > 0 && t < end), end];
}

export class FixedClock {
  /** Event times: 0, the snapshot times, and the end time (deduplicated, increasing). */
  readonly events: readonly number[];
  private readonly perSegment: readonly number[];
  state: FixedClockState = { segment: 0, k: 0, steps: 0 };

  constructor(end: number, snapshotTimes: readonly number[], dtTarget: number) {
    const ev = eventTimes(end, snapshotTimes);
    this.events = ev;
    this.perSegment = ev.slice(1).map((b, i) => Math.max(1, Math.ceil((b - ev[i]) / dtTarget - 1e-9)));
  }

  /** Total steps the run will take. */
  get totalSteps(): number {
    return this.perSegment.reduce((a, b) => a + b, 0);
  }

  get steps(): number {
    return this.state.steps;
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

export class AdaptiveClock {
  readonly events: readonly number[];
  state: AdaptiveClockState = { t: 0, segment: 0, steps: 0 };
  /** An extra landing time (Simulation.run's `until`), not an event: no snapshot there. */
  stopAt = Infinity;

  constructor(end: number, snapshotTimes: readonly number[]) {
    this.events = eventTimes(end, snapshotTimes);
  }

  get steps(): number {
    return this.state.steps;
  }

  get done(): boolean {
    return this.state.segment >= this.events.length - 1;
  }

  get t(): number {
    return this.state.t;
  }

  /** The next time that must be hit exactly. */
  private target(): number {
    const ev = this.events[this.state.segment + 1];
    return this.stopAt > this.state.t && this.stopAt < ev ? this.stopAt : ev;
  }

  /** The step to take when the controller proposes `dt`: shortened to land on the next target time. */
  landing(dt: number): number {
    const rem = this.target() - this.state.t;
    if (dt >= rem) return rem;
    if (2 * dt > rem) return 0.5 * rem;
    return dt;
  }

  /** Advance by an accepted step dt (a value returned by landing); true when it ended on an event time. */
  advance(dt: number): boolean {
    const s = this.state;
    s.steps++;
    const target = this.target();
    if (dt === target - s.t) {
      s.t = target;
      if (target === this.events[s.segment + 1]) {
        s.segment++;
        return true;
      }
      return false;
    }
    s.t += dt;
    return false;
  }
}

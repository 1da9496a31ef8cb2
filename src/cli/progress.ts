/**
 * Progress of `run` and `resume` on stderr: a bar on a terminal; elsewhere (nohup, batch jobs,
 * sweeps, a pipe) one line every PROGRESS_LINE_SECONDS seconds; nothing with --quiet.
 * `stop()` restores the terminal (the bar hides the cursor) and is safe to call more than once.
 */
import { createRequire } from 'node:module';

/** cli-progress (CommonJS), loaded when a bar is drawn: batch runs, pipes and --quiet do not pay for it. */
const loadCliProgress = (): typeof import('cli-progress') => createRequire(import.meta.url)('cli-progress');

export const PROGRESS_LINE_SECONDS = 10;

export interface Progress {
  /** After every accepted step: time, steps so far, end time, the step's dt. */
  onStep?: (t: number, steps: number, end: number, dt: number) => void;
  stop(): void;
}

export function progressDisplay(quiet: boolean, stream: NodeJS.WriteStream = process.stderr, lineSeconds = PROGRESS_LINE_SECONDS): Progress {
  if (quiet) return { stop: () => {} };
  return stream.isTTY === true ? progressBar(stream) : progressLines(stream, lineSeconds);
}

function progressBar(stream: NodeJS.WriteStream): Progress {
  const cliProgress = loadCliProgress();
  const bar = new cliProgress.SingleBar(
    { format: 'nlbgk |{bar}| {percentage}% | t = {time} | step {steps} | dt = {dt} | eta {eta_formatted}', stream, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const TOTAL = 1000; // the bar measures time: error-controlled runs do not know their step count in advance
  let started = false;
  let last = 0;
  return {
    onStep(t, steps, end, dt) {
      if (!started) {
        bar.start(TOTAL, 0, { time: '0', steps: 0, dt: '-' });
        started = true;
      }
      const now = performance.now();
      if (now - last > 100 || t >= end) {
        bar.update(Math.min(TOTAL, Math.round((TOTAL * t) / end)), { time: t.toPrecision(6), steps, dt: dt.toPrecision(3) });
        last = now;
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

function progressLines(stream: NodeJS.WriteStream, lineSeconds: number): Progress {
  const t0 = performance.now();
  let last = t0;
  let tFirst = -1;
  return {
    onStep(t, steps, end, dt) {
      if (tFirst < 0) tFirst = t - dt; // a resumed run starts at its checkpoint's time
      const now = performance.now();
      if (now - last < lineSeconds * 1000) return;
      last = now;
      const elapsed = (now - t0) / 1000;
      const done = t - tFirst;
      const eta = done > 0 ? (elapsed * (end - t)) / done : NaN;
      stream.write(`nlbgk: t = ${t.toPrecision(6)} of ${end} (${((100 * t) / end).toFixed(1)}%), step ${steps}, dt = ${dt.toPrecision(3)}, ${elapsed.toFixed(0)} s elapsed${Number.isFinite(eta) ? `, about ${eta.toFixed(0)} s to go` : ''}\n`);
    },
    stop() {},
  };
}

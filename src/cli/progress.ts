/**
 * Progress of `run` and `resume` on stderr: a bar on a terminal; elsewhere (nohup, batch jobs,
 * sweeps, a pipe) one line every PROGRESS_LINE_SECONDS seconds; nothing with --quiet.
 * `stop()` restores the terminal (the bar hides the cursor) and is safe to call more than once.
 */
import cliProgress from 'cli-progress';

export const PROGRESS_LINE_SECONDS = 10;

export interface Progress {
  onStep?: (t: number, steps: number, total: number) => void;
  stop(): void;
}

export function progressDisplay(quiet: boolean, stream: NodeJS.WriteStream = process.stderr, lineSeconds = PROGRESS_LINE_SECONDS): Progress {
  if (quiet) return { stop: () => {} };
  return stream.isTTY === true ? progressBar(stream) : progressLines(stream, lineSeconds);
}

function progressBar(stream: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar(
    { format: 'nlbgk |{bar}| {percentage}% | step {value}/{total} | t = {time} | eta {eta_formatted}', stream, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let last = 0;
  return {
    onStep(t, steps, total) {
      if (!started) {
        bar.start(total, 0, { time: '0' });
        started = true;
      }
      const now = performance.now();
      if (now - last > 100 || steps === total) {
        bar.update(steps, { time: t.toPrecision(6) });
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
  let first = -1;
  return {
    onStep(t, steps, total) {
      if (first < 0) first = steps - 1; // a resumed run starts at its checkpoint's step
      const now = performance.now();
      if (now - last < lineSeconds * 1000) return;
      last = now;
      const elapsed = (now - t0) / 1000;
      const pct = (100 * steps) / total;
      const done = steps - first;
      const eta = done > 0 ? (elapsed * (total - steps)) / done : NaN;
      stream.write(`nlbgk: step ${steps}/${total} (${pct.toFixed(1)}%), t = ${t.toPrecision(6)}, ${elapsed.toFixed(0)} s elapsed${Number.isFinite(eta) ? `, about ${eta.toFixed(0)} s to go` : ''}\n`);
    },
    stop() {},
  };
}

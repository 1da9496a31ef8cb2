/** Progress where stderr is not a terminal (nohup, batch jobs, sweeps): a line every few seconds; nothing with -q. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressDisplay } from '../src/cli/progress.js';

function sink(isTTY: boolean) {
  const lines: string[] = [];
  return { lines, stream: { isTTY, write: (t: string) => (lines.push(t), true) } as unknown as NodeJS.WriteStream };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('not a terminal: one line per interval with step, percentage, time and what is left', async () => {
  const s = sink(false);
  const p = progressDisplay(false, s.stream, 0.05);
  for (let k = 1; k <= 6; k++) {
    p.onStep?.(k * 0.01, k * 10, 0.1, 0.001);
    await sleep(30);
  }
  p.stop();
  assert.ok(s.lines.length >= 2 && s.lines.length <= 4, s.lines.join(''));
  assert.match(s.lines[0], /^nlbgk: t = 0\.0\d+ of 0\.1 \(\d+\.\d%\), step \d+, dt = 0\.001\d*, \d+ s elapsed, about \d+ s to go\n$/);
});

test('quiet: nothing; a terminal: the bar (not lines)', () => {
  const q = sink(false);
  const quiet = progressDisplay(true, q.stream, 0);
  assert.equal(quiet.onStep, undefined);
  quiet.stop();
  assert.deepEqual(q.lines, []);
  const t = sink(true);
  const bar = progressDisplay(false, t.stream, 0);
  assert.ok(bar.onStep);
});

/**
 * The resume check every stepper family shares: run a config whole, run it again with the stepper
 * throwing at a chosen attempt (a simulated power cut: nothing after the last checkpoint is saved),
 * resume the cut directory, and compare series.csv, summary.json and fields.h5 byte for byte.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildProblem } from '../../src/simulation/build.js';
import { resumeRun, runConfig, runProblem } from '../../src/run.js';

type Config = Parameters<typeof runConfig>[0];

/**
 * Run `config` into `root/<name>-whole` and, cut at the stepper's `cutAt`-th attempt (its step() when it
 * has no attempt(): fixed-step steppers), into `root/<name>-cut`; resume that and assert the three files
 * equal the whole run's. Returns both directories.
 */
export async function assertResumesAfterPowerCut(config: Config, root: string, cutAt: number, name = 'run'): Promise<{ whole: string; cut: string }> {
  const whole = path.join(root, `${name}-whole`);
  await runConfig(config, { outDir: whole });
  const problem = buildProblem(config);
  const stepper = problem.stepper as unknown as { step(dt: number): void; attempt?(dt: number): number };
  let n = 0;
  const count = () => {
    if (++n === cutAt) throw new Error('simulated power cut');
  };
  if (stepper.attempt) {
    const attempt = stepper.attempt.bind(stepper);
    stepper.attempt = (dt: number) => (count(), attempt(dt));
  } else {
    const step = stepper.step.bind(stepper);
    stepper.step = (dt: number) => (count(), step(dt));
  }
  const cut = path.join(root, `${name}-cut`);
  await assert.rejects(runProblem(problem, { outDir: cut }), /power cut/);
  assert.ok(fs.existsSync(path.join(cut, 'checkpoint.bin')), `${name}: a checkpoint before the cut`);
  await resumeRun(cut);
  for (const f of ['series.csv', 'summary.json', 'fields.h5']) {
    assert.ok(fs.readFileSync(path.join(cut, f)).equals(fs.readFileSync(path.join(whole, f))), `${name}: ${f} differs after resume`);
  }
  return { whole, cut };
}

/**
 * Resume trusts nothing it has not verified: a truncated, bit-flipped or edited checkpoint.bin, an
 * edited run.json (another eps), a truncated or padded series.csv, a damaged snapshots.journal are
 * refused with exit status 2 and one line, and nothing is changed. summary.json and fields.h5 are
 * views rebuilt from the verified journal, so a missing or truncated summary.json is repaired and
 * the result is byte-identical to an uninterrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { runConfig, runProblem } from '../src/run.js';
import { main } from '../src/cli/main.js';

const config = validateConfig({
  model: { equation: 'kinetic', alpha: 1, eps: 0.2 },
  domain: { cells: [16] },
  velocity: { nodes: 6 },
  initial: { rho: '1 + 0.5*sin(2*pi*x)' },
  time: { end: 0.02, dt: 0.001 },
  output: { times: [0.005, 0.01, 0.02], store_h: true },
  checkpoint: { every_steps: 4 },
});

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-verify-'));
const whole = path.join(root, 'whole');
let template = '';

/** A run directory cut by a simulated power cut after step 13 (checkpoint at step 12). */
async function cutRun(name: string): Promise<string> {
  if (!template) {
    await runConfig(config, { outDir: whole });
    template = path.join(root, 'template');
    const problem = buildProblem(config);
    const step = problem.stepper.step.bind(problem.stepper);
    let n = 0;
    problem.stepper.step = (dt: number) => {
      if (++n === 14) throw new Error('simulated power cut');
      step(dt);
    };
    await assert.rejects(runProblem(problem, { outDir: template }), /power cut/);
  }
  const dir = path.join(root, name);
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

async function resume(dir: string): Promise<{ status: number; err: string }> {
  let err = '';
  const status = await main(['node', 'nlbgk', 'resume', dir, '--quiet'], { out: () => {}, err: (t) => void (err += t) });
  return { status, err };
}

const snapshot = (dir: string) => Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]));

const damages: [string, (dir: string) => void, RegExp][] = [
  ['truncated checkpoint.bin', (d) => fs.truncateSync(path.join(d, 'checkpoint.bin'), 200), /damaged checkpoint \(checksum mismatch/],
  ['checkpoint.bin cut to a few bytes', (d) => fs.truncateSync(path.join(d, 'checkpoint.bin'), 10), /damaged checkpoint \(not an nlbgk checkpoint\)/],
  ['a flipped bit in checkpoint.bin', (d) => flip(path.join(d, 'checkpoint.bin'), 0.7), /damaged checkpoint \(checksum mismatch/],
  ['a flipped bit in the checkpoint header', (d) => flip(path.join(d, 'checkpoint.bin'), 0.01), /damaged checkpoint/],
  ['checkpoint.bin missing', (d) => fs.rmSync(path.join(d, 'checkpoint.bin')), /no checkpoint\.bin/],
  ['run.json edited (another eps)', (d) => edit(path.join(d, 'run.json'), (j) => (j.config.model.eps = 0.1)), /run\.json's config is not the one the checkpoint was taken with/],
  ['run.json edited (an invalid config)', (d) => edit(path.join(d, 'run.json'), (j) => (j.config.model.eps = -1)), /run\.json's config is not the one/],
  ['run.json not JSON', (d) => fs.writeFileSync(path.join(d, 'run.json'), '{"config": '), /run\.json is unreadable/],
  ['run.json missing', (d) => fs.rmSync(path.join(d, 'run.json')), /no run\.json/],
  ['run.json without config', (d) => fs.writeFileSync(path.join(d, 'run.json'), '{"status":"running"}'), /lacks the config/],
  ['series.csv truncated', (d) => fs.truncateSync(path.join(d, 'series.csv'), 300), /series\.csv: its first \d+ bytes differ/],
  ['series.csv edited', (d) => flip(path.join(d, 'series.csv'), 0.3), /series\.csv: its first \d+ bytes differ/],
  ['series.csv missing', (d) => fs.rmSync(path.join(d, 'series.csv')), /series\.csv/],
  ['snapshots.journal truncated', (d) => fs.truncateSync(path.join(d, 'snapshots.journal'), 100), /snapshots\.journal: its first \d+ bytes differ/],
  ['snapshots.journal missing', (d) => fs.rmSync(path.join(d, 'snapshots.journal')), /snapshots\.journal is missing/],
];

function flip(file: string, at: number): void {
  const b = fs.readFileSync(file);
  b[Math.floor(at * b.length)] ^= 0x10;
  fs.writeFileSync(file, b);
}

function edit(file: string, change: (j: { config: { model: { eps: number } } }) => void): void {
  const j = JSON.parse(fs.readFileSync(file, 'utf8'));
  change(j);
  fs.writeFileSync(file, JSON.stringify(j, null, 2));
}

for (const [name, damage, message] of damages) {
  test(`resume refuses: ${name} (exit 2, one line, nothing changed)`, async () => {
    const dir = await cutRun(name.replace(/\W+/g, '-'));
    damage(dir);
    const before = snapshot(dir);
    const r = await resume(dir);
    assert.equal(r.status, 2, r.err);
    const lines = r.err.trim().split('\n');
    assert.equal(lines.length, 1, r.err);
    assert.match(lines[0], /^nlbgk: cannot resume /);
    assert.match(lines[0], message);
    assert.deepEqual(snapshot(dir), before, 'nothing changed');
  });
}

for (const [name, damage] of [
  ['summary.json missing', (d: string) => fs.rmSync(path.join(d, 'summary.json'))],
  ['summary.json truncated', (d: string) => fs.truncateSync(path.join(d, 'summary.json'), 50)],
  ['fields.h5 truncated', (d: string) => fs.truncateSync(path.join(d, 'fields.h5'), 1000)],
] as const) {
  test(`resume repairs the views: ${name}; the result is byte-identical to an uninterrupted run`, async () => {
    const dir = await cutRun(name.replace(/\W+/g, '-'));
    damage(dir);
    const r = await resume(dir);
    assert.equal(r.status, 0, r.err);
    for (const f of ['series.csv', 'summary.json', 'fields.h5']) assert.ok(fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(whole, f))), f);
  });
}

test('the undamaged cut run resumes byte-identically (the control of the cases above)', async () => {
  const dir = await cutRun('control');
  const r = await resume(dir);
  assert.equal(r.status, 0, r.err);
  for (const f of ['series.csv', 'summary.json', 'fields.h5']) assert.ok(fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(whole, f))), f);
});

test('checkpointState() (the checkpoint writer\'s no-copy state) encodes to the same checkpoint.bin bytes as saveState()', async () => {
  const { encodeCheckpoint } = await import('../src/io/checkpoint.js');
  const meta = { clock: { t: 0.003 }, configHash: 'h', series: { bytes: 1, sha256: 's' }, journal: { bytes: 0, sha256: 'j', snapshots: 0 }, wallSeconds: 0.1, steps: 3, t: 0.003 };
  const configs = {
    '1D': { model: { equation: 'kinetic', dim: 1, alpha: 1, eps: 0.1 }, domain: { cells: [32] }, velocity: { nodes: 8 }, initial: { rho: '1 + 0.4*sin(2*pi*x)' }, time: { end: 0.01, dt: 0.001 } },
    '2D, 2 threads': { model: { equation: 'kinetic', dim: 2, alpha: 1, eps: 0.1 }, domain: { cells: [16, 16] }, velocity: { nodes: 4 }, initial: { rho: '1 + 0.4*sin(2*pi*x)*cos(2*pi*y)' }, time: { end: 0.01, dt: 0.001 }, compute: { threads: 2 } },
    '2D walls': { model: { equation: 'kinetic', dim: 2, alpha: 1, eps: 0.1 }, domain: { cells: [16, 8], box: [[0, 2], [0, 1]], boundary: { x: ['specular', 'specular'], y: ['specular', 'specular'] } }, velocity: { nodes: 4 }, initial: { rho: '1 + 0.4*cos(pi*x)' }, time: { end: 0.01, dt: 0.001 } },
  };
  for (const [name, raw] of Object.entries(configs)) {
    const problem = buildProblem(validateConfig(raw));
    for (let i = 0; i < 3; i++) problem.stepper.step(0.001);
    const stepper = problem.stepper;
    assert.ok(stepper.checkpointState, `${name}: the kinetic stepper offers checkpointState`);
    const own = stepper.checkpointState();
    assert.ok(encodeCheckpoint(meta, own).equals(encodeCheckpoint(meta, stepper.saveState())), `${name}: same bytes`);
    // (the torus levels hand out their arrays; mirrored boxes build theirs from the doubled torus either way)
    if (name === '2D, 2 threads') assert.equal(own.q, stepper.checkpointState().q, `${name}: q is the stepper's own array, not a copy`);
  }
});

/**
 * Signals sent to a real child process: SIGTERM and SIGINT stop the run between two steps, write a
 * checkpoint, mark run.json "interrupted", release the lock, say in one line how to resume, and
 * exit 143 / 130; the resumed run ends byte-identical to an uninterrupted one. With
 * checkpoint.enabled false the line says the run cannot be resumed. On a terminal the cursor that
 * the progress bar hid is shown again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { LOCK_FILE } from '../src/io/lock.js';

const cli = path.resolve('dist/src/cli/main.js');
const nlbgk = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const config = (end: number, extra = '') => `
model:   { equation: diffusion, dim: 2, alpha: -1 }
domain:  { cells: [48, 48] }
initial: { rho: "1 + 0.5*sin(2*pi*x)*cos(2*pi*y)" }
time:    { end: ${end}, dt: 0.00001 }
output:  { times: [${end / 2}, ${end}], series_every: 7 }
${extra}`;

/** Start a run, wait until it is stepping, send `sig`; resolves to the exit status and stderr. */
async function interruptedRun(cfg: string, out: string, sig: NodeJS.Signals): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [cli, 'run', cfg, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const series = path.join(out, 'series.csv');
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline && !(fs.existsSync(series) && fs.statSync(series).size > 2000)) await sleep(10);
  child.kill(sig);
  return { status: await exited, stderr };
}

for (const [sig, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`${sig}: checkpoint, run.json "interrupted", one line saying how to resume, exit ${code}; resume completes byte-identically`, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-sig-'));
    const cfg = path.join(root, 'c.yaml');
    fs.writeFileSync(cfg, config(0.006));
    const out = path.join(root, 'cut');
    const r = await interruptedRun(cfg, out, sig);
    assert.equal(r.status, code, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], new RegExp(`^nlbgk: interrupted by ${sig} at step \\d+ \\(t = [0-9.e-]+\\); checkpoint written; continue with: nlbgk resume ${out.replace(/[/.]/g, '\\$&')}$`));
    const run = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));
    assert.equal(run.status, 'interrupted');
    assert.equal(run.signal, sig);
    const tStop = Number(/\(t = ([0-9.e-]+)\)/.exec(lines[0])?.[1]);
    assert.ok(run.steps > 0 && tStop > 0 && tStop < 0.006, `stopped in the middle (step ${run.steps}, t = ${tStop})`);
    assert.ok(fs.existsSync(path.join(out, 'checkpoint.bin')));
    assert.equal(fs.existsSync(path.join(out, LOCK_FILE)), false, 'the lock is released');

    const whole = path.join(root, 'whole');
    assert.equal(nlbgk('run', cfg, '--out', whole, '--quiet').status, 0);
    const res = nlbgk('resume', out, '--quiet');
    assert.equal(res.status, 0, res.stderr);
    for (const f of ['series.csv', 'summary.json', 'fields.h5']) {
      assert.ok(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(whole, f))), `${f} differs after resume`);
    }
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')).status, 'completed');
    assert.deepEqual(fs.readdirSync(out).sort(), ['fields.h5', 'run.json', 'series.csv', 'summary.json'], 'checkpoint and journal removed at completion');
  });
}

test('SIGTERM with checkpoint.enabled false: the line says the run cannot be resumed', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-sig-'));
  const cfg = path.join(root, 'c.yaml');
  fs.writeFileSync(cfg, config(0.006, 'checkpoint: { enabled: false }'));
  const out = path.join(root, 'cut');
  const r = await interruptedRun(cfg, out, 'SIGTERM');
  assert.equal(r.status, 143, r.stderr);
  assert.match(r.stderr, /^nlbgk: interrupted by SIGTERM at step \d+ .*checkpoint.enabled is false, so this run cannot be resumed\n$/);
  assert.equal(fs.existsSync(path.join(out, 'checkpoint.bin')), false);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')).status, 'interrupted');
  const res = nlbgk('resume', out);
  assert.equal(res.status, 2);
  assert.match(res.stderr, /no checkpoint\.bin/);
});

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
test('on a terminal, Ctrl-C shows the cursor again (the progress bar hid it)', { skip: hasScript ? false : 'util-linux script(1) not installed (apt-get install bsdutils)' }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-sig-'));
  const cfg = path.join(root, 'c.yaml');
  fs.writeFileSync(cfg, config(0.006));
  const out = path.join(root, 'cut');
  const log = path.join(root, 'typescript');
  // script(1) gives the child a pseudo-terminal and records what it writes there.
  const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} run ${JSON.stringify(cfg)} --out ${JSON.stringify(out)}`;
  const child = spawn('script', ['-qfec', cmd, log], { stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  const series = path.join(out, 'series.csv');
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline && !(fs.existsSync(series) && fs.statSync(series).size > 2000)) await sleep(10);
  // the terminal's Ctrl-C: SIGINT to the run (script's child)
  const pid = JSON.parse(fs.readFileSync(path.join(out, LOCK_FILE), 'utf8')).pid as number;
  process.kill(pid, 'SIGINT');
  assert.equal(await exited, 130);
  const text = fs.readFileSync(log, 'utf8');
  const hide = text.lastIndexOf('\u001b[?25l');
  const show = text.lastIndexOf('\u001b[?25h');
  assert.ok(hide >= 0, 'the bar hid the cursor');
  assert.ok(show > hide, 'and it is shown again');
  assert.match(text, /interrupted by SIGINT/);
});

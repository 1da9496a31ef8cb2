/**
 * A full disk is a clean failure that keeps the previous complete files: exit status 1 and one
 * line naming the file, never "completed" with a truncated summary.json or an unreadable fields.h5,
 * never a half-written checkpoint; after space is freed, resume completes byte-identically.
 * With privileges (root, CI containers) the test mounts a real 1 MiB tmpfs; everywhere a write
 * fault injected in the file layer (a short write, then ENOSPC) checks the same for nlbgk's own
 * writers (HDF5 writes through its own library, so fields.h5 is covered by the tmpfs case).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { validateConfig } from '../src/config/validate.js';
import { resumeRun, runConfig } from '../src/run.js';
import { RunIoError, setWriteFaultForTests } from '../src/io/files.js';
import { readCheckpoint } from '../src/io/checkpoint.js';
import { readFieldsHdf5 } from '../src/io/hdf5.js';

const cli = path.resolve('dist/src/cli/main.js');
const nlbgk = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

const kinetic = `
model:    { equation: kinetic, alpha: 1, eps: 0.3 }
domain:   { cells: [64] }
velocity: { nodes: 16 }
initial:  { rho: "1 + 0.5*sin(2*pi*x)" }
time:     { end: 0.05, dt: 0.0005 }
output:   { times: [${Array.from({ length: 50 }, (_, k) => (k + 1) / 1000).join(', ')}], store_h: true }
checkpoint: { every_steps: 5 }
`;

/** Every file left must be a complete version: JSON parses, HDF5 reads, the checkpoint verifies. */
async function assertComplete(dir: string): Promise<void> {
  for (const f of ['run.json', 'summary.json']) if (fs.existsSync(path.join(dir, f))) JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  if (fs.existsSync(path.join(dir, 'fields.h5'))) await readFieldsHdf5(path.join(dir, 'fields.h5'));
  if (fs.existsSync(path.join(dir, 'checkpoint.bin'))) readCheckpoint(path.join(dir, 'checkpoint.bin'));
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporaries left');
}

function tryMount(dir: string, size: string): boolean {
  if (process.platform !== 'linux') return false;
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' }).status === 0;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-full-'));
const probe = path.join(root, 'probe');
fs.mkdirSync(probe);
const canMount = tryMount(probe, '64k');
if (canMount) spawnSync('umount', [probe]);

test('a real 1 MiB tmpfs fills up: exit 1, one line, complete files kept; resume after freeing space is byte-identical', { skip: canMount ? false : 'mounting a tmpfs needs privileges (the injected-fault tests below still run)' }, async () => {
  const cfg = path.join(root, 'k.yaml');
  fs.writeFileSync(cfg, kinetic);
  const whole = path.join(root, 'whole');
  const w = nlbgk('run', cfg, '--out', whole, '--quiet');
  assert.equal(w.status, 0, w.stderr);
  const mnt = path.join(root, 'mnt');
  fs.mkdirSync(mnt);
  assert.ok(tryMount(mnt, '1m'));
  try {
    const out = path.join(mnt, 'run');
    const r = nlbgk('run', cfg, '--out', out, '--quiet');
    assert.equal(r.status, 1, `a full disk is a failure: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^nlbgk: write failed: cannot write .*: no space left on the device/);
    assert.doesNotMatch(r.stderr, /HDF5-DIAG/);
    await assertComplete(out);
    const status = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')).status;
    assert.ok(status === 'failed' || status === 'running', status);
    assert.ok(fs.existsSync(path.join(out, 'checkpoint.bin')), 'a checkpoint survives');
    assert.equal(spawnSync('mount', ['-o', 'remount,size=16m', mnt]).status, 0);
    const res = nlbgk('resume', out, '--quiet');
    assert.equal(res.status, 0, res.stderr);
    for (const f of ['series.csv', 'summary.json', 'fields.h5']) assert.ok(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(whole, f))), `${f} differs after resume`);
  } finally {
    spawnSync('umount', [mnt]);
  }
});

const small = validateConfig({
  model: { equation: 'diffusion', alpha: -1 },
  domain: { cells: [32] },
  initial: { rho: '1 + 0.5*sin(2*pi*x)' },
  time: { end: 0.01, dt: 0.0005 },
  output: { times: [0.0025, 0.005, 0.0075, 0.01] },
  checkpoint: { every_steps: 3 },
});

for (const victim of ['checkpoint.bin', 'summary.json', 'series.csv', 'snapshots.journal', 'run.json']) {
  test(`injected short write then ENOSPC on ${victim}: RunIoError naming it, previous files complete, resume byte-identical`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-fault-'));
    const whole = path.join(dir, 'whole');
    await runConfig(small, { outDir: whole });
    const out = path.join(dir, 'cut');
    let seen = 0;
    // a write to the victim is cut short, later ones fail: the second (run.json: its final "completed"
    // write), or for series.csv the tenth (a row after the first checkpoint)
    const nth = victim === 'series.csv' ? 10 : 2;
    setWriteFaultForTests((file, bytes) => (path.basename(file) === victim && ++seen >= nth ? Math.floor(bytes / 2) : bytes));
    try {
      await assert.rejects(runConfig(small, { outDir: out }), (err: unknown) => err instanceof RunIoError && err.message.includes(victim) && /no space left/.test(err.message));
    } finally {
      setWriteFaultForTests(null);
    }
    await assertComplete(out);
    const run = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));
    assert.notEqual(run.status, 'completed');
    if (victim === 'run.json') return; // the run finished; only its record could not be written
    await resumeRun(out);
    for (const f of ['series.csv', 'summary.json', 'fields.h5']) assert.ok(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(whole, f))), `${f} differs after resume`);
  });
}

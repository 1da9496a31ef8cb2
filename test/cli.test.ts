import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { readFieldsHdf5 } from '../src/io/hdf5.js';

const cli = path.resolve('dist/src/cli/main.js');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-cli-'));
const nlbgk = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

function writeConfig(dir: string, text: string): string {
  const f = path.join(dir, 'config.yaml');
  fs.writeFileSync(f, text);
  return f;
}

const good = `
model:   { equation: diffusion, dim: 1, alpha: 1 }
domain:  { cells: [32] }
initial: { rho: "1 + 0.5*sin(2*pi*x)" }
time:    { end: 0.01 }
output:  { times: [0.005, 0.01] }
`;

test('run writes the documented run directory', async () => {
  const dir = tmp();
  const out = path.join(dir, 'out');
  const r = nlbgk('run', writeConfig(dir, good), '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /results in/);
  const run = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'completed');
  assert.equal(run.config.model.alpha, 1);
  for (const k of ['nlbgk', 'commit', 'node', 'started', 'ended', 'wall_s', 'steps']) assert.ok(k in run, k);
  const lines = fs.readFileSync(path.join(out, 'series.csv'), 'utf8').trim().split('\n');
  assert.equal(lines[0], 't,mass,rho_min,rho_max,rho_l2_dev,dt,err');
  assert.equal(lines.length, run.steps + 2);
  assert.equal(Number(lines[lines.length - 1].split(',')[0]), 0.01);
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(summary.snapshots.map((s: { t: number }) => s.t), [0, 0.005, 0.01]);
  assert.deepEqual(summary.snapshots[1].cells, [32]);
  assert.equal(summary.snapshots[1].rho.length, 32);
  const h5 = await readFieldsHdf5(path.join(out, 'fields.h5'));
  assert.deepEqual(h5.shape.rho, [3, 32]);
  assert.deepEqual(Array.from(h5.data.t), [0, 0.005, 0.01]);
  assert.deepEqual(Array.from(h5.data.rho.subarray(64, 96)), summary.snapshots[2].rho);
  assert.equal(JSON.parse(h5.attributes.config).domain.cells[0], 32);
});

test('a non-empty output directory is refused without --force, and kept intact', () => {
  const dir = tmp();
  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
  const cfg = writeConfig(dir, good);
  const r = nlbgk('run', cfg, '--out', out);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not empty.*--force/);
  assert.deepEqual(fs.readdirSync(out), ['notes.txt']);
  const f = nlbgk('run', cfg, '--out', out, '--force');
  assert.equal(f.status, 0, f.stderr);
  assert.equal(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8'), 'mine');
});

test('an invalid config exits 2 with one line per problem and writes nothing', () => {
  const dir = tmp();
  const out = path.join(dir, 'out');
  const bad = good.replace('alpha: 1', 'alpha: "x", eps: -1').replace('[32]', '[0]');
  const r = nlbgk('run', writeConfig(dir, bad), '--out', out);
  assert.equal(r.status, 2);
  const lines = r.stderr.trim().split('\n');
  assert.ok(lines.length >= 3, r.stderr);
  for (const l of lines) assert.match(l, /^nlbgk: invalid config: [a-z_.\[\]0-9]+: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(fs.existsSync(out), false);
});

test('bad initial data exits 2 naming the field; --help and validate work', () => {
  const dir = tmp();
  const r = nlbgk('run', writeConfig(dir, good.replace('1 + 0.5*sin', '0.5*sin')), '--out', path.join(dir, 'o'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /initial\.rho: the initial density must be finite and > 0/);
  assert.equal(fs.existsSync(path.join(dir, 'o')), false);
  const h = nlbgk('--help');
  assert.equal(h.status, 0);
  assert.match(h.stdout, /run \[options\] <config>/);
  const v = nlbgk('validate', writeConfig(dir, good));
  assert.equal(v.status, 0);
  assert.equal(JSON.parse(v.stdout).output.series_every, 1);
  assert.equal(nlbgk('run', path.join(dir, 'missing.yaml'), '--out', path.join(dir, 'o')).status, 2);
});

test('kinetic runs: extended series, fluxes in snapshots, h in fields.h5, and compare against the limit', async () => {
  const dir = tmp();
  const kin = writeConfig(dir, `
model:    { equation: kinetic, dim: 1, alpha: 1, eps: 0.001 }
domain:   { cells: [32] }
velocity: { nodes: 4 }
initial:  { rho: "1 + 0.5*sin(2*pi*x)" }
time:     { end: 0.01, dt: 0.001 }
output:   { times: [0.005, 0.01], store_h: true }
`);
  const r = nlbgk('run', kin, '--out', path.join(dir, 'k'));
  assert.equal(r.status, 0, r.stderr);
  const header = fs.readFileSync(path.join(dir, 'k', 'series.csv'), 'utf8').split('\n')[0];
  assert.ok(header.startsWith('t,mass,rho_min,rho_max,rho_l2_dev,l2_sq,l2_neq_sq,flux_l2_sq,h_min,h_max,dist_eq,'), header);
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'k', 'summary.json'), 'utf8'));
  assert.equal(summary.snapshots[1].j.length, 32);
  assert.equal(summary.snapshots[1].h, undefined, 'h goes to fields.h5 only');
  const h5 = await readFieldsHdf5(path.join(dir, 'k', 'fields.h5'));
  assert.deepEqual(h5.shape.h, [3, 32, 4]);
  assert.deepEqual(h5.shape.v, [4]);
  // rho is the quadrature moment of the stored h
  const w = h5.data.w;
  for (let c = 0; c < 32; c++) {
    let rho = 0;
    for (let k = 0; k < 4; k++) rho += w[k] * h5.data.h[2 * 128 + c * 4 + k];
    assert.ok(Math.abs(rho - summary.snapshots[2].rho[c]) < 1e-13);
  }

  const lim = writeConfig(dir, `
model:    { equation: diffusion, dim: 1, alpha: 1 }
domain:   { cells: [32] }
initial:  { rho: "1 + 0.5*sin(2*pi*x)" }
time:     { end: 0.01, dt: 0.001 }
output:   { times: [0.005, 0.01] }
`);
  assert.equal(nlbgk('run', lim, '--out', path.join(dir, 'l')).status, 0);
  const json = path.join(dir, 'cmp.json');
  const c = nlbgk('compare', path.join(dir, 'k'), path.join(dir, 'l'), '--json', json);
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /\|\|f_eps-rho~M\|\|/);
  const cmp = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.deepEqual(cmp.rows.map((x: { t: number }) => x.t), [0, 0.005, 0.01]);
  // eps = 1e-3: the kinetic density is the limit scheme's up to O(dx^2) scheme differences and O(eps) layers
  assert.ok(cmp.sup.rho_l2 < 5e-3, `rho distance ${cmp.sup.rho_l2}`);
  assert.ok(cmp.rows[2].kinetic_to_limit >= cmp.rows[2].rho_l2);
  assert.equal(nlbgk('compare', path.join(dir, 'k'), path.join(dir, 'l'), '--json', json).status, 2, 'no overwrite without --force');
});

test('fields.h5 opens in Python with h5py', { skip: spawnSync('/usr/bin/python3', ['-c', 'import h5py']).status !== 0 && !process.env.CI ? 'needs h5py: python3 cannot import h5py (apt: python3-h5py)' : false }, () => {
  const dir = tmp();
  const out = path.join(dir, 'out');
  assert.equal(nlbgk('run', writeConfig(dir, good), '--out', out).status, 0);
  const py = `import h5py, json\nf = h5py.File(${JSON.stringify(path.join(out, 'fields.h5'))}, 'r')\nprint(json.dumps({'shape': list(f['rho'].shape), 't': f['t'][:].tolist(), 'x0': float(f['x'][0]), 'rho': f['rho'][2].tolist(), 'cells': json.loads(f.attrs['config'])['domain']['cells']}))`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout);
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(got.shape, [3, 32]);
  assert.deepEqual(got.t, [0, 0.005, 0.01]);
  assert.equal(got.x0, 1 / 64);
  assert.deepEqual(got.rho, summary.snapshots[2].rho);
  assert.deepEqual(got.cells, [32]);
});

test('particle runs: same seed gives the same bytes, a resumed run too, and compare works against a kinetic run', () => {
  const dir = tmp();
  const cfg = writeConfig(dir, `
model:      { equation: particles, dim: 1, alpha: 1, eps: 0.1 }
domain:     { cells: [16] }
initial:    { rho: "1 + 0.5*sin(2*pi*x)" }
particles:  { count: 20000, seed: 3, ensembles: 2 }
time:       { end: 0.02, dt: 0.002 }
output:     { times: [0.01, 0.02] }
checkpoint: { every_steps: 4 }
`);
  for (const d of ['a', 'b']) assert.equal(nlbgk('run', cfg, '--out', path.join(dir, d)).status, 0);
  for (const f of ['series.csv', 'summary.json', 'fields.h5']) {
    assert.ok(fs.readFileSync(path.join(dir, 'a', f)).equals(fs.readFileSync(path.join(dir, 'b', f))), f);
  }
  const header = fs.readFileSync(path.join(dir, 'a', 'series.csv'), 'utf8').split('\n')[0];
  assert.equal(header, 't,mass,rho_min,rho_max,rho_l2_dev,flux_l2_sq,dt,err');
  const run = JSON.parse(fs.readFileSync(path.join(dir, 'a', 'run.json'), 'utf8'));
  assert.equal(run.seed, 3);
  assert.match(run.scheme, /particles-exact/);
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'a', 'summary.json'), 'utf8'));
  assert.equal(summary.snapshots[2].j.length, 16);

  const kin = writeConfig(dir, `
model:    { equation: kinetic, dim: 1, alpha: 1, eps: 0.1 }
domain:   { cells: [16] }
initial:  { rho: "1 + 0.5*sin(2*pi*x)" }
time:     { end: 0.02, dt: 0.002 }
output:   { times: [0.01, 0.02] }
`);
  assert.equal(nlbgk('run', kin, '--out', path.join(dir, 'k')).status, 0);
  const c = nlbgk('compare', path.join(dir, 'a'), path.join(dir, 'k'));
  assert.equal(c.status, 0, c.stderr);
  // 40000 particles on 16 cells: the histogram noise is ~ sqrt(16/40000) ~ 0.02 in L2
  const sup = Number(c.stdout.split('\n').find((l) => l.startsWith('sup\t'))!.split('\t')[1]);
  assert.ok(sup < 0.06, `particles vs kinetic: ${sup}`);
});

test('validate checks what run checks; compare explains what it leaves out', () => {
  const dir = tmp();
  const v = nlbgk('validate', writeConfig(dir, good.replace('1 + 0.5*sin(2*pi*x)', 'sin(2*pi*x)')));
  assert.equal(v.status, 2);
  assert.match(v.stderr, /initial\.rho: the initial density must be finite and > 0/);
  const long = nlbgk('validate', writeConfig(dir, good.replace('time:    { end: 0.01 }', 'time:    { end: 1000, dt: 0.00001 }').replace('[0.005, 0.01]', '[1000]')));
  assert.equal(long.status, 2);
  assert.match(long.stderr, /^nlbgk: invalid config: time\.dt: would need \d+ steps, more than time\.max_steps = 10000000/);
  assert.doesNotMatch(long.stderr, /\n\s+at /);
  const wrongSection = nlbgk('validate', writeConfig(dir, good + 'velocity: { nodes: 8 }\n'));
  assert.equal(wrongSection.status, 2);
  assert.match(wrongSection.stderr, /velocity: is only for the kinetic equations \(kinetic, fokker-planck\) \(got equation diffusion\)/);

  const kin = writeConfig(dir, good.replace('equation: diffusion, dim: 1, alpha: 1', 'equation: kinetic, dim: 1, alpha: 1, eps: 0.01'));
  assert.equal(nlbgk('run', kin, '--out', path.join(dir, 'k')).status, 0);
  const fine = writeConfig(dir, good.replace('[32]', '[64]').replace('alpha: 1', 'alpha: 0.5'));
  assert.equal(nlbgk('run', fine, '--out', path.join(dir, 'd')).status, 0);
  const c = nlbgk('compare', path.join(dir, 'k'), path.join(dir, 'd'));
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /note: the kinetic-to-limit distance .* is left out: it needs the same grid/);
  assert.match(c.stdout, /note: the runs solve different models \(alpha = 1 against alpha = 0.5\)/);
});

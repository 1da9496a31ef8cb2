/** `nlbgk plot RUN`: PNG and SVG of the snapshots, the series and kinetic h(x, v), from a run directory alone. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../src/cli/main.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-plot-'));
const io = (sink: { out: string; err: string }) => ({ out: (t: string) => void (sink.out += t), err: (t: string) => void (sink.err += t) });

test('plot a 1D kinetic run with stored h: snapshots, series and h as PNG and SVG in RUN/plots', async () => {
  const cfg = path.join(root, 'k.yaml');
  fs.writeFileSync(cfg, `model: { equation: kinetic, alpha: 1, eps: 0.1 }\ndomain: { cells: [24] }\nvelocity: { nodes: 6 }\ninitial: { h: "1 + 0.5*sin(2*pi*x) + 0.3*tanh(v)*cos(2*pi*x)" }\ntime: { end: 0.02 }\noutput: { times: [0.01, 0.02], store_h: true }\n`);
  const run = path.join(root, 'k');
  const sink = { out: '', err: '' };
  assert.equal(await main(['node', 'nlbgk', 'run', cfg, '--out', run, '--quiet'], io(sink)), 0, sink.err);
  assert.equal(await main(['node', 'nlbgk', 'plot', run], io(sink)), 0, sink.err);
  assert.match(sink.out, /snapshots\.svg, snapshots\.png, series\.svg, series\.png, h\.svg, h\.png in .*plots\//);
  for (const name of ['snapshots', 'series', 'h']) {
    const png = fs.readFileSync(path.join(run, 'plots', `${name}.png`));
    assert.ok(png.subarray(1, 4).toString() === 'PNG' && png.length > 5000, `${name}.png`);
    assert.match(fs.readFileSync(path.join(run, 'plots', `${name}.svg`), 'utf8'), /^<svg/);
  }
  const svg = fs.readFileSync(path.join(run, 'plots', 'series.svg'), 'utf8');
  for (const label of ['mass drift', 'extremes', 'distance to equilibrium', 'l2_neq_sq', 'dist_eq']) assert.ok(svg.includes(label), label);
  // again, into another directory, PNG only; a non-empty --out needs --force
  const other = path.join(root, 'figs');
  assert.equal(await main(['node', 'nlbgk', 'plot', run, '--out', other, '--format', 'png'], io(sink)), 0, sink.err);
  assert.deepEqual(fs.readdirSync(other).sort(), ['h.png', 'series.png', 'snapshots.png']);
  assert.equal(await main(['node', 'nlbgk', 'plot', run, '--out', other], io(sink)), 2);
  assert.equal(await main(['node', 'nlbgk', 'plot', run, '--out', other, '--force', '--format', 'gif'], io(sink)), 2);
});

test('plot a 2D run: heat maps; a run whose fields.h5 is damaged is refused with one line', async () => {
  const cfg = path.join(root, 'd.yaml');
  fs.writeFileSync(cfg, `model: { equation: diffusion, dim: 2, alpha: -1 }\ndomain: { cells: [16, 12] }\ninitial: { rho: "1 + 0.5*sin(2*pi*x)*cos(2*pi*y)" }\ntime: { end: 0.01 }\n`);
  const run = path.join(root, 'd');
  const sink = { out: '', err: '' };
  assert.equal(await main(['node', 'nlbgk', 'run', cfg, '--out', run, '--quiet'], io(sink)), 0, sink.err);
  assert.equal(await main(['node', 'nlbgk', 'plot', run, '--format', 'svg'], io(sink)), 0, sink.err);
  assert.match(fs.readFileSync(path.join(run, 'plots', 'snapshots.svg'), 'utf8'), /rho\(x, y\)/);
  const k = path.join(root, 'k');
  fs.truncateSync(path.join(k, 'fields.h5'), 500);
  // a real process: HDF5's own diagnostics must not reach the terminal either
  const r = spawnSync(process.execPath, [path.resolve('dist/src/cli/main.js'), 'plot', k], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^nlbgk: .*fields\.h5 cannot be read \(damaged\?\)\n$/);
});

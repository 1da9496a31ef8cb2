/**
 * The explorer in two dimensions and its new views, in Node: settings per dimension, the 2D Engine
 * against `nlbgk run` (byte-identical series, bit-identical densities), the distance to the limit
 * against `nlbgk compare`, the eps sweep, colour scales that show round-off as 0, readable tick
 * labels, the frame record behind the time scrubber, cuts and field exports. The page itself is
 * driven in Chromium by test/explorer.e2e.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig, type ConfigError } from '../src/config/validate.js';
import type { Config } from '../src/config/schema.js';
import { runConfig } from '../src/run.js';
import { readRun } from '../src/io/readRun.js';
import { compareRuns } from '../src/diagnostics/compare.js';
import { cellsField, configInput, decodeState, DEFAULTS, DOMAIN_PRESETS, domainPresetOf, encodeState, presetOf, switchDim, type ExplorerState } from '../src/web/state.js';
import { messagesOf, validateState } from '../src/web/validation.js';
import { Engine } from '../src/web/engine.js';
import { seriesCsv, rhoCsv, hCsv } from '../src/web/exports.js';
import { sweepConfig, sweepEps, sweepFit, sweepLimit, sweepPoint } from '../src/web/sweep.js';
import { divergingIndex, divergingScale, logLabels, linearLabels, niceTicks, ROUNDOFF, sequentialIndex, sequentialRange, tickLabels } from '../src/web/colorScale.js';
import { FrameHistory } from '../src/web/history.js';
import { cut, cutIndex, difference, maxAbs, nonEquilibrium } from '../src/web/fields.js';
import { domainOverlay } from '../src/web/domain.js';
import { SeriesStore } from '../src/web/series.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-explorer2d-'));
const state2 = (over: Partial<ExplorerState> = {}): ExplorerState => ({ ...DEFAULTS[2], ...over });
const configOf = (s: ExplorerState): Config => {
  const r = validateState(s);
  assert.ok(r.config, JSON.stringify(r.messages));
  return r.config;
};

async function cliRun(config: Config, out = path.join(tmp(), 'run')) {
  await runConfig({ ...config, output: { ...config.output, fields: false } }, { outDir: out });
  return {
    dir: out,
    csv: fs.readFileSync(path.join(out, 'series.csv'), 'utf8'),
    snapshots: (JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as { snapshots: { t: number; rho: number[] }[] }).snapshots,
  };
}

function drain(engine: Engine, speed: number) {
  const frames = [engine.frame()];
  while (!frames[frames.length - 1].done) frames.push(engine.advance(speed));
  return frames;
}

test('settings per dimension: defaults, URL codec, switching, cells, config', () => {
  assert.equal(encodeState(state2()), 'dim=2', 'the 2D defaults are one parameter');
  assert.deepEqual(decodeState('dim=2'), state2());
  const s = state2({ equation: 'particles', alpha: '0.5', cells: '48x32', expr: '1 + x*y', end: '0.1', rtol: '' });
  assert.deepEqual(decodeState(encodeState(s)), s);
  assert.equal(presetOf(state2())?.id, 'bumps');
  // switching keeps the model, takes the grid, data and tolerance of the other dimension
  const one = switchDim(state2({ alpha: '0.7', eps: '0.3' }), 1);
  assert.equal(one.dim, 1);
  assert.equal(one.alpha, '0.7');
  assert.equal(one.eps, '0.3');
  assert.equal(one.cells, DEFAULTS[1].cells);
  assert.equal(one.expr, DEFAULTS[1].expr);
  assert.equal(switchDim(one, 2).rtol, DEFAULTS[2].rtol);
  // cells: N is N per dimension; Nx x Ny in 2D
  assert.deepEqual(cellsField('64', 2), [64, 64]);
  assert.deepEqual(cellsField('48 x 32', 2), [48, 32]);
  assert.deepEqual(cellsField('48×32', 2), [48, 32]);
  assert.deepEqual(cellsField('48, 32', 2), [48, 32]);
  assert.deepEqual(cellsField('256', 1), [256]);
  const c = configInput(state2()) as unknown as { model: { dim: number }; domain: { cells: number[] }; time: { rtol: number }; velocity: { nodes: number } };
  assert.equal(c.model.dim, 2);
  assert.deepEqual(c.domain.cells, [64, 64]);
  assert.equal(c.time.rtol, 1e-3);
  assert.equal(c.velocity.nodes, 4);
  // particles take fixed steps: no rtol in their config
  assert.equal((configInput(state2({ equation: 'particles' })) as unknown as { time: { rtol?: number } }).time.rtol, undefined);
});

test('2D validation: each problem at its field', () => {
  assert.match(validateState(state2({ cells: '48x32x16' })).messages.cells ?? '', /cell count/);
  assert.match(validateState(state2({ cells: '64', nodes: '64' })).messages.cells ?? '', /cells × velocities = 16777216.*nlbgk run/);
  assert.match(validateState(state2({ rtol: '0.5' })).messages.rtol ?? '', /\[1e-12, 0\.1\]/);
  assert.match(validateState(state2({ expr: '1 + v' })).messages.expr ?? '', /v/, 'rho_in(x, y) has no v');
  assert.equal(validateState(state2({ initialKind: 'h', expr: '1 + 0.1*tanh(vx)*sin(2*pi*y)' })).messages.expr, undefined);
  assert.deepEqual(messagesOf([{ path: 'model.dim', message: 'm' }]), { dim: 'm' });
  assert.equal(validateState(state2({ rtol: '' })).config?.time.rtol, 1e-4, 'empty rtol: the CLI default min(1e-4, 1/N²)');
  assert.equal(validateState(state2({ rtol: '', cells: '128', nodes: '2' })).config?.time.rtol, 1 / 16384);
});

test('2D Engine = the CLI: series byte-identical, densities bit-identical, the limit config, the distance as nlbgk compare', async () => {
  const config = configOf(state2({ eps: '0.05', cells: '16x12', nodes: '3', end: '0.004' }));
  const engine = new Engine(config);
  assert.equal(engine.meta.dim, 2);
  assert.deepEqual(engine.meta.n, [16, 12]);
  assert.equal(engine.meta.y?.length, 12);
  assert.equal(engine.meta.velocities?.length, 2);
  assert.equal(engine.meta.w?.length, 9);
  assert.equal(engine.meta.distanceKind, 'kinetic');
  const frames = drain(engine, 2);
  const last = frames[frames.length - 1];
  const cli = await cliRun(config);
  assert.equal(seriesCsv(engine.meta.columns, frames.flatMap((f) => f.rows)), cli.csv, 'the page series.csv is the CLI one');
  assert.deepEqual(Array.from(last.rho), cli.snapshots[cli.snapshots.length - 1].rho, 'the final density, bit for bit');
  assert.equal(last.h?.length, 16 * 12 * 9);
  // the limit run's config is the CLI's diffusion run of the same data; the distance at the end is
  // what nlbgk compare reports for the two runs, up to the limit run's own steps (it lands on every kinetic time)
  const limitConfig = engine.meta.limitConfig as Config;
  assert.equal(limitConfig.model.equation, 'diffusion');
  assert.deepEqual(limitConfig.domain.cells, [16, 12]);
  const lim = await cliRun(limitConfig);
  const cmp = compareRuns(readRun(cli.dir), readRun(lim.dir));
  const atEnd = cmp.rows.find((r) => r.t === 0.004);
  assert.ok(atEnd?.kinetic_to_limit !== undefined);
  const distance = frames.flatMap((f) => f.distance);
  assert.equal(distance.length, frames.flatMap((f) => f.rows).length, 'one distance per series row');
  assert.ok(distance[0] < 1e-15, `well-prepared data: the distance starts at 0 (to round-off), got ${distance[0]}`);
  const end = distance[distance.length - 1];
  assert.ok(Math.abs(end - atEnd.kinetic_to_limit) <= 1e-3 * atEnd.kinetic_to_limit, `page ${end} vs compare ${atEnd.kinetic_to_limit}`);
  // the page's plot record of it
  const store = new SeriesStore(engine.meta);
  for (const f of frames) store.add(f);
  assert.equal(store.limitDist.length, store.t.length);
  assert.ok(store.limitDist.slice(1).every((d) => d !== null && d > 0));
  assert.ok(store.neqPart.slice(1).every((d, i) => d !== null && d <= (store.limitDist[i + 1] as number) * (1 + 1e-12)));
});

test('2D diffusion and particles in the Engine', async () => {
  const dcfg = configOf(state2({ equation: 'diffusion', cells: '24', end: '0.003', rtol: '' }));
  const d = new Engine(dcfg);
  assert.equal(d.meta.distanceKind, null);
  const frames = drain(d, 10);
  assert.equal(seriesCsv(d.meta.columns, frames.flatMap((f) => f.rows)), (await cliRun(dcfg)).csv);
  assert.ok(Math.abs((d.meta.decayRate as number) - 4 * Math.PI ** 2 / d.meta.lambdaMean) < 1e-9);
  const pc = validateConfig({ ...configInput(state2({ equation: 'particles', eps: '0.3', cells: '16', end: '0.002' })), particles: { count: 4000 } });
  const p = new Engine(pc);
  assert.equal(p.meta.distanceKind, 'density');
  const pf = drain(p, 5);
  const last = pf[pf.length - 1];
  assert.equal(last.failure, null);
  assert.ok(last.distance.length > 0 && last.distance.every((x) => x > 0 && Number.isFinite(x)));
  assert.deepEqual(last.distance, last.densityDistance, 'particles: the distance is the density part');
});

test('the eps sweep: each point is nlbgk compare of the two CLI runs, bit for bit; the order is about 1', async () => {
  const config = configOf({ ...DEFAULTS[1], alpha: '1', cells: '48', nodes: '8', end: '0.5' });
  const T = 0.01;
  const eps = sweepEps(0.02, 0.002, 3);
  assert.deepEqual(eps, [0.02, 0.00632, 0.002]);
  const limit = sweepLimit(config, T);
  const points = eps.map((e) => sweepPoint(config, e, T, limit.rho));
  // the CLI: the same configs, and compare
  const limitRun = await cliRun(limit.config as Config);
  const kin = await cliRun(sweepConfig(config, eps[1], T));
  const cmp = compareRuns(readRun(kin.dir), readRun(limitRun.dir));
  assert.equal(cmp.rows[cmp.rows.length - 1].t, T);
  assert.equal(points[1].distance, cmp.rows[cmp.rows.length - 1].kinetic_to_limit, 'the sweep distance is the one nlbgk compare prints');
  assert.equal(points[1].density, cmp.rows[cmp.rows.length - 1].rho_l2);
  const fit = sweepFit(points);
  assert.ok(fit && fit.order > 0.8 && fit.order < 1.3, `order ${fit?.order}`);
  assert.ok(points.every((p, i) => i === 0 || p.distance < points[i - 1].distance), 'the distance falls with eps');
  assert.throws(() => sweepEps(0.1, 0.01, 1), RangeError);
});

test('colour scales show round-off as zero; tick labels are readable at every scale', () => {
  // h − rho at equilibrium: ±6.66e-16 of data of size 1.5 is round-off: one colour, exactly neutral
  const s = divergingScale(6.66e-16, 1.5);
  assert.equal(s.allZero, true);
  for (const v of [6.66e-16, -6.66e-16, 0, NaN]) assert.equal(divergingIndex(v, s), 127);
  // above round-off: symmetric colours, the extremes at the ends, sign always visible
  const d = divergingScale(2e-3, 1.5);
  assert.equal(d.allZero, false);
  assert.equal(divergingIndex(2e-3, d), 254);
  assert.equal(divergingIndex(-2e-3, d), 0);
  assert.equal(divergingIndex(1e-3, d) - 127, 127 - divergingIndex(-1e-3, d));
  assert.ok(divergingIndex(1e-9, d) > 127, 'a small real difference is not drawn as 0');
  assert.ok(ROUNDOFF * 1.5 < 1e-9);
  assert.equal(sequentialIndex(0.5, 0.5, 1.5), 0);
  assert.equal(sequentialIndex(1.5, 0.5, 1.5), 255);
  assert.equal(sequentialIndex(NaN, 0.5, 1.5), 0);
  const u = sequentialRange(0.186, 0.186 + 1e-16);
  assert.equal(u.uniform, true);
  assert.equal(sequentialIndex(0.186, u.lo, u.hi, u.uniform), 128);
  assert.equal(sequentialIndex(0.186 + 1e-16, u.lo, u.hi, u.uniform), 128);
  assert.equal(sequentialRange(0.1, 1.1).uniform, false);
  // ticks: whole labels, never a cut mantissa
  assert.deepEqual(niceTicks(-6.66e-16, 6.66e-16).map((t) => t.text), ['−5e−16', '0', '5e−16']);
  assert.deepEqual(niceTicks(0.5, 1.5).map((t) => t.text), ['0.5', '1.0', '1.5']);
  assert.deepEqual(niceTicks(-0.0117, 0.0117).map((t) => t.text), ['−0.01', '0', '0.01']);
  assert.deepEqual(niceTicks(0.1862, 0.1871).map((t) => t.text), ['0.1865', '0.1870']);
  assert.deepEqual(tickLabels([1e-7, 1.5e-7], 5e-8), ['1.0e−7', '1.5e−7']);
  assert.deepEqual(tickLabels([-2e-16], 1e-16), ['−2e−16']);
  // chart axes: one format per axis (no 5.00e-4 beside 0.001), trailing zeros dropped
  assert.deepEqual(linearLabels([0, 5e-4, 1e-3, 1.5e-3]), ['0', '0.0005', '0.001', '0.0015']);
  assert.deepEqual(linearLabels([0.2, 0.4, 0.6, null]), ['0.2', '0.4', '0.6', '']);
  assert.deepEqual(linearLabels([1e-5, 2e-5, 3e-5]), ['1e−5', '2e−5', '3e−5']);
  // log axes: at most 7 labels, powers of ten
  const decades = Array.from({ length: 18 }, (_, k) => 10 ** -k);
  const labels = logLabels(decades).filter((l) => l !== '');
  assert.ok(labels.length <= 7 && labels.length >= 4, labels.join(' '));
  assert.ok(labels.every((l) => /^1e-?\d+$/.test(l)));
  assert.deepEqual(logLabels([1e-3, 1e-2, 1e-1]), ['1e-3', '1e-2', '1e-1']);
});

test('the frame record: every frame within the budget, thinned evenly, first and latest kept', () => {
  const field = (n: number) => new Float64Array(n);
  const h = new FrameHistory(10 * 800); // ten frames of 100 doubles
  for (let k = 0; k <= 40; k++) h.add({ t: k / 40, steps: k, dt: 0.025, rho: field(100), limitRho: null, h: null });
  assert.ok(h.usedBytes <= 8000);
  assert.equal(h.at(0)?.t, 0);
  assert.equal(h.latest?.t, 1);
  assert.ok(h.thinned >= 2);
  const ts = Array.from({ length: h.length }, (_, k) => h.at(k)?.t as number);
  assert.ok(ts.every((t, k) => k === 0 || t > ts[k - 1]), 'in time order');
  // a repeated frame (the same step) replaces the latest
  const n = h.length;
  h.add({ t: 1, steps: 40, dt: 0.025, rho: field(100), limitRho: null, h: null });
  assert.equal(h.length, n);
});

test('cuts, differences and field exports', () => {
  const n = [4, 3];
  const v = Float64Array.from({ length: 12 }, (_, c) => c); // value = i + 4 j
  assert.deepEqual(Array.from(cut(v, n, 'x', 1)), [4, 5, 6, 7]);
  assert.deepEqual(Array.from(cut(v, n, 'y', 2)), [2, 6, 10]);
  assert.equal(cutIndex(n, 'x', 0.5), 1);
  assert.equal(cutIndex(n, 'y', 0.99), 3);
  assert.equal(maxAbs(difference(Float64Array.of(1, 2), Float64Array.of(1.5, 2))), 0.5);
  assert.deepEqual(Array.from(nonEquilibrium(Float64Array.of(1, 3, 2, 2), Float64Array.of(2, 2))), [-1, 1, 0, 0]);
  // exports read back exactly
  const layout = { dim: 2 as const, x: Float64Array.of(0.125, 0.375, 0.625, 0.875), y: Float64Array.of(1 / 6, 0.5, 5 / 6), velocities: [Float64Array.of(-1, 1), Float64Array.of(1, -1)], w: Float64Array.of(0.5, 0.5) };
  const rho = Float64Array.from({ length: 12 }, (_, c) => 1 + c / 7);
  const csv = rhoCsv(layout, 0.25, rho, rho.map((r) => r + 1e-17));
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 't,x,y,rho,rho_limit');
  assert.equal(lines.length, 13);
  const row5 = lines[6].split(',').map(Number);
  assert.deepEqual(row5.slice(0, 4), [0.25, 0.375, 0.5, rho[5]]);
  const hv = Float64Array.from({ length: 24 }, (_, i) => i / 3);
  const hlines = hCsv(layout, 0.25, hv).trim().split('\n');
  assert.equal(hlines[0], 't,x,y,vx,vy,w,h');
  assert.equal(hlines.length, 25);
  assert.deepEqual(hlines[4].split(',').map(Number), [0.25, 0.375, 1 / 6, 1, -1, 0.5, hv[3]]);
  const one = rhoCsv({ dim: 1, x: Float64Array.of(0.25, 0.75), y: null, velocities: null, w: null }, 0, Float64Array.of(1, 2), null);
  assert.equal(one, 't,x,rho\n0,0.25,1\n0,0.75,2\n');
});

test('the domain overlay: the torus has no boundary to draw; boxes draw walls and held sides from the config', () => {
  const o = domainOverlay(configOf(state2()));
  assert.equal(o.periodic, true);
  assert.deepEqual(o.edges, []);
  assert.deepEqual(o.box, [[0, 1], [0, 1]]);
  assert.match(o.note, /torus T²/);
  const preset = (dim: 1 | 2, id: string) => DOMAIN_PRESETS[dim].find((p) => p.id === id)?.domain as string;
  // every preset is a valid config of the limit equation in its dimension
  for (const dim of [1, 2] as const) {
    for (const p of DOMAIN_PRESETS[dim]) {
      const s = { ...DEFAULTS[dim], equation: 'diffusion' as const, domain: p.domain };
      assert.deepEqual(validateState(s).messages, {}, `${dim}D ${p.id}`);
      assert.equal(domainPresetOf(s), p.id);
    }
  }
  const walls1 = domainOverlay(configOf({ ...DEFAULTS[1], equation: 'diffusion', domain: preset(1, 'walls') }));
  assert.deepEqual(walls1.edges.map((e) => [e.kind, e.from[0]]), [['wall', 0], ['wall', 1]]);
  assert.equal(walls1.periodic, false);
  const source = domainOverlay(configOf(state2({ equation: 'diffusion', domain: preset(2, 'source') })));
  assert.deepEqual(source.edges.map((e) => [e.kind, e.from, e.to, e.value]), [
    ['wall', [0, 0], [0, 1], undefined],
    ['wall', [1, 0], [1, 1], undefined],
    ['dirichlet', [0, 0], [1, 0], 1],
    ['wall', [0, 1], [1, 1], undefined],
  ]);
  assert.match(source.note, /box \[0, 1\] × \[0, 1\]: x = 0: zero-flux.*y = 0: ρ = 1/);
  const channel = domainOverlay(configOf(state2({ equation: 'diffusion', domain: preset(2, 'channel') })));
  assert.deepEqual(channel.edges.map((e) => e.kind), ['dirichlet', 'dirichlet']);
  const out1 = domainOverlay(configOf({ ...DEFAULTS[1], equation: 'diffusion', domain: preset(1, 'outflow') }));
  assert.deepEqual(out1.box[0], [-2, 2]);
  // a radial mesh: one axis r, its centre no boundary, the outer side a wall by default
  const radial = { ...DEFAULTS[1], equation: 'diffusion' as const, alpha: '0', domain: '{ geometry: radial, box: [[0, 5]] }', expr: '0.1 + exp(-r^2)', cells: '64' };
  const rc = configOf(radial);
  const ro = domainOverlay(rc);
  assert.deepEqual(ro.axes[0], 'r');
  assert.deepEqual(ro.edges.map((e) => [e.kind, e.from[0]]), [['wall', 5]]);
  assert.match(ro.note, /radial mesh of R\^1/);
  // 2D page, radial mesh of R²: one cell count
  assert.deepEqual(configOf({ ...radial, dim: 2 }).domain.cells, [64]);
});

test('domains in the page: errors of the field itself, the equations that refuse walls, a box run = the CLI with mass + outflow conserved', async () => {
  assert.match(validateState(state2({ equation: 'diffusion', domain: '{ box: [[0, 1]' })).messages.domain ?? '', /mapping of domain keys/);
  assert.match(validateState(state2({ equation: 'diffusion', domain: '{ cells: [4] }' })).messages.domain ?? '', /cells field/);
  assert.match(validateState(state2({ equation: 'diffusion', domain: '[1, 2]' })).messages.domain ?? '', /mapping/);
  assert.match(validateState(state2({ equation: 'diffusion', domain: '{ boundary: { x: [zero-flux, wall] } }' })).messages.domain ?? '', /wall/);
  // the presets' zero-flux walls belong to the limit equation (kinetic walls are specular or diffuse):
  // the builder's message comes back at the domain field
  const kin = configOf(state2({ cells: '8', domain: DOMAIN_PRESETS[2][1].domain }));
  assert.throws(() => new Engine(kin), (err: ConfigError) => /specular/.test(messagesOf(err.issues).domain ?? ''));
  // the limit equation in a box with a source wall, in the Engine and in the CLI
  const config = configOf(state2({ equation: 'diffusion', cells: '12x8', domain: DOMAIN_PRESETS[2][2].domain, end: '0.01', rtol: '' }));
  const engine = new Engine(config);
  assert.equal(engine.meta.decayRate, null);
  assert.match(engine.meta.decayNote, /torus/);
  const frames = drain(engine, 5);
  const rows = frames.flatMap((f) => f.rows);
  assert.equal(seriesCsv(engine.meta.columns, rows), (await cliRun(config)).csv);
  const iMass = 1 + engine.meta.columns.indexOf('mass');
  const outs = engine.meta.columns.map((c, i) => (c.startsWith('outflow_') ? i + 1 : -1)).filter((i) => i > 0);
  assert.equal(outs.length, 4, 'an outflow column per non-periodic side');
  const conserved = rows.map((r) => r[iMass] + outs.reduce((s, i) => s + r[i], 0));
  assert.ok(conserved.every((m) => Math.abs(m - conserved[0]) <= 1e-12 * conserved[0]), 'mass + outflow is the initial mass');
  const last = rows[rows.length - 1];
  const iHeld = 1 + engine.meta.columns.indexOf('outflow_y_lo');
  assert.ok(last[iHeld] < 0, 'mass enters through the held side (density 1 above the data)');
  assert.ok(outs.filter((i) => i !== iHeld).every((i) => last[i] === 0), 'walls pass nothing');
});

test('Engine: data the schema cannot check land at their field in 2D', () => {
  const bad = configOf(state2({ expr: 'sin(2*pi*x)*sin(2*pi*y)' }));
  assert.throws(() => new Engine(bad), (err: ConfigError) => /finite and >= 0/.test(messagesOf(err.issues).expr ?? ''));
});

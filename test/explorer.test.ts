/**
 * The browser explorer's logic, in Node: settings ↔ URL, validation with the CLI's schema and
 * expression parser, YAML/CSV exports, the exact linear rate, and the worker's Engine against the
 * CLI's own run (src/run.ts) on the same config. The page itself is tested in a real browser by
 * test/explorer.e2e.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfigText, validateConfig } from '../src/config/validate.js';
import { runConfig } from '../src/run.js';
import { gaussHermite } from '../src/velocity/gaussHermite.js';
import { discreteSpectrum } from '../src/spectrum/linear.js';
import { configInput, decodeState, DEFAULT_STATE, DEFAULTS, encodeState, PRESETS, presetOf, type ExplorerState } from '../src/web/state.js';
import { fieldOf, messagesOf, validateState } from '../src/web/validation.js';
import { configYaml, display, parseSeriesCsv, seriesCsv } from '../src/web/exports.js';
import { diffusionDecayRate, kineticDecayRate, KAPPA } from '../src/web/linearRate.js';
import { Engine } from '../src/web/engine.js';
import { SeriesStore } from '../src/web/series.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-explorer-'));
const state = (over: Partial<ExplorerState> = {}): ExplorerState => ({ ...DEFAULT_STATE, ...over });

test('URL codec: defaults give an empty query, every setting round-trips, bad values survive', () => {
  assert.equal(encodeState(state()), '');
  assert.deepEqual(decodeState(''), state());
  const s = state({ equation: 'diffusion', alpha: '0.5', eps: '1e-4', nodes: '8', cells: '128', initialKind: 'h', expr: '1 + 0.5*sin(2*pi*x)*(v > 0) & ?#', end: '0.2', speed: 20 });
  const q = encodeState(s);
  assert.deepEqual(decodeState(q), s);
  assert.deepEqual(decodeState('?' + q), s);
  // bad input is kept as text (reported at its field), unknown values of closed sets fall back
  const bad = decodeState('alpha=abc&eq=plasma&ic=q&speed=7&unknown=1');
  assert.equal(bad.alpha, 'abc');
  assert.equal(bad.equation, 'kinetic');
  assert.equal(bad.initialKind, 'rho');
  assert.equal(bad.speed, 1);
});

test('presets are valid configs for the CLI schema and are recognised from the expression', () => {
  for (const p of [...PRESETS[1], ...PRESETS[2]]) {
    const s = state({ ...DEFAULTS[PRESETS[1].includes(p) ? 1 : 2], initialKind: p.kind, expr: p.expr });
    assert.equal(presetOf(s)?.id, p.id);
    const r = validateState(s);
    assert.deepEqual(r.messages, {}, p.id);
    assert.ok(r.config);
  }
  assert.equal(presetOf(state({ expr: '2 + x' })), undefined);
});

test('validation: each problem is reported at its field with the CLI message', () => {
  const r = validateState(state({ alpha: 'abc', eps: '0', expr: '1 + sin(2*pi*x', cells: '1', nodes: '300', end: '-1' }));
  assert.equal(r.config, undefined);
  assert.match(r.messages.alpha ?? '', /expected a real number \(got "abc"\)/);
  assert.match(r.messages.eps ?? '', /eps > 0/);
  assert.match(r.messages.expr ?? '', /expected '\)' at column 15/);
  assert.match(r.messages.cells ?? '', /\[2, 65536\]/);
  assert.match(r.messages.nodes ?? '', /\[2, 256\]/);
  assert.match(r.messages.end ?? '', /end time > 0/);
  // an unknown name lists the variables the field takes; h(x, v) data only for kinetic runs
  assert.match(validateState(state({ expr: '1 + y' })).messages.expr ?? '', /y/);
  assert.equal(validateState(state({ initialKind: 'h', expr: '1 + 0.1*v^2' })).messages.expr, undefined);
  assert.match(validateState(state({ equation: 'diffusion', initialKind: 'h', expr: '1 + 0.1*v^2' })).messages.expr ?? '', /v/);
  // empty fields are "required"
  assert.match(validateState(state({ alpha: '' })).messages.alpha ?? '', /exactly one of alpha/);
  // the page's own size cap
  assert.match(validateState(state({ cells: '65536', nodes: '64' })).messages.cells ?? '', /nlbgk run/);
  assert.equal(fieldOf('domain.cells[0]'), 'cells');
  assert.equal(fieldOf('initial.h'), 'expr');
  assert.equal(fieldOf(''), 'general');
  assert.deepEqual(messagesOf([{ path: 'x.y', message: 'm' }]), { general: 'x.y: m' });
});

test('the exported YAML is the config nlbgk run reads', () => {
  for (const s of [state(), state({ equation: 'diffusion', alpha: '1' }), state({ initialKind: 'h', expr: PRESETS[1][4].expr, eps: '1e-6' })]) {
    const yaml = configYaml(configInput(s), ['a note']);
    assert.match(yaml, /^# nlbgk config/);
    assert.deepEqual(validateConfig(parseConfigText(yaml)), validateConfig(configInput(s)));
  }
  assert.doesNotMatch(configYaml(configInput(state({ equation: 'diffusion' }))), /eps|velocity/);
});

test('display never shows NaN or Infinity; CSV round-trips', () => {
  for (const x of [NaN, Infinity, -Infinity, null, undefined]) assert.doesNotMatch(display(x), /NaN|Infinity/);
  assert.equal(display(0.000123456789), '1.23457e-4');
  assert.equal(display(1.5), '1.5');
  const csv = seriesCsv(['a', 'b'], [[0, 1, NaN], [0.5, Infinity, 2e-300]]);
  assert.equal(csv, 't,a,b\n0,1,nan\n0.5,inf,2e-300\n');
  const back = parseSeriesCsv(csv);
  assert.deepEqual(back.columns, ['t', 'a', 'b']);
  assert.deepEqual(back.rows, [[0, 1, NaN], [0.5, Infinity, 2e-300]]);
});

test('exact linear rate: closed form for two velocities, the diffusion limit, the spectrum module', () => {
  const r = 1.7;
  // two velocities ±1: eps² d² − r d + kappa² = 0, real iff r² ≥ 4 eps² kappa²
  const two = gaussHermite(2);
  for (const eps of [1e-3, 0.02, 0.1]) {
    const disc = r * r - 4 * eps * eps * KAPPA * KAPPA;
    const exact = disc >= 0 ? (2 * KAPPA * KAPPA) / (r + Math.sqrt(disc)) : null;
    const d = kineticDecayRate(two.nodes, two.weights, r, eps);
    if (exact === null) assert.equal(d, null);
    else assert.ok(Math.abs((d as number) - exact) <= 1e-12 * exact, `eps ${eps}: ${d} vs ${exact}`);
  }
  assert.equal(kineticDecayRate(two.nodes, two.weights, r, 0.3), null);
  // eps → 0: the limit equation's rate kappa²/r
  const q = gaussHermite(16);
  const lim = diffusionDecayRate(r) as number;
  assert.ok(Math.abs((kineticDecayRate(q.nodes, q.weights, r, 1e-6) as number) / lim - 1) < 1e-10);
  // the same number as the dense eigen-solve of src/spectrum where the top eigenvalue is real
  for (const [eps, n] of [[0.1, 16], [0.05, 8], [0.3, 17]] as const) {
    const g = gaussHermite(n);
    const sp = discreteSpectrum({ eps, alpha: -1, rhoBar: 1 / r, kappa: KAPPA }, n);
    if (sp.top.im !== 0) continue;
    const d = kineticDecayRate(g.nodes, g.weights, r, eps) as number;
    assert.ok(Math.abs(d / sp.rate - 1) < 1e-9, `eps ${eps}, n ${n}: ${d} vs ${sp.rate}`);
  }
});

async function cliSeries(config: ReturnType<typeof validateConfig>): Promise<{ csv: string; summary: { snapshots: { t: number; rho: number[] }[] } }> {
  const out = path.join(tmp(), 'run');
  await runConfig({ ...config, output: { ...config.output, fields: false } }, { outDir: out });
  return {
    csv: fs.readFileSync(path.join(out, 'series.csv'), 'utf8'),
    summary: JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')),
  };
}

function drain(engine: Engine, speed: number) {
  const frames = [engine.frame()];
  while (!frames[frames.length - 1].done) frames.push(engine.advance(speed));
  return frames;
}

test('Engine = the CLI: the series of a kinetic run and its limit run are those of nlbgk run', async () => {
  const config = validateState(state({ alpha: '0.5', eps: '0.2', cells: '64', nodes: '8', end: '0.03' })).config;
  assert.ok(config);
  const engine = new Engine(config);
  const frames = drain(engine, 3);
  const rows = frames.flatMap((f) => f.rows);
  const cli = await cliSeries(config);
  assert.equal(seriesCsv(engine.meta.columns, rows), cli.csv, 'the page series.csv is byte-identical to the CLI one');
  // the limit run: its own config (the same time section) reproduces it within the time tolerance;
  // the page's run lands on every kinetic time on top of the CLI's steps
  const { limitConfig } = engine.meta;
  assert.ok(limitConfig);
  assert.deepEqual(limitConfig.time, config.time);
  const limitCli = await cliSeries(limitConfig);
  const last = frames[frames.length - 1];
  const cliRho = limitCli.summary.snapshots[limitCli.summary.snapshots.length - 1].rho;
  const diff = Math.max(...Array.from(last.limitRho ?? []).map((r, i) => Math.abs(r - cliRho[i])));
  assert.ok(diff < 20 * (config.time.rtol as number), `limit run vs CLI: ${diff}`);
  // aligned limit rows sit at the kinetic times
  const aligned = frames.flatMap((f) => f.limitAligned);
  assert.equal(aligned.length, rows.length);
  rows.forEach((row, i) => assert.ok(Math.abs(aligned[i][0] - row[0]) <= 1e-14, `row ${i}: ${aligned[i][0]} vs ${row[0]}`));
  // the page's plot record
  const store = new SeriesStore(engine.meta);
  for (const f of frames) store.add(f);
  assert.equal(store.t.length, rows.length);
  assert.ok(store.dist2.every((y) => y === null || (y > 0 && Number.isFinite(y))));
  assert.ok(store.rateLine().some((y) => y !== null));
  assert.equal(store.latest().t, 0.03);
});

test('Engine: diffusion runs, h(x, v) data, and data errors named at their field', async () => {
  const dcfg = validateState(state({ equation: 'diffusion', alpha: '-1', cells: '32', end: '0.01' })).config;
  assert.ok(dcfg);
  const d = new Engine(dcfg);
  assert.equal(d.meta.limitColumns, null);
  assert.ok(Math.abs((d.meta.decayRate as number) - 4 * Math.PI ** 2 * d.meta.mean) < 1e-9);
  const frames = drain(d, 50);
  assert.equal(seriesCsv(d.meta.columns, frames.flatMap((f) => f.rows)), (await cliSeries(dcfg)).csv);
  assert.equal(frames[0].h, null);

  const hcfg = validateState(state({ initialKind: 'h', expr: PRESETS[1][4].expr, cells: '32', nodes: '6', end: '0.01' })).config;
  assert.ok(hcfg);
  const h = new Engine(hcfg);
  assert.equal(h.meta.limitConfig, null);
  assert.match(h.meta.limitNote, /density of h_in/);
  const hf = drain(h, 4);
  const lastH = hf[hf.length - 1];
  assert.equal(lastH.h?.length, 32 * 6);
  assert.ok(lastH.limitRho && lastH.limitRho.every(Number.isFinite));
  assert.equal(lastH.failure, null);

  const bad = validateState(state({ expr: '0.5*sin(2*pi*x)' }));
  assert.ok(bad.config, 'the schema cannot see the sign of the data');
  assert.throws(() => new Engine(bad.config as NonNullable<typeof bad.config>), (err: Error & { issues?: { path: string; message: string }[] }) => {
    const m = messagesOf(err.issues ?? []);
    return /finite and >= 0/.test(m.expr ?? '');
  });
});

test('Engine: the exact linear rate line and particle runs', () => {
  // eps → 0: the kinetic rate tends to the limit equation's 4π²/λ(m) (accurate to round-off at eps = 1e-6)
  const tiny = new Engine(validateState(state({ eps: '1e-6', cells: '16', end: '0.01' })).config as NonNullable<ReturnType<typeof validateState>['config']>);
  assert.ok(Math.abs((tiny.meta.decayRate as number) / (4 * Math.PI ** 2 / tiny.meta.lambdaMean) - 1) < 1e-8, String(tiny.meta.decayRate));
  // two velocities above the threshold: the top mode oscillates; the line is its envelope (src/spectrum)
  const osc = new Engine(validateState(state({ eps: '0.5', nodes: '2', cells: '16', end: '0.01' })).config as NonNullable<ReturnType<typeof validateState>['config']>);
  assert.match(osc.meta.decayNote, /oscillating/);
  assert.ok(Math.abs((osc.meta.decayRate as number) - 1 / (2 * 0.25)) < 1e-9, `Re sigma = -r/(2 eps²) for two velocities, got ${osc.meta.decayRate}`);
  // particles: the limit run beside them, a rate for Gaussian velocities
  const pc = validateConfig({ ...configInput(state({ equation: 'particles', eps: '0.3', cells: '32', end: '0.01' })), particles: { count: 2000 } });
  const p = new Engine(pc);
  assert.ok(p.meta.limitColumns);
  assert.ok(p.meta.decayRate !== null && p.meta.decayRate > 0);
  const frames = drain(p, 5);
  const last = frames[frames.length - 1];
  assert.equal(last.failure, null);
  assert.equal(last.h, null);
  assert.ok(last.limitRho?.every(Number.isFinite));
});

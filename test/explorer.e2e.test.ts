/**
 * End-to-end test of the browser explorer in a real browser: the page is built with Vite's JS API,
 * served on localhost by scripts/explorer.mjs's static handler, and driven in Debian's chromium by
 * playwright-core. It loads the page, changes alpha and eps, runs, sees the plots update, checks the
 * numbers against `nlbgk run` on the downloaded config, checks inline messages for bad input and that
 * a shared URL restores the settings, measures the frame rate (1D kinetic, 256 cells, 16 nodes; 2D
 * kinetic 64² × 4², 2D diffusion 128²), drives the 2D views (maps, difference, cut), the time
 * scrubber, the rho/h exports (the 2D density against `nlbgk run`), the round-off colour scales, the
 * eps sweep and the PNG's legends, and saves screenshots to .tmp/explorer-artifacts/
 * (NLBGK_UPDATE_FIGURES=1 also copies the documented ones to docs/figures/explorer*.png). Skipped,
 * with the reason, when chromium is not installed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseConfigText, validateConfig } from '../src/config/validate.js';
import { sweepLimit, sweepPoint } from '../src/web/sweep.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The compiled output (dist/ or another --outDir): holds src/cli/main.js next to this test. */
const compiled = path.resolve(here, '..');

function findRepo(): string {
  for (let dir = here; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && (JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === 'nlbgk') return dir;
    if (path.dirname(dir) === dir) throw new Error('explorer e2e: cannot find the nlbgk repository root');
  }
}
const repo = findRepo();
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = fs.existsSync(chromiumPath) ? false : `needs a browser: chromium not found at ${chromiumPath} (set CHROMIUM_PATH to use another) (apt: chromium)`;
const artifacts = path.join(repo, '.tmp', 'explorer-artifacts');
const distDir = path.join(repo, '.tmp', `explorer-dist-${process.pid}`);
const cli = path.join(compiled, 'src', 'cli', 'main.js');

let server: http.Server | null = null;
let browser: Browser | null = null;
let context: BrowserContext | null = null;
let base = '';
const pageErrors: string[] = [];

interface StaticServer {
  staticHandler(dir: string): http.RequestListener;
  listen(server: http.Server, port: number, scan: boolean): Promise<number>;
}

before(async () => {
  if (skip) return;
  fs.mkdirSync(artifacts, { recursive: true });
  const t0 = performance.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(repo, 'web', 'vite.config.ts'), logLevel: 'error', build: { outDir: distDir, emptyOutDir: true, sourcemap: false } });
  const built = performance.now();
  const serve = (await import(pathToFileURL(path.join(repo, 'scripts', 'explorer.mjs')).href)) as StaticServer;
  server = http.createServer(serve.staticHandler(distDir));
  const port = await serve.listen(server, 0, false);
  base = `http://127.0.0.1:${port}/`;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  console.log(`explorer e2e: vite build ${((built - t0) / 1000).toFixed(1)} s, browser up ${((performance.now() - built) / 1000).toFixed(1)} s`);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  fs.rmSync(distDir, { recursive: true, force: true });
});

async function open(query = ''): Promise<Page> {
  assert.ok(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(base + query);
  await ready(page);
  return page;
}

/** Wait until the worker has answered for the current settings (a run at t = 0, or a message). */
async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const x = (window as any).nlbgkExplorer;
    return x && (x.meta !== null || !x.valid) && !/starting/.test(x.status);
  }, null, { timeout: 15000 });
}

const api = <T>(page: Page, fn: string): Promise<T> => page.evaluate(`window.nlbgkExplorer.${fn}`) as Promise<T>;

async function noNaN(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /NaN|Infinity|undefined/, 'the page shows no NaN');
}

/** Copy an artifact to docs/figures/ when NLBGK_UPDATE_FIGURES is set. */
function publish(file: string, name: string): void {
  if (!process.env.NLBGK_UPDATE_FIGURES) return;
  fs.mkdirSync(path.join(repo, 'docs', 'figures'), { recursive: true });
  fs.copyFileSync(file, path.join(repo, 'docs', 'figures', name));
}

/** Run a config file with the CLI; its series.csv and its last snapshot. */
function cliRun(config: string, out: string): { csv: string; last: { t: number; rho: number[] } } {
  const r = spawnSync(process.execPath, [cli, 'run', config, '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return {
    csv: fs.readFileSync(path.join(out, 'series.csv'), 'utf8'),
    last: (JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as { snapshots: { t: number; rho: number[] }[] }).snapshots.at(-1) as { t: number; rho: number[] },
  };
}

async function downloadTo(page: Page, button: string, file: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  await dl.saveAs(file);
  return fs.readFileSync(file, 'utf8');
}

/** Largest relative difference of two numeric tables, with a floor of 1e-13 of each column's scale. */
function tableDiff(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length, 'row counts');
  let worst = 0;
  const scale = a[0].map((_, j) => Math.max(...a.map((r) => (Number.isFinite(r[j]) ? Math.abs(r[j]) : 0))));
  a.forEach((row, i) =>
    row.forEach((x, j) => {
      const y = b[i][j];
      if (Number.isNaN(x) && Number.isNaN(y)) return;
      worst = Math.max(worst, Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-13 * scale[j], 1e-300));
    }),
  );
  return worst;
}

/**
 * Series columns that are differences of nearly equal numbers and so amplify the last-bit
 * differences of Chromium's and Node's V8: the Lemma 2.5 residuals (differences of consecutive
 * states over dt) and the error ratio (a predictor minus the solution, over the tolerance).
 */
const AMPLIFIED = new Set(['res_rho', 'res_j', 'err']);

/**
 * Normwise difference per column (header `t,...`), largest first: max |a − b| over the column's largest
 * |a|. Normwise, not entrywise: a value that is itself round-off of the column's size (the theorem
 * column `cross` at t = 0 is a sum cancelling to ~1e-20 against 6e-4 later) differs in its last bits
 * between Chromium's V8 and Node's, and no entrywise relative measure can call that agreement.
 */
function columnDiffs(header: string, a: number[][], b: number[][]): (readonly [string, number])[] {
  return header
    .split(',')
    .map((c, j) => {
      let scale = 0;
      let worst = 0;
      a.forEach((r, i) => {
        const x = r[j];
        const y = b[i][j];
        if (Number.isNaN(x) && Number.isNaN(y)) return;
        if (Number.isFinite(x)) scale = Math.max(scale, Math.abs(x));
        worst = Math.max(worst, x === y ? 0 : Math.abs(x - y));
      });
      return [c, worst === 0 ? 0 : worst / Math.max(scale, 1e-300)] as const;
    })
    .sort((p, q) => q[1] - p[1]);
}

function parseCsv(text: string): { header: string; rows: number[][]; lines: string[] } {
  const lines = text.trim().split('\n');
  const num = (s: string) => (s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));
  return { header: lines[0], lines: lines.slice(1), rows: lines.slice(1).map((l) => l.split(',').map(num)) };
}

test('the page loads with live views and no errors', { skip }, async () => {
  const page = await open();
  assert.match(await api<string>(page, 'status'), /paused/);
  assert.equal(await page.locator('#views figure:visible .uplot').count(), 5, 'density, distance to the limit, to equilibrium, bounds, sweep');
  assert.equal(await page.locator('#heat').count(), 1);
  assert.equal(await page.locator('#readout [data-k="t"]').innerText(), '0');
  await noNaN(page);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('change alpha and eps, run: the plots update and the numbers agree with nlbgk run', { skip }, async (t) => {
  const page = await open();
  await page.fill('#alpha', '0.5');
  await page.fill('#eps', '0.2');
  await page.fill('#cells', '128');
  await page.fill('#end', '0.05');
  await page.waitForFunction(() => {
    const x = (window as any).nlbgkExplorer;
    return x.meta && x.meta.end === 0.05 && x.state.alpha === '0.5' && x.state.eps === '0.2' && x.latest()?.steps === 0;
  });
  assert.match(page.url(), /alpha=0.5/);
  assert.match(page.url(), /eps=0.2/);
  const before = await page.locator('#view-rho canvas').screenshot();
  const decayBefore = await page.locator('#view-decay canvas').screenshot();
  await page.click('#play');
  await page.waitForFunction(() => (window as any).nlbgkExplorer.latest()?.done === true, null, { timeout: 20000 });
  await page.waitForFunction(() => !(window as any).nlbgkExplorer.playing);
  const latest = await api<Record<string, number>>(page, 'latest()');
  assert.equal(latest.t, 0.05);
  assert.equal(await api<number>(page, 'plotPoints()'), latest.steps + 1);
  assert.notDeepEqual(await page.locator('#view-rho canvas').screenshot(), before, 'the density plot changed');
  assert.notDeepEqual(await page.locator('#view-decay canvas').screenshot(), decayBefore, 'the decay plot changed');
  assert.match(await api<string>(page, 'status'), /done/);
  await noNaN(page);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-e2e-'));
  const yaml = await downloadTo(page, '#dl-config', path.join(dir, 'explorer.yaml'));
  assert.match(yaml, /alpha: 0.5/);
  assert.match(yaml, /eps: 0.2/);
  const pageCsv = await downloadTo(page, '#dl-csv', path.join(dir, 'series.csv'));
  await downloadTo(page, '#dl-limit', path.join(dir, 'limit.yaml'));
  const densities = await api<{ t: number; rho: number[]; limit: number[] }>(page, 'densities()');

  const run = (cfg: string, out: string) => cliRun(path.join(dir, cfg), path.join(dir, out));
  const kin = run('explorer.yaml', 'run');
  const a = parseCsv(pageCsv);
  const b = parseCsv(kin.csv);
  assert.equal(a.header, b.header, 'same columns as series.csv');
  const diff = tableDiff(a.rows, b.rows);
  const identical = a.lines.filter((l, i) => l === b.lines[i]).length;
  const columns = a.header.split(',');
  const differing = columns.filter((_, j) => a.rows.some((r, i) => !Object.is(r[j], b.rows[i][j])));
  assert.ok(diff <= 1e-9, `page vs CLI series: max relative difference ${diff}`);
  assert.ok(kin.last && kin.last.t === 0.05);
  const rhoDiff = tableDiff([densities.rho], [kin.last.rho]);
  assert.ok(rhoDiff <= 1e-12, `final density page vs CLI: ${rhoDiff}`);
  // per column: the density columns agree to round-off; derived ones (time derivatives, residuals) amplify it
  const perColumn = columnDiffs(a.header, a.rows, b.rows);
  for (const [c, d] of perColumn) if (!AMPLIFIED.has(c)) assert.ok(d <= 1e-12, `column ${c}: page vs CLI ${d}`);
  const lim = run('limit.yaml', 'limit');
  assert.ok(lim.last && lim.last.t === 0.05);
  // the page's limit run also lands on every kinetic time: it agrees with the CLI's within the time tolerance
  const limDiff = tableDiff([densities.limit], [lim.last.rho]);
  assert.ok(limDiff <= 1e-4, `limit density vs CLI: ${limDiff}`);
  t.diagnostic(`page vs nlbgk run: ${a.rows.length} series rows, ${identical} byte-identical, max rel diff ${diff.toExponential(2)}, columns not bit-identical: ${differing.join(' ') || 'none'}; largest: ${perColumn.slice(0, 4).map(([c, d]) => `${c} ${d.toExponential(1)}`).join(', ')}; rho ${perColumn.find(([c]) => c === 'rho_l2_dev')?.[1].toExponential(1)} (rho_l2_dev), final density ${rhoDiff.toExponential(2)}; limit density max rel diff ${limDiff.toExponential(2)}`);
  await page.close();
});

test('bad input gets an inline message at its field; the page stays usable', { skip }, async () => {
  const page = await open();
  await page.fill('#expr', '1 + sin(2*pi*x');
  await page.waitForFunction(() => /expected '\)'/.test(document.getElementById('msg-expr')?.textContent ?? ''));
  assert.match(await page.locator('#msg-expr').innerText(), /column 15/);
  assert.equal(await page.locator('[data-field="expr"].invalid').count(), 1);
  assert.equal(await page.locator('#play').isDisabled(), true);
  // a density that the schema accepts but that is negative somewhere: the worker's ConfigError lands at the field too
  await page.fill('#expr', '0.5*sin(2*pi*x)');
  await page.waitForFunction(() => /finite and >= 0/.test(document.getElementById('msg-expr')?.textContent ?? ''), null, { timeout: 10000 });
  await page.fill('#alpha', '50');
  await page.waitForFunction(() => /\[-20, 20\]/.test(document.getElementById('msg-alpha')?.textContent ?? ''));
  await page.fill('#cells', 'many');
  await page.waitForFunction(() => /integer number of cells/.test(document.getElementById('msg-cells')?.textContent ?? ''));
  await noNaN(page);
  // fixing the fields clears the messages and the run is back
  await page.fill('#alpha', '1');
  await page.fill('#cells', '64');
  await page.selectOption('#preset', 'bump');
  await page.waitForFunction(() => Array.from(document.querySelectorAll('.msg')).every((m) => m.textContent === ''));
  await ready(page);
  assert.equal(await page.locator('#play').isDisabled(), false);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('a shared URL restores the settings', { skip }, async () => {
  const page = await open();
  await page.selectOption('#preset', 'plateau');
  await page.locator('#eps-slider').fill('-2');
  await page.fill('#alpha', '-0.5');
  await page.fill('#cells', '200');
  await page.fill('#nodes', '8');
  await page.selectOption('#speed', '5');
  await page.waitForFunction(() => (window as any).nlbgkExplorer.state.cells === '200' && (window as any).nlbgkExplorer.state.nodes === '8');
  const state = await api<Record<string, unknown>>(page, 'state');
  assert.equal(state.eps, '0.01');
  const url = page.url();
  await page.close();
  const shared = await open(url.slice(base.length));
  assert.deepEqual(await api<Record<string, unknown>>(shared, 'state'), state);
  assert.equal(await shared.inputValue('#eps'), '0.01');
  assert.equal(await shared.inputValue('#alpha'), '-0.5');
  assert.equal(await shared.inputValue('#preset'), 'plateau');
  assert.equal(await shared.inputValue('#speed'), '5');
  assert.equal(Number(await shared.inputValue('#eps-slider')), -2);
  const meta = await api<{ v: number[]; end: number }>(shared, 'meta');
  assert.equal(meta.v.length, 8);
  await shared.close();
});

test('frame rate: 1D kinetic, 256 cells, 16 nodes, frames keep coming (the rate is reported, not asserted: docs/explorer.md); the UI thread stays free', { skip }, async (t) => {
  const page = await open('?end=20');
  const meta = await api<{ v: number[]; totalSteps: number }>(page, 'meta');
  assert.equal(meta.v.length, 16);
  assert.equal(await page.inputValue('#cells'), '256');
  await page.click('#play');
  await page.waitForTimeout(700);
  const f0 = await api<number>(page, 'framesDrawn');
  const t0 = performance.now();
  let worstDelay = 0;
  for (let i = 0; i < 10; i++) {
    await page.waitForTimeout(250);
    // a timer on the UI thread fires promptly while the solver runs in the worker
    worstDelay = Math.max(worstDelay, await page.evaluate(() => new Promise<number>((r) => {
      const s = performance.now();
      setTimeout(() => r(performance.now() - s), 0);
    })));
  }
  const f1 = await api<number>(page, 'framesDrawn');
  const fps = ((f1 - f0) * 1000) / (performance.now() - t0);
  const pageFps = await api<number>(page, 'fps()');
  const latest = await api<{ steps: number }>(page, 'latest()');
  t.diagnostic(`frames/s: ${fps.toFixed(1)} measured over ${((performance.now() - t0) / 1000).toFixed(1)} s (page counter ${pageFps}); ${latest.steps} steps; worst UI timer delay ${worstDelay.toFixed(1)} ms`);
  fs.writeFileSync(path.join(artifacts, 'fps.json'), JSON.stringify({ fps, pageFps, steps: latest.steps, worstTimerDelayMs: worstDelay, cells: 256, nodes: 16 }, null, 2) + '\n');
  assert.ok(f1 > f0, `no frame drawn in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  assert.ok(worstDelay < 100, `UI timer delayed by ${worstDelay} ms`);
  await page.click('#play');
  await page.close();
});

/** Frames per second drawn while playing for `ms`, and the worst delay of a UI-thread timer meanwhile. */
async function measureFps(page: Page, ms: number): Promise<{ fps: number; worstDelay: number; steps: number; drawMs: number }> {
  await page.click('#play');
  // the first steps (the start-up's step doubling) take longest: measure from the third frame on
  await page.waitForFunction(() => ((window as any).nlbgkExplorer.latest()?.steps ?? 0) >= 3, null, { timeout: 30000 });
  const f0 = await api<number>(page, 'framesDrawn');
  const t0 = performance.now();
  let worstDelay = 0;
  while (performance.now() - t0 < ms) {
    await page.waitForTimeout(200);
    worstDelay = Math.max(worstDelay, await page.evaluate(() => new Promise<number>((r) => {
      const s = performance.now();
      setTimeout(() => r(performance.now() - s), 0);
    })));
  }
  const fps = ((await api<number>(page, 'framesDrawn')) - f0) * 1000 / (performance.now() - t0);
  const steps = (await api<{ steps: number }>(page, 'latest()')).steps;
  const drawMs = (await api<{ meanMs: number }>(page, 'drawStats()')).meanMs;
  await page.click('#play');
  return { fps, worstDelay, steps, drawMs };
}

test('2D: the headline case runs; maps, difference, cut, scrubber, sweep; rho and h exports; rho equals nlbgk run (2D screenshot)', { skip }, async (t) => {
  const page = await open('?dim=2&end=0.003');
  // an eps sweep in its own worker while the run plays
  await page.fill('#sweep-n', '3');
  await page.fill('#sweep-t', '0.002');
  await page.click('#sweep-run');
  const meta = await api<{ dim: number; n: number[]; distanceKind: string; rtol: number }>(page, 'meta');
  assert.deepEqual([meta.dim, meta.n, meta.distanceKind, meta.rtol], [2, [64, 64], 'kinetic', 1e-3]);
  assert.equal(await page.locator('#view-map-run').isVisible(), true);
  assert.equal(await page.locator('#view-rho').isVisible(), false, 'no 1D chart in 2D');
  const maps = async () => Promise.all(['#map-run', '#map-limit', '#map-diff', '#view-cut canvas'].map((s) => page.locator(s).first().screenshot()));
  const before = await maps();
  await page.click('#play');
  await page.waitForFunction(() => (window as any).nlbgkExplorer.latest()?.done === true, null, { timeout: 60000 });
  await page.waitForTimeout(100);
  const after = await maps();
  before.forEach((b, i) => assert.notDeepEqual(after[i], b, `view ${i} changed`));
  await noNaN(page);

  // the cut follows a click on a map: along x at the clicked row
  const box = await page.locator('#map-run').boundingBox();
  assert.ok(box);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height * 0.3);
  const cutNow = await api<{ axis: string; cell: number }>(page, 'cut');
  assert.equal(cutNow.axis, 'x');
  assert.ok(cutNow.cell > 32, `clicked in the upper half: row ${cutNow.cell}`);
  await page.selectOption('#cut-axis', 'y');
  await page.waitForFunction(() => /x = /.test(document.getElementById('cut-label')?.textContent ?? ''));

  // exports of the frame shown, and the CLI on the downloaded config
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-e2e2d-'));
  await downloadTo(page, '#dl-config', path.join(dir, 'explorer.yaml'));
  const rhoText = await downloadTo(page, '#dl-rho', path.join(dir, 'rho.csv'));
  const hText = await downloadTo(page, '#dl-h', path.join(dir, 'h.csv'));
  const pageCsv = await downloadTo(page, '#dl-csv', path.join(dir, 'series.csv'));
  const rhoRows = parseCsv(rhoText);
  assert.equal(rhoRows.header, 't,x,y,rho,rho_limit');
  assert.equal(rhoRows.rows.length, 64 * 64);
  assert.ok(rhoRows.rows.every((r) => r[0] === 0.003));
  const hRows = parseCsv(hText);
  assert.equal(hRows.header, 't,x,y,vx,vy,w,h');
  assert.equal(hRows.rows.length, 64 * 64 * 16);
  // rho = Σ_k w_k h_k in the first cells (the exported h is the state the density comes from)
  for (const c of [0, 1, 4095]) {
    const s = hRows.rows.slice(c * 16, c * 16 + 16).reduce((acc, r) => acc + r[5] * r[6], 0);
    assert.ok(Math.abs(s - rhoRows.rows[c][3]) <= 1e-14, `cell ${c}`);
  }
  const kin = cliRun(path.join(dir, 'explorer.yaml'), path.join(dir, 'run'));
  assert.equal(kin.last.t, 0.003);
  const pageRho = rhoRows.rows.map((r) => r[3]);
  const rhoDiff = tableDiff([pageRho], [kin.last.rho]);
  const identical = pageRho.filter((x, i) => x === kin.last.rho[i]).length;
  const perColumn = columnDiffs(parseCsv(pageCsv).header, parseCsv(pageCsv).rows, parseCsv(kin.csv).rows);
  const seriesDiff = perColumn[0][1];
  for (const [c, d] of perColumn) if (!AMPLIFIED.has(c)) assert.ok(d <= 1e-12, `2D column ${c}: page vs CLI ${d}`);
  t.diagnostic(`2D page vs nlbgk run: rho max rel diff ${rhoDiff.toExponential(2)} (${identical} of 4096 cells bit-identical); series max normwise diff ${seriesDiff.toExponential(2)}, largest: ${perColumn.slice(0, 4).map(([c, d]) => `${c} ${d.toExponential(1)}`).join(', ')}`);
  assert.ok(rhoDiff <= 1e-12, `2D density page vs CLI: ${rhoDiff}`);
  assert.ok(seriesDiff <= 1e-9, `2D series page vs CLI: ${seriesDiff}`);

  // the time scrubber: an earlier frame on every view, the readout and the exports with it
  const recorded = await api<number>(page, 'recorded');
  assert.ok(recorded > 3);
  await page.locator('#scrub').fill('2');
  await page.waitForFunction(() => (window as any).nlbgkExplorer.scrubbed === 2);
  const early = await api<{ t: number }>(page, 'densities()');
  assert.ok(early.t > 0 && early.t < 0.003);
  const shownT = Number(await page.locator('#readout [data-k="t"]').innerText());
  assert.ok(Math.abs(shownT / early.t - 1) < 1e-5, `readout t ${shownT} for the frame at ${early.t}`);
  assert.match(await page.locator('#scrub-info').innerText(), new RegExp(`frame 3 of ${recorded}`));
  const earlyCsv = parseCsv(await downloadTo(page, '#dl-rho', path.join(dir, 'rho-early.csv')));
  assert.equal(earlyCsv.rows[0][0], early.t);
  await page.click('#live');
  await page.waitForFunction(() => (window as any).nlbgkExplorer.scrubbed === null);
  assert.equal((await api<{ t: number }>(page, 'densities()')).t, 0.003);

  // the sweep: three eps, the fitted order; the screenshot and the PNG with every legend
  await page.waitForFunction(() => (window as any).nlbgkExplorer.sweep.points.length === 3 && !(window as any).nlbgkExplorer.sweep.running, null, { timeout: 120000 });
  const sweep = await api<{ fit: { order: number }; text: string }>(page, 'sweep');
  t.diagnostic(`2D sweep: ${sweep.text}`);
  assert.ok(sweep.fit.order > 0.7 && sweep.fit.order < 1.5, sweep.text);
  await page.selectOption('#cut-axis', 'x');
  await page.waitForTimeout(150);
  await noNaN(page);
  const shot = path.join(artifacts, 'explorer-2d.png');
  await page.screenshot({ path: shot, fullPage: true });
  publish(shot, 'explorer-2d.png');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-png')]);
  const png = path.join(artifacts, 'explorer-plots.png');
  await dl.saveAs(png);
  assert.deepEqual([...fs.readFileSync(png).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  publish(png, 'explorer-plots.png');
  const panels = await api<{ title: string; legend: string[]; note: string | null }[]>(page, 'pngPanels()');
  assert.deepEqual(panels.map((p) => p.title.split(' ')[0]), ['kinetic', 'limit', 'difference', 'ρ', 'distance', 'distance', 'min', 'distance']);
  for (const p of panels.slice(3)) assert.ok(p.legend.length >= 2, `${p.title}: ${p.legend}`);
  assert.match(panels[7].note ?? '', /fitted order p = /);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('colour scales: round-off is drawn as 0, with whole labels', { skip }, async () => {
  // constant data: h − rho and rho − rho~ are round-off from the start
  const page = await open('?expr=1&cells=64&nodes=8');
  await page.selectOption('#heat-mode', 'dev');
  await page.waitForFunction(() => /round-off|exactly/.test((window as any).nlbgkExplorer.mapNotes.heat ?? ''));
  // the map is the neutral colour of 0 (no stripes)
  const pixel = await page.evaluate(() => {
    const c = document.getElementById('heat') as HTMLCanvasElement;
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    return Array.from(ctx.getImageData(Math.floor(c.width / 2) + 7, Math.floor(c.height / 3), 1, 1).data);
  });
  assert.deepEqual(pixel.slice(0, 3), [247, 247, 247]);
  await page.goto(base + '?dim=2&expr=1&cells=32&nodes=2');
  await ready(page);
  await page.waitForFunction(() => /round-off|exactly/.test((window as any).nlbgkExplorer.mapNotes.diff ?? ''));
  await noNaN(page);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('domains: walls and a held side drawn, mass + outflow conserved on the page', { skip }, async () => {
  const domain = '{ boundary: { x: [zero-flux, zero-flux], y: [{ kind: dirichlet, value: 1 }, zero-flux] } }';
  const page = await open(`?dim=2&eq=diffusion&cells=32&end=0.01&domain=${encodeURIComponent(domain)}`);
  assert.equal(await page.inputValue('#domain-preset'), 'source');
  assert.match(await page.locator('#view-map-run .edges-note').innerText(), /solid black: wall.*dashed blue: density held/);
  assert.match(await page.locator('#notes').innerText(), /box \[0, 1\] × \[0, 1\].*y = 0: ρ = 1/);
  const mass0 = Number(await page.locator('#readout [data-k="conserved"]').innerText());
  await page.click('#play');
  await page.waitForFunction(() => (window as any).nlbgkExplorer.latest()?.done === true, null, { timeout: 30000 });
  await page.waitForTimeout(100);
  assert.ok(Number(await page.locator('#readout [data-k="outflow"]').innerText()) < 0, 'mass came in through the held side');
  assert.equal(Number(await page.locator('#readout [data-k="conserved"]').innerText()), mass0, 'mass + outflow to the 12 digits shown');
  // the side walls are drawn over the map: on the middle row, two runs of ≥ 3 pixels of the wall colour
  // #111 (text and frame are #222, the viridis map is never that dark)
  const runs = await page.evaluate(() => {
    const c = document.getElementById('map-run') as HTMLCanvasElement;
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    const data = ctx.getImageData(0, Math.floor(c.height / 2), c.width, 1).data;
    let count = 0;
    let run = 0;
    for (let x = 0; x <= c.width; x++) {
      const wall = x < c.width && data[4 * x] <= 20 && data[4 * x + 1] <= 20 && data[4 * x + 2] <= 20 && data[4 * x + 3] === 255;
      if (wall) run++;
      else {
        if (run >= 3) count++;
        run = 0;
      }
    }
    return count;
  });
  assert.equal(runs, 2, 'the walls at x = 0 and x = 1');
  const shot = path.join(artifacts, 'explorer-domain.png');
  await page.locator('#views').screenshot({ path: shot });
  publish(shot, 'explorer-domain.png');
  // kinetic on a box: the solver's message at the domain field
  await page.selectOption('#equation', 'kinetic');
  await page.waitForFunction(() => /specular/.test(document.getElementById('msg-domain')?.textContent ?? ''), null, { timeout: 15000 });
  await noNaN(page);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('switching dimension, the rtol field, the eps sweep and the PNG legends (1D screenshot)', { skip }, async (t) => {
  const page = await open('?alpha=1&expr=1+%2B+0.5*sin(2*pi*x)&end=0.05&speed=5');
  // rtol: the CLI default as placeholder, bad values at the field
  assert.match(await page.getAttribute('#rtol', 'placeholder') ?? '', /1\.53e-5/);
  await page.fill('#rtol', '0.5');
  await page.waitForFunction(() => /\[1e-12, 0\.1\]/.test(document.getElementById('msg-rtol')?.textContent ?? ''));
  await page.fill('#rtol', '');
  await ready(page);
  // the sweep: the page's config at three eps to t = 0.005, in its own worker, while the run plays
  await page.fill('#sweep-from', '0.05');
  await page.fill('#sweep-to', '0.005');
  await page.fill('#sweep-n', '3');
  await page.fill('#sweep-t', '0.005');
  await page.click('#sweep-run');
  await page.click('#play');
  await page.waitForFunction(() => (window as any).nlbgkExplorer.sweep.points.length === 3 && !(window as any).nlbgkExplorer.sweep.running, null, { timeout: 60000 });
  await page.waitForFunction(() => (window as any).nlbgkExplorer.latest()?.done === true, null, { timeout: 60000 });
  const sweep = await api<{ points: { eps: number; distance: number }[]; fit: { order: number; stderr: number }; text: string }>(page, 'sweep');
  t.diagnostic(`sweep in the page: ${sweep.text}`);
  assert.ok(sweep.fit.order > 0.8 && sweep.fit.order < 1.3, `order ${sweep.fit.order}`);
  // the same sweep in Node (whose points are nlbgk compare's, test/explorer-2d.test.ts)
  const yaml = await downloadTo(page, '#dl-config', path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-e2e-')), 'explorer.yaml'));
  const config = validateConfig(parseConfigText(yaml));
  const limit = sweepLimit(config, 0.005);
  const worst = Math.max(...sweep.points.map((p) => Math.abs(sweepPoint(config, p.eps, 0.005, limit.rho).distance / p.distance - 1)));
  t.diagnostic(`sweep page vs Node: max rel diff ${worst.toExponential(2)}`);
  assert.ok(worst <= 1e-10, `sweep page vs Node ${worst}`);
  const csv = parseCsv(await downloadTo(page, '#dl-sweep', path.join(os.tmpdir(), `sweep-${process.pid}.csv`)));
  assert.equal(csv.header, 'eps,t,distance,neq,density,steps');
  assert.deepEqual(csv.rows.map((r) => r[2]), sweep.points.map((p) => p.distance));
  // the PNG: every chart with its legend, the sweep with its fit
  const panels = await api<{ title: string; legend: string[]; note: string | null }[]>(page, 'pngPanels()');
  assert.deepEqual(panels.map((p) => p.title.split(' ')[0]), ['density', 'phase', 'distance', 'distance', 'min', 'distance']);
  for (const p of panels.filter((q) => !q.title.startsWith('phase'))) assert.ok(p.legend.length >= 2, `${p.title}: ${p.legend}`);
  assert.match(panels[5].note ?? '', /fitted order p = /);
  await page.waitForTimeout(150);
  const shot = path.join(artifacts, 'explorer.png');
  await page.screenshot({ path: shot, fullPage: true });
  publish(shot, 'explorer.png');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-png')]);
  await dl.saveAs(path.join(artifacts, 'explorer-plots-1d.png'));
  // switch to 2D: the 2D defaults (the model kept), the URL says so
  await page.check('#dim-2');
  await ready(page);
  await page.waitForFunction(() => (window as any).nlbgkExplorer.meta?.dim === 2);
  const s2 = await api<{ dim: number; cells: string; alpha: string }>(page, 'state');
  assert.deepEqual([s2.dim, s2.cells, s2.alpha], [2, '64', '1']);
  assert.match(page.url(), /dim=2/);
  assert.equal(await page.inputValue('#sweep-from'), '0.02', 'the sweep takes the 2D settings');
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('frame rates in 2D: kinetic 64² × 4², diffusion 128²; the UI thread stays free', { skip }, async (t) => {
  const page = await open('?dim=2&end=1');
  const kinetic = await measureFps(page, 3000);
  // diffusion on 128²
  await page.goto(base + '?dim=2&eq=diffusion&cells=128&end=1&rtol=');
  await ready(page);
  const diffusion = await measureFps(page, 3000);
  const report = { kinetic64: { cells: [64, 64], nodes: [4, 4], rtol: 1e-3, ...kinetic }, diffusion128: { cells: [128, 128], rtol: 1e-4, ...diffusion } };
  t.diagnostic(`2D frames/s: kinetic 64² × 4² ${kinetic.fps.toFixed(1)} (${kinetic.steps} steps, worst UI timer delay ${kinetic.worstDelay.toFixed(0)} ms, ${kinetic.drawMs.toFixed(1)} ms of script per draw); diffusion 128² ${diffusion.fps.toFixed(1)} (worst delay ${diffusion.worstDelay.toFixed(0)} ms, ${diffusion.drawMs.toFixed(1)} ms per draw)`);
  fs.writeFileSync(path.join(artifacts, 'fps-2d.json'), JSON.stringify(report, null, 2) + '\n');
  assert.ok(kinetic.fps > 0 && diffusion.fps > 0, `frames keep coming (rates reported, not asserted): ${JSON.stringify(report)}`);
  assert.ok(kinetic.worstDelay < 150 && diffusion.worstDelay < 150, 'the UI thread stays free');
  assert.deepEqual(pageErrors, []);
  await page.close();
});

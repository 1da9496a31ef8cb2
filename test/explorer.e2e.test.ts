/**
 * End-to-end test of the browser explorer in a real browser: the page is built with Vite's JS API,
 * served on localhost by scripts/explorer.mjs's static handler, and driven in Debian's chromium by
 * playwright-core. It loads the page, changes alpha and eps, runs, sees the plots update, checks the
 * numbers against `nlbgk run` on the downloaded config, checks inline messages for bad input and that
 * a shared URL restores the settings, measures the frame rate (1D kinetic, 256 cells, 16 nodes), and
 * saves screenshots to .tmp/explorer-artifacts/ (NLBGK_UPDATE_FIGURES=1 also copies one to
 * docs/figures/explorer.png). Skipped, with the reason, when chromium is not installed.
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

function parseCsv(text: string): { header: string; rows: number[][]; lines: string[] } {
  const lines = text.trim().split('\n');
  const num = (s: string) => (s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));
  return { header: lines[0], lines: lines.slice(1), rows: lines.slice(1).map((l) => l.split(',').map(num)) };
}

test('the page loads with live views and no errors', { skip }, async () => {
  const page = await open();
  assert.match(await api<string>(page, 'status'), /paused/);
  assert.equal(await page.locator('.uplot canvas').count(), 3, 'three uPlot charts');
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

  const run = (cfg: string, out: string) => {
    const r = spawnSync(process.execPath, [cli, 'run', path.join(dir, cfg), '--out', path.join(dir, out)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return {
      csv: fs.readFileSync(path.join(dir, out, 'series.csv'), 'utf8'),
      last: (JSON.parse(fs.readFileSync(path.join(dir, out, 'summary.json'), 'utf8')) as { snapshots: { t: number; rho: number[] }[] }).snapshots.at(-1),
    };
  };
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
  assert.ok(tableDiff([densities.rho], [kin.last.rho]) <= 1e-9, 'final density');
  const lim = run('limit.yaml', 'limit');
  assert.ok(lim.last && lim.last.t === 0.05);
  // the page's limit run also lands on every kinetic time: it agrees with the CLI's within the time tolerance
  const limDiff = tableDiff([densities.limit], [lim.last.rho]);
  assert.ok(limDiff <= 1e-4, `limit density vs CLI: ${limDiff}`);
  t.diagnostic(`page vs nlbgk run: ${a.rows.length} series rows, ${identical} byte-identical, max rel diff ${diff.toExponential(2)}, columns not bit-identical: ${differing.join(' ') || 'none'}; limit density max rel diff ${limDiff.toExponential(2)}`);
  await page.close();
});

test('bad input gets an inline message at its field; the page stays usable', { skip }, async () => {
  const page = await open();
  await page.fill('#expr', '1 + sin(2*pi*x');
  await page.waitForFunction(() => /expected '\)'/.test(document.getElementById('msg-expr')?.textContent ?? ''));
  assert.match(await page.locator('#msg-expr').innerText(), /column 15/);
  assert.equal(await page.locator('[data-field="expr"].invalid').count(), 1);
  assert.equal(await page.locator('#play').isDisabled(), true);
  // a density that the schema accepts but that is not > 0 everywhere: the worker's ConfigError lands at the field too
  await page.fill('#expr', '0.5*sin(2*pi*x)');
  await page.waitForFunction(() => /finite and > 0/.test(document.getElementById('msg-expr')?.textContent ?? ''), null, { timeout: 10000 });
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

test('frame rate: 1D kinetic, 256 cells, 16 nodes, at least 30 frames per second; the UI thread stays free', { skip }, async (t) => {
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
  assert.ok(fps >= 30, `${fps.toFixed(1)} frames/s`);
  assert.ok(worstDelay < 100, `UI timer delayed by ${worstDelay} ms`);
  await page.click('#play');
  await page.close();
});

test('screenshot and PNG export (artifacts)', { skip }, async () => {
  const page = await open('?alpha=-1&eps=0.3&expr=0.2+%2B+exp(-100*(x-0.5)%5E2)&speed=20');
  await page.click('#play');
  await page.waitForFunction(() => ((window as any).nlbgkExplorer.latest()?.t ?? 0) >= 0.03, null, { timeout: 30000 });
  await page.click('#play');
  await page.waitForFunction(() => !(window as any).nlbgkExplorer.playing);
  await page.waitForTimeout(100);
  await noNaN(page);
  const shot = path.join(artifacts, 'explorer.png');
  await page.screenshot({ path: shot });
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-png')]);
  const png = path.join(artifacts, 'explorer-plots.png');
  await dl.saveAs(png);
  assert.deepEqual([...fs.readFileSync(png).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (process.env.NLBGK_UPDATE_FIGURES) {
    fs.mkdirSync(path.join(repo, 'docs', 'figures'), { recursive: true });
    fs.copyFileSync(shot, path.join(repo, 'docs', 'figures', 'explorer.png'));
  }
  assert.deepEqual(pageErrors, []);
  await page.close();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STUDIES } from '../src/studies/index.js';
import { main } from '../src/cli/main.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-study-'));

// the §1.2 studies run (once) in test/studies-open.test.ts, with the same report checks and their own numbers
const OPEN = new Set(['fronts', 'entropy', 'tails', 'whole-space']);

for (const name of Object.keys(STUDIES).filter((n) => !OPEN.has(n))) {
  test(`study ${name} --quick: the physics checks pass and the report is complete`, async () => {
    const out = tmp();
    const t0 = performance.now();
    const r = await STUDIES[name].run({ quick: true, out });
    const wall = (performance.now() - t0) / 1000;
    assert.ok(r.checks.length > 0);
    for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
    // (its wall time is a benchmark, not a test: bench/ and docs/studies.md record it)
    if (wall > 30) console.log(`# note: study ${name} --quick took ${wall.toFixed(1)} s (loaded machine?)`);
    const files = fs.readdirSync(out);
    assert.ok(files.includes('report.md') && files.includes('results.json'));
    const pngs = files.filter((f) => f.endsWith('.png'));
    assert.ok(pngs.length >= 1);
    for (const p of pngs) {
      const base = p.slice(0, -4);
      assert.ok(files.includes(`${base}.svg`) && files.includes(`${base}.csv`) && files.includes(`${base}.vl.json`), `${base}: svg/csv/spec`);
      const png = fs.readFileSync(path.join(out, p));
      assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
      assert.match(fs.readFileSync(path.join(out, `${base}.svg`), 'utf8'), /^<svg/);
      assert.ok(fs.readFileSync(path.join(out, 'report.md'), 'utf8').includes(`](${p})`), `report.md shows ${p}`);
    }
    fs.rmSync(out, { recursive: true, force: true });
  });
}

test('decay --quick measures the exact gap within 2%, limit --quick the eps-order 1', async () => {
  const out = tmp();
  const d = await STUDIES.decay.run({ quick: true, out });
  const lin = (d.results.linear as { rel_err_vs_discrete: number; rel_err_vs_continuous: number }[])[0];
  assert.ok(Math.abs(lin.rel_err_vs_discrete) < 0.02 && Math.abs(lin.rel_err_vs_continuous) < 0.02);
  fs.rmSync(out, { recursive: true, force: true });
});

test('nlbgk study: refuses a non-empty --out (exit 2), unknown names (exit 2)', async () => {
  const out = tmp();
  fs.writeFileSync(path.join(out, 'keep.txt'), 'x');
  let err = '';
  const io = { out: () => {}, err: (t: string) => void (err += t) };
  assert.equal(await main(['node', 'nlbgk', 'study', 'bounds', '--quick', '--out', out], io), 2);
  assert.match(err, /not empty/);
  assert.equal(await main(['node', 'nlbgk', 'study', 'nosuch', '--out', path.join(out, 'x')], io), 2);
  assert.equal(await main(['node', 'nlbgk', 'study', 'bounds', '--quick', '-q', '--force', '--out', out], io), 0);
  assert.ok(fs.existsSync(path.join(out, 'keep.txt')) && fs.existsSync(path.join(out, 'report.md')));
  fs.rmSync(out, { recursive: true, force: true });
});

test('particles --quick: particles match the kinetic solver within the binomial noise, error ~ N^-1/2', async (t) => {
  const out = tmp();
  const t0 = performance.now();
  const r = await STUDIES.particles.run({ quick: true, out });
  const wall = (performance.now() - t0) / 1000;
  const res = r.results as { per_N: { mean_ratio: number }[]; mean_ratio_over_N: number; slope: { value: number; tolerance: number }; noise: { sd_ratio_max: number } };
  t.diagnostic(`err²/sigma² per N ${res.per_N.map((p) => p.mean_ratio.toFixed(3)).join(', ')}; slope ${res.slope.value.toFixed(4)} ± ${res.slope.tolerance.toFixed(4)}; ${wall.toFixed(1)} s`);
  // the stated multiple: err² ≤ (1 + 4 sd) sigma² for every N (sd of a weighted χ²_C/C statistic, C = 64)
  for (const p of res.per_N) assert.ok(p.mean_ratio <= 1 + 4 * res.noise.sd_ratio_max + 0.01, `err²/sigma² = ${p.mean_ratio}`);
  assert.ok(Math.abs(res.slope.value + 0.5) <= res.slope.tolerance, `slope ${res.slope.value} ± ${res.slope.tolerance}`);
  assert.ok(Math.abs(res.mean_ratio_over_N - 1) <= (4 * res.noise.sd_ratio_max) / Math.sqrt(res.per_N.length));
  fs.rmSync(out, { recursive: true, force: true });
});

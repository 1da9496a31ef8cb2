// The §1.2 studies (issue 14): fronts, entropy, tails, whole-space. Their --quick forms run here once each:
// every physics check passes, the report is complete (as test/studies.test.ts asks of every study), and the
// measured numbers that carry each study's answer are asserted with their own tolerances.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STUDIES, type StudyResult } from '../src/studies/index.js';

async function runQuick(name: string): Promise<{ r: StudyResult; files: string[]; report: string }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `nlbgk-${name}-`));
  try {
    const r = await STUDIES[name].run({ quick: true, out });
    for (const c of r.checks) assert.ok(c.passed, `${name}: ${c.name}: ${c.detail}`);
    const files = fs.readdirSync(out);
    const report = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
    assert.ok(files.includes('results.json'));
    const pngs = files.filter((f) => f.endsWith('.png'));
    assert.ok(pngs.length >= 2, `${name}: figures`);
    for (const p of pngs) {
      const base = p.slice(0, -4);
      for (const ext of ['.svg', '.csv', '.vl.json']) assert.ok(files.includes(base + ext), `${name}: ${base}${ext}`);
      assert.deepEqual([...fs.readFileSync(path.join(out, p)).subarray(1, 4)], [0x50, 0x4e, 0x47]);
      assert.ok(report.includes(`](${p})`), `${name}: report shows ${p}`);
    }
    assert.doesNotMatch(report, /NaN %|undefined/);
    return { r, files, report };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

test('fronts --quick: kinetic mass + outflow exact, vacuum kept, kinetic front within a cell of the limit front at eps = 0.01', async () => {
  const { r } = await runQuick('fronts');
  const res = r.results as { kinetic: Record<string, number>[]; limit: Record<string, number>[] };
  const dx = res.limit[0].dx;
  const k = res.kinetic.find((x) => x.eps === 0.01)!;
  assert.ok(Math.abs(k['dx_1e-3_vs_limit']) < dx, `front offset ${k['dx_1e-3_vs_limit']}`);
  // the kinetic density converges to the limit run's in L1 (eps 0.1 -> 0.01: at least a factor 10)
  const k1 = res.kinetic.find((x) => x.eps === 0.1)!;
  assert.ok(k.l1_vs_limit < k1.l1_vs_limit / 10, `${k1.l1_vs_limit} -> ${k.l1_vs_limit}`);
});

test('entropy --quick: late rates equal the exact gaps at small eps, kinetic entropy -> limit entropy, H_delta certifies most of the rate', async () => {
  const { r } = await runQuick('entropy');
  const res = r.results as { runs: (Record<string, number> & { wall: string })[]; grid: Record<string, number>[]; wall_effect: { eps: number; relative: number }[] };
  for (const row of res.runs.filter((x) => x.eps <= 0.03 && x.wall !== 'diffuse')) assert.ok(Math.abs(row.rate_vs_gap) < 0.02, `rate vs gap ${row.rate_vs_gap}`);
  // (κ² − gap)/eps² ≈ κ⁴ at eps = 0.01 (torus: (2π)⁴ ≈ 1558.5; box: π⁴ ≈ 97.4), within 3 %
  for (const row of res.runs.filter((x) => x.eps === 0.01)) assert.ok(Math.abs(row.approach / (row.limit_rate_exact ** 2) - 1) < 0.03, `approach ${row.approach}`);
  for (const row of res.runs.filter((x) => x.eps === 0.01 && Number.isFinite(x.certified_share))) assert.ok(row.certified_share > 0.9);
  // diffuse and specular walls: the same late rate at eps = 0.01 (1e-3 relative)
  assert.ok(Math.abs(res.wall_effect.find((x) => x.eps === 0.01)!.relative) < 1e-3);
  // grid refinement at eps = 0.1: the rate deviation shrinks with N
  const dev = res.grid.map((g) => Math.abs(g.deviation));
  assert.ok(dev.every((d, i) => i === 0 || d < dev[i - 1]));
});

test('tails --quick: the 10 % departure sets in at a gradient Knudsen number that does not depend on eps (within a factor 1.5)', async () => {
  const { r } = await runQuick('tails');
  const res = r.results as { spread: { x: number; kn: number; kng: number } };
  assert.ok(res.spread.kng < 1.5, `Kn_g spread ${res.spread.kng}`);
  assert.ok(res.spread.kng < res.spread.kn, `Kn_g ${res.spread.kng} vs Kn ${res.spread.kn}`);
});

test('whole-space --quick: 2D mass + tail falls at 4π; the 1D kinetic model keeps its mass and follows the maximal solution', async () => {
  const { r } = await runQuick('whole-space');
  const res = r.results as { limit2d: Record<string, number>[]; kinetic1d: Record<string, number>[] };
  assert.ok(Math.abs(res.limit2d[0].tail_rate_over_4pi - 1) < 0.02);
  for (const k of res.kinetic1d) {
    assert.ok(k.loss_kinetic < 0.1 * k.loss_mass_losing, `loss ${k.loss_kinetic}`);
    assert.ok(k.l1_core_vs_maximal < 0.5 * k.l1_core_vs_losing);
  }
});

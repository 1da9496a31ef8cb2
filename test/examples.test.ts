/**
 * Every example config is a regression test: it runs to its end time and the final diagnostics
 * (mass, extremes, deviation, kinetic norms) must match the values pinned in
 * test/fixtures/examples.json (written by scripts/pin-examples.mjs) to 1e-9 relative — tight
 * enough to catch any change of scheme, loose enough for last-bit differences of Math functions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfigText, validateConfig } from '../src/config/validate.js';
import { runConfig } from '../src/run.js';

const configs = fs.readdirSync('examples').filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
const pinned = JSON.parse(fs.readFileSync('test/fixtures/examples.json', 'utf8')) as Record<string, Record<string, number>>;

test('every example is pinned', () => {
  assert.deepEqual(Object.keys(pinned).sort(), configs);
});

for (const f of configs) {
  test(`example ${f} reproduces its pinned diagnostics`, async () => {
    const config = validateConfig(parseConfigText(fs.readFileSync(path.join('examples', f), 'utf8')));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-example-'));
    await runConfig({ ...config, output: { ...config.output, fields: false } }, { outDir: out, force: true });
    const lines = fs.readFileSync(path.join(out, 'series.csv'), 'utf8').trim().split('\n');
    const head = lines[0].split(',');
    const last = lines[lines.length - 1].split(',').map(Number);
    for (const [k, want] of Object.entries(pinned[f] ?? {})) {
      const got = last[head.indexOf(k)];
      assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${f} ${k}: got ${got}, pinned ${want}`);
    }
    fs.rmSync(out, { recursive: true, force: true });
  });
}

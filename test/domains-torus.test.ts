/**
 * The default domain is the old one: every torus config gives bit-identical results (issue 12).
 * The fingerprints in test/fixtures/torus-bits.json were taken before the domain work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { TORUS_CONFIGS, torusFingerprint } from './torusBits.js';

const pinned = JSON.parse(fs.readFileSync('test/fixtures/torus-bits.json', 'utf8')) as Record<string, string>;

test('torus configs reproduce their pre-domain fingerprints bit for bit', async () => {
  assert.deepEqual(Object.keys(pinned).sort(), Object.keys(TORUS_CONFIGS).sort());
  for (const [name, config] of Object.entries(TORUS_CONFIGS)) {
    assert.equal(await torusFingerprint(config), pinned[name], `${name}: series.csv/summary.json differ from the torus results before the domain work`);
  }
});

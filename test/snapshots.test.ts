/**
 * Snapshot writing is incremental: each snapshot is appended to snapshots.journal at once, and
 * summary.json / fields.h5 are rewritten only while that costs at most 10% of the run (always at the
 * end). With 5000 output times the old rewrite-everything-at-every-snapshot took 10 minutes
 * (measured, 64 cells); the test checks the work, not the time: far fewer rewrites than snapshots,
 * and complete, correct files at the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../src/config/validate.js';
import { runConfig } from '../src/run.js';
import { setWriteFaultForTests } from '../src/io/files.js';
import { readFieldsHdf5 } from '../src/io/hdf5.js';

test('5000 output times: summary.json is rewritten far fewer than 5000 times, and ends complete', async (t) => {
  const times = Array.from({ length: 5000 }, (_, k) => Number(((k + 1) * 0.0002).toFixed(6)));
  const config = validateConfig({
    model: { equation: 'diffusion', alpha: 1 },
    domain: { cells: [16] },
    initial: { rho: '1 + 0.5*sin(2*pi*x)' },
    time: { end: 1, dt: 0.0002 },
    output: { times },
  });
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-snap-')), 'run');
  let summaryWrites = 0;
  let journalBytes = 0;
  setWriteFaultForTests((file, bytes) => {
    if (path.basename(file) === 'summary.json') summaryWrites++;
    if (path.basename(file) === 'snapshots.journal') journalBytes += bytes;
    return bytes;
  });
  try {
    await runConfig(config, { outDir: out });
  } finally {
    setWriteFaultForTests(null);
  }
  t.diagnostic(`summary.json written ${summaryWrites} times for 5001 snapshots`);
  assert.ok(summaryWrites < 1000, `summary.json written ${summaryWrites} times for 5001 snapshots`);
  // the journal got each snapshot once: 5001 records of 16 values (and a small header)
  assert.ok(journalBytes > 5001 * 16 * 8 && journalBytes < 5001 * (16 * 8 + 100), `${journalBytes} journal bytes`);
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  assert.equal(summary.snapshots.length, 5001);
  assert.deepEqual(summary.snapshots.slice(1).map((s: { t: number }) => s.t), times);
  const h5 = await readFieldsHdf5(path.join(out, 'fields.h5'));
  assert.deepEqual(h5.shape.rho, [5001, 16]);
  assert.deepEqual(Array.from(h5.data.rho.subarray(5000 * 16)), summary.snapshots[5000].rho);
  assert.deepEqual(fs.readdirSync(out).sort(), ['fields.h5', 'run.json', 'series.csv', 'summary.json']);
});

#!/usr/bin/env node
/**
 * `npm test` after the build: node --test over dist/test/*.test.js (2 at a time, as CI's 2 cores),
 * then the suites that start process pools and servers of their own (SERIAL: they load both cores
 * by themselves, and next to another suite they would double the load and slow the studies'
 * timed checks), one at a time; then a closing summary of the skipped tests. Suites that need a
 * system package skip with a reason ending in `(apt: PKG…)` (test/support/system.ts); the summary
 * names each such suite and gives the one apt-get command that installs everything missing. The exit status is 0 when every
 * batch passed.
 * Extra arguments go to node --test (e.g. `npm test -- --test-name-pattern=sweep`); arguments
 * that are paths replace the default file list.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const testDir = path.join(root, 'dist', 'test');
const extra = process.argv.slice(2);
const paths = extra.filter((a) => !a.startsWith('-'));
const SERIAL = ['sweeps.test.js', 'sweeps-redis.test.js', 'sweeps-slurm.test.js'];
const all = fs
  .readdirSync(testDir)
  .filter((f) => f.endsWith('.test.js'))
  .sort();
const batches = paths.length
  ? [{ files: paths, concurrency: 2 }]
  : [
      { files: all.filter((f) => !SERIAL.includes(f)), concurrency: 2 },
      { files: all.filter((f) => SERIAL.includes(f)), concurrency: 1 },
    ].map((b) => ({ ...b, files: b.files.map((f) => path.join('dist', 'test', f)) }));
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-test-'));
const reporter = process.stdout.isTTY ? 'spec' : 'tap';
let status = 0;
let skips = [];
batches.forEach((batch, k) => {
  if (batch.files.length === 0) return;
  const skipsFile = path.join(tmpDir, `skips-${k}.jsonl`);
  const args = [
    '--test',
    `--test-concurrency=${batch.concurrency}`,
    `--test-reporter=${reporter}`,
    '--test-reporter-destination=stdout',
    `--test-reporter=${pathToFileURL(path.join(root, 'scripts', 'skip-reporter.mjs')).href}`,
    `--test-reporter-destination=${skipsFile}`,
    ...extra.filter((a) => a.startsWith('-')),
    ...batch.files,
  ];
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) status = r.status ?? 1;
  try {
    skips.push(
      ...fs
        .readFileSync(skipsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    );
  } catch {
    // no skips file: node --test did not get that far
  }
});
fs.rmSync(tmpDir, { recursive: true, force: true });

/** dist/test/x.test.js → test/x.test.ts (the file a developer opens). */
const suiteName = (file) => (file ? path.relative(root, file).replace(/^dist\//, '').replace(/\.js$/, '.ts') : '(unknown file)');
const bySuite = new Map();
for (const s of skips) {
  const key = suiteName(s.file);
  if (!bySuite.has(key)) bySuite.set(key, []);
  bySuite.get(key).push(s);
}
if (bySuite.size > 0) {
  const apt = new Set();
  const lines = ['', '# Skipped tests (not run on this machine):'];
  for (const [suite, list] of [...bySuite].sort()) {
    const reasons = [...new Set(list.map((s) => s.reason || 'no reason given'))];
    for (const reason of reasons) for (const m of reason.matchAll(/\(apt: ([^)]+)\)/g)) m[1].split(/\s+/).filter(Boolean).forEach((p) => apt.add(p));
    lines.push(`#   ${suite}: ${list.length} test${list.length === 1 ? '' : 's'} skipped: ${reasons.join('; ')}`);
  }
  if (apt.size > 0) {
    const sudo = typeof process.getuid === 'function' && process.getuid() !== 0 ? 'sudo ' : '';
    lines.push(`# To run them, install the missing system packages (Debian/Ubuntu) and rerun npm test:`);
    lines.push(`#   ${sudo}apt-get install -y --no-install-recommends ${[...apt].sort().join(' ')}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}
process.exitCode = status;

/** scripts/test.mjs (npm test): the closing summary of skipped suites and the apt-get line; node's exit status. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const runner = path.join(root, 'scripts', 'test.mjs');

// a node --test inside a test would report to this runner (NODE_TEST_CONTEXT): run it as from a shell
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));

function suite(body: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-runner-'));
  const f = path.join(dir, 'x.test.mjs');
  fs.writeFileSync(f, `import { test } from 'node:test';\n${body}\n`);
  return f;
}

test('npm test ends with the skipped suites and one apt-get line for the packages they need', () => {
  const f = suite(`
test('needs a server', { skip: 'needs a Redis server: redis-server not found (apt: redis-server)' }, () => {});
test('needs slurm', { skip: 'needs a single-node SLURM cluster: slurmd, munged not found (apt: slurmd munge)' }, () => {});
test('runs', () => {});`);
  const r = spawnSync(process.execPath, [runner, f], { encoding: 'utf8', cwd: root, env });
  assert.equal(r.status, 0, r.stderr);
  const summary = r.stdout.slice(r.stdout.indexOf('# Skipped tests'));
  assert.match(summary, /^# Skipped tests \(not run on this machine\):\n# {3}\S*x\.test\.mjs: 2 tests skipped: needs a Redis server: .*; needs a single-node SLURM cluster: .*\n/);
  assert.match(summary, /\n# {3}(sudo )?apt-get install -y --no-install-recommends munge redis-server slurmd\n$/);
});

test('npm test keeps a failing status and prints no summary when nothing was skipped', () => {
  const f = suite(`test('fails', () => { throw new Error('no'); });`);
  const r = spawnSync(process.execPath, [runner, f], { encoding: 'utf8', cwd: root, env });
  assert.equal(r.status, 1);
  assert.ok(!r.stdout.includes('# Skipped tests'));
});

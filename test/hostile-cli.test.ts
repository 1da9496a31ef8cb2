/**
 * Hostile and clumsy use of every command beyond the config corpus (hostile.test.ts): inputs that
 * are devices, FIFOs or huge; output paths that cannot hold a run; damaged run directories given to
 * compare and resume; names that are JavaScript's own. Each must end with its documented exit status
 * and one line `nlbgk: …` — no stack trace, no "internal error", no hang, nothing written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../src/cli/main.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-hcli-'));
const good = path.join(root, 'good.yaml');
fs.writeFileSync(good, 'model: { equation: diffusion, alpha: 1 }\ndomain: { cells: [16] }\ninitial: { rho: "1 + 0.5*sin(2*pi*x)" }\ntime: { end: 0.01 }\n');
const fifo = path.join(root, 'fifo');
const hasFifo = spawnSync('mkfifo', [fifo]).status === 0;
const big = path.join(root, 'big.yaml');
fs.writeFileSync(big, '# ' + 'x'.repeat(50 * 2 ** 20) + '\n');
const emptyDir = fs.mkdtempSync(path.join(root, 'empty-'));
const dangling = path.join(root, 'dangling');
fs.symlinkSync(path.join(root, 'nowhere', 'deeper'), dangling);

async function cli(args: string[]): Promise<{ status: number; out: string; err: string; ms: number }> {
  let out = '';
  let err = '';
  const t0 = performance.now();
  const status = await main(['node', 'nlbgk', ...args], { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { status, out, err, ms: performance.now() - t0 };
}

function assertOneLine(r: { err: string }, expected: RegExp): void {
  const lines = r.err.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.err);
  assert.match(lines[0], /^nlbgk: /);
  assert.doesNotMatch(r.err, /^\s+at |internal error/m);
  assert.match(lines[0], expected);
}

const inputs: [string, () => string[], RegExp, string | false][] = [
  ['config is /dev/zero', () => ['run', '/dev/zero', '--out', path.join(root, 'o1')], /config \/dev\/zero: not a regular file/, false],
  ['config is a FIFO without writer', () => ['run', fifo, '--out', path.join(root, 'o2')], /not a regular file/, hasFifo ? false : 'mkfifo not available'],
  ['config of 50 MB', () => ['run', big, '--out', path.join(root, 'o3')], /50\.0 MiB, more than the 1 MiB a config may have/, false],
  ['config is a directory', () => ['run', root, '--out', path.join(root, 'o4')], /is a directory/, false],
  ['validate /dev/zero', () => ['validate', '/dev/zero'], /not a regular file/, false],
  ['--out under /proc', () => ['run', good, '--out', '/proc/nlbgk-run'], /\/proc is a kernel pseudo-file system/, false],
  ['--out /dev/null', () => ['run', good, '--out', '/dev/null'], /\/dev is a kernel pseudo-file system/, false],
  ['--out a dangling symlink', () => ['run', good, '--out', dangling], /a dangling symbolic link/, false],
  ['--out under a file', () => ['run', good, '--out', path.join(good, 'sub')], /a component of the path is a file|not a directory/, false],
  ['--out is a file', () => ['run', good, '--out', good], /exists and is not a directory/, false],
  ['--out empty', () => ['run', good, '--out', ''], /an empty path/, false],
  ['--out too long', () => ['run', good, '--out', path.join(root, 'a'.repeat(5000))], /the path is \d+ bytes long/, false],
  ['--out with a too long component', () => ['run', good, '--out', path.join(root, 'b'.repeat(300))], /the path is too long|ENAMETOOLONG/, false],
  ['resume a missing directory', () => ['resume', path.join(root, 'missing')], /no such directory/, false],
  ['resume a file', () => ['resume', good], /not a directory/, false],
  ['resume an empty directory', () => ['resume', emptyDir], /no run\.json/, false],
  ['study __proto__', () => ['study', '__proto__', '--out', path.join(root, 's1')], /unknown study '__proto__'/, false],
  ['study constructor', () => ['study', 'constructor', '--out', path.join(root, 's2')], /unknown study 'constructor'/, false],
  ['study toString', () => ['study', 'toString', '--out', path.join(root, 's3')], /unknown study 'toString'/, false],
  ['plot a missing directory', () => ['plot', path.join(root, 'missing')], /no run\.json/, false],
];

for (const [name, args, expected, skip] of inputs) {
  test(`hostile CLI input: ${name} → exit 2, one line`, { skip }, async () => {
    const before = fs.readdirSync(root).sort();
    const r = await cli(args());
    assert.equal(r.status, 2, r.err);
    assertOneLine(r, expected);
    assert.ok(r.ms < 5000, `answered in ${r.ms} ms (no hang)`);
    assert.deepEqual(fs.readdirSync(root).sort(), before, 'nothing written');
  });
}

test('a read-only mount as --out: exit 2, one line', { skip: process.getuid?.() === 0 ? false : 'needs privileges to mount' }, async () => {
  const ro = path.join(root, 'ro');
  fs.mkdirSync(ro);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]).status !== 0) return;
  try {
    const r = await cli(['run', good, '--out', path.join(ro, 'run')]);
    assert.equal(r.status, 2, r.err);
    assertOneLine(r, /read-only/);
  } finally {
    spawnSync('umount', [ro]);
  }
});

test('compare on damaged run directories: exit 2, one line naming the file', async () => {
  const a = path.join(root, 'runA');
  assert.equal((await cli(['run', good, '--out', a, '--quiet'])).status, 0);
  const damaged: [string, (d: string) => void, RegExp][] = [
    ['summary.json truncated', (d) => fs.truncateSync(path.join(d, 'summary.json'), 40), /summary\.json is not valid JSON/],
    ['summary.json without rho', (d) => fs.writeFileSync(path.join(d, 'summary.json'), '{"snapshots":[{"t":0}]}'), /snapshot 0 \(t = 0\) has no rho of 16 numbers/],
    ['summary.json rho of the wrong size', (d) => fs.writeFileSync(path.join(d, 'summary.json'), '{"snapshots":[{"t":0,"rho":[1,2]}]}'), /has no rho of 16 numbers/],
    ['summary.json is a list', (d) => fs.writeFileSync(path.join(d, 'summary.json'), '[1,2]'), /has no snapshots list/],
    ['run.json garbage', (d) => fs.writeFileSync(path.join(d, 'run.json'), '\u0000\u0001'), /run\.json is not valid JSON/],
    ['run.json null', (d) => fs.writeFileSync(path.join(d, 'run.json'), 'null'), /run\.json lacks a valid config/],
    ['run.json cells wrong', (d) => fs.writeFileSync(path.join(d, 'run.json'), '{"config":{"model":{"equation":"diffusion"},"domain":{"cells":"16"}}}'), /lacks a valid config/],
    ['series.csv truncated mid-row', (d) => fs.appendFileSync(path.join(d, 'series.csv'), '0.5,1'), /series\.csv row \d+ has 2 values/],
    ['series.csv with text', (d) => {
      const columns = fs.readFileSync(path.join(d, 'series.csv'), 'utf8').split('\n')[0].split(',').length;
      fs.appendFileSync(path.join(d, 'series.csv'), Array(columns).fill('x').join(',') + '\n');
    }, /is not a number/],
    ['series.csv missing', (d) => fs.rmSync(path.join(d, 'series.csv')), /no series\.csv/],
    ['summary.json is a directory', (d) => {
      fs.rmSync(path.join(d, 'summary.json'));
      fs.mkdirSync(path.join(d, 'summary.json'));
    }, /summary\.json is not a regular file/],
  ];
  for (const [name, damage, expected] of damaged) {
    const b = path.join(root, `cmp-${name.replace(/\W+/g, '-')}`);
    fs.cpSync(a, b, { recursive: true });
    damage(b);
    const r = await cli(['compare', a, b]);
    assert.equal(r.status, 2, `${name}: ${r.err}`);
    assertOneLine(r, expected);
  }
  const r = await cli(['compare', a, a, '--json', path.join(root, 'no', 'such', 'dir', 'x.json')]);
  assert.equal(r.status, 2, r.err);
  assertOneLine(r, /--json .*: cannot write/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { acquireRunLock, LOCK_FILE, RunLockedError } from '../src/io/lock.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-lock-'));

test('run lock: exclusive while held, free after release', () => {
  const dir = tmp();
  const a = acquireRunLock(dir, { command: 'test a' });
  assert.throws(() => acquireRunLock(dir), (e: unknown) => e instanceof RunLockedError && /in use by process \d+/.test(e.message));
  a.release();
  const b = acquireRunLock(dir);
  b.release();
  assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false);
});

test('run lock: a dead owner on this host is stale and broken', () => {
  const dir = tmp();
  // a pid that surely existed and is gone: a finished child
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(child.stdout);
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ host: os.hostname(), pid, startTicks: null, command: 'x', acquired: 'y' }));
  const reasons: string[] = [];
  const lock = acquireRunLock(dir, {}, (r) => reasons.push(r));
  assert.match(reasons[0], /is gone/);
  lock.release();
});

test('run lock: a live pid with another start time is stale (pid reuse)', { skip: !fs.existsSync('/proc/self/stat') ? 'no /proc' : false }, () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ host: os.hostname(), pid: process.pid, startTicks: 1, command: 'x', acquired: 'y' }));
  const reasons: string[] = [];
  acquireRunLock(dir, {}, (r) => reasons.push(r)).release();
  assert.match(reasons[0], /another process/);
});

test('run lock: another host is trusted until its heartbeat is older than staleSeconds', () => {
  const dir = tmp();
  const file = path.join(dir, LOCK_FILE);
  fs.writeFileSync(file, JSON.stringify({ host: 'elsewhere', pid: 1, startTicks: null, command: 'x', acquired: 'y' }));
  assert.throws(() => acquireRunLock(dir, { staleSeconds: 600 }), RunLockedError);
  const old = new Date(Date.now() - 700_000);
  fs.utimesSync(file, old, old);
  acquireRunLock(dir, { staleSeconds: 600 }).release();
  // unparseable lock: the age rule
  fs.writeFileSync(file, '{"ho');
  assert.throws(() => acquireRunLock(dir), RunLockedError);
  fs.utimesSync(file, old, old);
  acquireRunLock(dir).release();
});

test('run lock: release leaves a lock taken over by someone else alone', () => {
  const dir = tmp();
  const a = acquireRunLock(dir);
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ host: 'elsewhere', pid: 1, startTicks: null, command: 'x', acquired: 'z' }));
  a.release();
  assert.ok(fs.existsSync(path.join(dir, LOCK_FILE)));
});

/** Shared fixtures of the sweep tests: tiny configs, the CLI as a child process, run-directory comparison. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');

/** Temporary directories of this test process, removed when it exits (tmpfs ones hold memory). */
const created: string[] = [];
process.on('exit', () => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});

export const tmp = (prefix = 'nlbgk-sweep-') => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(d);
  return d;
};

/** A diffusion run of 10 steps on 16 cells (~20 ms in process). */
export const tinyBase = () => ({
  model: { equation: 'diffusion', alpha: -1 },
  domain: { cells: [16] },
  initial: { rho: '1 + 0.5*sin(2*pi*x)' },
  time: { end: 0.001, dt: 0.0001 },
  output: { fields: false },
});

/** A kinetic run of about a second with a checkpoint every 50 steps (for kill and resume tests). */
export const slowBase = (end = 1) => ({
  model: { equation: 'kinetic', alpha: 1, eps: 0.5 },
  domain: { cells: [64] },
  velocity: { nodes: 16 },
  initial: { rho: '1 + 0.5*sin(2*pi*x)' },
  time: { end, dt: 0.0005 },
  output: { fields: false },
  checkpoint: { every_steps: 50 },
});

export function writeSpec(dir: string, spec: Record<string, unknown>, name = 'spec.yaml'): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, stringify(spec));
  return f;
}

export function nlbgk(args: string[], options: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...options.env }, timeout: options.timeout ?? 120_000 });
}

/** The files of two run directories that must be byte-identical between backends. */
export function sameResults(a: string, b: string): string | null {
  for (const f of ['series.csv', 'summary.json']) {
    const x = fs.readFileSync(path.join(a, f));
    const y = fs.readFileSync(path.join(b, f));
    if (!x.equals(y)) return `${f} differs between ${a} and ${b}`;
  }
  return null;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => T | null | undefined | false, timeoutMs: number, everyMs = 100): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The CLI in this process (main() with captured output): the same code without a process start-up. */
export async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const { main } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const status = await main(['node', 'nlbgk', ...args], { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { status, stdout, stderr };
}

/** A directory on tmpfs when there is one (/dev/shm): the many-point tests measure logic, not fsync. */
export function fastTmp(prefix = 'nlbgk-sweep-'): string {
  try {
    if (fs.statSync('/dev/shm').isDirectory()) {
      const d = fs.mkdtempSync(path.join('/dev/shm', prefix));
      created.push(d);
      return d;
    }
  } catch {
    // no tmpfs
  }
  return tmp(prefix);
}

/**
 * One process per run directory: an exclusive lock file `nlbgk.lock` created with O_CREAT|O_EXCL,
 * holding who owns it (host, pid, the process's start time, the command) as JSON.
 *
 * Stale-lock rule (a lock whose owner died, e.g. kill -9 or a power cut, is broken automatically):
 *   - same host: stale when the pid is not alive, or is alive but started at another time (pid reuse:
 *     the start time is field 22 of /proc/PID/stat where the system has one);
 *   - another host (a shared filesystem): stale when the file has not been touched for `staleSeconds`
 *     (default 600 s); the owner touches it (`refresh()`) at most every `heartbeatSeconds` (30 s)
 *     from its time loop.
 *   - a lock file that cannot be parsed (a crash between create and write) is stale by the same age rule.
 * A live lock makes `acquireRunLock` throw `RunLockedError`, which the CLI reports with exit status 75
 * (EX_TEMPFAIL: try again later) so that sweep engines can tell "busy" from "bad input".
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const LOCK_FILE = 'nlbgk.lock';
/** Exit status of a command refused because its run directory is locked by a live process. */
export const EXIT_LOCKED = 75;

export interface LockOwner {
  host: string;
  pid: number;
  /** Start time of the owning process (/proc/PID/stat field 22, clock ticks since boot), or null. */
  startTicks: number | null;
  command: string;
  acquired: string;
}

export class RunLockedError extends Error {
  constructor(
    message: string,
    readonly owner: LockOwner | null,
  ) {
    super(message);
    this.name = 'RunLockedError';
  }
}

export interface LockOptions {
  /** A lock of another host untouched for this long is stale (default 600). */
  staleSeconds?: number;
  /** refresh() touches the file at most this often (default 30). */
  heartbeatSeconds?: number;
  /** What the owner is doing, recorded in the lock (e.g. `nlbgk run config.yaml`). */
  command?: string;
}

/** Start time of a process in clock ticks since boot, or null where /proc is not available. */
export function processStartTicks(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count from the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[19]); // field 22 overall = index 19 after fields 1 and 2
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const o = JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
    return typeof o.host === 'string' && Number.isInteger(o.pid) ? o : null;
  } catch {
    return null;
  }
}

/** Why the lock in `file` is stale, or null when its owner is (or may be) alive. */
function staleReason(file: string, owner: LockOwner | null, staleSeconds: number): string | null {
  if (owner && owner.host === os.hostname()) {
    if (!alive(owner.pid)) return `process ${owner.pid} is gone`;
    const ticks = processStartTicks(owner.pid);
    if (owner.startTicks !== null && ticks !== null && ticks !== owner.startTicks) return `pid ${owner.pid} now belongs to another process`;
    return null;
  }
  let age: number;
  try {
    age = (Date.now() - fs.statSync(file).mtimeMs) / 1000;
  } catch {
    return 'the lock file vanished';
  }
  return age > staleSeconds ? `not refreshed for ${Math.round(age)} s` : null;
}

export class RunLock {
  private last = performance.now();
  private released = false;

  constructor(
    readonly file: string,
    readonly owner: LockOwner,
    private readonly heartbeatMs: number,
  ) {}

  /** Touch the lock file when the heartbeat interval has passed (cheap to call every step). */
  refresh(): void {
    const now = performance.now();
    if (this.released || now - this.last < this.heartbeatMs) return;
    this.last = now;
    try {
      const t = new Date();
      fs.utimesSync(this.file, t, t);
    } catch {
      // A vanished lock file is not a reason to stop a run; the next acquirer decides.
    }
  }

  /** Remove the lock if it is still ours. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const o = readOwner(this.file);
    if (o && o.pid === this.owner.pid && o.host === this.owner.host && o.acquired === this.owner.acquired) {
      fs.rmSync(this.file, { force: true });
    }
  }
}

/**
 * Take the exclusive lock of run directory `dir` (which must exist). A stale lock is broken (the
 * reason is passed to `onStale`); a live one throws RunLockedError naming its owner.
 */
export function acquireRunLock(dir: string, options: LockOptions = {}, onStale?: (reason: string) => void): RunLock {
  const file = path.join(dir, LOCK_FILE);
  const staleSeconds = options.staleSeconds ?? 600;
  const owner: LockOwner = {
    host: os.hostname(),
    pid: process.pid,
    startTicks: processStartTicks(process.pid),
    command: options.command ?? process.argv.slice(1).join(' '),
    acquired: new Date().toISOString(),
  };
  const text = JSON.stringify(owner) + '\n';
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const current = readOwner(file);
      const reason = staleReason(file, current, staleSeconds);
      if (reason === null) {
        const who = current ? `process ${current.pid} on ${current.host} (${current.command}) since ${current.acquired}` : 'another process (its lock file is being written)';
        throw new RunLockedError(`${dir} is in use by ${who}; wait for it to finish, or remove ${file} if you are sure it is dead`, current);
      }
      onStale?.(reason);
      // Break it by renaming to a unique name first: of two processes breaking it at once, one wins.
      const grave = `${file}.stale-${process.pid}-${attempt}`;
      try {
        fs.renameSync(file, grave);
        fs.rmSync(grave, { force: true });
      } catch {
        // Someone else broke it first; retry the exclusive create.
      }
      continue;
    }
    try {
      const n = fs.writeSync(fd, text);
      if (n !== Buffer.byteLength(text)) throw new Error(`short write to ${file}`);
      fs.fsyncSync(fd);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      throw err;
    }
    fs.closeSync(fd);
    return new RunLock(file, owner, (options.heartbeatSeconds ?? 30) * 1000);
  }
  throw new RunLockedError(`${dir}: could not take the lock ${file} (it keeps being recreated by another process)`, readOwner(file));
}

/**
 * Read-only look at the lock of `dir`: its owner when a live process holds it (by the stale rule
 * above), `{ owner: null }` for a fresh lock that cannot be read yet, null when free or stale.
 * Takes and breaks nothing (`nlbgk sweep status`).
 */
export function liveLock(dir: string, staleSeconds = 600): { owner: LockOwner | null } | null {
  const file = path.join(dir, LOCK_FILE);
  if (!fs.existsSync(file)) return null;
  const owner = readOwner(file);
  return staleReason(file, owner, staleSeconds) === null ? { owner } : null;
}

/**
 * The lifecycle of a run directory (docs/robustness.md): one process per directory (the lock of
 * lock.ts is taken before any file is touched and held for the whole run), `--force` removes only
 * nlbgk's own files and never those of a live run, and a path that cannot hold a run is refused
 * with one line (exit status 2) before anything is written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireRunLock, LOCK_FILE, RunLock, RunLockedError } from './lock.js';
import { OutputDirError, RUN_FILES } from './files.js';

/** Longest --out path accepted (PATH_MAX is 4096 on Linux; file names inside need room). */
const MAX_PATH = 3800;

/** A run directory held by this process: the lock, and whether this process must release it. */
export interface HeldDirectory {
  dir: string;
  lock: RunLock;
  /** True when the lock was taken here (and is released by `release`); false for a caller's lock. */
  owned: boolean;
}

export function releaseDirectory(held: HeldDirectory): void {
  if (held.owned) held.lock.release();
}

/** The reason an fs error happened, in words a user can act on. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'a parent directory does not exist (or is a dangling symbolic link)';
    case 'ENOTDIR':
      return 'a component of the path is a file, not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EEXIST':
      return 'it exists and is not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EIO':
      return 'input/output error';
    default:
      return e.code ? `${e.code}: ${e.message}` : String(e.message ?? err);
  }
}

function checkPathText(dir: string, what: string): void {
  if (dir.trim() === '') throw new OutputDirError(`${what} '': an empty path; give a directory`);
  if (dir.includes('\0')) throw new OutputDirError(`${what}: the path contains a NUL byte`);
  if (Buffer.byteLength(dir) > MAX_PATH) throw new OutputDirError(`${what}: the path is ${Buffer.byteLength(dir)} bytes long, more than ${MAX_PATH}`);
  const abs = path.resolve(dir);
  const inside = (root: string) => abs === root || abs.startsWith(root + '/');
  // Kernel pseudo-file systems (writes there hang or mean something else); /dev/shm is a plain tmpfs.
  for (const pseudo of ['/proc', '/sys', '/dev']) {
    if (inside(pseudo) && !(pseudo === '/dev' && inside('/dev/shm') && abs !== '/dev/shm')) {
      throw new OutputDirError(`${what} ${dir}: ${pseudo} is a kernel pseudo-file system, not a place for a run`);
    }
  }
}

/** A lock of a live process in `dir` (a RunLockedError), else null — reading only. */
function liveLock(dir: string): RunLockedError | null {
  if (!fs.existsSync(path.join(dir, LOCK_FILE))) return null;
  try {
    // Taking and releasing the lock is the only reliable liveness test (it applies the stale rule).
    acquireRunLock(dir).release();
    return null;
  } catch (err) {
    if (err instanceof RunLockedError) return err;
    return null;
  }
}

/**
 * Make `dir` ready for a new run and hold it: created when missing; an empty directory is taken as
 * it is; a non-empty one is refused unless `force`, and then only nlbgk's own files (RUN_FILES and
 * their temporaries) are removed — after the lock is taken, so a live run is never touched (its
 * lock makes this throw RunLockedError instead).
 */
export function holdNewRunDirectory(dir: string, options: { force: boolean; lock?: RunLock; command?: string }): HeldDirectory {
  checkPathText(dir, '--out');
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new OutputDirError(`--out ${dir}: ${describeFsError(err)}`);
  }
  if (stat && !stat.isDirectory()) throw new OutputDirError(`--out ${dir}: exists and is not a directory`);
  if (stat) {
    const entries = fs.readdirSync(dir).filter((e) => !(options.lock && e === LOCK_FILE));
    if (entries.length > 0 && !options.force) {
      const busy = options.lock ? null : liveLock(dir);
      if (busy) throw busy;
      throw new OutputDirError(
        `--out ${dir}: the directory is not empty (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}); choose another directory or pass --force to replace a previous run's files`,
      );
    }
  } else {
    if (fs.existsSync(dir) || isDanglingLink(dir)) throw new OutputDirError(`--out ${dir}: a dangling symbolic link`);
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
      let cause = err;
      // Node's recursive mkdir reports ENOENT for some failures (a read-only mount): ask once more
      // without recursion when the parent exists, which gives the real reason.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(path.dirname(path.resolve(dir)))) {
        try {
          fs.mkdirSync(dir);
        } catch (again) {
          cause = again;
        }
      }
      throw new OutputDirError(`--out ${dir}: cannot create the directory: ${describeFsError(cause)}`);
    }
  }
  const held = hold(dir, options.lock, options.command, '--out');
  if (options.force) {
    try {
      removeRunFiles(dir);
    } catch (err) {
      releaseDirectory(held);
      throw new OutputDirError(`--out ${dir}: cannot remove the previous run's files: ${describeFsError(err)}`);
    }
  }
  return held;
}

/** Hold an existing run directory (resume). */
export function holdExistingRunDirectory(dir: string, options: { lock?: RunLock; command?: string } = {}): HeldDirectory {
  checkPathText(dir, 'run directory');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    throw new OutputDirError(`${dir}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : describeFsError(err)}`);
  }
  if (!stat.isDirectory()) throw new OutputDirError(`${dir}: not a directory`);
  return hold(dir, options.lock, options.command, 'run directory');
}

function hold(dir: string, lock: RunLock | undefined, command: string | undefined, what: string): HeldDirectory {
  if (lock) return { dir, lock, owned: false };
  try {
    return { dir, lock: acquireRunLock(dir, { command }), owned: true };
  } catch (err) {
    if (err instanceof RunLockedError) throw err;
    throw new OutputDirError(`${what} ${dir}: cannot take the run-directory lock ${LOCK_FILE}: ${describeFsError(err)}`);
  }
}

function isDanglingLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Remove nlbgk's own files (and their temporaries) from `dir`; nothing else. */
export function removeRunFiles(dir: string): void {
  for (const f of RUN_FILES) {
    fs.rmSync(path.join(dir, f), { force: true });
    fs.rmSync(path.join(dir, `${f}.tmp`), { force: true });
  }
}

/**
 * File primitives of the run directory. Every file that is rewritten (run.json, summary.json,
 * fields.h5, checkpoint.bin) is written to a temporary sibling `NAME.tmp`, every write's length is
 * checked, the file is fsynced and renamed over the old one, so a crash or a full disk at any
 * moment leaves either the previous complete file or the new complete file. Appended files
 * (series.csv, snapshots.journal) check every write's length too and keep a running SHA-256 of
 * their bytes, which checkpoints record and resume verifies.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, type Hash } from 'node:crypto';

/** Files a run writes; `--force` removes exactly these (and their `NAME.tmp`), never anything else. */
export const RUN_FILES = ['run.json', 'series.csv', 'summary.json', 'fields.h5', 'checkpoint.bin', 'snapshots.journal'] as const;

/**
 * A write that could not be completed (disk full, quota, I/O error): names the file and the reason.
 * The previous complete version of a rewritten file is kept.
 */
export class RunIoError extends Error {
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    reason: string,
  ) {
    super(`cannot write ${file}: ${reason}`);
    this.name = 'RunIoError';
  }
}

function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC') return 'no space left on the device';
  if (e.code === 'EDQUOT') return 'disk quota exceeded';
  if (e.code === 'EIO') return 'input/output error';
  if (e.code === 'EROFS') return 'the file system is read-only';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  return e.code ? `${e.code} (${e.message})` : String(e.message ?? err);
}

export function toRunIoError(file: string, err: unknown): RunIoError {
  if (err instanceof RunIoError) return err;
  return new RunIoError(file, (err as NodeJS.ErrnoException).code, reasonOf(err));
}

/**
 * Test hook: a function called before each data write with the file and the byte count; it returns
 * how many bytes the "disk" accepts (fewer: a short write, then ENOSPC). Null: no fault.
 */
let writeFault: ((file: string, bytes: number) => number) | null = null;
export function setWriteFaultForTests(fault: ((file: string, bytes: number) => number) | null): void {
  writeFault = fault;
}

/**
 * Write all of `data` — one buffer, or several written one after the other as if they were one (a
 * checkpoint's header and state arrays, without copying them together) — at the file position (or
 * `position`), checking every write's length.
 */
export function writeAll(fd: number, data: Uint8Array | readonly Uint8Array[], file: string, position: number | null = null): void {
  const chunks = data instanceof Uint8Array ? [data] : data;
  let total = 0;
  for (const c of chunks) total += c.length;
  let off = 0;
  let chunk = 0;
  let inChunk = 0;
  while (off < total) {
    let len = total - off;
    if (writeFault) {
      const allowed = writeFault(file, len);
      if (allowed <= 0) throw new RunIoError(file, 'ENOSPC', 'no space left on the device (injected)');
      len = Math.min(len, allowed);
    }
    // `len` bytes from the chunks (one write per chunk they span)
    while (len > 0) {
      while (inChunk === chunks[chunk].length) {
        chunk++;
        inChunk = 0;
      }
      const c = chunks[chunk];
      let n: number;
      try {
        n = fs.writeSync(fd, c, inChunk, Math.min(len, c.length - inChunk), position === null ? null : position + off);
      } catch (err) {
        throw toRunIoError(file, err);
      }
      if (n <= 0) throw new RunIoError(file, 'ENOSPC', `short write (${off} of ${total} bytes)`);
      off += n;
      inChunk += n;
      len -= n;
    }
  }
}

function fsyncChecked(fd: number, file: string): void {
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    throw toRunIoError(file, err);
  }
}

export class OutputDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputDirError';
  }
}

/**
 * Make `dir` ready for a report (`nlbgk study`): create it, or accept it when empty; a non-empty
 * directory is refused unless `force`, and even then nothing is removed (files of the same names
 * are replaced when written). Run directories have their own lifecycle (runDirectory.ts).
 */
export function prepareReportDirectory(dir: string, force: boolean): void {
  if (dir.trim() === '') throw new OutputDirError("--out '': an empty path; give a directory");
  try {
    if (fs.existsSync(dir)) {
      if (!fs.statSync(dir).isDirectory()) throw new OutputDirError(`--out ${dir}: exists and is not a directory`);
      const entries = fs.readdirSync(dir);
      if (entries.length > 0 && !force) {
        throw new OutputDirError(`--out ${dir}: the directory is not empty (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}); choose another directory or pass --force to write into it`);
      }
    } else {
      fs.mkdirSync(dir, { recursive: true });
    }
  } catch (err) {
    if (err instanceof OutputDirError) throw err;
    throw new OutputDirError(`--out ${dir}: cannot use it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * Write `data` (text, bytes, or byte chunks written in order) to `file` atomically: temporary file,
 * checked writes, fsync, rename, fsync of the directory.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const tmp = `${file}.tmp`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'w');
  } catch (err) {
    throw toRunIoError(file, err);
  }
  try {
    writeAll(fd, bytes, file);
    fsyncChecked(fd, file);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw toRunIoError(file, err);
  }
  fs.closeSync(fd);
  commitRename(tmp, file);
}

/** Replace `file` by an already-complete temporary file, durably. */
export function commitTemporary(tmp: string, file: string): void {
  try {
    const fd = fs.openSync(tmp, 'r+');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw toRunIoError(file, err);
  }
  commitRename(tmp, file);
}

function commitRename(tmp: string, file: string): void {
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw toRunIoError(file, err);
  }
  syncDirectory(path.dirname(file));
}

function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Directory fsync is not supported on every filesystem; the rename is still atomic.
  }
}

/** Numbers as the shortest text that reads back to the same double (deterministic, lossless). */
export function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A file that only grows (series.csv, snapshots.journal): checked appends, and a running SHA-256 of
 * everything in it, so a checkpoint can record (length, hash) and resume can verify the prefix.
 */
export class AppendFile {
  private readonly fd: number;
  private hash: Hash = createHash('sha256');
  /** Bytes in the file so far. */
  bytes = 0;

  /** A new (empty) file, or (resume) the first `keep.bytes` bytes of an existing one, which must hash to `keep.sha256`. */
  constructor(
    readonly file: string,
    keep?: { bytes: number; sha256: string },
  ) {
    try {
      if (keep === undefined) {
        this.fd = fs.openSync(file, 'w');
      } else {
        const prefix = readPrefix(file, keep.bytes);
        const got = createHash('sha256').update(prefix).digest('hex');
        if (got !== keep.sha256) throw new PrefixMismatch(file, keep.bytes);
        this.hash.update(prefix);
        fs.truncateSync(file, keep.bytes);
        this.fd = fs.openSync(file, 'a');
        this.bytes = keep.bytes;
      }
    } catch (err) {
      if (err instanceof PrefixMismatch) throw err;
      throw toRunIoError(file, err);
    }
  }

  append(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    writeAll(this.fd, bytes, this.file);
    this.hash.update(bytes);
    this.bytes += bytes.length;
  }

  /** SHA-256 (hex) of the bytes written so far. */
  digest(): string {
    return this.hash.copy().digest('hex');
  }

  /** Make everything written so far durable. */
  sync(): void {
    fsyncChecked(this.fd, this.file);
  }

  close(): void {
    try {
      this.sync();
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

/** The prefix of an appended file does not match what the checkpoint recorded. */
export class PrefixMismatch extends Error {
  constructor(
    readonly file: string,
    readonly bytes: number,
    why?: string,
  ) {
    super(`${path.basename(file)}: ${why ?? `its first ${bytes} bytes differ from what the checkpoint recorded (the file was truncated or edited)`}`);
    this.name = 'PrefixMismatch';
  }
}

/** Check that the first `keep.bytes` bytes of `file` hash to `keep.sha256` (PrefixMismatch otherwise); changes nothing. */
export function verifyPrefix(file: string, keep: { bytes: number; sha256: string }): void {
  if (createHash('sha256').update(readPrefix(file, keep.bytes)).digest('hex') !== keep.sha256) throw new PrefixMismatch(file, keep.bytes);
}

function readPrefix(file: string, bytes: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new PrefixMismatch(file, bytes, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size < bytes) throw new PrefixMismatch(file, bytes);
    const buf = Buffer.alloc(bytes);
    let off = 0;
    while (off < bytes) {
      const n = fs.readSync(fd, buf, off, bytes - off, off);
      if (n <= 0) throw new PrefixMismatch(file, bytes);
      off += n;
    }
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}

/** series.csv: a header and one row per recorded time, appended as the run goes. */
export class SeriesWriter extends AppendFile {
  /** A new file with its header, or (resume) the verified first `keep.bytes` bytes of an existing one. */
  constructor(file: string, columns: readonly string[], keep?: { bytes: number; sha256: string }) {
    super(file, keep);
    if (keep === undefined) this.append(['t', ...columns].join(',') + '\n');
  }

  write(t: number, values: readonly number[]): void {
    let line = formatNumber(t);
    for (const v of values) line += ',' + formatNumber(v);
    this.append(line + '\n');
  }
}

/**
 * File primitives of the run directory. Every file that is rewritten (run.json, summary.json,
 * fields.h5) is written to a temporary sibling, fsynced and renamed over the old one, so a
 * crash at any moment leaves either the previous complete file or the new complete file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Files a run writes; `--force` removes exactly these, never anything else in the directory. */
export const RUN_FILES = ['run.json', 'series.csv', 'summary.json', 'fields.h5', 'checkpoint.bin'] as const;

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

/** Write `data` to `file` atomically (temporary file, fsync, rename, fsync of the directory). */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    if (typeof data === 'string') fs.writeSync(fd, data);
    else fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  syncDirectory(path.dirname(file));
}

/** Replace `file` by an already-complete temporary file, durably. */
export function commitTemporary(tmp: string, file: string): void {
  const fd = fs.openSync(tmp, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
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

/** series.csv: a header and one row per recorded time, appended as the run goes. */
export class SeriesWriter {
  private readonly fd: number;
  /** Bytes in the file so far (checkpoints record it, resume truncates to it). */
  bytes = 0;

  /** A new file with its header, or (resume) the first `keepBytes` bytes of an existing one. */
  constructor(
    readonly file: string,
    columns: readonly string[],
    keepBytes?: number,
  ) {
    if (keepBytes === undefined) {
      this.fd = fs.openSync(file, 'w');
      this.append(['t', ...columns].join(',') + '\n');
    } else {
      fs.truncateSync(file, keepBytes);
      this.fd = fs.openSync(file, 'a');
      this.bytes = keepBytes;
    }
  }

  write(t: number, values: readonly number[]): void {
    let line = formatNumber(t);
    for (const v of values) line += ',' + formatNumber(v);
    this.append(line + '\n');
  }

  private append(text: string): void {
    this.bytes += fs.writeSync(this.fd, text);
  }

  /** Make everything written so far durable (called at snapshots and checkpoints). */
  sync(): void {
    fs.fsyncSync(this.fd);
  }

  close(): void {
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }
}

/**
 * Snapshots of a run: appended at once to `snapshots.journal` (cost proportional to one snapshot,
 * checked writes, a running SHA-256 that checkpoints record), and published as the two files users
 * read — summary.json and fields.h5, each rewritten whole and atomically. Rewriting them at every
 * snapshot would cost O(S²) for S snapshots (5000 output times took minutes), so they are
 * rewritten at a snapshot only while the time spent on them stays below `VIEW_BUDGET` of the run's
 * wall time, and always at the end, when a run fails and when it is interrupted. Resume reads the
 * snapshots back from the journal (verified against the checkpoint), never from the views, and the
 * final views of a resumed run are byte-identical to those of an uninterrupted one. The journal is
 * removed when the run completes.
 *
 * Journal record: "SNAP" | uint32 header length | JSON header {t, fields: {name: length}} | float64 values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppendFile, writeFileAtomic } from './files.js';
import { writeFieldsHdf5, type FieldSnapshot, type Hdf5Extras } from './hdf5.js';
import type { Grid } from '../grid/grid.js';

export const JOURNAL_FILE = 'snapshots.journal';
/** Fraction of the wall time that rewriting summary.json and fields.h5 at snapshot times may take. */
export const VIEW_BUDGET = 0.1;

export interface SnapshotLayout {
  grid: Grid;
  /** Write fields.h5 (output.fields). */
  fields: boolean;
  hdf5: Hdf5Extras;
}

export interface JournalState {
  bytes: number;
  sha256: string;
  snapshots: number;
}

export class JournalError extends Error {}

export class SnapshotStore {
  readonly snapshots: FieldSnapshot[];
  private readonly journal: AppendFile;
  private readonly started = performance.now();
  private viewSeconds = 0;
  /** Snapshots already in the published views. */
  private published = 0;

  /** A new store, or (resume) the journal's verified prefix and the snapshots in it. */
  constructor(
    readonly dir: string,
    readonly layout: SnapshotLayout,
    resume?: JournalState,
  ) {
    const file = path.join(dir, JOURNAL_FILE);
    this.journal = new AppendFile(file, resume);
    this.snapshots = resume ? readJournal(file, resume) : [];
  }

  /** Record a snapshot (the fields are copied). */
  add(t: number, fields: Record<string, Float64Array>): void {
    const copy: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(fields)) copy[k] = Float64Array.from(v);
    this.journal.append(encodeRecord(t, copy));
    this.snapshots.push({ t, fields: copy });
    const elapsed = (performance.now() - this.started) / 1000;
    if (this.published === 0 || this.viewSeconds <= VIEW_BUDGET * elapsed) this.publish();
  }

  /** Rewrite summary.json and fields.h5 with every snapshot so far (no-op when they are current). */
  publish(): void {
    if (this.published === this.snapshots.length) return;
    const t0 = performance.now();
    writeSummary(this.dir, this.layout.grid, this.snapshots);
    if (this.layout.fields) writeFieldsHdf5(path.join(this.dir, 'fields.h5'), this.layout.grid, this.snapshots, this.layout.hdf5);
    this.published = this.snapshots.length;
    this.viewSeconds += (performance.now() - t0) / 1000;
  }

  /** Make the journal durable and describe it (for a checkpoint). */
  sync(): JournalState {
    this.journal.sync();
    return { bytes: this.journal.bytes, sha256: this.journal.digest(), snapshots: this.snapshots.length };
  }

  close(): void {
    this.journal.close();
  }

  /** After completion: the views are final, the journal is no longer needed. */
  remove(): void {
    fs.rmSync(path.join(this.dir, JOURNAL_FILE), { force: true });
  }
}

function encodeRecord(t: number, fields: Record<string, Float64Array>): Buffer {
  const header = Buffer.from(JSON.stringify({ t, fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.length])) }), 'utf8');
  let values = 0;
  for (const v of Object.values(fields)) values += v.length;
  const buf = Buffer.alloc(8 + header.length + values * 8);
  buf.write('SNAP', 0, 'latin1');
  buf.writeUInt32LE(header.length, 4);
  header.copy(buf, 8);
  let off = 8 + header.length;
  for (const v of Object.values(fields)) {
    Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(buf, off);
    off += v.byteLength;
  }
  return buf;
}

/** The snapshots in the first `state.bytes` bytes of the journal (already verified against its hash). */
function readJournal(file: string, state: JournalState): FieldSnapshot[] {
  const buf = fs.readFileSync(file).subarray(0, state.bytes);
  const out: FieldSnapshot[] = [];
  let off = 0;
  const bad = (why: string) => new JournalError(`${JOURNAL_FILE}: ${why} at byte ${off}`);
  while (off < buf.length) {
    if (off + 8 > buf.length || buf.toString('latin1', off, off + 4) !== 'SNAP') throw bad('not a snapshot record');
    const len = buf.readUInt32LE(off + 4);
    let header: { t: number; fields: Record<string, number> };
    try {
      header = JSON.parse(buf.toString('utf8', off + 8, off + 8 + len));
    } catch {
      throw bad('unreadable record header');
    }
    let p = off + 8 + len;
    const fields: Record<string, Float64Array> = {};
    for (const [k, n] of Object.entries(header.fields)) {
      if (p + n * 8 > buf.length) throw bad('record longer than the file');
      const a = new Float64Array(n);
      new Uint8Array(a.buffer).set(buf.subarray(p, p + n * 8));
      fields[k] = a;
      p += n * 8;
    }
    out.push({ t: header.t, fields });
    off = p;
  }
  if (out.length !== state.snapshots) throw new JournalError(`${JOURNAL_FILE}: ${out.length} snapshots where the checkpoint recorded ${state.snapshots}`);
  return out;
}

/** summary.json: {"snapshots":[{"t", "cells", "rho", ...other fields}]}, numbers as full-precision JSON. */
function writeSummary(dir: string, grid: Grid, snapshots: readonly FieldSnapshot[]): void {
  const cells = [...grid.n];
  const body = {
    snapshots: snapshots.map((s) => {
      const entry: Record<string, unknown> = { t: s.t, cells };
      for (const [k, v] of Object.entries(s.fields)) if (k !== 'h') entry[k] = Array.from(v);
      return entry;
    }),
  };
  writeFileAtomic(path.join(dir, 'summary.json'), JSON.stringify(body) + '\n');
}

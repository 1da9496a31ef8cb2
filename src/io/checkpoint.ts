/**
 * checkpoint.bin: everything a run needs to continue bit for bit, in one file written
 * atomically (temporary file, checked writes, fsync, rename), so a power cut or a full disk leaves
 * either the previous or the new checkpoint, never a mix — and a file damaged afterwards (truncated,
 * a flipped bit, edited) is recognised by its checksum and refused.
 *
 * Layout: "NLBGKCP2" | uint32 header length | JSON header | zero padding to 8 bytes | float64
 * payload | SHA-256 of everything before it (32 bytes).
 * The header holds what the checkpoint was taken with — the SHA-256 of the resolved config, the
 * length and SHA-256 of series.csv and of snapshots.journal at that moment, the number of
 * snapshots — the clock state (opaque JSON from the Simulation), the wall seconds so far, and
 * where each Float64Array of the solver state lies in the payload.
 */
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from './files.js';
import type { StepperState } from '../solvers/stepper.js';

const MAGIC = 'NLBGKCP2';
const DIGEST = 32;

export interface CheckpointMeta {
  /** The Simulation's clock state (treated as opaque JSON). */
  clock: unknown;
  /** SHA-256 of the canonical JSON of the resolved config (run.json's `config`). */
  configHash: string;
  /** Length and SHA-256 of series.csv when the checkpoint was taken. */
  series: { bytes: number; sha256: string };
  /** Length and SHA-256 of snapshots.journal, and the snapshots in it. */
  journal: { bytes: number; sha256: string; snapshots: number };
  /** Wall seconds of the time loop so far. */
  wallSeconds: number;
  /** Steps taken and the time reached (for messages). */
  steps: number;
  t: number;
}

interface Header extends CheckpointMeta {
  numbers: Record<string, number>;
  arrays: Record<string, [offset: number, length: number]>;
}

/** A checkpoint that cannot be used: missing, damaged, or from another format. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** SHA-256 of a value's JSON with object keys sorted (so key order in a file does not matter). */
export function canonicalHash(value: unknown): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]));
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canon(value))).digest('hex');
}

/**
 * JSON keeps every finite double exactly but not NaN, ±Infinity and −0 (the opaque clock state holds
 * e.g. a smallest step of Infinity before the first step): they travel as {"$double": "NaN"}.
 */
function encodeDouble(_key: string, v: unknown): unknown {
  if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { $double: Object.is(v, -0) ? '-0' : String(v) };
  return v;
}

function decodeDouble(_key: string, v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const d = (v as { $double?: unknown }).$double;
    if (typeof d === 'string' && Object.keys(v).length === 1) return d === '-0' ? -0 : Number(d);
  }
  return v;
}

/**
 * checkpoint.bin's bytes as consecutive pieces: magic, header and padding; the state's arrays as
 * views of their own memory (not copied: at 128² cells and 144 velocities a checkpoint holds 57 MB);
 * the SHA-256 of everything before it.
 */
function checkpointChunks(meta: CheckpointMeta, state: StepperState): Uint8Array[] {
  const numbers: Record<string, number> = {};
  const arrays: Header['arrays'] = {};
  const payload: Float64Array[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(state)) {
    if (typeof v === 'number') numbers[k] = v;
    else {
      arrays[k] = [total, v.length];
      total += v.length;
      payload.push(v);
    }
  }
  // Numbers go through JSON, which round-trips doubles exactly except -0, NaN and Inf: store those as arrays.
  for (const [k, v] of Object.entries(numbers)) {
    if (!Number.isFinite(v) || Object.is(v, -0)) throw new Error(`checkpoint: state value ${k} = ${v} is not storable as a number`);
  }
  const header = Buffer.from(JSON.stringify({ ...meta, numbers, arrays } satisfies Header, encodeDouble), 'utf8');
  const headerEnd = 8 + 4 + header.length;
  const payloadStart = Math.ceil(headerEnd / 8) * 8;
  const head = Buffer.alloc(payloadStart); // zero padding after the header
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(header.length, 8);
  header.copy(head, 12);
  const chunks: Uint8Array[] = [head];
  const hash = createHash('sha256').update(head);
  for (const v of payload) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    hash.update(bytes);
    chunks.push(bytes);
  }
  chunks.push(hash.digest());
  return chunks;
}

export function encodeCheckpoint(meta: CheckpointMeta, state: StepperState): Buffer {
  return Buffer.concat(checkpointChunks(meta, state));
}

export function writeCheckpoint(file: string, meta: CheckpointMeta, state: StepperState): void {
  writeFileAtomic(file, checkpointChunks(meta, state));
}

export function readCheckpoint(file: string): { meta: CheckpointMeta; state: StepperState } {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    throw new CheckpointError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return decodeCheckpoint(buf, file);
}

export function decodeCheckpoint(buf: Buffer, file: string): { meta: CheckpointMeta; state: StepperState } {
  const bad = (why: string) => new CheckpointError(`${file}: damaged checkpoint (${why}); it cannot be resumed from`);
  if (buf.length >= 8 && buf.toString('latin1', 0, 7) === 'NLBGKCP' && buf.toString('latin1', 0, 8) !== MAGIC) {
    throw new CheckpointError(`${file}: a checkpoint of an older nlbgk format (${buf.toString('latin1', 0, 8)}); rerun the configuration instead`);
  }
  if (buf.length < 12 + DIGEST || buf.toString('latin1', 0, 8) !== MAGIC) throw bad('not an nlbgk checkpoint');
  const bodyLength = buf.length - DIGEST;
  const digest = createHash('sha256').update(buf.subarray(0, bodyLength)).digest();
  if (!digest.equals(buf.subarray(bodyLength))) throw bad('checksum mismatch: truncated or modified');
  const len = buf.readUInt32LE(8);
  if (12 + len > bodyLength) throw bad('header longer than the file');
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + len), decodeDouble) as Header;
  } catch {
    throw bad('unreadable header');
  }
  const payloadStart = Math.ceil((12 + len) / 8) * 8;
  const state: StepperState = { ...header.numbers };
  for (const [k, [off, n]] of Object.entries(header.arrays)) {
    if (!(Number.isInteger(off) && Number.isInteger(n) && off >= 0 && n >= 0 && payloadStart + (off + n) * 8 <= bodyLength)) throw bad(`array ${k} outside the payload`);
    const a = new Float64Array(n);
    // Copy (the Buffer may not be 8-byte aligned in the pool).
    new Uint8Array(a.buffer).set(buf.subarray(payloadStart + off * 8, payloadStart + (off + n) * 8));
    state[k] = a;
  }
  const { clock, configHash, series, journal, wallSeconds, steps, t } = header;
  return { meta: { clock, configHash, series, journal, wallSeconds, steps, t }, state };
}

/**
 * checkpoint.bin: everything a run needs to continue bit for bit, in one file written
 * atomically (temporary file, fsync, rename), so a power cut leaves either the previous or the
 * new checkpoint, never a mix.
 *
 * Layout: "NLBGKCP1" | uint32 header length | JSON header | zero padding to 8 bytes | float64 payload.
 * The header holds the clock state, the length of series.csv and the number of snapshots at the
 * moment of the checkpoint, and where each Float64Array of the solver state lies in the payload.
 */
import * as fs from 'node:fs';
import { writeFileAtomic } from './files.js';
import type { StepperState } from '../solvers/stepper.js';
import type { SimulationState } from '../simulation/simulation.js';

const MAGIC = 'NLBGKCP1';

export interface CheckpointMeta {
  /** The time loop's state (clock, step controller). */
  clock: SimulationState;
  /** Bytes of series.csv that belong to the run up to this checkpoint. */
  seriesBytes: number;
  /** Snapshots already taken (the first ones of summary.json). */
  snapshots: number;
  /** Wall seconds of the time loop so far. */
  wallSeconds: number;
}

interface Header extends CheckpointMeta {
  numbers: Record<string, number>;
  arrays: Record<string, [offset: number, length: number]>;
}

export function writeCheckpoint(file: string, meta: CheckpointMeta, state: StepperState): void {
  const numbers: Record<string, number> = {};
  const arrays: Header['arrays'] = {};
  let total = 0;
  for (const [k, v] of Object.entries(state)) {
    if (typeof v === 'number') numbers[k] = v;
    else {
      arrays[k] = [total, v.length];
      total += v.length;
    }
  }
  // Numbers go through JSON, which round-trips doubles exactly except -0, NaN and Inf: store those as arrays.
  for (const [k, v] of Object.entries(numbers)) {
    if (!Number.isFinite(v) || Object.is(v, -0)) throw new Error(`checkpoint: state value ${k} = ${v} is not storable as a number`);
  }
  const header = Buffer.from(JSON.stringify({ ...meta, numbers, arrays } satisfies Header), 'utf8');
  const headerEnd = 8 + 4 + header.length;
  const payloadStart = Math.ceil(headerEnd / 8) * 8;
  const buf = Buffer.alloc(payloadStart + total * 8);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(header.length, 8);
  header.copy(buf, 12);
  const payload = new Float64Array(buf.buffer, buf.byteOffset + payloadStart, total);
  for (const [k, [off]] of Object.entries(arrays)) payload.set(state[k] as Float64Array, off);
  writeFileAtomic(file, buf);
}

export function readCheckpoint(file: string): { meta: CheckpointMeta; state: StepperState } {
  const buf = fs.readFileSync(file);
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${file}: not an nlbgk checkpoint`);
  const len = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + len)) as Header;
  const payloadStart = Math.ceil((12 + len) / 8) * 8;
  const state: StepperState = { ...header.numbers };
  for (const [k, [off, n]] of Object.entries(header.arrays)) {
    const a = new Float64Array(n);
    // Copy (the Buffer may not be 8-byte aligned in the pool).
    const bytes = buf.subarray(payloadStart + off * 8, payloadStart + (off + n) * 8);
    new Uint8Array(a.buffer).set(bytes);
    state[k] = a;
  }
  const { clock, seriesBytes, snapshots, wallSeconds } = header;
  return { meta: { clock, seriesBytes, snapshots, wallSeconds }, state };
}

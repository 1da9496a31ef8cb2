/**
 * A worker thread of the solvers' pool (./pool.ts): waits for tasks on the shared control block and
 * runs its share of each with the kernels of the named workspace, built from the shared buffers it was
 * sent (no copies). Node only.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { SharedArena, type ArenaDescriptor } from './arena.js';
import { CONTROL_SLOTS, EXIT_TASK, type KernelKind, type TaskKernels } from './pool.js';
import { Kinetic2DKernels } from '../kinetic/kernels2d.js';
import type { Kinetic2DLayout } from '../kinetic/kernels2dLayout.js';

const EPOCH = 0;
const WS = 1;
const TASK = 2;
const NT = 3;
const REMAINING = 4;
const ERROR = 5;
const READY = 6;

interface Bind {
  type: 'bind';
  id: number;
  kind: KernelKind;
  arena: ArenaDescriptor;
  layout: unknown;
}

const { ctl: ctlBuffer, port, index } = workerData as { ctl: SharedArrayBuffer; port: MessagePort; index: number };
const ctl = new Int32Array(ctlBuffer, 0, CONTROL_SLOTS);
const spaces = new Map<number, TaskKernels>();
void parentPort;

function build(b: Bind): TaskKernels {
  const arrays = SharedArena.views(b.arena);
  if (b.kind === 'kinetic2d') return new Kinetic2DKernels(arrays, b.layout as Kinetic2DLayout, index + 1, b.arena.inMemory ? b.arena.memory : null);
  throw new Error(`unknown kernel kind ${b.kind}`);
}

function drain(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const msg = m.message as Bind | { type: 'unbind'; id: number };
    if (msg.type === 'bind') spaces.set(msg.id, build(msg));
    else spaces.delete(msg.id);
  }
}

function kernelsFor(id: number): TaskKernels {
  for (let tries = 0; ; tries++) {
    drain();
    const k = spaces.get(id);
    if (k) return k;
    if (tries > 1e6) throw new Error(`workspace ${id} never arrived`);
  }
}

// (the epoch is read before READY is raised: the caller bumps it only after it has seen READY)
let seen = Atomics.load(ctl, EPOCH);
Atomics.add(ctl, READY, 1);
Atomics.notify(ctl, READY);
for (;;) {
  let e = Atomics.load(ctl, EPOCH);
  for (let i = 0; e === seen && i < 20000; i++) e = Atomics.load(ctl, EPOCH);
  while (e === seen) {
    Atomics.wait(ctl, EPOCH, seen);
    e = Atomics.load(ctl, EPOCH);
  }
  seen = e;
  const task = ctl[TASK];
  if (task === EXIT_TASK) break;
  const T = ctl[NT];
  const t = index + 1;
  if (t >= T) continue;
  try {
    kernelsFor(ctl[WS]).run(task, t, T);
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? `${err.message}` : String(err) });
    Atomics.store(ctl, ERROR, 1);
  }
  if (Atomics.sub(ctl, REMAINING, 1) === 1) Atomics.notify(ctl, REMAINING);
}

/**
 * Worker threads for the solvers' kernels (Node only; the browser explorer runs one thread).
 *
 * One process-wide pool of worker threads (node:worker_threads, loaded through
 * process.getBuiltinModule so that no module of the library imports a Node built-in statically).
 * A solver registers a *workspace* — its SharedArena and the layout its kernels need — and then runs
 * tasks: `run(ws, task)` wakes the workers, runs thread 0's share on the calling thread and returns
 * when every thread is done. Each thread runs `kernels.run(task, t, T)` on the same shared memory; the
 * kernels partition their work so that results are bitwise the same for every T (see kinetic/kernels*.ts).
 *
 * Synchronisation: a control block of Int32 on a SharedArrayBuffer. The caller writes the task and
 * bumps an epoch (Atomics.add + notify); workers spin briefly on the epoch and then sleep in
 * Atomics.wait; the last worker to finish notifies the caller, which also spins before it sleeps
 * (performance.md: a pure wait/notify barrier costs ~24 µs, spinning first makes tasks of ~20 µs pay).
 * Workspaces reach the workers as messages that they receive synchronously (receiveMessageOnPort)
 * before the first task that names them. A kernel that throws in a worker fails the task: the caller
 * throws an Error with the worker's message.
 */
import type { ArenaDescriptor } from './arena.js';

/** The kernels of one workspace, as every thread runs them. */
export interface TaskKernels {
  run(task: number, t: number, T: number): void;
}

/** Kinds of kernel sets a worker can build (worker.ts maps them to constructors). */
export type KernelKind = 'kinetic2d' | 'kinetic1d';

interface NodeWorkerThreads {
  Worker: new (url: URL, opts: object) => { unref(): void; postMessage(m: unknown, t?: unknown[]): void; terminate(): Promise<number> };
  MessageChannel: new () => { port1: NodePort; port2: NodePort };
  receiveMessageOnPort(port: NodePort): { message: unknown } | undefined;
}
interface NodePort {
  postMessage(m: unknown, t?: unknown[]): void;
  unref?(): void;
}

// control block slots
const EPOCH = 0;
const WS = 1;
const TASK = 2;
const NT = 3;
const REMAINING = 4;
const ERROR = 5;
const READY = 6;
export const CONTROL_SLOTS = 8;
/** Task code that ends a worker's loop. */
export const EXIT_TASK = -1;

function workerThreads(): NodeWorkerThreads | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const wt = p?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
  return wt && typeof wt.Worker === 'function' ? wt : null;
}

/** Threads the machine offers (1 where there are no worker threads, e.g. in a browser). */
export function availableThreads(): number {
  if (!workerThreads()) return 1;
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = p?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus(): unknown[] } | undefined;
  const n = os ? (os.availableParallelism ? os.availableParallelism() : os.cpus().length) : 1;
  return Math.max(1, Math.min(64, n));
}

/** Below this many unknowns (cells × velocities) the automatic thread count is 1: barriers would cost more than they save. */
export const AUTO_THREADS_MIN_WORK = 1 << 16;

/**
 * Environment variable through which a runner of concurrent runs (a local sweep with several jobs) gives each
 * run its share of the cores: the automatic thread count is capped by it (an explicit count is not).
 */
export const AUTO_THREADS_ENV = 'NLBGK_AUTO_THREADS';

/** The cap of AUTO_THREADS_ENV (Infinity when unset or not a positive integer). */
function autoThreadsCap(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const n = Number(env?.[AUTO_THREADS_ENV]);
  return Number.isInteger(n) && n >= 1 ? n : Infinity;
}

/**
 * The thread count of a solver: the requested one (clamped to >= 1; 1 where threads are unsupported),
 * or, when none is requested, the available cores (at most AUTO_THREADS_ENV's cap) for problems of at least
 * AUTO_THREADS_MIN_WORK unknowns.
 */
export function resolveThreads(requested: number | undefined, work: number): number {
  if (!threadsSupported()) return 1;
  if (requested !== undefined) return Math.max(1, Math.floor(requested));
  return work >= AUTO_THREADS_MIN_WORK ? Math.max(1, Math.min(availableThreads(), autoThreadsCap())) : 1;
}

/** Whether worker threads can be started here. */
export function threadsSupported(): boolean {
  return workerThreads() !== null && typeof SharedArrayBuffer === 'function';
}

class WorkerPool {
  private readonly ctl: Int32Array;
  private readonly ports: NodePort[] = [];
  private readonly mainPorts: NodePort[] = [];
  private nextWs = 1;
  private readonly local = new Map<number, TaskKernels>();
  private readonly wt: NodeWorkerThreads;

  constructor() {
    const wt = workerThreads();
    if (!wt) throw new Error('worker threads are not available in this environment');
    this.wt = wt;
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS));
  }

  get workers(): number {
    return this.ports.length;
  }

  /** Start workers until there are n of them. */
  ensure(n: number): void {
    while (this.ports.length < n) {
      const { port1, port2 } = new this.wt.MessageChannel();
      const index = this.ports.length;
      const w = new this.wt.Worker(new URL(`./worker${'.js'}`, import.meta.url), {
        workerData: { ctl: this.ctl.buffer, port: port2, index },
        transferList: [port2],
      });
      w.unref();
      port1.unref?.();
      this.ports.push(port1);
      this.mainPorts.push(port1);
    }
  }

  /** Register a workspace with every worker (and this thread's kernels); returns its id. */
  bind(kind: KernelKind, arena: ArenaDescriptor, layout: unknown, local: TaskKernels, threads: number): number {
    this.ensure(threads - 1);
    const id = this.nextWs++;
    this.local.set(id, local);
    for (const p of this.ports) p.postMessage({ type: 'bind', id, kind, arena, layout });
    return id;
  }

  unbind(id: number): void {
    if (!this.local.delete(id)) return;
    for (const p of this.ports) p.postMessage({ type: 'unbind', id });
  }

  /** Run a task on T threads (this one is thread 0) and wait for all of them. */
  run(id: number, task: number, T: number): void {
    const ctl = this.ctl;
    const kernels = this.local.get(id);
    if (!kernels) throw new Error(`WorkerPool.run: unknown workspace ${id}`);
    if (T > 1) this.waitReady(T - 1);
    ctl[WS] = id;
    ctl[TASK] = task;
    ctl[NT] = T;
    Atomics.store(ctl, ERROR, 0);
    Atomics.store(ctl, REMAINING, T - 1);
    Atomics.add(ctl, EPOCH, 1);
    Atomics.notify(ctl, EPOCH);
    let failure: unknown = null;
    try {
      kernels.run(task, 0, T);
    } catch (err) {
      failure = err;
    }
    this.waitDone();
    if (Atomics.load(ctl, ERROR)) throw new Error(`a worker thread failed: ${this.workerMessage()}`);
    if (failure) throw failure;
  }

  private waitReady(n: number): void {
    const ctl = this.ctl;
    const t0 = Date.now();
    for (;;) {
      const r = Atomics.load(ctl, READY);
      if (r >= n) return;
      if (Date.now() - t0 > 60_000) throw new Error(`worker threads did not start (${r} of ${n} ready after 60 s)`);
      Atomics.wait(ctl, READY, r, 50);
    }
  }

  private waitDone(): void {
    const ctl = this.ctl;
    for (let i = 0; i < 20000; i++) if (Atomics.load(ctl, REMAINING) === 0) return;
    for (;;) {
      const r = Atomics.load(ctl, REMAINING);
      if (r === 0) return;
      Atomics.wait(ctl, REMAINING, r, 1000);
    }
  }

  private workerMessage(): string {
    const msgs: string[] = [];
    for (const p of this.mainPorts) {
      for (let m = this.wt.receiveMessageOnPort(p); m; m = this.wt.receiveMessageOnPort(p)) {
        const x = m.message as { type?: string; message?: string };
        if (x.type === 'error') msgs.push(String(x.message));
      }
    }
    return msgs.join('; ') || 'unknown error';
  }
}

let pool: WorkerPool | null = null;

/**
 * How a solver runs its kernels: on this thread only (threads = 1), or on a worker pool. The result of
 * every task is the same for every thread count (the kernels' partitions guarantee it).
 */
export class Parallel {
  private id = 0;

  private constructor(
    readonly threads: number,
    private readonly kernels: TaskKernels,
  ) {}

  /** One thread: tasks run directly. */
  static serial(kernels: TaskKernels): Parallel {
    return new Parallel(1, kernels);
  }

  /** threads > 1: register the workspace with the process-wide pool (started on first use). */
  static threaded(threads: number, kind: KernelKind, arena: ArenaDescriptor, layout: unknown, kernels: TaskKernels): Parallel {
    pool ??= new WorkerPool();
    const par = new Parallel(threads, kernels);
    par.id = pool.bind(kind, arena, layout, kernels, threads);
    return par;
  }

  run(task: number): void {
    if (this.threads === 1 || !pool) this.kernels.run(task, 0, 1);
    else pool.run(this.id, task, this.threads);
  }

  /** Let the workers drop this workspace's memory (the solver is not used any more). */
  dispose(): void {
    if (this.id && pool) pool.unbind(this.id);
    this.id = 0;
  }
}

/** Automatic release of the workspaces of solvers that were garbage-collected (register(solver, parallel)). */
export const workspaceRegistry: FinalizationRegistry<Parallel> | null =
  typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Parallel>((p) => p.dispose()) : null;

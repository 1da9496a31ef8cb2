/**
 * Where a solver's arrays live: plain memory (one thread), or SharedArrayBuffers that worker threads
 * see too (./pool.ts). A solver allocates every array its kernels touch through an Allocator; the
 * SharedArena records them in order, so that a worker can rebuild the same views from the buffers
 * (no copies) and a task can name an array by its index (`id`), which stays valid when a solver swaps
 * its time levels.
 *
 * With a WebAssembly.Memory (`new SharedArena(shared, memory)`, ../wasm/kernels.ts) the arrays are placed
 * one after another inside that (shared) memory instead, 64-byte aligned, growing it as needed (a shared
 * memory keeps its address range when it grows, so the views stay valid): WebAssembly kernels and the
 * worker threads' instances then address the same arrays. When the memory cannot grow further (wasm32:
 * 4 GiB) the remaining arrays get buffers of their own and `inMemory` turns false: the kernels then keep
 * to their JavaScript path.
 */

/** How a solver allocates the arrays its kernels use. */
export interface Allocator {
  f64(n: number): Float64Array;
  u8(n: number): Uint8Array;
  i32(n: number): Int32Array;
}

/** Ordinary (unshared) arrays. */
export const plainAllocator: Allocator = {
  f64: (n) => new Float64Array(n),
  u8: (n) => new Uint8Array(n),
  i32: (n) => new Int32Array(n),
};

export type ArenaArray = Float64Array | Uint8Array | Int32Array;
/**
 * What a worker needs to rebuild an arena: the buffers (null: the array is in `memory` at byte `offsets[i]`)
 * and their element types, in allocation order.
 */
export interface ArenaDescriptor {
  buffers: (SharedArrayBuffer | null)[];
  kinds: ('f64' | 'u8' | 'i32')[];
  lengths: number[];
  offsets: number[];
  memory: WebAssembly.Memory | null;
  /** Every array is in `memory`. */
  inMemory: boolean;
}

const BYTES = { f64: 8, u8: 1, i32: 4 } as const;
const PAGE = 65536;

/**
 * Arrays numbered in allocation order: on SharedArrayBuffers (shared = true, for worker threads) or on
 * ordinary ArrayBuffers (one thread; the kernels address arrays by id either way).
 */
export class SharedArena implements Allocator {
  readonly arrays: ArenaArray[] = [];
  private readonly buffers: (SharedArrayBuffer | ArrayBuffer | null)[] = [];
  private readonly kinds: ('f64' | 'u8' | 'i32')[] = [];
  private readonly lengths: number[] = [];
  private readonly offsets: number[] = [];
  private readonly ids = new Map<ArrayBufferLike, number>();
  private readonly memIds = new Map<number, number>();
  /** Next free byte of the memory. */
  private top = 64;
  /** Every array so far is in the memory (false without one). */
  inMemory: boolean;

  constructor(
    readonly shared: boolean,
    readonly memory: WebAssembly.Memory | null = null,
  ) {
    this.inMemory = memory !== null;
  }

  private make(kind: 'f64' | 'u8' | 'i32', n: number): ArenaArray {
    if (this.memory && this.inMemory) {
      const bytes = BYTES[kind] * Math.max(n, 1);
      const at = this.top;
      const end = at + bytes;
      const have = this.memory.buffer.byteLength;
      let fits = end <= have;
      if (!fits) {
        try {
          this.memory.grow(Math.ceil((end - have) / PAGE));
          fits = true;
        } catch {
          this.inMemory = false; // past the memory's limit: the rest in buffers of their own
        }
      }
      if (fits) {
        this.top = (end + 63) & ~63;
        const buf = this.memory.buffer;
        const a = kind === 'f64' ? new Float64Array(buf, at, n) : kind === 'u8' ? new Uint8Array(buf, at, n) : new Int32Array(buf, at, n);
        this.memIds.set(at, this.arrays.length);
        return this.add(a, null, kind, at);
      }
    }
    const bytes = kind === 'f64' ? 8 * Math.max(n, 1) : kind === 'u8' ? Math.max(n, 8) : 4 * Math.max(n, 2);
    const b = this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    const a = kind === 'f64' ? new Float64Array(b, 0, n) : kind === 'u8' ? new Uint8Array(b, 0, n) : new Int32Array(b, 0, n);
    this.ids.set(b, this.arrays.length);
    return this.add(a, b, kind, 0);
  }

  f64(n: number): Float64Array {
    return this.make('f64', n) as Float64Array;
  }

  u8(n: number): Uint8Array {
    return this.make('u8', n) as Uint8Array;
  }

  i32(n: number): Int32Array {
    return this.make('i32', n) as Int32Array;
  }

  /** The index of an array allocated here (throws for a foreign array: a kernel could not see it). */
  id(a: ArenaArray): number {
    let i = this.ids.get(a.buffer);
    if (i === undefined) {
      const j = this.memIds.get(a.byteOffset);
      if (j !== undefined && this.arrays[j] === a) i = j;
    }
    if (i === undefined) throw new Error('SharedArena.id: array not allocated in this arena');
    return i;
  }

  descriptor(): ArenaDescriptor {
    if (!this.shared) throw new Error('SharedArena.descriptor: the arena is not shared');
    return {
      buffers: this.buffers.slice() as (SharedArrayBuffer | null)[],
      kinds: this.kinds.slice(),
      lengths: this.lengths.slice(),
      offsets: this.offsets.slice(),
      memory: this.memory,
      inMemory: this.inMemory,
    };
  }

  /** The views of a descriptor's buffers (in a worker), indexed like the arena's ids. */
  static views(d: ArenaDescriptor): ArenaArray[] {
    const mem = d.memory ? d.memory.buffer : null;
    return d.buffers.map((b, i) => {
      const k = d.kinds[i];
      const n = d.lengths[i];
      const buf = b ?? mem;
      if (!buf) throw new Error('SharedArena.views: an array in a memory that was not sent');
      const at = b ? 0 : d.offsets[i];
      if (k === 'f64') return new Float64Array(buf, at, n);
      if (k === 'u8') return new Uint8Array(buf, at, n);
      return new Int32Array(buf, at, n);
    });
  }

  private add<T extends ArenaArray>(a: T, b: SharedArrayBuffer | ArrayBuffer | null, kind: 'f64' | 'u8' | 'i32', at: number): T {
    this.arrays.push(a);
    this.buffers.push(b);
    this.kinds.push(kind);
    this.lengths.push(a.length);
    this.offsets.push(at);
    return a;
  }
}

/**
 * Where a solver's arrays live: plain memory (one thread), or SharedArrayBuffers that worker threads
 * see too (./pool.ts). A solver allocates every array its kernels touch through an Allocator; the
 * SharedArena records them in order, so that a worker can rebuild the same views from the buffers
 * (no copies) and a task can name an array by its index (`id`), which stays valid when a solver swaps
 * its time levels.
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
/** What a worker needs to rebuild an arena: the buffers and their element types, in allocation order. */
export interface ArenaDescriptor {
  buffers: SharedArrayBuffer[];
  kinds: ('f64' | 'u8' | 'i32')[];
  lengths: number[];
}

/**
 * Arrays numbered in allocation order: on SharedArrayBuffers (shared = true, for worker threads) or on
 * ordinary ArrayBuffers (one thread; the kernels address arrays by id either way).
 */
export class SharedArena implements Allocator {
  readonly arrays: ArenaArray[] = [];
  private readonly buffers: (SharedArrayBuffer | ArrayBuffer)[] = [];
  private readonly kinds: ('f64' | 'u8' | 'i32')[] = [];
  private readonly lengths: number[] = [];
  private readonly ids = new Map<ArrayBufferLike, number>();

  constructor(readonly shared: boolean) {}

  private buffer(bytes: number): SharedArrayBuffer | ArrayBuffer {
    return this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }

  f64(n: number): Float64Array {
    const b = this.buffer(8 * Math.max(n, 1));
    return this.add(new Float64Array(b, 0, n), b, 'f64');
  }

  u8(n: number): Uint8Array {
    const b = this.buffer(Math.max(n, 8));
    return this.add(new Uint8Array(b, 0, n), b, 'u8');
  }

  i32(n: number): Int32Array {
    const b = this.buffer(4 * Math.max(n, 2));
    return this.add(new Int32Array(b, 0, n), b, 'i32');
  }

  /** The index of an array allocated here (throws for a foreign array: a kernel could not see it). */
  id(a: ArenaArray): number {
    const i = this.ids.get(a.buffer);
    if (i === undefined) throw new Error('SharedArena.id: array not allocated in this arena');
    return i;
  }

  descriptor(): ArenaDescriptor {
    if (!this.shared) throw new Error('SharedArena.descriptor: the arena is not shared');
    return { buffers: this.buffers.slice() as SharedArrayBuffer[], kinds: this.kinds.slice(), lengths: this.lengths.slice() };
  }

  /** The views of a descriptor's buffers (in a worker), indexed like the arena's ids. */
  static views(d: ArenaDescriptor): ArenaArray[] {
    return d.buffers.map((b, i) => {
      const k = d.kinds[i];
      const n = d.lengths[i];
      if (k === 'f64') return new Float64Array(b, 0, n);
      if (k === 'u8') return new Uint8Array(b, 0, n);
      return new Int32Array(b, 0, n);
    });
  }

  private add<T extends ArenaArray>(a: T, b: SharedArrayBuffer | ArrayBuffer, kind: 'f64' | 'u8' | 'i32'): T {
    this.ids.set(b, this.arrays.length);
    this.arrays.push(a);
    this.buffers.push(b);
    this.kinds.push(kind);
    this.lengths.push(a.length);
    return a;
  }
}

/**
 * The WebAssembly twins of the multigrid V-cycle's per-level kernels (../wasm/multigrid.wat: rbgs, residualLike,
 * restrictP, prolongAdd), bitwise the same as the JavaScript ones in multigrid.ts (same IEEE operations in the same
 * order per cell; test/multigridWasm.test.ts). A HelmholtzMG that uses them owns one private, non-shared
 * WebAssembly.Memory holding all its levels' arrays (never grown, so the views stay valid); pointers are the views'
 * byte offsets. NLBGK_KERNELS=js (or no .wasm, e.g. the browser) keeps the JavaScript kernels.
 */
import { chosenModule, KERNELS_ENV } from '../wasm/kernels.js';

/** The exports of multigrid.wasm (pointers are byte addresses in the memory; flags 0/1). */
export interface MultigridKernels {
  rbgs(nx: number, ny: number, px: number, py: number, kx: number, ky: number, invDiag: number, z: number, f: number, colour: number): void;
  residualLike(nx: number, ny: number, px: number, py: number, s: number, kx: number, ky: number, z: number, f: number, hasF: number, out: number): void;
  restrictP(nx: number, ny: number, px: number, py: number, v: number, tmp: number, out: number): void;
  prolongAdd(cx: number, cy: number, px: number, py: number, zc: number, tmp: number, z: number): void;
}

/** A private memory of at least `bytes` bytes with the kernels instantiated on it, or null (JavaScript kernels). */
export function multigridKernels(bytes: number): { memory: WebAssembly.Memory; kernels: MultigridKernels } | null {
  const mod = chosenModule('multigrid.wasm');
  if (!mod) return null;
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch (err) {
    // over the 4 GiB of a 32-bit memory, or the address space cannot be reserved: JavaScript, unless asked for
    if ((globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[KERNELS_ENV] === 'wasm') throw err;
    return null;
  }
  const kernels = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as MultigridKernels;
  return { memory, kernels };
}

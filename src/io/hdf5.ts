/**
 * fields.h5: the snapshots in HDF5 (written with h5wasm, the HDF5 C library compiled to
 * WebAssembly), so that `h5py.File("fields.h5")["rho"][k]` is the k-th snapshot.
 *
 * Layout (C order, x fastest as in summary.json):
 *   /t              (S,)                snapshot times
 *   /x, /y          (Nx,), (Ny,)        cell centres
 *   /<field>        (S, Nx) or (S, Ny, Nx)  e.g. rho, j, jx, jy
 *   /h              (S, Nx, Nv) or (S, Ny, Nx, Nv)  kinetic h = f/M at the velocity nodes (optional)
 *   /v, /w          velocity nodes and weights (kinetic)
 *   attributes on /: config (JSON), version, equation
 * The file is rewritten whole at each snapshot through a temporary file and a rename, so an
 * interrupted run leaves the last complete file. Object timestamps are pinned to the epoch so
 * identical runs give byte-identical files.
 */
import * as fs from 'node:fs';
import { commitTemporary } from './files.js';
import type { Grid } from '../grid/grid.js';
import { cellCentres } from '../grid/grid.js';

export interface FieldSnapshot {
  t: number;
  fields: Record<string, Float64Array>;
}

export interface Hdf5Extras {
  /** Extra trailing dimension per field, e.g. {h: Nv}. */
  trailing?: Record<string, number>;
  /** Extra 1-D datasets, e.g. velocity nodes. */
  datasets?: Record<string, Float64Array>;
  attributes: Record<string, string>;
}

type H5Module = typeof import('h5wasm/node').default;
let h5: H5Module | undefined;

async function load(): Promise<H5Module> {
  if (!h5) {
    const mod = (await import('h5wasm/node')).default;
    await mod.ready;
    h5 = mod;
  }
  return h5;
}

/** Load the HDF5 library once before a run, so writing a snapshot is synchronous. */
export async function initHdf5(): Promise<void> {
  await load();
}

export function writeFieldsHdf5(file: string, grid: Grid, snapshots: readonly FieldSnapshot[], extras: Hdf5Extras): void {
  if (!h5) throw new Error('initHdf5() must be awaited before writing fields.h5');
  const tmp = `${file}.tmp`;
  fs.rmSync(tmp, { force: true });
  // HDF5 stamps object headers with the current time (via the WebAssembly libc's Date.now()).
  // Pinning it to the epoch while writing makes identical runs produce identical bytes, which
  // the reproducibility and resume guarantees need (docs/robustness.md).
  const now = Date.now;
  Date.now = () => 0;
  try {
    writeSnapshots(new h5.File(tmp, 'w'), grid, snapshots, extras);
  } finally {
    Date.now = now;
  }
  commitTemporary(tmp, file);
}

function writeSnapshots(f: InstanceType<H5Module['File']>, grid: Grid, snapshots: readonly FieldSnapshot[], extras: Hdf5Extras): void {
  try {
    f.create_dataset({ name: 't', data: Float64Array.from(snapshots.map((s) => s.t)) });
    f.create_dataset({ name: 'x', data: cellCentres(grid, 0) });
    if (grid.dim === 2) f.create_dataset({ name: 'y', data: cellCentres(grid, 1) });
    const spatial = grid.dim === 1 ? [grid.n[0]] : [grid.n[1], grid.n[0]];
    const names = snapshots.length > 0 ? Object.keys(snapshots[0].fields) : [];
    for (const name of names) {
      const extra = extras.trailing?.[name];
      const per = grid.cells * (extra ?? 1);
      const data = new Float64Array(per * snapshots.length);
      snapshots.forEach((s, k) => data.set(s.fields[name], k * per));
      f.create_dataset({ name, data, shape: [snapshots.length, ...spatial, ...(extra ? [extra] : [])] });
    }
    for (const [name, data] of Object.entries(extras.datasets ?? {})) f.create_dataset({ name, data });
    for (const [k, v] of Object.entries(extras.attributes)) f.create_attribute(k, v);
  } finally {
    f.close();
  }
}

/** Read fields.h5 back (tests and `nlbgk compare`). */
export async function readFieldsHdf5(file: string): Promise<{ shape: Record<string, number[]>; data: Record<string, Float64Array>; attributes: Record<string, string> }> {
  const mod = await load();
  const f = new mod.File(file, 'r');
  try {
    const shape: Record<string, number[]> = {};
    const data: Record<string, Float64Array> = {};
    for (const key of f.keys()) {
      const ds = f.get(key) as InstanceType<H5Module['Dataset']>;
      shape[key] = ds.shape ?? [];
      data[key] = ds.value as Float64Array;
    }
    const attributes: Record<string, string> = {};
    for (const [k, a] of Object.entries(f.attrs)) attributes[k] = String(a.value);
    return { shape, data, attributes };
  } finally {
    f.close();
  }
}

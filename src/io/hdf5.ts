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
 *   attributes on /: config (JSON), version, equation; on every dataset: `description` (what it
 *   holds, its shape and whether a value is squared) and `units`
 * The file is written whole through a temporary file and a rename (snapshots.ts decides when), so an
 * interrupted run leaves the last complete file. HDF5 reports failed writes (a full disk) only on
 * its diagnostic stream, so the temporary file is read back and compared before it is committed.
 * Object timestamps are pinned to the epoch so identical runs give byte-identical files.
 */
import * as fs from 'node:fs';
import nodeFs from 'node:fs';
import { commitTemporary, RunIoError } from './files.js';
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
  /** A `description` attribute per dataset (defaults below for the standard names). */
  descriptions?: Record<string, string>;
}

/** What each standard dataset holds (the `description` attribute); all quantities are dimensionless. */
export const DATASET_DESCRIPTIONS: Record<string, string> = {
  t: 'snapshot times, shape (S)',
  x: 'cell centres in x on the unit torus [0, 1), shape (Nx)',
  y: 'cell centres in y on the unit torus [0, 1), shape (Ny)',
  rho: 'density rho: cell averages at the snapshot times, shape (S, Nx) or (S, Ny, Nx)',
  j: 'flux j = int v f dv (cell averages; not squared), shape (S, Nx)',
  jx: 'flux component j_x = int v_x f dv (cell averages; not squared), shape (S, Ny, Nx)',
  jy: 'flux component j_y = int v_y f dv (cell averages; not squared), shape (S, Ny, Nx)',
  knudsen: 'local Knudsen number eps/lambda(rho) per cell (1e300 eps where lambda = 0: free streaming; 0 where lambda is infinite), shape (S, Nx) or (S, Ny, Nx)',
  h: 'kinetic unknown h = f/M at the velocity nodes (cell averages), shape (S, Nx, Nv) or (S, Ny, Nx, Nv)',
  v: 'Gauss-Hermite velocity nodes (standard Gaussian M), shape (Nv)',
  vx: 'velocity nodes, x component (tensor-product Gauss-Hermite), shape (Nv)',
  vy: 'velocity nodes, y component (tensor-product Gauss-Hermite), shape (Nv)',
  w: 'quadrature weights of the velocity nodes (sum 1: int g M dv = sum_k w_k g(v_k)), shape (Nv)',
};

type H5File = InstanceType<H5Module['File']>;

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

/**
 * Run `body` with HDF5's diagnostic stream captured: the WebAssembly library writes its stderr with
 * the `fs` module's writeSync on descriptor 2. Returns what it printed, so that a failure HDF5 only
 * reports there (a full disk) is not lost — nor shown to the user as a wall of text.
 */
function capturingDiagnostics(body: () => void): string {
  let captured = '';
  const writeSync = nodeFs.writeSync;
  nodeFs.writeSync = ((fd: number, buffer: unknown, ...rest: unknown[]) => {
    if (fd !== 2) return (writeSync as (...a: unknown[]) => number)(fd, buffer, ...rest);
    if (typeof buffer === 'string') {
      captured += buffer;
      return Buffer.byteLength(buffer);
    }
    const bytes = buffer as Uint8Array;
    const offset = typeof rest[0] === 'number' ? rest[0] : 0;
    const length = typeof rest[1] === 'number' ? rest[1] : bytes.byteLength - offset;
    captured += Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString('utf8');
    return length;
  }) as typeof nodeFs.writeSync;
  try {
    body();
  } finally {
    nodeFs.writeSync = writeSync;
  }
  return captured;
}

/** The datasets of fields.h5 for these snapshots: name -> [data, shape]. */
function datasetsOf(grid: Grid, snapshots: readonly FieldSnapshot[], extras: Hdf5Extras): Map<string, [Float64Array, number[]]> {
  const out = new Map<string, [Float64Array, number[]]>();
  out.set('t', [Float64Array.from(snapshots.map((s) => s.t)), [snapshots.length]]);
  out.set('x', [cellCentres(grid, 0), [grid.n[0]]]);
  if (grid.dim === 2) out.set('y', [cellCentres(grid, 1), [grid.n[1]]]);
  const spatial = grid.dim === 1 ? [grid.n[0]] : [grid.n[1], grid.n[0]];
  const names = snapshots.length > 0 ? Object.keys(snapshots[0].fields) : [];
  for (const name of names) {
    const extra = extras.trailing?.[name];
    const per = grid.cells * (extra ?? 1);
    const data = new Float64Array(per * snapshots.length);
    snapshots.forEach((s, k) => data.set(s.fields[name], k * per));
    out.set(name, [data, [snapshots.length, ...spatial, ...(extra ? [extra] : [])]]);
  }
  for (const [name, data] of Object.entries(extras.datasets ?? {})) out.set(name, [data, [data.length]]);
  return out;
}

export function writeFieldsHdf5(file: string, grid: Grid, snapshots: readonly FieldSnapshot[], extras: Hdf5Extras): void {
  if (!h5) throw new Error('initHdf5() must be awaited before writing fields.h5');
  const mod = h5;
  const tmp = `${file}.tmp`;
  fs.rmSync(tmp, { force: true });
  const datasets = datasetsOf(grid, snapshots, extras);
  // HDF5 stamps object headers with the current time (via the WebAssembly libc's Date.now()).
  // Pinning it to the epoch while writing makes identical runs produce identical bytes, which
  // the reproducibility and resume guarantees need (docs/robustness.md).
  const now = Date.now;
  Date.now = () => 0;
  let diagnostics = '';
  let problem: string | null = null;
  try {
    diagnostics = capturingDiagnostics(() => {
      writeDatasets(new mod.File(tmp, 'w'), datasets, extras);
      problem = verify(mod, tmp, datasets);
    });
  } catch (err) {
    problem = (err as Error).message;
  } finally {
    Date.now = now;
  }
  if (problem !== null || diagnostics) {
    fs.rmSync(tmp, { force: true });
    const nospace = /No space left on device/.test(diagnostics);
    const detail = diagnostics.match(/error message = '([^']*)'/)?.[1] ?? problem ?? 'HDF5 reported an error';
    throw new RunIoError(file, nospace ? 'ENOSPC' : 'EIO', `${nospace ? 'no space left on the device' : `the HDF5 library failed (${detail})`}; the previous fields.h5 is kept`);
  }
  commitTemporary(tmp, file);
}

function writeDatasets(f: H5File, datasets: Map<string, [Float64Array, number[]]>, extras: Hdf5Extras): void {
  try {
    for (const [name, [data, shape]] of datasets) {
      const ds = f.create_dataset({ name, data, shape });
      const description = extras.descriptions?.[name] ?? DATASET_DESCRIPTIONS[name];
      if (description) ds.create_attribute('description', description);
      ds.create_attribute('units', 'dimensionless (unit torus, standard Gaussian velocities)');
    }
    for (const [k, v] of Object.entries(extras.attributes)) f.create_attribute(k, v);
  } finally {
    f.close();
  }
}

/** Read the temporary file back: every dataset present with the same shape and bytes; a description of the first difference, or null. */
function verify(mod: H5Module, file: string, datasets: Map<string, [Float64Array, number[]]>): string | null {
  let f: H5File;
  try {
    f = new mod.File(file, 'r');
  } catch (err) {
    return `the written file cannot be opened (${(err as Error).message})`;
  }
  try {
    for (const [name, [data, shape]] of datasets) {
      const ds = f.get(name) as InstanceType<H5Module['Dataset']> | null;
      if (!ds) return `dataset ${name} missing after writing`;
      if (JSON.stringify(ds.shape) !== JSON.stringify(shape)) return `dataset ${name} has shape ${JSON.stringify(ds.shape)} after writing`;
      const back = ds.value as Float64Array;
      if (!Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(Buffer.from(data.buffer, data.byteOffset, data.byteLength))) return `dataset ${name} reads back different values`;
    }
    return null;
  } catch (err) {
    return `the written file cannot be read back (${(err as Error).message})`;
  } finally {
    f.close();
  }
}

/** A fields.h5 that cannot be read (missing, truncated, not HDF5). */
export class Hdf5ReadError extends Error {}

/** Read fields.h5 back (tests, `nlbgk plot`); a damaged file is an Hdf5ReadError, HDF5's diagnostics are not printed. */
export async function readFieldsHdf5(file: string): Promise<{ shape: Record<string, number[]>; data: Record<string, Float64Array>; attributes: Record<string, string> }> {
  const mod = await load();
  if (!fs.existsSync(file)) throw new Hdf5ReadError(`${file}: no such file`);
  let result: Awaited<ReturnType<typeof readFieldsHdf5>> | undefined;
  let failure: string | undefined;
  const diagnostics = capturingDiagnostics(() => {
    let f: H5File;
    try {
      f = new mod.File(file, 'r');
    } catch (err) {
      failure = (err as Error).message;
      return;
    }
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
      result = { shape, data, attributes };
    } catch (err) {
      failure = (err as Error).message;
    } finally {
      try {
        f.close();
      } catch {
        // closing a file HDF5 could not open
      }
    }
  });
  if (!result || diagnostics) {
    const why = diagnostics.match(/truncated file|unable to read superblock|file signature not found/)?.[0] ?? failure ?? 'HDF5 reported an error';
    throw new Hdf5ReadError(`${file}: not a readable HDF5 file (${why})`);
  }
  return result;
}

import type { Grid } from '../grid/grid.js';

/** Diagnostics of the density alone, shared by every solver (series.csv's first columns). */
export interface DensityDiagnostics {
  /** Total mass: sum of cell averages times cell volumes (radial meshes: the mass in R^d). */
  mass: number;
  rho_min: number;
  rho_max: number;
  /** ||rho - mean rho||_{L^2} over the domain (mean = mass / volume of the domain). */
  rho_l2_dev: number;
}

/**
 * The sums run in a fixed order (cell index), so results are reproducible bit for bit; the
 * deviation is computed about the mean in a second pass to avoid cancellation.
 */
export function densityDiagnostics(grid: Grid, rho: Float64Array): DensityDiagnostics {
  if (!grid.uniform) return weightedDiagnostics(grid, rho);
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < grid.cells; i++) {
    const r = rho[i];
    sum += r;
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  const mean = sum / grid.cells;
  let dev = 0;
  for (let i = 0; i < grid.cells; i++) dev += (rho[i] - mean) ** 2;
  return { mass: sum * grid.cellVolume, rho_min: lo, rho_max: hi, rho_l2_dev: Math.sqrt(dev * grid.cellVolume) };
}

/** Non-uniform cells (radial meshes): the same diagnostics with the cell volumes as weights. */
function weightedDiagnostics(grid: Grid, rho: Float64Array): DensityDiagnostics {
  const V = grid.volumes;
  let mass = 0;
  let vol = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < grid.cells; i++) {
    const r = rho[i];
    mass += r * V[i];
    vol += V[i];
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  const mean = mass / vol;
  let dev = 0;
  for (let i = 0; i < grid.cells; i++) dev += V[i] * (rho[i] - mean) ** 2;
  return { mass, rho_min: lo, rho_max: hi, rho_l2_dev: Math.sqrt(dev) };
}

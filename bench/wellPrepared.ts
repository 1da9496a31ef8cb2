/**
 * The benches' kinetic problem: well-prepared data h_in = rho0 = 1 + 0.4 sin 2πx (cos 2πy in 2D) at every
 * velocity node, alpha = 1, on the unit torus (bench/kinetic.ts, bench/speed.ts, bench/gamma.ts).
 */
import { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { makeGrid, cellAverages } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { powerLaw } from '../src/models/rate.js';

/** The kinetic solver of that problem on n cells (1D [n] or 2D [nx, ny]) with `nodes` velocity nodes per direction. */
export function wellPreparedSolver(n: number[], nodes: number, eps: number, threads?: number): KineticSolver {
  const grid = makeGrid(n);
  const vel = velocityGrid(grid.dim, nodes);
  const rho0 = cellAverages(grid, (x, y) => 1 + 0.4 * Math.sin(2 * Math.PI * x) * (grid.dim === 2 ? Math.cos(2 * Math.PI * y) : 1));
  const K = vel.count;
  const h0 = new Float64Array(grid.cells * K);
  for (let p = 0; p < grid.cells; p++) h0.fill(rho0[p], p * K, (p + 1) * K);
  return new KineticSolver({ grid, velocity: vel, rate: powerLaw(1), eps, h0, ...(threads === undefined ? {} : { threads }) });
}

/**
 * Kinetic solver benchmark: ns per cell-velocity update (one full implicit step / (cells x velocities))
 * for 1D (1024 cells, 32 nodes) and 2D (128^2 cells, 12 x 12 nodes), and steps to t = 0.1 for
 * eps in {1, 1e-1, 1e-2, 1e-4, 1e-8}. Run: node dist/bench/kinetic.js
 *
 * Measured (2-core machine of performance.md, Node 20, well-prepared smooth data, ns per
 * cell-velocity per step; "before" = the scheme as committed in 366d099, "after" = this version):
 *
 *   (before/after table with the noise caveat: docs/kinetic-scheme.md, "Speed")
 *   2D 128^2 x 12^2   eps=1: 604 -> ~150, 1e-2: 1111 -> ~350, 1e-4: 342 -> ~100, 1e-8: 61 -> ~18
 */
import { KineticSolver } from '../src/solvers/kinetic.js';
import { makeGrid, cellAverages } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { powerLaw } from '../src/models/rate.js';

export interface KineticBenchRow {
  case: string;
  eps: number;
  nsPerCellVelocity: number;
  stepsTo01: number;
  solverItersPerStep: number;
}

function make(n: number[], nodes: number, eps: number): KineticSolver {
  const grid = makeGrid(n);
  const vel = velocityGrid(grid.dim, nodes);
  const rho0 = cellAverages(grid, (x, y) => 1 + 0.4 * Math.sin(2 * Math.PI * x) * (grid.dim === 2 ? Math.cos(2 * Math.PI * y) : 1));
  const K = vel.count;
  const h0 = new Float64Array(grid.cells * K);
  for (let p = 0; p < grid.cells; p++) for (let k = 0; k < K; k++) h0[p * K + k] = rho0[p];
  return new KineticSolver({ grid, velocity: vel, rate: powerLaw(1), eps, h0 });
}

export function benchKinetic(opts: { steps1d?: number; steps2d?: number; epsList?: number[] } = {}): KineticBenchRow[] {
  const rows: KineticBenchRow[] = [];
  const epsList = opts.epsList ?? [1, 1e-1, 1e-2, 1e-4, 1e-8];
  for (const [label, n, nodes, steps] of [
    ['1D 1024 x 32', [1024], 32, opts.steps1d ?? 20],
    ['2D 128^2 x 12^2', [128, 128], 12, opts.steps2d ?? 2],
  ] as const) {
    for (const eps of epsList) {
      const s = make([...n], nodes, eps);
      const dt = s.suggestedDt();
      s.step(dt); // warm-up (first step is backward Euler)
      const it0 = s.counters.solverIterations;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < steps; i++) s.step(dt);
      const ns = Number(process.hrtime.bigint() - t0);
      const cellsVel = s.grid.cells * s.count;
      rows.push({
        case: label,
        eps,
        nsPerCellVelocity: ns / (steps * cellsVel),
        stepsTo01: Math.ceil(0.1 / dt - 1e-9),
        solverItersPerStep: (s.counters.solverIterations - it0) / steps,
      });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of benchKinetic()) {
    console.log(`${r.case}  eps=${r.eps}  ${r.nsPerCellVelocity.toFixed(1)} ns/(cell*velocity) per step  steps to t=0.1: ${r.stepsTo01}  GMRES its/step: ${r.solverItersPerStep.toFixed(1)}`);
  }
}

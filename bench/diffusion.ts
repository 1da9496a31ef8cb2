/**
 * Benchmark of the implicit diffusion solver (src/solvers/diffusion/solver.ts):
 *  - 1D, 4096 cells, rho_in = 1 + 0.5 sin 2 pi x, to t = 0.1;
 *  - 2D, 256^2 cells, rho_in = 1 + 0.5 sin 2 pi x sin 2 pi y, to t = 0.05;
 * for log diffusion (alpha = 1, special-cased) and a generic exponent (alpha = -1.5, exp/log path),
 * at the default time step. Reports wall time, steps, Newton and linear (CG) iterations, and
 * ns per cell-update (wall time / (cells x steps)).
 *
 * Run: npx tsc -p . && node dist/bench/diffusion.js
 */
import { pathToFileURL } from 'node:url';
import { cellAverages, makeGrid } from '../src/grid/grid.js';
import { powerLaw } from '../src/models/rate.js';
import { DiffusionSolver } from '../src/solvers/diffusion/solver.js';

export interface DiffusionBenchResult {
  name: string;
  cells: number;
  alpha: number;
  tEnd: number;
  dt: number;
  steps: number;
  substeps: number;
  newtonIterations: number;
  linearIterations: number;
  fallbackSteps: number;
  wallMs: number;
  nsPerCellUpdate: number;
  relMassDrift: number;
}

function one(name: string, n: number[], alpha: number, tEnd: number): DiffusionBenchResult {
  const grid = makeGrid(n);
  const rho0 = cellAverages(grid, (x, y) =>
    1 + 0.5 * Math.sin(2 * Math.PI * x) * (grid.dim === 2 ? Math.sin(2 * Math.PI * y) : 1),
  );
  const s = new DiffusionSolver({ grid, rate: powerLaw(alpha), rho0 });
  const steps = Math.ceil(tEnd / s.suggestedDt() - 1e-9);
  const dt = tEnd / steps;
  let m0 = 0;
  for (const v of rho0) m0 += v;
  const t0 = performance.now();
  for (let k = 0; k < steps; k++) s.step(dt);
  const wallMs = performance.now() - t0;
  let m1 = 0;
  for (const v of s.rho()) m1 += v;
  return {
    name,
    cells: grid.cells,
    alpha,
    tEnd,
    dt,
    steps,
    substeps: s.stats.substeps,
    newtonIterations: s.stats.newtonIterations,
    linearIterations: s.stats.linearIterations,
    fallbackSteps: s.stats.fallbackSteps,
    wallMs,
    nsPerCellUpdate: (wallMs * 1e6) / (grid.cells * steps),
    relMassDrift: (m1 - m0) / m0,
  };
}

export async function benchDiffusion(): Promise<DiffusionBenchResult[]> {
  const out: DiffusionBenchResult[] = [];
  for (const alpha of [1, -1.5]) {
    out.push(one(`diffusion 1D 4096, alpha=${alpha}`, [4096], alpha, 0.1));
    out.push(one(`diffusion 2D 256^2, alpha=${alpha}`, [256, 256], alpha, 0.05));
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const res = await benchDiffusion();
  for (const r of res) {
    console.log(
      `${r.name.padEnd(30)} ${r.wallMs.toFixed(0).padStart(6)} ms  steps ${r.steps}  substeps ${r.substeps}  ` +
        `Newton ${r.newtonIterations}  CG ${r.linearIterations}  fallback ${r.fallbackSteps}  ` +
        `${r.nsPerCellUpdate.toFixed(1)} ns/cell-update  mass drift ${r.relMassDrift.toExponential(1)}`,
    );
  }
}

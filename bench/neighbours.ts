/**
 * The paper's neighbours beside the BGK-type kinetic solver: ns per cell-velocity per step (median step
 * after warm-up) for the kinetic Fokker–Planck solver (1.5) and the full BGK solver (1.4), with the
 * BGK-type kinetic solver (1.2) on the same grids and eps for reference. Run: node dist/bench/neighbours.js
 * (or `npm run bench -- neighbours`). Figures and the machine's load: bench/README.md, docs/fokker-planck.md,
 * docs/bgk.md.
 *
 * Cases (well-prepared smooth data rho = 1 + 0.4 sin 2πx (× cos 2πy), alpha = 1):
 *  - 1D 256 cells × 16 nodes, eps ∈ {1, 0.1, 1e-2, 1e-8}: kinetic and fokker-planck at dt = dx/2;
 *  - 2D 32² × 6² nodes, eps ∈ {1, 0.1, 1e-2, 1e-8}: kinetic and fokker-planck at dt = dx/2;
 *  - full BGK 1D 1024 cells × 64 uniform nodes, hyperbolic Kn ∈ {1, 1e-2, 1e-6}, at its transport limit × 0.8.
 */
import { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { FokkerPlanckSolver } from '../src/solvers/fokker-planck/solver.js';
import type { BgkSolver } from '../src/solvers/bgk/solver.js';
import { validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { makeGrid, cellAverages } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { powerLaw } from '../src/models/rate.js';

export interface NeighboursBenchRow {
  equation: string;
  case: string;
  eps: number;
  nsPerCellVelocity: number;
  solverItersPerStep: number;
}

interface Steppable {
  step(dt: number): void;
  readonly counters: { solverIterations?: number };
}

function median(times: number[]): number {
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function time(s: Steppable, dt: number, warm: number, steps: number): { ns: number; its: number } {
  for (let i = 0; i < warm; i++) s.step(dt);
  const it0 = s.counters.solverIterations ?? 0;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = process.hrtime.bigint();
    s.step(dt);
    times.push(Number(process.hrtime.bigint() - t0));
  }
  return { ns: median(times), its: ((s.counters.solverIterations ?? 0) - it0) / steps };
}

export function benchNeighbours(opts: { steps?: number } = {}): NeighboursBenchRow[] {
  const rows: NeighboursBenchRow[] = [];
  const steps = opts.steps ?? 10;
  for (const [label, n, nodes] of [
    ['1D 256 x 16', [256], 16],
    ['2D 32^2 x 6^2', [32, 32], 6],
  ] as const) {
    const grid = makeGrid([...n]);
    const vel = velocityGrid(grid.dim, nodes);
    const rho0 = cellAverages(grid, (x, y) => 1 + 0.4 * Math.sin(2 * Math.PI * x) * (grid.dim === 2 ? Math.cos(2 * Math.PI * y) : 1));
    const K = vel.count;
    const h0 = new Float64Array(grid.cells * K);
    for (let p = 0; p < grid.cells; p++) h0.fill(rho0[p], p * K, (p + 1) * K);
    for (const eps of [1, 1e-1, 1e-2, 1e-8]) {
      for (const [equation, S] of [
        ['kinetic', KineticSolver],
        ['fokker-planck', FokkerPlanckSolver],
      ] as const) {
        const s = new S({ grid, velocity: vel, rate: powerLaw(1), eps, h0 });
        const r = time(s, s.suggestedDt(), 3, steps);
        rows.push({ equation, case: label, eps, nsPerCellVelocity: r.ns / (grid.cells * K), solverItersPerStep: r.its });
      }
    }
  }
  for (const eps of [1, 1e-2, 1e-6]) {
    const config = validateConfig({ model: { equation: 'bgk', alpha: 1, eps }, domain: { cells: [1024] }, initial: { rho: '1 + 0.4*sin(2*pi*x)' }, bgk: { nodes: 64, u: '0.2*cos(2*pi*x)' }, time: { end: 1 } });
    const s = buildProblem(config).stepper as BgkSolver;
    const r = time(s as unknown as Steppable, 0.8 * s.stableDt(), 3, steps);
    rows.push({ equation: 'bgk', case: '1D 1024 x 64', eps, nsPerCellVelocity: r.ns / (1024 * 64), solverItersPerStep: 0 });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of benchNeighbours()) {
    console.log(`${r.equation.padEnd(14)} ${r.case.padEnd(14)} eps=${String(r.eps).padEnd(6)} ${r.nsPerCellVelocity.toFixed(1)} ns/(cell*velocity) per step  Krylov its/step: ${r.solverItersPerStep.toFixed(1)}`);
  }
}

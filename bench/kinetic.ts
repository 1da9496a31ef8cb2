/**
 * Kinetic solver benchmark: ns per cell-velocity update (one full implicit step / (cells x velocities))
 * for 1D (1024 cells, 32 nodes) and 2D (128^2 cells, 12 x 12 nodes), and steps to t = 0.1 for
 * eps in {1, 1e-1, 1e-2, 1e-4, 1e-8}. Run: node dist/bench/kinetic.js
 *
 * Timing: median over the timed steps after warm-up steps (the first steps include JIT compilation,
 * which made single 20-step totals vary by 2x in 1D). Measured on the 2-core machine of
 * performance.md, Node 20, well-prepared smooth data; before/after tables with their caveats:
 * docs/kinetic-scheme.md, "Speed".
 *   1D 1024 x 32 (interleaved line solves): eps=1: 65 -> 48, 0.1: 74 -> 55, 1e-2: 107 -> 86,
 *      1e-4: 75 -> 56, 1e-8: 17 -> 7-11
 *   2D 128^2 x 12^2   eps=1: 604 -> ~150, 1e-2: 1111 -> ~350, 1e-4: 342 -> ~100, 1e-8: 61 -> ~18
 */
import { wellPreparedSolver } from './wellPrepared.js';

export interface KineticBenchRow {
  case: string;
  eps: number;
  nsPerCellVelocity: number;
  stepsTo01: number;
  solverItersPerStep: number;
}


export function benchKinetic(opts: { steps1d?: number; steps2d?: number; epsList?: number[] } = {}): KineticBenchRow[] {
  const rows: KineticBenchRow[] = [];
  const epsList = opts.epsList ?? [1, 1e-1, 1e-2, 1e-4, 1e-8];
  for (const [label, n, nodes, steps] of [
    ['1D 1024 x 32', [1024], 32, opts.steps1d ?? 40],
    ['2D 128^2 x 12^2', [128, 128], 12, opts.steps2d ?? 2],
  ] as const) {
    for (const eps of epsList) {
      const s = wellPreparedSolver([...n], nodes, eps);
      const dt = s.suggestedDt();
      const warm = n.length === 1 ? 5 : 1;
      for (let i = 0; i < warm; i++) s.step(dt); // warm-up (JIT; the first step is backward Euler)
      const it0 = s.counters.solverIterations;
      const times: number[] = [];
      for (let i = 0; i < steps; i++) {
        const t0 = process.hrtime.bigint();
        s.step(dt);
        times.push(Number(process.hrtime.bigint() - t0));
      }
      times.sort((a, b) => a - b);
      const ns = times[steps >> 1];
      const cellsVel = s.grid.cells * s.count;
      rows.push({
        case: label,
        eps,
        nsPerCellVelocity: ns / cellsVel,
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

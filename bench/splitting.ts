/**
 * The splitting error of the 2D stabilised approximate factorisation at intermediate eps, against the
 * exact per-velocity solve (`perVelocitySolve: 'exact'`: GMRES per velocity to round-off, no splitting
 * term), beside the plain factorisation's and the scheme's own time error (exact solve at dt against
 * exact at dt/4: 15/16 of the dt error for a second-order scheme).
 *
 * Data: h = rho = 1 + 0.5 sin 2πx sin 2πy (well prepared), alpha = 1, up to T = dx (two steps of the
 * suggested dt = dx/2, or eight of dx/8); errors: max over cells and nodes of |h − h_exact| divided by
 * max |h_exact − 1| (the variation left at T). Run: `npm run bench -- splitting` (accuracy; the wall times
 * are indicative: the exact mode is 50–100× slower than the factorisation).
 */
import { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { makeGrid, cellAverages } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { powerLaw } from '../src/models/rate.js';

export interface SplittingRow {
  case: string;
  eps: number;
  /** |factored − exact| / variation. */
  factored: number;
  plain: number;
  /** |exact(dt) − exact(dt/4)| / variation. */
  timeError: number;
  /** dt / (dx/2). */
  dtFraction: number;
  exactSecondsPerStep: number;
  factoredSecondsPerStep: number;
}

function run(n: number, nodes: number, eps: number, mode: 'factored' | 'plain' | 'exact', dtFraction: number): { h: Float64Array; seconds: number } {
  const grid = makeGrid([n, n]);
  const velocity = velocityGrid(2, nodes);
  const K = velocity.count;
  const h0 = new Float64Array(grid.cells * K);
  for (let k = 0; k < K; k++) {
    const a = cellAverages(grid, (x, y) => 1 + 0.5 * Math.sin(2 * Math.PI * x) * Math.sin(2 * Math.PI * y));
    for (let c = 0; c < grid.cells; c++) h0[c * K + k] = a[c];
  }
  const s = new KineticSolver({ grid, velocity, rate: powerLaw(1), eps, h0, perVelocitySolve: mode, threads: 1 });
  const steps = Math.round(2 / dtFraction);
  const dt = (2 * s.suggestedDt()) / steps;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) s.step(dt);
  return { h: Float64Array.from(s.h()), seconds: (performance.now() - t0) / 1000 / steps };
}

export function benchSplitting(opts: { cases?: [number, number, number][]; eps?: number[]; log?: (r: SplittingRow) => void } = {}): SplittingRow[] {
  const rows: SplittingRow[] = [];
  // [cells per direction, nodes per direction, dt / (dx/2)]
  for (const [n, nodes, f] of opts.cases ?? [
    [32, 4, 1],
    [32, 4, 0.25],
    [32, 6, 1],
  ]) {
    for (const eps of opts.eps ?? [0.1]) {
      const exact = run(n, nodes, eps, 'exact', f);
      const fine = run(n, nodes, eps, 'exact', f / 4);
      const fac = run(n, nodes, eps, 'factored', f);
      const plain = run(n, nodes, eps, 'plain', f);
      let vari = 0;
      for (const x of exact.h) vari = Math.max(vari, Math.abs(x - 1));
      const dist = (a: Float64Array) => {
        let e = 0;
        for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - exact.h[i]));
        return e / vari;
      };
      const row = {
        case: `2D ${n}^2 x ${nodes}^2`,
        eps,
        factored: dist(fac.h),
        plain: dist(plain.h),
        timeError: dist(fine.h),
        dtFraction: f,
        exactSecondsPerStep: exact.seconds,
        factoredSecondsPerStep: fac.seconds,
      };
      opts.log?.(row);
      rows.push(row);
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchSplitting({
    log: (r) => console.log(
      `${r.case.padEnd(14)} eps=${String(r.eps).padEnd(5)} dt=${r.dtFraction} dx/2  splitting: factored ${r.factored.toExponential(2)}  plain ${r.plain.toExponential(2)}  time error ${r.timeError.toExponential(2)}  s/step exact ${r.exactSecondsPerStep.toFixed(3)} factored ${r.factoredSecondsPerStep.toFixed(3)}`,
    ),
  });
}

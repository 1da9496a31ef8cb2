/**
 * Issue 18: the line kernels of the 2D per-velocity solve (src/solvers/transport/factored2d.ts), ns per
 * element (cell) of one unit, the plain formulas (test/support/factored2dReference.ts: one row per
 * recurrence, the scale by a as its own pass) against the JavaScript kernels and the WebAssembly ones
 * (src/solvers/wasm/factored2d.wat), at 128² and 256², all on arrays in one WebAssembly memory; and the whole
 * 2D kinetic step with the JavaScript and the WebAssembly kernels (benchStep).
 *
 *  - factorRows, factorCols: one unit's factorisation (each followed by its solve, on its factors);
 *  - solveRows: the x-lines; solveCols + scale: a x then the y-lines (the reference runs the scale as its
 *    own pass); each solve timed with a copy of the right-hand side before it (repeated solves would
 *    drift into subnormals), whose own cost is the row `copy`.
 *
 * Data: γ uniform in [0, 1] (a tenth of the faces 0), γ/a in [0, 0.5], a in [1, 3], s = 2.5, c = 0.7.
 * Figures: the best of `reps` interleaved repetitions (the machine is shared: print `uptime` with them).
 * Run: `npm run bench -- lines` or `node dist/bench/lines.js [--grids 128,256] [--reps 7] [--no-kernels]
 * [--no-step] [--step-grids 128] [--eps 0.1,1e-2] [--threads 1,2] [--steps 7]`.
 */
import * as os from 'node:os';
import { factorCols, factorRows, solveCols, solveRows } from '../src/solvers/transport/factored2d.js';
import { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { makeGrid, cellAverages } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { powerLaw } from '../src/models/rate.js';
import { KERNELS_ENV, wasmKernels } from '../src/solvers/wasm/kernels.js';
import { SharedArena } from '../src/solvers/parallel/arena.js';
import { factorColsRef, factorRowsRef, scaleByRef, solveColsRef, solveRowsRef } from '../test/support/factored2dReference.js';
import { listArg, loadLine } from './args.js';

export interface LinesRow {
  n: number;
  kernel: string;
  /** ns per cell: the plain formulas. */
  reference: number;
  /** ns per cell: the kernel. */
  kernelNs: number;
  speedup: number;
  /** ns per cell: the WebAssembly kernel (NaN: none). */
  wasmNs: number;
}

function random(n: number, lo: number, hi: number, seed: number): Float64Array {
  let t = seed >>> 0;
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t = (Math.imul(t, 1664525) + 1013904223) >>> 0;
    a[i] = lo + ((hi - lo) * t) / 4294967296;
  }
  return a;
}

/** Best ns per cell over `reps` rounds of each variant in turn (each round ~20 ms). */
function time(N: number, reps: number, variants: (() => void)[]): number[] {
  const best = variants.map(() => Infinity);
  const iters = Math.max(1, Math.round(3e5 / N));
  for (const f of variants) for (let i = 0; i < 3; i++) f();
  for (let r = 0; r < reps; r++) {
    variants.forEach((f, v) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < iters; i++) f();
      best[v] = Math.min(best[v], Number(process.hrtime.bigint() - t0) / iters / N);
    });
  }
  return best;
}

export function benchLines(opts: { grids?: number[]; reps?: number } = {}): LinesRow[] {
  const rows: LinesRow[] = [];
  const reps = opts.reps ?? 7;
  const s = 2.5;
  const c = 0.7;
  for (const n of opts.grids ?? [128, 256]) {
    const N = n * n;
    // every array in a WebAssembly memory (as in the solver), so that both kernels run on the same ones
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const arena = new SharedArena(true, memory);
    const w = wasmKernels(memory);
    const put = (v: Float64Array) => {
      const a = arena.f64(v.length);
      a.set(v);
      return a;
    };
    const g = put(random(N, 0, 1, 1).map((v) => (v < 0.1 ? 0 : v)));
    const ga = put(random(N, 0, 0.5, 2));
    const a = put(random(N, 1, 3, 3));
    const x0 = put(random(N, -1, 1, 4));
    const x = arena.f64(N);
    const inv = arena.f64(N);
    const z = arena.f64(N);
    const invS = arena.f64(n);
    const lA = arena.f64(n);
    const lB = arena.f64(n);
    const B = (v: Float64Array) => v.byteOffset;
    const add = (kernel: string, ref: () => void, ker: () => void, wasm: (() => void) | null = null) => {
      const [tr, tk, tw] = time(N, reps, wasm ? [ref, ker, wasm] : [ref, ker]);
      rows.push({ n, kernel, reference: tr, kernelNs: tk, speedup: tr / tk, wasmNs: tw ?? NaN });
    };
    const [copy] = time(N, reps, [() => x.set(x0)]);
    rows.push({ n, kernel: 'copy (in the solves below)', reference: copy, kernelNs: copy, speedup: 1, wasmNs: NaN });
    add('factorRows', () => factorRowsRef(n, n, s, c, g, ga, 0, a, inv, z, 0, invS, 0), () => factorRows(n, n, s, c, g, ga, 0, a, inv, z, 0, invS, 0), () => w.factorRows(n, n, s, c, B(g), B(ga), B(a), B(inv), B(z), B(invS)));
    add('solveRows', () => {
      x.set(x0);
      solveRowsRef(n, n, s, c, g, ga, 0, inv, z, 0, invS, 0, x, 0);
    }, () => {
      x.set(x0);
      solveRows(n, n, s, c, g, ga, 0, inv, z, 0, invS, 0, x, 0);
    }, () => {
      x.set(x0);
      w.solveRows(n, n, s, c, B(g), B(ga), B(inv), B(z), B(invS), B(x));
    });
    add('factorCols', () => factorColsRef(n, n, s, c, g, ga, 0, a, inv, z, 0, invS, 0, lA, lB), () => factorCols(n, n, s, c, g, ga, 0, a, inv, z, 0, invS, 0, lA, lB), () => w.factorCols(n, n, s, c, B(g), B(ga), B(a), B(inv), B(z), B(invS)));
    add('scale + solveCols', () => {
      x.set(x0);
      scaleByRef(N, x, 0, a);
      solveColsRef(n, n, s, c, g, ga, 0, inv, z, 0, invS, 0, x, 0, lA);
    }, () => {
      x.set(x0);
      solveCols(n, n, s, c, g, ga, 0, inv, z, 0, invS, 0, x, 0, lA, a);
    }, () => {
      x.set(x0);
      w.solveCols(n, n, s, c, B(g), B(ga), B(inv), B(z), B(invS), B(x), B(lA), B(a), 1);
    });
  }
  return rows;
}

export interface StepRow {
  n: number;
  eps: number;
  threads: number;
  /** ns per cell-velocity per step (median of the timed steps), JavaScript and WebAssembly kernels. */
  js: number;
  wasm: number;
  speedup: number;
}

function kineticSolver(n: number, eps: number, threads: number, kernels: 'js' | 'wasm'): KineticSolver {
  const env = process.env[KERNELS_ENV];
  process.env[KERNELS_ENV] = kernels;
  try {
    const grid = makeGrid([n, n]);
    const velocity = velocityGrid(2, 12);
    const rho0 = cellAverages(grid, (x, y) => 1 + 0.4 * Math.sin(2 * Math.PI * x) * Math.cos(2 * Math.PI * y));
    const K = velocity.count;
    const h0 = new Float64Array(grid.cells * K);
    for (let p = 0; p < grid.cells; p++) h0.fill(rho0[p], p * K, (p + 1) * K);
    return new KineticSolver({ grid, velocity, rate: powerLaw(1), eps, h0, threads });
  } finally {
    if (env === undefined) delete process.env[KERNELS_ENV];
    else process.env[KERNELS_ENV] = env;
  }
}

/**
 * The whole step with either kernels (bench/speed.ts's problem: 12² nodes, dt = dx/2): one solver of each,
 * one warm-up step each, then `steps` steps timed alternately (js, wasm, js, ...), median of each.
 */
export function benchStep(opts: { grids?: number[]; eps?: number[]; threads?: number[]; steps?: number } = {}): StepRow[] {
  const rows: StepRow[] = [];
  const steps = opts.steps ?? 7;
  for (const n of opts.grids ?? [128]) {
    for (const eps of opts.eps ?? [0.1, 1e-2]) {
      for (const threads of opts.threads ?? [1, 2]) {
        const solvers = [kineticSolver(n, eps, threads, 'js'), kineticSolver(n, eps, threads, 'wasm')];
        const dt = solvers[0].suggestedDt();
        for (const s of solvers) s.step(dt);
        const times: number[][] = [[], []];
        for (let i = 0; i < steps; i++) {
          solvers.forEach((s, v) => {
            const t0 = process.hrtime.bigint();
            s.step(dt);
            times[v].push(Number(process.hrtime.bigint() - t0) / (n * n * s.count));
          });
        }
        for (const s of solvers) s.dispose();
        const [js, wasm] = times.map((t) => t.sort((a, b) => a - b)[t.length >> 1]);
        rows.push({ n, eps, threads, js, wasm, speedup: js / wasm });
      }
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  console.log(loadLine());
  if (!args.includes('--no-kernels')) {
    const rows = benchLines({ grids: listArg(args, '--grids'), reps: listArg(args, '--reps')?.[0] });
    console.table(rows.map((r) => ({ ...r, reference: +r.reference.toFixed(2), kernelNs: +r.kernelNs.toFixed(2), speedup: +r.speedup.toFixed(2), wasmNs: +r.wasmNs.toFixed(2) })));
  }
  if (!args.includes('--no-step')) {
    const rows = benchStep({ grids: listArg(args, '--step-grids'), eps: listArg(args, '--eps'), threads: listArg(args, '--threads'), steps: listArg(args, '--steps')?.[0] });
    console.table(rows.map((r) => ({ ...r, js: +r.js.toFixed(1), wasm: +r.wasm.toFixed(1), speedup: +r.speedup.toFixed(2) })));
  }
  console.log(`load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
}

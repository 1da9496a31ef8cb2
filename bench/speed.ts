/**
 * Issue 18's figures: what a kinetic step costs, warm and as a user's run.
 *
 *  - 2D 128² × 12² and 256² × 12² nodes, eps ∈ {1, 0.1, 3e-2, 1e-2, 1e-4, 1e-8}, 1 and 2 threads:
 *    warm: ns per cell-velocity per step (median of 5 timed steps after 4 warm-up steps: the first steps of a
 *    process pay the JIT compilation, see the CLI figures), FGMRES iterations per timed step, split steps;
 *    a series row (the run's `sample()`: kinetic and theorem columns) after every step, as a run with the
 *    default output writes them, its median cost as a share of the median step (issue 18's target: ≤ 10 %);
 *    CLI: `nlbgk run` of the same problem (8 fixed steps, default output: a series row every step, fields.h5
 *    at the end) as a child process, wall seconds
 *    (process start to exit) / steps, in ns per cell-velocity, and the run's own stepping time
 *    (run.json wall_s) / steps; at 128² also a 64-step run through the CLI (`--cli-long N`; 0: none), where
 *    the fixed costs of a run (process start, modules, the t = 0 checkpoint, the first steps' compilation)
 *    are spread over more steps.
 *  - 1D 1024 cells × 32 nodes at the same eps: warm ns per cell-velocity per step (one thread).
 *
 * Data: rho = 1 + 0.4 sin 2πx cos 2πy (well prepared), alpha = 1, dt = dx/2 (the solver's suggested step).
 * Run: `npm run bench:speed` (this suite alone), `npm run bench -- speed`, or
 * `node dist/bench/speed.js [--quick] [--grids 128,256] [--eps 0.1,1e-8] [--threads 1,2] [--no-cli] [--cli-long 64] [--no-rows] [--no-1d] [--no-2d]`.
 * The machine is shared: print `uptime` with the figures (bench/README.md).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { wellPreparedSolver } from './wellPrepared.js';
import { validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { listArg, loadLine } from './args.js';

export interface SpeedRow {
  case: string;
  eps: number;
  threads: number;
  /** Warm: median step / (cells × velocities). */
  warmNs: number;
  itsPerStep: number;
  splitSteps: number;
  /** Median series row after a step (ms, after WARM_UP_STEPS steps with rows) and its share of the median step. */
  rowMs: number;
  rowShare: number;
  /** Through the CLI: process wall seconds / steps / (cells × velocities); NaN when not measured. */
  cliNs: number;
  /** run.json wall_s / steps / (cells × velocities) (stepping, series rows and writes; no process start). */
  cliRunNs: number;
  /** The same through the CLI for a longer run (CLI_LONG_STEPS, 128² only): what the fixed costs come to when amortised; NaN when not measured. */
  cliLongNs: number;
}

export const SPEED_EPS = [1, 0.1, 3e-2, 1e-2, 1e-4, 1e-8];
const CLI_STEPS = 8;
/** Steps before the timed ones of the warm figure (the first steps of a process run colder code). */
const WARM_UP_STEPS = 4;
/** The longer CLI run (128² only; `--cli-long N` changes it, 0 leaves it out). */
const CLI_LONG_STEPS = 64;
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');


function warm(n: number[], nodes: number, eps: number, threads: number, warmSteps: number, steps: number): { ns: number; its: number; split: number } {
  const s = wellPreparedSolver(n, nodes, eps, threads);
  const dt = s.suggestedDt();
  for (let i = 0; i < warmSteps; i++) s.step(dt);
  const it0 = s.counters.solverIterations;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = process.hrtime.bigint();
    s.step(dt);
    times.push(Number(process.hrtime.bigint() - t0));
  }
  const r = { ns: median(times) / (s.grid.cells * s.count), its: (s.counters.solverIterations - it0) / steps, split: s.counters.substeps };
  s.dispose();
  return r;
}

const median = (a: number[]) => a.slice().sort((x, y) => x - y)[a.length >> 1];

/** The problem a run builds from the bench's config (2D), a step then a series row, as with the default output. */
function seriesRows(n: number, nodes: number, eps: number, threads: number, steps: number): { rowMs: number; share: number } {
  const dt = 1 / (2 * n);
  const problem = buildProblem(
    validateConfig({
      model: { equation: 'kinetic', dim: 2, alpha: 1, eps },
      domain: { cells: [n, n] },
      velocity: { nodes },
      initial: { rho: '1 + 0.4*sin(2*pi*x)*cos(2*pi*y)' },
      time: { end: 1, dt },
      compute: { threads },
    }),
  );
  const stepper = problem.stepper as KineticSolver;
  problem.sample();
  // as the warm step: rows after WARM_UP_STEPS steps (the first rows of a process run in V8's baseline tiers)
  for (let i = 0; i < WARM_UP_STEPS; i++) {
    stepper.step(dt);
    problem.sample();
  }
  const st: number[] = [];
  const rw: number[] = [];
  for (let i = 0; i < steps; i++) {
    let t0 = process.hrtime.bigint();
    stepper.step(dt);
    st.push(Number(process.hrtime.bigint() - t0));
    t0 = process.hrtime.bigint();
    problem.sample();
    rw.push(Number(process.hrtime.bigint() - t0));
  }
  stepper.dispose();
  return { rowMs: median(rw) * 1e-6, share: median(rw) / median(st) };
}

function cli(n: number, nodes: number, eps: number, threads: number, dir: string, steps = CLI_STEPS): { ns: number; runNs: number } {
  const dt = 1 / (2 * n);
  const cfg = path.join(dir, `k${n}-${eps}-${steps}.yaml`);
  fs.writeFileSync(
    cfg,
    [
      `model:    { equation: kinetic, dim: 2, alpha: 1, eps: ${eps} }`,
      `domain:   { cells: [${n}, ${n}] }`,
      `velocity: { nodes: ${nodes} }`,
      `initial:  { rho: "1 + 0.4*sin(2*pi*x)*cos(2*pi*y)" }`,
      `time:     { end: ${steps * dt}, dt: ${dt} }`,
      '',
    ].join('\n'),
  );
  const out = path.join(dir, `run-${n}-${eps}-${threads}`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, 'run', cfg, '--out', out, '--quiet', '--force', '--threads', String(threads)], { encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) * 1e-9;
  if (r.status !== 0) throw new Error(`nlbgk run failed (${r.status}): ${r.stderr}`);
  const run = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));
  const units = n * n * nodes * nodes * run.steps;
  fs.rmSync(out, { recursive: true, force: true });
  return { ns: (wall * 1e9) / units, runNs: (run.wall_s * 1e9) / units };
}

export interface SpeedOptions {
  grids?: number[];
  eps?: number[];
  threads?: number[];
  cli?: boolean;
  /** Measure the series rows' share of a step (default true). */
  rows?: boolean;
  oneD?: boolean;
  steps?: number;
  /** Steps of the longer CLI run at 128² (default CLI_LONG_STEPS; 0: none). */
  cliLong?: number;
  log?: (row: SpeedRow) => void;
}

export function benchSpeed(opts: SpeedOptions = {}): SpeedRow[] {
  const rows: SpeedRow[] = [];
  const epsList = opts.eps ?? SPEED_EPS;
  const steps = opts.steps ?? 5;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-speed-'));
  try {
    for (const n of opts.grids ?? [128, 256]) {
      for (const eps of epsList) {
        for (const threads of opts.threads ?? [1, 2]) {
          const w = warm([n, n], 12, eps, threads, WARM_UP_STEPS, steps);
          const r = opts.rows === false ? { rowMs: NaN, share: NaN } : seriesRows(n, 12, eps, threads, Math.max(steps, 3));
          const c = opts.cli === false ? { ns: NaN, runNs: NaN } : cli(n, 12, eps, threads, dir);
          const long = opts.cliLong ?? CLI_LONG_STEPS;
          const cl = opts.cli === false || n !== 128 || long <= 0 ? { ns: NaN } : cli(n, 12, eps, threads, dir, long);
          const row = { case: `2D ${n}^2 x 12^2`, eps, threads, warmNs: w.ns, itsPerStep: w.its, splitSteps: w.split, rowMs: r.rowMs, rowShare: r.share, cliNs: c.ns, cliRunNs: c.runNs, cliLongNs: cl.ns };
          opts.log?.(row);
          rows.push(row);
        }
      }
    }
    if (opts.oneD !== false) {
      for (const eps of epsList) {
        const w = warm([1024], 32, eps, 1, 5, 40);
        const row = { case: '1D 1024 x 32', eps, threads: 1, warmNs: w.ns, itsPerStep: w.its, splitSteps: w.split, rowMs: NaN, rowShare: NaN, cliNs: NaN, cliRunNs: NaN, cliLongNs: NaN };
        opts.log?.(row);
        rows.push(row);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  console.log(loadLine());
  const fmt = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(1));
  const longSteps = listArg(args, '--cli-long')?.[0] ?? CLI_LONG_STEPS;
  benchSpeed({
    grids: args.includes('--no-2d') ? [] : (listArg(args, '--grids') ?? (quick ? [128] : undefined)),
    eps: listArg(args, '--eps') ?? (quick ? [0.1, 1e-2, 1e-8] : undefined),
    threads: listArg(args, '--threads'),
    cli: !args.includes('--no-cli'),
    rows: !args.includes('--no-rows'),
    oneD: !args.includes('--no-1d'),
    cliLong: longSteps,
    log: (r) =>
      console.log(
        `${r.case.padEnd(16)} eps=${String(r.eps).padEnd(6)} threads=${r.threads}  warm ${fmt(r.warmNs)} ns  its/step ${r.itsPerStep.toFixed(1)}  split ${r.splitSteps}  row ${fmt(r.rowMs)} ms (${fmt(100 * r.rowShare)} %)  CLI ${fmt(r.cliNs)} ns (run.json ${fmt(r.cliRunNs)})  CLI ${longSteps} steps ${fmt(r.cliLongNs)} ns`,
      ),
  });
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

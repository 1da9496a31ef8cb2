/**
 * A run from a validated config to a complete run directory (docs/outputs.md):
 *   run.json          resolved config, version, git commit, Node version, start/end, wall_s, steps, status
 *   series.csv        diagnostics over time, appended as the run goes
 *   summary.json      snapshots of rho (and fluxes), rewritten atomically (io/snapshots.ts decides when)
 *   fields.h5         the same snapshots in HDF5, likewise
 *   checkpoint.bin    the state to resume from (on by default), snapshots.journal the snapshots so far;
 *                     both removed when the run completes
 * Every problem with the config is found before anything is written; the run directory's life —
 * lock, files, checkpoints, endings — is io/runDirectory.ts and io/runSession.ts. A resumed run
 * continues from the checkpoint and produces the same bytes as the uninterrupted run
 * (docs/robustness.md).
 */
import { execFile } from 'node:child_process';
import { packageRoot, packageVersion } from './version.js';
import type { Config } from './config/schema.js';
import { ConfigError, validateConfig } from './config/validate.js';
import { FixedClock } from './simulation/clock.js';
import { simulationOptions } from './simulation/options.js';
import { buildProblem } from './simulation/build.js';
import { type Problem } from './simulation/problem.js';
import { Simulation, type StepInfo, type SteppingReport } from './simulation/simulation.js';
import { NumericalFailure } from './solvers/stepper.js';
import { RateLawError } from './models/rate.js';
import { initHdf5 } from './io/hdf5.js';
import { holdExistingRunDirectory, holdNewRunDirectory, releaseDirectory } from './io/runDirectory.js';
import { ResumeRefused, RunSession, type SessionStart } from './io/runSession.js';
import type { RunLock } from './io/lock.js';

export interface RunOptions {
  outDir: string;
  force?: boolean;
  /** Called after every accepted step (progress display): time, steps so far, end time, the step's dt. */
  onStep?: (t: number, steps: number, end: number, dt: number) => void;
  /**
   * The run directory's lock, already held by the caller (e.g. a sweep engine running in-process):
   * then the run neither takes nor releases it. Without it the run takes `nlbgk.lock` itself before
   * touching any file (a live lock throws RunLockedError) and releases it at the end.
   */
  lock?: RunLock;
  /**
   * Stop between two steps when aborted (the CLI aborts on SIGINT/SIGTERM with the signal's name as
   * the reason): a checkpoint is written, run.json says "interrupted", the result has status
   * 'interrupted'.
   */
  signal?: AbortSignal;
}

export interface RunResult {
  outDir: string;
  steps: number;
  /** The time reached. */
  t: number;
  wallSeconds: number;
  status: 'completed' | 'interrupted';
  /** The abort reason (e.g. 'SIGINT') when interrupted. */
  reason?: string;
  /** The time stepping's statistics (also in run.json). */
  stepping: SteppingReport;
}

export { packageVersion };

/**
 * The git commit of the nlbgk checkout (`-dirty` when tracked files are modified), or null outside
 * git. Asynchronous, so that a run asks git while it loads the HDF5 library.
 */
export async function gitCommit(): Promise<string | null> {
  const git = (...args: string[]) =>
    new Promise<string>((resolve, reject) => execFile('git', args, { cwd: packageRoot }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))));
  try {
    const [head, status] = await Promise.all([git('rev-parse', 'HEAD'), git('status', '--porcelain', '--untracked-files=no')]);
    return status ? `${head}-dirty` : head;
  } catch {
    return null;
  }
}

/** What a run needs before its first write: the HDF5 library (when output.fields) and the git commit, fetched together. */
async function runPrerequisites(config: Config): Promise<string | null> {
  const [, commit] = await Promise.all([config.output.fields ? initHdf5() : undefined, gitCommit()]);
  return commit;
}

/** A new run in `options.outDir`. */
export async function runConfig(config: Config, options: RunOptions): Promise<RunResult> {
  return runProblem(buildChecked(config), options); // throws ConfigError before anything is written
}

/**
 * Everything `run` checks before it writes anything — the initial data and the rate evaluated on
 * the grid, the number of steps against time.max_steps, the work a particle run would do — without
 * taking a step (`nlbgk validate`).
 */
export function prepareRun(config: Config): { problem: Problem; simulation: Simulation } {
  const problem = buildChecked(config);
  const simulation = makeSimulation(config, problem);
  checkWork(problem, simulation);
  return { problem, simulation };
}

/** buildProblem, with a rate law that fails on the data's range reported as the config error it is. */
function buildChecked(config: Config): Problem {
  try {
    return buildProblem(config);
  } catch (err) {
    if (err instanceof RateLawError) throw new ConfigError([{ path: 'model.rate', message: err.message }]);
    throw err;
  }
}

/** Particles with the exact scheme do lambda dt / eps² tumbles per particle and step: refuse runs that could not finish. */
export const MAX_TUMBLES_PER_STEP = 1000;
export const MAX_TUMBLES = 2e9;

function checkWork(problem: Problem, simulation: Simulation): void {
  const { config } = problem;
  if (config.model.equation !== 'particles' || config.particles?.scheme !== 'exact') return;
  const eps = config.model.eps as number;
  const { lo, hi } = problem.bounds;
  let lamMax = 0;
  for (let k = 0; k <= 64; k++) lamMax = Math.max(lamMax, problem.rate.lambda(lo + ((hi - lo) * k) / 64));
  const dt = simulation.options.dt ?? problem.stepper.suggestedDt();
  const steps = new FixedClock(config.time.end, simulation.options.snapshotTimes, dt).totalSteps;
  const perStep = (lamMax * dt) / (eps * eps);
  const total = perStep * steps * config.particles.count * config.particles.ensembles;
  if (perStep > MAX_TUMBLES_PER_STEP || total > MAX_TUMBLES) {
    throw new ConfigError([
      {
        path: 'particles.scheme',
        message: `the exact scheme would draw about ${perStep.toPrecision(3)} tumbles per particle and step (lambda_max dt / eps^2 with lambda_max = ${lamMax.toPrecision(3)}, dt = ${dt.toPrecision(3)}, eps = ${eps}), ${total.toPrecision(3)} in all; the limits are ${MAX_TUMBLES_PER_STEP} per particle and step and ${MAX_TUMBLES} in all: use scheme ap (or auto), a smaller time.dt or fewer particles`,
      },
    ]);
  }
}

/** A new run of an already-built problem (library users may wrap or replace its stepper). */
export async function runProblem(problem: Problem, options: RunOptions): Promise<RunResult> {
  const { config } = problem;
  const simulation = makeSimulation(config, problem);
  checkWork(problem, simulation);
  const commit = await runPrerequisites(config);
  const held = holdNewRunDirectory(options.outDir, { force: options.force ?? false, lock: options.lock });
  try {
    const session = RunSession.create(held, problem, simulation, sessionStart(problem, simulation, new Date(), 0, commit));
    return await drive(simulation, session, options, true);
  } finally {
    releaseDirectory(held);
  }
}

/** Continue the run in `dir` from its checkpoint.bin, after verifying everything it rests on. */
export async function resumeRun(dir: string, options: Omit<RunOptions, 'outDir' | 'force'> = {}): Promise<RunResult> {
  const held = holdExistingRunDirectory(dir, { lock: options.lock });
  try {
    const point = RunSession.readResumePoint(dir);
    let config: Config;
    try {
      config = validateConfig(point.previous.config);
    } catch (err) {
      if (err instanceof ConfigError) throw new ResumeRefused(dir, `run.json's config is not valid (${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')})`);
      throw err;
    }
    const problem = buildChecked(config);
    const simulation = makeSimulation(config, problem);
    try {
      problem.stepper.restoreState(point.checkpoint.state);
    } catch (err) {
      throw new ResumeRefused(dir, `checkpoint.bin does not fit the configuration (${(err as Error).message})`);
    }
    try {
      simulation.restoreState(point.checkpoint.meta.clock as Parameters<Simulation['restoreState']>[0]);
    } catch (err) {
      throw new ResumeRefused(dir, `checkpoint.bin does not fit the configuration (${(err as Error).message})`);
    }
    simulation.wallSeconds = point.checkpoint.meta.wallSeconds;
    const commit = await runPrerequisites(config);
    const start = sessionStart(problem, simulation, new Date(point.previous.started), (point.previous.resumes ?? 0) + 1, commit);
    const session = RunSession.resume(held, problem, simulation, start, point);
    return await drive(simulation, session, { ...options, outDir: dir }, false);
  } finally {
    releaseDirectory(held);
  }
}

/** series.csv's columns after t: the problem's diagnostics, then the step that ended at t (dt, err). */
export function seriesColumns(problem: Problem): string[] {
  return [...problem.columns, 'dt', 'err'];
}

function makeSimulation(config: Config, problem: Problem): Simulation {
  const options = simulationOptions(config, problem);
  if (options.dt !== undefined || problem.config.model.equation === 'particles') {
    const dt = options.dt ?? problem.stepper.suggestedDt();
    const steps = new FixedClock(config.time.end, options.snapshotTimes, dt).totalSteps;
    if (steps > config.time.max_steps) {
      throw new ConfigError([
        {
          path: config.time.dt === undefined ? 'time.end' : 'time.dt',
          message: `the run needs ${steps} steps (dt = ${dt}${config.time.dt === undefined ? ', the scheme\'s default' : ''}), more than time.max_steps = ${config.time.max_steps}; shorten time.end, enlarge time.dt or raise time.max_steps`,
        },
      ]);
    }
  }
  return new Simulation(problem, options);
}

/** run.json's fields that do not change during a run. */
function runMeta(problem: Problem, commit: string | null): SessionStart['meta'] {
  const { config } = problem;
  return {
    nlbgk: packageVersion(),
    commit,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    scheme: problem.stepper.scheme,
    rate: problem.rate.description,
    seed: config.particles?.seed ?? null,
    config,
  };
}

/** What the session writes into run.json: the fixed fields, and the time stepping's statistics at every write. */
function sessionStart(problem: Problem, simulation: Simulation, started: Date, resumes: number, commit: string | null): SessionStart {
  return { meta: runMeta(problem, commit), started, resumes, columns: seriesColumns(problem), live: () => ({ stepping: simulation.report() }) };
}

/** The time loop in slices of ~0.1 s, yielding to the event loop between them so that signals are seen. */
async function runInSlices(simulation: Simulation, signal?: AbortSignal): Promise<'done' | 'interrupted'> {
  while (!simulation.clock.done) {
    if (signal?.aborted) return 'interrupted';
    const sliceEnd = performance.now() + 100;
    simulation.run(() => signal?.aborted === true || performance.now() >= sliceEnd);
    if (!simulation.clock.done) await new Promise((resolve) => setImmediate(resolve));
  }
  return 'done';
}

/** A failure inside a step, with the step, the time and the place it happened named. */
function locateFailure(err: unknown, simulation: Simulation): unknown {
  if (!(err instanceof NumericalFailure) || /^step \d+/.test(err.message)) return err;
  const steps = simulation.clock.steps;
  const cell = err.where.cell;
  const place = cell !== undefined ? `cell ${cell}${err.where.velocity !== undefined ? `, velocity node ${err.where.velocity}` : ''}` : 'no single cell (a solve over the whole grid)';
  const located = new NumericalFailure(`step ${steps + 1}, from t = ${simulation.clock.t}, ${place}: ${err.message}`, err.where);
  return located;
}

async function drive(simulation: Simulation, session: RunSession, options: RunOptions, fresh: boolean): Promise<RunResult> {
  const end = simulation.options.end;
  const written = session.callbacks((t, steps, dt) => options.onStep?.(t, steps, end, dt));
  // series.csv's row: the problem's diagnostics, then the step that ended at t (seriesColumns)
  const onSeries = (t: number, values: number[], _steps: number, step: StepInfo) => written.onSeries(t, [...values, step.dt, step.r]);
  Object.assign(simulation.callbacks, written, { onSeries });
  let outcome: 'done' | 'interrupted';
  try {
    if (fresh) simulation.start();
    outcome = await runInSlices(simulation, options.signal);
  } catch (err) {
    const failure = locateFailure(err, simulation);
    session.fail(failure);
    throw failure;
  }
  const result = { outDir: session.dir, steps: simulation.clock.steps, t: simulation.clock.t, wallSeconds: simulation.wallSeconds, stepping: simulation.report() };
  try {
    if (outcome === 'interrupted') {
      const reason = String(options.signal?.reason ?? 'aborted');
      session.interrupt(reason);
      return { ...result, status: 'interrupted', reason };
    }
    session.complete();
  } catch (err) {
    session.fail(err);
    throw err;
  }
  return { ...result, status: 'completed' };
}

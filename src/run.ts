/**
 * A run from a validated config to a complete run directory (docs/outputs.md):
 *   run.json        resolved config, version, git commit, Node version, start/end, wall_s, steps, status
 *   series.csv      diagnostics over time, appended as the run goes
 *   summary.json    snapshots of rho (and fluxes), rewritten atomically at each snapshot
 *   fields.h5       the same snapshots in HDF5, rewritten atomically at each snapshot
 *   checkpoint.bin  (optional) the state to resume from, written atomically
 * Every problem with the config is found before anything is written. A resumed run continues
 * from the checkpoint and produces the same bytes as the uninterrupted run (docs/robustness.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from './config/schema.js';
import { ConfigError, validateConfig } from './config/validate.js';
import { Clock } from './simulation/clock.js';
import { buildProblem, type Problem } from './simulation/problem.js';
import { Simulation } from './simulation/simulation.js';
import { OutputDirError, SeriesWriter, writeFileAtomic } from './io/files.js';
import { holdExistingRunDirectory, holdNewRunDirectory, releaseDirectory } from './io/runDirectory.js';
import type { RunLock } from './io/lock.js';
import { initHdf5, readFieldsHdf5, writeFieldsHdf5, type FieldSnapshot } from './io/hdf5.js';
import { readCheckpoint, writeCheckpoint } from './io/checkpoint.js';

export interface RunOptions {
  outDir: string;
  force?: boolean;
  /** Called after every step (progress bars). */
  onStep?: (t: number, steps: number, totalSteps: number) => void;
  /**
   * The run directory's lock, already held by the caller (e.g. a sweep engine running in-process):
   * then the run neither takes nor releases it. Without it the run takes `nlbgk.lock` itself before
   * touching any file (a live lock throws RunLockedError) and releases it at the end.
   */
  lock?: RunLock;
}

export interface RunResult {
  outDir: string;
  steps: number;
  wallSeconds: number;
  status: 'completed';
}

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
}

/** The git commit of the nlbgk checkout (`-dirty` when tracked files are modified), or null outside git. */
export function gitCommit(): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: packageRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const head = git('rev-parse', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${head}-dirty` : head;
  } catch {
    return null;
  }
}

/** A new run in `options.outDir`. */
export async function runConfig(config: Config, options: RunOptions): Promise<RunResult> {
  return runProblem(buildProblem(config), options); // buildProblem throws ConfigError before anything is written
}

/**
 * Everything `run` checks before it writes anything — the initial data and the rate evaluated on
 * the grid, the number of steps against time.max_steps — without taking a step (`nlbgk validate`).
 */
export function prepareRun(config: Config): { problem: Problem; simulation: Simulation } {
  const problem = buildProblem(config);
  return { problem, simulation: makeSimulation(config, problem) };
}

/** A new run of an already-built problem (library users may wrap or replace its stepper). */
export async function runProblem(problem: Problem, options: RunOptions): Promise<RunResult> {
  const { config } = problem;
  const simulation = makeSimulation(config, problem);
  if (config.output.fields) await initHdf5();
  const held = holdNewRunDirectory(options.outDir, { force: options.force ?? false, lock: options.lock });
  try {
    const series = new SeriesWriter(path.join(options.outDir, 'series.csv'), problem.columns);
    return await drive(problem, simulation, series, [], new Date(), options, true);
  } finally {
    releaseDirectory(held);
  }
}

/** Continue the run in `dir` from its checkpoint.bin. */
export async function resumeRun(dir: string, options: Omit<RunOptions, 'outDir' | 'force'> = {}): Promise<RunResult> {
  const held = holdExistingRunDirectory(dir, { lock: options.lock });
  try {
    return await resumeHeld(dir, options);
  } finally {
    releaseDirectory(held);
  }
}

async function resumeHeld(dir: string, options: Omit<RunOptions, 'outDir' | 'force'>): Promise<RunResult> {
  const runFile = path.join(dir, 'run.json');
  const cpFile = path.join(dir, 'checkpoint.bin');
  if (!fs.existsSync(runFile)) throw new OutputDirError(`${dir}: no run.json (is this an nlbgk run directory?)`);
  const previous = JSON.parse(fs.readFileSync(runFile, 'utf8'));
  if (previous.status === 'completed') throw new OutputDirError(`${dir}: the run is already completed`);
  if (!fs.existsSync(cpFile)) throw new OutputDirError(`${dir}: no checkpoint.bin to resume from (set checkpoint.every_steps or every_seconds in the config)`);
  const config = validateConfig(previous.config);
  const problem = buildProblem(config);
  const simulation = makeSimulation(config, problem);
  const { meta, state } = readCheckpoint(cpFile);
  problem.stepper.restoreState(state);
  simulation.clock.state = { ...meta.clock };
  simulation.wallSeconds = meta.wallSeconds;
  if (config.output.fields) await initHdf5();
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { snapshots: Record<string, unknown>[] };
  const snapshots: FieldSnapshot[] = summary.snapshots.slice(0, meta.snapshots).map((s) => ({
    t: s.t as number,
    fields: Object.fromEntries(Object.entries(s).filter(([k]) => k !== 't' && k !== 'cells').map(([k, v]) => [k, Float64Array.from(v as number[])])),
  }));
  if (config.output.store_h) {
    // h is only in fields.h5 (not in summary.json): take the earlier snapshots' h from there.
    const h5 = await readFieldsHdf5(path.join(dir, 'fields.h5'));
    const per = problem.grid.cells * (problem.hdf5?.trailing.h ?? 1);
    snapshots.forEach((s, k) => (s.fields.h = h5.data.h.slice(k * per, (k + 1) * per)));
  }
  const series = new SeriesWriter(path.join(dir, 'series.csv'), problem.columns, meta.seriesBytes);
  return drive(problem, simulation, series, snapshots, new Date(previous.started), { ...options, outDir: dir }, false);
}

function makeSimulation(config: Config, problem: Problem): Simulation {
  const dt = config.time.dt ?? problem.stepper.suggestedDt();
  const snapshotTimes = config.output.times ?? [config.time.end];
  const steps = new Clock(config.time.end, snapshotTimes, dt).totalSteps;
  if (steps > config.time.max_steps) {
    throw new ConfigError([
      {
        path: config.time.dt === undefined ? 'time.end' : 'time.dt',
        message: `the run needs ${steps} steps (dt = ${dt}${config.time.dt === undefined ? ', the scheme\'s default' : ''}), more than time.max_steps = ${config.time.max_steps}; shorten time.end, enlarge time.dt or raise time.max_steps`,
      },
    ]);
  }
  return new Simulation(problem, {
    end: config.time.end,
    dt,
    snapshotTimes,
    seriesEvery: config.output.series_every,
    maxSteps: config.time.max_steps,
    boundsTolerance: config.model.equation === 'particles' ? null : 1e-9,
  });
}

async function drive(
  problem: Problem,
  simulation: Simulation,
  series: SeriesWriter,
  snapshots: FieldSnapshot[],
  started: Date,
  options: RunOptions,
  fresh: boolean,
): Promise<RunResult> {
  const { config } = problem;
  const dir = options.outDir;
  const meta = {
    nlbgk: packageVersion(),
    commit: gitCommit(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    scheme: problem.stepper.scheme,
    rate: problem.rate.description,
    dt: simulation.options.dt,
    total_steps: simulation.clock.totalSteps,
    seed: config.particles?.seed ?? null,
    config,
  };
  let resumes = 0;
  if (!fresh) {
    const prev = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    resumes = (prev.resumes ?? 0) + 1;
  }
  const writeRunJson = (extra: Record<string, unknown>) =>
    writeFileAtomic(path.join(dir, 'run.json'), JSON.stringify({ ...meta, started: started.toISOString(), resumes, ...extra }, null, 2) + '\n');
  writeRunJson({ status: 'running' });

  const attributes = { config: JSON.stringify(config), nlbgk: meta.nlbgk, equation: config.model.equation };
  const hdf5 = { attributes, ...problem.hdf5 };
  const cp = config.checkpoint;
  let lastCheckpoint = performance.now();
  const checkpoint = () => {
    series.sync();
    writeCheckpoint(path.join(dir, 'checkpoint.bin'), { clock: { ...simulation.clock.state }, seriesBytes: series.bytes, snapshots: snapshots.length, wallSeconds: simulation.wallSeconds }, problem.stepper.saveState());
    lastCheckpoint = performance.now();
  };
  Object.assign(simulation.callbacks, {
    onSeries: (t: number, values: number[]) => series.write(t, values),
    onSnapshot: (t: number, fields: Record<string, Float64Array>) => {
      const copy: Record<string, Float64Array> = {};
      for (const [k, v] of Object.entries(fields)) copy[k] = Float64Array.from(v);
      snapshots.push({ t, fields: copy });
      series.sync();
      writeSummary(dir, problem, snapshots);
      if (config.output.fields) writeFieldsHdf5(path.join(dir, 'fields.h5'), problem.grid, snapshots, hdf5);
    },
    onStep: (t: number, steps: number) => {
      options.onStep?.(t, steps, simulation.clock.totalSteps);
      const due = (cp.every_steps !== undefined && steps % cp.every_steps === 0) || (cp.every_seconds !== undefined && performance.now() - lastCheckpoint >= cp.every_seconds * 1000);
      if (due && !simulation.clock.done) checkpoint();
    },
  });
  try {
    if (fresh) simulation.start();
    simulation.run();
  } catch (err) {
    series.close();
    writeRunJson({ status: 'failed', error: (err as Error).message, ended: new Date().toISOString(), wall_s: simulation.wallSeconds, steps: simulation.clock.state.steps });
    throw err;
  }
  series.close();
  const steps = simulation.clock.state.steps;
  writeRunJson({ status: 'completed', ended: new Date().toISOString(), wall_s: simulation.wallSeconds, steps });
  fs.rmSync(path.join(dir, 'checkpoint.bin'), { force: true });
  return { outDir: dir, steps, wallSeconds: simulation.wallSeconds, status: 'completed' };
}

/** summary.json: {"snapshots":[{"t", "cells", "rho", ...other fields}]}, numbers as full-precision JSON. */
function writeSummary(dir: string, problem: Problem, snapshots: readonly FieldSnapshot[]): void {
  const cells = [...problem.grid.n];
  const body = {
    snapshots: snapshots.map((s) => {
      const entry: Record<string, unknown> = { t: s.t, cells };
      for (const [k, v] of Object.entries(s.fields)) if (k !== 'h') entry[k] = Array.from(v);
      return entry;
    }),
  };
  writeFileAtomic(path.join(dir, 'summary.json'), JSON.stringify(body) + '\n');
}

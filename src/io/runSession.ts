/**
 * One run's life in its (held) run directory: run.json and its status, series.csv, the snapshots
 * (snapshots.ts), checkpoints (when due, checksummed, with what they were taken with), the lock's
 * heartbeat, and the three endings — completed, failed (run.json says why, the last good
 * checkpoint and outputs are kept), interrupted (a checkpoint is written, run.json says so).
 * Resume (`readResumePoint`) verifies every input against the checkpoint before it continues.
 * The Simulation and the Problem are used through their public surface only: the time loop's state
 * (Simulation.saveState: clock, step controller) is opaque JSON, the stepper state typed arrays and
 * numbers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Problem } from '../simulation/problem.js';
import type { Simulation } from '../simulation/simulation.js';
import type { Config } from '../config/schema.js';
import { OutputDirError, PrefixMismatch, SeriesWriter, verifyPrefix, writeFileAtomic } from './files.js';
import { canonicalHash, CheckpointError, readCheckpoint, writeCheckpoint, type CheckpointMeta } from './checkpoint.js';
import { JOURNAL_FILE, JournalError, SnapshotStore } from './snapshots.js';
import type { HeldDirectory } from './runDirectory.js';

export const CHECKPOINT_FILE = 'checkpoint.bin';

/** A resume that was refused: the message says what does not agree. */
export class ResumeRefused extends OutputDirError {
  constructor(dir: string, why: string) {
    super(`cannot resume ${dir}: ${why}`);
    this.name = 'ResumeRefused';
  }
}

export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export interface SessionStart {
  /** run.json's fields that do not change during the run (config, versions, scheme, ...). */
  meta: Record<string, unknown> & { config: Config };
  started: Date;
  resumes: number;
  /** series.csv's columns after t. */
  columns: readonly string[];
  /** run.json's fields that change (e.g. the time stepping's statistics), read at every write. */
  live?: () => Record<string, unknown>;
}

/** What resume found in the directory, verified. */
export interface ResumePoint {
  previous: Record<string, unknown> & { config: unknown; started: string; resumes?: number };
  checkpoint: { meta: CheckpointMeta; state: ReturnType<typeof readCheckpoint>['state'] };
}

export class RunSession {
  readonly dir: string;
  readonly series: SeriesWriter;
  readonly store: SnapshotStore;
  private readonly configHash: string;
  private lastCheckpoint = performance.now();
  private checkpointCost = 0;
  /** Steps at the last checkpoint (no second checkpoint of the same state). */
  private checkpointedSteps = -1;

  private constructor(
    readonly held: HeldDirectory,
    readonly problem: Problem,
    readonly simulation: Simulation,
    readonly start: SessionStart,
    resume?: ResumePoint,
  ) {
    this.dir = held.dir;
    const config = start.meta.config;
    this.configHash = canonicalHash(JSON.parse(JSON.stringify(config)));
    const hdf5 = { attributes: { config: JSON.stringify(config), nlbgk: String(start.meta.nlbgk), equation: config.model.equation }, ...problem.hdf5 };
    const layout = { grid: problem.grid, fields: config.output.fields, hdf5 };
    const cp = resume?.checkpoint.meta;
    try {
      this.series = new SeriesWriter(path.join(this.dir, 'series.csv'), start.columns, cp?.series);
      this.store = new SnapshotStore(this.dir, layout, cp?.journal);
    } catch (err) {
      if (err instanceof PrefixMismatch || err instanceof JournalError) throw new ResumeRefused(this.dir, err.message);
      throw err;
    }
    if (cp) this.checkpointedSteps = cp.steps;
  }

  /** A new run in a directory made ready by holdNewRunDirectory. */
  static create(held: HeldDirectory, problem: Problem, simulation: Simulation, start: SessionStart): RunSession {
    const s = new RunSession(held, problem, simulation, start);
    s.writeRunJson('running');
    return s;
  }

  /**
   * Read and verify what a resume needs, before anything is changed: run.json readable and not
   * completed, checkpoint.bin intact (checksum) and taken with run.json's config.
   */
  static readResumePoint(dir: string): ResumePoint {
    let previous: ResumePoint['previous'];
    try {
      previous = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ResumeRefused(dir, code === 'ENOENT' ? 'no run.json (is this an nlbgk run directory?)' : `run.json is unreadable (${code ?? (err as Error).message})`);
    }
    if (!previous || typeof previous !== 'object' || typeof previous.config !== 'object' || typeof previous.started !== 'string') {
      throw new ResumeRefused(dir, 'run.json lacks the config or the start time (edited?)');
    }
    if (previous.status === 'completed') throw new ResumeRefused(dir, 'the run is already completed');
    if (!fs.existsSync(path.join(dir, CHECKPOINT_FILE))) {
      throw new ResumeRefused(dir, `no ${CHECKPOINT_FILE} (the run stopped before its first checkpoint, or checkpoint.enabled is false); run it again with --force`);
    }
    let checkpoint: ResumePoint['checkpoint'];
    try {
      checkpoint = readCheckpoint(path.join(dir, CHECKPOINT_FILE));
    } catch (err) {
      if (err instanceof CheckpointError) throw new ResumeRefused(dir, err.message);
      throw err;
    }
    if (canonicalHash(previous.config) !== checkpoint.meta.configHash) {
      throw new ResumeRefused(dir, "run.json's config is not the one the checkpoint was taken with (was run.json edited?)");
    }
    if (!fs.existsSync(path.join(dir, JOURNAL_FILE))) throw new ResumeRefused(dir, `${JOURNAL_FILE} is missing`);
    // Both appended files are checked before either is truncated, so a refusal changes nothing.
    try {
      verifyPrefix(path.join(dir, 'series.csv'), checkpoint.meta.series);
      verifyPrefix(path.join(dir, JOURNAL_FILE), checkpoint.meta.journal);
    } catch (err) {
      if (err instanceof PrefixMismatch) throw new ResumeRefused(dir, err.message);
      throw err;
    }
    return { previous, checkpoint };
  }

  /** Continue from a verified resume point: series.csv and the journal are checked against it. */
  static resume(held: HeldDirectory, problem: Problem, simulation: Simulation, start: SessionStart, point: ResumePoint): RunSession {
    const s = new RunSession(held, problem, simulation, start, point);
    s.writeRunJson('running');
    return s;
  }

  writeRunJson(status: RunStatus, extra: Record<string, unknown> = {}): void {
    const { meta, started, resumes, live } = this.start;
    writeFileAtomic(path.join(this.dir, 'run.json'), JSON.stringify({ ...meta, started: started.toISOString(), resumes, ...extra, ...live?.(), status }, null, 2) + '\n');
  }

  /** The Simulation's callbacks that write the run directory. */
  callbacks(onStep?: (t: number, steps: number, dt: number) => void) {
    const cp = this.start.meta.config.checkpoint;
    return {
      onSeries: (t: number, values: number[]) => this.series.write(t, values),
      onSnapshot: (t: number, fields: Record<string, Float64Array>) => {
        this.store.add(t, fields);
        if (cp.enabled && cp.at_snapshots && !this.simulation.clock.done && performance.now() - this.lastCheckpoint >= 20 * this.checkpointCost * 1000) this.checkpoint();
      },
      onStep: (t: number, steps: number, dt: number) => {
        onStep?.(t, steps, dt);
        this.held.lock.refresh();
        if (!cp.enabled || this.simulation.clock.done) return;
        const due = (cp.every_steps !== undefined && steps % cp.every_steps === 0) || performance.now() - this.lastCheckpoint >= cp.every_seconds * 1000;
        if (due) this.checkpoint();
      },
    };
  }

  /** Write checkpoint.bin for the current state (series.csv and the journal made durable first). */
  checkpoint(): void {
    const steps = this.simulation.clock.steps;
    if (steps === this.checkpointedSteps) return;
    const t0 = performance.now();
    this.series.sync();
    const journal = this.store.sync();
    const meta: CheckpointMeta = {
      clock: this.simulation.saveState(),
      configHash: this.configHash,
      series: { bytes: this.series.bytes, sha256: this.series.digest() },
      journal,
      wallSeconds: this.simulation.wallSeconds,
      steps,
      t: this.simulation.clock.t,
    };
    // written at once: the stepper's own arrays where it offers them (no copy of the state)
    const stepper = this.problem.stepper;
    writeCheckpoint(path.join(this.dir, CHECKPOINT_FILE), meta, stepper.checkpointState?.() ?? stepper.saveState());
    this.checkpointedSteps = steps;
    this.lastCheckpoint = performance.now();
    this.checkpointCost = (this.lastCheckpoint - t0) / 1000;
  }

  private endFields(): Record<string, unknown> {
    return { ended: new Date().toISOString(), wall_s: this.simulation.wallSeconds, steps: this.simulation.clock.steps };
  }

  complete(extra: Record<string, unknown> = {}): void {
    this.store.publish();
    this.series.close();
    this.store.close();
    this.writeRunJson('completed', { ...this.endFields(), ...extra });
    fs.rmSync(path.join(this.dir, CHECKPOINT_FILE), { force: true });
    this.store.remove();
  }

  /** The run stopped on a signal between steps: publish, checkpoint, say so in run.json. */
  interrupt(signal: string, extra: Record<string, unknown> = {}): void {
    this.store.publish();
    if (this.start.meta.config.checkpoint.enabled) this.checkpoint();
    this.series.close();
    this.store.close();
    this.writeRunJson('interrupted', { signal, ...this.endFields(), ...extra });
  }

  /**
   * The run failed (numerical failure, a write that could not be completed): keep what was written,
   * say why in run.json. Best effort — on a full disk even that may not be possible.
   */
  fail(err: unknown, extra: Record<string, unknown> = {}): void {
    for (const step of [() => this.store.publish(), () => this.series.close(), () => this.store.close()]) {
      try {
        step();
      } catch {
        // keep going: the failure being reported matters more
      }
    }
    try {
      this.writeRunJson('failed', { error: (err as Error).message, ...this.endFields(), ...extra });
    } catch {
      // run.json keeps its previous complete version
    }
  }
}

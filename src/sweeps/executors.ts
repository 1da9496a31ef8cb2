/**
 * How a point's run is executed once `runPoint` has decided what to do:
 *
 *  - spawnExecutor: a child process `nlbgk run CONFIG --out RUNDIR` or `nlbgk resume RUNDIR`, its
 *    exit status read by the contract of the CLI (0 completed, 1 numerical failure, 2 bad input,
 *    75 run directory locked by a live process, 130/143 interrupted by a signal). The caller's
 *    event loop stays free (BullMQ renews its job locks meanwhile).
 *  - inProcessExecutor: the same through the library (runConfig / resumeRun) in this process, for
 *    the studies and the local pool; exceptions map to the same statuses.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, validateConfig } from '../config/validate.js';
import { OutputDirError } from '../io/files.js';
import { EXIT_LOCKED, RunLockedError } from '../io/lock.js';
import { resumeRun, runProblem } from '../run.js';
import { buildProblem } from '../simulation/build.js';
import type { Problem } from '../simulation/problem.js';
import { NumericalFailure } from '../solvers/stepper.js';

export interface ExecTask {
  action: 'run' | 'resume';
  configFile: string;
  runDir: string;
  /** `run` into a directory holding a previous attempt's files (`--force`: nlbgk's own files only). */
  force: boolean;
}

export interface ExecResult {
  exit: number | null;
  signal: NodeJS.Signals | null;
  /** The first line of the error, when there was one. */
  message?: string;
  /** In-process only: the problem that ran (the studies read solver counters from it). */
  problem?: Problem;
  /** In-process only: the exception, for callers that rethrow it. */
  error?: unknown;
}

export interface ExecHooks {
  /** Abort (SIGTERM to the child; in-process runs cannot be aborted mid-run). */
  signal?: AbortSignal;
  /** Called now and then while the run goes (claim heartbeats). */
  tick?: () => void;
}

export interface Executor {
  readonly name: 'spawn' | 'in-process';
  exec(task: ExecTask, hooks?: ExecHooks): Promise<ExecResult>;
}

/** The nlbgk CLI of this installation (dist/src/cli/main.js). */
export const CLI_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

const firstErrorLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('nlbgk:'))
    .pop() ?? text.trim().split('\n').pop() ?? '';

export function spawnExecutor(options: { node?: string; cli?: string; env?: NodeJS.ProcessEnv } = {}): Executor {
  const node = options.node ?? process.execPath;
  const cli = options.cli ?? CLI_MAIN;
  const env = options.env;
  return {
    name: 'spawn',
    exec(task, hooks = {}) {
      const args = task.action === 'resume' ? [cli, 'resume', task.runDir, '--quiet'] : [cli, 'run', task.configFile, '--out', task.runDir, '--quiet', ...(task.force ? ['--force'] : [])];
      return new Promise((resolve) => {
        const child = spawn(node, args, { stdio: ['ignore', 'ignore', 'pipe'], ...(env ? { env } : {}) });
        let err = '';
        child.stderr.on('data', (d: Buffer) => {
          err = (err + d.toString('utf8')).slice(-8192);
        });
        const onAbort = () => child.kill('SIGTERM');
        hooks.signal?.addEventListener('abort', onAbort, { once: true });
        const timer = hooks.tick ? setInterval(hooks.tick, 10_000) : null;
        child.on('error', (e) => {
          if (timer) clearInterval(timer);
          resolve({ exit: null, signal: null, message: `cannot start ${node}: ${e.message}` });
        });
        child.on('close', (code, signal) => {
          if (timer) clearInterval(timer);
          hooks.signal?.removeEventListener('abort', onAbort);
          resolve({ exit: code, signal, message: code === 0 ? undefined : firstErrorLine(err) || (signal ? `killed by ${signal}` : `exit status ${code}`) });
        });
      });
    },
  };
}

export function inProcessExecutor(): Executor {
  return {
    name: 'in-process',
    async exec(task, hooks = {}) {
      let problem: Problem | undefined;
      const onStep = hooks.tick ? () => hooks.tick!() : undefined;
      try {
        if (task.action === 'resume') {
          await resumeRun(task.runDir, { onStep });
        } else {
          const config = validateConfig(JSON.parse(fs.readFileSync(task.configFile, 'utf8')));
          problem = buildProblem(config);
          await runProblem(problem, { outDir: task.runDir, force: task.force, onStep });
        }
        return { exit: 0, signal: null, problem };
      } catch (error) {
        const message = `nlbgk: ${(error as Error).message.split('\n')[0]}`;
        if (error instanceof NumericalFailure) return { exit: 1, signal: null, message, problem, error };
        if (error instanceof ConfigError || error instanceof OutputDirError) return { exit: 2, signal: null, message, problem, error };
        if (error instanceof RunLockedError) return { exit: EXIT_LOCKED, signal: null, message, problem, error };
        return { exit: 1, signal: null, message: `nlbgk: internal error: ${(error as Error).message}`, problem, error };
      }
    },
  };
}

#!/usr/bin/env node
/**
 * The `nlbgk` command line: a thin layer over the library (src/index.ts).
 * Exit status: 0 success, 1 numerical failure or internal error, 2 invalid input (config,
 * arguments, output directory) — in which case nothing is written —, 75 run directory busy (locked
 * by a live nlbgk process; try again later).
 */
import * as fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { MAX_THREADS } from '../config/limits.js';
// run.ts (and through it every equation's solver) is imported by the commands that run something,
// so that --help, --version and the other commands do not load the solvers.
import type { RunResult } from '../run.js';
import { packageVersion } from '../version.js';
import { OutputDirError, RunIoError, writeFileAtomic } from '../io/files.js';
import { progressDisplay } from './progress.js';
import { NumericalFailure } from '../solvers/stepper.js';
import { readRun, RunReadError } from '../io/readRun.js';
import { compareRuns, CompareError } from '../diagnostics/compare.js';
import { EXIT_LOCKED, RunLockedError } from '../io/lock.js';
// Command modules (src/cli/commands/NAME.ts export `register(program, io)`): one import line each.
// @command-imports
import { register as registerPlot } from './commands/plot.js';
import { register as registerSpectrum } from './commands/spectrum.js';
import { register as registerStudy } from './commands/study.js';
import { register as registerSweep } from './commands/sweep.js';
import { register as registerWorker } from './commands/worker.js';

import { CheckFailure, processIo, UsageError, type Io } from './io.js';

/** Configs larger than this are refused (a config is a few hundred bytes; this stops /dev/zero-like inputs). */
export const MAX_CONFIG_BYTES = 1 << 20;

/** Read and validate a config (the YAML parser and the schema load here, not for --help or other commands). */
async function loadConfig(file: string) {
  let text: string;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO without a writer must not hang; fstat then refuses it.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    throw new UsageError(`cannot read config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new UsageError(`config ${file}: is a directory, not a file`);
    if (!st.isFile()) throw new UsageError(`config ${file}: not a regular file (a device, FIFO or socket); give a YAML or JSON file`);
    if (st.size > MAX_CONFIG_BYTES) throw new UsageError(`config ${file}: ${(st.size / 2 ** 20).toFixed(1)} MiB, more than the ${MAX_CONFIG_BYTES / 2 ** 20} MiB a config may have`);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = fs.readSync(fd, buf, off, buf.length - off, off);
      if (n <= 0) break;
      off += n;
    }
    text = buf.subarray(0, off).toString('utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    fs.closeSync(fd);
  }
  const { parseConfigText, validateConfig } = await import('../config/validate.js');
  return validateConfig(parseConfigText(text));
}

/** `--threads`: auto or an integer in [1, MAX_THREADS] (compute.threads' rule). */
function parseThreads(text: string): 'auto' | number {
  if (text === 'auto') return 'auto';
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw new UsageError(`--threads ${text}: expected auto or an integer in [1, ${MAX_THREADS}]`);
  return n;
}

/** Exit status of a run stopped by a signal: 128 + its number (SIGINT 130, SIGTERM 143). */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Run `body` with SIGINT and SIGTERM turned into an abort of its signal: the run stops between two
 * steps, writes a checkpoint and says "interrupted" in run.json. A second signal while stopping
 * only says so (the process is already on its way out).
 */
async function withSignals(io: Io, body: (signal: AbortSignal) => Promise<RunResult>): Promise<RunResult> {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) io.err(`nlbgk: ${sig} again: already stopping (finishing the step and writing a checkpoint)\n`);
    else controller.abort(sig);
  };
  for (const sig of Object.keys(SIGNAL_EXIT)) process.on(sig, handler);
  try {
    return await body(controller.signal);
  } finally {
    for (const sig of Object.keys(SIGNAL_EXIT)) process.off(sig, handler);
  }
}

/** Raised to end the command with an interrupted run's exit status (130/143). */
class Interrupted extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function interrupted(result: RunResult, dir: string, checkpoints: boolean): Interrupted {
  const reason = result.reason ?? 'SIGINT';
  const how = checkpoints ? `checkpoint written; continue with: nlbgk resume ${dir}` : 'checkpoint.enabled is false, so this run cannot be resumed';
  return new Interrupted(`interrupted by ${reason} at step ${result.steps} (t = ${result.t}); ${how}`, SIGNAL_EXIT[reason] ?? 130);
}

export function buildProgram(io: Io = processIo): Command {
  const program = new Command();
  program
    .name('nlbgk')
    .description(
      'Numerical laboratory for nonlinear BGK kinetic equations with density-dependent collision rates\n' +
        '  d_t h + (1/eps) v.grad_x h = (1/eps^2) lambda(rho) (rho - h),  lambda(rho) = rho^alpha,\n' +
        'and their diffusive limits d_t rho = div(rho^-alpha grad rho) on the torus T^d, d = 1, 2\n' +
        '(the limit equation also on boxes with walls, Dirichlet and far-field sides, radial meshes of R^d, with vacuum).\n' +
        'Configs are YAML or JSON; every key is documented in docs/config.md.\n' +
        'Exit status: 0 success; 1 numerical failure (the message names step, time and place) or a failed ' +
        'write (disk full; previous files kept); 2 invalid input (config, arguments, paths, damaged run ' +
        'directories; nothing written); 75 run directory busy (locked by a live nlbgk process); ' +
        '130/143 interrupted by Ctrl-C/SIGTERM (checkpoint written: continue with nlbgk resume DIR).',
    )
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();

  program
    .command('run')
    .description('Run CONFIG and write run.json, series.csv, summary.json and fields.h5 to DIR')
    .argument('<config>', 'YAML or JSON config file')
    .requiredOption('-o, --out <dir>', 'output directory, must be empty or new unless --force (required)')
    .option('-f, --force', 'replace the nlbgk files of a previous run in DIR', false)
    .option('-q, --quiet', 'no progress (a bar on a terminal, else a line every 10 s) and no summary line', false)
    .option('-t, --threads <n>', `solver threads: auto or a count in [1, ${MAX_THREADS}] (overrides compute.threads; results are the same for every count)`)
    .action(async (file: string, opts: { out: string; force: boolean; quiet: boolean; threads?: string }) => {
      const threads = opts.threads === undefined ? undefined : parseThreads(opts.threads);
      const config = await loadConfig(file);
      if (threads !== undefined) config.compute = { ...config.compute, threads };
      const { runConfig } = await import('../run.js');
      const progress = progressDisplay(opts.quiet);
      let result: RunResult;
      try {
        result = await withSignals(io, (signal) => runConfig(config, { outDir: opts.out, force: opts.force, onStep: progress.onStep, signal }));
      } finally {
        progress.stop();
      }
      if (result.status === 'interrupted') throw interrupted(result, opts.out, config.checkpoint.enabled);
      if (!opts.quiet) {
        io.out(`nlbgk: ${result.steps} steps in ${result.wallSeconds.toFixed(2)} s; results in ${opts.out}/ (run.json, series.csv, summary.json${config.output.fields ? ', fields.h5' : ''})\n`);
        const st = result.stepping;
        if (st.mode === 'fixed' && st.error_sum !== undefined && st.error_sum > 1) {
          io.err(`nlbgk: note: with the fixed time.dt = ${st.dt} the accumulated local time-error estimate is ${st.error_sum.toPrecision(3)} times the tolerance (rtol = ${st.rtol}); leave time.dt out for error-controlled steps (series.csv column err: per step, 1 = at tolerance)\n`);
        }
      }
    });

  program
    .command('resume')
    .description('Continue an interrupted run in DIR from its checkpoint.bin (the outputs end up identical to an uninterrupted run)')
    .argument('<dir>', 'run directory with run.json and checkpoint.bin')
    .option('-q, --quiet', 'no progress (a bar on a terminal, else a line every 10 s) and no summary line', false)
    .action(async (dir: string, opts: { quiet: boolean }) => {
      const { resumeRun } = await import('../run.js');
      const progress = progressDisplay(opts.quiet);
      let result: RunResult;
      try {
        result = await withSignals(io, (signal) => resumeRun(dir, { onStep: progress.onStep, signal }));
      } finally {
        progress.stop();
      }
      if (result.status === 'interrupted') throw interrupted(result, dir, true);
      if (!opts.quiet) io.out(`nlbgk: resumed and completed at step ${result.steps}; results in ${dir}/\n`);
    });

  program
    .command('validate')
    .description('Check CONFIG as `run` would (schema, initial data and rate evaluated on the grid, step count) without running it, and print the resolved config (every default filled in) as JSON')
    .argument('<config>', 'YAML or JSON config file')
    .action(async (file: string) => {
      const config = await loadConfig(file);
      const { prepareRun } = await import('../run.js');
      prepareRun(config);
      io.out(JSON.stringify(config, null, 2) + '\n');
    });

  program
    .command('compare')
    .description(
      'Distances between two runs at their common snapshot times: ||rho_A - rho_B|| in L2 (a finer grid is averaged onto a coarser one) and, for a kinetic run against a diffusion run, Theorem 2.3\'s ||f_eps - rho~ M|| in L2(M^-1)',
    )
    .argument('<runA>', 'run directory')
    .argument('<runB>', 'run directory')
    .option('--json <file>', 'also write the comparison as JSON to FILE (refused if FILE exists, unless --force)')
    .option('-f, --force', 'overwrite the JSON file', false)
    .action((a: string, b: string, opts: { json?: string; force: boolean }) => {
      const cmp = compareRuns(readRun(a), readRun(b));
      const hasK = cmp.rows.some((r) => r.kinetic_to_limit !== undefined);
      const head = ['t', '||rho_A-rho_B||_L2', 'max|rho_A-rho_B|', ...(hasK ? ['||f_eps-rho~M||'] : [])];
      const lines = [head.join('\t')];
      for (const r of cmp.rows) lines.push([r.t, r.rho_l2, r.rho_max_abs, ...(hasK ? [r.kinetic_to_limit] : [])].map(String).join('\t'));
      lines.push(`sup\t${cmp.sup.rho_l2}\t\t${cmp.sup.kinetic_to_limit ?? ''}`.trimEnd());
      for (const n of cmp.notes) lines.push(`note: ${n}`);
      io.out(lines.join('\n') + '\n');
      if (opts.json) {
        if (fs.existsSync(opts.json) && !opts.force) throw new UsageError(`--json ${opts.json}: the file exists; pass --force to overwrite it`);
        try {
          writeFileAtomic(opts.json, JSON.stringify(cmp, null, 2) + '\n');
        } catch (err) {
          throw new UsageError(`--json ${opts.json}: cannot write (${(err as RunIoError).code ?? (err as Error).message})`);
        }
      }
    });

  // One line per command module:
  // @command-registrations
  registerPlot(program, io);
  registerSpectrum(program, io);
  registerStudy(program, io);
  registerSweep(program, io);
  registerWorker(program, io);

  return program;
}


/** Run the CLI on `argv` (as process.argv: node, script, args…); resolves to the exit status. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  program.configureOutput({ writeOut: io.out, writeErr: io.err });
  for (const c of program.commands) c.configureOutput({ writeOut: io.out, writeErr: io.err });
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      return 2;
    }
    if (err instanceof RunLockedError) {
      io.err(`nlbgk: run directory busy: ${err.message}\n`);
      return EXIT_LOCKED;
    }
    if (err instanceof UsageError || err instanceof OutputDirError || err instanceof RunReadError || err instanceof CompareError) {
      io.err(`nlbgk: ${err.message}\n`);
      return 2;
    }
    if (err instanceof Interrupted) {
      io.err(`nlbgk: ${err.message}\n`);
      return err.status;
    }
    if (err instanceof RunIoError) {
      io.err(`nlbgk: write failed: ${err.message}; the files written before are kept (run.json says "failed" where it could be written)\n`);
      return 1;
    }
    if (err instanceof CheckFailure) {
      io.err(`nlbgk: ${err.message}\n`);
      return 1;
    }
    if (err instanceof NumericalFailure) {
      io.err(`nlbgk: numerical failure: ${err.message}; outputs written so far are kept\n`);
      return 1;
    }
    // (config/validate.ts is loaded only by the commands that read a config: a ConfigError implies it is)
    const { ConfigError } = await import('../config/validate.js');
    if (err instanceof ConfigError) {
      io.err(err.issues.map((i) => `nlbgk: invalid config: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n') + '\n');
      return 2;
    }
    // A bug: one line (set NLBGK_DEBUG=1 for the stack).
    const e = err as Error;
    io.err(`nlbgk: internal error: ${e?.message ?? String(err)} (please report it; NLBGK_DEBUG=1 shows where)\n`);
    if (process.env.NLBGK_DEBUG) io.err(`${e?.stack}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(new URL(import.meta.url).pathname);
if (invokedDirectly) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}

#!/usr/bin/env node
/**
 * The `nlbgk` command line: a thin layer over the library (src/index.ts).
 * Exit status: 0 success, 1 numerical failure or internal error, 2 invalid input (config,
 * arguments, output directory) — in which case nothing is written.
 */
import * as fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import cliProgress from 'cli-progress';
import { parseConfigText, validateConfig, ConfigError } from '../config/validate.js';
import { prepareRun, runConfig, resumeRun, packageVersion } from '../run.js';
import { OutputDirError } from '../io/files.js';
import { NumericalFailure } from '../solvers/stepper.js';
import { readRun, RunReadError } from '../io/readRun.js';
import { compareRuns, CompareError } from '../diagnostics/compare.js';
// Command modules (src/cli/commands/NAME.ts export `register(program, io)`): one import line each.
// @command-imports
import { register as registerSpectrum } from './commands/spectrum.js';
import { register as registerStudy } from './commands/study.js';
import { register as registerSweep } from './commands/sweep.js';
import { register as registerWorker } from './commands/worker.js';

import { CheckFailure, processIo, UsageError, type Io } from './io.js';

function loadConfig(file: string) {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return validateConfig(parseConfigText(text));
}

function progressBar(enabled: boolean) {
  if (!enabled) return { onStep: undefined, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: 'nlbgk |{bar}| {percentage}% | t = {time} | step {steps} | dt = {dt} | eta {eta_formatted}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const TOTAL = 1000; // the bar measures time: error-controlled runs do not know their step count in advance
  let started = false;
  let last = 0;
  return {
    onStep(t: number, steps: number, end: number, dt: number) {
      if (!started) {
        bar.start(TOTAL, 0, { time: '0', steps: 0, dt: '-' });
        started = true;
      }
      const now = performance.now();
      if (now - last > 100 || t >= end) {
        bar.update(Math.min(TOTAL, Math.round((TOTAL * t) / end)), { time: t.toPrecision(6), steps, dt: dt.toPrecision(3) });
        last = now;
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export function buildProgram(io: Io = processIo): Command {
  const program = new Command();
  program
    .name('nlbgk')
    .description(
      'Numerical laboratory for nonlinear BGK kinetic equations with density-dependent collision rates\n' +
        '  d_t h + (1/eps) v.grad_x h = (1/eps^2) lambda(rho) (rho - h),  lambda(rho) = rho^alpha,\n' +
        'and their diffusive limits d_t rho = div(rho^-alpha grad rho) on the torus T^d, d = 1, 2.\n' +
        'Configs are YAML or JSON; every key is documented in docs/config.md.',
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
    .option('-q, --quiet', 'no progress bar and no summary line', false)
    .action(async (file: string, opts: { out: string; force: boolean; quiet: boolean }) => {
      const config = loadConfig(file);
      const progress = progressBar(!opts.quiet && process.stderr.isTTY === true);
      try {
        const result = await runConfig(config, { outDir: opts.out, force: opts.force, onStep: progress.onStep });
        progress.stop();
        if (!opts.quiet) {
          io.out(`nlbgk: ${result.steps} steps in ${result.wallSeconds.toFixed(2)} s; results in ${opts.out}/ (run.json, series.csv, summary.json${config.output.fields ? ', fields.h5' : ''})\n`);
          const st = result.stepping;
          if (st.mode === 'fixed' && st.error_sum !== undefined && st.error_sum > 1) {
            io.err(`nlbgk: note: with the fixed time.dt = ${st.dt} the accumulated local time-error estimate is ${st.error_sum.toPrecision(3)} times the tolerance (rtol = ${st.rtol}); leave time.dt out for error-controlled steps (series.csv column err: per step, 1 = at tolerance)\n`);
          }
        }
      } finally {
        progress.stop();
      }
    });

  program
    .command('resume')
    .description('Continue an interrupted run in DIR from its checkpoint.bin (the outputs end up identical to an uninterrupted run)')
    .argument('<dir>', 'run directory with run.json and checkpoint.bin')
    .option('-q, --quiet', 'no progress bar and no summary line', false)
    .action(async (dir: string, opts: { quiet: boolean }) => {
      const progress = progressBar(!opts.quiet && process.stderr.isTTY === true);
      try {
        const result = await resumeRun(dir, { onStep: progress.onStep });
        progress.stop();
        if (!opts.quiet) io.out(`nlbgk: resumed and completed at step ${result.steps}; results in ${dir}/\n`);
      } finally {
        progress.stop();
      }
    });

  program
    .command('validate')
    .description('Check CONFIG as `run` would (schema, initial data and rate evaluated on the grid, step count) without running it, and print the resolved config (every default filled in) as JSON')
    .argument('<config>', 'YAML or JSON config file')
    .action((file: string) => {
      const config = loadConfig(file);
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
        fs.writeFileSync(opts.json, JSON.stringify(cmp, null, 2) + '\n');
      }
    });

  // One line per command module:
  // @command-registrations
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
    if (err instanceof ConfigError) {
      io.err(err.issues.map((i) => `nlbgk: invalid config: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n') + '\n');
      return 2;
    }
    if (err instanceof UsageError || err instanceof OutputDirError || err instanceof RunReadError || err instanceof CompareError) {
      io.err(`nlbgk: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CheckFailure) {
      io.err(`nlbgk: ${err.message}\n`);
      return 1;
    }
    if (err instanceof NumericalFailure) {
      io.err(`nlbgk: numerical failure: ${err.message}; outputs written so far are kept\n`);
      return 1;
    }
    io.err(`nlbgk: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(new URL(import.meta.url).pathname);
if (invokedDirectly) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}

/**
 * `nlbgk study NAME [--quick] --out DIR [--force]`: run a named study (src/studies) and write its
 * report directory: report.md, SVG + PNG figures, the CSV/JSON behind every figure, results.json.
 * A non-empty DIR is refused (exit status 2) unless --force. Each physics check prints PASS or FAIL;
 * any FAIL makes the exit status 1.
 */
import type { Command } from 'commander';
import { CheckFailure, UsageError, type Io } from '../io.js';
import { prepareReportDirectory } from '../../io/files.js';
import { STUDIES } from '../../studies/index.js';

export function register(program: Command, io: Io): void {
  program
    .command('study')
    .description(`Run a named verification study and write a report (report.md, SVG/PNG figures, CSV/JSON). Studies: ${Object.keys(STUDIES).join(', ')}`)
    .argument('<name>', Object.entries(STUDIES).map(([k, v]) => `${k}: ${v.describe}`).join('; '))
    .requiredOption('-o, --out <dir>', 'report directory (must be empty or new, unless --force)')
    .option('--quick', 'the small version (seconds; what the test suite runs)', false)
    .option('-f, --force', 'write into a non-empty directory (files of the same names are replaced)', false)
    .option('-q, --quiet', 'no progress lines', false)
    .action(async (name: string, opts: { out: string; quick: boolean; force: boolean; quiet: boolean }) => {
      const study = Object.hasOwn(STUDIES, name) ? STUDIES[name] : undefined;
      if (!study) throw new UsageError(`unknown study '${name}'; available: ${Object.keys(STUDIES).join(', ')}`);
      prepareReportDirectory(opts.out, opts.force);
      const result = await study.run({ quick: opts.quick, out: opts.out, log: opts.quiet ? undefined : (l) => io.err(`nlbgk study ${name}: ${l}\n`) });
      const failed = result.checks.filter((c) => !c.passed);
      for (const c of result.checks) io.out(`${c.passed ? 'PASS' : 'FAIL'} ${c.name}: ${c.detail}\n`);
      io.out(`nlbgk: study ${name}${opts.quick ? ' (quick)' : ''} in ${result.wallSeconds.toFixed(1)} s; report in ${opts.out}/report.md\n`);
      if (failed.length > 0) throw new CheckFailure(`study ${name}: ${failed.length} check(s) FAILED (see ${opts.out}/report.md)`);
    });
}

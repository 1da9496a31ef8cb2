/**
 * `nlbgk plot RUN [--out DIR] [--format png|svg|both] [--force]`: figures of one run directory
 * without Python — snapshots.{png,svg}, series.{png,svg} and, for 1D kinetic runs that stored h,
 * h.{png,svg} (src/plot/runFigures.ts). Default DIR: RUN/plots (nlbgk's own: figures there are
 * replaced); another DIR must be empty or new unless --force. Damaged inputs: exit 2, one line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { UsageError, type Io } from '../io.js';
import { readRun } from '../../io/readRun.js';
import { readFieldsHdf5 } from '../../io/hdf5.js';
import { prepareReportDirectory, writeFileAtomic } from '../../io/files.js';
import type { VlSpec } from '../../plot/render.js';

export function register(program: Command, io: Io): void {
  program
    .command('plot')
    .description('Figures of a run directory: the snapshots, the series over time and (1D kinetic runs with output.store_h) h(x, v), as PNG and SVG')
    .argument('<run>', 'run directory')
    .option('-o, --out <dir>', 'where the figures go (default: RUN/plots)')
    .option('--format <format>', 'png, svg or both', 'both')
    .option('-f, --force', 'write into a non-empty --out directory (figures of the same names are replaced)', false)
    .action(async (dir: string, opts: { out?: string; format: string; force: boolean }) => {
      if (!['png', 'svg', 'both'].includes(opts.format)) throw new UsageError(`--format ${opts.format}: expected png, svg or both`);
      const run = readRun(dir);
      // the plotting modules (Vega-Lite, resvg) load only here: other commands do not pay for them
      const [{ renderSvg, svgToPng }, { kineticHSpec, seriesSpec, snapshotsSpec }] = await Promise.all([import('../../plot/render.js'), import('../../plot/runFigures.js')]);
      const figures: [string, VlSpec][] = [
        ['snapshots', snapshotsSpec(run)],
        ['series', seriesSpec(run)],
      ];
      const cells = run.run.config.domain.cells;
      const h5file = path.join(dir, 'fields.h5');
      const storeH = (run.run.config as unknown as { output?: { store_h?: boolean } }).output?.store_h === true;
      if (storeH && cells.length === 1 && fs.existsSync(h5file)) {
        let h5: Awaited<ReturnType<typeof readFieldsHdf5>>;
        try {
          h5 = await readFieldsHdf5(h5file);
        } catch {
          throw new UsageError(`${dir}: fields.h5 cannot be read (damaged?)`);
        }
        const nv = h5.data.v?.length ?? 0;
        if (!h5.data.h || !h5.data.t || nv === 0 || h5.data.h.length !== h5.data.t.length * cells[0] * nv) throw new UsageError(`${dir}: fields.h5 has no complete h (damaged?)`);
        figures.push(['h', kineticHSpec(run, { t: h5.data.t, v: h5.data.v, h: h5.data.h }, cells[0])]);
      }
      const out = opts.out ?? path.join(dir, 'plots');
      if (opts.out === undefined) {
        try {
          fs.mkdirSync(out, { recursive: true });
        } catch (err) {
          throw new UsageError(`${out}: cannot create it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        }
      } else {
        prepareReportDirectory(out, opts.force);
      }
      const written: string[] = [];
      for (const [name, spec] of figures) {
        const svg = await renderSvg(spec);
        if (opts.format !== 'png') {
          writeFileAtomic(path.join(out, `${name}.svg`), svg);
          written.push(`${name}.svg`);
        }
        if (opts.format !== 'svg') {
          writeFileAtomic(path.join(out, `${name}.png`), svgToPng(svg));
          written.push(`${name}.png`);
        }
      }
      io.out(`nlbgk: ${written.join(', ')} in ${out}/\n`);
    });
}

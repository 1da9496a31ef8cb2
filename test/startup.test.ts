/**
 * What the CLI loads (issue 18: a run must not pay for avoidable warm-up): `nlbgk run` imports
 * neither the studies, the plotting (Vega, resvg), the sweeps (BullMQ) nor Parquet; --help and
 * --version import no solver. Checked with a module loader hook that records every URL loaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const cli = path.resolve('dist/src/cli/main.js');

/** The URLs of the modules `nlbgk ARGS` loads (ES modules and the CommonJS modules they import). */
function loaded(dir: string, ...args: string[]): { urls: string[]; status: number | null; stderr: string } {
  const log = path.join(dir, `loaded-${args[0]}.txt`);
  const hooks = path.join(dir, 'hooks.mjs');
  fs.writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`);
  const register = path.join(dir, 'register.mjs');
  fs.writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`);
  const r = spawnSync(process.execPath, ['--import', new URL(`file://${register}`).href, cli, ...args], { encoding: 'utf8' });
  const urls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  return { urls, status: r.status, stderr: r.stderr };
}

const NOT_FOR_RUN = [/\/src\/studies\/(?!index\.js)/, /\/src\/plot\//, /\/src\/sweeps\//, /\/src\/spectrum\/(linear|fokkerPlanck)\.js/, /\/node_modules\/(hyparquet|hyparquet-writer|@resvg|vega|vega-lite|bullmq|ioredis)\//];

test('nlbgk run loads no study, plot, sweep, spectrum-report or Parquet module', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-startup-'));
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(config, 'model: { equation: kinetic, dim: 1, alpha: 1, eps: 0.1 }\ndomain: { cells: [16] }\nvelocity: { nodes: 4 }\ninitial: { rho: "1 + 0.5*sin(2*pi*x)" }\ntime: { end: 0.01, dt: 0.005 }\n');
  const { urls, status, stderr } = loaded(dir, 'run', config, '--out', path.join(dir, 'out'), '--quiet');
  assert.equal(status, 0, stderr);
  // the hook sees the run: the CLI, run.ts, a solver and h5wasm
  for (const want of [/\/src\/cli\/main\.js$/, /\/src\/run\.js$/, /\/src\/solvers\/kinetic\//, /h5wasm/]) assert.ok(urls.some((u) => want.test(u)), `${want} loaded`);
  for (const bad of NOT_FOR_RUN) assert.deepEqual(urls.filter((u) => bad.test(u)), [], `${bad} not loaded`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('nlbgk --help and --version load no solver, no run driver, no HDF5 and no config parser', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-startup-'));
  for (const flag of ['--help', '--version']) {
    const { urls, status, stderr } = loaded(dir, flag);
    assert.equal(status, 0, stderr);
    assert.ok(urls.some((u) => /\/src\/cli\/main\.js$/.test(u)));
    // (solvers/stepper.ts holds only the NumericalFailure class the CLI maps to exit status 1)
    for (const bad of [...NOT_FOR_RUN, /\/src\/solvers\/(?!stepper\.js$)/, /\/src\/run\.js$/, /h5wasm/, /\/node_modules\/(yaml|valibot)\//]) assert.deepEqual(urls.filter((u) => bad.test(u)), [], `${flag}: ${bad} not loaded`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

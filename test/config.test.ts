import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseConfigText, validateConfig, ConfigError } from '../src/config/validate.js';
import { configReference } from '../src/config/docs.js';
import { buildProblem } from '../src/simulation/build.js';
import { FixedClock as Clock } from '../src/simulation/clock.js';

const base = () => ({
  model: { equation: 'diffusion', dim: 1, alpha: 1 },
  domain: { cells: [64] },
  initial: { rho: '1 + 0.5*sin(2*pi*x)' },
  time: { end: 0.05 },
  output: { times: [0.01, 0.05] },
});

type Mut = (c: any) => void;

/** [description, mutation, field path expected in the message, fragment expected in the message] */
const invalid: [string, Mut, string, RegExp][] = [
  ['unknown equation', (c) => (c.model.equation = 'boltzmann'), 'model.equation', /one of diffusion, kinetic, fokker-planck, bgk, particles.*"boltzmann"/],
  ['dim 3 on a Cartesian domain', (c) => (c.model.dim = 3), 'model.dim', /only for radially symmetric problems.*geometry: radial/],
  ['dim 4', (c) => (c.model.dim = 4), 'model.dim', /1, 2 or 3/],
  ['alpha a string', (c) => (c.model.alpha = 'one'), 'model.alpha', /real number.*"one"/],
  ['alpha infinite', (c) => (c.model.alpha = Infinity), 'model.alpha', /finite/],
  ['alpha huge', (c) => (c.model.alpha = 1e6), 'model.alpha', /\[-20, 20\]/],
  ['both alpha and rate', (c) => (c.model.rate = 'rho'), 'model', /exactly one of alpha/],
  ['neither alpha nor rate', (c) => delete c.model.alpha, 'model', /exactly one of alpha/],
  ['eps for diffusion', (c) => (c.model.eps = 0.1), 'model.eps', /not used by the diffusion/],
  ['kinetic without eps', (c) => (c.model.equation = 'kinetic'), 'model.eps', /required.*\(0, 100\]/],
  ['negative eps', (c) => ((c.model.equation = 'kinetic'), (c.model.eps = -1)), 'model.eps', /eps > 0.*-1/],
  ['zero eps', (c) => ((c.model.equation = 'kinetic'), (c.model.eps = 0)), 'model.eps', /eps > 0/],
  ['cells not a list', (c) => (c.domain.cells = 64), 'domain.cells', /list of cell counts/],
  ['cells zero', (c) => (c.domain.cells = [0]), 'domain.cells[0]', /integer number of cells in \[2, 65536\].*got 0/],
  ['cells fractional', (c) => (c.domain.cells = [10.5]), 'domain.cells[0]', /integer/],
  ['cells wrong count for dim', (c) => (c.domain.cells = [16, 16]), 'domain.cells', /expected 1 cell count/],
  ['too much memory', (c) => ((c.model.dim = 2), (c.domain.cells = [65536, 65536])), 'domain.cells', /GiB of memory/],
  ['end negative', (c) => (c.time.end = -1), 'time.end', /end time > 0/],
  ['end missing', (c) => delete c.time.end, 'time.end', /required/],
  ['dt zero', (c) => (c.time.dt = 0), 'time.dt', /dt > 0/],
  ['too many steps', (c) => (c.time.dt = 1e-12), 'time.dt', /more than time.max_steps/],
  ['snapshot after end', (c) => (c.output.times = [0.01, 0.1]), 'output.times[1]', /\(0, 0.05\]/],
  ['snapshot not increasing', (c) => (c.output.times = [0.02, 0.01]), 'output.times[1]', /strictly increasing/],
  ['snapshot NaN', (c) => (c.output.times = [NaN]), 'output.times[0]', /time/],
  ['unknown top key with typo', (c) => (c.tme = {}), 'tme', /unknown key 'tme' \(did you mean 'time'\?\)/],
  ['unknown nested key', (c) => (c.model.alfa = 1), 'model.alfa', /did you mean 'alpha'/],
  ['initial missing', (c) => delete c.initial.rho, 'initial.rho', /required/],
  ['h for diffusion', (c) => (c.initial.h = '1'), 'initial.h', /only for the kinetic equations/],
  ['velocity nodes 1', (c) => (c.velocity = { nodes: 1 }), 'velocity.nodes', /\[2, 256\]/],
];

for (const [name, mutate, path, fragment] of invalid) {
  test(`invalid config: ${name}`, () => {
    const c = base();
    mutate(c);
    assert.throws(
      () => validateConfig(c),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
        const line = err.issues.map((i) => `${i.path}: ${i.message}`).find((l) => l.startsWith(path + ':'));
        assert.ok(line, `no issue for ${path} in:\n${err.message}`);
        assert.match(line, fragment);
        return true;
      },
    );
  });
}

/** Problems only visible once the expressions are compiled and evaluated. */
const invalidData: [string, Mut, string, RegExp][] = [
  ['unknown variable', (c) => (c.initial.rho = '1 + z'), 'initial.rho', /'z'/],
  ['injection', (c) => (c.initial.rho = 'constructor.constructor("return process")()'), 'initial.rho', /constructor|unexpected|'\.'|expected/],
  ['zero density', (c) => (c.initial.rho = 'step(x - 0.5)'), 'initial.rho', /finite and > 0.*x = /],
  ['negative density', (c) => (c.initial.rho = '-1'), 'initial.rho', /> 0/],
  ['non-finite density', (c) => (c.initial.rho = '1/(x-x)'), 'initial.rho', /finite/],
  ['rate not positive', (c) => ((c.model.alpha = undefined), delete c.model.alpha, (c.model.rate = 'rho - 1')), 'model.rate', /lambda\(rho\) must be finite and > 0/],
];
for (const [name, mutate, path, fragment] of invalidData) {
  test(`invalid data: ${name}`, () => {
    const c = base();
    mutate(c);
    assert.throws(
      () => buildProblem(validateConfig(c)),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
        assert.equal(err.issues[0].path, path);
        assert.match(err.issues[0].message, fragment);
        return true;
      },
    );
  });
}

test('defaults are filled in and the examples validate', () => {
  const c = validateConfig(base());
  assert.equal(c.output.series_every, 1);
  assert.equal(c.output.fields, true);
  assert.equal(c.velocity, undefined, 'sections of other equations are left out of the resolved config');
  assert.equal(c.particles, undefined);
  const k = validateConfig({ ...base(), model: { equation: 'kinetic', alpha: 1, eps: 0.1 } });
  assert.equal(k.velocity?.nodes, 16);
  for (const f of fs.readdirSync('examples').filter((f) => /\.(ya?ml|json)$/.test(f))) {
    const cfg = validateConfig(parseConfigText(fs.readFileSync(`examples/${f}`, 'utf8')));
    buildProblem(cfg);
  }
});

test('YAML syntax errors name the line', () => {
  assert.throws(() => parseConfigText('model: {equation: diffusion\n  dim: ['), (e: unknown) => e instanceof ConfigError && /line \d+/.test(e.message));
});

test('docs/config.md contains the reference generated from the schema', () => {
  const doc = fs.readFileSync('docs/config.md', 'utf8');
  assert.ok(doc.includes(configReference()), 'docs/config.md is stale: run `npm run docs:config`');
});

test('the clock hits every snapshot time exactly and never drifts', () => {
  const clock = new Clock(0.05, [0.01, 0.0333, 0.05], 0.003);
  const seen: number[] = [];
  while (!clock.done) {
    if (clock.advance()) seen.push(clock.t);
  }
  assert.deepEqual(seen, [0.01, 0.0333, 0.05]);
  assert.equal(clock.state.steps, clock.totalSteps);
  assert.equal(clock.totalSteps, 4 + 8 + 6);
});

test('every equation of the schema has a builder and every builder a schema entry', async () => {
  const { EQUATIONS } = await import('../src/simulation/equations.js');
  const { ModelSchema } = await import('../src/config/schema.js');
  const pick = (ModelSchema.entries.equation as unknown as { pipe: { options?: string[] }[] }).pipe.find((p) => Array.isArray(p.options));
  assert.deepEqual([...(pick?.options ?? [])].sort(), Object.keys(EQUATIONS).sort());
});

/** docs/api.md: its example is examples/api/kinetic-in-memory.ts verbatim, and it runs and gives the right answer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { kineticInMemory } from '../examples/api/kinetic-in-memory.js';
import * as api from '../src/index.js';

test('docs/api.md shows examples/api/kinetic-in-memory.ts verbatim', () => {
  const doc = fs.readFileSync('docs/api.md', 'utf8');
  const source = fs.readFileSync('examples/api/kinetic-in-memory.ts', 'utf8');
  assert.ok(doc.includes('```ts\n' + source + '```'), 'the example in docs/api.md differs from examples/api/kinetic-in-memory.ts');
});

test('the API example runs a kinetic simulation in memory: mass conserved, decay at the exact linear rate (within the scheme error)', () => {
  const r = kineticInMemory();
  assert.equal(r.times.length, 101);
  assert.equal(r.times[100], 0.1);
  assert.ok(r.distance[100] < r.distance[0]);
  let mass = 0;
  for (const x of r.rho) mass += x / r.rho.length;
  assert.ok(Math.abs(mass - 1) < 1e-13, `mass ${mass}`);
  assert.ok(Math.abs(r.measuredRate / r.exactRate - 1) < 0.05, `${r.measuredRate} vs ${r.exactRate}`);
  const doc = fs.readFileSync('docs/api.md', 'utf8');
  assert.ok(doc.includes(`decay rate ${r.measuredRate.toFixed(4)} (exact linear rate ${r.exactRate.toFixed(4)}), 101 rows`), 'the printed line quoted in docs/api.md');
});

test('the solvers and the run-directory API are exported', () => {
  for (const name of ['DiffusionSolver', 'KineticSolver', 'ParticleSolver', 'runConfig', 'runProblem', 'resumeRun', 'prepareRun', 'acquireRunLock', 'RunLockedError', 'RunIoError', 'ResumeRefused', 'Simulation', 'validateConfig']) {
    assert.ok(name in api, name);
  }
  assert.equal(api.EXIT_LOCKED, 75);
});

test('CITATION.cff cites the software at the package version and the paper', async () => {
  const { parse } = await import('yaml');
  const cff = parse(fs.readFileSync('CITATION.cff', 'utf8'));
  assert.equal(cff.version, JSON.parse(fs.readFileSync('package.json', 'utf8')).version);
  assert.equal(cff.license, 'MIT');
  assert.match(cff['preferred-citation'].title, /nonlinear BGK-type kinetic equations with density dependent collision rates/);
  assert.deepEqual(cff['preferred-citation'].authors.map((a: { 'family-names': string }) => a['family-names']), ['Evans', 'Morris', 'Yoldaş']);
  assert.match(fs.readFileSync('LICENSE', 'utf8'), /^MIT License/);
});

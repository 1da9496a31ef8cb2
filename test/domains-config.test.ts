/**
 * The domain contract (issue 12): the `domain` section's defaults and refusals (exit 2, one line
 * naming the key, nothing written), which equations accept which domains, vacuum rules, and the
 * geometry and linear algebra of the new meshes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ConfigError, validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { cellAverages, describeCell, isUnitTorus, makeDomainGrid, makeGrid, sphereArea, type BoundarySide } from '../src/grid/grid.js';
import { Tridiagonal } from '../src/solvers/linear/tridiagonal.js';
import { HelmholtzMG } from '../src/solvers/linear/multigrid.js';
import { pcg, PcgWork } from '../src/solvers/linear/pcg.js';

type Cfg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const box1d = (): Cfg => ({
  model: { equation: 'diffusion', alpha: -1 },
  domain: { cells: [32], box: [[-2, 2]], boundary: { x: ['zero-flux', 'far-field'] } },
  initial: { rho: 'max(1 - x^2, 0)' },
  time: { end: 0.01 },
});
const radial = (): Cfg => ({
  model: { equation: 'diffusion', dim: 2, alpha: 1 },
  domain: { cells: [64], geometry: 'radial', box: [[0, 1000]], spacing: { kind: 'log', scale: 0.1 }, boundary: { r: ['centre', 'far-field'] } },
  initial: { rho: '8/(1 + r^2)^2' },
  time: { end: 0.01 },
});

function issueOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
    return err.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
  }
  assert.fail('expected a ConfigError');
}

test('the default domain is the unit torus; radial defaults; the resolved domain has a fixed key order', () => {
  const c = validateConfig({ model: { equation: 'diffusion', alpha: 1 }, domain: { cells: [16] }, initial: { rho: '1' }, time: { end: 0.1 } });
  assert.deepEqual(c.domain, { cells: [16], geometry: 'cartesian', box: [[0, 1]], spacing: 'uniform', boundary: 'periodic' });
  assert.deepEqual(Object.keys(validateConfig({ ...box1d(), domain: { boundary: { x: ['zero-flux', 'zero-flux'] }, box: [[0, 2]], cells: [8] } }).domain), ['cells', 'geometry', 'box', 'spacing', 'boundary']);
  const r = validateConfig({ ...radial(), domain: { cells: [8], geometry: 'radial' } });
  assert.deepEqual(r.domain, { cells: [8], geometry: 'radial', box: [[0, 1]], spacing: 'uniform', boundary: { r: ['centre', 'zero-flux'] } });
  const shell = validateConfig({ ...radial(), domain: { cells: [8], geometry: 'radial', box: [[1, 10]], spacing: 'log' } });
  assert.deepEqual(shell.domain.spacing, { kind: 'log', scale: 1 });
  assert.deepEqual(shell.domain.boundary, { r: ['zero-flux', 'zero-flux'] });
  assert.ok(isUnitTorus(buildProblem(c).grid));
  // validate(resolved) is the identity (resume re-validates run.json's config)
  for (const cfg of [c, r, shell, validateConfig(box1d())]) assert.deepEqual(validateConfig(JSON.parse(JSON.stringify(cfg))), cfg);
});

const refusals: [string, (c: Cfg) => void, string, RegExp][] = [
  ['lo >= hi', (c) => (c.domain.box = [[2, -2]]), 'domain.box[0]', /lo < hi.*\[2,-2\]/],
  ['a box per dimension', (c) => (c.domain.box = [[0, 1], [0, 1]]), 'domain.box', /1 \[lo, hi\] pair/],
  ['periodic on one side only', (c) => (c.domain.boundary = { x: ['periodic', 'zero-flux'] }), 'domain.boundary.x', /periodic must be on both sides/],
  ['a parameter on a periodic side', (c) => (c.domain.boundary = { x: [{ kind: 'periodic', value: 1 }, 'periodic'] }), 'domain.boundary.x[0].value', /periodic takes no parameters/],
  ['a boundary on a direction the domain lacks', (c) => (c.domain.boundary = { x: ['zero-flux', 'zero-flux'], y: ['zero-flux', 'zero-flux'] }), 'domain.boundary.y', /no direction y/],
  ['a direction left out', (c) => ((c.model.dim = 2), (c.domain.cells = [8, 8]), (c.domain.box = [[0, 1], [0, 1]]), (c.domain.boundary = { x: 'periodic' })), 'domain.boundary.y', /is required/],
  ['an unknown kind', (c) => (c.domain.boundary = { x: ['reflecting', 'zero-flux'] }), 'domain.boundary.x[0]', /unknown boundary kind "reflecting"/],
  ['dirichlet without a value', (c) => (c.domain.boundary = { x: ['dirichlet', 'zero-flux'] }), 'domain.boundary.x[0]', /needs a value/],
  ['a negative dirichlet value', (c) => (c.domain.boundary = { x: ['zero-flux', { kind: 'dirichlet', value: -1 }] }), 'domain.boundary.x[1].value', />= 0.*-1/],
  ['centre on a Cartesian side', (c) => (c.domain.boundary = { x: ['centre', 'zero-flux'] }), 'domain.boundary.x[0]', /centre is the inner side/],
  ['log spacing on a Cartesian mesh', (c) => (c.domain.spacing = 'log'), 'domain.spacing', /radial meshes/],
  ['boundary not periodic nor a mapping', (c) => (c.domain.boundary = 'zero-flux'), 'domain.boundary', /expected periodic or a mapping/],
  ['dim 3 on a Cartesian domain', (c) => (c.model.dim = 3), 'model.dim', /geometry: radial/],
];
const radialRefusals: [string, (c: Cfg) => void, string, RegExp][] = [
  ['no centre at r0 = 0', (c) => (c.domain.boundary = { r: ['zero-flux', 'far-field'] }), 'domain.boundary.r[0]', /write centre/],
  ['centre at r0 > 0', (c) => (c.domain.box = [[1, 10]]), 'domain.boundary.r[0]', /centre needs r0 = 0/],
  ['a periodic radial mesh', (c) => (c.domain.boundary = 'periodic'), 'domain.boundary', /cannot be periodic/],
  ['negative r0', (c) => ((c.domain.box = [[-1, 10]]), (c.domain.boundary = { r: ['zero-flux', 'zero-flux'] })), 'domain.box[0]', /0 <= r0 < R/],
  ['two cell counts', (c) => (c.domain.cells = [8, 8]), 'domain.cells', /one cell count \[Nr\]/],
  ['log spacing from 0 without a scale', (c) => (c.domain.spacing = 'log'), 'domain.spacing', /needs a scale/],
  ['x on a radial mesh', (c) => (c.domain.boundary = { r: ['centre', 'far-field'], x: 'periodic' }), 'domain.boundary.x', /no direction x/],
  ['gamma below 2', (c) => (c.domain.boundary = { r: ['centre', { kind: 'far-field', gamma: 1 }] }), 'domain.boundary.r[1].gamma', /gamma >= 2/],
];
for (const [list, base] of [[refusals, box1d], [radialRefusals, radial]] as const) {
  for (const [name, mutate, key, fragment] of list) {
    test(`domain refused: ${name} (names ${key})`, () => {
      const c = base();
      mutate(c);
      const lines = issueOf(() => validateConfig(c));
      const line = lines.split('\n').find((l) => l.startsWith(`${key}:`));
      assert.ok(line, `no issue for ${key} in:\n${lines}`);
      assert.match(line, fragment);
    });
  }
}

test('what each equation accepts: kinetic walls (1D) and periodic boxes, particles walls on the unit box; the limit equation refuses far fields it has no condition for and kinetic walls', () => {
  const kin = (d: Cfg) => ({ model: { equation: 'kinetic', alpha: 1, eps: 0.1 }, domain: d, initial: { rho: '1 + x' }, time: { end: 0.01 } });
  assert.match(issueOf(() => buildProblem(validateConfig(kin({ cells: [16], box: [[0, 1]], boundary: { x: ['zero-flux', 'zero-flux'] } })))), /^domain\.boundary\.x\[0\]: zero-flux is a boundary of the limit equation; the kinetic walls with zero flux are specular/);
  assert.match(issueOf(() => buildProblem(validateConfig(kin({ cells: [16], box: [[0, 1]], boundary: { x: ['specular', { kind: 'dirichlet', value: 1 }] } })))), /^domain\.boundary\.x\[1\]: dirichlet is a boundary of the limit equation; the kinetic equation takes inflow/);
  assert.match(issueOf(() => buildProblem(validateConfig(kin({ cells: [16], geometry: 'radial', box: [[0, 1]] })))), /^domain\.geometry: the kinetic equation runs on Cartesian boxes/);
  assert.ok(buildProblem(validateConfig(kin({ cells: [16], box: [[0, 2]] }))));
  assert.ok(buildProblem(validateConfig(kin({ cells: [16], box: [[-1, 1]], boundary: { x: ['specular', { kind: 'inflow', h: '1 + v^2' }] } }))));
  assert.match(issueOf(() => buildProblem(validateConfig(kin({ cells: [16], box: [[-1, 1]], boundary: { x: ['diffuse', { kind: 'inflow', h: 'v' }] } })))), /^domain\.boundary\.x\[1\]\.h: the incoming h must be finite and >= 0 .* h\(t = 0, v = -/);
  assert.match(issueOf(() => validateConfig(kin({ cells: [16], box: [[-1, 1]], boundary: { x: ['inflow', 'absorbing'] } }))), /^domain\.boundary\.x\[0\]: inflow needs the incoming h/);
  const lim = (b: Cfg) => issueOf(() => buildProblem(validateConfig({ ...box1d(), domain: { ...box1d().domain, boundary: { x: b } } })));
  assert.match(lim(['specular', 'zero-flux']), /^domain\.boundary\.x\[0\]: specular is a wall of the kinetic equation and of particles; its limit is zero-flux/);
  assert.match(lim(['zero-flux', 'absorbing']), /^domain\.boundary\.x\[1\]: absorbing is a wall of the kinetic equation .*dirichlet, value: 0/);
  const par = { ...kin({ cells: [16], geometry: 'radial', box: [[0, 1]] }), model: { equation: 'particles', alpha: 1, eps: 0.1 }, initial: { rho: '1 + r' } };
  assert.match(issueOf(() => buildProblem(validateConfig({ ...par, model: { ...par.model, dim: 2 } }))), /^domain\.geometry: particles run on the unit box \[0, 1\]\^d/);
  // far fields without a condition
  const far = (model: Cfg, domain: Cfg = box1d().domain) => issueOf(() => buildProblem(validateConfig({ ...box1d(), model: { equation: 'diffusion', ...model }, domain, initial: { rho: '1' } })));
  assert.match(far({ rate: '1 + rho' }), /^domain\.boundary\.x\[1\]: far-field needs a power law/);
  assert.match(far({ alpha: 1.5 }), /^domain\.boundary\.x\[1\]: no far-field condition for alpha = 1.5/);
  assert.match(far({ alpha: 1 }), /^domain\.boundary\.x\[1\]: no far-field condition for alpha = 1 in d = 1/);
  assert.match(far({ alpha: 1, dim: 2 }, { cells: [8, 8], box: [[-1, 1], [-1, 1]], boundary: { x: ['far-field', 'far-field'], y: 'periodic' } }), /^domain\.boundary\.x\[0\]: the far field of 2D logarithmic diffusion .*geometry: radial/);
  assert.match(far({ alpha: 0.8, dim: 3 }, { cells: [8], geometry: 'radial', box: [[0, 10]], boundary: { r: ['centre', 'far-field'] } }), /^domain\.boundary\.r\[1\]: no far-field condition for 2\/d <= alpha < 1/);
  assert.match(far({ alpha: 0.5, dim: 2 }, { cells: [8], geometry: 'radial', box: [[1, 10]], boundary: { r: ['far-field', 'zero-flux'] } }), /^domain\.boundary\.r\[0\]: far-field stands for infinity/);
  assert.match(far({ alpha: 0.5 }, { ...box1d().domain, boundary: { x: [{ kind: 'far-field', gamma: 3 }, 'zero-flux'] } }), /gamma selects a solution of 2D logarithmic diffusion/);
  assert.match(far({ alpha: 1 }, { ...box1d().domain, boundary: { x: [{ kind: 'dirichlet', value: 0 }, 'zero-flux'] } }), /^domain\.boundary\.x\[0\]: the density must be > 0 at a dirichlet side for alpha >= 1/);
});

test('vacuum: allowed for alpha < 1 (and rates finite and > 0 at 0), refused with a reason for alpha >= 1; negative or non-finite data refused', () => {
  const data = (model: Cfg, rho: string) => ({ ...box1d(), model: { equation: 'diffusion', ...model }, initial: { rho } });
  for (const alpha of [-2, -1, 0, 0.5]) assert.equal(buildProblem(validateConfig(data({ alpha }, 'max(1 - x^2, 0)'))).bounds.lo, 0);
  assert.match(issueOf(() => buildProblem(validateConfig(data({ alpha: 1 }, 'max(1 - x^2, 0)')))), /^initial\.rho: .*> 0 everywhere \(alpha = 1 >= 1: Phi\(rho\) = log rho is -infinity at rho = 0.*logarithmic and faster diffusion need rho > 0\)\), but its cell average is 0/);
  assert.match(issueOf(() => buildProblem(validateConfig(data({ alpha: -1 }, 'sin(2*x)')))), /^initial\.rho: .*finite and >= 0 everywhere/);
  assert.match(issueOf(() => buildProblem(validateConfig(data({ alpha: -1 }, '1/(x-x)')))), /finite/);
  const walls = { cells: [32], box: [[-2, 2]], boundary: { x: ['zero-flux', 'zero-flux'] } };
  assert.ok(buildProblem(validateConfig({ ...data({ rate: '1 + rho' }, 'max(1 - x^2, 0)'), domain: walls })));
  assert.match(issueOf(() => buildProblem(validateConfig({ ...data({ rate: 'rho' }, 'max(1 - x^2, 0)'), domain: walls }))), /^model\.rate: lambda\(rho\) must be finite and > 0 for rho in \[0, /);
  // the kinetic equation takes vacuum (lambda(0) = 0 or infinity: docs/kinetic-scheme.md "Vacuum"); the bounds go down to 0
  for (const alpha of [-1, 1]) assert.equal(buildProblem(validateConfig({ model: { equation: 'kinetic', alpha, eps: 0.1 }, domain: { cells: [16] }, initial: { rho: 'step(x - 0.5)' }, time: { end: 0.01 } })).bounds.lo, 0);
  assert.match(issueOf(() => buildProblem(validateConfig({ model: { equation: 'kinetic', alpha: -1, eps: 0.1 }, domain: { cells: [16] }, initial: { rho: '-step(x - 0.5)' }, time: { end: 0.01 } }))), /^initial\.rho: .*finite and >= 0 everywhere/);
});

test('nlbgk run: an inconsistent boundary spec exits 2 with one line naming the key and writes nothing', () => {
  const cli = path.resolve('dist/src/cli/main.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-domain-'));
  const cases: [string, string][] = [
    ['domain: { cells: [32], box: [[-2, 2]], boundary: { x: [periodic, zero-flux] } }', 'domain.boundary.x'],
    ['domain: { cells: [32], box: [[1, 1]], boundary: { x: [zero-flux, zero-flux] } }', 'domain.box[0]'],
    ['domain: { cells: [32], box: [[-2, 2]], boundary: { x: [zero-flux, zero-flux], y: periodic } }', 'domain.boundary.y'],
  ];
  for (const [domain, key] of cases) {
    const cfg = path.join(dir, 'c.yaml');
    fs.writeFileSync(cfg, `model: { equation: diffusion, alpha: -1 }\n${domain}\ninitial: { rho: "max(1 - x^2, 0)" }\ntime: { end: 0.01 }\n`);
    const out = path.join(dir, 'out');
    const r = spawnSync(process.execPath, [cli, 'run', cfg, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0].includes(`${key}:`), lines[0]);
    assert.ok(!fs.existsSync(out), 'nothing written');
  }
});

test('grids: radial volumes, face areas and log cells; shell averages; the unit torus unchanged', () => {
  const side = (kind: string) => ({ kind }) as BoundarySide;
  for (const d of [1, 2, 3] as const) {
    const g = makeDomainGrid({ geometry: 'radial', spaceDim: d, cells: [50], box: [[0, 1e6]], sides: [[side('centre'), side('far-field')]], spacing: { kind: 'log', scale: 0.1 } });
    const total = g.volumes.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total / ((sphereArea(d) * 1e6 ** d) / d) - 1) < 1e-12, `d ${d}: volume ${total}`);
    assert.equal(g.faces[0][0], 0);
    assert.equal(g.faces[0][50], 1e6);
    // uniform in log(1 + r/a): constant ratio of (a + r_{i+1}) / (a + r_i)
    const q = (i: number) => (0.1 + g.faces[0][i + 1]) / (0.1 + g.faces[0][i]);
    assert.ok(Math.abs(q(3) / q(40) - 1) < 1e-12);
    assert.ok(Math.abs(g.areas[0][10] - sphereArea(d) * g.faces[0][10] ** (d - 1)) < 1e-9 * g.areas[0][10]);
    // the shell average of r^2 is exact for the 4-point rule: (int r^2 r^(d-1)) / (int r^(d-1))
    const avg = cellAverages(g, (r) => r * r);
    const [a, b] = [g.faces[0][7], g.faces[0][8]];
    const exact = ((b ** (d + 2) - a ** (d + 2)) / (d + 2)) / ((b ** d - a ** d) / d);
    assert.ok(Math.abs(avg[7] / exact - 1) < 1e-12);
  }
  const t = makeGrid([8, 4]);
  assert.deepEqual([...t.dx], [1 / 8, 1 / 4]);
  assert.deepEqual(Array.from(t.centres[0]), [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (i + 0.5) / 8));
  assert.equal(describeCell(t, 9), 'cell (1, 1) ((x, y) = (0.1875, 0.375))');
  const box = makeDomainGrid({ geometry: 'cartesian', spaceDim: 1, cells: [4], box: [[-2, 2]], sides: [[side('zero-flux'), side('zero-flux')]], spacing: { kind: 'uniform' } });
  assert.deepEqual(Array.from(box.centres[0]), [-1.5, -0.5, 0.5, 1.5]);
  assert.ok(!isUnitTorus(box));
});

test('linear algebra: tridiagonal solver with varying off-diagonals; multigrid PCG with walls and mixed periodicity', () => {
  const n = 37;
  const b = new Float64Array(n);
  const a = new Float64Array(n - 1);
  const f = new Float64Array(n);
  const x = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) a[i] = -(1 + Math.sin(i) ** 2) * 50;
  for (let i = 0; i < n; i++) {
    b[i] = 1e-3 + (i > 0 ? -a[i - 1] : 0) + (i < n - 1 ? -a[i] : 0);
    f[i] = Math.cos(i);
  }
  new Tridiagonal(n).solve(b, a, f, x);
  for (let i = 0; i < n; i++) {
    const r = b[i] * x[i] + (i > 0 ? a[i - 1] * x[i - 1] : 0) + (i < n - 1 ? a[i] * x[i + 1] : 0) - f[i];
    assert.ok(Math.abs(r) < 1e-9, `row ${i}: residual ${r}`);
  }
  for (const periodic of [[false, false], [true, false], [false, true]] as const) {
    const [nx, ny] = [48, 32];
    const N = nx * ny;
    const mg = new HelmholtzMG(nx, ny, { periodic });
    const s = new Float64Array(N);
    const rhs = new Float64Array(N);
    const z = new Float64Array(N);
    const y = new Float64Array(N);
    for (let p = 0; p < N; p++) {
      // vacuum-like cells: s spans 30 orders of magnitude, zero in a block (fast diffusion vacuum)
      s[p] = p % 7 === 0 ? 1e25 : p % 5 === 0 ? 0 : 0.3 + Math.sin(p) ** 2;
      rhs[p] = Math.cos(0.1 * p);
    }
    mg.setOperator(s, 40, 25);
    const out = { iterations: 0, converged: false, relResidual: 0 };
    pcg(mg, rhs, z, 1e-10, 200, new PcgWork(N), out);
    assert.ok(out.converged && out.iterations < 40, `${periodic}: ${out.iterations} iterations`);
    mg.apply(z, y);
    let err = 0;
    for (let p = 0; p < N; p++) err = Math.max(err, Math.abs(y[p] - rhs[p]));
    assert.ok(err < 1e-7, `${periodic}: residual ${err}`);
    // symmetric: u.Kv = v.Ku
    const u = Float64Array.from({ length: N }, (_, p) => Math.sin(p));
    const v = Float64Array.from({ length: N }, (_, p) => Math.cos(3 * p));
    const ku = new Float64Array(N);
    const kv = new Float64Array(N);
    mg.setOperator(Float64Array.from({ length: N }, () => 1), 40, 25);
    mg.apply(u, ku);
    mg.apply(v, kv);
    const dot = (p: Float64Array, q: Float64Array) => p.reduce((acc, w, i) => acc + w * q[i], 0);
    assert.ok(Math.abs(dot(u, kv) - dot(v, ku)) < 1e-9 * Math.abs(dot(u, kv)));
  }
});

/**
 * Hostile input: each config below must be refused by `nlbgk run` with exit status 2, one clear
 * line per problem naming the field, no stack trace, and nothing written.
 * The CLI runs in-process (main with captured output) to keep the corpus fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../src/cli/main.js';

const M = (model: string, rest = '') => `model: ${model}\ndomain: { cells: [32] }\ninitial: { rho: "1 + 0.5*sin(2*pi*x)" }\ntime: { end: 0.01 }\n${rest}`;
const D = 'model: { equation: diffusion, alpha: 1 }\n';
const withRho = (rho: string) => `${D}domain: { cells: [32] }\ninitial: { rho: ${JSON.stringify(rho)} }\ntime: { end: 0.01 }\n`;
const withTime = (time: string, output = '') => `${D}domain: { cells: [32] }\ninitial: { rho: "1" }\ntime: ${time}\n${output}`;
const withCells = (cells: string, dim = 1) => `model: { equation: diffusion, alpha: 1, dim: ${dim} }\ndomain: { cells: ${cells} }\ninitial: { rho: "1" }\ntime: { end: 0.01 }\n`;
const K = (model: string, extra = '') => `model: ${model}\ndomain: { cells: [32] }\ninitial: { rho: "1" }\ntime: { end: 0.01 }\n${extra}`;

/** [name, config text, regex the first error line must match] */
const corpus: [string, string, RegExp][] = [
  // structure
  ['empty file', '', /expected a mapping/],
  ['a list at top level', '- 1\n- 2\n', /expected a mapping/],
  ['a number at top level', '42\n', /expected a mapping/],
  ['a string at top level', '"run me"\n', /expected a mapping/],
  ['YAML syntax error', 'model: {equation: diffusion\n', /not valid YAML.*line/],
  ['duplicate key', `${D}${D}domain: { cells: [32] }\n`, /not valid YAML/],
  ['YAML alias bomb', 'a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n', /not valid YAML|unknown key/],
  ['binary garbage', '\u0000\u0001\u0002\u00ff\u00fe', /not valid YAML|expected a mapping/],
  ['missing model', 'domain: { cells: [32] }\ninitial: { rho: "1" }\ntime: { end: 1 }\n', /model: is required \(The equation and its parameters.\)/],
  ['missing domain', `${D}initial: { rho: "1" }\ntime: { end: 1 }\n`, /domain: is required/],
  ['model is a string', M('"diffusion"'), /model: expected a mapping with keys equation, dim, alpha, rate, eps, flux \(got "diffusion"\)/],
  // unknown keys with did-you-mean
  ['unknown top-level key', M('{ equation: diffusion, alpha: 1 }', 'outptu: { times: [0.01] }\n'), /unknown key 'outptu' \(did you mean 'output'\?\)/],
  ['unknown model key', M('{ equation: diffusion, alhpa: 1 }'), /model.alhpa: unknown key 'alhpa' \(did you mean 'alpha'\?\)/],
  ['unknown time key', withTime('{ end: 1, dT: 0.1 }'), /time.dT: unknown key 'dT' \(did you mean 'dt'\?\)/],
  ['__proto__ key', M('{ equation: diffusion, alpha: 1, __proto__: { polluted: 1 } }'), /unknown key|model/],
  ['constructor key', M('{ equation: diffusion, alpha: 1 }', 'constructor: { prototype: 1 }\n'), /unknown key 'constructor'/],
  // wrong types and ranges
  ['equation misspelt', M('{ equation: difusion, alpha: 1 }'), /model.equation: expected one of diffusion, kinetic, fokker-planck, bgk, particles \(got "difusion"\)/],
  ['dim 0', M('{ equation: diffusion, alpha: 1, dim: 0 }'), /model.dim: expected 1, 2 or 3/],
  ['alpha string', M('{ equation: diffusion, alpha: "1" }'), /model.alpha: expected a real number \(got "1"\)/],
  ['alpha .inf', M('{ equation: diffusion, alpha: .inf }'), /model.alpha: expected a finite/],
  ['alpha .nan', M('{ equation: diffusion, alpha: .nan }'), /model.alpha: expected a real number/],
  ['alpha null', M('{ equation: diffusion, alpha: null }'), /model.alpha/],
  ['eps zero', K('{ equation: kinetic, alpha: 1, eps: 0 }'), /model.eps: expected eps > 0/],
  ['eps 1e-300', K('{ equation: kinetic, alpha: 1, eps: 1e-300 }'), /model.eps: expected eps in \[1e-100, 100\] \(the supported range\) \(got 1e-300\)/],
  ['kinetic cells [2]', `model: { equation: kinetic, alpha: 1, eps: 0.1 }\ndomain: { cells: [2] }\ninitial: { rho: "1" }\ntime: { end: 0.01 }\n`, /domain.cells\[0\]: the kinetic solver needs at least 3 cells per dimension \(got 2\)/],
  ['empty output.times', withTime('{ end: 1 }', 'output: { times: [] }\n'), /output.times: expected at least one snapshot time/],
  ['general rate on constant data with a bad value nearby', `model: { equation: diffusion, rate: "rho - 0.9995" }\ndomain: { cells: [32] }\ninitial: { rho: "1" }\ntime: { end: 0.01 }\n`, /model.rate: lambda\(rho\) must be finite and > 0 for rho in \[0.998999/],
  ['general rate: a zero between the sample points', `model: { equation: diffusion, rate: "abs(rho - 1.25)" }\ndomain: { cells: [32] }\ninitial: { rho: "1 + 0.5*sin(2*pi*x)" }\ntime: { end: 0.01 }\n`, /model.rate: lambda\(rho\) must be finite and > 0, bounded away .* lambda\(1\.2[45]\d*\) = .*a zero between the sample points/],
  ['general rate: a pole between the sample points', `model: { equation: diffusion, rate: "1 + 1/(rho - 1.25)^2" }\ndomain: { cells: [32] }\ninitial: { rho: "1 + 0.5*sin(2*pi*x)" }\ntime: { end: 0.01 }\n`, /model.rate: .*a pole between the sample points/],
  ['particles exact at tiny eps', `model: { equation: particles, alpha: 1, eps: 1e-6 }\ndomain: { cells: [16] }\ninitial: { rho: "1" }\ntime: { end: 0.01 }\nparticles: { count: 1000, scheme: exact }\n`, /particles.scheme: the exact scheme would draw about .* tumbles per particle and step .* use scheme ap \(or auto\)/],
  ['eps negative', K('{ equation: kinetic, alpha: 1, eps: -0.1 }'), /model.eps: expected eps > 0 \(got -0.1\)/],
  ['eps .inf', K('{ equation: kinetic, alpha: 1, eps: .inf }'), /model.eps: expected a finite/],
  ['eps too large', K('{ equation: kinetic, alpha: 1, eps: 1e6 }'), /model.eps: expected eps <= 100/],
  ['eps missing for kinetic', K('{ equation: kinetic, alpha: 1 }'), /model.eps: is required for equation kinetic/],
  ['cells negative', withCells('[-8]'), /domain.cells\[0\]: expected an integer number of cells in \[2, 65536\] \(got -8\)/],
  ['cells zero', withCells('[0]'), /domain.cells\[0\]/],
  ['cells fractional', withCells('[16.5]'), /domain.cells\[0\]: expected an integer/],
  ['cells string', withCells('["64"]'), /domain.cells\[0\]/],
  ['cells empty', withCells('[]'), /domain.cells: expected one cell count per dimension/],
  ['cells too many dims', withCells('[8, 8, 8]'), /domain.cells: expected one cell count per dimension/],
  ['cells vs dim', withCells('[8]', 2), /domain.cells: expected 2 cell count/],
  ['memory exhaustion', withCells('[65536, 65536]', 2), /domain.cells: the run would need about .* GiB/],
  ['velocity nodes zero', K('{ equation: kinetic, alpha: 1, eps: 1 }', 'velocity: { nodes: 0 }\n'), /velocity.nodes: expected an integer number of velocity nodes in \[2, 256\]/],
  ['velocity nodes negative', K('{ equation: kinetic, alpha: 1, eps: 1 }', 'velocity: { nodes: -4 }\n'), /velocity.nodes/],
  ['velocity memory', `model: { equation: kinetic, alpha: 1, eps: 1, dim: 2 }\ndomain: { cells: [4096, 4096] }\ninitial: { rho: "1" }\ntime: { end: 0.01 }\nvelocity: { nodes: 64 }\n`, /GiB of memory/],
  ['particles count zero', `model: { equation: particles, alpha: 1, eps: 1 }\ndomain: { cells: [32] }\ninitial: { rho: "1" }\ntime: { end: 0.01 }\nparticles: { count: 0 }\n`, /particles.count/],
  // time and snapshots
  ['end zero', withTime('{ end: 0 }'), /time.end: expected end time > 0/],
  ['end negative', withTime('{ end: -1 }'), /time.end/],
  ['end .inf', withTime('{ end: .inf }'), /time.end: expected a finite/],
  ['dt negative', withTime('{ end: 1, dt: -0.1 }'), /time.dt: expected dt > 0/],
  ['too many steps', withTime('{ end: 1, dt: 1e-12 }'), /time.dt: would need .* steps/],
  ['snapshot after end', withTime('{ end: 1 }', 'output: { times: [0.5, 2] }\n'), /output.times\[1\]: expected a time in \(0, 1\]/],
  ['snapshot negative', withTime('{ end: 1 }', 'output: { times: [-1] }\n'), /output.times\[0\]/],
  ['snapshot zero', withTime('{ end: 1 }', 'output: { times: [0] }\n'), /output.times\[0\]/],
  ['snapshots unsorted', withTime('{ end: 1 }', 'output: { times: [0.5, 0.2] }\n'), /output.times\[1\]: expected strictly increasing/],
  ['series_every zero', withTime('{ end: 1 }', 'output: { series_every: 0 }\n'), /output.series_every/],
  // expressions
  ['unknown identifier', withRho('1 + z'), /initial.rho: .*'z'/],
  ['unknown function', withRho('1 + foo(x)'), /initial.rho: .*'foo'/],
  ['y in 1D', withRho('1 + y'), /initial.rho: .*'y'/],
  ['constructor chain', withRho('constructor.constructor("return process")()'), /initial.rho: /],
  ['process', withRho('process.exit(1)'), /initial.rho: /],
  ['require', withRho('require("fs")'), /initial.rho: /],
  ['globalThis', withRho('globalThis'), /initial.rho: .*globalThis/],
  ['__proto__ identifier', withRho('__proto__'), /initial.rho: .*__proto__/],
  ['this', withRho('this'), /initial.rho: /],
  ['template literal', withRho('`${1}`'), /initial.rho: /],
  ['empty expression', withRho(''), /initial.rho: /],
  ['enormous expression', withRho('1' + '+x'.repeat(20000)), /initial.rho: /],
  ['deeply nested expression', withRho('('.repeat(5000) + '1' + ')'.repeat(5000)), /initial.rho: /],
  ['unbalanced parentheses', withRho('(1 + x'), /initial.rho: /],
  ['wrong arity', withRho('atan2(x)'), /initial.rho: .*atan2/],
  // data
  ['density zero somewhere', withRho('sin(pi*x)^2*0'), /initial.rho: the initial density must be finite and > 0/],
  ['density negative', withRho('x - 0.5'), /initial.rho: the initial density must be finite and > 0 .* x = /],
  ['density infinite', withRho('1/(x-x)'), /initial.rho: .*finite/],
  ['density NaN', withRho('sqrt(-1)'), /initial.rho: .*NaN/],
  ['rate negative', `model: { equation: diffusion, rate: "rho - 10" }\ndomain: { cells: [32] }\ninitial: { rho: "1" }\ntime: { end: 0.01 }\n`, /model.rate: lambda\(rho\) must be finite and > 0/],
  ['rate unknown variable', `model: { equation: diffusion, rate: "x*rho" }\ndomain: { cells: [32] }\ninitial: { rho: "1" }\ntime: { end: 0.01 }\n`, /model.rate: .*'x'/],
];

test(`the hostile-input corpus has at least 50 configs (${corpus.length})`, () => {
  assert.ok(corpus.length >= 50);
});

for (const [name, text, expected] of corpus) {
  test(`hostile config refused: ${name}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-hostile-'));
    const cfg = path.join(dir, 'config.yaml');
    fs.writeFileSync(cfg, text);
    const out = path.join(dir, 'out');
    let stdout = '';
    let stderr = '';
    const status = await main(['node', 'nlbgk', 'run', cfg, '--out', out, '--quiet'], { out: (t) => (stdout += t), err: (t) => (stderr += t) });
    assert.equal(status, 2, `status ${status}; stderr: ${stderr}`);
    assert.equal(stdout, '');
    const lines = stderr.trimEnd().split('\n');
    for (const l of lines) {
      assert.match(l, /^nlbgk: /, 'every line is a message');
      assert.ok(l.length < 600, `line too long (${l.length})`);
    }
    assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
    assert.doesNotMatch(stderr, /internal error/);
    assert.match(lines[0], expected);
    assert.equal(fs.existsSync(out), false, 'nothing written');
    assert.equal((globalThis as Record<string, unknown>).polluted, undefined);
  });
}

// The measurements behind docs/time-stepping.md (accuracy at the default tolerance, tolerance
// proportionality, steps against eps, the examples). Run after `npm run build`:
//   node scripts/measure-time-stepping.mjs [accuracy|proportionality|steps|examples] > out.md
// It prints Markdown tables. Errors: max |rho - rho_ref| (or the cell-wise L2(M dv) norm of h where
// stated) against a fixed-step BDF2 run with dt = T/20000 on the same grid: the time error alone.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfigText, validateConfig } from '../dist/src/config/validate.js';
import { buildProblem } from '../dist/src/simulation/build.js';
import { Simulation } from '../dist/src/simulation/simulation.js';
import { simulationOptions } from '../dist/src/simulation/options.js';

const root = new URL('..', import.meta.url).pathname;
const which = process.argv[2];

function run(input, time, times) {
  const config = validateConfig({ ...input, time: { ...(input.time ?? {}), ...time }, output: { ...(input.output ?? {}), ...(times ? { times } : {}), fields: false } });
  const problem = buildProblem(config);
  const snaps = [];
  const sim = new Simulation(problem, simulationOptions(config, problem), { onSnapshot: (_t, f) => snaps.push(Float64Array.from(f.rho)) });
  const t0 = performance.now();
  sim.run();
  const st = problem.stepper;
  return { snaps, h: st.h ? Float64Array.from(st.h()) : null, w: st.velocity?.w ?? null, rep: sim.report(), ms: performance.now() - t0 };
}
const snapErr = (a, b) => Math.max(...a.snaps.map((x, k) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - b.snaps[k][i])), 0)));
function hErr(a, b) {
  const nv = a.w.length;
  let m = 0;
  for (let c = 0; c < a.h.length / nv; c++) {
    let s = 0;
    for (let k = 0; k < nv; k++) s += a.w[k] * (a.h[c * nv + k] - b.h[c * nv + k]) ** 2;
    m = Math.max(m, Math.sqrt(s));
  }
  return m;
}
const e = (x) => x.toExponential(1);
const WELL = { rho: '1 + 0.5*sin(2*pi*x)' };
const ILL = { h: '(1 + 0.5*sin(2*pi*x))*(1 + 0.4*sin(2*pi*x)*v/(1+v^2))' };

if (!which || which === 'accuracy') {
  const T = 0.05;
  const times = [0.01, 0.02, 0.05];
  console.log('| eps | α | data | default: error (steps) | old dt = dx/2: error (steps) |\n|---|---|---|---|---|');
  for (const eps of [1, 0.5, 0.1, 1e-8]) for (const alpha of [-1, 0, 1]) for (const [name, initial] of [['well', WELL], ['ill', ILL]]) {
    const input = { model: { equation: 'kinetic', alpha, eps }, domain: { cells: [256] }, velocity: { nodes: 16 }, initial, time: { end: T } };
    const ref = run(input, { dt: T / 20000 }, times);
    const def = run(input, {}, times);
    const old = run(input, { dt: 0.5 / 256 }, times);
    console.log(`| ${eps} | ${alpha} | ${name} | ${e(snapErr(def, ref))} (${def.rep.accepted}) | ${e(snapErr(old, ref))} (${old.rep.accepted}) |`);
  }
}

if (!which || which === 'proportionality') {
  console.log('\n| case | rtol = 1e-3 | 1e-4 | 1e-5 | 1e-6 |\n|---|---|---|---|---|');
  const cases = [
    ['limit equation α = −1, 256 cells', { model: { equation: 'diffusion', alpha: -1 }, domain: { cells: [256] }, initial: WELL, time: { end: 0.05 } }, 'rho'],
    ['limit equation α = 1, 256 cells', { model: { equation: 'diffusion', alpha: 1 }, domain: { cells: [256] }, initial: WELL, time: { end: 0.05 } }, 'rho'],
    ['kinetic eps = 1, mixed data, 48 × 8 (h)', { model: { equation: 'kinetic', alpha: 1, eps: 1 }, domain: { cells: [48] }, velocity: { nodes: 8 }, initial: { h: '1 + 0.2*sin(2*pi*x) + 0.3*cos(2*pi*x)*v/(1+v^2)' }, time: { end: 0.05 } }, 'h'],
    ['kinetic eps = 1, ρ_in at its bounds (limiter), 48 × 8 (h)', { model: { equation: 'kinetic', alpha: 1, eps: 1 }, domain: { cells: [48] }, velocity: { nodes: 8 }, initial: WELL, time: { end: 0.03 } }, 'h'],
    ['kinetic eps = 0.1, ρ_in, 256 × 16', { model: { equation: 'kinetic', alpha: 1, eps: 0.1 }, domain: { cells: [256] }, velocity: { nodes: 16 }, initial: WELL, time: { end: 0.05 } }, 'rho'],
    ['kinetic eps = 1e-2, ill-prepared, 256 × 16', { model: { equation: 'kinetic', alpha: 1, eps: 1e-2 }, domain: { cells: [256] }, velocity: { nodes: 16 }, initial: ILL, time: { end: 0.05 } }, 'rho'],
    ['kinetic eps = 1e-8, ρ_in, 256 × 16', { model: { equation: 'kinetic', alpha: 1, eps: 1e-8 }, domain: { cells: [256] }, velocity: { nodes: 16 }, initial: WELL, time: { end: 0.05 } }, 'rho'],
    ['kinetic 2D eps = 0.1, mixed data, 12² × 4² (h)', { model: { equation: 'kinetic', dim: 2, alpha: 1, eps: 0.1 }, domain: { cells: [12, 12] }, velocity: { nodes: 4 }, initial: { h: '1 + 0.2*sin(2*pi*x)*sin(2*pi*y) + 0.3*cos(2*pi*x)*cos(2*pi*y)*vx/(1+vx^2)' }, time: { end: 0.02 } }, 'h'],
  ];
  for (const [name, input, norm] of cases) {
    const ref = run(input, { dt: input.time.end / (input.model.dim === 2 ? 4000 : 20000) });
    const cells = [1e-3, 1e-4, 1e-5, 1e-6].map((rtol) => {
      const r = run(input, { rtol });
      return `${e(norm === 'h' ? hErr(r, ref) : Math.max(...r.snaps.at(-1).map((v, i) => Math.abs(v - ref.snaps.at(-1)[i]))))} (${r.rep.accepted})`;
    });
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
}

if (!which || which === 'steps') {
  const eps = [10, 1, 0.3, 0.1, 0.03, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8];
  console.log(`\n| grid, data | ${eps.join(' | ')} |\n|---|${eps.map(() => '---').join('|')}|`);
  for (const [name, cells, nodes, initial] of [['256 × 16, ρ_in', [256], 16, WELL], ['1024 × 16, ρ_in', [1024], 16, WELL], ['256 × 16, ill-prepared', [256], 16, ILL], ['2D 32² × 6², ρ_in', [32, 32], 6, { rho: '1 + 0.5*sin(2*pi*x)*sin(2*pi*y)' }]]) {
    const counts = eps.map((x) => run({ model: { equation: 'kinetic', dim: cells.length, alpha: 1, eps: x }, domain: { cells }, velocity: { nodes }, initial, time: { end: 0.1 } }, { rtol: 1e-4 }).rep.accepted);
    console.log(`| ${name} | ${counts.join(' | ')} |`);
  }
}

if (!which || which === 'examples') {
  console.log('\n| example | rtol | steps / rejected | time error (final rho) | wall s |\n|---|---|---|---|---|');
  for (const f of fs.readdirSync(path.join(root, 'examples')).sort()) {
    if (!/\.(ya?ml|json)$/.test(f)) continue;
    const input = parseConfigText(fs.readFileSync(path.join(root, 'examples', f), 'utf8'));
    const config = validateConfig(input);
    if (config.time.dt !== undefined || config.model.equation === 'particles') continue;
    const r = run(input, {});
    const ref = run(input, { dt: config.time.end / (config.model.dim === 2 ? 4000 : 20000) });
    const fin = Math.max(...r.snaps.at(-1).map((v, i) => Math.abs(v - ref.snaps.at(-1)[i])));
    console.log(`| ${f} | ${e(r.rep.rtol)} | ${r.rep.accepted} / ${r.rep.rejected} | ${e(fin)} | ${(r.ms / 1000).toFixed(1)} |`);
  }
}

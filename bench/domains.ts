/**
 * The measured numbers of docs/diffusion-scheme.md "Domains" (issue 12): errors and observed orders
 * against the exact solutions (src/diagnostics/exact.ts), the far-field conditions measured by
 * moving R, and the step counts of vacuum runs against atol. Accuracy, not speed: each table also
 * gives the wall time of its runs (noisy on the shared 2-core machine).
 *
 * Run: npm run bench -- domains   (or: npx tsc -p . && node dist/bench/domains.js)
 */
import { pathToFileURL } from 'node:url';
import { cellAverages, makeDomainGrid, type BoundarySide, type Spacing } from '../src/grid/grid.js';
import { powerLaw } from '../src/models/rate.js';
import { DiffusionSolver } from '../src/solvers/diffusion/solver.js';
import { tailMass } from '../src/solvers/diffusion/boundary.js';
import { barenblatt, heatKernel, kingRosenau, logSphere, type RadialSolution } from '../src/diagnostics/exact.js';
import { frontPositions } from '../src/diagnostics/fronts.js';
import { validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { Simulation } from '../src/simulation/simulation.js';
import { simulationOptions } from '../src/simulation/options.js';

const side = (kind: string, extra: Record<string, number> = {}) => ({ kind, ...extra }) as BoundarySide;
const e3 = (x: number) => x.toExponential(2);
const ord = (a: number, b: number, r = 2) => (Math.log(a / b) / Math.log(r)).toFixed(2);

interface Run {
  alpha: number;
  d: 1 | 2 | 3;
  geometry: 'cartesian' | 'radial';
  cells: number[];
  box: [number, number][];
  sides: [BoundarySide, BoundarySide][];
  spacing?: Spacing;
  sol: RadialSolution;
  t0: number;
  t1: number;
  steps: number;
  inner: number;
}

function run(c: Run) {
  const grid = makeDomainGrid({ geometry: c.geometry, spaceDim: c.d, cells: c.cells, box: c.box, sides: c.sides, spacing: c.spacing ?? { kind: 'uniform' } });
  const radius = (x: number, y: number) => (c.geometry === 'radial' ? x : Math.hypot(x, y));
  const rho0 = cellAverages(grid, (x, y) => c.sol.rho(radius(x, y), c.t0));
  const solver = new DiffusionSolver({ grid, rate: powerLaw(c.alpha), rho0, t0: c.t0 });
  const t = performance.now();
  const steps = Math.ceil(c.steps);
  for (let k = 0; k < steps; k++) solver.step((c.t1 - c.t0) / steps);
  const ms = performance.now() - t;
  const exact = cellAverages(grid, (x, y) => c.sol.rho(radius(x, y), c.t1));
  const rho = solver.rho();
  let l1 = 0;
  let inner = 0;
  const nx = grid.n[0];
  for (let p = 0; p < grid.cells; p++) {
    const e = Math.abs(rho[p] - exact[p]);
    l1 += e * grid.volumes[p];
    const x = grid.centres[0][p % nx];
    const y = grid.dim === 2 ? grid.centres[1][Math.floor(p / nx)] : 0;
    if (radius(Math.abs(x), y) < c.inner) inner = Math.max(inner, e);
  }
  const mass = rho.reduce((m, v, p) => m + v * grid.volumes[p], 0);
  return { grid, solver, l1, inner, mass, ms, out: solver.outflow().reduce((a, b) => a + b, 0) };
}

/** Porous medium 1D with vacuum: L1 across the fronts, max inside, the front. */
export function pmeTable(): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  for (const alpha of [-1, -2]) {
    const B = barenblatt(alpha, 1, 1);
    let prev: ReturnType<typeof run> | null = null;
    for (const N of [50, 100, 200, 400]) {
      const r = run({ alpha, d: 1, geometry: 'cartesian', cells: [N], box: [[-4, 4]], sides: [[side('far-field'), side('far-field')]], sol: B, t0: 1, t1: 2, steps: N / 4, inner: 0.8 * B.front(2) });
      const [, right] = frontPositions(r.grid, r.solver.rho(), alpha);
      rows.push({ case: `1D PME alpha ${alpha}`, N, L1: e3(r.l1), 'max inside': e3(r.inner), 'L1 order': prev ? ord(prev.l1, r.l1) : '', 'inside order': prev ? ord(prev.inner, r.inner) : '', 'front error': e3(right - B.front(2)), ms: Math.round(r.ms) });
      prev = r;
    }
  }
  return rows;
}

/** Radial Barenblatt and heat kernels. */
export function radialTable(): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  const cases: [string, number, 1 | 2 | 3, RadialSolution, number, number, Spacing][] = [
    ['PME d=2', -1, 2, barenblatt(-1, 2, 1), 1.6 * barenblatt(-1, 2, 1).front(2), 2, { kind: 'uniform' }],
    ['PME d=3', -1, 3, barenblatt(-1, 3, 1), 1.6 * barenblatt(-1, 3, 1).front(2), 2, { kind: 'uniform' }],
    ['FDE d=2 alpha 1/2', 0.5, 2, barenblatt(0.5, 2, 1), 40, 2, { kind: 'log', scale: 0.5 }],
    ['heat d=1', 0, 1, heatKernel(1, 1), 10, 5, { kind: 'uniform' }],
    ['heat d=2', 0, 2, heatKernel(2, 1), 10, 5, { kind: 'uniform' }],
    ['heat d=3', 0, 3, heatKernel(3, 1), 10, 5, { kind: 'uniform' }],
  ];
  for (const [name, alpha, d, sol, R, inner, spacing] of cases) {
    let prev: ReturnType<typeof run> | null = null;
    for (const N of [50, 100, 200]) {
      const r = run({ alpha, d, geometry: 'radial', cells: [N], box: [[0, R]], sides: [[side('centre'), side('far-field')]], spacing, sol, t0: 1, t1: 2, steps: N / 2, inner });
      rows.push({ case: name, N, L1: e3(r.l1), 'max inside': e3(r.inner), 'L1 order': prev ? ord(prev.l1, r.l1) : '', 'inside order': prev ? ord(prev.inner, r.inner) : '', ms: Math.round(r.ms) });
      prev = r;
    }
  }
  return rows;
}

/** 2D Cartesian boxes: the Barenblatt solutions with each kind of side. */
export function boxTable(): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  const kinds: [string, BoundarySide][] = [['far-field', side('far-field')], ['zero-flux', side('zero-flux')], ['dirichlet 0', side('dirichlet', { value: 0 })]];
  for (const [alpha, L, N] of [[-1, 4, 48], [0.5, 12, 64]] as const) {
    const B = barenblatt(alpha, 2, 1);
    for (const [name, k] of kinds) {
      const r = run({ alpha, d: 2, geometry: 'cartesian', cells: [N, N], box: [[-L, L], [-L, L]], sides: [[k, k], [k, k]], sol: B, t0: 1, t1: 2, steps: alpha < 0 ? 16 : 40, inner: alpha < 0 ? 0.8 * B.front(2) : 4 });
      rows.push({ case: `2D alpha ${alpha}, box [-${L}, ${L}]^2, ${N}^2`, sides: name, L1: e3(r.l1), 'max inside': e3(r.inner), outflow: e3(r.out), ms: Math.round(r.ms) });
    }
  }
  return rows;
}

/** 2D log diffusion: the explicit solutions with far field gamma = 4 on r in [0, 1e6]. */
export function logTable(): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  for (const [name, sol] of [['sphere', logSphere(1, 1)], ['King-Rosenau', kingRosenau(1)]] as const) {
    let prev = NaN;
    for (const N of [100, 200, 400]) {
      const grid = makeDomainGrid({ geometry: 'radial', spaceDim: 2, cells: [N], box: [[0, 1e6]], sides: [[side('centre'), side('far-field', { gamma: 4 })]], spacing: { kind: 'log', scale: 0.1 } });
      const s = new DiffusionSolver({ grid, rate: powerLaw(1), rho0: cellAverages(grid, (r) => sol.rho(r, 0)) });
      const t = performance.now();
      for (let k = 0; k < 100; k++) s.step(0.005);
      const ms = performance.now() - t;
      const ex = cellAverages(grid, (r) => sol.rho(r, 0.5));
      const l1 = s.rho().reduce((m, v, i) => m + Math.abs(v - ex[i]) * grid.volumes[i], 0);
      const mass = s.rho().reduce((m, v, i) => m + v * grid.volumes[i], 0);
      rows.push({ case: name, N, L1: e3(l1), order: Number.isNaN(prev) ? '' : ord(prev, l1), 'mass - 8 pi (T - t)': e3(mass - sol.mass(0.5)), ms: Math.round(ms) });
      prev = l1;
    }
  }
  return rows;
}

/** Fast diffusion far field, moving R: outflow over [1, 2] against the tail growth beyond R; an absorbing side for comparison. */
export function fdeFarFieldTable(): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  for (const d of [1, 2, 3] as const) {
    const alpha = 0.5;
    const B = barenblatt(alpha, d, 1);
    const K = 2 / (alpha * B.b);
    const omega = d === 1 ? 2 : d === 2 ? 2 * Math.PI : 4 * Math.PI;
    for (const R of [10, 20, 40, 80]) {
      const N = Math.round(12 * Math.log(1 + R / 0.05));
      const cell = (far: BoundarySide) => run({ alpha, d, geometry: 'radial', cells: [N], box: [[0, R]], sides: [[side('centre'), far]], spacing: { kind: 'log', scale: 0.05 }, sol: B, t0: 1, t1: 2, steps: 100, inner: 2 });
      const f = cell(side('far-field'));
      const a = cell(side('dirichlet', { value: 0 }));
      const tail = (t: number) => (omega * Math.pow(K * t, 1 / alpha) * Math.pow(R, d - 2 / alpha)) / (2 / alpha - d);
      const tm = f.solver.laws.reduce((s, law, k) => s + (law.type === 'value' ? tailMass(f.grid, f.solver.rate, law, 0, k, f.solver.rho(), f.solver.t) : 0), 0);
      rows.push({ d, R, 'outflow far-field': e3(f.out), 'tail growth (derived)': e3(tail(2) - tail(1)), 'outflow rho = 0': e3(a.out), 'mass + tail - M': e3(f.mass + tm - B.mass(2)) });
    }
  }
  return rows;
}

/** 2D log diffusion from 8/(1 + r^2)^2 with the maximal far field: loss rates over t in [0.5, 1] against R. */
export function logFarFieldTable(): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  for (const R of [1e2, 1e3, 1e4, 1e6]) {
    const N = Math.round(22 * Math.log(1 + R / 0.1));
    const grid = makeDomainGrid({ geometry: 'radial', spaceDim: 2, cells: [N], box: [[0, R]], sides: [[side('centre'), side('far-field')]], spacing: { kind: 'log', scale: 0.1 } });
    const rate = powerLaw(1);
    const s = new DiffusionSolver({ grid, rate, rho0: cellAverages(grid, (r) => 8 / (1 + r * r) ** 2) });
    const sample = () => [s.rho().reduce((m, v, i) => m + v * grid.volumes[i], 0), tailMass(grid, rate, s.laws[1], 0, 1, s.rho(), s.t)];
    for (let k = 0; k < 100; k++) s.step(0.005);
    const a = sample();
    for (let k = 0; k < 100; k++) s.step(0.005);
    const b = sample();
    rows.push({ R, N, 'mesh loss / 4 pi': ((a[0] - b[0]) / 0.5 / (4 * Math.PI)).toFixed(4), '1 + 1/log R': (1 + 1 / Math.log(R)).toFixed(4), '(mass + tail) loss / 4 pi': ((a[0] + a[1] - b[0] - b[1]) / 0.5 / (4 * Math.PI)).toFixed(4) });
  }
  return rows;
}

/** Vacuum at the default atol: steps and errors of the porous medium from the Barenblatt data, 120 cells. */
export function atolTable(): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  for (const alpha of [-1, -2]) {
    const B = barenblatt(alpha, 1, 1);
    const rhoIn = `max(1 - ${(Math.abs(alpha) * B.b) / 2}*x^2, 0)^${1 / Math.abs(alpha)}`;
    for (const time of [{}, { atol: 1e-2 }, { atol: 1e-6 }, { dt: 0.01 }] as Record<string, number>[]) {
      const config = validateConfig({ model: { equation: 'diffusion', alpha }, domain: { cells: [120], box: [[-4, 4]], boundary: { x: ['far-field', 'far-field'] } }, initial: { rho: rhoIn }, time: { end: 1, ...time } });
      const problem = buildProblem(config);
      const options = simulationOptions(config, problem);
      const sim = new Simulation(problem, options);
      const t = performance.now();
      sim.run();
      const ms = performance.now() - t;
      const g = problem.grid;
      const rho = problem.stepper.rho();
      let inner = 0;
      for (let i = 0; i < 120; i++) if (Math.abs(g.centres[0][i]) < 0.8 * B.front(2)) inner = Math.max(inner, Math.abs(rho[i] - B.rho(Math.abs(g.centres[0][i]), 2)));
      const r = sim.report();
      rows.push({ alpha, time: time.dt ? `dt = ${time.dt}` : `atol = ${e3(options.atol)}${time.atol ? '' : ' (default)'}`, accepted: r.accepted, rejected: r.rejected, 'max inside': e3(inner), ms: Math.round(ms) });
    }
  }
  return rows;
}

export async function benchDomains(): Promise<void> {
  for (const [name, table] of [
    ['porous medium 1D, Barenblatt from t = 1 to 2 on [-4, 4]', pmeTable],
    ['radial meshes, t = 1 to 2', radialTable],
    ['2D boxes, t = 1 to 2', boxTable],
    ['2D log diffusion, r in [0, 1e6], t = 0 to 0.5', logTable],
    ['fast diffusion far field (alpha = 1/2), moving R', fdeFarFieldTable],
    ['2D log diffusion far field (maximal solution), moving R', logFarFieldTable],
    ['porous medium with vacuum: steps against atol', atolTable],
  ] as const) {
    console.log(`\n-- ${name}`);
    console.table(table());
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchDomains().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}

/**
 * Error against wall time, fixed steps against the error control (docs/time-stepping.md).
 *
 * Cases (256 cells, t in [0, 0.05], rho_in = 1 + 0.5 sin 2πx, alpha = 1): the kinetic solver with 16
 * Gauss–Hermite nodes at eps = 1, 1e-2, 1e-8 and the limit-equation solver. Each is run with fixed
 * steps dt = T/n (n = 25 … 1600; n = 25 is the old default dx/2 of the kinetic solver) and with the
 * error control at rtol = 1e-3 … 1e-6; the error is the largest max |rho − rho_ref| over the snapshot
 * times 0.001, 0.002, 0.005, 0.01, 0.02, 0.05 (what a user reads at any output time; fixed steps land
 * on them too) against a fixed-step run with dt = T/20000 on the same grid (the time error alone).
 * The final time alone would flatter fixed steps on these dissipative problems: their early errors
 * (1.6e-3 at t = 0.001 for dt = 1e-3, kinetic eps = 1e-8) are damped by t = 0.05 (to 8e-6).
 * Wall time: the best of `repeat` runs of the time loop (the machine may be shared). "time ratio at
 * equal error": the adaptive run's time over the fixed-step time interpolated (log-log) at the same
 * error; "step ratio": the same with attempted steps (accepted + rejected) instead of time, a figure
 * that does not depend on the machine's load.
 *
 * Run: npm run bench -- stepping      (figures: node dist/bench/stepping.js --figures DIR)
 */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { Simulation } from '../src/simulation/simulation.js';
import { simulationOptions } from '../src/simulation/options.js';
import { writeFigure, LOG_AXIS } from '../src/plot/render.js';

const T = 0.05;
const TIMES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05];

interface Point {
  case: string;
  kind: 'fixed' | 'adaptive';
  setting: number;
  steps: number;
  rejected: number;
  seconds: number;
  error: number;
}

function input(eps: number | null): Record<string, unknown> {
  return eps === null
    ? { model: { equation: 'diffusion', alpha: 1 }, domain: { cells: [256] }, initial: { rho: '1 + 0.5*sin(2*pi*x)' }, output: { fields: false } }
    : { model: { equation: 'kinetic', alpha: 1, eps }, domain: { cells: [256] }, velocity: { nodes: 16 }, initial: { rho: '1 + 0.5*sin(2*pi*x)' }, output: { fields: false } };
}

function solve(base: Record<string, unknown>, time: Record<string, number>, repeat: number): { rho: Float64Array[]; steps: number; rejected: number; seconds: number } {
  let best = Infinity;
  let out: { rho: Float64Array[]; steps: number; rejected: number } | null = null;
  for (let r = 0; r < repeat; r++) {
    const config = validateConfig({ ...base, time: { end: T, ...time }, output: { ...(base.output as object), times: TIMES } });
    const problem = buildProblem(config);
    const rho: Float64Array[] = [];
    const sim = new Simulation(problem, simulationOptions(config, problem), { onSnapshot: (_t, f) => rho.push(Float64Array.from(f.rho)) });
    const t0 = performance.now();
    sim.run();
    best = Math.min(best, (performance.now() - t0) / 1000);
    const rep = sim.report();
    out = { rho, steps: rep.accepted, rejected: rep.rejected };
  }
  return { ...out!, seconds: best };
}

/** The largest error over the snapshot times. */
const maxAbs = (a: Float64Array[], b: Float64Array[]) => Math.max(...a.map((x, k) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - b[k][i])), 0)));

/** A fixed-step quantity (wall time or steps) at error e, interpolated log-log between the fixed-step points. */
function fixedAt(points: Point[], e: number, q: (p: Point) => number): number | null {
  const f = points.filter((p) => p.kind === 'fixed' && p.error > 0).sort((a, b) => b.error - a.error);
  for (let i = 0; i + 1 < f.length; i++) {
    const [a, b] = [f[i], f[i + 1]];
    if (e <= a.error && e >= b.error) {
      const s = Math.log(e / a.error) / Math.log(b.error / a.error);
      return Math.exp(Math.log(q(a)) + s * (Math.log(q(b)) - Math.log(q(a))));
    }
  }
  return null;
}

export async function benchStepping(figures?: string): Promise<Record<string, unknown>[]> {
  const repeat = 3;
  const cases: [string, number | null][] = [['kinetic eps=1', 1], ['kinetic eps=1e-2', 1e-2], ['kinetic eps=1e-8', 1e-8], ['diffusion', null]];
  const rows: Record<string, unknown>[] = [];
  const all: Point[] = [];
  for (const [name, eps] of cases) {
    const base = input(eps);
    const ref = solve(base, { dt: T / 20000 }, 1);
    const points: Point[] = [];
    for (const n of [25, 50, 100, 200, 400, 800, 1600]) {
      const r = solve(base, { dt: T / n }, repeat);
      points.push({ case: name, kind: 'fixed', setting: T / n, steps: r.steps, rejected: 0, seconds: r.seconds, error: maxAbs(r.rho, ref.rho) });
    }
    for (const rtol of [1e-3, 1e-4, 1e-5, 1e-6]) {
      const r = solve(base, { rtol }, repeat);
      points.push({ case: name, kind: 'adaptive', setting: rtol, steps: r.steps, rejected: r.rejected, seconds: r.seconds, error: maxAbs(r.rho, ref.rho) });
    }
    for (const p of points) {
      const tf = p.kind === 'adaptive' ? fixedAt(points, p.error, (x) => x.seconds) : null;
      const sf = p.kind === 'adaptive' ? fixedAt(points, p.error, (x) => x.steps) : null;
      rows.push({
        case: name,
        kind: p.kind,
        dt_or_rtol: p.setting,
        steps: p.steps,
        rejected: p.rejected,
        ms: +(p.seconds * 1000).toFixed(1),
        error: +p.error.toPrecision(3),
        'time ratio at equal error': tf === null ? '' : +(p.seconds / tf).toFixed(2),
        'step ratio at equal error': sf === null ? '' : +((p.steps + p.rejected) / sf).toFixed(2),
      });
    }
    all.push(...points);
  }
  if (figures) {
    fs.mkdirSync(figures, { recursive: true });
    const data = all.map((p) => ({ ...p, ms: p.seconds * 1000, series: `${p.kind === 'fixed' ? 'fixed dt' : 'error control'}` }));
    await writeFigure(figures, 'stepping_error_time', {
      data: { values: data },
      facet: { field: 'case', type: 'nominal', title: null, sort: cases.map(([n]) => n) },
      columns: 2,
      spec: {
        width: 300,
        height: 220,
        layer: [
          { mark: { type: 'line', point: true }, encoding: { order: { field: 'steps', type: 'quantitative' }, x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'wall time of the time loop (ms)' }, y: { field: 'error', type: 'quantitative', scale: { type: 'log' }, title: 'largest max |rho − rho_ref| over the outputs', axis: LOG_AXIS }, color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['fixed dt', 'error control'] } } } },
        ],
      },
      resolve: { scale: { x: 'independent', y: 'independent' } },
      title: { text: 'Time error against cost: fixed steps and the error control', subtitle: '256 cells, alpha = 1, rho_in = 1 + 0.5 sin 2πx; kinetic: 16 nodes. Fixed: dt = T/25 … T/1600; error control: rtol = 1e-3 … 1e-6.' },
    });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--figures');
  benchStepping(i > 0 ? process.argv[i + 1] : undefined).then((rows) => console.table(rows));
}

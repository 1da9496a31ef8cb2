/**
 * Study `regimes`: the kinetic solution at small eps beside the solution of the limit equation
 * d_t rho = div(rho^−alpha ∇rho) (DiffusionSolver), as pictures:
 *   porous medium alpha = −1, −2; heat alpha = 0; fast diffusion alpha = 0.5 (1D, a bump on a
 *   positive floor); logarithmic diffusion d = 2, alpha = 1 (a 2D bump, rho_t = Δ log rho).
 */
import { ReportWriter, mdTable, checksMarkdown, nowSeconds, num, type StudyOptions, type StudyResult, type StudyCheck } from './common.js';
import { unitSquareMapEncoding } from '../plot/render.js';
import { KineticSolver } from '../solvers/kinetic/solver.js';
import { DiffusionSolver } from '../solvers/diffusion/solver.js';
import { makeGrid, cellAverages, cellCentres, type Grid } from '../grid/grid.js';
import { velocityGrid } from '../velocity/gaussHermite.js';
import { powerLaw } from '../models/rate.js';

/** Six digits are plenty for a colour: keeps the 2D figure's CSV and spec small. */
const round6 = (x: number) => Number(x.toPrecision(6));

function runPair(grid: Grid, nodes: number, alpha: number, eps: number, rho0: Float64Array, times: number[], dt: number) {
  const vel = velocityGrid(grid.dim, nodes);
  const K = vel.count;
  const h0 = new Float64Array(grid.cells * K);
  for (let c = 0; c < grid.cells; c++) h0.fill(rho0[c], c * K, (c + 1) * K);
  const rate = powerLaw(alpha);
  const kin = new KineticSolver({ grid, velocity: vel, rate, eps, h0 });
  const lim = new DiffusionSolver({ grid, rate, rho0: Float64Array.from(rho0) });
  const snaps: { t: number; kin: Float64Array; lim: Float64Array }[] = [{ t: 0, kin: Float64Array.from(rho0), lim: Float64Array.from(rho0) }];
  let t = 0;
  const w0 = performance.now();
  for (const T of times) {
    const n = Math.max(1, Math.round((T - t) / dt));
    const h = (T - t) / n;
    for (let i = 0; i < n; i++) {
      kin.step(h);
      lim.step(h);
    }
    t = T;
    snaps.push({ t, kin: Float64Array.from(kin.rho()), lim: Float64Array.from(lim.rho()) });
  }
  return { snaps, wall: (performance.now() - w0) / 1000 };
}

export async function regimesStudy(opts: StudyOptions): Promise<StudyResult> {
  const t0 = nowSeconds();
  const q = opts.quick;
  const eps = 1e-3;
  const N = q ? 64 : 256;
  const Nv = q ? 8 : 16;
  const times = [0.002, 0.01, 0.03];
  const regimes = [
    { name: 'porous medium, alpha = −2', alpha: -2 },
    { name: 'porous medium, alpha = −1', alpha: -1 },
    { name: 'heat, alpha = 0', alpha: 0 },
    { name: 'fast diffusion, alpha = 0.5', alpha: 0.5 },
  ];
  const bump = (x: number) => 0.1 + Math.exp(-80 * (x - 0.5) ** 2);
  const grid = makeGrid([N]);
  const rho0 = cellAverages(grid, bump);
  const xs = cellCentres(grid, 0);
  const rows: Record<string, unknown>[] = [];
  const profiles: Record<string, unknown>[] = [];
  for (const r of regimes) {
    const dt = 2.5e-4;
    const { snaps, wall } = runPair(grid, Nv, r.alpha, eps, rho0, times, dt);
    for (const s of snaps) {
      let d2 = 0;
      let mx = 0;
      for (let i = 0; i < N; i++) {
        d2 += (s.kin[i] - s.lim[i]) ** 2;
        mx = Math.max(mx, Math.abs(s.kin[i] - s.lim[i]));
      }
      if (s.t > 0) rows.push({ regime: r.name, alpha: r.alpha, t: s.t, l2_kinetic_minus_limit: Math.sqrt(d2 / N), max_abs: mx });
      const every = Math.max(1, Math.floor(N / 64));
      for (let i = 0; i < N; i++) {
        profiles.push({ regime: r.name, t: `t = ${s.t}`, x: xs[i], rho: s.lim[i], solver: 'limit equation' });
        if (i % every === 0) profiles.push({ regime: r.name, t: `t = ${s.t}`, x: xs[i], rho: s.kin[i], solver: `kinetic, eps = ${num(eps)}` });
      }
    }
    opts.log?.(`regimes: ${r.name}: ${wall.toFixed(2)} s`);
  }
  // 2D logarithmic diffusion
  const N2 = q ? 16 : 48;
  const nv2 = q ? 4 : 6;
  const grid2 = makeGrid([N2, N2]);
  const L = 0.15;
  const rho2 = cellAverages(grid2, (x, y) => 0.2 + 1 / (1 + ((x - 0.5) ** 2 + (y - 0.5) ** 2) / (L * L)) ** 2);
  const times2 = [0.005, 0.02];
  const pair2 = runPair(grid2, nv2, 1, eps, rho2, times2, 5e-4);
  opts.log?.(`regimes: log diffusion 2D ${N2}²: ${pair2.wall.toFixed(2)} s`);
  const heat: Record<string, unknown>[] = [];
  for (const s of pair2.snaps) {
    let d2 = 0;
    let mx = 0;
    for (let c = 0; c < grid2.cells; c++) {
      d2 += (s.kin[c] - s.lim[c]) ** 2;
      mx = Math.max(mx, Math.abs(s.kin[c] - s.lim[c]));
    }
    if (s.t > 0) rows.push({ regime: 'log diffusion 2D, alpha = 1', alpha: 1, t: s.t, l2_kinetic_minus_limit: Math.sqrt(d2 / grid2.cells), max_abs: mx });
    for (let j = 0; j < N2; j++)
      for (let i = 0; i < N2; i++) {
        const c = i + N2 * j;
        // cell edges as x/x2, y/y2: one rectangle per cell (binning the centres would merge cells)
        const cell = { x: i / N2, x2: (i + 1) / N2, y: j / N2, y2: (j + 1) / N2 };
        heat.push({ t: `t = ${s.t}`, ...cell, rho: round6(s.kin[c]), solver: `kinetic, eps = ${num(eps)}` });
        heat.push({ t: `t = ${s.t}`, ...cell, rho: round6(s.lim[c]), solver: 'limit: rho_t = Δ log rho' });
      }
  }
  const worst = Math.max(...rows.map((r) => r.max_abs as number));
  const checks: StudyCheck[] = [{ name: 'kinetic at eps = 1e-3 matches the limit solution', passed: worst < 0.02, detail: `largest max|rho_kin − rho_lim| over regimes and times: ${worst.toExponential(3)}` }];
  const w = new ReportWriter(opts.out);
  w.csv('regimes.csv', rows);
  const fig1 = await w.figure(
    'regimes_1d',
    {
      data: { values: profiles },
      facet: { field: 'regime', type: 'nominal', title: null, sort: regimes.map((r) => r.name) },
      columns: 2,
      spec: {
        width: 300,
        height: 200,
        layer: [
          { transform: [{ filter: "datum.solver == 'limit equation'" }], mark: { type: 'line', strokeWidth: 1.8 }, encoding: { x: { field: 'x', type: 'quantitative', title: 'x', axis: { values: [0, 0.2, 0.4, 0.6, 0.8, 1] } }, y: { field: 'rho', type: 'quantitative', title: 'density rho' }, color: { field: 't', type: 'nominal', title: 'time' } } },
          { transform: [{ filter: "datum.solver != 'limit equation'" }], mark: { type: 'point', size: 14, filled: true }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'rho', type: 'quantitative' }, color: { field: 't', type: 'nominal', title: 'time' }, shape: { field: 'solver', type: 'nominal', title: null } } },
        ],
      },
      resolve: { scale: { y: 'independent' } },
      title: { text: 'Regimes: kinetic (dots, eps = 1e-3) beside the limit equation (lines)', subtitle: `rho_in = 0.1 + exp(−80 (x − 1/2)²), N = ${N}, Nv = ${Nv}` },
    },
    profiles,
  );
  const fig2 = await w.figure(
    'regimes_2d',
    {
      data: { values: heat },
      facet: { row: { field: 't', type: 'nominal', title: null }, column: { field: 'solver', type: 'nominal', title: null } },
      spec: {
        width: 220,
        height: 220,
        mark: { type: 'rect' },
        encoding: unitSquareMapEncoding(),
      },
      title: { text: 'Logarithmic diffusion in 2D (alpha = 1)', subtitle: `kinetic eps = ${num(eps)} (left) and the limit rho_t = Δ log rho (right), ${N2}² cells, Nv = ${nv2}²` },
    },
    heat,
  );
  const results = { eps, N, Nv, N2, nv2, rows };
  w.json('results.json', results);
  const wall = nowSeconds() - t0;
  w.text(
    'report.md',
    `# Study: regimes${q ? ' — quick' : ''}

The kinetic equation at eps = ${eps} next to its diffusive limit d_t rho = div(rho^−alpha ∇rho)
(DiffusionSolver, same grid and steps): porous medium (alpha = −1, −2: slow diffusion where rho is small,
steep fronts), heat (alpha = 0), fast diffusion (alpha = 0.5), and logarithmic diffusion in 2D (alpha = 1).
The floor 0.1 (0.2 in 2D) keeps rho bounded below, as the theory requires.

![regimes_1d](${fig1})
![regimes_2d](${fig2})

${mdTable(rows.map((r) => ({ regime: r.regime, t: num(r.t as number), '||rho_kin − rho_lim||_L2': num(r.l2_kinetic_minus_limit as number, 2, false), 'max |rho_kin − rho_lim|': num(r.max_abs as number, 2, false) })))}
## Checks
${checksMarkdown(checks)}
Wall time ${wall.toFixed(1)} s. Data: regimes.csv, regimes_1d.csv, regimes_2d.csv, results.json.
`,
  );
  return { name: 'regimes', quick: q, wallSeconds: wall, results, checks, files: w.files };
}

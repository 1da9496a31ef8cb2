/**
 * 2D kinetic walls, diffuse and absorbing (src/solvers/kinetic/kinetic2dWalls.ts, src/solvers/transport/walls2d.ts;
 * docs/kinetic-scheme.md "Walls"): y-independent data reproduce the 1D walled solver, mass + outflow per
 * side and the bounds on rough and vacuum data over eps x alpha, eps -> 0 against the limit equation's 2D
 * box (zero flux; Dirichlet at the Milne distance x0 eps), inflow against 1D, rejected attempts, save/restore and resume.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { DiffusionSolver } from '../src/solvers/diffusion/solver.js';
import { makeDomainGrid, cellAverages, type BoundarySide, type Grid } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { powerLaw, type RateLaw } from '../src/models/rate.js';
import type { WallSide1D } from '../src/solvers/transport/walls1d.js';
import { wallLayer } from '../src/solvers/kinetic/milne.js';
import { validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { Simulation } from '../src/simulation/simulation.js';
import { simulationOptions } from '../src/simulation/options.js';
import type { AdaptiveStepper } from '../src/solvers/stepper.js';
import { assertResumesAfterPowerCut } from './support/powerCut.js';

type Kind = 'specular' | 'diffuse' | 'absorbing' | 'periodic';

function box(nx: number, ny: number, x: [Kind, Kind], y: [Kind, Kind]): Grid {
  const s = (k: Kind): BoundarySide => ({ kind: k });
  return makeDomainGrid({ geometry: 'cartesian', spaceDim: 2, cells: [nx, ny], box: [[0, 1], [0, 1]], sides: [[s(x[0]), s(x[1])], [s(y[0]), s(y[1])]], spacing: { kind: 'uniform' } });
}

function walls(k: [Kind, Kind]): readonly [WallSide1D, WallSide1D] | null {
  return k[0] === 'periodic' ? null : [{ kind: k[0] as WallSide1D['kind'] }, { kind: k[1] as WallSide1D['kind'] }];
}

function solver2d(n: number, nv: number, eps: number, rate: RateLaw, h0: Float64Array, x: [Kind, Kind], y: [Kind, Kind], bounds?: [number, number]): KineticSolver {
  return new KineticSolver({ grid: box(n, n, x, y), velocity: velocityGrid(2, nv), rate, eps, h0, walls: [walls(x), walls(y)], bounds });
}

/** One step as the simulation takes it: a failed attempt is retried as two halves; returns the retries. */
function advance(s: KineticSolver, dt: number, depth = 0): number {
  if (s.attempt(dt) !== Infinity) {
    s.accept();
    return 0;
  }
  assert.ok(depth < 12, `dt = ${dt}: ${s.lastFailure}`);
  return 1 + advance(s, dt / 2, depth + 1) + advance(s, dt / 2, depth + 1);
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);

test('walls2d: y-independent data between diffuse or absorbing x walls (y periodic), and x-independent data between y walls, reproduce the 1D walled solver', () => {
  const n = 4;
  const N = 16;
  const v1 = velocityGrid(1, n);
  const v2 = velocityGrid(2, n);
  const K = n * n;
  const diffs: string[] = [];
  for (const kind of ['diffuse', 'absorbing'] as const) {
    for (const alpha of [1, -1]) {
      for (const eps of [1, 0.1, 1e-3, 1e-8]) {
        const rate = powerLaw(alpha);
        const f = (x: number, u: number) => (0.5 + (x > 0.3 ? 1 : 0)) * (1 + (0.3 * u) / (1 + u * u));
        const side = { kind } as BoundarySide;
        const g1 = makeDomainGrid({ geometry: 'cartesian', spaceDim: 1, cells: [N], box: [[0, 1]], sides: [[side, side]], spacing: { kind: 'uniform' } });
        const h1 = new Float64Array(N * n);
        for (let k = 0; k < n; k++) cellAverages(g1, (x) => f(x, v1.v[0][k])).forEach((a, i) => (h1[i * n + k] = a));
        const w: [WallSide1D, WallSide1D] = [{ kind }, { kind }];
        const s1 = new KineticSolver({ grid: g1, velocity: v1, rate, eps, h0: h1, walls: [w] });
        const g2 = box(N, 4, [kind, kind], ['periodic', 'periodic']);
        const h2 = new Float64Array(g2.cells * K);
        for (let c = 0; c < g2.cells; c++) for (let k = 0; k < K; k++) h2[c * K + k] = h1[(c % N) * n + (k % n)];
        const s2 = new KineticSolver({ grid: g2, velocity: v2, rate, eps, h0: h2, walls: [w, null] });
        // the same with the walls in y (x periodic, x-independent data): the y faces' code path
        const g3 = box(4, N, ['periodic', 'periodic'], [kind, kind]);
        const h3 = new Float64Array(g3.cells * K);
        for (let c = 0; c < g3.cells; c++) for (let k = 0; k < K; k++) h3[c * K + k] = h1[Math.floor(c / 4) * n + Math.floor(k / n)];
        const s3 = new KineticSolver({ grid: g3, velocity: v2, rate, eps, h0: h3, walls: [null, w] });
        for (let j = 0; j < 10; j++) {
          s1.step(0.01);
          s2.step(0.01);
          s3.step(0.01);
        }
        const r1 = s1.rho();
        const r2 = s2.rho();
        const r3 = s3.rho();
        let e = 0;
        for (let c = 0; c < g2.cells; c++) e = Math.max(e, Math.abs(r2[c] - r1[c % N]), Math.abs(r3[c] - r1[Math.floor(c / 4)]));
        const o3 = s3.outflow();
        assert.ok(Math.abs(o3[2] - s1.outflow()[0]) < 1e-10 && Math.abs(o3[3] - s1.outflow()[1]) < 1e-10 && o3[0] === 0 && o3[1] === 0, `y walls: outflow ${Array.from(o3)}`);
        diffs.push(`${kind} a${alpha} e${eps}: ${e.toExponential(1)}`);
        // the 2D walled scheme solves its implicit system to round-off (no approximate factorisation): the 1D
        // scheme exactly, up to the solvers' tolerance 1e-12
        assert.ok(e < 1e-10, `${kind}, alpha ${alpha}, eps ${eps}: 2D and 1D boxes differ by ${e}`);
        const o1 = s1.outflow();
        const o2 = s2.outflow();
        assert.ok(Math.abs(o2[0] - o1[0]) < 1e-10 && Math.abs(o2[1] - o1[1]) < 1e-10 && o2[2] === 0 && o2[3] === 0, `outflow ${Array.from(o2)} vs 1D ${Array.from(o1)}`);
        if (kind === 'absorbing') assert.ok(o2[0] > 0 && o2[1] > 0);
        else assert.ok(o2.every((o) => o === 0), 'diffuse walls: no net flux, exactly');
      }
    }
  }
  console.log(`# 2D vs 1D walled box, max |Δrho|: ${diffs.join('; ')}`);
});

test('walls2d: a y-independent inflow wall (x low, the given h in t and vx) against an absorbing one reproduces the 1D walled solver; mass + outflow', () => {
  const n = 4;
  const N = 16;
  const v1 = velocityGrid(1, n);
  const v2 = velocityGrid(2, n);
  const K = n * n;
  const g = (t: number, v: number) => 1 + 0.5 * Math.sin(20 * t) + (0.2 * v * v) / (1 + v * v);
  const diffs: string[] = [];
  // (alpha = 1 at eps = 1e-8 with an absorbing wall is the case whose wall layer needs dt ~ eps (1D docs): at this
  // fixed dt neither scheme resolves it and the two differ after their limiters act; not compared)
  for (const [alpha, eps] of [[1, 1], [1, 0.1], [1, 1e-3], [-1, 1], [-1, 0.1], [-1, 1e-3], [-1, 1e-8]]) {
    const rate = powerLaw(alpha);
    const f = (x: number, u: number) => (0.5 + (x > 0.3 ? 1 : 0)) * (1 + (0.3 * u) / (1 + u * u));
    const sides: [BoundarySide, BoundarySide] = [{ kind: 'inflow', h: '(given)' }, { kind: 'absorbing' }];
    const g1 = makeDomainGrid({ geometry: 'cartesian', spaceDim: 1, cells: [N], box: [[0, 1]], sides: [sides], spacing: { kind: 'uniform' } });
    const h1 = new Float64Array(N * n);
    for (let k = 0; k < n; k++) cellAverages(g1, (x) => f(x, v1.v[0][k])).forEach((a, i) => (h1[i * n + k] = a));
    const s1 = new KineticSolver({ grid: g1, velocity: v1, rate, eps, h0: h1, walls: [[{ kind: 'inflow', g }, { kind: 'absorbing' }]], bounds: [0, 2] });
    const g2 = makeDomainGrid({ geometry: 'cartesian', spaceDim: 2, cells: [N, 4], box: [[0, 1], [0, 1]], sides: [sides, [{ kind: 'periodic' }, { kind: 'periodic' }]], spacing: { kind: 'uniform' } });
    const h2 = new Float64Array(g2.cells * K);
    for (let c = 0; c < g2.cells; c++) for (let k = 0; k < K; k++) h2[c * K + k] = h1[(c % N) * n + (k % n)];
    const s2 = new KineticSolver({ grid: g2, velocity: v2, rate, eps, h0: h2, walls: [[{ kind: 'inflow', g2: (t, vx) => g(t, vx) }, { kind: 'absorbing' }], null], bounds: [0, 2] });
    const m0 = s2.mass();
    for (let j = 0; j < 10; j++) {
      s1.step(0.01);
      s2.step(0.01);
      const err = Math.abs(s2.mass() + sum(s2.outflow()) - m0);
      assert.ok(err < 1e-12, `alpha ${alpha}, eps ${eps}: mass + outflow off by ${err}`);
    }
    const r1 = s1.rho();
    const r2 = s2.rho();
    let e = 0;
    for (let c = 0; c < g2.cells; c++) e = Math.max(e, Math.abs(r2[c] - r1[c % N]));
    diffs.push(`a${alpha} e${eps}: ${e.toExponential(1)}`);
    assert.ok(e < 1e-9, `alpha ${alpha}, eps ${eps}: 2D and 1D inflow boxes differ by ${e}`);
    const o1 = s1.outflow();
    const o2 = s2.outflow();
    assert.ok(o2[0] < 0 && Math.abs(o2[0] - o1[0]) < 1e-9 && Math.abs(o2[1] - o1[1]) < 1e-9, `outflow ${Array.from(o2)} vs 1D ${Array.from(o1)}`);
  }
  console.log(`# 2D vs 1D inflow | absorbing box, max |Δrho|: ${diffs.join('; ')}`);
});

/** Rough data on an n x n box: a jump in x, a ripple in y, anisotropic in v. */
function rough(n: number, vx: ArrayLike<number>, vy: ArrayLike<number>): Float64Array {
  const K = vx.length;
  const h0 = new Float64Array(n * n * K);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) h0[(i + n * j) * K + k] = (i < n / 2 ? 0.5 : 2) * (vx[k] > 0 ? 1.5 : 0.8) * (vy[k] < 0 ? 1.2 : 1) + 0.2 * Math.abs(Math.sin(7 * i + 5 * j + 3 * k));
    }
  }
  return h0;
}

/** Vacuum data: h = 0 outside a block away from the walls, anisotropic inside. */
function vacuum(n: number, vx: ArrayLike<number>, vy: ArrayLike<number>): Float64Array {
  const K = vx.length;
  const h0 = new Float64Array(n * n * K);
  const a = Math.floor(n / 4);
  const b = Math.floor((3 * n) / 5);
  for (let j = a; j < b; j++) for (let i = a; i < b; i++) for (let k = 0; k < K; k++) h0[(i + n * j) * K + k] = 1 + (vx[k] > 0 ? 0.5 : 0) + (vy[k] > 0 ? 0.25 : 0);
  return h0;
}

test('walls2d: mass + outflow per side to 1e-12 and 0 <= h <= A on rough and vacuum data, eps in {10, 1, 1e-2, 1e-4, 1e-8} x alpha in {-2, -1, 1, 2} (vacuum with alpha > 0 next to absorbing walls not at eps = 1e-8)', () => {
  const n = 12;
  const nv = 4;
  const vel = velocityGrid(2, nv);
  const [vx, vy] = vel.v;
  const cases: [[Kind, Kind], [Kind, Kind]][] = [
    [['diffuse', 'diffuse'], ['diffuse', 'diffuse']],
    [['absorbing', 'absorbing'], ['absorbing', 'absorbing']],
    [['diffuse', 'absorbing'], ['specular', 'absorbing']],
  ];
  let worstMass = 0;
  let worstBound = 0;
  let retries = 0;
  let steps = 0;
  for (const [x, y] of cases) {
    for (const data of ['rough', 'vacuum'] as const) {
      const h0 = data === 'rough' ? rough(n, vx, vy) : vacuum(n, vx, vy);
      const A = Math.max(...h0);
      for (const eps of [10, 1, 1e-2, 1e-4, 1e-8]) {
        for (const alpha of [-2, -1, 1, 2]) {
          const absorbing = x.includes('absorbing') || y.includes('absorbing');
          // not covered (open, docs/kinetic-scheme.md "Walls"): vacuum with alpha > 0 at eps = 1e-8 next to an
          // absorbing wall (the occupied cells' absorbing wall layer, as in 1D: GMRES diverges at any dt tried)
          const streaming = data === 'vacuum' && alpha > 0 && eps <= 1e-2;
          if (streaming && absorbing && eps < 1e-4) continue;
          const lo = data === 'vacuum' || absorbing ? 0 : Math.min(...h0);
          const s = solver2d(n, nv, eps, powerLaw(alpha), h0, x, y, [lo, A]);
          const m0 = s.mass();
          for (let j = 0; j < 4; j++) {
            const r = advance(s, 0.02);
            retries += r;
            steps++;
            // free streaming through the vacuum to diffuse and specular walls (CFL dt/(eps dx) up to 2.4e8): the
            // preconditioner takes the walls' couplings between velocities (Woodbury), so no attempt fails
            // (without them GMRES stagnates: 7 halvings at eps = 1e-4, none enough at 1e-8)
            if (streaming) assert.equal(r, 0, `${x}/${y} vacuum, eps ${eps}, alpha ${alpha}: ${r} retried attempts`);
            const out = s.outflow();
            const err = Math.abs(s.mass() + sum(out) - m0);
            worstMass = Math.max(worstMass, err);
            assert.ok(err < 1e-12, `${x}/${y} ${data}, eps ${eps}, alpha ${alpha}: mass + outflow off by ${err}`);
            // per side: diffuse and specular sides pass nothing, absorbing ones only let mass out
            const kinds = [x[0], x[1], y[0], y[1]];
            kinds.forEach((k, i) => {
              if (k === 'absorbing') assert.ok(out[i] >= 0, `absorbing side ${i}: inflow ${out[i]}`);
              else assert.equal(out[i], 0, `${k} side ${i}: outflow ${out[i]}`);
            });
            const h = s.h();
            for (let p = 0; p < h.length; p++) {
              const v = Math.max(lo - h[p], h[p] - A, 0);
              worstBound = Math.max(worstBound, v);
              assert.ok(v <= 1e-14 * A, `${x}/${y} ${data}, eps ${eps}, alpha ${alpha}: h = ${h[p]} outside [${lo}, ${A}]`);
            }
          }
        }
      }
    }
  }
  console.log(`# 2D walls: worst |mass + outflow - m0| ${worstMass.toExponential(1)}, worst bound violation ${worstBound.toExponential(1)}, ${retries} retried of ${steps} steps`);
});

test('walls2d: as eps -> 0, diffuse walls give the zero-flux box and absorbing walls the Dirichlet box at the Milne distance x0 eps (2D limit solver)', () => {
  const n = 12;
  const nv = 4;
  const T = 0.04;
  const nt = 80;
  const rate = powerLaw(0);
  const x0 = wallLayer(velocityGrid(1, nv).v[0], velocityGrid(1, nv).w).x0;
  const zf = box(n, n, ['diffuse', 'diffuse'], ['diffuse', 'diffuse']);
  const rho0 = cellAverages(zf, (x, y) => 0.2 + Math.sin(Math.PI * x) * Math.sin(Math.PI * y) * (1 + 0.3 * x) + 0.2 * y);
  const fromRho = (r: Float64Array) => {
    const K = nv * nv;
    const h = new Float64Array(r.length * K);
    for (let c = 0; c < r.length; c++) h.fill(r[c], c * K, (c + 1) * K);
    return h;
  };
  const kin = (kind: 'diffuse' | 'absorbing' | 'specular', eps: number, steps = nt) => {
    const s = solver2d(n, nv, eps, rate, fromRho(rho0), [kind, kind], [kind, kind], [0, 2]);
    for (let j = 0; j < steps; j++) s.step(T / steps);
    return Float64Array.from(s.rho());
  };
  const lim = (side: BoundarySide, steps = nt) => {
    const grid = makeDomainGrid({ geometry: 'cartesian', spaceDim: 2, cells: [n, n], box: [[0, 1], [0, 1]], sides: [[side, side], [side, side]], spacing: { kind: 'uniform' } });
    const s = new DiffusionSolver({ grid, rate, rho0: Float64Array.from(rho0) });
    for (let j = 0; j < steps; j++) s.step(T / steps);
    return Float64Array.from(s.rho());
  };
  // zero flux: as eps -> 0 the diffuse box's density is the specular box's (mirror images) and within the two
  // schemes' time-discretisation difference of the limit solver's zero-flux box (4.4e-5 here, 7.0e-4 with 20
  // steps: it falls like dt^2); the kinetic density approaches its eps -> 0 value at second order in eps
  const EPSS = [0.2, 0.1, 0.05];
  const zl = lim({ kind: 'zero-flux' });
  const d0 = kin('diffuse', 1e-10);
  const floor = maxAbs(d0, zl);
  const mirror = maxAbs(d0, kin('specular', 1e-10));
  const errs = EPSS.map((eps) => maxAbs(kin('diffuse', eps), d0));
  const order = Math.log2(errs[0] / errs[2]) / 2;
  console.log(`# 2D diffuse walls: max |rho(eps) - rho(eps -> 0)| ${errs.map((e) => e.toExponential(2)).join(', ')} at eps = ${EPSS.join(", ")} (order ${order.toFixed(2)}); eps -> 0 vs the limit solver ${floor.toExponential(1)}, vs specular ${mirror.toExponential(1)}`);
  assert.ok(floor < 1e-4 && mirror < 1e-9, `diffuse at eps -> 0: ${floor} from the zero-flux limit, ${mirror} from the specular box`);
  assert.ok(order > 1.7 && order < 2.5, `diffuse: errors ${errs}, order ${order}`);
  // absorbing: the O(eps) shift of the kinetic density is the limit's shift with the Dirichlet value 0 at x0 eps
  const k0 = kin('absorbing', 1e-10, 20);
  const dir = (d: number) => lim({ kind: 'dirichlet', value: 0, distance: d } as BoundarySide, 20);
  const l0 = dir(0);
  const out: string[] = [];
  for (const eps of [2.5e-3, 1.25e-3]) {
    const dk = kin('absorbing', eps, 20).map((v, i) => v - k0[i]);
    const shift = maxAbs(dk, new Float64Array(dk.length));
    const miss = (factor: number) => maxAbs(dk, dir(factor * x0 * eps).map((v, i) => v - l0[i]));
    out.push(`eps ${eps}: shift ${shift.toExponential(2)}, miss ${miss(1).toExponential(2)} (0.9 x0: ${miss(0.9).toExponential(2)}, 0 : ${miss(0).toExponential(2)})`);
    assert.ok(miss(1) < 1e-2 * shift, `absorbing, eps ${eps}: the Milne-corrected limit misses the kinetic shift ${shift} by ${miss(1)}`);
    assert.ok(miss(0.9) > 0.05 * shift && miss(0) > 0.5 * shift, `absorbing, eps ${eps}: the check is sensitive to x0`);
  }
  console.log(`# 2D absorbing walls, x0 = ${x0.toFixed(6)}: ${out.join('; ')}`);
});

test('walls2d: a rejected attempt leaves a diffuse/absorbing 2D run untouched; save/restore continues bit for bit; a run cut after a checkpoint resumes to the same bytes', async () => {
  const input = {
    model: { equation: 'kinetic', dim: 2, alpha: 1, eps: 0.1 },
    domain: { cells: [8, 6], box: [[0, 1], [0, 2]], boundary: { x: ['diffuse', 'absorbing'], y: ['specular', 'diffuse'] } },
    velocity: { nodes: 4 },
    initial: { rho: '0.5 + step(x - 0.3)*step(y - 1.2)' },
    time: { end: 0.05 },
  };
  const warmed = () => {
    const config = validateConfig(input);
    const problem = buildProblem(config);
    const sim = new Simulation(problem, simulationOptions(config, problem));
    let k = 0;
    sim.run(() => ++k >= 6);
    return { problem, sim, stepper: problem.stepper as AdaptiveStepper & KineticSolver };
  };
  const bits = (x: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  const a = warmed();
  const b = warmed();
  const before = a.stepper.saveState();
  const dt = a.sim.controller.state.dtNext;
  const big = a.stepper.attempt(50 * dt);
  assert.ok(big > a.sim.controller.threshold || big === Infinity, `a 50x step should fail (err ${big})`);
  const after = a.stepper.saveState();
  for (const k of Object.keys(before)) {
    if (/Iterations/.test(k)) continue;
    const x = before[k];
    const y = after[k];
    if (x instanceof Float64Array && y instanceof Float64Array) assert.ok(bits(x).equals(bits(y)), `${k} changed by a rejected attempt`);
    else assert.ok(Object.is(x, y), `${k} changed by a rejected attempt`);
  }
  assert.ok(Object.is(a.stepper.attempt(dt), b.stepper.attempt(dt)));
  a.stepper.accept();
  b.stepper.accept();
  assert.ok(bits(a.stepper.h()).equals(bits(b.stepper.h())) && bits(a.stepper.outflow()).equals(bits(b.stepper.outflow())));
  const d = warmed();
  const saved = d.sim.saveState();
  const savedStepper = d.stepper.saveState();
  d.sim.run();
  const c = warmed();
  c.stepper.step(dt);
  c.sim.restoreState(saved);
  c.stepper.restoreState(savedStepper);
  c.sim.run();
  assert.ok(bits(d.stepper.h()).equals(bits(c.stepper.h())), 'h after the restored run');
  assert.ok(bits(d.stepper.outflow()).equals(bits(c.stepper.outflow())) && d.stepper.outflow()[1] > 0, 'outflow after the restored run');

  // through the run directory: a power cut after a checkpoint, then resume
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-walls2d-'));
  const config = validateConfig({ ...input, time: { end: 0.03, rtol: 1e-4 }, output: { times: [0.01, 0.03], series_every: 3 }, checkpoint: { every_steps: 5 } });
  const { cut } = await assertResumesAfterPowerCut(config, root, 12);
  const header = fs.readFileSync(path.join(cut, 'series.csv'), 'utf8').split('\n')[0];
  assert.match(header, /outflow_x_lo,outflow_x_hi,outflow_y_lo,outflow_y_hi/);
  fs.rmSync(root, { recursive: true, force: true });
});

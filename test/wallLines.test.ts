/**
 * The factored line solves of the 2D walled kinetic solver's preconditioner (src/solvers/kinetic/wallLines2d.ts):
 * for a velocity with one zero component the block M̃_k is a single line operator, so the lines must solve it
 * exactly — the same answer as the banded LU to round-off — which checks each direction's assembly, the wall
 * faces' own terms (specular, diffuse, absorbing) and the periodic bordering; for the other velocities the
 * answers differ by at most the splitting bound ‖X‖∞‖Y‖∞. Whole runs with the lines and with the banded LU
 * ('exact') agree to the solver's tolerance, with the same GMRES iterations within a few.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { makeDomainGrid, cellAverages, type BoundarySide, type Grid } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { powerLaw } from '../src/models/rate.js';
import type { WallSide1D } from '../src/solvers/transport/walls1d.js';

type Kind = 'specular' | 'diffuse' | 'absorbing' | 'periodic';

function box(nx: number, ny: number, x: [Kind, Kind], y: [Kind, Kind]): Grid {
  const s = (k: Kind): BoundarySide => ({ kind: k });
  return makeDomainGrid({ geometry: 'cartesian', spaceDim: 2, cells: [nx, ny], box: [[0, 1], [0, 1]], sides: [[s(x[0]), s(x[1])], [s(y[0]), s(y[1])]], spacing: { kind: 'uniform' } });
}

const walls = (k: [Kind, Kind]): readonly [WallSide1D, WallSide1D] | null => (k[0] === 'periodic' ? null : [{ kind: k[0] as WallSide1D['kind'] }, { kind: k[1] as WallSide1D['kind'] }]);

function solver(nx: number, ny: number, nodes: number, eps: number, x: [Kind, Kind], y: [Kind, Kind], perVelocitySolve: 'factored' | 'exact' = 'factored'): KineticSolver {
  const grid = box(nx, ny, x, y);
  const velocity = velocityGrid(2, nodes);
  const K = velocity.count;
  const rho = cellAverages(grid, (a, b) => 1 + 0.6 * Math.exp(-20 * ((a - 0.4) ** 2 + (b - 0.6) ** 2)));
  const h0 = new Float64Array(grid.cells * K);
  for (let c = 0; c < grid.cells; c++) for (let k = 0; k < K; k++) h0[c * K + k] = rho[c] * (1 + 0.2 * Math.tanh(velocity.v[0][k] - 0.5 * velocity.v[1][k]));
  return new KineticSolver({ grid, velocity, rate: powerLaw(1), eps, h0, walls: [walls(x), walls(y)], perVelocitySolve });
}

interface WallsInternals {
  transport: { active: Uint8Array };
  lines: { solve(k: number, y: Float64Array, off: number): void; splitting(): number };
  assembleBanded(): void;
  solveBanded(k: number, y: Float64Array, off: number): void;
  assembleL(): void;
  useLines: boolean;
  solveL(y: Float64Array): void;
  preconditioning: { lines: number; banded: number };
}

const internals = (s: KineticSolver) => (s as unknown as { impl: WallsInternals }).impl;

const BOXES: [Kind, Kind][][] = [
  [['specular', 'absorbing'], ['specular', 'absorbing']],
  [['diffuse', 'absorbing'], ['periodic', 'periodic']],
  [['periodic', 'periodic'], ['absorbing', 'diffuse']],
  [['absorbing', 'specular'], ['diffuse', 'specular']],
];

test('wall lines: a velocity with one zero component is solved exactly (= banded LU), the others within the splitting bound', () => {
  for (const [x, y] of BOXES) {
    for (const eps of [1, 0.1]) {
      const s = solver(7, 5, 3, eps, x, y);
      assert.notEqual(s.attempt(0.02), Infinity, s.lastFailure);
      const W = internals(s);
      W.assembleBanded();
      const v = s.velocity.v;
      const N = 35;
      const split = W.lines.splitting();
      let checkedExact = 0;
      for (let k = 0; k < s.count; k++) {
        if (!W.transport.active[k]) continue;
        const y0 = Float64Array.from({ length: N }, (_, c) => Math.sin(1.3 * c + k) + 0.5);
        const a = y0.slice();
        const b = y0.slice();
        W.lines.solve(k, a, 0);
        W.solveBanded(k, b, 0);
        let d = 0;
        let m = 0;
        for (let c = 0; c < N; c++) {
          d = Math.max(d, Math.abs(a[c] - b[c]));
          m = Math.max(m, Math.abs(b[c]));
        }
        const what = `x ${x}, y ${y}, eps ${eps}, velocity ${k} (${v[0][k]}, ${v[1][k]})`;
        if (v[0][k] === 0 || v[1][k] === 0) {
          assert.ok(d <= 1e-13 * m, `${what}: one line operator, solved exactly (|lines − banded| = ${d}, |x| = ${m})`);
          checkedExact++;
        } else assert.ok(d <= 2 * split * m + 1e-13 * m, `${what}: within the splitting bound ${split} (|lines − banded| = ${d}, |x| = ${m})`);
      }
      assert.ok(checkedExact >= 2, `x ${x}, y ${y}, eps ${eps}: active velocities with a zero component were checked`);
      s.dispose();
    }
  }
});

test('wall lines: the density block L by multigrid CG solves what the banded LU solves', () => {
  for (const [x, y] of BOXES) {
    for (const [nx, ny] of [[7, 5], [16, 12]]) {
      const s = solver(nx, ny, 4, 0.1, x, y);
      assert.notEqual(s.attempt(0.01), Infinity, s.lastFailure);
      const W = internals(s);
      assert.ok(W.useLines, 'the step used the lines (and L by CG)');
      const N = nx * ny;
      const r = Float64Array.from({ length: N }, (_, c) => Math.cos(0.7 * c) + 0.2);
      const a = r.slice();
      W.solveL(a);
      W.assembleL();
      W.useLines = false;
      const b = r.slice();
      W.solveL(b);
      let d = 0;
      let m = 0;
      for (let c = 0; c < N; c++) {
        d = Math.max(d, Math.abs(a[c] - b[c]));
        m = Math.max(m, Math.abs(b[c]));
      }
      assert.ok(d <= 1e-8 * m, `x ${x}, y ${y}, ${nx}×${ny}: |CG − banded| = ${d}, |z| = ${m}`);
      s.dispose();
    }
  }
});

test('wall lines: whole runs with the factored lines and with the banded LU agree to the solver tolerance', () => {
  for (const [x, y] of BOXES) {
    const a = solver(10, 8, 4, 0.1, x, y);
    const b = solver(10, 8, 4, 0.1, x, y, 'exact');
    for (let i = 0; i < 6; i++) {
      a.step(0.004);
      b.step(0.004);
    }
    const pa = internals(a).preconditioning;
    const pb = internals(b).preconditioning;
    assert.ok(pa.lines > 0 && pa.banded === 0, `x ${x}, y ${y}: the lines were used (${JSON.stringify(pa)})`);
    assert.ok(pb.lines === 0 && pb.banded > 0, `x ${x}, y ${y}: 'exact' keeps the banded LU (${JSON.stringify(pb)})`);
    const ha = a.h();
    const hb = b.h();
    let d = 0;
    for (let i = 0; i < ha.length; i++) d = Math.max(d, Math.abs(ha[i] - hb[i]));
    assert.ok(d < 1e-9, `x ${x}, y ${y}: h differs by ${d}`);
    assert.ok(a.counters.solverIterations <= 2 * b.counters.solverIterations + 6, `x ${x}, y ${y}: GMRES iterations ${a.counters.solverIterations} with lines, ${b.counters.solverIterations} banded`);
    a.dispose();
    b.dispose();
  }
});

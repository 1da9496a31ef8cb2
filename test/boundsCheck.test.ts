/**
 * The per-step check of the discrete maximum principle (Theorem 2.1) without building h
 * (MicroMacroSolver.hOutside): the 1D and 2D levels test rho + q in their own layout, and the 2D torus
 * stepper reads the extremes its bound projection found (O(cells)). Both must agree exactly with the
 * extremes of h() — the check is only as good as that — on rough data where the limiter scales cells,
 * with 1 and 2 threads, and fall back to the pass over q for a level the projection did not produce.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KineticSolver } from '../src/solvers/kinetic/solver.js';
import { makeGrid } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { powerLaw } from '../src/models/rate.js';

/** The neighbouring doubles of a finite positive x (bit pattern ± 1). */
function ulpStep(x: number, d: 1 | -1): number {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  b.setBigUint64(0, b.getBigUint64(0) + BigInt(d));
  return b.getFloat64(0);
}
const nextUp = (x: number) => ulpStep(x, 1);
const nextDown = (x: number) => ulpStep(x, -1);

function roughSolver(dim: 1 | 2, eps: number, threads = 1): KineticSolver {
  const n = dim === 1 ? 24 : 16;
  const grid = makeGrid(dim === 1 ? [n] : [n, n]);
  const velocity = velocityGrid(dim, dim === 1 ? 8 : 4);
  const K = velocity.count;
  const h0 = new Float64Array(grid.cells * K);
  for (let p = 0; p < grid.cells; p++) {
    const i = p % n;
    const r = i < n / 2 ? 0.5 : 2;
    for (let k = 0; k < K; k++) h0[p * K + k] = r * (velocity.v[0][k] > 0 ? 1.5 : 0.8);
  }
  return new KineticSolver({ grid, velocity, rate: powerLaw(1), eps, h0, threads });
}

function extremes(h: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of h) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return [lo, hi];
}

/** hOutside(lo, hi) is null exactly when [lo, hi] contains every value of h(). */
function assertExact(s: KineticSolver, what: string): void {
  const [lo, hi] = extremes(s.h());
  assert.equal(s.hOutside(lo, hi), null, `${what}: [min h, max h] holds h`);
  const above = s.hOutside(lo, nextDown(hi));
  assert.ok(above && above.value === hi, `${what}: max h one ulp above the upper bound is caught (${JSON.stringify(above)})`);
  const below = s.hOutside(nextUp(lo), hi);
  assert.ok(below && below.value === lo, `${what}: min h one ulp below the lower bound is caught (${JSON.stringify(below)})`);
  const h = s.h();
  const K = s.count;
  assert.equal(h[above!.cell * K + above!.node], hi, `${what}: the breach is named at its cell and node`);
}

test('bounds check: hOutside agrees to the ulp with the extremes of h in 1D and 2D, with the limiter acting, 1 and 2 threads', () => {
  for (const dim of [1, 2] as const) {
    for (const eps of [10, 1, 1e-2]) {
      for (const threads of dim === 2 ? [1, 2] : [1]) {
        const s = roughSolver(dim, eps, threads);
        const what = `${dim}D eps = ${eps}, ${threads} thread(s)`;
        assertExact(s, `${what}, initial data`);
        const dt = s.suggestedDt();
        for (let i = 0; i < 4; i++) {
          s.step(dt);
          assertExact(s, `${what}, step ${i + 1}`);
        }
        if (eps === 10) assert.ok(s.counters.hLimiterCells > 0, `${what}: the limiter scaled cells (the case the projection's extremes must get right)`);
        s.dispose();
      }
    }
  }
});

test('bounds check: a restored level is tested by the pass over q, not by stale extremes', () => {
  const s = roughSolver(2, 1);
  const dt = s.suggestedDt();
  const saved = s.saveState();
  for (let i = 0; i < 3; i++) s.step(dt);
  s.restoreState(saved);
  assertExact(s, '2D after restoreState');
  s.dispose();
});

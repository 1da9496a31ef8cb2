/**
 * The 2D kinetic series row's WebAssembly kernels (src/diagnostics/wasm/series.wat: levelPass, Lemma 2.5's terms
 * with and without the residual sums, the Parseval mode loop) give the JavaScript path's row (NLBGK_KERNELS=js)
 * to round-off: every column to 1e-12 relative (the cell sums run as two interleaved partial sums), h_min, h_max
 * and Lemma 2.4's ratios exactly, NaN where the JavaScript has NaN. On a 2D kinetic run (32² cells, 4² nodes,
 * rows every step with the moments from the stepper, both Helmholtz symbols), on synthetic levels of random q
 * (oblong, nx = 2, ny odd; the rows of a fresh, a cached and a repeated sample), and with a NaN in q. The
 * WebAssembly path is the one taken (its call counter moves) and not with NLBGK_KERNELS=js, nx odd or in 1D.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KineticSeries } from '../src/diagnostics/kineticSeries.js';
import { seriesWasmCalls } from '../src/diagnostics/seriesWasm.js';
import { makeGrid, type Grid } from '../src/grid/grid.js';
import { velocityGrid } from '../src/velocity/gaussHermite.js';
import { validateConfig } from '../src/config/validate.js';
import { buildProblem } from '../src/simulation/build.js';
import { newLevelId, type MicroLevel } from '../src/solvers/microMacro/levels.js';
import type { KineticSolver } from '../src/solvers/kinetic/solver.js';
import type { HelmholtzSymbol } from '../src/grid/fourier.js';
import { uniform } from './support/bytes.js';

type Opts = ConstructorParameters<typeof KineticSeries>[2];
type Row = ReturnType<KineticSeries['sample']>;

/** A KineticSeries built with NLBGK_KERNELS set to `kernels` (undefined: unset), the variable restored after. */
function series(grid: Grid, nodes: number, opts: Opts, kernels: string | undefined): KineticSeries {
  const before = process.env.NLBGK_KERNELS;
  if (kernels === undefined) delete process.env.NLBGK_KERNELS;
  else process.env.NLBGK_KERNELS = kernels;
  try {
    return new KineticSeries(grid, velocityGrid(grid.dim as 1 | 2, nodes), opts);
  } finally {
    if (before === undefined) delete process.env.NLBGK_KERNELS;
    else process.env.NLBGK_KERNELS = before;
  }
}

const EXACT = new Set(['h_min', 'h_max', 'lemma24_j', 'lemma24_E']);

function agree(wasm: Row, js: Row, what: string): void {
  assert.deepEqual(Object.keys(wasm).sort(), Object.keys(js).sort());
  for (const [k, want] of Object.entries(js)) {
    const got = wasm[k as keyof Row];
    if (EXACT.has(k) || !Number.isFinite(want)) assert.ok(Object.is(got, want), `${what} ${k}: ${got} against ${want} (exactly)`);
    else assert.ok(Math.abs(got - want) <= 1e-12 * Math.abs(want), `${what} ${k}: ${got} against ${want}`);
  }
}

test('series rows of a 2D kinetic run: the WebAssembly kernels give the JavaScript rows to 1e-12 (min, max, ratios exactly), both symbols', () => {
  const config = validateConfig({
    model: { equation: 'kinetic', dim: 2, alpha: 1, eps: 0.05 },
    domain: { cells: [32, 32] },
    velocity: { nodes: 4 },
    initial: { h: '1 + 0.4*step(x-0.5)*cos(2*pi*y) + 0.2*vx*vy/(1+vx^2) + 0.1*sin(2*pi*(x+2*y))*vy' },
    time: { end: 0.01, dt: 0.001 },
    compute: { threads: 2 },
  });
  const problem = buildProblem(config);
  const s = problem.stepper as unknown as KineticSolver;
  const opts = { eps: 0.05, lambda: (r: number) => problem.rate.lambda(r) };
  for (const symbol of [undefined, 'paper'] as (HelmholtzSymbol | undefined)[]) {
    const o = { ...opts, symbol };
    const w = series(problem.grid, 4, o, undefined);
    const j = series(problem.grid, 4, o, 'js');
    const provider = (p: boolean) => s.levelMoments(p);
    for (let step = 0; step < 4; step++) {
      const calls = seriesWasmCalls();
      const a = w.sample(s.microLevel()!, s.microLevel(true), s.previousDt(), provider);
      // levelPass and the mode loop; from the first step on also Lemma 2.5's terms (with the residuals)
      assert.ok(seriesWasmCalls() >= calls + (step > 0 ? 3 : 2), 'the WebAssembly kernels ran');
      const b = j.sample(s.microLevel()!, s.microLevel(true), s.previousDt(), provider);
      agree(a, b, `symbol ${symbol} step ${step}`);
      if (step > 0) assert.ok(Number.isFinite(a.res_rho) && Number.isFinite(a.res_j));
      s.step(0.001);
    }
  }
});

/** A velocity-major level (as Levels2D) of random q. */
function level(grid: Grid, K: number, seed: number, nan = false): MicroLevel {
  const N = grid.cells;
  const rnd = uniform(seed);
  const rho = Float64Array.from({ length: N }, () => rnd(0.5, 1.5));
  const q = Float64Array.from({ length: N * K }, () => rnd(-0.3, 0.3));
  if (nan) q[3 + N * 2] = NaN;
  return { rho, q, cellStride: 1, velocityStride: N, id: newLevelId() };
}

test('series rows on random levels: fresh, cached and repeated samples; oblong, nx = 2, ny odd; a NaN in q', () => {
  for (const [nx, ny] of [[16, 8], [2, 6], [6, 5], [8, 2]] as const) {
    const grid = makeGrid([nx, ny]);
    for (const nan of [false, true]) {
      const opts: Opts = { eps: 0.2, lambda: (r: number) => 1 + r * r };
      const A = level(grid, 9, 7 + nx, false);
      const B = level(grid, 9, 11 + ny, nan);
      const [w, j] = [series(grid, 3, opts, undefined), series(grid, 3, opts, 'js')];
      const calls = seriesWasmCalls();
      for (const [now, prev, dt] of [[A, null, 0], [B, A, 0.01], [B, A, 0.01]] as const) agree(w.sample(now, prev, dt), j.sample(now, prev, dt), `${nx}×${ny} nan ${nan}`);
      // a fresh series forms the previous level's terms alone (lemma25 without the residuals)
      agree(series(grid, 3, opts, undefined).sample(B, A, 0.01), j.sample(B, A, 0.01), `${nx}×${ny} fresh`);
      assert.ok(seriesWasmCalls() > calls, `${nx}×${ny}: the WebAssembly kernels ran`);
      if (nan) {
        const r = w.sample(B, A, 0.01);
        assert.ok(Number.isNaN(r.l2_sq) && Number.isNaN(r.dl2_dt) && Number.isNaN(r.cross), 'NaN reaches the sums and the spectra');
        assert.ok(Number.isFinite(r.h_min) && Number.isFinite(r.h_max), 'min and max skip NaN, as the JavaScript comparisons');
      }
    }
  }
});

test('the JavaScript path stays with NLBGK_KERNELS=js, nx odd and 1D (the counter does not move)', () => {
  const cases: [Grid, number][] = [[makeGrid([16, 8]), 3], [makeGrid([15, 16]), 3], [makeGrid([32]), 4]];
  for (const [grid, nodes] of cases) {
    const opts: Opts = { eps: 0.2, lambda: (r: number) => 1 + r };
    const s = series(grid, nodes, opts, grid.n[0] === 16 ? 'js' : undefined);
    const K = nodes ** grid.dim;
    const N = grid.cells;
    const rnd = uniform(3);
    const mk = (): MicroLevel => grid.dim === 2
      ? level(grid, K, 5)
      : { rho: Float64Array.from({ length: N }, () => rnd(0.5, 1.5)), q: Float64Array.from({ length: N * K }, () => rnd(-0.2, 0.2)), cellStride: K, velocityStride: 1, id: newLevelId() };
    const [A, B] = [mk(), mk()];
    const calls = seriesWasmCalls();
    const r = s.sample(B, A, 0.01);
    assert.equal(seriesWasmCalls(), calls, `${grid.n}: JavaScript`);
    assert.ok(Number.isFinite(r.res_rho));
  }
});

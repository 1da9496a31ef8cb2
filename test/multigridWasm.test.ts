/**
 * The multigrid V-cycle's WebAssembly kernels (src/solvers/wasm/multigrid.wat: red-black Gauss-Seidel, residual,
 * restriction, prolongation) give byte for byte the JavaScript ones: HelmholtzMG's precondition (one V-cycle) and
 * apply (K x) on random s > 0, kx, ky and right-hand sides, square, oblong and odd-coarsening sizes, each side
 * periodic or walled, with the default (every level but the coarsest in WebAssembly) and with the small levels in
 * JavaScript (wasmMinCells 1024); the WebAssembly path is the one taken (its call counter moves) and not with NLBGK_KERNELS=js.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HelmholtzMG } from '../src/solvers/linear/multigrid.js';
import { sameBytes, uniform } from './support/bytes.js';

const SIZES = [[128, 128], [64, 32], [32, 64], [16, 16], [6, 6], [96, 80], [40, 24], [10, 7]] as const;
const SIDES = [[true, true], [false, false], [true, false], [false, true]] as const;

/** A HelmholtzMG built with NLBGK_KERNELS set to `kernels` (undefined: unset), the variable restored after. */
function build(nx: number, ny: number, periodic: readonly [boolean, boolean], kernels: string | undefined, wasmMinCells?: number): HelmholtzMG {
  const before = process.env.NLBGK_KERNELS;
  if (kernels === undefined) delete process.env.NLBGK_KERNELS;
  else process.env.NLBGK_KERNELS = kernels;
  try {
    return new HelmholtzMG(nx, ny, { periodic, wasmMinCells });
  } finally {
    if (before === undefined) delete process.env.NLBGK_KERNELS;
    else process.env.NLBGK_KERNELS = before;
  }
}

for (const [nx, ny] of SIZES) {
  for (const periodic of SIDES) {
    for (const minCells of [undefined, 1024]) {
      const name = `${nx}×${ny} periodic ${periodic.join(',')}${minCells === 1024 ? ', levels under 1024 cells in JavaScript' : ''}`;
      test(`multigrid WebAssembly = JavaScript bytes: ${name}`, () => {
        const js = build(nx, ny, periodic, 'js', minCells);
        const wasm = build(nx, ny, periodic, undefined, minCells);
        const rnd = uniform(nx * 7919 + ny * 31 + (periodic[0] ? 2 : 0) + (periodic[1] ? 1 : 0));
        const n = nx * ny;
        for (let trial = 0; trial < 3; trial++) {
          const s = Float64Array.from({ length: n }, () => rnd(0.001, 3) * (trial === 2 ? 1e-6 : 1));
          const kx = rnd(0.01, 50);
          const ky = trial === 1 ? kx : rnd(0.01, 50);
          js.setOperator(s, kx, ky);
          wasm.setOperator(s, kx, ky);
          const r = Float64Array.from({ length: n }, () => rnd(-1, 1));
          const zj = new Float64Array(n);
          const zw = new Float64Array(n);
          js.precondition(r, zj);
          wasm.precondition(r, zw);
          sameBytes(zw, zj, `${name} trial ${trial}: precondition`);
          // a second cycle on the first one's output (a different right-hand side through the same state)
          js.precondition(zj, r);
          wasm.precondition(zw, zj);
          sameBytes(zj, r, `${name} trial ${trial}: second precondition`);
          const yj = new Float64Array(n);
          const yw = new Float64Array(n);
          js.apply(zw, yj);
          wasm.apply(zw, yw);
          sameBytes(yw, yj, `${name} trial ${trial}: apply`);
        }
        assert.equal(js.wasmCalls, 0, 'NLBGK_KERNELS=js keeps the JavaScript kernels');
        const fineInWasm = minCells === undefined || n >= 1024;
        const hasCycleLevel = nx % 2 === 0 && ny % 2 === 0 && nx >= 4 && ny >= 4;
        if (fineInWasm && hasCycleLevel) assert.ok(wasm.wasmCalls > 0, `${name}: the WebAssembly kernels should run in Node after npm run build`);
        if (!fineInWasm) assert.equal(wasm.wasmCalls, 0, `${name}: below the threshold the levels stay JavaScript`);
      });
    }
  }
}

test('multigrid kernels: option js forces JavaScript', () => {
  const mg = new HelmholtzMG(64, 64, { kernels: 'js' });
  mg.setOperator(new Float64Array(64 * 64).fill(1), 1, 1);
  mg.precondition(new Float64Array(64 * 64).fill(1), new Float64Array(64 * 64));
  assert.equal(mg.wasmCalls, 0);
});

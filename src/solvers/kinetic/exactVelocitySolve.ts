/**
 * The reference mode of the 2D torus stepper's per-velocity solve (`perVelocitySolve: 'exact'`,
 * docs/kinetic-scheme.md "Per-velocity solve in 2D"): x ← M_k⁻¹ x for the exact per-velocity operator
 * M_k = a + Tx_k + Ty_k, by GMRES(60) right-preconditioned with the stabilised factorisation, to a relative
 * residual of 1e-12 (no splitting term; tens of times slower than the factorisation: for comparisons).
 */
import { Gmres, type LinearOperator } from '../linear/gmres.js';

export class ExactVelocitySolve {
  /** Inner GMRES iterations (summed). */
  iterations = 0;
  private k = 0;
  private readonly gmres: Gmres;
  private readonly r: Float64Array;
  private readonly y: Float64Array;
  private readonly op: LinearOperator;

  /** applyM(k, v, out): out = M_k v; factored(k, z): z ← Mt_k⁻¹ z (both on vectors of N). */
  constructor(
    private readonly N: number,
    applyM: (k: number, v: Float64Array, out: Float64Array) => void,
    factored: (k: number, z: Float64Array) => void,
  ) {
    this.gmres = new Gmres(N, 60);
    this.r = new Float64Array(N);
    this.y = new Float64Array(N);
    this.op = {
      apply: (v, out) => applyM(this.k, v, out),
      precondition: (r, z) => {
        z.set(r);
        factored(this.k, z);
      },
    };
  }

  /** x[off …] ← M_k⁻¹ x[off …]. */
  solve(k: number, x: Float64Array, off: number): void {
    const { N, r, y } = this;
    this.k = k;
    for (let p = 0; p < N; p++) r[p] = x[off + p];
    const out = this.gmres.solve(this.op, r, y, 1e-12, 3000, true);
    this.iterations += out.iterations;
    if (!(out.relResidual <= 1e-10)) throw new Error(`exact per-velocity solve did not converge (velocity ${k}, relative residual ${out.relResidual})`);
    for (let p = 0; p < N; p++) x[off + p] = y[p];
  }
}

/**
 * z ≈ L⁻¹ r for the limit operator L = c0 − dt div(κ ∇) of the 2D micro–macro kinetic schemes (κ = <v²(1−γ)> Df
 * on the faces; ApTransport2D.applyL): conjugate gradients preconditioned by one multigrid V-cycle of the
 * Kirchhoff-scaled operator (L ≈ K^{1/2} (c0/κ − dt Δ) K^{1/2}, K = diag of the cells' mean face κ;
 * ../linear/multigrid.ts), to a relative residual `rtol`.
 */
import { HelmholtzMG } from '../linear/multigrid.js';
import { pcg, PcgWork, type PcgResult, type SpdOperator } from '../linear/pcg.js';
import type { ApTransport2D } from './apTransport2d.js';

export class LimitSolve2D {
  readonly N: number;
  private readonly mg: HelmholtzMG;
  private readonly isk: Float64Array;
  private readonly s: Float64Array;
  private readonly t: Float64Array;
  private readonly work: PcgWork;
  private readonly out: PcgResult = { iterations: 0, converged: true, relResidual: 0 };
  private readonly op: SpdOperator;
  /** CG iterations (summed). */
  iterations = 0;

  constructor(private readonly tr: ApTransport2D) {
    const N = tr.N;
    this.N = N;
    this.mg = new HelmholtzMG(tr.nx, tr.ny);
    this.isk = new Float64Array(N);
    this.s = new Float64Array(N);
    this.t = new Float64Array(N);
    this.work = new PcgWork(N);
    this.op = {
      apply: (x, y) => this.tr.applyL(x, y),
      precondition: (r, z) => this.vcycle(r, z),
    };
  }

  /** Set up the V-cycle for this step's L (after tr.prepare). */
  prepare(): void {
    const { nx, ny, N, dx, dy, dt, c0, v2bx, v2by, Dfx, Dfy } = this.tr;
    const s = this.s;
    for (let j = 0; j < ny; j++) {
      const row = nx * j;
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        const pw = i === 0 ? row + nx - 1 : p - 1;
        const ps = p >= nx ? p - nx : p - nx + N;
        const k = 0.25 * (v2bx[p] * Dfx[p] + v2bx[pw] * Dfx[pw] + v2by[p] * Dfy[p] + v2by[ps] * Dfy[ps]);
        const kk = Math.max(k, 1e-300);
        this.isk[p] = 1 / Math.sqrt(kk);
        s[p] = c0 / kk;
      }
    }
    this.mg.setOperator(s, dt / (dx * dx), dt / (dy * dy));
  }

  private vcycle(r: Float64Array, z: Float64Array): void {
    const { N, isk, t } = this;
    for (let p = 0; p < N; p++) t[p] = r[p] * isk[p];
    this.mg.precondition(t, z);
    for (let p = 0; p < N; p++) z[p] *= isk[p];
  }

  solve(r: Float64Array, z: Float64Array, rtol: number): void {
    pcg(this.op, r, z, rtol, 200, this.work, this.out);
    this.iterations += this.out.iterations;
  }
}

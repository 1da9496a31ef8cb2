/**
 * z ≈ L⁻¹ r for the limit operator L = c0 − dt div(κ ∇) of the 2D micro–macro kinetic schemes (κ = <v²(1−γ)> Df
 * on the faces; ApTransport2D.applyL): conjugate gradients preconditioned by one multigrid V-cycle of the
 * Kirchhoff-scaled operator (L ≈ K^{1/2} (c0/κ − dt Δ) K^{1/2}, K = diag of the cells' mean face κ;
 * ../linear/multigrid.ts), to a relative residual `rtol`.
 */
import { ScaledMgCg } from '../linear/scaledMgCg.js';
import type { ApTransport2D } from './apTransport2d.js';

export class LimitSolve2D extends ScaledMgCg {
  constructor(private readonly tr: ApTransport2D) {
    super(tr.nx, tr.ny);
  }

  apply(x: Float64Array, y: Float64Array): void {
    this.tr.applyL(x, y);
  }

  /** Set up the V-cycle for this step's L (after tr.prepare). */
  prepare(): void {
    const { nx, N, dx, dy, dt, c0, v2bx, v2by, Dfx, Dfy } = this.tr;
    const { meanCoef, mass } = this;
    for (let p = 0; p < N; p++) {
      const i = p % nx;
      const pw = i === 0 ? p + nx - 1 : p - 1;
      const ps = p >= nx ? p - nx : p - nx + N;
      meanCoef[p] = 0.25 * (v2bx[p] * Dfx[p] + v2bx[pw] * Dfx[pw] + v2by[p] * Dfy[p] + v2by[ps] * Dfy[ps]);
      mass[p] = c0;
    }
    this.scale(dt / (dx * dx), dt / (dy * dy));
  }
}

/**
 * Conjugate gradients for a 2D variable-coefficient diffusion operator L = s − div(κ ∇) (symmetric positive
 * definite, cell-centred, 5-point), preconditioned by one multigrid V-cycle of its Kirchhoff-scaled form
 *
 *   L ≈ K^{1/2} (s/K − dt Δ) K^{1/2},   K = the mean of each cell's four face coefficients κ,
 *
 * i.e. a constant-coefficient Helmholtz operator with a variable mass term (./multigrid.ts; the scaling carries
 * the coefficient's variation from cell to cell). Subclasses apply their L and set K and s for the step
 * (meanCoef, mass, then `scale`): the torus's limit operator (../transport/limitSolve2d.ts) and the walled box's
 * (../kinetic/wallLimit2d.ts, walls as zero-flux sides of the V-cycle).
 */
import { HelmholtzMG } from './multigrid.js';
import { pcg, PcgWork, type PcgResult, type SpdOperator } from './pcg.js';
import { multiply, multiplyBy } from './vectors.js';

export abstract class ScaledMgCg {
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

  constructor(nx: number, ny: number, periodic: readonly [boolean, boolean] = [true, true]) {
    const N = nx * ny;
    this.N = N;
    this.mg = new HelmholtzMG(nx, ny, { periodic });
    this.isk = new Float64Array(N);
    this.s = new Float64Array(N);
    this.t = new Float64Array(N);
    this.meanCoef = new Float64Array(N);
    this.mass = new Float64Array(N);
    this.work = new PcgWork(N);
    this.op = {
      apply: (x, y) => this.apply(x, y),
      precondition: (r, z) => this.vcycle(r, z),
    };
  }

  /** y = L x. */
  abstract apply(x: Float64Array, y: Float64Array): void;

  /** Each cell's mean face coefficient (in units of dt/h²) and mass term, filled by the subclass before scale(). */
  protected readonly meanCoef: Float64Array;
  protected readonly mass: Float64Array;

  /** The V-cycle for this step from meanCoef and mass (kx, ky = dt/h²). */
  protected scale(kx: number, ky: number): void {
    const { N, s, meanCoef, mass } = this;
    for (let c = 0; c < N; c++) {
      const kk = Math.max(meanCoef[c], 1e-300);
      this.isk[c] = 1 / Math.sqrt(kk);
      s[c] = mass[c] / kk;
    }
    this.mg.setOperator(s, kx, ky);
  }

  private vcycle(r: Float64Array, z: Float64Array): void {
    const { N, isk, t } = this;
    multiply(t, r, isk, N);
    this.mg.precondition(t, z);
    multiplyBy(z, isk, N);
  }

  /** z ≈ L⁻¹ r to a relative residual rtol (z overwritten; at most maxIter iterations). */
  solve(r: Float64Array, z: Float64Array, rtol: number, maxIter = 200): void {
    pcg(this.op, r, z, rtol, maxIter, this.work, this.out);
    this.iterations += this.out.iterations;
  }
}

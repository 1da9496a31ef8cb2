/**
 * The 2D velocity operator of the Fokker–Planck scheme on the n × n Gauss–Hermite tensor grid
 * (k = a + n b: vx = v_a, vy = v_b), applied to all cells at once in the velocity-major layout
 * q[k*N + p] (cells contiguous): L₂ = L ⊗ I + I ⊗ L (velocityOperator.ts), and the relaxation solve
 * q ← (c0 I − σ_p L₂)⁻¹ q per cell through the w-orthonormal eigenvectors of L
 * (L = V diag(μ) Vᵀ W): coefficients ĉ = (V ⊗ V)ᵀ (W ⊗ W) q, scaled by 1/(c0 − σ_p (μ_a + μ_b)), then
 * back. 8 n³ operations per cell, ≈ 8 n per cell-velocity. c0 − σ (μ_a + μ_b) ≥ c0 > 0.
 */
import { ouEigen, type BirthDeathOperator } from './velocityOperator.js';

export class OURelaxation2D {
  readonly n: number;
  readonly K: number;
  private readonly mu: Float64Array;
  /** V[j*n + m] and V[j*n + m] w_j. */
  private readonly V: Float64Array;
  private readonly VW: Float64Array;
  private readonly t1: Float64Array;

  constructor(
    private readonly op: BirthDeathOperator,
    readonly N: number,
  ) {
    const n = op.n;
    this.n = n;
    this.K = n * n;
    const { mu, V } = ouEigen(op);
    this.mu = mu;
    this.V = V;
    this.VW = new Float64Array(n * n);
    for (let j = 0; j < n; j++) for (let m = 0; m < n; m++) this.VW[j * n + m] = V[j * n + m] * op.weights[j];
    this.t1 = new Float64Array(this.K * N);
  }

  /** out = L₂ q (velocity-major, both arrays K*N from offsets qo and oo). */
  applyL(q: Float64Array, qo: number, out: Float64Array, oo: number): void {
    const { n, N } = this;
    const { lo, di, up } = this.op;
    for (let b = 0; b < n; b++) {
      for (let a = 0; a < n; a++) {
        const k = a + n * b;
        this.applyRow(q, qo, out, oo + k * N, k, di[a] + di[b], a > 0 ? lo[a] : 0, a < n - 1 ? up[a] : 0, b > 0 ? lo[b] : 0, b < n - 1 ? up[b] : 0, a, b);
      }
    }
    void N;
  }

  private applyRow(q: Float64Array, qo: number, out: Float64Array, ob: number, k: number, d: number, la: number, ua: number, lb: number, ub: number, a: number, b: number): void {
    const { n, N } = this;
    const c = qo + k * N;
    const am = a > 0 ? c - N : c;
    const ap = a < n - 1 ? c + N : c;
    const bm = b > 0 ? c - n * N : c;
    const bp = b < n - 1 ? c + n * N : c;
    for (let p = 0; p < N; p++) out[ob + p] = d * q[c + p] + la * q[am + p] + ua * q[ap + p] + lb * q[bm + p] + ub * q[bp + p];
  }

  /** q ← (c0 − σ_p L₂)⁻¹ q per cell (in place, velocity-major from offset qo). */
  solve(q: Float64Array, qo: number, c0: number, sig: Float64Array): void {
    // ĉ = (VW ⊗ VW)ᵀ q : transform along a (into t1), then along b (back into q)
    this.transform(q, qo, this.t1, 0, this.VW, true, 0);
    this.transform(this.t1, 0, q, qo, this.VW, true, 1);
    this.scale(q, qo, c0, sig);
    this.transform(q, qo, this.t1, 0, this.V, false, 0);
    this.transform(this.t1, 0, q, qo, this.V, false, 1);
  }

  /**
   * Along direction dir (0: a, 1: b): out_m = Σ_j M[j*n + m] in_j (transpose: coefficients) or
   * out_j = Σ_m M[j*n + m] in_m (synthesis), for every other index and cell.
   */
  private transform(src: Float64Array, so: number, dst: Float64Array, d0: number, M: Float64Array, transpose: boolean, dir: 0 | 1): void {
    const { n, N } = this;
    const sa = dir === 0 ? N : n * N; // stride of the transformed index
    const so2 = dir === 0 ? n * N : N; // stride of the other index
    for (let o = 0; o < n; o++) {
      for (let m = 0; m < n; m++) {
        const ob = d0 + o * so2 + m * sa;
        for (let p = 0; p < N; p++) dst[ob + p] = 0;
        for (let j = 0; j < n; j++) {
          const coef = transpose ? M[j * n + m] : M[m * n + j];
          if (coef === 0) continue;
          this.axpy(dst, ob, src, so + o * so2 + j * sa, coef);
        }
      }
    }
  }

  private axpy(dst: Float64Array, ob: number, src: Float64Array, sb: number, c: number): void {
    const N = this.N;
    for (let p = 0; p < N; p++) dst[ob + p] += c * src[sb + p];
  }

  private scale(q: Float64Array, qo: number, c0: number, sig: Float64Array): void {
    const { n, N, mu } = this;
    for (let b = 0; b < n; b++) {
      for (let a = 0; a < n; a++) {
        const s = mu[a] + mu[b];
        const off = qo + (a + n * b) * N;
        for (let p = 0; p < N; p++) q[off + p] /= c0 - sig[p] * s;
      }
    }
  }
}

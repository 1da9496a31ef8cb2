/**
 * The discrete Ornstein–Uhlenbeck operator of the kinetic Fokker–Planck equation (1.5) on
 * Gauss–Hermite nodes (docs/fokker-planck.md, "Velocity operator"). In h = f/M the collision operator
 * div_v(∇_v f + v f) = M (Δ_v h − v·∇_v h) = M L_OU h; on the nodes v_1 < … < v_n with weights w
 * (Σ w = 1) the birth–death (nearest-neighbour) operator
 *
 *   (L h)_j = [ c_{j+1/2} (h_{j+1} − h_j) − c_{j−1/2} (h_j − h_{j−1}) ] / w_j,
 *   c_{j+1/2} = −S_j / (v_{j+1} − v_j),  S_j = Σ_{i≤j} w_i v_i,   c_{1/2} = c_{n+1/2} = 0,
 *
 * is the unique tridiagonal operator that is (i) conservative, Σ_j w_j (L h)_j = 0, (ii) w-self-adjoint
 * with L 1 = 0 (the Gaussian is its equilibrium: h = const), (iii) exact on the first moment,
 * L v = −v (the Chapman–Enskog correction and with it the limit coefficient are those of the
 * continuous operator: d_t rho = div(λ⁻¹ ∇rho)), and (iv) has c > 0 (S_j < 0 for j < n), so that
 * I − θ L is an M-matrix with unit row sums for every θ ≥ 0: an implicit relaxation step keeps
 * min h ≤ h ≤ max h for any dt (the discrete maximum principle, A⁻¹ ≤ h ≤ A). Its other eigenvalues
 * approximate −2, −3, … only to O(1/n) (−1.90, −2.70 at n = 16), unlike the Hermite-spectral operator
 * (exact spectrum, not positive). S_j is summed from the nearer end (S_j = −Σ_{i>j} w_i v_i for the
 * upper half): the forward sum alone loses the sign of c for n ≥ 32.
 *
 * In 2D the operator is the tensor sum L ⊗ I + I ⊗ L on the tensor grid (vx fastest). Its inverse
 * relaxation (c0 − σ L₂)⁻¹ uses the w-orthonormal eigenvectors of the 1D operator (Jacobi rotations on
 * the symmetrised matrix W^{1/2} L W^{−1/2}).
 */
import { gaussHermite } from '../../velocity/gaussHermite.js';

export interface BirthDeathOperator {
  readonly n: number;
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
  /** (L h)_j = lo_j h_{j−1} + di_j h_j + up_j h_{j+1} (lo_0 = up_{n−1} = 0). */
  readonly lo: Float64Array;
  readonly di: Float64Array;
  readonly up: Float64Array;
  /** Edge conductances c_{j+1/2}, j = 0..n−2 (all > 0). */
  readonly c: Float64Array;
}

export function birthDeathOU(n: number): BirthDeathOperator {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`birthDeathOU: need at least 2 nodes, got ${n}`);
  const { nodes: v, weights: w } = gaussHermite(n);
  const c = new Float64Array(n - 1);
  const half = n >> 1;
  for (let j = 0; j < n - 1; j++) {
    let S = 0;
    if (j < half) for (let i = 0; i <= j; i++) S += w[i] * v[i];
    else for (let i = n - 1; i > j; i--) S -= w[i] * v[i];
    c[j] = -S / (v[j + 1] - v[j]);
  }
  const lo = new Float64Array(n);
  const di = new Float64Array(n);
  const up = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const cp = j < n - 1 ? c[j] : 0;
    const cm = j > 0 ? c[j - 1] : 0;
    up[j] = cp / w[j];
    lo[j] = cm / w[j];
    di[j] = -(up[j] + lo[j]);
  }
  return { n, nodes: v, weights: w, lo, di, up, c };
}

/** y = L x for the tridiagonal operator (length n). */
export function applyOU(op: BirthDeathOperator, x: ArrayLike<number>, y: Float64Array): Float64Array {
  const { n, lo, di, up } = op;
  for (let j = 0; j < n; j++) y[j] = di[j] * x[j] + (j > 0 ? lo[j] * x[j - 1] : 0) + (j < n - 1 ? up[j] * x[j + 1] : 0);
  return y;
}

/**
 * The w-orthonormal eigen-decomposition L = V diag(mu) Vᵀ W (Vᵀ W V = I): mu ascending (≤ 0, mu_max = 0
 * with V's column the constant 1, and −1 with v). V is n × n, row-major: V[j * n + m] = component j of vector m.
 */
export function ouEigen(op: BirthDeathOperator): { mu: Float64Array; V: Float64Array } {
  const { n, weights: w, c } = op;
  const S = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    S[j * n + j] = op.di[j];
    if (j < n - 1) {
      const s = c[j] / Math.sqrt(w[j] * w[j + 1]);
      S[j * n + j + 1] = s;
      S[(j + 1) * n + j] = s;
    }
  }
  const { values, vectors } = symmetricEigen(S, n);
  const order = Array.from({ length: n }, (_, m) => m).sort((a, b) => values[a] - values[b]);
  const mu = new Float64Array(n);
  const V = new Float64Array(n * n);
  order.forEach((m, col) => {
    mu[col] = values[m];
    for (let j = 0; j < n; j++) V[j * n + col] = vectors[j * n + m] / Math.sqrt(w[j]);
  });
  return { mu, V };
}

/** Cyclic Jacobi eigenvalue algorithm for a dense symmetric n × n matrix (row-major, copied). */
export function symmetricEigen(A0: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = A0.slice();
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let tot = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) (i === j ? (tot += A[i * n + j] ** 2) : (off += A[i * n + j] ** 2));
    if (off <= 1e-32 * (tot + off)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cs = 1 / Math.sqrt(t * t + 1);
        const sn = t * cs;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = cs * akp - sn * akq;
          A[k * n + q] = sn * akp + cs * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = cs * apk - sn * aqk;
          A[q * n + k] = sn * apk + cs * aqk;
        }
        for (let k = 0; k < n; k++) {
          const qkp = Q[k * n + p];
          const qkq = Q[k * n + q];
          Q[k * n + p] = cs * qkp - sn * qkq;
          Q[k * n + q] = sn * qkp + cs * qkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = A[i * n + i];
  return { values, vectors: Q };
}

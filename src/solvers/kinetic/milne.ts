/**
 * The half-space Milne problem of the BGK operator with the Gaussian M (docs/kinetic-scheme.md
 * "Walls"): the boundary layer at an absorbing or inflow wall in the diffusive scaling. With the
 * distance y from the wall in units of the mean free path eps/lambda and u the velocity towards the
 * interior,
 *
 *   u dh/dy = <h> − h  (y > 0),   <h> = ∫ h M du,   h(0, u) = g(u) for u > 0,   h bounded by O(y).
 *
 * Absorbing wall (g = 0): h ~ s (y + x0 − u) far from the wall, i.e. the outer (diffusion) solution
 * extrapolates to zero at the distance x0 eps/lambda behind the wall: the limit equation sees the
 * Robin condition rho + x0 (eps/lambda) d_n rho = 0 (Dirichlet to leading order). Inflow (given g,
 * no gradient): h → rho_b = Σ_j beta_j g(u_j) far from the wall.
 *
 * Discrete ordinates (a velocity set symmetric about 0, positive nodes u_1 < … < u_n, weights W_j
 * with Σ over all nodes = 1): the solutions are the diffusion modes 1 and y − u and the decaying
 * modes W-orthogonal to them, φ_m(u) = nu_m/(nu_m − u) e^{−y/nu_m}, nu_m > 0 the n − 1 roots of the
 * dispersion relation Σ_{j} W_j u_j² / (nu² − u_j²) = 0 (one in each (u_j, u_{j+1})). The boundary
 * conditions at the n incoming nodes then give in closed form (the rational function
 * R(z) = x0 − z + Σ c_m nu_m/(nu_m − z) vanishes at the u_j and has poles at the nu_m)
 *
 *   x0 = Σ_j u_j − Σ_m nu_m,        beta_j = Π_m (nu_m − u_j) / Π_{i≠j} (u_i − u_j)   (Σ beta = 1).
 *
 * (Chandrasekhar, Radiative Transfer (1950), §§ 20–40, the n-th approximation; Case & Zweifel, Linear
 * Transport Theory (1967).) A second, independent route: Chandrasekhar's H-function of the
 * characteristic function Psi = M on (0, ∞), conservative form 1/H(mu) = ∫ Psi(u) u H(u)/(mu + u) du,
 * iterated on a composite Gauss–Legendre rule, and x0 = ∫ Psi H u² / ∫ Psi H u (`milneLengthH`).
 * For the continuous problem both converge to x0 = 1.4371 (the Kramers slip coefficient of the BGK
 * model, 1.01619 in units of sqrt(2 RT)/nu (Cercignani, The Boltzmann Equation and Its Applications
 * (1988), §VI.?; Loyalka & Ferziger 1967) times sqrt(2) for unit-variance velocities): double
 * half-range Gauss–Hermite nodes converge fast, full-range Gauss–Hermite nodes (the solver's) slowly,
 * because the half-space solution is not smooth in u at u = 0. For v = ±1, x0 = 1 exactly.
 */
import { symmetricTridiagonalEigenvalues } from '../../velocity/tridiagonalEigen.js';

/** Nodes and weights of a quadrature on (0, ∞) for ∫_0^∞ g(u) M(u) du (weights sum to 1/2). */
export interface HalfRange {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

/** The positive half of a symmetric velocity set (nodes v > 0 ascending, their weights). */
export function positiveHalf(v: ArrayLike<number>, w: ArrayLike<number>): HalfRange {
  const idx: number[] = [];
  for (let k = 0; k < v.length; k++) if (v[k] > 0) idx.push(k);
  idx.sort((a, b) => v[a] - v[b]);
  return { nodes: Float64Array.from(idx, (k) => v[k]), weights: Float64Array.from(idx, (k) => w[k]) };
}

/**
 * The decay lengths nu_1 < … < nu_{n−1} of the discrete-ordinates Milne problem: the roots of
 * Σ_j W_j u_j²/(s − u_j²) = 0 in s = nu², one in each (u_j², u_{j+1}²), by bisection (the function
 * decreases from +∞ to −∞ on each interval), parametrised within the interval so that roots close to
 * a pole keep their relative accuracy.
 */
export function milneRoots(h: HalfRange): Float64Array {
  const { nodes: u, weights: W } = h;
  const n = u.length;
  const roots = new Float64Array(Math.max(0, n - 1));
  const u2 = Float64Array.from(u, (x) => x * x);
  const c = Float64Array.from(u, (x, j) => W[j] * x * x);
  for (let m = 0; m < n - 1; m++) {
    const a = u2[m];
    const gap = u2[m + 1] - a;
    // f(t) = Σ_j c_j / (a + t gap − u_j²), t in (0, 1); terms j = m and m + 1 written relative to the ends
    const f = (t: number): number => {
      let s = c[m] / (t * gap) - c[m + 1] / ((1 - t) * gap);
      for (let j = 0; j < n; j++) {
        if (j === m || j === m + 1) continue;
        s += c[j] / (a + t * gap - u2[j]);
      }
      return s;
    };
    let lo = 0;
    let hi = 1;
    for (let it = 0; it < 200 && hi - lo > 1e-17; it++) {
      const mid = 0.5 * (lo + hi);
      if (f(mid) > 0) lo = mid;
      else hi = mid;
    }
    roots[m] = Math.sqrt(a + 0.5 * (lo + hi) * gap);
  }
  return roots;
}

/** Milne extrapolation length of a discrete velocity set: x0 = u_1 + Σ_m (u_{m+1} − nu_m) (each term > 0). */
export function milneLength(h: HalfRange): number {
  const u = h.nodes;
  if (u.length === 0) throw new RangeError('milneLength: no positive velocity node');
  const nu = milneRoots(h);
  let x0 = u[0];
  for (let m = 0; m < nu.length; m++) x0 += u[m + 1] - nu[m];
  return x0;
}

/**
 * Inflow weights: far from a wall with incoming data g(u_j) and no gradient the density is
 * Σ_j beta_j g(u_j), beta_j = Π_m (nu_m − u_j) / Π_{i≠j} (u_i − u_j), taken as a product of O(1) ratios.
 */
export function inflowWeights(h: HalfRange): Float64Array {
  const u = h.nodes;
  const n = u.length;
  const nu = milneRoots(h);
  const beta = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let p = 1;
    for (let m = 0; m < n - 1; m++) {
      const i = m < j ? m : m + 1;
      p *= (nu[m] - u[j]) / (u[i] - u[j]);
    }
    beta[j] = p;
  }
  return beta;
}

/**
 * The same x0 by the second route: Chandrasekhar's H-function for the characteristic function
 * Psi(u) = M(u) on (0, ∞) (conservative, ∫ Psi = 1/2), 1/H(mu) = ∫ Psi(u) u H(u) / (mu + u) du on the
 * given rule (any quadrature of ∫_0^∞ · M du), solved by 50 fixed-point sweeps and then Newton's
 * method on H_i Σ_j A_ij H_j = 1 (A_ij = W_j u_j/(u_i + u_j); dense LU; the plain iteration converges
 * only algebraically in the conservative case), then x0 = ∫ Psi H u² / ∫ Psi H u. Returns x0 and the
 * Newton steps taken.
 */
export function milneLengthH(h: HalfRange, tol = 1e-15): { x0: number; iterations: number } {
  const { nodes: u, weights: W } = h;
  const n = u.length;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = (W[j] * u[j]) / (u[i] + u[j]);
  let H = new Float64Array(n).fill(1);
  const AH = new Float64Array(n);
  const mul = (): void => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * H[j];
      AH[i] = s;
    }
  };
  for (let it = 0; it < 50; it++) {
    mul();
    H = Float64Array.from(AH, (s) => 1 / s);
  }
  const J = new Float64Array(n * n);
  const r = new Float64Array(n);
  let steps = 0;
  for (; steps < 50; steps++) {
    mul();
    let res = 0;
    for (let i = 0; i < n; i++) {
      r[i] = 1 - H[i] * AH[i];
      res = Math.max(res, Math.abs(r[i]));
      for (let k = 0; k < n; k++) J[i * n + k] = H[i] * A[i * n + k] + (i === k ? AH[i] : 0);
    }
    if (res < tol) break;
    const d = solveDense(J, r, n);
    for (let i = 0; i < n; i++) H[i] += d[i];
  }
  let a1 = 0;
  let a2 = 0;
  for (let j = 0; j < n; j++) {
    a1 += W[j] * H[j] * u[j];
    a2 += W[j] * H[j] * u[j] * u[j];
  }
  return { x0: a2 / a1, iterations: steps };
}

/** x with J x = r (J n×n row-major, destroyed), Gaussian elimination with partial pivoting. */
function solveDense(J: Float64Array, rhs: Float64Array, n: number): Float64Array {
  const b = Float64Array.from(rhs);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(J[i * n + c]) > Math.abs(J[p * n + c])) p = i;
    if (p !== c) {
      for (let k = 0; k < n; k++) [J[c * n + k], J[p * n + k]] = [J[p * n + k], J[c * n + k]];
      [b[c], b[p]] = [b[p], b[c]];
    }
    const piv = J[c * n + c];
    for (let i = c + 1; i < n; i++) {
      const f = J[i * n + c] / piv;
      if (f === 0) continue;
      for (let k = c; k < n; k++) J[i * n + k] -= f * J[c * n + k];
      b[i] -= f * b[c];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= J[i * n + k] * b[k];
    b[i] = s / J[i * n + i];
  }
  return b;
}

// --- quadratures on (0, ∞) for the half-range Maxwellian ------------------------------------

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Gauss–Legendre rule with m points on [-1, 1] (Newton on P_m from the Chebyshev guesses). */
export function gaussLegendre(m: number): HalfRange {
  const x = new Float64Array(m);
  const w = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= m; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (m * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x[m - 1 - i] = z;
    w[m - 1 - i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { nodes: x, weights: w };
}

/** Composite Gauss–Legendre for ∫_0^V g(u) M(u) du: `panels` panels of `points` points (weights include M). */
export function compositeHalfRange(V: number, panels: number, points: number): HalfRange {
  const gl = gaussLegendre(points);
  const nodes = new Float64Array(panels * points);
  const weights = new Float64Array(panels * points);
  const hw = V / panels;
  for (let p = 0; p < panels; p++) {
    for (let k = 0; k < points; k++) {
      const u = hw * (p + 0.5 + 0.5 * gl.nodes[k]);
      nodes[p * points + k] = u;
      weights[p * points + k] = 0.5 * hw * gl.weights[k] * (Math.exp(-0.5 * u * u) / SQRT_2PI);
    }
  }
  return { nodes, weights };
}

/**
 * Half-range Gauss–Hermite rule with n nodes: Gauss quadrature for the weight M(u) = e^{−u²/2}/√(2π)
 * on (0, ∞) (weights sum to 1/2). Recurrence coefficients by the discretised Stieltjes procedure on a
 * fine composite Gauss–Legendre rule of [0, 48] (Gautschi, Orthogonal Polynomials: Computation and
 * Approximation (2004), §2.2.3), nodes as eigenvalues of the Jacobi matrix (implicit QL), weights from
 * the Christoffel function W = μ0 / Σ_k p_k(u)² of the orthonormal polynomials. "Double half-range"
 * velocity sets are ± these nodes.
 */
export function halfRangeGaussHermite(n: number): HalfRange {
  if (!(Number.isInteger(n) && n >= 1 && n <= 256)) throw new RangeError(`halfRangeGaussHermite: n must be an integer in 1..256, got ${n}`);
  const fine = compositeHalfRange(48, 480, 20);
  const X = fine.nodes;
  const Wf = fine.weights;
  const M = X.length;
  const alpha = new Float64Array(n);
  const beta = new Float64Array(n); // beta[k] = (b_k)^2, b_k the off-diagonal between k-1 and k
  let pPrev = new Float64Array(M);
  let p = new Float64Array(M);
  let mu0 = 0;
  for (let i = 0; i < M; i++) mu0 += Wf[i];
  p.fill(1 / Math.sqrt(mu0));
  for (let k = 0; k < n; k++) {
    let a = 0;
    for (let i = 0; i < M; i++) a += Wf[i] * X[i] * p[i] * p[i];
    alpha[k] = a;
    if (k === n - 1) break;
    const q = new Float64Array(M);
    const bk = k === 0 ? 0 : Math.sqrt(beta[k]);
    let nrm = 0;
    for (let i = 0; i < M; i++) {
      q[i] = (X[i] - a) * p[i] - bk * pPrev[i];
      nrm += Wf[i] * q[i] * q[i];
    }
    const b = Math.sqrt(nrm);
    beta[k + 1] = nrm;
    for (let i = 0; i < M; i++) q[i] /= b;
    pPrev = p;
    p = q;
  }
  const off = Float64Array.from({ length: n }, (_, k) => (k === 0 ? 0 : Math.sqrt(beta[k])));
  const nodes = symmetricTridiagonalEigenvalues(alpha, off, 'halfRangeGaussHermite');
  const weights = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    // orthonormal recurrence at the node: p_0 = 1/sqrt(mu0), b_{k+1} p_{k+1} = (u − a_k) p_k − b_k p_{k−1}
    const u = nodes[j];
    let q0 = 0;
    let q1 = 1 / Math.sqrt(mu0);
    let s = q1 * q1;
    for (let k = 0; k < n - 1; k++) {
      const q2 = ((u - alpha[k]) * q1 - off[k] * q0) / off[k + 1];
      q0 = q1;
      q1 = q2;
      s += q1 * q1;
    }
    weights[j] = 1 / s;
  }
  return { nodes, weights };
}

/** Everything a wall of the kinetic solver needs from the Milne problem of its velocity set. */
export interface WallLayer {
  /** Milne extrapolation length in mean free paths (eps/lambda). */
  readonly x0: number;
  /** Inflow weights per positive node (ascending), Σ = 1. */
  readonly beta: Float64Array;
  /** The positive nodes they belong to. */
  readonly nodes: Float64Array;
}

const layerCache = new Map<string, WallLayer>();

/** x0 and the inflow weights of a 1D velocity set (one direction of a tensor set in 2D). */
export function wallLayer(v: ArrayLike<number>, w: ArrayLike<number>): WallLayer {
  const key = Array.from(v).join(',');
  let out = layerCache.get(key);
  if (!out) {
    const h = positiveHalf(v, w);
    out = { x0: milneLength(h), beta: inflowWeights(h), nodes: h.nodes };
    layerCache.set(key, out);
  }
  return out;
}

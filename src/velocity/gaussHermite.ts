/**
 * Probabilists' Gauss-Hermite quadrature: the discrete velocity sets of the BGK models.
 *
 * A rule of n nodes integrates against the standard Maxwellian M(v) = exp(-v^2/2) / sqrt(2 pi),
 *   sum_k w_k g(v_k) = int g(v) M(v) dv   exactly for polynomials g of degree <= 2n - 1,
 * so the weights sum to 1 and the discrete Maxwellian has the exact moments 1, 0, 1 (density,
 * momentum, temperature) for every n >= 2. n = 2 is the classical two-velocity model v = +-1.
 *
 * Method. The nodes are the zeros of the degree-n Hermite polynomial He_n. We take them as
 * eigenvalues of the symmetric Jacobi matrix (Golub-Welsch: zero diagonal, off-diagonal sqrt(k)),
 * found by implicit QL, which is robust for any n but only absolutely accurate (error ~ eps * sqrt(n)).
 * Each positive eigenvalue is then polished by Newton's method on the orthonormal three-term
 * recurrence, which gives the node to a few ulp *relative* accuracy. The weights are NOT taken
 * from the eigenvectors (those lose relative accuracy for the tiny tail weights, ~exp(-v^2/2));
 * they are w = 1 / sum_{j<n} p_j(v)^2 with p_j the orthonormal polynomials (Christoffel function),
 * a sum of positive terms, so each weight is accurate to a few ulp relative to itself.
 * Only the nonnegative half is computed and mirrored, so the rule is exactly symmetric
 * (odd moments vanish up to round-off in the summation, and v = 0 is exact for odd n).
 *
 * For large n the recurrence values reach exp(v^2/4) (~e^1024 at n = 1024), so the recurrence is
 * rescaled by powers of two as it runs. Tail weights below the smallest double (n >~ 700, |v| >~ 38.6)
 * underflow to 0; they are far below any use.
 */
import { symmetricTridiagonalEigenvalues } from './tridiagonalEigen.js';

export interface Quadrature1D {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

export const MAX_GAUSS_HERMITE_NODES = 1024;

const cache = new Map<number, Quadrature1D>();

/**
 * Nodes (ascending) and weights of the n-point probabilists' Gauss-Hermite rule.
 * Results are cached per n; each call returns fresh copies, so callers may modify them.
 */
export function gaussHermite(n: number): Quadrature1D {
  if (!Number.isInteger(n) || n < 1 || n > MAX_GAUSS_HERMITE_NODES) {
    throw new RangeError(`gaussHermite: number of nodes must be an integer in 1..${MAX_GAUSS_HERMITE_NODES}, got ${n}`);
  }
  let q = cache.get(n);
  if (q === undefined) {
    q = computeRule(n);
    cache.set(n, q);
  }
  return { nodes: q.nodes.slice(), weights: q.weights.slice() };
}

/** A tensor-product velocity set in 1 or 2 dimensions. */
export interface VelocityGrid {
  readonly dim: 1 | 2;
  /** Total number of discrete velocities (nodesPerDim^dim). */
  readonly count: number;
  readonly nodesPerDim: number;
  /** velocity components, v[0] = vx, v[1] = vy (2D), each of length count; vx fastest in 2D */
  readonly v: readonly Float64Array[];
  /** Weights, summing to 1: sum_k w_k g(v_k) ~ int g(v) M(v) dv with the d-dimensional Maxwellian M. */
  readonly w: Float64Array;
}

/**
 * The Gauss-Hermite velocity set: the 1D rule, or in 2D its tensor product
 * (index k = i + n * j for vx = v_i, vy = v_j, weight w_i w_j), which is exact for
 * vx^a vy^b with a, b <= 2n - 1 against M(vx) M(vy).
 */
export function velocityGrid(dim: 1 | 2, nodesPerDim: number): VelocityGrid {
  if (dim !== 1 && dim !== 2) throw new RangeError(`velocityGrid: dimension must be 1 or 2, got ${String(dim)}`);
  const q = gaussHermite(nodesPerDim);
  const n = nodesPerDim;
  if (dim === 1) return { dim, count: n, nodesPerDim: n, v: [q.nodes], w: q.weights };
  const count = n * n;
  const vx = new Float64Array(count);
  const vy = new Float64Array(count);
  const w = new Float64Array(count);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const k = i + n * j;
      vx[k] = q.nodes[i];
      vy[k] = q.nodes[j];
      w[k] = q.weights[i] * q.weights[j];
    }
  }
  return { dim, count, nodesPerDim: n, v: [vx, vy], w };
}

// ---------------------------------------------------------------------------------------------

function computeRule(n: number): Quadrature1D {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  if (n === 1) {
    weights[0] = 1;
    return { nodes, weights };
  }
  const sqrtK = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) sqrtK[k] = Math.sqrt(k);

  // the Jacobi matrix of He_n: zero diagonal, off-diagonal sqrt(1), …, sqrt(n − 1)
  const eig = symmetricTridiagonalEigenvalues(new Float64Array(n), sqrtK, `gaussHermite(${n})`);
  const half = n >> 1; // number of strictly positive nodes
  // eig is ascending; the largest `half` eigenvalues approximate the positive zeros.
  for (let i = 0; i < half; i++) {
    const x0 = eig[n - half + i];
    const x = newtonPolish(n, Math.abs(x0), sqrtK);
    const wt = christoffelWeight(n, x, sqrtK);
    nodes[n - half + i] = x;
    weights[n - half + i] = wt;
    nodes[half - 1 - i] = -x;
    weights[half - 1 - i] = wt;
  }
  if (n % 2 === 1) {
    nodes[half] = 0; // He_n is odd for odd n, so 0 is an exact zero
    weights[half] = christoffelWeight(n, 0, sqrtK);
  }
  for (let k = 1; k < n; k++) {
    if (!(nodes[k] > nodes[k - 1])) throw new Error(`gaussHermite(${n}): nodes not strictly increasing at ${k} (internal error)`);
  }
  return { nodes, weights };
}

/** Recurrence values are rescaled by 2^-SCALE_BITS whenever they exceed 2^SCALE_BITS. */
const SCALE_BITS = 256;
const BIG = 2 ** SCALE_BITS;
const INV_BIG = 2 ** -SCALE_BITS;

/**
 * Orthonormal probabilists' Hermite recurrence p_{k+1} = (x p_k - sqrt(k) p_{k-1}) / sqrt(k+1),
 * p_0 = 1, evaluated with binary rescaling. Returns p_n, p_{n-1} and sum_{j<n} p_j^2, all scaled
 * by 2^(-SCALE_BITS * scale) (the sum by the square of that).
 */
interface RecurrenceValues {
  pn: number;
  pn1: number;
  sumSq: number;
  scale: number;
}

function recurrence(n: number, x: number, sqrtK: Float64Array, out: RecurrenceValues): void {
  let pPrev = 0;
  let p = 1;
  let sum = 1; // p_0^2
  let scale = 0;
  for (let k = 0; k < n - 1; k++) {
    const pNext = (x * p - sqrtK[k] * pPrev) / sqrtK[k + 1];
    pPrev = p;
    p = pNext;
    sum += p * p;
    if (Math.abs(p) > BIG) {
      p *= INV_BIG;
      pPrev *= INV_BIG;
      sum *= INV_BIG * INV_BIG;
      scale++;
    }
  }
  // p = p_{n-1}, pPrev = p_{n-2}; one more step for p_n (not part of the sum).
  out.pn = (x * p - sqrtK[n - 1] * pPrev) / sqrtK[n];
  out.pn1 = p;
  out.sumSq = sum;
  out.scale = scale;
}

/** Newton on p_n with p_n' = sqrt(n) p_{n-1}; the ratio is independent of the scaling. */
function newtonPolish(n: number, x0: number, sqrtK: Float64Array): number {
  const r: RecurrenceValues = { pn: 0, pn1: 0, sumSq: 0, scale: 0 };
  let x = x0;
  for (let it = 0; it < 30; it++) {
    recurrence(n, x, sqrtK, r);
    const dx = r.pn / (sqrtK[n] * r.pn1);
    if (!Number.isFinite(dx)) break;
    x -= dx;
    if (Math.abs(dx) <= 2 * Number.EPSILON * Math.abs(x)) break;
  }
  // The QL eigenvalue is within ~eps * sqrt(n) of the zero while zeros are >= ~pi/sqrt(2n) apart;
  // a polish that moved further has jumped to another zero, so keep the eigenvalue instead.
  if (!(Math.abs(x - x0) < 1e-8 * Math.max(1, x0))) return x0;
  return x;
}

/** w = 1 / sum_{j<n} p_j(x)^2, undoing the binary rescaling (underflows gracefully to 0). */
function christoffelWeight(n: number, x: number, sqrtK: Float64Array): number {
  const r: RecurrenceValues = { pn: 0, pn1: 0, sumSq: 0, scale: 0 };
  recurrence(n, x, sqrtK, r);
  let w = 1 / r.sumSq;
  for (let s = 0; s < 2 * r.scale; s++) w *= INV_BIG;
  return w;
}

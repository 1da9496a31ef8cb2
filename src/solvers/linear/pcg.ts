/**
 * Preconditioned conjugate gradients for an SPD operator K with an SPD preconditioner B ~ K^{-1}
 * (Hestenes & Stiefel 1952; Saad, "Iterative Methods for Sparse Linear Systems", 2003, alg. 9.1).
 *
 * Stops when ||b - K x||_2 <= rtol ||b||_2 (the recursively updated residual). No allocation:
 * the four work vectors are owned by the caller (a PcgWork of the system size).
 */
import { dot } from './vectors.js';

export interface SpdOperator {
  apply(x: Float64Array, y: Float64Array): void;
  precondition(r: Float64Array, z: Float64Array): void;
}

export class PcgWork {
  readonly r: Float64Array;
  readonly z: Float64Array;
  readonly p: Float64Array;
  readonly q: Float64Array;
  constructor(readonly n: number) {
    this.r = new Float64Array(n);
    this.z = new Float64Array(n);
    this.p = new Float64Array(n);
    this.q = new Float64Array(n);
  }
}

export interface PcgResult {
  iterations: number;
  converged: boolean;
  /** Final ||r||_2 / ||b||_2. */
  relResidual: number;
}

/** Solve K x = b from x = 0. Returns iterations used; x holds the approximation. */
export function pcg(op: SpdOperator, b: Float64Array, x: Float64Array, rtol: number, maxIter: number, w: PcgWork, out: PcgResult): void {
  const n = w.n;
  const { r, z, p, q } = w;
  const bb = start(b, r, x, n);
  out.iterations = 0;
  out.converged = true;
  out.relResidual = 0;
  if (bb === 0) return;
  const target = rtol * rtol * bb;
  op.precondition(r, z);
  p.set(z);
  let rz = dot(r, z, n);
  let rr = bb;
  for (let it = 1; it <= maxIter; it++) {
    op.apply(p, q);
    const alpha = rz / dot(p, q, n);
    rr = update(x, r, p, q, alpha, n);
    out.iterations = it;
    if (rr <= target) {
      out.relResidual = Math.sqrt(rr / bb);
      return;
    }
    op.precondition(r, z);
    const rzNew = dot(r, z, n);
    const beta = rzNew / rz;
    rz = rzNew;
    direction(p, z, beta, n);
  }
  out.converged = false;
  out.relResidual = Math.sqrt(rr / bb);
}

// The vector operations as small functions that every call runs whole (see ./vectors.ts).

/** r = b, x = 0; returns ||b||². */
function start(b: Float64Array, r: Float64Array, x: Float64Array, n: number): number {
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const v = b[i];
    r[i] = v;
    x[i] = 0;
    bb += v * v;
  }
  return bb;
}

/** x += alpha p, r −= alpha q; returns ||r||². */
function update(x: Float64Array, r: Float64Array, p: Float64Array, q: Float64Array, alpha: number, n: number): number {
  let rr = 0;
  for (let i = 0; i < n; i++) {
    x[i] += alpha * p[i];
    const ri = r[i] - alpha * q[i];
    r[i] = ri;
    rr += ri * ri;
  }
  return rr;
}

/** p = z + beta p. */
function direction(p: Float64Array, z: Float64Array, beta: number, n: number): void {
  for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
}

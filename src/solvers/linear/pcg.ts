/**
 * Preconditioned conjugate gradients for an SPD operator K with an SPD preconditioner B ~ K^{-1}
 * (Hestenes & Stiefel 1952; Saad, "Iterative Methods for Sparse Linear Systems", 2003, alg. 9.1).
 *
 * Stops when ||b - K x||_2 <= rtol ||b||_2 (the recursively updated residual). No allocation:
 * the four work vectors are owned by the caller (a PcgWork of the system size).
 */
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
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const v = b[i];
    r[i] = v;
    x[i] = 0;
    bb += v * v;
  }
  out.iterations = 0;
  out.converged = true;
  out.relResidual = 0;
  if (bb === 0) return;
  const target = rtol * rtol * bb;
  op.precondition(r, z);
  let rz = 0;
  for (let i = 0; i < n; i++) {
    p[i] = z[i];
    rz += r[i] * z[i];
  }
  let rr = bb;
  for (let it = 1; it <= maxIter; it++) {
    op.apply(p, q);
    let pq = 0;
    for (let i = 0; i < n; i++) pq += p[i] * q[i];
    const alpha = rz / pq;
    rr = 0;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      const ri = r[i] - alpha * q[i];
      r[i] = ri;
      rr += ri * ri;
    }
    out.iterations = it;
    if (rr <= target) {
      out.relResidual = Math.sqrt(rr / bb);
      return;
    }
    op.precondition(r, z);
    let rzNew = 0;
    for (let i = 0; i < n; i++) rzNew += r[i] * z[i];
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  out.converged = false;
  out.relResidual = Math.sqrt(rr / bb);
}

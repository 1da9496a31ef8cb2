/**
 * Right-preconditioned restarted GMRES(m) (Saad & Schultz 1986; Saad, "Iterative Methods for
 * Sparse Linear Systems", 2003, alg. 9.5) with modified Gram-Schmidt and Givens rotations.
 * All work arrays are allocated once in the constructor; solve() does not allocate.
 * Stops when ||b - A x||_2 <= rtol ||b||_2 (the Arnoldi residual estimate; verified at restarts).
 */
import { axpy, dot } from './vectors.js';

export interface LinearOperator {
  apply(x: Float64Array, y: Float64Array): void;
  /** z ~ A^{-1} r (may alias? no: r and z are distinct arrays). */
  precondition(r: Float64Array, z: Float64Array): void;
}

export interface GmresResult {
  iterations: number;
  converged: boolean;
  relResidual: number;
}

export class Gmres {
  private readonly V: Float64Array[];
  private readonly Z: Float64Array[];
  private readonly H: Float64Array;
  private readonly cs: Float64Array;
  private readonly sn: Float64Array;
  private readonly g: Float64Array;
  private readonly yv: Float64Array;
  private readonly r: Float64Array;
  private readonly w: Float64Array;

  constructor(
    readonly n: number,
    readonly m = 30,
  ) {
    this.V = Array.from({ length: m + 1 }, () => new Float64Array(n));
    this.Z = Array.from({ length: m }, () => new Float64Array(n));
    this.H = new Float64Array((m + 1) * m);
    this.cs = new Float64Array(m);
    this.sn = new Float64Array(m);
    this.g = new Float64Array(m + 1);
    this.yv = new Float64Array(m);
    this.r = new Float64Array(n);
    this.w = new Float64Array(n);
  }

  /**
   * Solve A x = b from the initial guess in x (or from x = 0 when zeroGuess, which saves one
   * operator application). Returns when the Arnoldi residual estimate is below rtol ||b||; the true
   * residual is verified only at restarts (callers that can compute it cheaply should check it).
   */
  /** The result object, reused by every solve (no allocation per step). */
  private readonly result: GmresResult = { iterations: 0, converged: true, relResidual: 0 };

  /**
   * The last solve's update, when it was one cycle from a zero guess (no operator application but the
   * cycle's, one per direction, in order): x = Σ_{i < lastDirections} coefficients()[i] Z_i, Z_i the i-th
   * preconditioned direction the operator was applied to. −1 otherwise (a restart, a residual check, x = 0).
   * A caller that keeps the operator's work per direction can form its own result of x from it.
   */
  lastDirections = -1;

  /** The coefficients of the last solve's update (see lastDirections; a view, valid until the next solve). */
  coefficients(): Float64Array {
    return this.yv;
  }

  private finish(iterations: number, converged: boolean, relResidual: number): GmresResult {
    this.result.iterations = iterations;
    this.result.converged = converged;
    this.result.relResidual = relResidual;
    return this.result;
  }

  solve(A: LinearOperator, b: Float64Array, x: Float64Array, rtol: number, maxIter: number, zeroGuess = false): GmresResult {
    const n = this.n;
    const m = this.m;
    const { V, Z, H, cs, sn, g, yv, r, w } = this;
    const bnorm = Math.sqrt(dot(b, b, n));
    this.lastDirections = -1;
    let cycles = 0;
    if (bnorm === 0) {
      x.fill(0);
      return this.finish(0, true, 0);
    }
    let total = 0;
    let rel = Infinity;
    let first = zeroGuess;
    if (zeroGuess) x.fill(0);
    for (;;) {
      if (first) copy(r, b, n);
      else {
        A.apply(x, w);
        difference(r, b, w, n);
        this.lastDirections = -1;
      }
      const beta = Math.sqrt(dot(r, r, n));
      rel = beta / bnorm;
      if (rel <= rtol || total >= maxIter) return this.finish(total, rel <= rtol, rel);
      // with a zero guess, the Arnoldi estimate is trusted at the end of the first cycle
      if (first) first = false;
      const v0 = V[0];
      quotient(v0, r, beta, n);
      g.fill(0);
      g[0] = beta;
      let j = 0;
      for (; j < m && total < maxIter; j++) {
        total++;
        A.precondition(V[j], Z[j]);
        const vj1 = V[j + 1];
        A.apply(Z[j], vj1);
        for (let i = 0; i <= j; i++) {
          const vi = V[i];
          const h = dot(vj1, vi, n);
          H[i * m + j] = h;
          axpy(vj1, -h, vi, n);
        }
        const hn = Math.sqrt(dot(vj1, vj1, n));
        H[(j + 1) * m + j] = hn;
        if (hn > 0) divide(vj1, hn, n);
        for (let i = 0; i < j; i++) {
          const a = H[i * m + j];
          const c = H[(i + 1) * m + j];
          H[i * m + j] = cs[i] * a + sn[i] * c;
          H[(i + 1) * m + j] = -sn[i] * a + cs[i] * c;
        }
        const a = H[j * m + j];
        const c = H[(j + 1) * m + j];
        const d = Math.hypot(a, c);
        cs[j] = d === 0 ? 1 : a / d;
        sn[j] = d === 0 ? 0 : c / d;
        H[j * m + j] = d;
        H[(j + 1) * m + j] = 0;
        g[j + 1] = -sn[j] * g[j];
        g[j] = cs[j] * g[j];
        if (Math.abs(g[j + 1]) / bnorm <= rtol || hn === 0) {
          j++;
          break;
        }
      }
      // back substitution and update x += Z y
      for (let i = j - 1; i >= 0; i--) {
        let s = g[i];
        for (let k = i + 1; k < j; k++) s -= H[i * m + k] * yv[k];
        yv[i] = s / H[i * m + i];
      }
      for (let i = 0; i < j; i++) axpy(x, yv[i], Z[i], n);
      cycles++;
      this.lastDirections = zeroGuess && cycles === 1 ? j : -1;
      const est = Math.abs(g[j]) / bnorm;
      if (zeroGuess && est <= rtol) return this.finish(total, true, est);
    }
  }
}

// The vector operations as small functions that every call runs whole (see ./vectors.ts).

/** x /= s (each entry divided, not multiplied by 1/s). */
function divide(x: Float64Array, s: number, n: number): void {
  for (let i = 0; i < n; i++) x[i] /= s;
}

/** out = x (the first n entries). */
function copy(out: Float64Array, x: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = x[i];
}

/** out = x / s. */
function quotient(out: Float64Array, x: Float64Array, s: number, n: number): void {
  for (let i = 0; i < n; i++) out[i] = x[i] / s;
}

/** out = x − y. */
function difference(out: Float64Array, x: Float64Array, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = x[i] - y[i];
}

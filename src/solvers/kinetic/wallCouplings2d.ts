/**
 * The walls' couplings between velocities in the 2D walled kinetic solver's preconditioner
 * (./kinetic2dWalls.ts, docs/kinetic-scheme.md "Walls"): a diffuse face re-emits what its outgoing
 * velocities bring (rows of all incoming velocities coupled to all outgoing ones), a specular face
 * mirrors v -> -v. Where a row carries such a coupling strongly (free streaming to the wall: γ ≈ 1 at
 * CFL dt/(eps dx) ≳ 1, in vacuum up to 1e9) a per-velocity preconditioner that leaves it out is useless,
 * so the strong ones are added back exactly as rank-one terms U_i V_iᵀ and applied by the
 * Sherman–Morrison–Woodbury formula
 *
 *   (M̃ + U Vᵀ)^{-1} y = M̃^{-1} y − M̃^{-1} U C^{-1} Vᵀ M̃^{-1} y,   C = I + Vᵀ M̃^{-1} U,
 *
 * C dense (LU with partial pivoting), at most `max` terms (the rest are left to GMRES).
 * Reference: Golub & Van Loan, Matrix Computations, 4th ed., §2.1.4 (the Woodbury formula).
 */
import type { Direction2D, WallTransport2D } from '../transport/walls2d.js';

export class WallCouplings2D {
  /** The most wall couplings taken into the preconditioner (its dense capacitance matrix is max²). */
  static readonly max = 1024;
  private readonly nx: number;
  private readonly ny: number;
  private readonly N: number;
  private readonly K: number;
  /**
   * Rank-one terms U_i V_iᵀ of the h-rows at wall cell wC[i] (U_i, V_i over the velocities: Uw[i K + k],
   * Vw[i K + k]), the capacitance matrix Cw = I + Vᵀ M̃^{-1} U (LU, pivots wP); wP.length of them at most.
   */
  private readonly Uw: Float64Array;
  private readonly Vw: Float64Array;
  private readonly wC: Int32Array;
  private readonly Cw: Float64Array;
  private readonly wP: Int32Array;
  private readonly ws: Float64Array;
  private readonly wk: Float64Array;
  private nW = 0;

  constructor(nx: number, ny: number, K: number, dirs: readonly [Direction2D, Direction2D]) {
    this.nx = nx;
    this.ny = ny;
    this.N = nx * ny;
    this.K = K;
    let nd = 0;
    for (let d = 0; d < 2; d++) {
      const dir = dirs[d];
      if (dir === null) continue;
      for (let t = 0; t < 2; t++) if (dir[t].kind === 'diffuse' || dir[t].kind === 'specular') nd += (d === 0 ? ny : nx) * (dir[t].kind === 'specular' ? K : 1);
    }
    nd = Math.min(nd, WallCouplings2D.max);
    this.Uw = new Float64Array(nd * K);
    this.Vw = new Float64Array(nd * K);
    this.wC = new Int32Array(nd);
    this.Cw = new Float64Array(nd * nd);
    this.wP = new Int32Array(nd);
    this.ws = new Float64Array(nd);
    this.wk = new Float64Array(nd > 0 ? this.N * K : 0);
  }

  /**
   * The walls' couplings between velocities whose rows carry them strongly (some |U| entry ≥ 1, i.e. as large as
   * the row's diagonal: free streaming to the wall, γ ≈ 1 at CFL dt/(eps dx) ≳ 1), as rank-one terms U_i V_iᵀ at the wall cell wC[i]: a diffuse face
   * (U on its incoming rows, V = π over its outgoing velocities) and a specular face per velocity k (U on row k,
   * V picking the mirror velocity k'); at most `max` of them. Then Cw = I + Vᵀ M̃^{-1} U by M̃_k solves of U's
   * columns (`solveVel(k, y)`: y ← M̃_k^{-1} y, cells in natural order; the banded LU or the factored lines), LU with
   * partial pivoting.
   */
  assemble(T: WallTransport2D, dirs: readonly [Direction2D, Direction2D], ia: Float64Array, eps: number, solveVel: (k: number, y: Float64Array) => void, pv: Float64Array): void {
    const { nx, ny, K, Uw, Vw } = this;
    let nW = 0;
    const cap = this.wP.length;
    for (let d = 0 as 0 | 1; d < 2; d = (d + 1) as 0 | 1) {
      const dir = dirs[d];
      if (dir === null) continue;
      const M = d === 0 ? ny : nx;
      const out = d === 0 ? T.outX : T.outY;
      const u = d === 0 ? T.vx : T.vy;
      const gam = d === 0 ? T.gX : T.gY;
      const nf = d === 0 ? T.nfx : T.nfy;
      const mir = d === 0 ? T.mirX : T.mirY;
      const sg = T.dt / (eps * (d === 0 ? T.dx : T.dy));
      for (let s = 0; s < 2; s++) {
        const kind = dir[s].kind;
        if (kind !== 'diffuse' && kind !== 'specular') continue;
        for (let m = 0; m < M; m++) {
          const f = T.wallFace(d, s, m);
          const c = T.wallCell(d, s, m);
          const iac = ia[c];
          if (kind === 'diffuse') {
            const o = out[s * M + m];
            if (!(o > 0) || nW >= cap) continue;
            let big = 0;
            for (let k = 0; k < K; k++) {
              const un = s === 0 ? u[k] : -u[k]; // > 0: incoming
              const g = gam[k * nf + f];
              const uv = un > 0 && T.active[k] ? (s === 0 ? -sg : sg) * u[k] * g * iac : 0;
              Uw[nW * K + k] = uv;
              Vw[nW * K + k] = un < 0 ? (T.w[k] * -un * g) / o : 0;
              big = Math.max(big, Math.abs(uv));
            }
            if (big >= 1) this.wC[nW++] = c;
          } else {
            for (let k = 0; k < K; k++) {
              const g = gam[k * nf + f];
              const uv = (s === 0 ? -sg : sg) * u[k] * 0.5 * g * iac;
              if (!(Math.abs(uv) >= 1) || !T.active[k] || nW >= cap) continue;
              Uw.fill(0, nW * K, nW * K + K);
              Vw.fill(0, nW * K, nW * K + K);
              Uw[nW * K + k] = uv;
              Vw[nW * K + mir[k]] = 1;
              this.wC[nW++] = c;
            }
          }
        }
      }
    }
    this.nW = nW;
    if (nW === 0) return;
    const C = this.Cw;
    C.fill(0, 0, nW * nW);
    for (let i = 0; i < nW; i++) C[i * nW + i] = 1;
    for (let i = 0; i < nW; i++) {
      for (let k = 0; k < K; k++) {
        const v = Uw[i * K + k];
        if (v === 0) continue;
        pv.fill(0);
        pv[this.wC[i]] = v;
        solveVel(k, pv);
        for (let j = 0; j < nW; j++) {
          const p = Vw[j * K + k];
          if (p !== 0) C[j * nW + i] += p * pv[this.wC[j]];
        }
      }
    }
    // LU with partial pivoting (in place)
    const P = this.wP;
    for (let c = 0; c < nW; c++) {
      let pr = c;
      for (let r = c + 1; r < nW; r++) if (Math.abs(C[r * nW + c]) > Math.abs(C[pr * nW + c])) pr = r;
      P[c] = pr;
      if (pr !== c) {
        for (let q = 0; q < nW; q++) {
          const t = C[c * nW + q];
          C[c * nW + q] = C[pr * nW + q];
          C[pr * nW + q] = t;
        }
      }
      const piv = C[c * nW + c];
      for (let r = c + 1; r < nW; r++) {
        const l = (C[r * nW + c] /= piv);
        if (l !== 0) for (let q = c + 1; q < nW; q++) C[r * nW + q] -= l * C[c * nW + q];
      }
    }
  }

  /** y ← (M̃ + U Vᵀ)^{-1} y by Woodbury: M̃^{-1} y − M̃^{-1} U Cw^{-1} Vᵀ M̃^{-1} y. */
  apply(y: Float64Array, solveM: (y: Float64Array) => void): void {
    solveM(y);
    const nW = this.nW;
    if (nW === 0) return;
    const { N, K, ws, wk, Uw, Vw } = this;
    const C = this.Cw;
    for (let j = 0; j < nW; j++) {
      let t = 0;
      const c = this.wC[j];
      for (let k = 0; k < K; k++) {
        const p = Vw[j * K + k];
        if (p !== 0) t += p * y[k * N + c];
      }
      ws[j] = t;
    }
    const P = this.wP;
    for (let c = 0; c < nW; c++) {
      const pr = P[c];
      if (pr !== c) {
        const t = ws[c];
        ws[c] = ws[pr];
        ws[pr] = t;
      }
    }
    for (let c = 0; c < nW; c++) for (let r = c + 1; r < nW; r++) ws[r] -= C[r * nW + c] * ws[c];
    for (let r = nW - 1; r >= 0; r--) {
      let t = ws[r];
      for (let q = r + 1; q < nW; q++) t -= C[r * nW + q] * ws[q];
      ws[r] = t / C[r * nW + r];
    }
    wk.fill(0);
    for (let i = 0; i < nW; i++) {
      const c = this.wC[i];
      for (let k = 0; k < K; k++) {
        const v = Uw[i * K + k];
        if (v !== 0) wk[k * N + c] += v * ws[i];
      }
    }
    solveM(wk);
    for (let p = 0; p < N * K; p++) y[p] -= wk[p];
  }
}

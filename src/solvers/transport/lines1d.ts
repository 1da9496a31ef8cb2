/**
 * Interleaved periodic line solves of the 1D micro–macro kinetic schemes (docs/kinetic-scheme.md,
 * "Linear solve per step"): for every active velocity k (some blending weight γ > 0, see
 * apFaces1d.ts) the per-velocity transport–relaxation operator
 *
 *   M_k = diag(a) + (dt/eps) v_k D(γ avg ·)   (a_i = c0 + dt λ_i / eps² for the BGK-type relaxation)
 *
 * is a periodic tridiagonal matrix in x, factored by bordering Thomas (PeriodicTridiagFactor's
 * algorithm, no pivoting: positive-real matrices). All active velocities advance together in one pass
 * over the cells, state and work arrays velocity fastest ([cell * count + k]), so that the K
 * independent recurrences overlap instead of each running its latency chain. The factorisation is
 * fused with the first solve (only inverse pivots and the bordering column are stored; lo, up and
 * cp = up·inv are recomputed from γ), and the transport part of the equation for h_k,
 *
 *   G_k x = c0 x + dt D Φ_k(x),  Φ_k = (v_k/eps) avg x − v_k² (1 − γ) Df D x,
 *
 * is formed inside the forward sweeps. The density Schur complement S = L − (dt/eps) D<v γ avg M_k⁻¹ G_k>
 * is applied by forwardG + backwardW + schurBorder (acc in ApFaces1D), the correction q_k −= M_k⁻¹ G_k δ
 * by correct().
 *
 * WebAssembly (../wasm/lines1d.wat, bitwise the same): when the arrays live in the kernels' memory
 * (allocated through a SharedArena on kernelMemory(), see attachWasm) and the active velocities are an even
 * number, the row sweeps of every method (and gamma's gather) run there (f64x2 over the active velocities; q with
 * v128 loads when every velocity is active, act[j] = j, else two lanes at q's offsets act[j]; the face sums
 * two faces at a time, each face's sum over the velocities in the same order). An odd number of active
 * velocities stays in JavaScript.
 * V8: each hot loop nest is its own method with nothing after it.
 */
import type { ApFaces1D } from './apFaces1d.js';
import { plainAllocator, type Allocator, type ArenaArray } from '../parallel/arena.js';
import type { WasmKernels } from '../wasm/kernels.js';

export class InterleavedLines1D {
  readonly N: number;
  readonly K: number;
  readonly dx: number;
  /** BDF leading coefficient c0 and step length of the current attempt (set by prepare). */
  c0 = 1;
  dt = 0;
  // Interleaved per-velocity line systems M_k (active velocities j < nAct, index [row * nAct + j]):
  private readonly gamA: Float64Array; // gamma at face f: [f * nAct + j]
  private readonly finv: Float64Array; // inverse Thomas pivots of the leading block
  private readonly fz: Float64Array; // bordering column z = T^{-1} e
  private readonly wbuf: Float64Array; // forward-sweep values of the Schur application
  // per active velocity j: a_k = v/(2 eps), b_k = v^2/dx, c_k = w v/2, s_k = dt v/(2 eps dx), last row
  private readonly ka: Float64Array;
  private readonly kb: Float64Array;
  private readonly kc: Float64Array;
  private readonly ks: Float64Array;
  private readonly loLast: Float64Array;
  private readonly upLast: Float64Array;
  private readonly invS: Float64Array;
  // running values per velocity (length K)
  private readonly run1: Float64Array;
  private readonly run2: Float64Array;
  private readonly run3: Float64Array;
  private readonly run4: Float64Array;
  /** A copy of a vector that is not in the kernels' memory (GMRES's Krylov vectors), for forwardG. */
  private readonly xs: Float64Array;
  /** q's byte offsets act[j] * 8 of the active velocities, for the WebAssembly kernels when some are inactive. */
  private readonly qoff: Int32Array;
  /** Byte offsets in faces.gamG of the active velocities' gamma rows (sameAbs[act[j]] * N * 8), for the WebAssembly gather. */
  private readonly goff: Int32Array;
  /** The WebAssembly kernels (attachWasm), or null: JavaScript only. */
  private wasm: WasmKernels | null = null;
  private readonly wasmBuffers = new Set<ArrayBufferLike>();
  /** Calls of the WebAssembly kernels (tests check that they ran). */
  wasmCalls = 0;

  constructor(
    private readonly faces: ApFaces1D,
    alloc: Allocator = plainAllocator,
  ) {
    const { N, K } = faces;
    this.N = N;
    this.K = K;
    this.dx = faces.dx;
    const NK = N * K;
    this.gamA = alloc.f64(NK);
    this.finv = alloc.f64(NK);
    this.fz = alloc.f64(NK);
    this.wbuf = alloc.f64(NK);
    this.ka = alloc.f64(K);
    this.kb = alloc.f64(K);
    this.kc = alloc.f64(K);
    this.ks = alloc.f64(K);
    this.loLast = alloc.f64(K);
    this.upLast = alloc.f64(K);
    this.invS = alloc.f64(K);
    this.run1 = alloc.f64(K);
    this.run2 = alloc.f64(K);
    this.run3 = alloc.f64(K);
    this.run4 = alloc.f64(K);
    this.xs = alloc.f64(N);
    this.qoff = alloc.i32(K);
    this.goff = alloc.i32(K);
  }

  /**
   * Use the WebAssembly kernels on the arrays of `arrays` (every array of the arena this object and the
   * vectors passed to it were allocated in, all inside the kernels' memory).
   */
  attachWasm(kernels: WasmKernels, arrays: readonly ArenaArray[]): void {
    for (const a of arrays) this.wasmBuffers.add(a.buffer);
    // this object's arrays and the faces' Df must be there too (else JavaScript only)
    if (this.wasmBuffers.has(this.gamA.buffer) && this.wasmBuffers.has(this.xs.buffer) && this.wasmBuffers.has(this.faces.Df.buffer)) this.wasm = kernels;
  }

  /** q's offsets for the WebAssembly kernels: 0 when every velocity is active (q's rows contiguous), else qoff. */
  private offs(): number {
    return this.faces.nAct === this.K ? 0 : this.qoff.byteOffset;
  }

  /** The WebAssembly kernels when the active velocities are a positive even number and these arrays are in the memory. */
  private kernels(a: Float64Array, b: Float64Array = a, c: Float64Array = a, d: Float64Array = a, e: Float64Array = a, f: Float64Array = a): WasmKernels | null {
    const w = this.wasm;
    const Ka = this.faces.nAct;
    if (w === null || Ka === 0 || (Ka & 1) !== 0) return null;
    const bufs = this.wasmBuffers;
    if (!bufs.has(a.buffer) || !bufs.has(b.buffer) || !bufs.has(c.buffer) || !bufs.has(d.buffer) || !bufs.has(e.buffer) || !bufs.has(f.buffer)) return null;
    this.wasmCalls++;
    return w;
  }

  /** Per-velocity coefficients of the active velocities (after faces.blend()) and their gamma, interleaved. */
  prepare(c0: number, dt: number): void {
    const { v, w, eps, dx, act } = this.faces;
    this.c0 = c0;
    this.dt = dt;
    const Ka = this.faces.nAct;
    for (let j = 0; j < Ka; j++) {
      const vk = v[act[j]];
      this.ka[j] = vk / (2 * eps);
      this.kb[j] = (vk * vk) / dx;
      this.kc[j] = 0.5 * w[act[j]] * vk;
      this.ks[j] = (dt * vk) / (eps * 2 * dx);
    }
    for (let j = 0; j < Ka; j++) this.qoff[j] = 8 * act[j];
    if (Ka > 0) this.gatherGamma();
  }

  /** gamA[f * nAct + j] = gamma of the j-th active velocity at face f. */
  gatherGamma(): void {
    const { N, gamA } = this;
    const { act, sameAbs, gamG } = this.faces;
    const Ka = this.faces.nAct;
    const wk = this.kernels(gamA, gamG);
    if (wk) {
      const goff = this.goff;
      for (let j = 0; j < Ka; j++) goff[j] = 8 * sameAbs[act[j]] * N;
      wk.gatherGamma(N, Ka, gamG.byteOffset, goff.byteOffset, gamA.byteOffset);
      return;
    }
    for (let j = 0; j < Ka; j++) {
      const b0 = sameAbs[act[j]] * N;
      for (let f = 0; f < N; f++) gamA[f * Ka + j] = gamG[b0 + f];
    }
  }

  // --- interleaved line systems of the active velocities ----------------------------------------
  // Row i of M_k (k = act[j]): lo = -s_k gamma_{i-1}, di = a_i + s_k (gamma_i - gamma_{i-1}), up = s_k gamma_i,
  // with faces i = i+1/2 (face -1 = N-1). Periodic bordering Thomas, as PeriodicTridiagFactor: the
  // leading block of rows 0..m-1 (m = N-1) is factored without pivoting (inverse pivots finv; cp = up inv
  // is recomputed), z = T^{-1} e, and x_m from the 1x1 Schur complement (invS). All velocities advance
  // together in one pass over the cells (independent recurrences: the latency chains overlap).
  // G_k x at row i = c0 x_i + (dt/dx)(phi_i - phi_{i-1}), phi_f = a_k (x_f + x_{f+1}) - b_k (1 - gamma_f) Df_f (x_{f+1} - x_f).

  /** Factor the active M_k (forward elimination) and sweep forward q_k = histQ_k + histRho - G_k x into qNew. */
  lineFactorForward(x: Float64Array, a1: number, a2: number, aC: Float64Array, histRho: Float64Array, qN: Float64Array, qO: Float64Array, q: Float64Array): void {
    const { N, K, c0, dx, gamA, finv, fz, ka, kb, ks, loLast, upLast, invS } = this;
    const { act, Df } = this.faces;
    const Ka = this.faces.nAct;
    const m = N - 1;
    const phiP = this.run1;
    const cpP = this.run2;
    const zP = this.run3;
    const wP = this.run4;
    const c = this.dt / dx;
    // last row (right-hand side and bordering coefficients) and phi at face m, the left face of row 0
    {
      const S = x[m] + x[0];
      const D = x[0] - x[m];
      const dfm = Df[m];
      const S1 = x[m - 1] + x[m];
      const D1 = x[m] - x[m - 1];
      const df1 = Df[m - 1];
      const c0x = c0 * x[m];
      const hr = histRho[m];
      const ai = aC[m];
      const gb = m * Ka;
      const gb1 = (m - 1) * Ka;
      const qb = m * K;
      for (let j = 0; j < Ka; j++) {
        const k = act[j];
        const gp = gamA[gb + j];
        const gm = gamA[gb1 + j];
        const phi = ka[j] * S - kb[j] * (1 - gp) * dfm * D;
        const phi1 = ka[j] * S1 - kb[j] * (1 - gm) * df1 * D1;
        const g = c0x + c * (phi - phi1);
        q[qb + k] = a1 * qN[qb + k] - a2 * qO[qb + k] + hr - g;
        const s = ks[j];
        invS[j] = ai + s * (gp - gm); // di_m until lineFactorBorder
        upLast[j] = s * gp;
        loLast[j] = -s * gm;
        phiP[j] = phi;
        cpP[j] = 0;
        zP[j] = 0;
        wP[j] = 0;
      }
    }
    const wk = this.kernels(q, qN, qO, x, aC, histRho);
    if (wk) {
      wk.lineFactorForward(N, Ka, c0, c, a1, a2, x.byteOffset, Df.byteOffset, aC.byteOffset, histRho.byteOffset, qN.byteOffset, qO.byteOffset, q.byteOffset,
        gamA.byteOffset, finv.byteOffset, fz.byteOffset, ka.byteOffset, kb.byteOffset, ks.byteOffset, phiP.byteOffset, cpP.byteOffset, zP.byteOffset, wP.byteOffset, K, this.offs());
      return;
    }
    for (let i = 0; i < m; i++) {
      const ip = i + 1;
      const im = i === 0 ? m : i - 1;
      const xi = x[i];
      const S = xi + x[ip];
      const D = x[ip] - xi;
      const dfi = Df[i];
      const ai = aC[i];
      const hr = histRho[i];
      const c0x = c0 * xi;
      const rb = i * Ka;
      const rbm = im * Ka;
      const qb = i * K;
      // e = lo_0 in row 0, up_{m-1} in row m-1 (the bordering column)
      const e0 = i === 0 ? 1 : 0;
      const e1 = i === m - 1 ? 1 : 0;
      for (let j = 0; j < Ka; j++) {
        const k = act[j];
        const gp = gamA[rb + j];
        const gm = gamA[rbm + j];
        const phi = ka[j] * S - kb[j] * (1 - gp) * dfi * D;
        const g = c0x + c * (phi - phiP[j]);
        phiP[j] = phi;
        const r = a1 * qN[qb + k] - a2 * qO[qb + k] + hr - g;
        const s = ks[j];
        const di = ai + s * (gp - gm);
        const up = s * gp;
        const lo = -s * gm;
        const inv = 1 / (di - lo * cpP[j]);
        cpP[j] = up * inv;
        const z = (e0 * lo + e1 * up - lo * zP[j]) * inv;
        zP[j] = z;
        const wv = (r - lo * wP[j]) * inv;
        wP[j] = wv;
        finv[rb + j] = inv;
        fz[rb + j] = z;
        q[qb + k] = wv;
      }
    }
  }

  /** Backward sweeps of z and of the solution (rows m-2 .. 0); z_0 and y_0 left in run3, run4. */
  lineFactorBackward(q: Float64Array): void {
    const { N, K, gamA, finv, fz, ks } = this;
    const act = this.faces.act;
    const Ka = this.faces.nAct;
    const m = N - 1;
    const zN = this.run3;
    const yN = this.run4;
    const rbl = (m - 1) * Ka;
    const qbl = (m - 1) * K;
    for (let j = 0; j < Ka; j++) {
      zN[j] = fz[rbl + j];
      yN[j] = q[qbl + act[j]];
    }
    const wk = this.kernels(q);
    if (wk) {
      wk.lineFactorBackward(N, Ka, q.byteOffset, gamA.byteOffset, finv.byteOffset, fz.byteOffset, ks.byteOffset, zN.byteOffset, yN.byteOffset, K, this.offs());
      return;
    }
    for (let i = m - 2; i >= 0; i--) {
      const rb = i * Ka;
      const qb = i * K;
      for (let j = 0; j < Ka; j++) {
        const k = act[j];
        const cp = ks[j] * gamA[rb + j] * finv[rb + j];
        const z = fz[rb + j] - cp * zN[j];
        fz[rb + j] = z;
        zN[j] = z;
        const y = q[qb + k] - cp * yN[j];
        q[qb + k] = y;
        yN[j] = y;
      }
    }
  }

  /** invS = 1 / (di_m - lo_m z_{m-1} - up_m z_0); x_m and x_i = y_i - x_m z_i. */
  lineFactorBorder(q: Float64Array): void {
    const { N, K, fz, loLast, upLast, invS } = this;
    const act = this.faces.act;
    const Ka = this.faces.nAct;
    const m = N - 1;
    const z0 = this.run3;
    const y0 = this.run4;
    const sv = this.run2;
    const rbl = (m - 1) * Ka;
    for (let j = 0; j < Ka; j++) {
      const k = act[j];
      invS[j] = 1 / (invS[j] - loLast[j] * fz[rbl + j] - upLast[j] * z0[j]);
      const s = (q[m * K + k] - loLast[j] * q[(m - 1) * K + k] - upLast[j] * y0[j]) * invS[j];
      q[m * K + k] = s;
      sv[j] = s;
    }
    const wk = this.kernels(q);
    if (wk) {
      wk.borderRows(N, Ka, q.byteOffset, fz.byteOffset, 0, sv.byteOffset, 0, K, this.offs());
      return;
    }
    for (let i = 0; i < m; i++) {
      const rb = i * Ka;
      const qb = i * K;
      for (let j = 0; j < Ka; j++) q[qb + act[j]] -= sv[j] * fz[rb + j];
    }
  }

  /** Forward sweep of M_k^{-1} G_k x for the active velocities: wbuf rows 0..m-1, the last row's G_k x in run2. */
  forwardG(x: Float64Array): void {
    const { N, c0, dx, gamA, finv, wbuf, ka, kb, ks } = this;
    const Df = this.faces.Df;
    const Ka = this.faces.nAct;
    const m = N - 1;
    const phiP = this.run1;
    const rm = this.run2;
    const wP = this.run3;
    const c = this.dt / dx;
    {
      const S = x[m] + x[0];
      const D = x[0] - x[m];
      const dfm = Df[m];
      const S1 = x[m - 1] + x[m];
      const D1 = x[m] - x[m - 1];
      const df1 = Df[m - 1];
      const c0x = c0 * x[m];
      const gb = m * Ka;
      const gb1 = (m - 1) * Ka;
      for (let j = 0; j < Ka; j++) {
        const phi = ka[j] * S - kb[j] * (1 - gamA[gb + j]) * dfm * D;
        const phi1 = ka[j] * S1 - kb[j] * (1 - gamA[gb1 + j]) * df1 * D1;
        rm[j] = c0x + c * (phi - phi1);
        phiP[j] = phi;
        wP[j] = 0;
      }
    }
    const wk = this.kernels(wbuf);
    if (wk) {
      let xw = x;
      if (!this.wasmBuffers.has(x.buffer)) {
        xw = this.xs;
        xw.set(x);
      }
      wk.forwardG(N, Ka, c0, c, xw.byteOffset, Df.byteOffset, gamA.byteOffset, finv.byteOffset, wbuf.byteOffset, ka.byteOffset, kb.byteOffset, ks.byteOffset, phiP.byteOffset, wP.byteOffset);
      return;
    }
    for (let i = 0; i < m; i++) {
      const im = i === 0 ? m : i - 1;
      const xi = x[i];
      const S = xi + x[i + 1];
      const D = x[i + 1] - xi;
      const dfi = Df[i];
      const c0x = c0 * xi;
      const rb = i * Ka;
      const rbm = im * Ka;
      for (let j = 0; j < Ka; j++) {
        const phi = ka[j] * S - kb[j] * (1 - gamA[rb + j]) * dfi * D;
        const g = c0x + c * (phi - phiP[j]);
        phiP[j] = phi;
        const lo = -ks[j] * gamA[rbm + j];
        const wv = (g - lo * wP[j]) * finv[rb + j];
        wP[j] = wv;
        wbuf[rb + j] = wv;
      }
    }
  }

  /** Backward sweep in place in wbuf (rows m-2 .. 0); y_0 left in run3. */
  backwardW(): void {
    const { N, gamA, finv, wbuf, ks } = this;
    const Ka = this.faces.nAct;
    const m = N - 1;
    const yN = this.run3;
    const rbl = (m - 1) * Ka;
    for (let j = 0; j < Ka; j++) yN[j] = wbuf[rbl + j];
    const wk = this.kernels(wbuf);
    if (wk) {
      wk.backwardW(N, Ka, gamA.byteOffset, finv.byteOffset, wbuf.byteOffset, ks.byteOffset, yN.byteOffset);
      return;
    }
    for (let i = m - 2; i >= 0; i--) {
      const rb = i * Ka;
      for (let j = 0; j < Ka; j++) {
        const y = wbuf[rb + j] - ks[j] * gamA[rb + j] * finv[rb + j] * yN[j];
        wbuf[rb + j] = y;
        yN[j] = y;
      }
    }
  }

  /** qNew_k -= M_k^{-1} G_k d for the active velocities. */
  correct(d: Float64Array, q: Float64Array): void {
    this.forwardG(d);
    this.backwardW();
    this.correctBorder(q);
  }

  correctBorder(q: Float64Array): void {
    const { N, K, fz, wbuf, loLast, upLast, invS } = this;
    const act = this.faces.act;
    const Ka = this.faces.nAct;
    const m = N - 1;
    const rm = this.run2;
    const y0 = this.run3;
    const sv = this.run4;
    const rbl = (m - 1) * Ka;
    for (let j = 0; j < Ka; j++) {
      const s = (rm[j] - loLast[j] * wbuf[rbl + j] - upLast[j] * y0[j]) * invS[j];
      sv[j] = s;
      q[m * K + act[j]] -= s;
    }
    const wk = this.kernels(q);
    if (wk) {
      wk.borderRows(N, Ka, q.byteOffset, fz.byteOffset, wbuf.byteOffset, sv.byteOffset, 1, K, this.offs());
      return;
    }
    for (let i = 0; i < m; i++) {
      const rb = i * Ka;
      const qb = i * K;
      for (let j = 0; j < Ka; j++) q[qb + act[j]] -= wbuf[rb + j] - sv[j] * fz[rb + j];
    }
  }

  /** acc_f = <c gamma_f (q_f + q_{f+1})> over the active velocities. */
  faceAcc(q: Float64Array): void {
    const { N, K, gamA, kc } = this;
    const { act, acc } = this.faces;
    const Ka = this.faces.nAct;
    const wk = this.kernels(q, acc);
    if (wk) {
      wk.faceSums(N, Ka, 0, N, q.byteOffset, gamA.byteOffset, kc.byteOffset, 0, 0, 0, 0, acc.byteOffset, K, this.offs());
      return;
    }
    for (let f = 0; f < N; f++) {
      const fp = f + 1 === N ? 0 : f + 1;
      const rb = f * Ka;
      const qb = f * K;
      const qbp = fp * K;
      let s = 0;
      for (let j = 0; j < Ka; j++) {
        const k = act[j];
        s += kc[j] * gamA[rb + j] * (q[qb + k] + q[qbp + k]);
      }
      acc[f] = s;
    }
  }

  /**
   * x_m = s, x_i = y_i - s z_i (y in wbuf from backwardW, y_0 in run3) and acc_f = <c gamma_f (x_f + x_{f+1})>,
   * in the same order of operations as the per-velocity solves (bitwise the same Krylov vectors).
   */
  schurBorder(): void {
    const { N, gamA, fz, wbuf, kc, loLast, upLast, invS } = this;
    const acc = this.faces.acc;
    const Ka = this.faces.nAct;
    const m = N - 1;
    const rm = this.run2;
    const y0 = this.run3;
    const sv = this.run4;
    const xP = this.run1;
    const rbl = (m - 1) * Ka;
    const rbm = m * Ka;
    let Pl = 0;
    let Pm = 0;
    for (let j = 0; j < Ka; j++) {
      const yl = wbuf[rbl + j];
      const s = (rm[j] - loLast[j] * yl - upLast[j] * y0[j]) * invS[j];
      sv[j] = s;
      const x0 = y0[j] - s * fz[j];
      xP[j] = x0;
      Pl += kc[j] * gamA[rbl + j] * (yl - s * fz[rbl + j] + s);
      Pm += kc[j] * gamA[rbm + j] * (s + x0);
    }
    acc[m - 1] = Pl;
    acc[m] = Pm;
    // (x_0 = y_0 - s z_0 again there: y_0 = wbuf row 0 after backwardW)
    const wk = this.kernels(wbuf, acc);
    if (wk) {
      wk.faceSums(N, Ka, 0, m - 1, 0, gamA.byteOffset, kc.byteOffset, wbuf.byteOffset, fz.byteOffset, sv.byteOffset, 1, acc.byteOffset, 0, 0);
      return;
    }
    for (let f = 0; f < m - 1; f++) {
      const rb = f * Ka;
      const rn = rb + Ka;
      let P = 0;
      for (let j = 0; j < Ka; j++) {
        const xn = wbuf[rn + j] - sv[j] * fz[rn + j];
        P += kc[j] * gamA[rb + j] * (xP[j] + xn);
        xP[j] = xn;
      }
      acc[f] = P;
    }
  }
}

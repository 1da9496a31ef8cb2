/**
 * The JavaScript twins of wasm/series.wat (the per-cell passes and the Fourier mode loop of a kinetic series row,
 * ./kineticSeries.ts): the reference and the fallback where the WebAssembly kernels do not run (NLBGK_KERNELS=js,
 * the browser, nx odd, 1D). Each kernel writes its sums into `out` in the WebAssembly kernel's order; the cells
 * (modes) in order, so every sum is the one of a separate loop. Functions of arrays and sizes only.
 */
import type { LevelMomentArrays } from '../solvers/microMacro/moments.js';

/** Per-cell moments of one level (see the header). */
export class LevelMoments {
  readonly rho: Float64Array;
  readonly s0: Float64Array;
  readonly j: Float64Array[];
  /** 1D [Exx]; 2D [Exx, Exy, Eyy]. */
  readonly E: Float64Array[];
  readonly q2: Float64Array;
  readonly qmin: Float64Array;
  readonly qmax: Float64Array;
  /** λ(rho) per cell of this level (filled once per level: `lamReady`). */
  readonly lam: Float64Array;
  lamReady = false;
  // Lemma 2.5 terms: (1/eps) div j, and per direction (1/eps)(div E)_d, (1/eps) ∂_d rho, λ j_d / eps²
  readonly divj: Float64Array;
  readonly parts: Float64Array[][];
  /** The same arrays under the solvers' names (../solvers/microMacro/moments.ts). */
  readonly view: LevelMomentArrays;
  /** The WebAssembly path: a copy of the level's macro rho (MicroLevel.rho), the first of the level's arrays in the kernels' memory; else null. */
  readonly rl: Float64Array | null;
  /** The MicroLevel id these moments are of (-1: none), and whether divj and parts are filled. */
  id = -1;
  terms = false;

  /** alloc: the WebAssembly path's memory (every array taken in the kernels' order, ./seriesWasm.ts), else undefined. */
  constructor(N: number, dim: 1 | 2, alloc?: (n: number) => Float64Array) {
    const f = alloc ? () => alloc(N) : () => new Float64Array(N);
    this.rl = alloc ? f() : null;
    this.rho = f();
    this.s0 = f();
    this.j = Array.from({ length: dim }, f);
    this.E = Array.from({ length: dim === 1 ? 1 : 3 }, f);
    this.q2 = f();
    this.qmin = f();
    this.qmax = f();
    this.lam = f();
    this.divj = f();
    this.parts = Array.from({ length: dim }, () => [f(), f(), f()]);
    const [jx, jy = jx] = this.j;
    const [exx, exy = exx, eyy = exx] = this.E;
    this.view = { s0: this.s0, q2: this.q2, jx, jy, exx, exy, eyy, qmin: this.qmin, qmax: this.qmax };
  }
}

/** A Fourier axis: wave numbers, the derivative symbols 2πk (0 at the Nyquist index) and each index's mirror (−k). */
export interface FourierAxis {
  k: Float64Array;
  D: Float64Array;
  mirror: Int32Array;
}

/**
 * One pass over a level's moments (rho: the level's macro density, lam: λ of M.rho): out[0..10] = Σ rho, then the
 * kinetic columns' sums l2, neq, dist, fl, min h, max h, and the theorem columns' e2, the largest Lemma 2.4 ratios
 * (before the root) and dl2; λ j into (lx, ly).
 */
export function levelPassJs(N: number, W: number, dim: 1 | 2, rho: Float64Array, M: LevelMoments, lam: Float64Array, lx: Float64Array, ly: Float64Array, out: Float64Array): void {
  let mass = 0;
  for (let c = 0; c < N; c++) mass += rho[c];
  const m = mass / N; // the mean density (T^d has volume 1)
  let l2 = 0;
  let neq = 0;
  let dist = 0;
  let fl = 0;
  let lo = Infinity;
  let hi = -Infinity;
  let e2 = 0;
  let rj = 0;
  let rE = 0;
  let dl2 = 0;
  const { s0, q2, qmin, qmax } = M;
  const jx = M.j[0];
  const jy = dim === 2 ? M.j[1] : jx;
  const exx = M.E[0];
  const exy = dim === 2 ? M.E[1] : exx;
  const eyy = dim === 2 ? M.E[2] : exx;
  for (let c = 0; c < N; c++) {
    // kinetic columns
    const r = rho[c];
    const s = s0[c];
    const qq = q2[c];
    l2 += W * r * r + 2 * r * s + qq;
    const sv = Math.max(0, qq - s * s);
    neq += sv;
    const dm = r - m;
    dist += W * dm * dm + 2 * dm * s + qq;
    const a = r + qmin[c];
    const b = r + qmax[c];
    if (a < lo) lo = a;
    if (b > hi) hi = b;
    const ax = jx[c];
    fl += ax * ax;
    // theorem columns: |E|², Lemma 2.4's ratios, d‖f‖²/dt, λ j
    const l = lam[c];
    const ex = exx[c];
    let jj = ax * ax;
    let ee = ex * ex;
    lx[c] = l * ax;
    if (dim === 2) {
      const ay = jy[c];
      fl += ay * ay;
      jj += ay * ay;
      ee += 2 * exy[c] * exy[c] + eyy[c] * eyy[c];
      ly[c] = l * ay;
    }
    e2 += ee;
    if (sv > 1e-300) {
      // the root of the largest ratio: sqrt is correctly rounded and monotone, so the largest root (NaN stays NaN)
      rj = Math.max(rj, jj / sv);
      rE = Math.max(rE, ee / sv);
    }
    dl2 += l * sv;
  }
  out[0] = mass;
  out[1] = l2;
  out[2] = neq;
  out[3] = dist;
  out[4] = fl;
  out[5] = lo;
  out[6] = hi;
  out[7] = e2;
  out[8] = rj;
  out[9] = rE;
  out[10] = dl2;
}

/**
 * Σ_k of j·K∇rho and of ∂_t j·K∇rho + j·K∇∂_t rho (Lemma 2.5) over the modes of the packed spectra Z (rho + i jx,
 * jy + i Exx, Exy + i Eyy, λjx + i λjy; 1D: rho + i jx, Exx + i λjx) into out[0], out[1] (Parseval: divide by N).
 */
export function spectralJs(nx: number, ny: number, dim: 1 | 2, Z: Float64Array[], ax: FourierAxis, ay: FourierAxis, fac: number, ie: number, ie2: number, out: Float64Array): void {
  // The terms of the modes k and −k are equal (real fields: â_−k = conj â_k, D_−k = −D_k, the same K symbol;
  // the unpacking below gives exactly conjugate values), so each pair {k, −k} is visited once with weight 2,
  // a self-conjugate mode (k = −k on the grid) with weight 1.
  const Z0 = Z[0];
  const Z1 = Z[1];
  const Z2 = dim === 2 ? Z[2] : Z0;
  const Z3 = dim === 2 ? Z[3] : Z0;
  let cross = 0;
  let dcross = 0;
  const kx = ax.k, DxT = ax.D, mx = ax.mirror;
  for (let jy = 0; jy < ny; jy++) {
    const jm = ay.mirror[jy];
    if (jm < jy) continue;
    const selfRow = jm === jy;
    const kyw = ay.k[jy];
    const Dy = ay.D[jy];
    const ky2 = dim === 2 ? kyw * kyw : 0;
    for (let ix = 0; ix < nx; ix++) {
      const im = mx[ix];
      let wgt = 2;
      if (selfRow) {
        if (im < ix) continue;
        if (im === ix) wgt = 1;
      }
      const kxw = kx[ix];
      const c = 2 * (ix + nx * jy);
      const cm = 2 * (im + nx * jm);
      const Dx = DxT[ix];
      const k2 = kxw * kxw + ky2;
      const inv = 1 / (1 + fac * k2);
      // the two real fields a + i b packed in a spectrum Z: â_k = (Z_k + conj Z_−k)/2, b̂_k = (Z_k − conj Z_−k)/(2i)
      let zr = Z0[c], zi = Z0[c + 1], mr = Z0[cm], mi = Z0[cm + 1];
      const rr = 0.5 * (zr + mr), ri = 0.5 * (zi - mi), jxr = 0.5 * (zi + mi), jxi = -0.5 * (zr - mr);
      let jyr = 0, jyi = 0, exr, exi, xyr = 0, xyi = 0, yyr = 0, yyi = 0, lxr, lxi, lyr = 0, lyi = 0;
      zr = Z1[c]; zi = Z1[c + 1]; mr = Z1[cm]; mi = Z1[cm + 1];
      if (dim === 2) {
        jyr = 0.5 * (zr + mr); jyi = 0.5 * (zi - mi); exr = 0.5 * (zi + mi); exi = -0.5 * (zr - mr);
        zr = Z2[c]; zi = Z2[c + 1]; mr = Z2[cm]; mi = Z2[cm + 1];
        xyr = 0.5 * (zr + mr); xyi = 0.5 * (zi - mi); yyr = 0.5 * (zi + mi); yyi = -0.5 * (zr - mr);
        zr = Z3[c]; zi = Z3[c + 1]; mr = Z3[cm]; mi = Z3[cm + 1];
        lxr = 0.5 * (zr + mr); lxi = 0.5 * (zi - mi); lyr = 0.5 * (zi + mi); lyi = -0.5 * (zr - mr);
      } else {
        exr = 0.5 * (zr + mr); exi = 0.5 * (zi - mi); lxr = 0.5 * (zi + mi); lxi = -0.5 * (zr - mr);
      }
      // i D a = (−D a_im, D a_re)
      // u_d = K ∂_d rho = i D_d inv rho
      const uxr = -Dx * inv * ri, uxi = Dx * inv * rr;
      const uyr = -Dy * inv * ri, uyi = Dy * inv * rr;
      // ∂_t rho = −(1/eps)(i Dx jx + i Dy jy)
      const dtr = ie * (Dx * jxi + Dy * jyi), dti = -ie * (Dx * jxr + Dy * jyr);
      // K ∂_d ∂_t rho = i D_d inv ∂_t rho
      const kxr = -Dx * inv * dti, kxi = Dx * inv * dtr;
      const kyr = -Dy * inv * dti, kyi = Dy * inv * dtr;
      // ∂_t j_x = −(1/eps)(i Dx Exx + i Dy Exy) − (1/eps) i Dx rho − (1/eps²) λ jx ; y likewise
      const tjxr = ie * (Dx * exi + Dy * xyi + Dx * ri) - ie2 * lxr;
      const tjxi = -ie * (Dx * exr + Dy * xyr + Dx * rr) - ie2 * lxi;
      let dc = tjxr * uxr + tjxi * uxi + jxr * kxr + jxi * kxi;
      if (dim === 2) {
        const tjyr = ie * (Dx * xyi + Dy * yyi + Dy * ri) - ie2 * lyr;
        const tjyi = -ie * (Dx * xyr + Dy * yyr + Dy * rr) - ie2 * lyi;
        dc += tjyr * uyr + tjyi * uyi + jyr * kyr + jyi * kyi;
      }
      cross += wgt * (jxr * uxr + jxi * uxi + jyr * uyr + jyi * uyi);
      dcross += wgt * dc;
    }
  }
  out[0] = cross;
  out[1] = dcross;
}

/**
 * Lemma 2.5's space terms of the level M (divj and parts; centred differences, cx = 1/(2 dx eps), cy likewise,
 * ie2 = 1/eps², lam: λ of M.rho) and, with P (the level before, its terms formed), the residual sums over the step
 * dt into out[0..12]: rho's (d + s)², d², s², then per direction (d + p0 + p1 + p2)², d², p0², p1², p2².
 */
export function lemma25Js(nx: number, ny: number, dim: 1 | 2, cx: number, cy: number, ie2: number, dt: number, M: LevelMoments, lam: Float64Array, P: LevelMoments | null, out: Float64Array): void {
  const { rho, divj } = M;
  const jx = M.j[0];
  const jy = dim === 2 ? M.j[1] : jx;
  const exx = M.E[0];
  const exy = dim === 2 ? M.E[1] : exx;
  const eyy = dim === 2 ? M.E[2] : exx;
  const [px0, px1, px2] = M.parts[0];
  const [py0, py1, py2] = dim === 2 ? M.parts[1] : M.parts[0];
  // the residuals' operands (P's terms; M's own when there is no P, unused then)
  const withRes = P !== null;
  const Q = P ?? M;
  const rA = Q.rho, dA = Q.divj, jA = Q.j[0], jAy = dim === 2 ? Q.j[1] : jA;
  const [a0, a1, a2] = Q.parts[0];
  const [b0, b1, b2] = dim === 2 ? Q.parts[1] : Q.parts[0];
  let rr = 0, n1 = 0, n2 = 0;
  let rx = 0, tx = 0, tx0 = 0, tx1 = 0, tx2 = 0;
  let ry = 0, ty = 0, ty0 = 0, ty1 = 0, ty2 = 0;
  for (let j = 0; j < ny; j++) {
    const jn = j + 1 === ny ? 0 : j + 1;
    const js = j === 0 ? ny - 1 : j - 1;
    for (let i = 0; i < nx; i++) {
      const c = i + nx * j;
      const e = (i + 1 === nx ? 0 : i + 1) + nx * j;
      const w = (i === 0 ? nx - 1 : i - 1) + nx * j;
      let dj = (jx[e] - jx[w]) * cx;
      let x0: number;
      let y0 = 0, y1 = 0, y2 = 0;
      if (dim === 1) {
        x0 = (exx[e] - exx[w]) * cx;
      } else {
        const n = i + nx * jn;
        const s = i + nx * js;
        dj += (jy[n] - jy[s]) * cy;
        x0 = (exx[e] - exx[w]) * cx + (exy[n] - exy[s]) * cy;
        y0 = (exy[e] - exy[w]) * cx + (eyy[n] - eyy[s]) * cy;
        y1 = (rho[n] - rho[s]) * cy;
        y2 = lam[c] * jy[c] * ie2;
        py0[c] = y0;
        py1[c] = y1;
        py2[c] = y2;
      }
      const x1 = (rho[e] - rho[w]) * cx;
      const x2 = lam[c] * jx[c] * ie2;
      px0[c] = x0;
      px1[c] = x1;
      px2[c] = x2;
      divj[c] = dj;
      if (withRes) {
        const d = (rho[c] - rA[c]) / dt;
        const sm = 0.5 * (dA[c] + dj);
        const u = d + sm;
        rr += u * u;
        n1 += d * d;
        n2 += sm * sm;
        const dx = (jx[c] - jA[c]) / dt;
        const p0 = 0.5 * (a0[c] + x0);
        const p1 = 0.5 * (a1[c] + x1);
        const p2 = 0.5 * (a2[c] + x2);
        const ux = dx + p0 + p1 + p2;
        rx += ux * ux;
        tx += dx * dx;
        tx0 += p0 * p0;
        tx1 += p1 * p1;
        tx2 += p2 * p2;
        if (dim === 2) {
          const dy = (jy[c] - jAy[c]) / dt;
          const q0 = 0.5 * (b0[c] + y0);
          const q1 = 0.5 * (b1[c] + y1);
          const q2 = 0.5 * (b2[c] + y2);
          const uy = dy + q0 + q1 + q2;
          ry += uy * uy;
          ty += dy * dy;
          ty0 += q0 * q0;
          ty1 += q1 * q1;
          ty2 += q2 * q2;
        }
      }
    }
  }
  out[0] = rr;
  out[1] = n1;
  out[2] = n2;
  out[3] = rx;
  out[4] = tx;
  out[5] = tx0;
  out[6] = tx1;
  out[7] = tx2;
  out[8] = ry;
  out[9] = ty;
  out[10] = ty0;
  out[11] = ty1;
  out[12] = ty2;
}

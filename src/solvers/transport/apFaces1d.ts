/**
 * Asymptotic-preserving transport faces in 1D (docs/kinetic-scheme.md, "Space discretisation"),
 * shared by every micro–macro kinetic scheme whose Chapman–Enskog correction is
 * q = −(eps/lambda) v ∂x rho (the BGK-type relaxation (1.2), and the Fokker–Planck operator (1.5),
 * whose discrete velocity operator has L v = −v exactly). Face value of h_k at face i+1/2:
 *
 *   h_face = γ (h_i + h_{i+1})/2 + (1 − γ) [ (rho_i + rho_{i+1})/2 − (eps/λ_f) v_k (rho_{i+1} − rho_i)/dx ],
 *   γ = exp(−(λ_f dx / (eps |v_k|))²),  1/λ_f = (1/λ_i + 1/λ_{i+1})/2,
 *
 * with λ at the extrapolated density. This module holds λ per cell, the face diffusivities
 * Df = 1/λ_f, the blending weights per distinct |v| (γ depends on v only through |v|), which
 * velocities are active (some γ > 0: they enter the density Schur complement), and the density
 * rows of the implicit system: the limit operator
 *
 *   L = c0 I − dt D(<v² (1 − γ)> Df D),
 *
 * the Schur residual and operator (with acc_f = <v γ avg q>_f from the line solves) and the face
 * mass fluxes J_f = (1/eps) acc_f − <v²(1−γ)> Df (rho_{i+1} − rho_i)/dx. Periodic cells, face f =
 * f + 1/2. V8: each hot loop nest is its own method with nothing after it.
 * With the WebAssembly kernels (attachWasm: gamG, Df and v2beta in their memory) the γ loop runs as gamma.wat's
 * gammaFaces (a port of fdlibm's exp, bitwise Math.exp), the same bytes as the JavaScript loop.
 */
import type { RateLaw } from '../../models/rate.js';
import { NumericalFailure } from '../stepper.js';
import { PeriodicTridiagFactor } from '../linear/periodicTridiag.js';
import { vacuumLambda } from './vacuum.js';
import { plainAllocator, type Allocator, type ArenaArray } from '../parallel/arena.js';
import type { WasmKernels } from '../wasm/kernels.js';

export class ApFaces1D {
  /** lambda at cells (this step). */
  readonly lamC: Float64Array;
  /** Diffusivity 1/λ_f at faces (face i = i+1/2). */
  readonly Df: Float64Array;
  DfMax = 0;
  /** gamma = 1 - beta at faces for the first velocity of each |v| group: gamG[sameAbs[k]*N + f]. */
  readonly gamG: Float64Array;
  /** <v^2 beta>_f, beta = 1 - gamma. */
  readonly v2beta: Float64Array;
  /** Velocity k has some gamma > 0. */
  readonly activeK: Uint8Array;
  /** Active velocities (ascending k) and the inactive ones; nAct, nInact of them. */
  readonly act: Int32Array;
  readonly inact: Int32Array;
  nAct = 0;
  nInact = 0;
  /** sameAbs[k] = first velocity index with |v| = |v_k| (gamma is shared). */
  readonly sameAbs: Int32Array;
  /** The limit operator L (periodic tridiagonal) and its factorisation. */
  readonly Llo: Float64Array;
  readonly Ldi: Float64Array;
  readonly Lup: Float64Array;
  readonly Lfact: PeriodicTridiagFactor;
  /** acc_f = <c gamma_f (q_f + q_{f+1})>, c = w v / 2, over the active velocities (set by the line solves). */
  readonly acc: Float64Array;
  private readonly tmp: Float64Array;
  /** The WebAssembly kernels for the γ loop (attachWasm), or null: JavaScript. */
  private wasm: WasmKernels | null = null;
  /** Calls of the WebAssembly γ kernel (tests check that it ran). */
  wasmCalls = 0;

  constructor(
    readonly N: number,
    readonly K: number,
    readonly v: Float64Array,
    readonly w: Float64Array,
    readonly dx: number,
    readonly eps: number,
    /** Where gamG, Df, v2beta and acc live (a SharedArena on a WebAssembly.Memory for the kernels of lines1d.wasm, gamma.wasm). */
    alloc: Allocator = plainAllocator,
  ) {
    this.lamC = new Float64Array(N);
    this.Df = alloc.f64(N);
    this.gamG = alloc.f64(N * K);
    this.v2beta = alloc.f64(N);
    this.activeK = new Uint8Array(K);
    this.act = new Int32Array(K);
    this.inact = new Int32Array(K);
    this.Lfact = new PeriodicTridiagFactor(Math.max(N, 3));
    this.Llo = new Float64Array(N);
    this.Ldi = new Float64Array(N);
    this.Lup = new Float64Array(N);
    this.acc = alloc.f64(N);
    this.tmp = new Float64Array(N);
    this.sameAbs = new Int32Array(K);
    for (let k = 0; k < K; k++) {
      let k0 = k;
      for (let m = 0; m < k; m++) if (Math.abs(v[m]) === Math.abs(v[k])) { k0 = m; break; }
      this.sameAbs[k] = k0;
    }
  }

  /** The WebAssembly kernels on the memory that holds `arrays` (a SharedArena's): the γ loop runs there when gamG, Df and v2beta are in it. */
  attachWasm(kernels: WasmKernels, arrays: readonly ArenaArray[]): void {
    const bufs = new Set<ArrayBufferLike>(arrays.map((a) => a.buffer));
    this.wasm = [this.gamG, this.Df, this.v2beta].every((a) => bufs.has(a.buffer)) ? kernels : null;
  }

  /**
   * lambda at the extrapolated density (1+om) rho^n − om rho^{n-1} (second order), clamped into [lo, hi].
   * With vacuum (lo = 0) the vacuum rule of ./walls1d.ts (vacuumLambda): lambda in [0, ∞], 1/lambda capped,
   * and the extrapolation takes at most half of rho^n.
   */
  computeLambda(rate: RateLaw, rhoN: Float64Array, rhoO: Float64Array, useB2: boolean, om: number, lo: number, hi: number): void {
    if (!(lo > 0)) {
      this.computeLambdaVacuum(rate, rhoN, rhoO, useB2, om, hi);
      return;
    }
    const { N, lamC, tmp } = this;
    const floor = lo;
    // through the rate's vectorised lambda (a per-cell call returning a double boxes it)
    for (let i = 0; i < N; i++) {
      let r = useB2 ? (1 + om) * rhoN[i] - om * rhoO[i] : rhoN[i];
      if (r < floor) r = floor;
      if (r > hi) r = hi;
      tmp[i] = r;
    }
    rate.lambdaArray(tmp, lamC, N);
    for (let i = 0; i < N; i++) {
      const lam = lamC[i];
      if (!(lam > 0) || !Number.isFinite(lam)) throw new NumericalFailure(`lambda(${tmp[i]}) = ${lam} is not positive and finite`, { cell: i });
      tmp[i] = 1 / lam;
    }
  }

  private computeLambdaVacuum(rate: RateLaw, rhoN: Float64Array, rhoO: Float64Array, useB2: boolean, om: number, hi: number): void {
    const { N, lamC, tmp } = this;
    for (let i = 0; i < N; i++) {
      let r = useB2 ? (1 + om) * rhoN[i] - om * rhoO[i] : rhoN[i];
      if (r < 0.5 * rhoN[i]) r = 0.5 * rhoN[i];
      if (r < 0) r = 0;
      if (r > hi) r = hi;
      const l = vacuumLambda(rate, r, i);
      lamC[i] = l.lam;
      tmp[i] = l.inv;
    }
  }

  /**
   * λ per cell from a field the caller filled (several species: λ_i(rho_1, …, rho_n) at the
   * extrapolated densities, src/solvers/species/kinetic.ts); checked positive and finite like computeLambda.
   */
  setLambda(field: Float64Array): void {
    const { N, lamC, tmp } = this;
    for (let i = 0; i < N; i++) {
      const lam = field[i];
      if (!(lam > 0) || !Number.isFinite(lam)) throw new NumericalFailure(`lambda = ${lam} is not positive and finite`, { cell: i });
      lamC[i] = lam;
      tmp[i] = 1 / lam;
    }
  }

  /** Df_f = (1/λ_i + 1/λ_{i+1}) / 2 (after computeLambda or setLambda). */
  computeDf(): void {
    const { N, Df, tmp } = this;
    let mx = 0;
    for (let i = 0; i < N; i++) {
      const ip = i + 1 === N ? 0 : i + 1;
      const d = 0.5 * (tmp[i] + tmp[ip]);
      Df[i] = d;
      if (d > mx) mx = d;
    }
    this.DfMax = mx;
  }

  /**
   * Blending weights gamma = 1 - beta = exp(-(lambda_f dx / (eps |v|))^2), one exponential per face per
   * distinct |v| (gamG holds the first velocity of each |v| group), <v² beta> per face, and the lists of
   * active (some gamma > 0) and inactive velocities.
   */
  blend(): void {
    const { N, K, dx, eps, v, w, activeK, sameAbs } = this;
    this.v2beta.fill(0);
    for (let k = 0; k < K; k++) {
      const c = w[k] * v[k] * v[k];
      const k0 = sameAbs[k];
      if (k0 !== k) {
        // gamma depends on |v| only: shared with the velocity -v
        activeK[k] = activeK[k0];
        if (activeK[k0]) this.addV2beta(c, k0 * N);
        else this.addV2betaConst(c);
        continue;
      }
      const av = Math.abs(v[k]);
      activeK[k] = this.computeGamma(k * N, av > 0 ? dx / (eps * av) : 0, c);
    }
    let Ka = 0;
    let Ki = 0;
    for (let k = 0; k < K; k++) {
      if (activeK[k]) this.act[Ka++] = k;
      else this.inact[Ki++] = k;
    }
    this.nAct = Ka;
    this.nInact = Ki;
  }

  /** gamG[base + f] = exp(-(z0 / Df_f)^2) (0 where it underflows, or for z0 = 0); v2beta += c (1 - gamma); any gamma > 0. */
  private computeGamma(base: number, z0: number, c: number): number {
    const { N, Df, gamG } = this;
    const v2b = this.v2beta;
    // z0 / Df_f is smallest at the largest Df: if gamma underflows there, it does at every face
    const zmin = z0 / this.DfMax;
    if (!(z0 > 0) || zmin * zmin > 746) {
      this.addV2betaConst(c);
      return 0;
    }
    if (this.wasm) {
      this.wasmCalls++;
      return this.wasm.gammaFaces(N, z0, 746, c, Df.byteOffset, gamG.byteOffset + 8 * base, v2b.byteOffset) > 0 ? 1 : 0;
    }
    const on = z0 > 0;
    let any = 0;
    for (let f = 0; f < N; f++) {
      let g = 0;
      if (on) {
        const z = z0 / Df[f];
        const z2 = z * z;
        g = z2 > 746 ? 0 : Math.exp(-z2);
      }
      gamG[base + f] = g;
      if (g > 0) any = 1;
      v2b[f] += c * (1 - g);
    }
    return any;
  }

  private addV2beta(c: number, b0: number): void {
    const { N, gamG } = this;
    const v2b = this.v2beta;
    for (let f = 0; f < N; f++) v2b[f] += c * (1 - gamG[b0 + f]);
  }

  private addV2betaConst(c: number): void {
    const N = this.N;
    const v2b = this.v2beta;
    for (let f = 0; f < N; f++) v2b[f] += c;
  }

  /** L = c0 I - dt D(<v^2 beta> Df D), then its factorisation. */
  buildL(c0: number, dt: number): void {
    const { N, Df, Llo, Ldi, Lup, dx } = this;
    const v2b = this.v2beta;
    const idx2 = dt / (dx * dx);
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? N - 1 : i - 1;
      const cp = idx2 * v2b[i] * Df[i];
      const cm = idx2 * v2b[im] * Df[im];
      Ldi[i] = c0 + cp + cm;
      Lup[i] = -cp;
      Llo[i] = -cm;
    }
  }

  factorL(): void {
    this.Lfact.factor(this.Llo, this.Ldi, this.Lup);
  }

  /** Schur residual out = histRho - L rho - (dt/eps) D acc; its 2-norm. */
  residualL(histRho: Float64Array, rho: Float64Array, out: Float64Array, dt: number): number {
    const { N, Llo, Ldi, Lup, acc } = this;
    const ce = dt / (this.eps * this.dx);
    const h = histRho;
    let s = 0;
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? N - 1 : i - 1;
      const ip = i + 1 === N ? 0 : i + 1;
      const r = h[i] - (Llo[i] * rho[im] + Ldi[i] * rho[i] + Lup[i] * rho[ip]) - ce * (acc[i] - acc[im]);
      out[i] = r;
      s += r * r;
    }
    return Math.sqrt(s);
  }

  /** y = L x - (dt/eps) D acc. */
  applyL(x: Float64Array, y: Float64Array, dt: number): void {
    const { N, Llo, Ldi, Lup, acc } = this;
    const ce = dt / (this.eps * this.dx);
    for (let i = 0; i < N; i++) {
      const im = i === 0 ? N - 1 : i - 1;
      const ip = i + 1 === N ? 0 : i + 1;
      y[i] = Llo[i] * x[im] + Ldi[i] * x[i] + Lup[i] * x[ip] - ce * (acc[i] - acc[im]);
    }
  }

  /**
   * Face mass fluxes of the step, F = fa Fprev + fb J, J_f = acc_f / eps − <v² beta> Df (rho_{f+1} − rho_f)/dx
   * (BDF2: fa = a2/c0, fb = dt/c0, so that rho^{n+1} = rho^n − D F).
   */
  faceFluxes(rhoNew: Float64Array, Fprev: Float64Array, F: Float64Array, fa: number, fb: number): void {
    const { N, eps, dx, acc, Df } = this;
    const v2b = this.v2beta;
    for (let f = 0; f < N; f++) {
      const fp = f + 1 === N ? 0 : f + 1;
      const J = acc[f] / eps - (v2b[f] * Df[f] * (rhoNew[fp] - rhoNew[f])) / dx;
      F[f] = fa * Fprev[f] + fb * J;
    }
  }
}

/** 2-norm of the first n entries. */
export function norm2(x: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

/** x += d (first n entries). */
export function addTo(x: Float64Array, d: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) x[i] += d[i];
}

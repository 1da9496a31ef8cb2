/**
 * The transport-aware preconditioner of the density Schur complement of the 1D micro–macro kinetic
 * scheme (kinetic1d.ts; docs/kinetic-scheme.md, "Preconditioner"), the 1D twin of dsa2d.ts:
 *
 *   S = L − (dt/eps) D <v γ avg M_k⁻¹ G_k>,   L = c0 − dt D(<v²(1−γ)> Df D)   (the limit operator),
 *   M_k = a + (dt/eps) v_k D(γ avg ·),  G_k x = c0 x + dt D((v_k/eps) avg x − v_k² (1−γ) Df D x).
 *
 * L misses the diffusion carried by the velocities with γ > 0. For frozen coefficients S is a circulant whose
 * symbol, per mode θ = 2π i / N (s = sin θ, s2 = 4 sin²(θ/2)) and per class of |v| (weight w over ±v), is
 *
 *   S̄ = L̄ + Σ_m w_m Re(−D G / M),   L̄ = c0 + Σ_m w_m ℓ_m s2,   ℓ = dt v² (1−γ) Df / dx²,
 *   D = i τ s, G = c0 + ℓ s2 + i u s, M = a + i τ s,   τ = dt |v| γ / (eps dx), u = dt |v| / (eps dx)
 *
 * (v and −v give complex conjugates). The preconditioner is P⁻¹ = L⁻¹ C, C the circulant with symbol L̄/S̄
 * (coefficients frozen at the geometric mean λ̄ of λ; exact S̄⁻¹ for constant coefficients), L⁻¹ by the
 * periodic tridiagonal factorisation the scheme already has. As eps → 0 every γ vanishes and C = I.
 * The symbol is kept while c0, dt and λ̄ move by less than SYMBOL_REUSE (./symbolReuse.ts). Velocity sets must be symmetric
 * (Gauss–Hermite sets are); otherwise, or with a non-finite λ, C = I (the former preconditioner L⁻¹).
 */
import type { ApFaces1D } from './apFaces1d.js';
import { ReusedCirculant } from './symbolReuse.js';

/**
 * Below this max |1 − L̄/S̄| the circulant is taken as the identity (its FFTs skipped): L⁻¹ alone, which then
 * already contracts the frozen-coefficient error by this factor per FGMRES iteration (measured at 1024 × 32,
 * eps = 0.1, deviation 0.04: 2 iterations per step with or without the circulant, 7–10 % slower with it).
 */
export const IDENTITY_DEVIATION = 0.1;

export class SchurDsa1D extends ReusedCirculant {
  /** The distinct |v| with their summed weights. */
  private readonly absV: Float64Array;
  private readonly wAbs: Float64Array;
  private readonly symmetric: boolean;
  /** Whether the circulant differs from the identity (some γ > 0 at λ̄). */
  private kinetic = false;

  constructor(
    private readonly faces: ApFaces1D,
    readonly dx: number,
    readonly eps: number,
  ) {
    super([faces.N]);
    const { v, w } = faces;
    const abs: number[] = [];
    const wa: number[] = [];
    const has = new Set<string>();
    for (let k = 0; k < v.length; k++) has.add(`${v[k]},${w[k]}`);
    let sym = true;
    for (let k = 0; k < v.length; k++) {
      if (!has.has(`${-v[k]},${w[k]}`)) sym = false;
      const a = Math.abs(v[k]);
      const m = abs.indexOf(a);
      if (m < 0) {
        abs.push(a);
        wa.push(w[k]);
      } else wa[m] += w[k];
    }
    this.symmetric = sym;
    this.absV = Float64Array.from(abs);
    this.wAbs = Float64Array.from(wa);
  }

  /** Set up for a step (after the faces' λ): the circulant (./symbolReuse.ts: recomputed when c0, dt or λ̄ moved). */
  prepare(c0: number, dt: number, anyActive: boolean): void {
    this.kinetic = false;
    if (anyActive && this.symmetric) {
      const { N } = this;
      const lamC = this.faces.lamC;
      let sl = 0;
      for (let p = 0; p < N; p++) sl += Math.log(lamC[p]);
      const lambda = Math.exp(sl / N);
      if (lambda > 0 && Number.isFinite(lambda)) {
        const p = this.reuse.choose(c0, dt, lambda);
        if (p) this.symbol(p[0], p[1], p[2]);
        // a circulant within IDENTITY_DEVIATION of the identity is not worth its two FFTs (eps ≳ 0.1)
        this.kinetic = this.deviation >= IDENTITY_DEVIATION;
        return;
      }
    }
    this.reuse.none();
  }

  /** z = P⁻¹ r = L⁻¹ C r. */
  apply(r: Float64Array, z: Float64Array): void {
    if (this.kinetic) this.circulant(r, z);
    else z.set(r);
    this.faces.Lfact.solve(z);
  }

  /** L̄/S̄ on the modes 0 … N/2, mirrored. */
  private symbol(c0: number, dt: number, lambda: number): void {
    this.symbolUpdates++;
    const { dx, eps, N, absV, wAbs, ratio } = this;
    const Df = 1 / lambda;
    const a = c0 + (dt * lambda) / (eps * eps);
    const h = N >> 1;
    let dev = 0;
    for (let i = 0; i <= h; i++) {
      const th = (2 * Math.PI * i) / N;
      const s = Math.sin(th);
      const s2 = 4 * Math.sin(th / 2) ** 2;
      let Lb = c0;
      let S = 0;
      for (let m = 0; m < absV.length; m++) {
        const av = absV[m];
        const g = av > 0 ? Math.exp(-((dx / (Df * eps * av)) ** 2)) : 0;
        const ell = ((dt * av * av * (1 - g) * Df) / (dx * dx)) * s2;
        Lb += wAbs[m] * ell;
        if (!(g > 0)) continue;
        const tau = (dt * av * g) / (eps * dx);
        const di = tau * s;
        const gi = ((dt * av) / (eps * dx)) * s;
        const mi = tau * s;
        // Re(−D G / M): −D G = di gi − i di (c0 + ℓ), M = a + i mi
        S += (wAbs[m] * (di * gi * a - di * (c0 + ell) * mi)) / (a * a + mi * mi);
      }
      const v = Lb / (Lb + S);
      if (Math.abs(1 - v) > dev) dev = Math.abs(1 - v);
      ratio[i] = v;
      if (i > 0 && 2 * i !== N) ratio[N - i] = v;
    }
    this.deviation = dev;
  }
}

/**
 * Step 1 of the conservative bound limiter (./limiter.ts) on a 2D box with walls (./limiterWalls.ts is the
 * 1D one): rho^{n+1} = rho^n − div F from the full face sets (x faces F + (nx+1) j, F = 0..nx; y faces
 * i + nx G, G = 0..ny; on a periodic direction face 0 and face n are the same face), and Zalesak FCT of
 * the face mass fluxes against the zero-flux solution rho^n when rho^{n+1} leaves [lo, hi]. A wall face is
 * treated like an interior one whose outside takes or gives anything; a ratio is 1 where nothing enters
 * (leaves), never 0/0. The wall fluxes after limiting are the step's outflow: mass + outflow is kept.
 */
export class WallFct2D {
  private readonly Rp: Float64Array;
  private readonly Rm: Float64Array;

  constructor(
    readonly nx: number,
    readonly ny: number,
    readonly dx: number,
    readonly dy: number,
    readonly lo: number,
    readonly hi: number,
    readonly periodicX: boolean,
    readonly periodicY: boolean,
  ) {
    this.Rp = new Float64Array(nx * ny);
    this.Rm = new Float64Array(nx * ny);
  }

  /** rhoNew from the fluxes, with FCT when it leaves the bounds and `use`; true when FCT acted (cells marked in lim). */
  limit(rhoN: Float64Array, rhoNew: Float64Array, FX: Float64Array, FY: Float64Array, lim: Uint8Array, use: boolean): boolean {
    if (!this.update(rhoN, rhoNew, FX, FY) || !use) return false;
    this.ratios(rhoN, FX, FY);
    this.scale(FX, FY, lim);
    this.update(rhoN, rhoNew, FX, FY);
    return true;
  }

  /** rhoNew = rhoN − div F; whether some value left [lo, hi]. */
  update(rhoN: Float64Array, rhoNew: Float64Array, FX: Float64Array, FY: Float64Array): boolean {
    const { nx, ny, lo, hi } = this;
    const idx = 1 / this.dx;
    const idy = 1 / this.dy;
    let out = false;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const c = i + nx * j;
        const fx = i + (nx + 1) * j;
        const r = rhoN[c] - (FX[fx + 1] - FX[fx]) * idx - (FY[c + nx] - FY[c]) * idy;
        rhoNew[c] = r;
        if (r > hi || r < lo) out = true;
      }
    }
    return out;
  }

  private ratios(rhoN: Float64Array, FX: Float64Array, FY: Float64Array): void {
    const { nx, ny, lo, hi } = this;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const c = i + nx * j;
        const fx = i + (nx + 1) * j;
        const fw = FX[fx] / this.dx;
        const fe = FX[fx + 1] / this.dx;
        const fs = FY[c] / this.dy;
        const fn = FY[c + nx] / this.dy;
        const pin = Math.max(0, fw) + Math.max(0, -fe) + Math.max(0, fs) + Math.max(0, -fn);
        const pout = Math.max(0, fe) + Math.max(0, -fw) + Math.max(0, fn) + Math.max(0, -fs);
        const qp = hi - rhoN[c];
        const qm = rhoN[c] - lo;
        this.Rp[c] = pin > 0 && pin > qp ? Math.max(0, qp) / pin : 1;
        this.Rm[c] = pout > 0 && pout > qm ? Math.max(0, qm) / pout : 1;
      }
    }
  }

  /** Scale each face flux by the ratio of its donor and receiver (one value per face, copies kept equal). */
  private scale(FX: Float64Array, FY: Float64Array, lim: Uint8Array): void {
    const { nx, ny, Rp, Rm } = this;
    for (let j = 0; j < ny; j++) {
      for (let F = 0; F <= nx; F++) {
        if (F === nx && this.periodicX) {
          FX[F + (nx + 1) * j] = FX[(nx + 1) * j];
          continue;
        }
        const L = F > 0 ? F - 1 + nx * j : this.periodicX ? nx - 1 + nx * j : -1;
        const R = F < nx ? F + nx * j : -1;
        const f = F + (nx + 1) * j;
        const C = ratio(FX[f], L, R, Rp, Rm);
        if (C < 1) {
          if (L >= 0) lim[L] = 1;
          if (R >= 0) lim[R] = 1;
        }
        FX[f] *= C;
      }
    }
    for (let G = 0; G <= ny; G++) {
      for (let i = 0; i < nx; i++) {
        const f = i + nx * G;
        if (G === ny && this.periodicY) {
          FY[f] = FY[i];
          continue;
        }
        const L = G > 0 ? i + nx * (G - 1) : this.periodicY ? i + nx * (ny - 1) : -1;
        const R = G < ny ? i + nx * G : -1;
        const C = ratio(FY[f], L, R, Rp, Rm);
        if (C < 1) {
          if (L >= 0) lim[L] = 1;
          if (R >= 0) lim[R] = 1;
        }
        FY[f] *= C;
      }
    }
  }
}

/** The FCT factor of a face flux F (positive from L to R; −1: outside the box). */
function ratio(F: number, L: number, R: number, Rp: Float64Array, Rm: Float64Array): number {
  if (F >= 0) return Math.min(L >= 0 ? Rm[L] : 1, R >= 0 ? Rp[R] : 1);
  return Math.min(L >= 0 ? Rp[L] : 1, R >= 0 ? Rm[R] : 1);
}

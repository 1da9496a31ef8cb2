/**
 * Specular walls of the 2D kinetic equation by the method of images (docs/kinetic-scheme.md "Walls"):
 * a box whose non-periodic directions have specular walls on both sides (v -> v − 2 (v·n) n) is exactly
 * the periodic problem on the box doubled across each walled direction with the mirrored data
 * h(2b − x, y, −vx, vy) (and the same in y): the mirrored problem's solution is symmetric under the
 * mirror, the wall is its symmetry line and no mass crosses it. This stepper runs the periodic 2D
 * stepper (./kinetic2d.ts) on the doubled torus (2× the cells per walled direction, the cost with it)
 * and shows the original box: rho, h, the flux, the error place. The velocity set is the symmetric
 * tensor Gauss–Hermite set (k = i + n j; the mirror of node i is n − 1 − i). The 1D walls' mirror
 * property is the same statement, tested to round-off (test/walls.test.ts); here it is the construction.
 */
import { makeDomainGrid } from '../../grid/grid.js';
import type { StepperState, Tolerances } from '../stepper.js';
import type { MicroMacroImpl, MicroMacroLevels, MicroMacroSetup } from '../microMacro/facade.js';
import type { Levels2D } from '../microMacro/levels2d.js';
import { Kinetic2D } from './kinetic2d.js';

export class MirroredKinetic2D implements MicroMacroImpl {
  readonly inner: Kinetic2D;
  readonly levels: MicroMacroLevels;
  /** Box cell p → the same cell of the doubled torus (the original quadrant). */
  private readonly big: Int32Array;
  private readonly nx: number;
  private readonly ny: number;
  private readonly NX: number;

  constructor(s: MicroMacroSetup, mirrorX: boolean, mirrorY: boolean) {
    const { grid, velocity } = s;
    const [nx, ny] = grid.n;
    const NX = mirrorX ? 2 * nx : nx;
    const NY = mirrorY ? 2 * ny : ny;
    this.nx = nx;
    this.ny = ny;
    this.NX = NX;
    const box = grid.box.map(([a, b], d) => [a, (d === 0 ? mirrorX : mirrorY) ? 2 * b - a : b] as [number, number]);
    const torus = makeDomainGrid({
      geometry: 'cartesian', spaceDim: 2, cells: [NX, NY], box, spacing: { kind: 'uniform' },
      sides: [[{ kind: 'periodic' }, { kind: 'periodic' }], [{ kind: 'periodic' }, { kind: 'periodic' }]],
    });
    const K = velocity.count;
    const n = velocity.nodesPerDim;
    const h0 = new Float64Array(NX * NY * K);
    for (let J = 0; J < NY; J++) {
      const fy = J >= ny;
      const j = fy ? 2 * ny - 1 - J : J;
      for (let I = 0; I < NX; I++) {
        const fx = I >= nx;
        const i = fx ? 2 * nx - 1 - I : I;
        const src = (i + nx * j) * K;
        const dst = (I + NX * J) * K;
        for (let k = 0; k < K; k++) {
          const a = k % n;
          const b = (k - a) / n;
          h0[dst + (fx ? n - 1 - a : a) + n * (fy ? n - 1 - b : b)] = s.h0[src + k];
        }
      }
    }
    this.inner = new Kinetic2D({ ...s, grid: torus, h0, walls: undefined });
    this.big = new Int32Array(nx * ny);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) this.big[i + nx * j] = i + NX * j;
    this.levels = new BoxLevels(this.inner.levels, this.big, K, velocity.w);
  }

  get counters() {
    return this.inner.counters;
  }
  get tolerances(): Tolerances {
    return this.inner.tolerances;
  }
  set tolerances(t: Tolerances) {
    this.inner.tolerances = t;
  }
  get lastError(): number {
    return this.inner.lastError;
  }
  get lastFailure(): string {
    return this.inner.lastFailure;
  }
  get estimateNoise(): number {
    return this.inner.estimateNoise;
  }
  /** The cell of the box where the estimate peaked (its mirror images folded back). */
  get errorPlace(): number {
    const P = this.inner.errorPlace;
    if (P < 0) return P;
    const I = P % this.NX;
    const J = (P - I) / this.NX;
    const i = I >= this.nx ? 2 * this.nx - 1 - I : I;
    const j = J >= this.ny ? 2 * this.ny - 1 - J : J;
    return i + this.nx * j;
  }

  step(dt: number): void {
    this.inner.step(dt);
  }
  attempt(dt: number): number {
    return this.inner.attempt(dt);
  }
  accept(): void {
    this.inner.accept();
  }
  setLastError(e: number): void {
    this.inner.setLastError(e);
  }
  saveExtra(state: StepperState): void {
    this.inner.saveExtra(state);
  }
  restoreExtra(state: StepperState): void {
    this.inner.restoreExtra(state);
  }
  dispose(): void {
    this.inner.dispose?.();
  }
}

/** The original box's view of the doubled torus's time levels (checkpoints hold the whole torus). */
class BoxLevels implements MicroMacroLevels {
  private readonly rhoBox: Float64Array;
  private readonly qBox: Float64Array;
  private readonly rhoOldBox: Float64Array;
  private readonly qOldBox: Float64Array;

  constructor(
    private readonly L: Levels2D,
    private readonly big: Int32Array,
    private readonly K: number,
    private readonly w: Float64Array,
  ) {
    this.rhoBox = new Float64Array(big.length);
    this.qBox = new Float64Array(big.length * K);
    this.rhoOldBox = new Float64Array(big.length);
    this.qOldBox = new Float64Array(big.length * K);
  }

  get idN(): number {
    return this.L.idN;
  }
  get idOld(): number {
    return this.L.idOld;
  }
  get dtPrev(): number {
    return this.L.dtPrev;
  }
  /** q of the box, velocity-major (the torus's layout, restricted): a copy refreshed at each access. */
  get qN(): Float64Array {
    return this.restrictQ(this.L.qN, this.qBox);
  }
  get rhoOld(): Float64Array {
    return this.restrict(this.L.rhoOld, this.rhoOldBox);
  }
  get qOld(): Float64Array {
    return this.restrictQ(this.L.qOld, this.qOldBox);
  }

  private restrict(r: Float64Array, out: Float64Array): Float64Array {
    const big = this.big;
    for (let p = 0; p < big.length; p++) out[p] = r[big[p]];
    return out;
  }

  private restrictQ(q: Float64Array, out: Float64Array): Float64Array {
    const { big, K } = this;
    const n = big.length;
    const NB = this.L.N;
    for (let k = 0; k < K; k++) for (let p = 0; p < n; p++) out[k * n + p] = q[k * NB + big[p]];
    return out;
  }

  get time(): number {
    return this.L.time;
  }

  get rhoN(): Float64Array {
    return this.restrict(this.L.rhoN, this.rhoBox);
  }

  h(out: Float64Array): Float64Array {
    return this.fill(out, this.L.rhoN, this.L.qN);
  }

  previousH(out: Float64Array): number {
    if (!(this.L.dtPrev > 0)) return 0;
    this.fill(out, this.L.rhoOld, this.L.qOld);
    return this.L.dtPrev;
  }

  q(i: number, k: number): number {
    return this.L.q(this.big[i], k);
  }

  flux(out: Float64Array, vd: Float64Array): Float64Array {
    const { big, K, w } = this;
    const qN = this.L.qN;
    const NB = this.L.N;
    for (let p = 0; p < big.length; p++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += w[k] * vd[k] * qN[k * NB + big[p]];
      out[p] = s;
    }
    return out;
  }

  save(steps: number, lastError: number): StepperState {
    return this.L.save(steps, lastError);
  }

  restore(state: StepperState, who: string): number {
    return this.L.restore(state, who);
  }

  private fill(out: Float64Array, rho: Float64Array, q: Float64Array): Float64Array {
    const { big, K } = this;
    const NB = this.L.N;
    for (let p = 0; p < big.length; p++) {
      const P = big[p];
      for (let k = 0; k < K; k++) out[p * K + k] = rho[P] + q[k * NB + P];
    }
    return out;
  }
}

/**
 * Which circulant symbol a step of the transport-aware preconditioners (dsa1d.ts, dsa2d.ts) uses. The symbol
 * depends on (c0, dt, λ̄) and is kept while they move by less than SYMBOL_REUSE; the choice is a function of the
 * *committed* steps only — the parameters of the symbol the last accepted step used, saved in checkpoints — so
 * that a retried attempt repeats a first attempt and a resumed run repeats the uninterrupted one, bytes included.
 * A rejected attempt may compute another symbol; it is replaced when the next attempt needs the committed one.
 */

import { GridFourier } from '../../grid/fourier.js';

/** Relative change of c0, dt or λ̄ below which the circulant's symbol is reused. */
export const SYMBOL_REUSE = 0.02;

/** a within SYMBOL_REUSE of b (false when b is NaN: no committed symbol). */
function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= SYMBOL_REUSE * Math.abs(b);
}

export class SymbolReuse {
  /** The parameters of the last accepted step's symbol (NaN: none). */
  private readonly committed = Float64Array.of(NaN, NaN, NaN);
  /** The parameters of the symbol held now (NaN: none). */
  private readonly held = Float64Array.of(NaN, NaN, NaN);
  /** This attempt's choice (for commit), or none. */
  private readonly chosen = Float64Array.of(NaN, NaN, NaN);

  /**
   * The parameters the attempt's symbol must have: the committed ones while (c0, dt, λ̄) is within
   * SYMBOL_REUSE of them, else these. Returns them when the held symbol has other ones (compute it, then
   * the held symbol is this), or null when the held symbol is the right one.
   */
  choose(c0: number, dt: number, lambda: number): Float64Array | null {
    const c = this.committed;
    if (near(c0, c[0]) && near(dt, c[1]) && near(lambda, c[2])) this.chosen.set(c);
    else {
      this.chosen[0] = c0;
      this.chosen[1] = dt;
      this.chosen[2] = lambda;
    }
    const h = this.held;
    if (h[0] === this.chosen[0] && h[1] === this.chosen[1] && h[2] === this.chosen[2]) return null;
    h.set(this.chosen);
    return h;
  }

  /** The attempt used no symbol (no kinetic part): commit leaves the committed parameters as they are. */
  none(): void {
    this.chosen.fill(NaN);
  }

  /** The attempt was accepted. */
  commit(): void {
    if (!Number.isNaN(this.chosen[0])) this.committed.set(this.chosen);
    this.chosen.fill(NaN);
  }

  /** The committed parameters, for a checkpoint. */
  state(): Float64Array {
    return Float64Array.from(this.committed);
  }

  /** A checkpoint's parameters (anything else: none); the held symbol is recomputed when next needed. */
  restore(p: unknown): void {
    const ok = p instanceof Float64Array && p.length === 3 && p.every((x) => x > 0 && Number.isFinite(x));
    this.committed.set(ok ? p : [NaN, NaN, NaN]);
    this.held.fill(NaN);
    this.chosen.fill(NaN);
  }
}

/**
 * The circulant C of the transport-aware preconditioners (dsa1d.ts, dsa2d.ts): its symbol L̄/S̄ per mode (filled
 * by the subclass, x fastest), which symbol a step uses (SymbolReuse), its checkpoint entry, and C r by FFT.
 */
export abstract class ReusedCirculant {
  readonly N: number;
  /** L̄(θ)/S̄(θ) per mode (x fastest). */
  protected readonly ratio: Float64Array;
  private readonly buf: Float64Array;
  private readonly fourier: GridFourier;
  /** Which symbol a step uses (a function of the committed steps: retries and resumed runs repeat the bytes). */
  protected readonly reuse = new SymbolReuse();
  /** Symbol evaluations (for the docs' cost figures). */
  symbolUpdates = 0;
  /** max over the modes of |1 − L̄/S̄|: how far the kinetic part moves S from L. */
  deviation = 0;

  constructor(n: readonly number[]) {
    const N = n.reduce((a, b) => a * b, 1);
    this.N = N;
    this.fourier = new GridFourier(n);
    this.ratio = new Float64Array(N);
    this.buf = new Float64Array(2 * N);
  }

  /** The step was accepted: its symbol's parameters become the committed ones. */
  commit(): void {
    this.reuse.commit();
  }

  /** The committed symbol's parameters (c0, dt, λ̄), for a checkpoint. */
  symbolState(): Float64Array {
    return this.reuse.state();
  }

  /** A checkpoint's symbolState() (anything else: none). */
  restoreSymbol(p: unknown): void {
    this.reuse.restore(p);
  }

  /** out = C r (FFT, multiply by L̄/S̄, inverse FFT; real part). */
  protected circulant(r: Float64Array, out: Float64Array): void {
    const { N, buf, ratio } = this;
    for (let p = 0; p < N; p++) {
      buf[2 * p] = r[p];
      buf[2 * p + 1] = 0;
    }
    this.fourier.transformInPlace(buf, false);
    for (let p = 0; p < N; p++) {
      buf[2 * p] *= ratio[p];
      buf[2 * p + 1] *= ratio[p];
    }
    this.fourier.transformInPlace(buf, true);
    for (let p = 0; p < N; p++) out[p] = buf[2 * p];
  }
}

/**
 * Which circulant symbol a step of the transport-aware preconditioners (dsa1d.ts, dsa2d.ts) uses. The symbol
 * depends on (c0, dt, λ̄) and is kept while they move by less than SYMBOL_REUSE; the choice is a function of the
 * *committed* steps only — the parameters of the symbol the last accepted step used, saved in checkpoints — so
 * that a retried attempt repeats a first attempt and a resumed run repeats the uninterrupted one, bytes included.
 * A rejected attempt may compute another symbol; it is replaced when the next attempt needs the committed one.
 */

/** Relative change of c0, dt or λ̄ below which the circulant's symbol is reused. */
export const SYMBOL_REUSE = 0.02;

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
    const near = (a: number, b: number) => Math.abs(a - b) <= SYMBOL_REUSE * Math.abs(b);
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

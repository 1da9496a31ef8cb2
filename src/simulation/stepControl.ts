/**
 * Step-size control: a PI controller on the calibrated local error (docs/time-stepping.md).
 *
 * The stepper returns ||e||_w, the weighted norm of its local error estimate (src/solvers/stepper.ts:
 * max over cells of |e| / (atol + rtol |y|)). A step of an order-p scheme is accepted when
 *
 *     r = ||e||_w / rtol^(1/p) <= 1,   i.e.  |e| <= rtol^((p+1)/p) (atol/rtol + |y|),
 *
 * the tolerance calibration that makes the global error proportional to rtol: with steps
 * dt ∝ rtol^(1/p) the run takes N ∝ rtol^(−1/p) steps of local error ∝ rtol^((p+1)/p), whose sum is
 * ∝ rtol (Söderlind, Numer. Algorithms 31 (2002) §6, "tolerance proportionality"; Hairer, Nørsett &
 * Wanner I, §II.4). The classical per-step test |e| <= rtol |y| gives a global error ∝ rtol^(p/(p+1))
 * only; the "error per unit step" test |e| <= rtol dt/T is proportional too but demands vanishing
 * errors from the short steps that resolve a fast initial layer (measured: the layer of the kinetic
 * model at eps = 1e-2 took ~100 steps of 1e-6 instead of ~15), i.e. a cost that grows like 1/eps.
 * Since r ∝ dt^(p+1), the next step is
 *
 *     dt_new = dt · safety · r^(−0.7/(p+1)) · r_prev^(0.4/(p+1))    (Gustafsson's PI controller,
 *                                                                    BIT 31 (1991); Söderlind 2002)
 *
 * limited to [shrinkMin, growMax] · dt (growMax = 2 < 1 + √2, the zero-stability bound of
 * variable-step BDF2 for constant ratios; Grigorieff 1983). A rejected step is retried with
 * dt · max(shrinkMin, safety · r^(−1/(p+1))) and the step after a rejection may not grow. A step that
 * failed outright (r = ∞: a solver did not converge) is retried with dt/4.
 */
export interface StepControlOptions {
  /** Order p of the stepper. */
  order: number;
  /** The relative tolerance rtol (the weighted norm's own scale). */
  rtol: number;
  /** Largest step (default ∞). */
  dtMax?: number;
  safety?: number;
  growMax?: number;
  shrinkMin?: number;
}

/** What a checkpoint stores of the controller (numbers only: JSON round-trips them exactly). */
export interface ControllerState {
  /** The step the controller proposes next. */
  dtNext: number;
  /** r of the last accepted step (1 before the first). */
  rPrev: number;
  /** 1 when the previous attempt was rejected (the next accepted step may not grow). */
  afterReject: number;
  accepted: number;
  rejected: number;
  dtMin: number;
  dtMax: number;
  /** Σ ||e||_w over the accepted steps: the accumulated local error estimate in units of the tolerance. */
  errorSum: number;
}

export class StepController {
  readonly order: number;
  /** ||e||_w of a step exactly at tolerance: rtol^(1/p). */
  readonly threshold: number;
  readonly dtLimit: number;
  private readonly safety: number;
  private readonly growMax: number;
  private readonly shrinkMin: number;
  state: ControllerState;

  constructor(options: StepControlOptions, dtInitial: number) {
    if (!(options.rtol > 0)) throw new RangeError('StepController: rtol must be > 0');
    this.order = options.order;
    this.threshold = Math.pow(options.rtol, 1 / options.order);
    this.dtLimit = options.dtMax ?? Infinity;
    this.safety = options.safety ?? 0.9;
    this.growMax = options.growMax ?? 2;
    this.shrinkMin = options.shrinkMin ?? 0.2;
    this.state = { dtNext: Math.min(dtInitial, this.dtLimit), rPrev: 1, afterReject: 0, accepted: 0, rejected: 0, dtMin: Infinity, dtMax: 0, errorSum: 0 };
  }

  /** r = ||e||_w / rtol^(1/p): the step's error in units of what is allowed (accepted when <= 1). */
  ratio(err: number): number {
    return err / this.threshold;
  }

  /**
   * Judge an attempted step of length dt with weighted error `err`. Returns whether it is accepted;
   * either way `state.dtNext` is the step to try next. `order` is the step's own order when it differs
   * from the controller's (the first-order start-up step: r ∝ dt²).
   */
  judge(dt: number, err: number, order = this.order): boolean {
    const s = this.state;
    const r = this.ratio(err);
    const k = order + 1;
    if (r <= 1) {
      let f = this.safety * Math.pow(Math.max(r, 1e-10), -0.7 / k) * Math.pow(Math.max(s.rPrev, 1e-10), 0.4 / k);
      f = Math.min(this.growMax, Math.max(this.shrinkMin, f));
      if (s.afterReject) f = Math.min(f, 1);
      s.dtNext = Math.min(quantize(dt * f), this.dtLimit);
      s.rPrev = r;
      s.afterReject = 0;
      s.accepted++;
      s.errorSum += err;
      if (dt < s.dtMin) s.dtMin = dt;
      if (dt > s.dtMax) s.dtMax = dt;
      return true;
    }
    const f = Number.isFinite(r) ? Math.max(this.shrinkMin, Math.min(0.9, this.safety * Math.pow(r, -1 / k))) : 0.25;
    s.dtNext = quantize(dt * f);
    s.afterReject = 1;
    s.rejected++;
    return false;
  }

  /** Record a step taken without a decision (fixed steps): statistics only. */
  record(dt: number, err: number): void {
    const s = this.state;
    s.accepted++;
    if (Number.isFinite(err)) s.errorSum += err;
    if (dt < s.dtMin) s.dtMin = dt;
    if (dt > s.dtMax) s.dtMax = dt;
  }
}

/**
 * x rounded down to 5 significant bits (2^e · k/32, 32 <= k < 64). The controller's factors come from
 * Math.pow, whose last bits differ between JavaScript engines (Node and Chromium were measured to
 * differ); rounding the proposed step makes the sequence of steps, and so every result, identical on
 * all of them unless a factor falls within ~1e-15 of a rounding boundary. The 3 % resolution is far
 * below what step-size control can resolve anyway.
 */
export function quantize(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x;
  let e = Math.floor(Math.log2(x));
  let p = 2 ** e;
  if (p > x) p = 2 ** --e;
  else if (2 * p <= x) p = 2 ** ++e;
  return (Math.floor((x / p) * 32) / 32) * p;
}

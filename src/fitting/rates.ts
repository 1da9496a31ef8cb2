/**
 * Rates from series.
 *
 * Exponential rates: y(t) ≈ C e^{−γ t}. The fit is least squares of log y on t over a window chosen
 * automatically:
 *   1. drop non-positive / non-finite values and everything after y first falls below `floor` × max y
 *      (round-off floor, default 1e-11);
 *   2. candidate windows [start, end] with start in {0, 5, …, 70}% and end in {100, 90, 80}% of the
 *      usable range (at least 8 points each);
 *   3. for each window: the LS slope γ, its standard error s, and the drift d = |γ_first half − γ_second half|
 *      (curvature of log y: transients, a second mode, oscillation); error estimate e = max(2s, d);
 *   4. the window with the smallest relative error e/γ wins (ties: the longer window).
 * Returns γ, the error estimate, the window and the local rates.
 *
 * Power laws: err ≈ C eps^p fitted by least squares in log–log with the standard error of p, plus the
 * local orders between consecutive points.
 */

export interface LinearFit {
  slope: number;
  intercept: number;
  /** Standard error of the slope (NaN with fewer than 3 points). */
  slopeStderr: number;
  n: number;
}

export function linearFit(x: readonly number[], y: readonly number[]): LinearFit {
  const n = x.length;
  if (n < 2 || y.length !== n) throw new RangeError('linearFit: need at least 2 points of equal length');
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - intercept - slope * x[i]) ** 2;
  const slopeStderr = n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : NaN;
  return { slope, intercept, slopeStderr, n };
}

export interface ExpRateFit {
  /** γ in y ≈ C e^{−γ t}. */
  rate: number;
  /** Error estimate max(2·stderr, |γ_first half − γ_second half|). */
  error: number;
  stderr: number;
  drift: number;
  prefactor: number;
  /** The window used: times and indices into the input. */
  tStart: number;
  tEnd: number;
  iStart: number;
  iEnd: number;
  points: number;
}

export interface ExpRateOptions {
  /** Ignore values below floor × max y (default 1e-11). */
  floor?: number;
  /** Earliest time allowed in the window (default: none). */
  tMin?: number;
  minPoints?: number;
}

export function fitExponentialRate(t: readonly number[], y: readonly number[], opts: ExpRateOptions = {}): ExpRateFit {
  const floor = opts.floor ?? 1e-11;
  const minPts = opts.minPoints ?? 8;
  let ymax = 0;
  for (const v of y) if (Number.isFinite(v) && v > ymax) ymax = v;
  const T: number[] = [];
  const L: number[] = [];
  const idx: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const v = y[i];
    if (!(Number.isFinite(v) && v > 0)) {
      if (T.length > 0) break;
      continue;
    }
    if (v < floor * ymax) break;
    if (opts.tMin !== undefined && t[i] < opts.tMin) continue;
    T.push(t[i]);
    L.push(Math.log(v));
    idx.push(i);
  }
  const n = T.length;
  if (n < minPts) throw new RangeError(`fitExponentialRate: only ${n} usable points (need ${minPts})`);
  let best: ExpRateFit | undefined;
  let bestScore = Infinity;
  for (const sf of [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]) {
    for (const ef of [1, 0.9, 0.8]) {
      const a = Math.floor(sf * (n - 1));
      const b = Math.ceil(ef * (n - 1));
      if (b - a + 1 < minPts) continue;
      const xs = T.slice(a, b + 1);
      const ys = L.slice(a, b + 1);
      const f = linearFit(xs, ys);
      const h = Math.floor(xs.length / 2);
      const f1 = linearFit(xs.slice(0, h + 1), ys.slice(0, h + 1));
      const f2 = linearFit(xs.slice(h), ys.slice(h));
      const rate = -f.slope;
      const stderr = Number.isFinite(f.slopeStderr) ? f.slopeStderr : 0;
      const drift = Math.abs(f1.slope - f2.slope);
      const error = Math.max(2 * stderr, drift);
      const score = error / Math.abs(rate) - 1e-6 * xs.length; // prefer longer windows on ties
      if (score < bestScore) {
        bestScore = score;
        best = { rate, error, stderr, drift, prefactor: Math.exp(f.intercept), tStart: xs[0], tEnd: xs[xs.length - 1], iStart: idx[a], iEnd: idx[b], points: xs.length };
      }
    }
  }
  return best!;
}

export interface PowerLawFit {
  /** p in err ≈ C x^p. */
  order: number;
  /** Standard error of p. */
  stderr: number;
  prefactor: number;
  /** Orders between consecutive points (sorted by x). */
  local: { x0: number; x1: number; order: number }[];
  points: number;
}

export function fitPowerLaw(x: readonly number[], err: readonly number[]): PowerLawFit {
  const pairs = x.map((xi, i) => [xi, err[i]] as const).filter(([a, b]) => a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b));
  pairs.sort((p, q) => p[0] - q[0]);
  if (pairs.length < 2) throw new RangeError('fitPowerLaw: need at least 2 positive points');
  const f = linearFit(
    pairs.map((p) => Math.log(p[0])),
    pairs.map((p) => Math.log(p[1])),
  );
  const local = [];
  for (let i = 1; i < pairs.length; i++) {
    local.push({ x0: pairs[i - 1][0], x1: pairs[i][0], order: Math.log(pairs[i][1] / pairs[i - 1][1]) / Math.log(pairs[i][0] / pairs[i - 1][0]) });
  }
  return { order: f.slope, stderr: Number.isFinite(f.slopeStderr) ? f.slopeStderr : 0, prefactor: Math.exp(f.intercept), local, points: pairs.length };
}

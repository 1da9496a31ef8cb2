/**
 * Study `decay` (Theorem 2.2): exponential convergence to m M.
 *  (a) linear regime (rho_in = 1 + 1e-3 cos 2πx): the measured decay rate of ||f − mM|| against the
 *      exact gap of mode 1 — the continuous-velocity root and the Nv-node discrete eigenvalue
 *      (src/spectrum/linear.ts) — for several eps below the threshold eps* = √(π/2)/(2π);
 *  (b) nonlinear data rho_in = 1 + a sin 2πx (A = max(1 + a, 1/(1 − a))) for several alpha, eps and A:
 *      the measured γ of ||f − mM||² (best constant in D(t) ≤ 3 D(0) e^{−γt}, and the late-time rate),
 *      next to the linear gap and to the theorem's form γ = 1/(4 C A^alpha (1 + A^{2 alpha})) — the
 *      implied constant C is reported;
 *  (c) the DMS functional H_delta = ||f||² + delta ∫ j·(I−Δ)⁻¹∇rho: non-increasing for the default
 *      delta of series.csv, and the largest delta on a grid for which it stays non-increasing.
 */
import { runSeries, ReportWriter, mdTable, checksMarkdown, nowSeconds, type StudyOptions, type StudyResult, type StudyCheck } from './common.js';
import { continuousSpectrum, discreteSpectrum, thresholdWavenumber } from '../spectrum/linear.js';
import { fitExponentialRate } from '../fitting/rates.js';
import { LOG_AXIS } from '../plot/render.js';
import { defaultDelta } from '../diagnostics/theorems.js';

function thin<T>(xs: T[], max = 120): T[] {
  const every = Math.max(1, Math.floor(xs.length / max));
  return xs.filter((_, i) => i % every === 0 || i === xs.length - 1);
}

export async function decayStudy(opts: StudyOptions): Promise<StudyResult> {
  const t0 = nowSeconds();
  const q = opts.quick;
  const Nv = 16;
  const checks: StudyCheck[] = [];
  const w = new ReportWriter(opts.out);

  // ---------- (a) linear regime ----------
  const N = q ? 128 : 256;
  const epsLinear = q ? [0.05] : [1e-3, 0.05, 0.1, 0.15];
  const linRows: Record<string, unknown>[] = [];
  const linCurves: Record<string, unknown>[] = [];
  for (const eps of epsLinear) {
    const cont = continuousSpectrum({ eps, alpha: 1, rhoBar: 1, mode: 1 });
    const disc = discreteSpectrum({ eps, alpha: 1, rhoBar: 1, mode: 1 }, Nv);
    const T = 12 / (2 * disc.rate);
    const dt = 1 / N / 16;
    const run = runSeries({
      model: { equation: 'kinetic', dim: 1, alpha: 1, eps },
      domain: { cells: [N] },
      initial: { rho: '1 + 0.001*cos(2*pi*x)' },
      time: { end: T, dt },
      velocity: { nodes: Nv },
      output: { fields: false },
    });
    const D = run.series.dist_eq.map((x) => x * x);
    const fit = fitExponentialRate(run.series.t, D);
    const measured = fit.rate / 2;
    linRows.push({
      eps,
      measured_rate: measured,
      error_estimate: fit.error / 2,
      discrete_gap: disc.rate,
      continuous_gap: cont.rate,
      rel_err_vs_discrete: measured / disc.rate - 1,
      rel_err_vs_continuous: measured / cont.rate - 1,
      window: `[${fit.tStart.toFixed(4)}, ${fit.tEnd.toFixed(4)}]`,
      N,
      Nv,
      dt,
      steps: run.steps,
    });
    for (const i of thin(run.series.t.map((_, i) => i))) {
      linCurves.push({ eps: `eps = ${eps}`, t: run.series.t[i], value: D[i], kind: 'measured' });
      linCurves.push({ eps: `eps = ${eps}`, t: run.series.t[i], value: D[0] * Math.exp(-2 * disc.rate * run.series.t[i]), kind: 'exact gap' });
    }
    opts.log?.(`decay: linear eps=${eps}: measured ${measured} vs discrete ${disc.rate}, continuous ${cont.rate} (${run.steps} steps)`);
  }
  const worstLin = Math.max(...linRows.map((r) => Math.abs(r.rel_err_vs_discrete as number)));
  checks.push({ name: 'linear-regime rate within 2% of the exact gap', passed: worstLin < 0.02, detail: `largest relative deviation from the Nv = ${Nv} discrete gap: ${(100 * worstLin).toFixed(3)}%; from the continuous gap: ${(100 * Math.max(...linRows.map((r) => Math.abs(r.rel_err_vs_continuous as number)))).toFixed(3)}%` });

  // the gap against eps (continuous curve + threshold)
  const epsStar = thresholdWavenumber(1, 1) / (2 * Math.PI); // eps* for r = 1, m = 1: κ < √(π/2) r/eps
  const gapCurve: Record<string, unknown>[] = [];
  for (let e = -3.5; e <= Math.log10(0.6) + 1e-9; e += 0.05) {
    const eps = 10 ** e;
    const c = continuousSpectrum({ eps, alpha: 1, rhoBar: 1, mode: 1 });
    gapCurve.push({ eps, rate: c.rate, series: c.kind === 'eigenvalue' ? 'continuous gap (real root)' : 'essential bound r/eps²' });
    if (!q) gapCurve.push({ eps, rate: discreteSpectrum({ eps, alpha: 1, rhoBar: 1, mode: 1 }, Nv).rate, series: `discrete gap, Nv = ${Nv}` });
  }
  const ratePoints = linRows.map((r) => ({ eps: r.eps, rate: r.measured_rate, lo: (r.measured_rate as number) - (r.error_estimate as number), hi: (r.measured_rate as number) + (r.error_estimate as number), series: 'measured (kinetic solver)' }));
  const figRates = await w.figure(
    'decay_rates',
    {
      layer: [
        { data: { values: gapCurve }, mark: { type: 'line' }, encoding: { x: { field: 'eps', type: 'quantitative', scale: { type: 'log' }, title: 'mean free path eps', axis: LOG_AXIS }, y: { field: 'rate', type: 'quantitative', scale: { type: 'log' }, title: 'decay rate of mode 1 (1/time)' }, color: { field: 'series', type: 'nominal', title: null } } },
        { data: { values: ratePoints }, mark: { type: 'point', size: 90, shape: 'diamond' }, encoding: { x: { field: 'eps', type: 'quantitative' }, y: { field: 'rate', type: 'quantitative' }, color: { field: 'series', type: 'nominal', title: null } } },
        { data: { values: [{ eps: epsStar }] }, mark: { type: 'rule', strokeDash: [3, 3], color: '#666' }, encoding: { x: { field: 'eps', type: 'quantitative' } } },
      ],
      title: { text: 'Linear gap of mode 1 about rho = 1 (r = 1)', subtitle: `dashed vertical line: eps* = √(π/2)/(2π) = ${epsStar.toFixed(4)}; beyond it no real root` },
      width: 460,
      height: 300,
    },
    [...gapCurve, ...ratePoints],
  );
  const figLin = await w.figure(
    'decay_linear',
    {
      data: { values: linCurves },
      mark: { type: 'line' },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'time t' },
        y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: '||f − mM||² in L²(M⁻¹)', axis: LOG_AXIS },
        color: { field: 'eps', type: 'nominal', title: 'mean free path' },
        strokeDash: { field: 'kind', type: 'nominal', title: null },
      },
      title: { text: 'Linear regime: decay against the exact gap', subtitle: `rho_in = 1 + 1e-3 cos 2πx, alpha = 1, N = ${N}, Nv = ${Nv}, dt = dx/16` },
    },
    linCurves,
  );

  // ---------- (b) nonlinear data ----------
  const cases: { alpha: number; eps: number; a: number }[] = q
    ? [{ alpha: 1, eps: 0.1, a: 0.5 }]
    : [
        { alpha: 1, eps: 0.1, a: 0.2 },
        { alpha: 1, eps: 0.1, a: 0.5 },
        { alpha: 1, eps: 0.1, a: 0.8 },
        { alpha: 1, eps: 0.02, a: 0.5 },
        { alpha: -1, eps: 0.1, a: 0.5 },
        { alpha: 2, eps: 0.1, a: 0.5 },
        { alpha: 2, eps: 0.02, a: 0.5 },
      ];
  const nlRows: Record<string, unknown>[] = [];
  const nlCurves: Record<string, unknown>[] = [];
  const hCurves: Record<string, unknown>[] = [];
  let hInfo: Record<string, unknown> = {};
  const Nn = q ? 64 : 128;
  for (const c of cases) {
    const A = Math.max(1 + c.a, 1 / (1 - c.a));
    const gap = discreteSpectrum({ eps: c.eps, alpha: c.alpha, rhoBar: 1, mode: 1 }, Nv).rate;
    const T = 9 / gap;
    const isH = c.alpha === 1 && c.eps === 0.1 && c.a === 0.5;
    const run = runSeries({
      model: { equation: 'kinetic', dim: 1, alpha: c.alpha, eps: c.eps },
      domain: { cells: [Nn] },
      // the H_delta case starts out of equilibrium in v as well (j_in ≠ 0), which is where the cross term matters
      initial: isH ? { h: `1 + ${c.a}*sin(2*pi*x) + 0.3*tanh(v)*cos(2*pi*x)` } : { rho: `1 + ${c.a}*sin(2*pi*x)` },
      time: { end: T, dt: 1 / Nn / 8 },
      velocity: { nodes: Nv },
      output: { fields: false },
    });
    const s = run.series;
    const D = s.dist_eq.map((x) => x * x);
    // best constant in D(t) ≤ 3 D(0) e^{−γ t} (Theorem 2.2's form), and the plain one without the 3
    let g3 = Infinity;
    let g1 = Infinity;
    for (let i = 1; i < s.t.length; i++) {
      if (!(D[i] > 1e-13 * D[0])) break;
      g3 = Math.min(g3, -Math.log(D[i] / (3 * D[0])) / s.t[i]);
      g1 = Math.min(g1, -Math.log(D[i] / D[0]) / s.t[i]);
    }
    const late = fitExponentialRate(s.t, D);
    const form = A ** c.alpha * (1 + A ** (2 * c.alpha));
    nlRows.push({
      alpha: c.alpha,
      eps: c.eps,
      amplitude: c.a,
      A,
      gamma_with_3: g3,
      gamma_without_3: g1,
      late_rate: late.rate,
      late_rate_error: late.error,
      twice_linear_gap: 2 * gap,
      implied_C: 1 / (4 * g3 * form),
    });
    const label = `alpha=${c.alpha}, eps=${c.eps}, A=${A}`;
    for (const i of thin(s.t.map((_, i) => i))) nlCurves.push({ run: label, t: s.t[i], value: D[i] });
    if (isH) {
      // H_delta for the series' default delta, and a scan of delta
      const m = s.mass[0];
      const lamMin = Math.min((1 - c.a) ** c.alpha, (1 + c.a) ** c.alpha);
      const lamMax = Math.max((1 - c.a) ** c.alpha, (1 + c.a) ** c.alpha);
      const hIn = s.h_min[0];
      const hMax = s.h_max[0];
      const lmin = Math.min(hIn ** c.alpha, hMax ** c.alpha);
      const lmax = Math.max(hIn ** c.alpha, hMax ** c.alpha);
      const d0 = defaultDelta(c.eps, lmin, lmax);
      const maxIncrease = (delta: number) => {
        let worst = -Infinity;
        for (let i = 1; i < s.t.length; i++) {
          const h1 = s.l2[i] + delta * s.cross[i];
          const h0 = s.l2[i - 1] + delta * s.cross[i - 1];
          worst = Math.max(worst, (h1 - h0) / h0);
        }
        return worst;
      };
      const incDefault = Math.max(...s.H_delta.slice(1).map((h, i) => (h - s.H_delta[i]) / s.H_delta[i]));
      const scan: { delta_over_eps: number; max_relative_increase: number; non_increasing: boolean }[] = [];
      for (let e = -3; e <= 3.0001; e += 0.25) {
        const r = 10 ** e;
        const inc = maxIncrease(r * c.eps);
        scan.push({ delta_over_eps: r, max_relative_increase: inc, non_increasing: inc <= 1e-13 });
      }
      let largest = 0;
      for (const row of scan) {
        if (row.non_increasing) largest = row.delta_over_eps;
        else break;
      }
      const maxdHdt = Math.max(...s.dH_dt);
      hInfo = { eps: c.eps, alpha: c.alpha, data: 'h_in = 1 + 0.5 sin 2πx + 0.3 tanh(v) cos 2πx', delta_default: d0, delta_default_over_eps: d0 / c.eps, series_delta_consistent: Math.abs(s.H_delta[0] - (s.l2[0] + d0 * s.cross[0])) <= 1e-12, max_relative_increase_default: incDefault, max_dH_dt_default: maxdHdt, largest_delta_over_eps_nonincreasing: largest, scan, lambda_range: [lamMin, lamMax] };
      w.csv('decay_H_scan.csv', scan);
      checks.push({ name: 'H_delta non-increasing (series delta)', passed: incDefault <= 1e-13, detail: `delta = ${d0.toPrecision(4)} (= ${(d0 / c.eps).toPrecision(3)} eps); largest relative step increase ${incDefault.toExponential(2)}; max dH/dt from the moment equations ${maxdHdt.toExponential(3)}` });
      const dl = largest * c.eps;
      for (const i of thin(s.t.map((_, i) => i))) {
        const dist2 = D[i];
        hCurves.push({ t: s.t[i], value: dist2, quantity: '||f − mM||²' });
        hCurves.push({ t: s.t[i], value: dist2 + d0 * s.cross[i], quantity: `H_delta − m², delta = ${d0.toPrecision(3)} (series)` });
        if (dl > 0) hCurves.push({ t: s.t[i], value: dist2 + dl * s.cross[i], quantity: `H_delta − m², delta = ${dl.toPrecision(3)} (largest ok)` });
      }
      void m;
    }
    opts.log?.(`decay: nonlinear ${label}: gamma(3) = ${g3}, late ${late.rate} vs 2 gap ${2 * gap}`);
  }
  const figNl = await w.figure(
    'decay_nonlinear',
    {
      data: { values: nlCurves },
      mark: { type: 'line' },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'time t' },
        y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: '||f − mM||² in L²(M⁻¹)', axis: LOG_AXIS },
        color: { field: 'run', type: 'nominal', title: 'run' },
      },
      title: { text: 'Theorem 2.2: exponential decay from large data', subtitle: `rho_in = 1 + a sin 2πx, A = max(1 + a, 1/(1 − a)), N = ${Nn}, Nv = ${Nv}` },
    },
    nlCurves,
  );
  const figH = await w.figure(
    'decay_H',
    {
      data: { values: hCurves },
      mark: { type: 'line' },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'time t' },
        y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'functional (minus its limit m²)', axis: LOG_AXIS },
        color: { field: 'quantity', type: 'nominal', title: null },
      },
      title: { text: 'The DMS functional H_delta = ||f||² + delta ∫ j·(I−Δ)⁻¹∇rho', subtitle: 'alpha = 1, eps = 0.1, data out of equilibrium in x and v' },
    },
    hCurves,
  );

  const results = { linear: linRows, nonlinear: nlRows, H_delta: hInfo, eps_star: epsStar, symbol: '(I−Δ)⁻¹ ↦ 1/(1 + 4π²|k|²)' };
  w.csv('decay_linear_rates.csv', linRows);
  w.csv('decay_nonlinear_rates.csv', nlRows);
  w.json('results.json', results);
  const wall = nowSeconds() - t0;
  const hi = hInfo as { delta_default?: number; largest_delta_over_eps_nonincreasing?: number; max_relative_increase_default?: number };
  w.text(
    'report.md',
    `# Study: decay (Theorem 2.2)${q ? ' — quick' : ''}

## Linear regime against the exact gap
rho_in = 1 + 1e-3 cos 2πx, alpha = 1 (r = 1), N = ${N}, Nv = ${Nv}, dt = dx/16 (BDF2). Measured: rate of
||f − mM|| fitted with automatic window (src/fitting/rates.ts); exact: \`nlbgk spectrum\`.

![decay_linear](${figLin})
![decay_rates](${figRates})

${mdTable(linRows.map((r) => ({ eps: r.eps, measured: r.measured_rate, '± est.': r.error_estimate, [`discrete gap Nv=${Nv}`]: r.discrete_gap, 'continuous gap': r.continuous_gap, 'rel. dev. (discrete)': r.rel_err_vs_discrete, 'rel. dev. (continuous)': r.rel_err_vs_continuous, window: r.window })), 7)}
## Large data: measured γ against eps and A
γ(3) is the best constant in ||f − mM||²(t) ≤ 3 ||f_in − mM||² e^{−γt} (the theorem's form); γ(1) without the 3;
the late rate → twice the linear gap about rho = m = 1. The theorem's γ = 1/(4 C A^alpha (1 + A^{2 alpha}))
gives the implied constant C = 1/(4 γ(3) A^alpha (1 + A^{2 alpha})).

![decay_nonlinear](${figNl})

${mdTable(nlRows.map((r) => ({ alpha: r.alpha, eps: r.eps, A: r.A, 'γ(3)': r.gamma_with_3, 'γ(1)': r.gamma_without_3, 'late rate': r.late_rate, '2 × gap': r.twice_linear_gap, 'implied C': r.implied_C })), 4)}
## The functional H_delta
Symbol of (I − Δ)⁻¹: 1/(1 + 4π²|k|²) (FFT, src/diagnostics/fourier.ts). Series delta = eps·lambda_min/(4(1 + lambda_max²)) =
${hi.delta_default?.toPrecision(4)}; largest relative increase over a step ${hi.max_relative_increase_default?.toExponential(2)}.
Scanning delta = c·eps: H_delta stays non-increasing up to c = ${hi.largest_delta_over_eps_nonincreasing} (decay_H_scan.csv).

![decay_H](${figH})

## Checks
${checksMarkdown(checks)}
Wall time ${wall.toFixed(1)} s. Data: decay_*.csv, results.json, and the CSV next to every figure.
`,
  );
  return { name: 'decay', quick: q, wallSeconds: wall, results, checks, files: w.files };
}

/**
 * Study `bounds` (Theorem 2.1): A⁻¹ M ≤ f ≤ A M is propagated. Rough data (a jump in x, asymmetric
 * in v, a second plateau) with A = 2; alpha ∈ {−2, 0, 1, 2} × eps ∈ {1, 1e-2, 1e-4}; the extremes of
 * h = f/M over the velocity nodes and cells at every step, against A⁻¹ and A and against the sharper
 * [min h_in, max h_in] (the maximum principle holds for any constant bounds of the data).
 */
import { runSeries, ReportWriter, mdTable, checksMarkdown, nowSeconds, num, type StudyOptions, type StudyResult, type StudyCheck } from './common.js';

const A = 2;
/** The eps whose curves coincide with eps = 1e-4: drawn as dots. */
const MARKED = 'eps = 0.01';
const ROUGH = '0.55 + 1.4*step(x-0.25)*step(0.75-x)/(1+exp(-3*v)) + 0.3*step(x-0.8)*step(0.9-x)';

export async function boundsStudy(opts: StudyOptions): Promise<StudyResult> {
  const t0 = nowSeconds();
  const q = opts.quick;
  const alphas = [-2, 0, 1, 2];
  const epss = [1, 1e-2, 1e-4];
  const N = q ? 32 : 128;
  const Nv = q ? 8 : 16;
  const T = q ? 0.1 : 0.25;
  const rows: Record<string, unknown>[] = [];
  const traces: Record<string, unknown>[] = [];
  let hInMin = Infinity;
  let hInMax = -Infinity;
  for (const alpha of alphas) {
    for (const eps of epss) {
      const run = await runSeries({
        model: { equation: 'kinetic', dim: 1, alpha, eps },
        domain: { cells: [N] },
        initial: { h: ROUGH },
        time: { end: T },
        velocity: { nodes: Nv },
        output: { fields: false },
      });
      const s = run.series;
      const lo = Math.min(...s.h_min);
      const hi = Math.max(...s.h_max);
      hInMin = Math.min(hInMin, s.h_min[0]);
      hInMax = Math.max(hInMax, s.h_max[0]);
      const stepper = run.problem.stepper as unknown as { counters?: { rhoLimiterSteps: number; hLimiterCells: number } };
      rows.push({
        alpha,
        eps,
        h_in_min: s.h_min[0],
        h_in_max: s.h_max[0],
        min_h: lo,
        max_h: hi,
        margin_lower: lo - 1 / A,
        margin_upper: A - hi,
        steps: run.steps,
        fct_steps: stepper.counters?.rhoLimiterSteps ?? NaN,
        q_scaled_cells: stepper.counters?.hLimiterCells ?? NaN,
        wall_s: run.wallSeconds,
      });
      const every = Math.max(1, Math.floor(s.t.length / 60));
      for (let i = 0, k = 0; i < s.t.length; i += every, k++) {
        traces.push({ alpha: `alpha = ${num(alpha)}`, eps: `eps = ${num(eps)}`, t: s.t[i], k, which: 'max h', value: s.h_max[i] });
        traces.push({ alpha: `alpha = ${num(alpha)}`, eps: `eps = ${num(eps)}`, t: s.t[i], k, which: 'min h', value: s.h_min[i] });
      }
      opts.log?.(`bounds: alpha=${alpha} eps=${eps}: h in [${lo}, ${hi}] (${run.steps} steps, ${run.wallSeconds.toFixed(2)} s)`);
    }
  }
  const worstLower = Math.min(...rows.map((r) => r.margin_lower as number));
  const worstUpper = Math.min(...rows.map((r) => r.margin_upper as number));
  const worstData = Math.max(...rows.map((r) => Math.max((r.h_in_min as number) - (r.min_h as number), (r.max_h as number) - (r.h_in_max as number))));
  const checks: StudyCheck[] = [
    { name: 'A⁻¹ ≤ h ≤ A at every step, every run (Theorem 2.1)', passed: worstLower >= 0 && worstUpper >= 0, detail: `smallest margins: lower ${worstLower.toExponential(3)}, upper ${worstUpper.toExponential(3)} (A = ${A})` },
    { name: 'min h_in ≤ h ≤ max h_in (maximum principle for the data bounds)', passed: worstData <= 1e-12, detail: `largest excursion outside [min h_in, max h_in]: ${worstData.toExponential(3)}` },
  ];
  const w = new ReportWriter(opts.out);
  w.csv('runs.csv', rows);
  const epsLabels = epss.map((e) => `eps = ${num(e)}`);
  const fig = await w.figure(
    'bounds',
    {
      data: { values: traces },
      facet: { column: { field: 'alpha', type: 'nominal', title: null, sort: alphas.map((a) => `alpha = ${num(a)}`) } },
      spec: {
        width: 190,
        height: 220,
        layer: [
          {
            transform: [{ filter: `datum.eps != '${MARKED}'` }],
            mark: { type: 'line', strokeWidth: 2 },
            encoding: {
              x: { field: 't', type: 'quantitative', title: 'time t' },
              y: { field: 'value', type: 'quantitative', title: 'extremes of h = f/M', scale: { domain: [0.4, 2.1] } },
              color: { field: 'eps', type: 'nominal', title: 'mean free path', scale: { domain: epsLabels } },
              detail: { field: 'which' },
              strokeDash: { field: 'which', type: 'nominal', title: 'extreme' },
            },
          },
          // eps = 0.01 coincides with eps = 1e-4: drawn as dots on top of it (every third sample)
          {
            transform: [{ filter: `datum.eps == '${MARKED}' && datum.k % 3 == 0` }],
            mark: { type: 'point', filled: true, size: 30, opacity: 1 },
            encoding: {
              x: { field: 't', type: 'quantitative' },
              y: { field: 'value', type: 'quantitative' },
              color: { field: 'eps', type: 'nominal', title: 'mean free path', scale: { domain: epsLabels } },
            },
          },
          { data: { values: [{ y: A, label: 'A = 2' }, { y: 1 / A, label: '1/A = 0.5' }] }, mark: { type: 'rule', color: '#222', strokeDash: [2, 2] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        ],
      },
      title: { text: 'Theorem 2.1: h = f/M stays between 1/A and A', subtitle: `rough data, A = ${A}, N = ${N}, Nv = ${Nv}; dotted lines: A and 1/A; eps = 0.01 (dots) and 1e-4 coincide` },
    },
    traces,
  );
  const results = { A, data: ROUGH, N, Nv, T, h_in_range: [hInMin, hInMax], worst_margin_lower: worstLower, worst_margin_upper: worstUpper, worst_excursion_data_bounds: worstData, runs: rows };
  w.json('results.json', results);
  const wall = nowSeconds() - t0;
  w.text(
    'report.md',
    `# Study: bounds (Theorem 2.1)${q ? ' — quick' : ''}

Rough initial data h_in(x, v) = \`${ROUGH}\` (a jump in x, asymmetric in v), so
A⁻¹ M ≤ f_in ≤ A M with A = ${A} (h_in ∈ [${hInMin.toFixed(4)}, ${hInMax.toFixed(4)}]).
Kinetic solver, N = ${N} cells, Nv = ${Nv} Gauss–Hermite nodes, steps chosen by the error control (default tolerance), t ∈ [0, ${T}].

![bounds](${fig})

${mdTable(rows.map((r) => ({ alpha: r.alpha, eps: num(r.eps as number), 'min h': num(r.min_h as number, 6), 'max h': num(r.max_h as number, 6), 'min h − 1/A': num(r.margin_lower as number, 6), 'A − max h': num(r.margin_upper as number, 6), steps: r.steps, 'FCT steps': r.fct_steps, 'q-scaled cells': r.q_scaled_cells })))}
## Checks
${checksMarkdown(checks)}
Wall time ${wall.toFixed(1)} s. Data: runs.csv (one row per run), bounds.csv (the curves of the figure), results.json.
`,
  );
  return { name: 'bounds', quick: q, wallSeconds: wall, results, checks, files: w.files };
}

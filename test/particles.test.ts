/**
 * Statistical tests of the particle solver. Every seed is fixed (the outcomes are deterministic),
 * and every tolerance is derived from the variance of the statistic under test, stated next to
 * it; none is tuned to the outcome. Level: z = 4 standard deviations (two-sided p ≈ 6e-5) for
 * approximately normal statistics, the 0.999 quantile for KS and chi-square statistics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellAverages, makeGrid } from '../src/grid/grid.js';
import { powerLaw } from '../src/models/rate.js';
import { NumericalFailure } from '../src/solvers/stepper.js';
import { ParticleSolver, type ParticleSolverOptions } from '../src/solvers/particles/solver.js';
import { makeStreams } from '../src/solvers/particles/random.js';
import { histogram1D, kernel1D, kernel2D, histogram2D, kernelWeights, kernelSpan } from '../src/solvers/particles/density.js';
import { linearBgkMode, pieceWiseModeFactor } from '../src/solvers/particles/linearBgk.js';

const Z = 4;
const TWO_PI = 2 * Math.PI;

// ------------------------------------------------------------------------------------------------
// Statistics helpers

/** erfc with fractional error < 1.2e-7 (Numerical Recipes' erfcc, Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

/** sqrt(n) · sup |F_n − Φ| for a sample against N(0, 1). */
function ksStatistic(sample: Float64Array): number {
  const s = Float64Array.from(sample).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = normalCdf(s[i]);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d * Math.sqrt(n);
}
/** P(sqrt(n) D_n > 1.9495) → 0.001 (Kolmogorov distribution; conservative for finite n ≥ 100). */
const KS_999 = 1.9495;

/** 0.999 quantile of chi-square with k degrees of freedom (Wilson–Hilferty, z_0.999 = 3.0902). */
function chi2Quantile999(k: number): number {
  const a = 2 / (9 * k);
  return k * (1 - a + 3.0902 * Math.sqrt(a)) ** 3;
}

/** Pearson's chi-square of estimated densities (each cell's count = rho · N / (mass · cells)) against uniform. */
function chi2Uniform(rho: Float64Array, n: number, mass = 1): number {
  const C = rho.length;
  const expected = n / C;
  let chi = 0;
  for (let c = 0; c < C; c++) {
    const count = (rho[c] / mass) * expected;
    chi += (count - expected) ** 2 / expected;
  }
  return chi;
}

function sinc(s: number): number {
  return s === 0 ? 1 : Math.sin(Math.PI * s) / (Math.PI * s);
}

function bytesEqual(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const lambdaSin1D = (x: number): number => 1 + 0.8 * Math.sin(TWO_PI * x);
const lambdaSin2D = (x: number, y: number): number => 1 + 0.8 * Math.sin(TWO_PI * x) * Math.sin(TWO_PI * y);

// ------------------------------------------------------------------------------------------------
// Random streams

test('random streams: seeded, independent per member, restartable mid Gaussian pair', () => {
  const a = makeStreams(42, 3);
  const b = makeStreams(42, 3);
  const c = makeStreams(43, 1);
  const seqA = Array.from({ length: 8 }, () => a[0].uniform());
  const seqB = Array.from({ length: 8 }, () => b[0].uniform());
  assert.deepEqual(seqA, seqB);
  const other = Array.from({ length: 8 }, () => a[1].uniform());
  const otherSeed = Array.from({ length: 8 }, () => c[0].uniform());
  assert.notDeepEqual(seqA, other);
  assert.notDeepEqual(seqA, otherSeed);
  for (const u of seqA) assert.ok(u >= 0 && u < 1);

  // Save after an odd number of Gaussians (a spare is pending), restore into another stream.
  for (let i = 0; i < 3; i++) a[2].gaussian();
  const st = new Float64Array(6);
  a[2].save(st, 0);
  const next = Array.from({ length: 9 }, () => a[2].gaussian());
  b[0].restore(st, 0);
  assert.deepEqual(Array.from({ length: 9 }, () => b[0].gaussian()), next);
});

test('Gaussian sampler: KS against N(0,1), mean and variance', (t) => {
  const [rs] = makeStreams(2024, 1);
  const n = 100_000;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = rs.gaussian();
  t.diagnostic(`KS sqrt(n)·D = ${ksStatistic(s).toFixed(3)} (0.999 critical ${KS_999})`);
  assert.ok(ksStatistic(s) < KS_999, `KS ${ksStatistic(s)}`);
  let m = 0;
  let q = 0;
  for (const x of s) {
    m += x;
    q += x * x;
  }
  m /= n;
  q /= n;
  // sd(mean) = 1/sqrt(n); sd(mean of x²) = sqrt(2/n) for N(0,1).
  assert.ok(Math.abs(m) < Z / Math.sqrt(n), `mean ${m}`);
  assert.ok(Math.abs(q - 1) < Z * Math.sqrt(2 / n), `second moment ${q}`);
});

// ------------------------------------------------------------------------------------------------
// Density estimators

test('kernel weights: cell-averaged hat, periodic, partition of unity', () => {
  const n = 10;
  const b = 1 / n;
  const idx = new Int32Array(kernelSpan(b, n));
  const w = new Float64Array(idx.length);
  // A particle at the centre of cell 5 with b = one cell: ∫ over the own cell of the hat is
  // 1 − (1/2)(1/2)² · 2 = 3/4, and 1/8 to each neighbour.
  const k = kernelWeights(0.55, n, b, idx, w);
  const got = new Map<number, number>();
  for (let a = 0; a < k; a++) got.set(idx[a], (got.get(idx[a]) ?? 0) + w[a]);
  assert.ok(Math.abs(got.get(5)! - 0.75) < 1e-14);
  assert.ok(Math.abs(got.get(4)! - 0.125) < 1e-14);
  assert.ok(Math.abs(got.get(6)! - 0.125) < 1e-14);
  // Near x = 0 the kernel wraps to the last cell.
  const k2 = kernelWeights(0.01, n, b, idx, w);
  let sum = 0;
  const cells = new Set<number>();
  for (let a = 0; a < k2; a++) {
    sum += w[a];
    cells.add(idx[a]);
  }
  assert.ok(cells.has(9) && cells.has(0));
  assert.ok(Math.abs(sum - 1) < 1e-15);

  // Mass: every estimator deposits exactly one unit per particle (to round-off).
  const [rs] = makeStreams(5, 1);
  const N = 10_000;
  const x = new Float64Array(N).map(() => rs.uniform());
  const y = new Float64Array(N).map(() => rs.uniform());
  for (const bw of [0.01, 0.1, 0.37]) {
    const span = kernelSpan(bw, 16);
    const o1 = new Float64Array(16);
    kernel1D(x, 0, N, 16, bw, o1, 0, null, new Int32Array(span), new Float64Array(span));
    assert.ok(Math.abs(o1.reduce((p, q) => p + q, 0) - N) < 1e-9 * N);
    const o2 = new Float64Array(16 * 8);
    kernel2D(x, y, 0, N, 16, 8, bw, o2, 0, null, new Int32Array(span), new Float64Array(span), new Int32Array(span), new Float64Array(span));
    assert.ok(Math.abs(o2.reduce((p, q) => p + q, 0) - N) < 1e-9 * N);
  }
  const h1 = new Float64Array(16);
  histogram1D(x, 0, N, 16, h1, 0, null);
  assert.equal(h1.reduce((p, q) => p + q, 0), N);
  const h2 = new Float64Array(16 * 8);
  histogram2D(x, y, 0, N, 16, 8, h2, 0, null);
  assert.equal(h2.reduce((p, q) => p + q, 0), N);
});

test('count and mass are conserved; positions stay on the torus', () => {
  for (const [dim, method, scheme] of [[1, 'kernel', 'exact'], [2, 'histogram', 'exact'], [1, 'histogram', 'ap'], [2, 'kernel', 'ap']] as const) {
    const grid = makeGrid(dim === 1 ? [32] : [12, 8]);
    const rho0 = cellAverages(grid, (x, y) => 2 + Math.cos(TWO_PI * x) + (dim === 2 ? 0.5 * Math.sin(TWO_PI * y) : 0));
    const mass = rho0.reduce((p, q) => p + q, 0) / grid.cells;
    const N = 5000;
    const s = new ParticleSolver({ grid, rate: powerLaw(1), eps: scheme === 'ap' ? 1e-3 : 0.2, rho0, count: N, seed: 3, ensembles: 2, density: { method }, scheme });
    for (let k = 0; k < 10; k++) s.step(0.01);
    const rho = s.rho();
    const m = rho.reduce((p, q) => p + q, 0) / grid.cells;
    assert.ok(Math.abs(m - mass) < 1e-12 * mass, `${dim}D ${method} ${scheme}: mass ${m} vs ${mass}`);
    for (let d = 0; d < dim; d++) {
      const p = s.positions(d);
      assert.equal(p.length, 2 * N);
      for (const x of p) assert.ok(x >= 0 && x < 1);
    }
    const f = Array.from({ length: dim }, () => new Float64Array(grid.cells));
    s.flux(f);
    for (const fd of f) for (const v of fd) assert.ok(Number.isFinite(v));
  }
});

// ------------------------------------------------------------------------------------------------
// alpha = 0, eps = 1: convergence to the exact linear-BGK solution

test('reference: the Volterra mode solver matches an independent discrete-velocity solve and the heat limit', (t) => {
  // Independent check: RK4 on a uniform velocity grid (801 nodes on [−9, 9], weights ∝ M) for one
  // Fourier mode of d_t h = −(i k v/eps) h + (r/eps²)(ρ − h), h(0) = 1. Agreed to 5e-12 when
  // written; here with a cheaper grid (201 nodes) to keep the test fast, agreement ~1e-6.
  const k = TWO_PI;
  const nv = 201;
  const L = 9;
  const v = new Float64Array(nv);
  const w = new Float64Array(nv);
  let sw = 0;
  for (let i = 0; i < nv; i++) {
    v[i] = -L + (2 * L * i) / (nv - 1);
    w[i] = Math.exp(-0.5 * v[i] * v[i]);
    sw += w[i];
  }
  for (let i = 0; i < nv; i++) w[i] /= sw;
  const T = 0.25;
  const nt = 400;
  const dt = T / nt;
  let hr = new Float64Array(nv).fill(1);
  let hi = new Float64Array(nv);
  const rhs = (ar: Float64Array, ai: Float64Array): [Float64Array, Float64Array] => {
    let rr = 0;
    let ri = 0;
    for (let i = 0; i < nv; i++) {
      rr += w[i] * ar[i];
      ri += w[i] * ai[i];
    }
    const dr = new Float64Array(nv);
    const di = new Float64Array(nv);
    for (let i = 0; i < nv; i++) {
      dr[i] = k * v[i] * ai[i] + (rr - ar[i]);
      di[i] = -k * v[i] * ar[i] + (ri - ai[i]);
    }
    return [dr, di];
  };
  const axpy = (a: Float64Array, s: number, b: Float64Array): Float64Array => a.map((x, i) => x + s * b[i]);
  for (let s = 0; s < nt; s++) {
    const [a1, b1] = rhs(hr, hi);
    const [a2, b2] = rhs(axpy(hr, dt / 2, a1), axpy(hi, dt / 2, b1));
    const [a3, b3] = rhs(axpy(hr, dt / 2, a2), axpy(hi, dt / 2, b2));
    const [a4, b4] = rhs(axpy(hr, dt, a3), axpy(hi, dt, b3));
    hr = hr.map((x, i) => x + (dt / 6) * (a1[i] + 2 * a2[i] + 2 * a3[i] + a4[i]));
    hi = hi.map((x, i) => x + (dt / 6) * (b1[i] + 2 * b2[i] + 2 * b3[i] + b4[i]));
  }
  let rho = 0;
  for (let i = 0; i < nv; i++) rho += w[i] * hr[i];
  const [a] = linearBgkMode(k, 1, 1, [T]);
  t.diagnostic(`Volterra ${a} vs discrete velocities ${rho}`);
  assert.ok(Math.abs(a - rho) < 1e-6, `Volterra ${a} vs discrete velocities ${rho}`);
  // Diffusive limit: A → exp(−k² t / r) as eps → 0 with error O(eps²): observed order ≈ 2.
  const heat = Math.exp((-k * k * 0.05) / 2);
  const e1 = Math.abs(linearBgkMode(k, 2, 0.05, [0.05])[0] - heat);
  const e2 = Math.abs(linearBgkMode(k, 2, 0.025, [0.05])[0] - heat);
  const order = Math.log2(e1 / e2);
  t.diagnostic(`heat-limit error ${e1.toExponential(2)}, ${e2.toExponential(2)}: order ${order.toFixed(3)}`);
  assert.ok(order > 1.8 && order < 2.2, `order ${order}`);
});

test('alpha = 0, eps = 1: ensemble density → exact solution with error ~ N^-1/2', (t) => {
  const C = 64;
  const grid = makeGrid([C]);
  const a = 0.5;
  const rho0 = cellAverages(grid, (x) => 1 + a * Math.cos(TWO_PI * x));
  const T = 0.25;
  // Reference: the exact expected histogram of the exact process started from the
  // piecewise-constant data (cell values 1 + b cos 2πx_j, b = a sinc(1/C)) — see linearBgk.ts.
  const b = a * sinc(1 / C);
  const S = pieceWiseModeFactor(C, 1, 1, T);
  const ref = new Float64Array(C);
  for (let c = 0; c < C; c++) ref[c] = 1 + b * Math.cos(TWO_PI * (c + 0.5) / C) * S;
  for (let c = 0; c < C; c++) assert.ok(Math.abs(rho0[c] - (1 + b * Math.cos(TWO_PI * (c + 0.5) / C))) < 1e-12);

  const E = 4;
  const Ns = [4000, 16000, 64000, 256000, 1024000];
  const logN: number[] = [];
  const logErr: number[] = [];
  const ratios: number[] = [];
  Ns.forEach((N, j) => {
    const s = new ParticleSolver({ grid, rate: powerLaw(0), eps: 1, rho0, count: N, seed: 11 + j, ensembles: E });
    // The rate is constant, so thinning is exact for any dt; 5 steps exercise the clock restarts.
    for (let k = 0; k < 5; k++) s.step(T / 5);
    const rho = s.rho();
    let err2 = 0;
    let expect2 = 0;
    for (let c = 0; c < C; c++) {
      err2 += (rho[c] - ref[c]) ** 2;
      // Particles are independent (alpha = 0): the cell count of one member is binomial with
      // p_c = ref_c / C, so Var(rho_c) = C² p_c (1 − p_c) / (N E) for the ensemble mean.
      const p = ref[c] / C;
      expect2 += (C * C * p * (1 - p)) / (N * E);
    }
    err2 /= C;
    expect2 /= C;
    logN.push(Math.log(N));
    logErr.push(0.5 * Math.log(err2));
    ratios.push(err2 / expect2);
  });
  // err² is a sum of C (nearly independent) squared normal deviations: relative sd sqrt(2/C),
  // so sd(log err) = sqrt(2/C)/2, and the least-squares slope has sd sd(log err)/sqrt(Σ(logN − mean)²).
  const mean = logN.reduce((p, q) => p + q, 0) / logN.length;
  const my = logErr.reduce((p, q) => p + q, 0) / logErr.length;
  let sxx = 0;
  let sxy = 0;
  logN.forEach((x, i) => {
    sxx += (x - mean) ** 2;
    sxy += (x - mean) * (logErr[i] - my);
  });
  const slope = sxy / sxx;
  const sdSlope = Math.sqrt(2 / C) / 2 / Math.sqrt(sxx);
  t.diagnostic(`N ${Ns.join(', ')} (x${E} members): L2 error ${logErr.map((l) => Math.exp(l).toExponential(3)).join(', ')}`);
  t.diagnostic(`slope ${slope.toFixed(4)} ± ${(Z * sdSlope).toFixed(4)} (4 sd); err²/E[err²] = ${ratios.map((r) => r.toFixed(3)).join(', ')}`);
  assert.ok(Math.abs(slope + 0.5) < Z * sdSlope, `slope ${slope.toFixed(4)} (tolerance ±${(Z * sdSlope).toFixed(4)}), ratios ${ratios.map((r) => r.toFixed(2))}`);
  // And the size of the error is the binomial one (no bias): the mean ratio has sd sqrt(2/C)/sqrt(K).
  const meanRatio = ratios.reduce((p, q) => p + q, 0) / ratios.length;
  assert.ok(Math.abs(meanRatio - 1) < Z * Math.sqrt(2 / C / ratios.length), `mean err²/E[err²] = ${meanRatio}`);
});

test('alpha = 0, eps = 1: the flux estimate matches j = ∫ v f dv of the exact solution', (t) => {
  const C = 32;
  const grid = makeGrid([C]);
  const a = 0.5;
  const rho0 = cellAverages(grid, (x) => 1 + a * Math.cos(TWO_PI * x));
  const T = 0.25;
  const N = 200_000;
  const E = 2;
  const s = new ParticleSolver({ grid, rate: powerLaw(0), eps: 1, rho0, count: N, seed: 99, ensembles: E });
  for (let k = 0; k < 5; k++) s.step(T / 5);
  const j = new Float64Array(C);
  s.flux([j]);
  // Continuity d_t ρ + (1/eps) ∂_x j = 0 with cell-averaged ρ = 1 + b S(t) cos(kx) gives
  // cell-averaged j = −eps b S'(t)/k sin(kx).
  const b = a * sinc(1 / C);
  const k = TWO_PI;
  const d = 1e-3;
  const sPrime = (pieceWiseModeFactor(C, 1, 1, T + d) - pieceWiseModeFactor(C, 1, 1, T - d)) / (2 * d);
  const expected = (-1 * b * sPrime) / k;
  // Estimate the sine amplitude, (2/C) Σ j_c sin(kx_c), and its variance from the particles:
  // Var(j_c) = (C·mass)² E[v² 1_c] / (N E) with E[v² 1_c] estimated by the sample.
  const v = s.velocities(0);
  const x = s.positions(0);
  const v2 = new Float64Array(C);
  for (let i = 0; i < v.length; i++) v2[Math.min(C - 1, (x[i] * C) | 0)] += v[i] * v[i];
  let amp = 0;
  let varAmp = 0;
  for (let c = 0; c < C; c++) {
    const sn = Math.sin(k * (c + 0.5) / C);
    amp += (2 / C) * j[c] * sn;
    const varJ = (C * C * (v2[c] / (N * E))) / (N * E);
    varAmp += (4 / (C * C)) * sn * sn * varJ;
  }
  t.diagnostic(`flux sine amplitude ${amp.toFixed(5)} vs exact ${expected.toFixed(5)} (4 sd = ${(Z * Math.sqrt(varAmp)).toFixed(5)})`);
  assert.ok(expected > 0.05, `the test needs a visible flux: ${expected}`);
  assert.ok(Math.abs(amp - expected) < Z * Math.sqrt(varAmp), `flux amplitude ${amp} vs ${expected} ± ${Math.sqrt(varAmp)}`);
});

test('velocities stay standard Gaussian (KS), 1D and 2D', (t) => {
  for (const dim of [1, 2] as const) {
    const grid = makeGrid(dim === 1 ? [32] : [16, 16]);
    const rho0 = cellAverages(grid, (x, y) => 1 + 0.8 * Math.cos(TWO_PI * x) * (dim === 2 ? Math.cos(TWO_PI * y) : 1));
    // alpha = 0: each particle's velocity is its initial one or its last draw, both N(0, I) and
    // independent of the (constant-rate) clock, so the velocities are exactly i.i.d. N(0, 1).
    const s = new ParticleSolver({ grid, rate: powerLaw(0), eps: 1, rho0, count: 100_000, seed: 17, scheme: 'exact' });
    for (let k = 0; k < 10; k++) s.step(0.1);
    for (let d = 0; d < dim; d++) {
      const ks = ksStatistic(s.velocities(d));
      t.diagnostic(`${dim}D v_${d}: KS sqrt(n)·D = ${ks.toFixed(3)}`);
      assert.ok(ks < KS_999, `${dim}D component ${d}: KS ${ks}`);
    }
  }
});

// ------------------------------------------------------------------------------------------------
// A frozen rate keeps a uniform density uniform

test('frozen rate 1 + 0.8 sin 2πx keeps a uniform density uniform: exact step, eps = 1 and 0.05, 1D and 2D', (t) => {
  // The process with a frozen rate is exact and the particles independent, so the counts of a
  // uniform state are multinomial: Pearson's chi-square has C − 1 degrees of freedom exactly.
  const cases = [
    { dim: 1, eps: 1, N: 100_000, dt: 0.1, T: 1 },
    { dim: 1, eps: 0.05, N: 50_000, dt: 0.01, T: 0.1 },
    { dim: 2, eps: 0.2, N: 100_000, dt: 0.02, T: 0.2 },
  ] as const;
  for (const c of cases) {
    const grid = makeGrid(c.dim === 1 ? [32] : [16, 16]);
    const rho0 = new Float64Array(grid.cells).fill(1);
    const s = new ParticleSolver({ grid, rateOfX: c.dim === 1 ? lambdaSin1D : lambdaSin2D, eps: c.eps, rho0, count: c.N, seed: 23, scheme: 'exact' });
    for (let k = 0; k < Math.round(c.T / c.dt); k++) s.step(c.dt);
    const chi = chi2Uniform(s.rho(), c.N);
    t.diagnostic(`${c.dim}D exact eps ${c.eps}: chi² ${chi.toFixed(1)} on ${grid.cells - 1} dof (0.999 quantile ${chi2Quantile999(grid.cells - 1).toFixed(1)})`);
    assert.ok(chi < chi2Quantile999(grid.cells - 1), `${c.dim}D eps ${c.eps}: chi² ${chi.toFixed(1)} (0.999 quantile ${chi2Quantile999(grid.cells - 1).toFixed(1)})`);
  }
});

test('frozen rate keeps a uniform density uniform: drift-corrected AP step at eps = 1e-3 (the naive step does not)', (t) => {
  // With the Metropolis–Hastings adjustment each sub-step of the AP scheme leaves uniform ⊗ M
  // exactly invariant, so the chi-square statistic is again exactly chi²(C − 1) distributed.
  for (const dim of [1, 2] as const) {
    const grid = makeGrid(dim === 1 ? [32] : [16, 16]);
    const rho0 = new Float64Array(grid.cells).fill(1);
    const N = 100_000;
    const base: ParticleSolverOptions = { grid, rateOfX: dim === 1 ? lambdaSin1D : lambdaSin2D, eps: 1e-3, rho0, count: N, seed: 29, scheme: 'ap' };
    const good = new ParticleSolver(base);
    const naive = new ParticleSolver({ ...base, driftCorrection: false });
    const steps = dim === 1 ? 100 : 50;
    for (let k = 0; k < steps; k++) {
      good.step(1e-3);
      naive.step(1e-3);
    }
    const q = chi2Quantile999(grid.cells - 1);
    const chiGood = chi2Uniform(good.rho(), N);
    const chiNaive = chi2Uniform(naive.rho(), N);
    const rn = naive.rho();
    t.diagnostic(`${dim}D AP eps 1e-3: chi² drift-corrected ${chiGood.toFixed(1)}, naive ${chiNaive.toFixed(1)} on ${grid.cells - 1} dof (quantile ${q.toFixed(1)}); naive rho in [${Math.min(...rn).toFixed(2)}, ${Math.max(...rn).toFixed(2)}]`);
    assert.ok(chiGood < q, `${dim}D drift-corrected: chi² ${chiGood.toFixed(1)} (quantile ${q.toFixed(1)})`);
    // The naive (Itô) step drifts towards rho ∝ lambda: the test has power.
    assert.ok(chiNaive > 10 * q, `${dim}D naive: chi² ${chiNaive.toFixed(1)}`);
  }
});

// ------------------------------------------------------------------------------------------------
// Mean-square displacement at constant density

/** Advances s by `steps` steps of dt while unwrapping the positions (minimum image), returns Σ_d mean Δx_d². */
function msd(s: ParticleSolver, dim: number, steps: number, dt: number): { mean: number; sd: number } {
  const n = s.positions(0).length;
  const disp = Array.from({ length: dim }, () => new Float64Array(n));
  const prev = Array.from({ length: dim }, (_, d) => s.positions(d).slice());
  for (let k = 0; k < steps; k++) {
    s.step(dt);
    for (let d = 0; d < dim; d++) {
      const p = s.positions(d);
      for (let i = 0; i < n; i++) {
        let dx = p[i] - prev[d][i];
        dx -= Math.round(dx);
        disp[d][i] += dx;
        prev[d][i] = p[i];
      }
    }
  }
  // Per particle r² = Σ_d Δx_d²; the mean's sd is estimated from the sample variance of r².
  let m = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    let r2 = 0;
    for (let d = 0; d < dim; d++) r2 += disp[d][i] ** 2;
    m += r2;
    q += r2 * r2;
  }
  m /= n;
  q /= n;
  return { mean: m, sd: Math.sqrt((q - m * m) / n) };
}

test('MSD at constant density grows like 2 t / lambda per dimension (exact step and AP step, 1D and 2D)', (t) => {
  // alpha = 1 and rho ≡ 2, so lambda = 2 (through the estimated density: its noise changes 1/lambda
  // by ~C/N ≈ 0.2%, far inside the tolerance). Exact MSD per dimension of the run-and-tumble
  // process started in equilibrium: 2t/λ − 2 eps²/λ² (1 − exp(−λ t/eps²)) → 2t/λ as eps → 0.
  const lam = 2;
  const cases = [
    { dim: 1, scheme: 'exact', eps: 0.05, dt: 0.005, steps: 20 },
    { dim: 2, scheme: 'exact', eps: 0.05, dt: 0.005, steps: 20 },
    { dim: 1, scheme: 'ap', eps: 1e-3, dt: 0.002, steps: 50 },
    { dim: 2, scheme: 'ap', eps: 1e-3, dt: 0.002, steps: 50 },
  ] as const;
  for (const c of cases) {
    const grid = makeGrid(c.dim === 1 ? [16] : [8, 8]);
    const rho0 = new Float64Array(grid.cells).fill(2);
    const s = new ParticleSolver({ grid, rate: powerLaw(1), eps: c.eps, rho0, count: 20_000, seed: 31, scheme: c.scheme });
    const tEnd = c.dt * c.steps;
    const per = (2 * tEnd) / lam - ((2 * c.eps * c.eps) / (lam * lam)) * (1 - Math.exp((-lam * tEnd) / (c.eps * c.eps)));
    const { mean, sd } = msd(s, c.dim, c.steps, c.dt);
    t.diagnostic(`${c.dim}D ${c.scheme} eps ${c.eps}: MSD(${tEnd.toFixed(2)}) = ${mean.toFixed(5)} vs ${(c.dim * per).toFixed(5)} ± ${(Z * sd).toFixed(5)} (4 sd)`);
    assert.ok(Math.abs(mean - c.dim * per) < Z * sd, `${c.dim}D ${c.scheme}: MSD ${mean.toFixed(5)} vs ${(c.dim * per).toFixed(5)} ± ${(Z * sd).toFixed(5)}`);
  }
});

test('AP step at eps = 1e-3 solves the heat equation (alpha = 0): mode decays like exp(−4π² t)', (t) => {
  const C = 64;
  const grid = makeGrid([C]);
  const a = 0.5;
  const rho0 = cellAverages(grid, (x) => 1 + a * Math.cos(TWO_PI * x));
  const N = 200_000;
  const T = 0.02;
  const s = new ParticleSolver({ grid, rate: powerLaw(0), eps: 1e-3, rho0, count: N, seed: 37, scheme: 'ap' });
  for (let k = 0; k < 20; k++) s.step(T / 20);
  const rho = s.rho();
  let amp = 0;
  for (let c = 0; c < C; c++) amp += (2 / C) * rho[c] * Math.cos(TWO_PI * (c + 0.5) / C);
  // Expected: b sinc²(1/C) exp(−4π² T) (piecewise-constant start, as in the eps = 1 test; the
  // O(eps²) kinetic correction is ~1e-6). Var(amp) = (4/C²) Σ cos² Var(rho_c) ≤ 2·max(rho)/N.
  const expected = a * sinc(1 / C) * sinc(1 / C) * sinc(1 / C) * Math.exp(-4 * Math.PI * Math.PI * T);
  const sd = Math.sqrt((2 * (1 + a)) / N);
  t.diagnostic(`AP mode amplitude ${amp.toFixed(5)} vs heat ${expected.toFixed(5)} ± ${(Z * sd).toFixed(5)}`);
  assert.ok(Math.abs(amp - expected) < Z * sd, `amplitude ${amp} vs ${expected} ± ${Z * sd}`);
});

// ------------------------------------------------------------------------------------------------
// Determinism and restarts

test('same seed ⇒ identical output; restart from saveState is bit-identical (exact and AP, 1D and 2D, ensembles)', () => {
  const configs: Array<Omit<ParticleSolverOptions, 'grid' | 'rho0'> & { dim: 1 | 2 }> = [
    { dim: 1, rate: powerLaw(1), eps: 0.3, count: 3000, seed: 41, ensembles: 2, density: { method: 'kernel', bandwidth: 0.05 }, scheme: 'exact' },
    { dim: 2, rate: powerLaw(-0.5), eps: 1e-2, count: 3000, seed: 43, ensembles: 3, density: { method: 'histogram' }, scheme: 'ap' },
    { dim: 2, rate: powerLaw(1), eps: 0.5, count: 3000, seed: 47, ensembles: 1, density: { method: 'kernel' }, scheme: 'exact' },
  ];
  for (const cfg of configs) {
    const grid = makeGrid(cfg.dim === 1 ? [20] : [10, 6]);
    const rho0 = cellAverages(grid, (x, y) => 1.5 + Math.sin(TWO_PI * x) * Math.cos(TWO_PI * y));
    const opts = { ...cfg, grid, rho0 };
    const a = new ParticleSolver(opts);
    const b = new ParticleSolver(opts);
    for (let k = 0; k < 5; k++) {
      a.step(0.01);
      b.step(0.01);
    }
    const saved = a.saveState();
    for (let k = 0; k < 5; k++) a.step(0.01);
    for (let k = 0; k < 5; k++) b.step(0.01);
    assert.ok(bytesEqual(a.rho(), b.rho()), 'same seed, same history');
    const c = new ParticleSolver({ ...opts, seed: 999 }); // a different seed, overwritten by the restore
    c.restoreState(saved);
    for (let k = 0; k < 5; k++) c.step(0.01);
    for (let d = 0; d < cfg.dim; d++) {
      assert.ok(bytesEqual(a.positions(d), c.positions(d)), 'positions after restart');
      assert.ok(bytesEqual(a.velocities(d), c.velocities(d)), 'velocities after restart');
    }
    assert.ok(bytesEqual(a.rho(), c.rho()), 'density after restart');
    const fa = Array.from({ length: cfg.dim }, () => new Float64Array(grid.cells));
    const fc = Array.from({ length: cfg.dim }, () => new Float64Array(grid.cells));
    a.flux(fa);
    c.flux(fc);
    for (let d = 0; d < cfg.dim; d++) assert.ok(bytesEqual(fa[d], fc[d]), 'flux after restart');
    const other = new ParticleSolver({ ...opts, seed: (cfg.seed as number) + 1 });
    assert.ok(!bytesEqual(other.positions(0), new ParticleSolver(opts).positions(0)), 'another seed differs');
    if ((cfg.ensembles ?? 1) > 1) assert.ok(!bytesEqual(a.memberRho(0), a.memberRho(1)), 'ensemble members differ');
  }
});

test('a frozen rate above its declared bound is a NumericalFailure; bad options are RangeErrors', () => {
  const grid = makeGrid([8]);
  const rho0 = new Float64Array(8).fill(1);
  const s = new ParticleSolver({ grid, rateOfX: lambdaSin1D, rateBound: 1, eps: 0.1, rho0, count: 1000, seed: 1 });
  assert.throws(() => s.step(0.1), NumericalFailure);
  assert.throws(() => new ParticleSolver({ grid, rate: powerLaw(0), eps: 0, rho0, count: 10, seed: 1 }), RangeError);
  assert.throws(() => new ParticleSolver({ grid, rate: powerLaw(0), eps: 1, rho0, count: 10, seed: 1, density: { method: 'kernel', bandwidth: 0.7 } }), RangeError);
  assert.throws(() => new ParticleSolver({ grid, eps: 1, rho0, count: 10, seed: 1 }), RangeError);
});

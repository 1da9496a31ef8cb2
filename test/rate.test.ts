import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generalRate, powerLaw, TABLE_INTERVALS } from '../src/models/rate.js';

/** int_a^b f by composite 5-point Gauss-Legendre with many panels (reference quadrature). */
function integrate(f: (x: number) => number, a: number, b: number, panels = 2000): number {
  const X = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
  const W = [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891];
  const w = (b - a) / panels;
  let s = 0;
  for (let p = 0; p < panels; p++) {
    const c = a + (p + 0.5) * w;
    for (let q = 0; q < 5; q++) s += W[q] * f(c + 0.5 * w * X[q]);
  }
  return 0.5 * w * s;
}

const ALPHAS = [0, 0.5, 1, -1, 2, -2, 1.5, -0.5, 0.3, -3.7, 1 - 1e-9, 1 + 1e-7, 0.9, 4];
const SAMPLES = [0.2, 0.5, 0.9, 0.999, 1, 1.001, 1.3, 2, 3.5];

test('power law: lambda, D = 1/lambda and Phi = int_1^rho D agree with quadrature for every alpha', () => {
  for (const alpha of ALPHAS) {
    const r = powerLaw(alpha);
    assert.equal(r.alpha, alpha);
    for (const rho of SAMPLES) {
      const lam = Math.pow(rho, alpha);
      assert.ok(Math.abs(r.lambda(rho) - lam) <= 1e-14 * lam, `lambda alpha=${alpha} rho=${rho}`);
      assert.ok(Math.abs(r.diffusivity(rho) - 1 / lam) <= 1e-14 / lam, `D alpha=${alpha} rho=${rho}`);
      const phi = integrate((s) => Math.pow(s, -alpha), 1, rho);
      const tol = 1e-13 * Math.max(1, Math.abs(phi));
      assert.ok(Math.abs(r.kirchhoff(rho) - phi) <= tol, `Phi alpha=${alpha} rho=${rho}: ${r.kirchhoff(rho)} vs ${phi}`);
    }
    assert.equal(r.kirchhoff(1), 0);
  }
});

test('power law: Phi keeps full relative accuracy near rho = 1 and is continuous in alpha at 1', () => {
  for (const alpha of ALPHAS) {
    const r = powerLaw(alpha);
    const x = 1 + 1e-9;
    const d = x - 1; // exact offset of the representable x
    // Phi(1 + d) = d - alpha d^2/2 + O(d^3): relative accuracy 1e-6 would be lost to cancellation.
    const expect = d - (alpha * d * d) / 2;
    assert.ok(Math.abs(r.kirchhoff(x) - expect) <= 1e-14 * d, `alpha=${alpha}`);
  }
  for (const rho of SAMPLES) {
    assert.ok(Math.abs(powerLaw(1 - 1e-12).kirchhoff(rho) - Math.log(rho)) < 1e-11);
    assert.ok(Math.abs(powerLaw(1 + 1e-12).kirchhoff(rho) - Math.log(rho)) < 1e-11);
  }
});

test('power law: vectorised evaluate/lambdaArray match the scalar methods (special and general alpha)', () => {
  const n = SAMPLES.length;
  const rho = Float64Array.from(SAMPLES);
  const phi = new Float64Array(n);
  const d = new Float64Array(n);
  const lam = new Float64Array(n);
  for (const alpha of ALPHAS) {
    const r = powerLaw(alpha);
    r.evaluate(rho, phi, d, n);
    r.lambdaArray(rho, lam, n);
    for (let i = 0; i < n; i++) {
      const p = r.kirchhoff(rho[i]);
      assert.ok(Math.abs(phi[i] - p) <= 1e-14 * Math.max(1, Math.abs(p)), `evaluate Phi alpha=${alpha} rho=${rho[i]}`);
      assert.ok(Math.abs(d[i] - r.diffusivity(rho[i])) <= 1e-14 * r.diffusivity(rho[i]), `evaluate D alpha=${alpha}`);
      assert.ok(Math.abs(lam[i] - r.lambda(rho[i])) <= 1e-14 * r.lambda(rho[i]), `lambdaArray alpha=${alpha}`);
    }
    r.evaluate(rho, phi, null, n);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(phi[i] - r.kirchhoff(rho[i])) <= 1e-14 * Math.max(1, Math.abs(phi[i])));
  }
});

test('power law: diffusivityBounds are the values at the ends', () => {
  assert.deepEqual(powerLaw(1).diffusivityBounds(0.5, 2), [0.5, 2]);
  assert.deepEqual(powerLaw(-2).diffusivityBounds(0.5, 2), [0.25, 4]);
  assert.deepEqual(powerLaw(0).diffusivityBounds(0.5, 2), [1, 1]);
  assert.throws(() => powerLaw(NaN), RangeError);
});

test('general rate lambda = 1 + rho^2: tabulated Phi = atan(rho) - pi/4 to 1e-13, derivative = D to 1e-9', () => {
  const r = generalRate((x) => 1 + x * x, '1 + rho^2', [0.5, 2]);
  assert.equal(r.alpha, undefined);
  assert.deepEqual(r.range, [0.5, 2]);
  const n = 10007;
  const rho = new Float64Array(n);
  for (let i = 0; i < n; i++) rho[i] = 0.5 + (1.5 * i) / (n - 1);
  const phi = new Float64Array(n);
  const d = new Float64Array(n);
  r.evaluate(rho, phi, d, n);
  let errPhi = 0;
  let errD = 0;
  for (let i = 0; i < n; i++) {
    const x = rho[i];
    errPhi = Math.max(errPhi, Math.abs(phi[i] - (Math.atan(x) - Math.PI / 4)));
    errD = Math.max(errD, Math.abs(d[i] * (1 + x * x) - 1));
    assert.equal(phi[i], r.kirchhoff(x));
    if (i > 0) assert.ok(phi[i] > phi[i - 1], 'tabulated Phi must be increasing');
  }
  assert.ok(errPhi < 1e-13, `Phi error ${errPhi}`);
  assert.ok(errD < 1e-9, `D error ${errD}`);
  // Table nodes: exact slopes.
  const h = 1.5 / TABLE_INTERVALS;
  const x0 = new Float64Array([0.5 + 17 * h]);
  r.evaluate(x0, phi, d, 1);
  assert.ok(Math.abs(d[0] * (1 + x0[0] * x0[0]) - 1) < 1e-14);
});

test('general rate: outside the table Phi comes from quadrature (still accurate), and the exact D', () => {
  const r = generalRate((x) => 1 + x * x, '1 + rho^2', [0.8, 1.2]);
  for (const x of [0.1, 0.5, 0.79, 1.21, 3, 10]) {
    assert.ok(Math.abs(r.kirchhoff(x) - (Math.atan(x) - Math.PI / 4)) < 1e-13, `x=${x}`);
  }
  const rho = Float64Array.of(0.3, 5);
  const phi = new Float64Array(2);
  const d = new Float64Array(2);
  r.evaluate(rho, phi, d, 2);
  assert.ok(Math.abs(d[0] - 1 / 1.09) < 1e-15 && Math.abs(d[1] - 1 / 26) < 1e-15);
  // A range not containing 1: Phi is still anchored at Phi(1) = 0.
  const r2 = generalRate((x) => 1 + x * x, '1 + rho^2', [2, 3]);
  assert.ok(Math.abs(r2.kirchhoff(2.5) - (Math.atan(2.5) - Math.PI / 4)) < 1e-13);
});

test('general rate lambda(rho) = rho agrees with the closed-form power law alpha = 1', () => {
  const g = generalRate((x) => x, 'rho', [0.5, 1.5]);
  const p = powerLaw(1);
  for (let i = 0; i <= 100; i++) {
    const x = 0.5 + i / 100;
    // Hermite error bound h^4/384 max|D'''| = (1/2048)^4 / 384 * 96 = 1.4e-14 on [0.5, 1.5].
    assert.ok(Math.abs(g.kirchhoff(x) - p.kirchhoff(x)) < 3e-14, `x=${x}`);
  }
  const [mn, mx] = g.diffusivityBounds(0.5, 1.5);
  assert.ok(Math.abs(mn - 1 / 1.5) < 1e-15 && Math.abs(mx - 2) < 1e-15);
});

test('general rate: invalid range or non-positive lambda is rejected', () => {
  // constant data: a small neighbourhood of the value is tabulated (Newton iterates may step off it)
  assert.ok(Math.abs(generalRate((x) => x, 'rho', [1, 1]).kirchhoff(1)) < 1e-15);
  assert.throws(() => generalRate((x) => x, 'rho', [1, NaN]), RangeError);
  assert.throws(() => generalRate((x) => x - 1, 'rho - 1', [0.5, 2]), RangeError);
  assert.throws(() => generalRate(() => NaN, 'nan', [0.5, 2]), RangeError);
});

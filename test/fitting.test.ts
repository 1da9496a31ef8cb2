import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitExponentialRate, fitPowerLaw, linearFit } from '../src/fitting/rates.js';

test('exponential rate: skips a fast transient and the round-off floor, error estimate covers the truth', () => {
  const t: number[] = [];
  const y: number[] = [];
  for (let i = 0; i <= 400; i++) {
    const s = i * 0.005;
    t.push(s);
    // slow mode 7.3, fast transient 60, floor at 1e-14 with noise
    y.push(Math.exp(-7.3 * s) + 0.5 * Math.exp(-60 * s) + 1e-14 * (1 + 0.5 * Math.sin(97 * i)));
  }
  const f = fitExponentialRate(t, y);
  assert.ok(Math.abs(f.rate - 7.3) < 0.02, `${f.rate}`);
  assert.ok(Math.abs(f.rate - 7.3) <= f.error + 1e-9, `error estimate ${f.error} does not cover ${Math.abs(f.rate - 7.3)}`);
  assert.ok(f.tStart > 0.05, `window starts at ${f.tStart}`);
});

test('power-law order and local orders', () => {
  const eps = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3];
  const err = eps.map((e) => 0.7 * e ** 1.5 * (1 + 0.01 * Math.log(e)));
  const p = fitPowerLaw(eps, err);
  assert.ok(Math.abs(p.order - 1.5) < 0.02, `${p.order}`);
  assert.equal(p.local.length, 4);
  const lf = linearFit([0, 1, 2], [1, 3, 5]);
  assert.ok(Math.abs(lf.slope - 2) < 1e-15 && Math.abs(lf.intercept - 1) < 1e-15);
  assert.throws(() => fitPowerLaw([1], [1]));
});

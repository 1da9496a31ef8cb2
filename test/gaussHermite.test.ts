import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussHermite, velocityGrid } from '../src/velocity/gaussHermite.js';

/** (2p-1)!! = int v^{2p} M(v) dv, exact in double up to 2p = 60 (~2.9e40, mantissa fits). */
function doubleFactorial(p: number): number {
  let r = 1;
  for (let k = 2 * p - 1; k > 1; k -= 2) r *= k;
  return r;
}

function moment(nodes: Float64Array, weights: Float64Array, power: number): number {
  let s = 0;
  for (let k = 0; k < nodes.length; k++) s += weights[k] * nodes[k] ** power;
  return s;
}

function assertRel(actual: number, expected: number, tol: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);
  assert.ok(err <= tol, `${what}: got ${actual}, expected ${expected} (relative error ${err.toExponential(2)} > ${tol})`);
}

test('n = 1: the single node 0 with weight 1', () => {
  const q = gaussHermite(1);
  assert.deepEqual([...q.nodes], [0]);
  assert.deepEqual([...q.weights], [1]);
});

test('n = 2 is the classical two-velocity model: v = +-1, w = 1/2 exactly', () => {
  const q = gaussHermite(2);
  assert.deepEqual([...q.nodes], [-1, 1]);
  assert.deepEqual([...q.weights], [0.5, 0.5]);
});

test('n = 3 matches the closed form: nodes 0, +-sqrt(3), weights 1/6, 2/3, 1/6', () => {
  const q = gaussHermite(3);
  assert.equal(q.nodes[1], 0);
  assertRel(q.nodes[2], Math.sqrt(3), 1e-15, 'node');
  assertRel(q.weights[1], 2 / 3, 1e-15, 'centre weight');
  assertRel(q.weights[2], 1 / 6, 1e-15, 'outer weight');
});

test('n = 4 matches the closed form: zeros of He_4 = v^4 - 6v^2 + 3, w = 3!/(4 He_3(v)^2)', () => {
  const q = gaussHermite(4);
  const roots = [Math.sqrt(3 - Math.sqrt(6)), Math.sqrt(3 + Math.sqrt(6))];
  const he3 = (v: number): number => v * v * v - 3 * v;
  for (let i = 0; i < 2; i++) {
    assertRel(q.nodes[2 + i], roots[i], 2e-15, `node ${i}`);
    assertRel(q.weights[2 + i], 6 / (4 * he3(roots[i]) ** 2), 1e-14, `weight ${i}`);
  }
});

test('n = 5 matches tabulated physicists\' Gauss-Hermite values (A&S 25.4.46) after scaling', () => {
  // Physicists' rule for exp(-x^2): v = sqrt(2) x, w = w_phys / sqrt(pi). Values to 18 digits
  // (x^2 = (5 -+ sqrt(10)) / 2, checked with mpmath at 30 digits).
  const xPhys = [0, 0.958572464613818507, 2.02018287045608563];
  const wPhys = [0.945308720482941881, 0.393619323152241159, 0.0199532420590459132];
  const q = gaussHermite(5);
  for (let i = 0; i < 3; i++) {
    if (i === 0) assert.equal(q.nodes[2], 0);
    else assertRel(q.nodes[2 + i], Math.SQRT2 * xPhys[i], 2e-15, `node ${i}`);
    assertRel(q.weights[2 + i], wPhys[i] / Math.sqrt(Math.PI), 1e-14, `weight ${i}`);
  }
  assertRel(q.weights[2], 8 / 15, 1e-15, 'centre weight 5!/(25 He_4(0)^2)');
});

test('even moments are exact, (2p-1)!!, for 2p <= min(2n-1, 60), n = 1..200 and 256', () => {
  const ns = Array.from({ length: 200 }, (_, i) => i + 1).concat([256]);
  for (const n of ns) {
    const q = gaussHermite(n);
    for (let p = 0; 2 * p <= Math.min(2 * n - 1, 60); p++) {
      assertRel(moment(q.nodes, q.weights, 2 * p), doubleFactorial(p), 1e-12, `n=${n}, moment ${2 * p}`);
    }
  }
});

test('the degree-2n moment is not exact (the rule is Gauss, not better): n = 2 gives 1, not 3', () => {
  const q = gaussHermite(2);
  assert.equal(moment(q.nodes, q.weights, 4), 1);
});

test('odd moments vanish to round-off', () => {
  for (const n of [2, 3, 7, 16, 33, 100, 200]) {
    const q = gaussHermite(n);
    for (let p = 0; 2 * p + 1 <= Math.min(2 * n - 1, 61); p++) {
      let s = 0;
      let abs = 0;
      for (let k = 0; k < n; k++) {
        const t = q.weights[k] * q.nodes[k] ** (2 * p + 1);
        s += t;
        abs += Math.abs(t);
      }
      assert.ok(Math.abs(s) <= 1e-14 * abs, `n=${n}, moment ${2 * p + 1}: ${s}`);
    }
  }
});

test('nodes strictly ascending and exactly symmetric, weights symmetric and positive, sum 1 to 1e-14', () => {
  for (const n of [1, 2, 3, 4, 5, 6, 9, 10, 31, 64, 127, 128, 200, 255, 256, 300]) {
    const q = gaussHermite(n);
    assert.equal(q.nodes.length, n);
    assert.equal(q.weights.length, n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      if (k > 0) assert.ok(q.nodes[k] > q.nodes[k - 1], `n=${n}: not ascending at ${k}`);
      assert.ok(q.nodes[k] + q.nodes[n - 1 - k] === 0, `n=${n}: node symmetry at ${k}`);
      assert.equal(q.weights[k], q.weights[n - 1 - k], `n=${n}: weight symmetry at ${k}`);
      assert.ok(q.weights[k] > 0, `n=${n}: weight ${k} = ${q.weights[k]}`);
      sum += q.weights[k];
    }
    assert.ok(Math.abs(sum - 1) <= 1e-14, `n=${n}: weights sum to ${sum}`);
  }
});

test('large n up to the limit 1024: finite, ascending, weights >= 0 summing to 1, variance 1', () => {
  for (const n of [512, 1000, 1024]) {
    const q = gaussHermite(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      assert.ok(Number.isFinite(q.nodes[k]) && q.weights[k] >= 0 && Number.isFinite(q.weights[k]));
      if (k > 0) assert.ok(q.nodes[k] > q.nodes[k - 1]);
      sum += q.weights[k];
    }
    assert.ok(Math.abs(sum - 1) <= 1e-14, `n=${n}: weights sum to ${sum}`);
    assertRel(moment(q.nodes, q.weights, 2), 1, 1e-13, `n=${n}: second moment`);
    assertRel(moment(q.nodes, q.weights, 20), doubleFactorial(10), 1e-12, `n=${n}: 20th moment`);
    // Largest zero of He_n: sqrt(4n + 2) - O(n^{-1/6}) (Airy asymptotics); a loose bracket suffices.
    assert.ok(q.nodes[n - 1] < Math.sqrt(4 * n + 2) && q.nodes[n - 1] > Math.sqrt(4 * n + 2) - 2);
  }
});

test('n = 200 integrates cos(v) against M to exp(-1/2) within 1e-13', () => {
  const q = gaussHermite(200);
  let s = 0;
  for (let k = 0; k < 200; k++) s += q.weights[k] * Math.cos(q.nodes[k]);
  assert.ok(Math.abs(s - Math.exp(-0.5)) <= 1e-13, `got ${s}`);
});

test('invalid node counts throw RangeError', () => {
  for (const n of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1025]) {
    assert.throws(() => gaussHermite(n), RangeError, `n=${n}`);
  }
  assert.throws(() => velocityGrid(2, 0), RangeError);
  assert.throws(() => velocityGrid(3 as 1 | 2, 4), RangeError);
});

test('results are cached but returned as copies: mutating one does not affect the next', () => {
  const a = gaussHermite(6);
  const ref = a.nodes[0];
  a.nodes[0] = 42;
  a.weights[0] = 42;
  const b = gaussHermite(6);
  assert.equal(b.nodes[0], ref);
  assert.notEqual(b.weights[0], 42);
});

test('1D velocity grid is the rule itself', () => {
  const g = velocityGrid(1, 8);
  const q = gaussHermite(8);
  assert.equal(g.dim, 1);
  assert.equal(g.count, 8);
  assert.equal(g.nodesPerDim, 8);
  assert.equal(g.v.length, 1);
  assert.deepEqual([...g.v[0]], [...q.nodes]);
  assert.deepEqual([...g.w], [...q.weights]);
});

test('2D tensor grid: layout vx fastest, and moments of M(vx) M(vy)', () => {
  const n = 6;
  const g = velocityGrid(2, n);
  const q = gaussHermite(n);
  assert.equal(g.dim, 2);
  assert.equal(g.count, n * n);
  assert.equal(g.v.length, 2);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      assert.equal(g.v[0][i + n * j], q.nodes[i]);
      assert.equal(g.v[1][i + n * j], q.nodes[j]);
      assert.equal(g.w[i + n * j], q.weights[i] * q.weights[j]);
    }
  }
  const m2 = (a: number, b: number): number => {
    let s = 0;
    for (let k = 0; k < g.count; k++) s += g.w[k] * g.v[0][k] ** a * g.v[1][k] ** b;
    return s;
  };
  assertRel(m2(0, 0), 1, 1e-14, 'mass');
  assert.ok(Math.abs(m2(1, 0)) < 1e-15 && Math.abs(m2(0, 1)) < 1e-15 && Math.abs(m2(1, 1)) < 1e-15, 'momentum');
  assertRel(m2(2, 0), 1, 1e-14, 'vx^2');
  assertRel(m2(0, 2), 1, 1e-14, 'vy^2');
  assertRel(m2(2, 2), 1, 1e-14, 'vx^2 vy^2');
  assertRel(m2(4, 0), 3, 1e-14, 'vx^4');
  assertRel(m2(4, 2), 3, 1e-14, 'vx^4 vy^2');
  assertRel(m2(6, 4), 45, 1e-13, 'vx^6 vy^4');
  assertRel(m2(10, 10), 945 * 945, 1e-13, 'vx^10 vy^10 (degree 2n-2 per variable)');
});

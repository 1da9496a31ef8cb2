import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erfcx, erfc, faddeeva, oneMinusSqrtPiXErfcx } from '../src/spectrum/faddeeva.js';
import { continuousSpectrum, discreteSpectrum, inverseErfcx, thresholdWavenumber } from '../src/spectrum/linear.js';
import { complexEigenvalues } from '../src/spectrum/eig.js';
import { main } from '../src/cli/main.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

// Reference values: 30-digit mpmath (exp(x²) erfc(x), exp(−z²) erfc(−iz)); they agree with the
// tables of Abramowitz & Stegun 7.1 / 7.9 to the digits printed there.
test('erfcx against tabulated values', () => {
  const table: [number, number][] = [
    [-3, 16205.988853999587],
    [-1, 5.0089800807622835],
    [-0.5, 1.9523604891825571],
    [0, 1],
    [0.001, 0.99887262008115141],
    [0.5, 0.61569034419292587],
    [1, 0.427583576155807],
    [1.5, 0.3215854164543175],
    [1.99, 0.2564678367195299],
    [2, 0.25539567631050574],
    [2.01, 0.25433187656081827],
    [3, 0.17900115118138995],
    [5, 0.11070463773306863],
    [10, 0.056140992743822586],
    [30, 0.018795888861416751],
    [100, 0.0056416137829894329],
    [1e5, 5.6418958351954681e-6],
  ];
  for (const [x, v] of table) assert.ok(rel(erfcx(x), v) < 3e-15, `erfcx(${x}) = ${erfcx(x)} vs ${v}`);
  assert.ok(rel(erfc(1), 0.157299207050285130658779) < 1e-15);
  assert.ok(rel(erfc(3), 2.20904969985854413727761e-5) < 1e-14);
  // 1 − √π x erfcx(x) at large x: ~ 1/(2x²) − 3/(4x⁴)
  assert.ok(rel(oneMinusSqrtPiXErfcx(1e4), 0.5e-8 - 0.75e-16) < 1e-12);
  assert.ok(rel(oneMinusSqrtPiXErfcx(2.5), 1 - Math.sqrt(Math.PI) * 2.5 * erfcx(2.5)) < 1e-13);
});

test('Faddeeva w(z) against tabulated values', () => {
  const table: [number, number, number, number][] = [
    [1, 1, 0.30474420525691259, 0.20821893820283163],
    [0.5, 2, 0.24527599022635851, 0.051521478343635849],
    [3, 0.1, 0.0079426809987699907, 0.20074234309867737],
    [-2, 1, 0.14023958136627794, -0.2222134401798991],
    [5, 5, 0.056965439888176979, 0.055838742775391028],
    [1, 0, 0.36787944117144232, 0.60715770584139373],
    [0.1, -0.5, 1.9176871281230731, 0.30487380220648074],
    [2, -1, -0.20532558064658751, 0.14685548503016739],
  ];
  for (const [x, y, wr, wi] of table) {
    const [a, b] = faddeeva(x, y);
    const mod = Math.hypot(wr, wi);
    assert.ok(Math.hypot(a - wr, b - wi) / mod < 1e-12, `w(${x}+${y}i) = ${a} + ${b}i vs ${wr} + ${wi}i`);
  }
});

test('continuous root: threshold, small-eps expansion, inverse erfcx', () => {
  const k = 2 * Math.PI;
  assert.equal(thresholdWavenumber(0.1, 1), Math.sqrt(Math.PI / 2) * 10);
  // eps* = √(π/2)/(2π) ≈ 0.19947 for r = 1, m = 1
  assert.equal(continuousSpectrum({ eps: 0.199, alpha: 1, rhoBar: 1, mode: 1 }).kind, 'eigenvalue');
  const above = continuousSpectrum({ eps: 0.2, alpha: 1, rhoBar: 1, mode: 1 });
  assert.equal(above.kind, 'essential');
  assert.ok(rel(above.rate, 25) < 1e-15);
  for (const eps of [1e-3, 1e-4, 1e-6]) {
    const c = continuousSpectrum({ eps, alpha: 2, rhoBar: 1.3, mode: 1 });
    const r = 1.3 ** 2;
    const series = (k * k) / r - (eps * eps * k ** 4) / r ** 3; // rate = κ²/r − eps² κ⁴/r³ + O(eps⁴)
    assert.ok(rel(c.rate, series) < 1e-12 + 1e4 * eps ** 4, `eps ${eps}: ${c.rate} vs ${series}`);
  }
  for (const y of [0.01, 0.7, 3, 50, 1e4]) assert.ok(rel(inverseErfcx(erfcx(y)), y) < 1e-13);
  // the root solves the dispersion relation: eps κ / r = √(π/2) erfcx((r + eps² σ)/(√2 eps κ))
  const c = continuousSpectrum({ eps: 0.1, alpha: 1, rhoBar: 1, mode: 1 });
  const y = (1 + 0.01 * (c.sigma as number)) / (Math.SQRT2 * 0.1 * k);
  assert.ok(rel(Math.sqrt(Math.PI / 2) * erfcx(y), 0.1 * k) < 1e-14);
});

test('discrete spectrum: Nv = 2 closed form, convergence to the continuous root, eigen-solver checks', () => {
  // Nv = 2: z² − r z + b² = 0 with z = r + eps² σ, b = eps κ
  for (const eps of [0.05, 0.3]) {
    const b = eps * 2 * Math.PI;
    const d = discreteSpectrum({ eps, alpha: 0, rhoBar: 2, mode: 1 }, 2);
    const disc = 1 - 4 * b * b;
    const topRe = disc >= 0 ? (1 + Math.sqrt(disc)) / 2 : 0.5;
    assert.ok(rel(d.rate, -(topRe - 1) / (eps * eps)) < 1e-12, `${d.rate}`);
  }
  const cont = continuousSpectrum({ eps: 0.1, alpha: 1, rhoBar: 1, mode: 1 }).rate;
  const d256 = discreteSpectrum({ eps: 0.1, alpha: 1, rhoBar: 1, mode: 1 }, 256);
  assert.ok(rel(d256.rate, cont) < 1e-12, `${d256.rate} vs ${cont}`);
  assert.ok(d256.traceError < 1e-13);
  const d16 = discreteSpectrum({ eps: 1e-4, alpha: 1, rhoBar: 1, mode: 1 }, 16);
  assert.ok(rel(d16.rate, continuousSpectrum({ eps: 1e-4, alpha: 1, rhoBar: 1, mode: 1 }).rate) < 1e-13);
  // generic complex eigenvalues: a triangular matrix plus a similarity
  const n = 5;
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    re[i * n + j] = Math.sin(3 * i + j);
    im[i * n + j] = Math.cos(i * j + 1);
  }
  const ev = complexEigenvalues({ n, re, im });
  let tr = 0;
  let ti = 0;
  for (let i = 0; i < n; i++) {
    tr += re[i * n + i];
    ti += im[i * n + i];
  }
  assert.ok(Math.abs(ev.reduce((s, e) => s + e.re, 0) - tr) < 1e-12 && Math.abs(ev.reduce((s, e) => s + e.im, 0) - ti) < 1e-12);
});

test('nlbgk spectrum prints the rate with full precision; bad arguments exit 2', async () => {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  assert.equal(await main(['node', 'nlbgk', 'spectrum', '--eps', '0.1', '--alpha', '1'], io), 0);
  const rate = continuousSpectrum({ eps: 0.1, alpha: 1, rhoBar: 1, mode: 1 }).rate;
  assert.match(out, new RegExp(`rate = -sigma\\s+${String(rate).replace('.', '\\.')}`));
  out = '';
  assert.equal(await main(['node', 'nlbgk', 'spectrum', '--eps', '0.1', '--alpha', '2', '--rho-bar', '1.5', '--nodes', '8', '--json'], io), 0);
  const j = JSON.parse(out);
  assert.equal(j.discrete.nodes, 8);
  assert.ok(Math.abs(j.discrete.rate - 16.469100579185973) < 1e-9);
  for (const bad of [['--eps', '-1', '--alpha', '1'], ['--eps', 'x', '--alpha', '1'], ['--eps', '0.1'], ['--eps', '0.1', '--alpha', '1', '--nodes', '0'], ['--eps', '0.1', '--alpha', '1', '--mode', '0']]) {
    err = '';
    assert.equal(await main(['node', 'nlbgk', 'spectrum', ...bad], io), 2, bad.join(' '));
    assert.match(err, /nlbgk: /);
  }
});

test('nlbgk spectrum --equation fokker-planck: closed-form rate kappa^2/r, density ratio, discrete top eigenvalue', async () => {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  assert.equal(await main(['node', 'nlbgk', 'spectrum', '--equation', 'fokker-planck', '--eps', '0.1', '--alpha', '2', '--rho-bar', '1.5', '--time', '0.05', '--nodes', '16', '--json'], io), 0);
  const j = JSON.parse(out);
  const r = 1.5 ** 2;
  const k2 = (2 * Math.PI) ** 2;
  assert.ok(Math.abs(j.rate - k2 / r) < 1e-12 && Math.abs(j.gap - r / 0.01) < 1e-9);
  assert.ok(Math.abs(j.eigenvalues[1] + k2 / r + r / 0.01) < 1e-9);
  // the closed form rhô(t)/rhô(0) = exp(-(κ²/r) t + (κ eps/r)² (1 - e^{-r t/eps²}))
  assert.ok(Math.abs(j.density_ratio - Math.exp((-k2 / r) * 0.05 + ((2 * Math.PI * 0.1) / r) ** 2 * (1 - Math.exp((-r * 0.05) / 0.01)))) < 1e-14);
  // the 16-node birth–death operator: a little slower than the continuous rate, converging as O(1/Nv)
  assert.ok(j.discrete.rate < j.rate && j.discrete.rate > 0.97 * j.rate, `discrete ${j.discrete.rate} vs ${j.rate}`);
  assert.ok(j.discrete.residual < 1e-12);
  err = '';
  assert.equal(await main(['node', 'nlbgk', 'spectrum', '--equation', 'boltzmann', '--eps', '0.1', '--alpha', '1'], io), 2);
  assert.match(err, /--equation boltzmann/);
  assert.equal(await main(['node', 'nlbgk', 'spectrum', '--time', '1', '--eps', '0.1', '--alpha', '1'], io), 2);
});

test('small eps: the top eigenvalue stays right down to eps = 1e-100 (was 36 at eps = 1e-8 with 8 nodes)', async () => {
  const k = 2 * Math.PI;
  // Independent references: the secular equation solved in 60-digit arithmetic (mpmath.findroot,
  // Gauss-Hermite nodes from mpmath.polyroots), and the continuous dispersion relation likewise.
  const mp: [number, number, number][] = [
    [8, 1e-8, 39.478417604357278621],
    [8, 1e-12, 39.478417604357434475],
    [8, 1e-3, 39.476859304950963037],
    [8, 0.05, 36.55990603584084725],
  ];
  for (const [nv, eps, want] of mp) {
    const d = discreteSpectrum({ eps, alpha: 1, rhoBar: 1, mode: 1 }, nv);
    assert.ok(rel(d.rate, want) < 1e-14, `Nv ${nv}, eps ${eps}: ${d.rate} vs ${want}`);
    assert.equal(d.top.im, 0);
  }
  assert.ok(rel(discreteSpectrum({ eps: 1e-8, alpha: 2, rhoBar: 1.5, mode: 1 }, 3).rate, 17.54596337971440164) < 1e-14);
  assert.ok(rel(continuousSpectrum({ eps: 1e-8, alpha: 1, rhoBar: 1, mode: 1 }).rate, 39.478417604357278621) < 1e-14);
  assert.ok(rel(continuousSpectrum({ eps: 1e-3, alpha: 1, rhoBar: 1, mode: 1 }).rate, 39.476859304950963037) < 1e-14);
  // Nv = 2 in closed form without cancellation: sigma = -2 kappa^2 / (r + sqrt(r^2 - 4 eps^2 kappa^2))
  for (const eps of [1e-4, 1e-8, 1e-30, 1e-100]) {
    for (const r of [0.5, 3]) {
      const want = (2 * k * k) / (r + Math.sqrt(r * r - 4 * eps * eps * k * k));
      const d = discreteSpectrum({ eps, alpha: 1, rhoBar: r, mode: 1 }, 2);
      assert.ok(rel(d.rate, want) < 1e-14, `Nv 2, eps ${eps}, r ${r}: ${d.rate} vs ${want}`);
      assert.ok(d.eigenvalues.every((e) => Number.isFinite(e.re) && Number.isFinite(e.im)));
    }
  }
  // the continuous root is continuous across the switch to the expansion at (eps kappa / r)^2 = 1e-4
  const at = (eps: number) => continuousSpectrum({ eps, alpha: 0, rhoBar: 1, mode: 1 }).rate;
  const epsSwitch = 1e-2 / k;
  assert.ok(rel(at(epsSwitch * (1 - 1e-14)), at(epsSwitch * (1 + 1e-14))) < 1e-14, `${at(epsSwitch * (1 - 1e-14))} vs ${at(epsSwitch * (1 + 1e-14))}`);
  // the CLI: eps = 1e-8 is supported and right; below 1e-100 it refuses with exit 2
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  assert.equal(await main(['node', 'nlbgk', 'spectrum', '--eps', '1e-8', '--alpha', '1', '--nodes', '8'], io), 0);
  assert.match(out, /rate = -Re sigma\s+39\.4784176043572/);
  for (const eps of ['1e-101', '1e-300', '101']) {
    err = '';
    assert.equal(await main(['node', 'nlbgk', 'spectrum', '--eps', eps, '--alpha', '1', '--nodes', '8'], io), 2, eps);
    assert.match(err, /^nlbgk: --eps .*expected a number in \[1e-100, 100\] \(the supported range\)\n$/);
  }
  err = '';
  assert.equal(await main(['node', 'nlbgk', 'spectrum', '--eps', '0.1', '--alpha', '20', '--rho-bar', '1e10'], io), 2);
  assert.match(err, /rho_bar\^alpha = 1e\+200: expected a rate r in/);
});

// Usage: npm run build && node scripts/kinetic-fingerprint.mjs > before.json; (change the code) ... > after.json; cmp before.json after.json
// A restructure or optimisation that keeps every floating-point operation in order keeps every hash.
// Bitwise fingerprint of the kinetic solver (1D/2D) over many configurations: run before and after a restructure.
import { createHash } from 'node:crypto';
import { KineticSolver } from '../dist/src/solvers/kinetic/solver.js';
import { makeGrid } from '../dist/src/grid/grid.js';
import { velocityGrid } from '../dist/src/velocity/gaussHermite.js';
import { powerLaw, generalRate } from '../dist/src/models/rate.js';
const out = {};
function data(grid, vel, kind) {
  const K = vel.count, N = grid.cells, h0 = new Float64Array(N * K);
  for (let p = 0; p < N; p++) {
    const i = p % grid.n[0];
    for (let k = 0; k < K; k++) {
      const vx = vel.v[0][k];
      h0[p * K + k] = kind === 'rough' ? (i < grid.n[0] / 2 ? 0.5 : 2) * (vx > 0 ? 1.5 : 0.8) + 0.1 * Math.sin(p + 3 * k) + 0.2 : 1 + 0.4 * Math.sin((2 * Math.PI * (i + 0.5)) / grid.n[0]) + (kind === 'mixed' ? 0.2 * vx / (1 + vx * vx) : 0);
    }
  }
  return h0;
}
function fp(s, extra) {
  const h = createHash('sha256');
  h.update(Buffer.from(s.rho().buffer.slice(0)));
  h.update(Buffer.from(s.h().slice().buffer));
  h.update(JSON.stringify([s.counters, s.lastError, s.errorPlace, s.estimateNoise, s.t, extra]));
  const st = s.saveState();
  for (const k of Object.keys(st).sort()) h.update(k + (st[k] instanceof Float64Array ? Buffer.from(st[k].slice().buffer).toString('base64') : String(st[k])));
  return h.digest('hex').slice(0, 16);
}
const cases = [];
for (const eps of [10, 1, 0.1, 1e-2, 1e-4, 1e-8]) for (const Nv of [2, 7, 8, 32]) for (const kind of ['rough', 'smooth', 'mixed']) cases.push({ dim: 1, N: 40, Nv, eps, kind, time: 'bdf2', limiter: true, alpha: kind === 'rough' ? 2 : 1 });
for (const eps of [1, 1e-2, 1e-8]) for (const time of ['bdf2', 'euler']) for (const limiter of [true, false]) cases.push({ dim: 1, N: 33, Nv: 8, eps, kind: 'rough', time, limiter, alpha: -1 });
for (const eps of [10, 1, 0.1, 1e-2, 1e-8]) for (const Nv of [2, 4]) for (const kind of ['rough', 'mixed']) cases.push({ dim: 2, N: 12, Nv, eps, kind, time: 'bdf2', limiter: true, alpha: 1 });
cases.push({ dim: 2, N: 10, Nv: 3, eps: 0.3, kind: 'rough', time: 'euler', limiter: false, alpha: 0.5 });
cases.push({ dim: 1, N: 20, Nv: 6, eps: 0.3, kind: 'rough', time: 'bdf2', limiter: true, alpha: 'gen' });
for (const c of cases) {
  const grid = makeGrid(c.dim === 1 ? [c.N] : [c.N, c.N]);
  const vel = velocityGrid(c.dim, c.Nv);
  const rate = c.alpha === 'gen' ? generalRate((r) => 1 + r * r, '1+rho^2', [0.1, 5]) : powerLaw(c.alpha);
  const mk = () => new KineticSolver({ grid, velocity: vel, rate, eps: c.eps, h0: data(grid, vel, c.kind), time: c.time, limiter: c.limiter });
  const s = mk();
  s.tolerances = { rtol: 1e-3, atol: 1e-3 };
  const dt = s.suggestedDt();
  const errs = [];
  for (let n = 0; n < 7; n++) s.step(n % 3 === 1 ? 0.6 * dt : dt);
  // adaptive path: attempts, a rejected one, accept
  for (let n = 0; n < 4; n++) {
    errs.push(s.attempt(1.3 * dt), s.errorPlace, s.estimateNoise);
    errs.push(s.attempt(0.7 * dt));
    s.accept();
  }
  const st = s.saveState();
  const b = mk();
  b.restoreState(st);
  b.tolerances = s.tolerances;
  for (let n = 0; n < 3; n++) { errs.push(s.attempt(dt)); s.accept(); errs.push(b.attempt(dt)); b.accept(); }
  out[JSON.stringify(c)] = fp(s, errs) + ':' + fp(b, []);
  // also the distance
  out[JSON.stringify(c)] += ':' + s.distance(s.h().slice(), b.h().slice());
}
process.stdout.write(JSON.stringify(out, null, 0) + '\n');

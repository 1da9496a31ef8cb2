/**
 * Particle-solver throughput: particle-steps per second on one core (Node is single-threaded
 * here), timed over the step loop only (construction and the initial sampling excluded), best
 * of `repeats` runs.
 *
 *   node dist/bench/particles.js            (after npm run build)
 */
import { pathToFileURL } from 'node:url';
import { makeGrid, cellAverages } from '../src/grid/grid.js';
import { powerLaw } from '../src/models/rate.js';
import { ParticleSolver, type ParticleSolverOptions } from '../src/solvers/particles/solver.js';

export interface ParticleBenchCase {
  name: string;
  particleStepsPerSecond: number;
  nsPerParticleStep: number;
}

interface CaseSpec {
  name: string;
  dim: 1 | 2;
  alpha: number;
  eps: number;
  dt: number;
  scheme: 'exact' | 'ap';
  method: 'histogram' | 'kernel';
}

const CASES: CaseSpec[] = [
  { name: '1D exact, alpha=1, eps=1, dt=1e-2, histogram', dim: 1, alpha: 1, eps: 1, dt: 1e-2, scheme: 'exact', method: 'histogram' },
  { name: '1D exact, alpha=0, eps=1, dt=1e-2, histogram', dim: 1, alpha: 0, eps: 1, dt: 1e-2, scheme: 'exact', method: 'histogram' },
  { name: '1D exact, alpha=1, eps=1, dt=1e-2, kernel b=dx', dim: 1, alpha: 1, eps: 1, dt: 1e-2, scheme: 'exact', method: 'kernel' },
  { name: '1D exact, alpha=1, eps=0.1, dt=1e-2 (~1.5 candidates/step)', dim: 1, alpha: 1, eps: 0.1, dt: 1e-2, scheme: 'exact', method: 'histogram' },
  { name: '1D ap,    alpha=1, eps=1e-3, dt=1e-3, histogram', dim: 1, alpha: 1, eps: 1e-3, dt: 1e-3, scheme: 'ap', method: 'histogram' },
  { name: '2D exact, alpha=1, eps=1, dt=1e-2, histogram', dim: 2, alpha: 1, eps: 1, dt: 1e-2, scheme: 'exact', method: 'histogram' },
  { name: '2D ap,    alpha=1, eps=1e-3, dt=1e-3, histogram', dim: 2, alpha: 1, eps: 1e-3, dt: 1e-3, scheme: 'ap', method: 'histogram' },
];

export function benchParticles(count = 1_000_000, steps = 20, repeats = 3): ParticleBenchCase[] {
  const results: ParticleBenchCase[] = [];
  for (const spec of CASES) {
    const grid = makeGrid(spec.dim === 1 ? [128] : [64, 64]);
    const rho0 = cellAverages(grid, (x, y) => 1 + 0.5 * Math.cos(2 * Math.PI * x) * (spec.dim === 2 ? Math.cos(2 * Math.PI * y) : 1));
    const opts: ParticleSolverOptions = {
      grid, rate: powerLaw(spec.alpha), eps: spec.eps, rho0, count, seed: 1,
      density: { method: spec.method }, scheme: spec.scheme,
    };
    let best = Infinity;
    for (let r = 0; r < repeats; r++) {
      const solver = new ParticleSolver(opts);
      solver.step(spec.dt); // warm-up (JIT)
      const t0 = process.hrtime.bigint();
      for (let s = 0; s < steps; s++) solver.step(spec.dt);
      const sec = Number(process.hrtime.bigint() - t0) * 1e-9;
      best = Math.min(best, sec);
    }
    const ps = (count * steps) / best;
    results.push({ name: spec.name, particleStepsPerSecond: ps, nsPerParticleStep: 1e9 / ps });
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.env.PARTICLES ?? 1_000_000);
  console.log(`particle solver, ${count} particles, node ${process.version}, one thread`);
  for (const r of benchParticles(count)) {
    console.log(`${r.name.padEnd(56)} ${(r.particleStepsPerSecond / 1e6).toFixed(1).padStart(6)} M particle-steps/s  (${r.nsPerParticleStep.toFixed(1)} ns each)`);
  }
}

/**
 * The blending weights γ = exp(−z²) in WebAssembly (src/solvers/wasm/gamma.wat) against the JavaScript loop
 * (Math.exp), alternated in one process on the same stepper: the γ pass alone (ApTransport2D.blendingWeights,
 * ApFaces1D.blend) and whole steps, the γ loop switched between the two (both give the same bytes, so the
 * solution is the same either way). 2D 128² × 12² (eps = 1, 0.1; 1 and 2 threads), 1D 1024 × 32 (eps = 1e-4,
 * 1e-2). Prints per case the ranges over the repeats (min … max). Run: node dist/bench/gamma.js [repeats]
 */
import { wellPreparedSolver } from './wellPrepared.js';

type Switchable = { wasm: unknown };


const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
const range = (a: number[], d = 2): string => `${Math.min(...a).toFixed(d)} … ${Math.max(...a).toFixed(d)}`;
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];

function bench(label: string, n: number[], nodes: number, eps: number, threads: number, repeats: number, stepsPer: number): void {
  const s = wellPreparedSolver(n, nodes, eps, threads);
  const impl = (s as unknown as { impl: { tr?: Switchable & { blendingWeights(): void; gx: Float64Array; gy: Float64Array; N: number; absX: Float64Array; absY: Float64Array }; faces?: Switchable & { blend(): void; gamG: Float64Array; N: number } } }).impl;
  const part = (impl.tr ?? impl.faces) as Switchable;
  const wasm = part.wasm;
  if (!wasm) throw new Error('the WebAssembly γ loop is not attached (NLBGK_KERNELS=js?)');
  const pass = impl.tr ? () => impl.tr!.blendingWeights() : () => impl.faces!.blend();
  const dt = s.suggestedDt();
  for (let i = 0; i < 3; i++) s.step(dt); // warm-up: JIT, the first step is backward Euler
  // exponentials per pass: the γ > 0 entries (the JavaScript calls Math.exp exactly there: z² ≤ cutoff)
  const g = impl.tr ? [impl.tr.gx, impl.tr.gy] : [impl.faces!.gamG];
  const count = g.reduce((c, a) => c + a.reduce((m, x) => m + (x > 0 ? 1 : 0), 0), 0);
  const passJs: number[] = [];
  const passWasm: number[] = [];
  const stepJs: number[] = [];
  const stepWasm: number[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const mode of r % 2 ? ['wasm', 'js'] : ['js', 'wasm']) {
      part.wasm = mode === 'wasm' ? wasm : null;
      const tp: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = process.hrtime.bigint();
        pass();
        tp.push(ms(t0));
      }
      const ts: number[] = [];
      for (let i = 0; i < stepsPer; i++) {
        const t0 = process.hrtime.bigint();
        s.step(dt);
        ts.push(ms(t0));
      }
      (mode === 'wasm' ? passWasm : passJs).push(median(tp));
      (mode === 'wasm' ? stepWasm : stepJs).push(median(ts));
    }
  }
  part.wasm = wasm;
  s.dispose();
  const nsJs = passJs.map((t) => (t * 1e6) / count);
  const nsW = passWasm.map((t) => (t * 1e6) / count);
  const shareJs = passJs.map((t, i) => (100 * t) / stepJs[i]);
  console.log(
    `${label} eps=${eps} threads=${threads}: ${count} exponentials per pass\n` +
      `  γ pass ms   JS ${range(passJs)}  wasm ${range(passWasm)}   (ns/exp JS ${range(nsJs, 1)}, wasm ${range(nsW, 1)})\n` +
      `  step ms     JS γ ${range(stepJs, 1)}  wasm γ ${range(stepWasm, 1)}   (γ pass share of a JS-γ step ${range(shareJs, 1)} %)`,
  );
}

const repeats = Number(process.argv[2] ?? 6);
bench('2D 128^2 x 12^2', [128, 128], 12, 1, 1, repeats, 2);
bench('2D 128^2 x 12^2', [128, 128], 12, 0.1, 1, repeats, 2);
bench('2D 128^2 x 12^2', [128, 128], 12, 1, 2, repeats, 2);
bench('1D 1024 x 32', [1024], 32, 1e-4, 1, repeats, 20);
bench('1D 1024 x 32', [1024], 32, 1e-2, 1, repeats, 20);

/**
 * GridFourier's 2D transform (src/grid/fourier.ts): ms per transform of an interleaved complex n × n field,
 * fft.js line by line in JavaScript (NLBGK_KERNELS=js) against the WebAssembly one (src/grid/wasm/fft2d.wat, two
 * lines per f64x2; the same bytes), through transformInPlace (the copy into and out of the module's memory
 * included), forward and inverse alternating. Figures: the median of `reps` samples per variant after a warm-up,
 * the variants interleaved, each sample the mean of a batch of transforms (~1 ms of work); the machine is
 * shared: the load average is printed with them.
 * Run: `npm run build && node dist/bench/fft.js [--grids 64,128,256] [--reps 21]`.
 */
import { GridFourier } from '../src/grid/fourier.js';
import { listArg, loadLine } from './args.js';

export interface FftRow {
  n: number;
  /** ms per 2D transform: JavaScript (fft.js). */
  js: number;
  /** ms per 2D transform: WebAssembly. */
  wasm: number;
  speedup: number;
}

/** A GridFourier built with NLBGK_KERNELS set to `kernels` (the variable restored after). */
function gridWith(n: number, kernels: string | undefined): GridFourier {
  const before = process.env.NLBGK_KERNELS;
  if (kernels === undefined) delete process.env.NLBGK_KERNELS;
  else process.env.NLBGK_KERNELS = kernels;
  try {
    return new GridFourier([n, n]);
  } finally {
    if (before === undefined) delete process.env.NLBGK_KERNELS;
    else process.env.NLBGK_KERNELS = before;
  }
}

export function benchFft(opts: { grids?: number[]; reps?: number } = {}): FftRow[] {
  const reps = opts.reps ?? 21;
  const rows: FftRow[] = [];
  for (const n of opts.grids ?? [64, 128, 256]) {
    const grids = [gridWith(n, 'js'), gridWith(n, undefined)];
    if (grids[1].kernel !== 'wasm') throw new Error('the WebAssembly FFT did not load (npm run build first)');
    let t = 12345;
    const U0 = Float64Array.from({ length: 2 * n * n }, () => {
      t = (Math.imul(t, 1664525) + 1013904223) >>> 0;
      return t / 4294967296 - 0.5;
    });
    const fields = grids.map(() => U0.slice());
    const batch = Math.max(2, 2 * Math.round(2e5 / (n * n)));
    const run = (v: number) => {
      for (let i = 0; i < batch; i++) grids[v].transformInPlace(fields[v], i % 2 === 1);
    };
    for (let w = 0; w < 5; w++) for (let v = 0; v < 2; v++) run(v);
    const samples: number[][] = [[], []];
    for (let r = 0; r < reps; r++) {
      for (let v = 0; v < 2; v++) {
        const t0 = process.hrtime.bigint();
        run(v);
        samples[v].push(Number(process.hrtime.bigint() - t0) / 1e6 / batch);
      }
    }
    const [js, wasm] = samples.map((s) => s.sort((a, b) => a - b)[s.length >> 1]);
    rows.push({ n, js, wasm, speedup: js / wasm });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  console.log(loadLine());
  const rows = benchFft({ grids: listArg(args, '--grids'), reps: listArg(args, '--reps')?.[0] });
  console.table(rows.map((r) => ({ n: `${r.n}²`, 'js ms': +r.js.toFixed(3), 'wasm ms': +r.wasm.toFixed(3), speedup: +r.speedup.toFixed(2) })));
  console.log(loadLine());
}

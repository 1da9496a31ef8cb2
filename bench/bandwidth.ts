/**
 * Memory bandwidth of this machine as seen from JavaScript: a STREAM-like copy (read one array,
 * write another) of 64 MiB arrays, best of several repetitions. Printed next to the solver
 * figures so ns per cell-velocity update can be read against the memory floor.
 */
export function measureBandwidth(megabytes = 64, repeats = 7): { gbPerSecond: number; nsPerDoubleReadWrite: number } {
  const n = (megabytes * 2 ** 20) / 8;
  const a = new Float64Array(n).fill(1);
  const b = new Float64Array(n);
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    b.set(a);
    const dt = performance.now() - t0;
    if (dt < best) best = dt;
  }
  const bytes = 2 * n * 8; // one read and one write per element
  return { gbPerSecond: bytes / (best / 1000) / 1e9, nsPerDoubleReadWrite: (best * 1e6) / n };
}

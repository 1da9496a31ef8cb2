/**
 * `npm run bench`: every benchmark in one process, so the ratios between them are comparable.
 * Figures are wall-clock on this machine; see bench/README.md for how to read them.
 */
import { measureBandwidth } from './bandwidth.js';

async function main() {
  const only = process.argv[2];
  const bw = measureBandwidth();
  console.log(`memory bandwidth (copy, one thread): ${bw.gbPerSecond.toFixed(1)} GB/s, ${bw.nsPerDoubleReadWrite.toFixed(2)} ns per double read+written`);
  const suites: [string, string, string][] = [
    ['diffusion', './diffusion.js', 'benchDiffusion'],
    ['kinetic', './kinetic.js', 'benchKinetic'],
    ['particles', './particles.js', 'benchParticles'],
    ['stepping', './stepping.js', 'benchStepping'],
    ['domains', './domains.js', 'benchDomains'],
    ['neighbours', './neighbours.js', 'benchNeighbours'],
    ['splitting', './splitting.js', 'benchSplitting'],
    ['speed', './speed.js', 'benchSpeed'],
    ['lines', './lines.js', 'benchLines'],
  ];
  for (const [name, mod, fn] of suites) {
    if (only && only !== name) continue;
    let m: Record<string, unknown>;
    try {
      m = await import(mod);
    } catch {
      console.log(`\n== ${name}: not available in this build`);
      continue;
    }
    console.log(`\n== ${name}`);
    const result = await (m[fn] as () => Promise<unknown>)();
    if (Array.isArray(result)) console.table(result);
    else if (result !== undefined) console.log(result);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

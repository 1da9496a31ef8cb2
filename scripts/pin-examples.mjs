// Regenerates test/fixtures/examples.json: the last row of series.csv of every example config, which
// test/examples.test.ts pins (the examples double as regression tests). Run after `npm run build`,
// and only when a change of results is intended and understood.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfigText, validateConfig } from '../dist/src/config/validate.js';
import { runConfig } from '../dist/src/run.js';

const root = new URL('..', import.meta.url).pathname;
const pinned = {};
for (const f of fs.readdirSync(path.join(root, 'examples')).filter((f) => /\.(ya?ml|json)$/.test(f)).sort()) {
  const config = validateConfig(parseConfigText(fs.readFileSync(path.join(root, 'examples', f), 'utf8')));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-pin-'));
  await runConfig({ ...config, output: { ...config.output, fields: false } }, { outDir: out, force: true });
  const lines = fs.readFileSync(path.join(out, 'series.csv'), 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  const last = lines[lines.length - 1].split(',').map(Number);
  // species runs: also each species' mass, extremes and distance to the limit system
  const keep = (h) => ['t', 'mass', 'rho_min', 'rho_max', 'rho_l2_dev', 'l2_sq', 'dist_eq', 'flux_l2_sq', 'tail_mass', 'energy', 'T_max'].includes(h) || h.startsWith('outflow_') || h.startsWith('absorbed_') || h.startsWith('front_') || /^(mass|min|max|distrho)_/.test(h);
  pinned[f] = Object.fromEntries(head.map((h, i) => [h, last[i]]).filter(([h]) => keep(h)));
  fs.rmSync(out, { recursive: true, force: true });
}
fs.writeFileSync(path.join(root, 'test/fixtures/examples.json'), JSON.stringify(pinned, null, 2) + '\n');
console.log(`pinned ${Object.keys(pinned).length} examples`);

// Writes test/fixtures/torus-bits.json: SHA-256 fingerprints of the torus configs in test/torusBits.ts
// (series.csv + summary.json). Written once from the code before the domain work (issue 12); run again
// only when a change of torus results is intended and understood. Run after `npm run build`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TORUS_CONFIGS, torusFingerprint } from '../dist/test/torusBits.js';

const root = new URL('..', import.meta.url).pathname;
const pinned = {};
for (const [name, config] of Object.entries(TORUS_CONFIGS)) pinned[name] = await torusFingerprint(config);
fs.writeFileSync(path.join(root, 'test/fixtures/torus-bits.json'), JSON.stringify(pinned, null, 2) + '\n');
console.log(`pinned ${Object.keys(pinned).length} torus fingerprints`);

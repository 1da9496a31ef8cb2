// Regenerates the key reference in docs/config.md from the config schema (run after `npm run build`).
import * as fs from 'node:fs';
import { configReference } from '../dist/src/config/docs.js';

const file = new URL('../docs/config.md', import.meta.url);
const begin = '<!-- BEGIN GENERATED: npm run docs:config -->';
const end = '<!-- END GENERATED -->';
const doc = fs.readFileSync(file, 'utf8');
const i = doc.indexOf(begin);
const j = doc.indexOf(end);
if (i < 0 || j < i) throw new Error('docs/config.md: generated-section markers not found');
fs.writeFileSync(file, doc.slice(0, i + begin.length) + '\n' + configReference() + doc.slice(j));

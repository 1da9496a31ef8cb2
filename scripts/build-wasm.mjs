/**
 * Build step (npm run build, after tsc): compile the WebAssembly text sources src/solvers/wasm/*.wat
 * into dist/src/solvers/wasm/*.wasm with wabt (a pinned devDependency; SIMD and shared memory on), next
 * to the loader that reads them (dist/src/solvers/wasm/kernels.js). A failure is a build failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(root, 'src', 'solvers', 'wasm');
const outDir = path.join(root, 'dist', 'src', 'solvers', 'wasm');
const features = { simd: true, threads: true };
const wabt = await createRequire(import.meta.url)('wabt')();
fs.mkdirSync(outDir, { recursive: true });
for (const name of fs.readdirSync(srcDir).filter((f) => f.endsWith('.wat')).sort()) {
  const file = path.join(srcDir, name);
  const mod = wabt.parseWat(file, fs.readFileSync(file, 'utf8'), features);
  try {
    mod.validate(features);
    const { buffer } = mod.toBinary({});
    const out = path.join(outDir, name.replace(/\.wat$/, '.wasm'));
    const tmp = `${out}.tmp`;
    fs.writeFileSync(tmp, buffer);
    fs.renameSync(tmp, out);
  } finally {
    mod.destroy();
  }
}

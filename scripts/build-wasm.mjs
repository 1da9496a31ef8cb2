/**
 * Build step (npm run build, after tsc): compile the WebAssembly text sources src/solvers/wasm/*.wat and
 * src/grid/wasm/*.wat into dist/src/solvers/wasm/*.wasm and dist/src/grid/wasm/*.wasm with wabt (a pinned
 * devDependency; SIMD and shared memory on), next to the loaders that read them
 * (dist/src/solvers/wasm/kernels.js, dist/src/grid/fftWasm.js). A failure is a build failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const folders = [path.join('src', 'solvers', 'wasm'), path.join('src', 'grid', 'wasm'), path.join('src', 'diagnostics', 'wasm')];
const features = { simd: true, threads: true };
const wabt = await createRequire(import.meta.url)('wabt')();
for (const folder of folders) {
  const srcDir = path.join(root, folder);
  const outDir = path.join(root, 'dist', folder);
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of fs.readdirSync(srcDir).filter((f) => f.endsWith('.wat')).sort()) {
    compile(path.join(srcDir, name), path.join(outDir, name.replace(/\.wat$/, '.wasm')));
  }
}

function compile(file, out) {
  const mod = wabt.parseWat(file, fs.readFileSync(file, 'utf8'), features);
  try {
    mod.validate(features);
    const { buffer } = mod.toBinary({});
    const tmp = `${out}.tmp`;
    fs.writeFileSync(tmp, buffer);
    fs.renameSync(tmp, out);
  } finally {
    mod.destroy();
  }
}

/**
 * Vite build of the browser explorer (npm run build:web): web/index.html → dist/explorer/.
 * base './' so the built page works from any static host and any sub-path.
 * The page and its worker must not pull node: built-ins (the library's src/index.ts and src/run.ts
 * do; the explorer imports only browser-safe modules): the guard plugin fails the build if one does.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));
const builtins = new Set(builtinModules);

function noNodeBuiltins(): Plugin {
  return {
    name: 'nlbgk-no-node-builtins',
    enforce: 'pre',
    resolveId(id, importer) {
      if (id.startsWith('node:') || builtins.has(id)) {
        this.error(`the explorer bundle must not import the Node built-in '${id}' (imported by ${importer ?? '?'})`);
      }
      return null;
    },
  };
}

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  plugins: [noNodeBuiltins()],
  worker: { format: 'es', plugins: () => [noNodeBuiltins()] },
  server: { fs: { allow: [repo] } },
  build: {
    outDir: fileURLToPath(new URL('../dist/explorer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1000,
  },
});

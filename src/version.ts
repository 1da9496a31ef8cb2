/**
 * nlbgk's version (package.json), without loading anything else: the CLI's --version and --help
 * need it before any command module is imported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root directory (dist/src/version.js is two levels below it). */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
}

/**
 * System packages that some suites need (Debian names). A suite whose programs are missing skips
 * with a reason in one format, `needs <what> (apt: pkg1 pkg2)`, which scripts/test.mjs collects into
 * the closing summary with the one apt-get command that installs everything missing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where a program is on PATH (or the sbin directories, where Debian puts daemons), or null. */
export function which(program: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const f = path.join(d, program);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return f;
    } catch {
      // keep looking
    }
  }
  return null;
}

/**
 * A skip reason naming the missing programs and their packages, or false when all are there.
 * `needs` maps program → Debian package.
 */
export function missingPackages(what: string, needs: Record<string, string>): string | false {
  const missing = Object.entries(needs).filter(([program]) => which(program) === null);
  if (missing.length === 0) return false;
  const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
  return `needs ${what}: ${missing.map(([p]) => p).join(', ')} not found (apt: ${pkgs.join(' ')})`;
}

/**
 * Run ids: a run directory is named by what determines its results, so re-planning a spec (or
 * another spec that contains the same point) maps to the same directory, whatever the order of
 * keys or the way a number was written (1e-4 and 0.0001 are one double, one id).
 *
 *   id = first 16 hex digits of sha256( RFC 8785 canonical JSON of {result_schema, config} )
 *
 * `config` is the resolved config (every default filled in by validateConfig) without the keys
 * that cannot change a single output byte (`checkpoint`). Output keys stay: they change the
 * files. RESULT_SCHEMA is raised whenever the meaning of a config changes in a way that would let
 * an old run directory pass for a new one; raising it orphans (never deletes) old run directories.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Config } from '../config/schema.js';

export const RESULT_SCHEMA = 1;

/** Keys of the resolved config that do not affect results (left out of the id). */
export const NON_RESULT_KEYS = ['checkpoint'] as const;

/** The part of a resolved config that determines the results. */
export function resultKeys(config: Config): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  for (const k of NON_RESULT_KEYS) delete copy[k];
  return copy;
}

export function runId(config: Config): string {
  const text = canonicalize({ result_schema: RESULT_SCHEMA, config: resultKeys(config) });
  if (text === undefined) throw new Error('runId: config is not serialisable');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export const isRunId = (s: string) => /^[0-9a-f]{16}$/.test(s);

/**
 * Configs on the unit torus whose results must stay bit-identical across the domain work (issue 12:
 * "every existing torus config gives bit-identical results"). Each runs through the whole run path
 * (validateConfig, buildProblem, Simulation, series.csv, summary.json); the fingerprint is the SHA-256
 * of series.csv and summary.json. test/fixtures/torus-bits.json was written by
 * scripts/pin-torus-bits.mjs from the code BEFORE the domain work; never re-pin it unless a change of
 * torus results is intended.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../src/config/validate.js';
import { runConfig } from '../src/run.js';

export const TORUS_CONFIGS: Record<string, unknown> = {
  'pme-1d': { model: { equation: 'diffusion', alpha: -1 }, domain: { cells: [64] }, initial: { rho: '1 + 0.5*sin(2*pi*x)' }, time: { end: 0.02 }, output: { times: [0.01, 0.02] } },
  'fde-1d-jump': { model: { equation: 'diffusion', alpha: 0.5 }, domain: { cells: [64] }, initial: { rho: '1 + 0.9*step(x - 0.25)*step(0.75 - x)' }, time: { end: 0.01 } },
  'log-1d-fixed': { model: { equation: 'diffusion', alpha: 1 }, domain: { cells: [48] }, initial: { rho: '1 + 0.5*cos(2*pi*x)' }, time: { end: 0.01, dt: 0.0005 } },
  'rate-1d': { model: { equation: 'diffusion', rate: '1 + rho^2' }, domain: { cells: [40] }, initial: { rho: '1 + 0.5*sin(2*pi*x)' }, time: { end: 0.01 } },
  'generic-1d': { model: { equation: 'diffusion', alpha: -1.5 }, domain: { cells: [50] }, initial: { rho: '1.2 + sin(2*pi*x)' }, time: { end: 0.005 } },
  'alpha2-1d': { model: { equation: 'diffusion', alpha: 2 }, domain: { cells: [32] }, initial: { rho: '1 + 0.5*sin(2*pi*x)' }, time: { end: 0.01, rtol: 1e-5 } },
  'log-2d': { model: { equation: 'diffusion', dim: 2, alpha: 1 }, domain: { cells: [24, 20] }, initial: { rho: '0.2 + exp(-((x-0.5)^2 + (y-0.5)^2)/0.02)' }, time: { end: 0.003 } },
  'pme-2d': { model: { equation: 'diffusion', dim: 2, alpha: -2 }, domain: { cells: [16, 16] }, initial: { rho: '1 + 0.5*sin(2*pi*x)*cos(2*pi*y)' }, time: { end: 0.004 } },
};

/** SHA-256 of series.csv + summary.json of the config's run. */
export async function torusFingerprint(input: unknown): Promise<string> {
  const config = validateConfig(input);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'nlbgk-bits-'));
  try {
    await runConfig({ ...config, output: { ...config.output, fields: false } }, { outDir: out, force: true });
    const h = crypto.createHash('sha256');
    h.update(fs.readFileSync(path.join(out, 'series.csv')));
    h.update(fs.readFileSync(path.join(out, 'summary.json')));
    return h.digest('hex');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

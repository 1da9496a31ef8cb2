/**
 * `nlbgk spectrum --eps E --alpha A [--rho-bar R] [--mode M] [--nodes NV] [--all] [--json]`
 *
 * The exact decay rate of the Fourier mode κ = 2π|m| of the BGK model linearised about rho_bar
 * (src/spectrum/linear.ts): without --nodes the continuous-velocity answer (the real root of
 * eps κ / r = √(π/2) erfcx(y), or the essential bound r/eps² above κ* = √(π/2) r/eps); with
 * --nodes NV the top eigenvalue of the NV-node Gauss–Hermite discrete-velocity operator.
 * With --equation fokker-planck the same for the kinetic Fokker–Planck equation (1.5)
 * (src/spectrum/fokkerPlanck.ts): the closed-form rates κ²/r + n r/eps² and, with --time T, the
 * closed-form density ratio rhô(T)/rhô(0) of well-prepared data; with --nodes NV the top eigenvalue of
 * the NV-node birth–death discretisation.
 * Numbers are printed as the shortest decimal that reads back to the same double.
 * Supported: eps in [1e-100, 100], rho_bar^alpha in [1e-100, 1e100] (spectrum/linear.ts); outside, exit 2.
 */
import type { Command } from 'commander';
import { UsageError, type Io } from '../io.js';
import { continuousSpectrum, discreteSpectrum, SPECTRUM_LIMITS, type LinearParams } from '../../spectrum/linear.js';
import { fokkerPlanckContinuous, fokkerPlanckDensityRatio, fokkerPlanckDiscrete } from '../../spectrum/fokkerPlanck.js';

function num(name: string, text: string | undefined, check: (x: number) => boolean, what: string): number {
  if (text === undefined) throw new UsageError(`--${name} is required`);
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || !check(x)) throw new UsageError(`--${name} ${text}: expected ${what}`);
  return x;
}

export interface SpectrumOptions {
  eps?: string;
  alpha?: string;
  rhoBar?: string;
  mode?: string;
  nodes?: string;
  all?: boolean;
  json?: boolean;
  equation?: string;
  time?: string;
}

export function spectrumReport(opts: SpectrumOptions): { text: string; json: Record<string, unknown> } {
  const L = SPECTRUM_LIMITS;
  const eps = num('eps', opts.eps, (x) => x >= L.epsMin && x <= L.epsMax, `a number in [${L.epsMin}, ${L.epsMax}] (the supported range)`);
  const alpha = num('alpha', opts.alpha, () => true, 'a finite number');
  const rhoBar = num('rho-bar', opts.rhoBar ?? '1', (x) => x > 0, 'a number > 0');
  const modeText = opts.mode ?? '1';
  const parts = modeText.split(',');
  if (parts.length > 2) throw new UsageError(`--mode ${modeText}: expected an integer m (1D) or m1,m2 (2D)`);
  const mode = parts.map((p) => num('mode', p, (x) => Number.isInteger(x) && Math.abs(x) <= 1e6, 'integers (m or m1,m2)'));
  if (mode.every((m) => m === 0)) throw new UsageError('--mode: the zero mode is the conserved mass (rate 0); give a nonzero mode');
  const params: LinearParams = { eps, alpha, rhoBar, mode };
  const r = rhoBar ** alpha;
  if (!(r >= L.rMin && r <= L.rMax)) throw new UsageError(`rho_bar^alpha = ${r}: expected a rate r in [${L.rMin}, ${L.rMax}] (the supported range)`);
  const equation = opts.equation ?? 'kinetic';
  if (equation !== 'kinetic' && equation !== 'fokker-planck') throw new UsageError(`--equation ${equation}: expected kinetic or fokker-planck`);
  if (opts.time !== undefined && equation !== 'fokker-planck') throw new UsageError('--time: the closed-form density is for --equation fokker-planck');
  if (equation === 'fokker-planck') return fokkerPlanckReport(params, opts);
  const c = continuousSpectrum(params);
  const lines: string[] = [];
  const row = (k: string, v: string | number) => lines.push(`${k.padEnd(38)}${typeof v === 'number' ? String(v) : v}`);
  row('r = rho_bar^alpha', c.r);
  row(`kappa = 2 pi |m|`, c.kappa);
  row('threshold kappa* = sqrt(pi/2) r/eps', c.kappaStar);
  row('essential bound r/eps^2', c.essential);
  row('diffusion limit kappa^2/r', c.limitRate);
  const json: Record<string, unknown> = { eps, alpha, rho_bar: rhoBar, mode, r: c.r, kappa: c.kappa, kappa_star: c.kappaStar, essential: c.essential, limit_rate: c.limitRate, continuous: { kind: c.kind, sigma: c.sigma, rate: c.rate } };
  if (opts.all && opts.nodes === undefined) throw new UsageError('--all lists the discrete eigenvalues: give --nodes NV too');
  if (opts.nodes === undefined) {
    if (c.kind === 'eigenvalue') {
      row('sigma (continuous, real root)', c.sigma as number);
      row('rate = -sigma', c.rate);
    } else {
      row('sigma (continuous)', 'no real root: kappa >= kappa*');
      row('rate = essential bound r/eps^2', c.rate);
    }
  } else {
    const nv = num('nodes', opts.nodes, (x) => Number.isInteger(x) && x >= 2 && x <= 256, 'an integer in [2, 256]');
    const d = discreteSpectrum(params, nv);
    row(`top eigenvalue (Nv = ${nv})`, d.top.im === 0 ? String(d.top.re) : `${d.top.re} ${d.top.im < 0 ? '-' : '+'} ${Math.abs(d.top.im)} i`);
    row('rate = -Re sigma', d.rate);
    row('continuous-velocity rate', c.kind === 'eigenvalue' ? String(c.rate) : `none (essential bound ${c.essential})`);
    json.discrete = { nodes: nv, top: d.top, rate: d.rate, secular_residual: d.secularResidual, trace_error: d.traceError, eigenvalues: opts.all ? d.eigenvalues : undefined };
    if (opts.all) {
      lines.push('all eigenvalues (Re, Im):');
      for (const e of d.eigenvalues) lines.push(`  ${e.re}\t${e.im}`);
    }
  }
  // Every printed number is finite (a guard: the supported ranges above are chosen so that it holds).
  const bad = JSON.stringify(json, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? '__nonfinite__' : v)).includes('__nonfinite__');
  if (bad) throw new UsageError('these parameters give a non-finite result; they are outside what nlbgk spectrum supports');
  return { text: lines.join('\n') + '\n', json };
}

/** The kinetic Fokker–Planck equation (1.5): closed forms, and the discrete top eigenvalue with --nodes. */
function fokkerPlanckReport(params: LinearParams, opts: SpectrumOptions): { text: string; json: Record<string, unknown> } {
  const c = fokkerPlanckContinuous(params);
  const lines: string[] = [];
  const row = (k: string, v: string | number) => lines.push(`${k.padEnd(38)}${typeof v === 'number' ? String(v) : v}`);
  row('equation', 'fokker-planck (1.5)');
  row('r = rho_bar^alpha', c.r);
  row('kappa = 2 pi |m|', c.kappa);
  row('rate = kappa^2/r (every eps, exact)', c.rate);
  row('gap r/eps^2', c.gap);
  row('eigenvalues -kappa^2/r - n r/eps^2', c.eigenvalues.slice(0, 3).join(', ') + ', ...');
  const json: Record<string, unknown> = { equation: 'fokker-planck', eps: params.eps, alpha: params.alpha, rho_bar: params.rhoBar, mode: params.mode, r: c.r, kappa: c.kappa, rate: c.rate, gap: c.gap, eigenvalues: c.eigenvalues };
  if (opts.time !== undefined) {
    const t = num('time', opts.time, (x) => x >= 0, 'a time >= 0');
    const ratio = fokkerPlanckDensityRatio(t, params);
    row(`rho_hat(t)/rho_hat(0), t = ${t}`, ratio);
    json.time = t;
    json.density_ratio = ratio;
  }
  if (opts.all && opts.nodes === undefined) throw new UsageError('--all lists the discrete eigenvalues: give --nodes NV too');
  if (opts.nodes !== undefined) {
    const nv = num('nodes', opts.nodes, (x) => Number.isInteger(x) && x >= 2 && x <= 256, 'an integer in [2, 256]');
    const d = fokkerPlanckDiscrete(params, nv, !!opts.all);
    row(`top eigenvalue (Nv = ${nv}, birth-death)`, d.top.im === 0 ? String(d.top.re) : `${d.top.re} ${d.top.im < 0 ? '-' : '+'} ${Math.abs(d.top.im)} i`);
    row('rate = -Re sigma', d.rate);
    json.discrete = { nodes: nv, top: d.top, rate: d.rate, residual: d.residual, eigenvalues: d.eigenvalues };
    if (opts.all && d.eigenvalues) {
      lines.push('all eigenvalues (Re, Im):');
      for (const e of d.eigenvalues) lines.push(`  ${e.re}\t${e.im}`);
    }
  }
  return { text: lines.join('\n') + '\n', json };
}

export function register(program: Command, io: Io): void {
  program
    .command('spectrum')
    .description(
      'Exact decay rate of Fourier mode m of the BGK model linearised about rho_bar (rate r = rho_bar^alpha): ' +
        'the continuous-velocity root of eps kappa/r = sqrt(pi/2) erfcx(y), or with --nodes the top eigenvalue of the Nv-node Gauss-Hermite system; ' +
        'with --equation fokker-planck the closed forms of eq. (1.5)',
    )
    .option('--eps <eps>', 'mean free path eps in [1e-100, 100] (required)')
    .option('--alpha <alpha>', 'exponent of lambda(rho) = rho^alpha (required)')
    .option('--rho-bar <rho>', 'constant density linearised about', '1')
    .option('--mode <m>', 'Fourier mode m (kappa = 2 pi m), or m1,m2 in 2D', '1')
    .option('--nodes <nv>', 'Gauss-Hermite nodes in [2, 256] (discrete velocities); without it: continuous velocities')
    .option('--all', 'with --nodes: list every eigenvalue', false)
    .option('--equation <eq>', 'kinetic (the BGK-type model (1.2)) or fokker-planck (eq. (1.5): closed-form rates kappa^2/r + n r/eps^2)', 'kinetic')
    .option('--time <t>', 'fokker-planck: also the closed-form density ratio rho_hat(t)/rho_hat(0) of well-prepared data')
    .option('--json', 'print JSON instead of the table', false)
    .action((opts: SpectrumOptions) => {
      const rep = spectrumReport(opts);
      io.out(opts.json ? JSON.stringify(rep.json, null, 2) + '\n' : rep.text);
    });
}

/** `nlbgk spectrum`'s report (src/cli/commands/spectrum.ts registers the command and imports this when it runs). */
import { UsageError } from './io.js';
import { continuousSpectrum, discreteSpectrum, SPECTRUM_LIMITS, type LinearParams } from '../spectrum/linear.js';
import { fokkerPlanckContinuous, fokkerPlanckDensityRatio, fokkerPlanckDiscrete } from '../spectrum/fokkerPlanck.js';

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

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
import type { Io } from '../io.js';
import type { SpectrumOptions } from '../spectrumReport.js';

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
    .action(async (opts: SpectrumOptions) => {
      // the spectrum modules load only when the command runs
      const { spectrumReport } = await import('../spectrumReport.js');
      const rep = spectrumReport(opts);
      io.out(opts.json ? JSON.stringify(rep.json, null, 2) + '\n' : rep.text);
    });
}

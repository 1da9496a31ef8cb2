/**
 * The run configuration: one valibot schema defines the accepted keys, the TypeScript types
 * (`Config` below is inferred from it) and the reference documentation (docs/config.md is
 * generated from the `description` of every key by `npm run docs:config`).
 *
 * valibot is used rather than zod because the same schema ships to the browser explorer
 * (~2 KB gzip against ~90 KB for classic zod).
 */
import * as v from 'valibot';
import { MAX_THREADS } from './limits.js';

const finiteNumber = (what: string) => v.number(`expected ${what}`);

const positive = (what: string, max = Number.MAX_VALUE) =>
  v.pipe(
    finiteNumber(what),
    v.finite(`expected a finite number (${what})`),
    v.gtValue(0, `expected ${what} > 0`),
    v.maxValue(max, `expected ${what} <= ${max}`),
  );

const positiveInt = (what: string, min: number, max: number) =>
  v.pipe(
    v.number(`expected an integer ${what} in [${min}, ${max}]`),
    v.integer(`expected an integer ${what} in [${min}, ${max}]`),
    v.minValue(min, `expected an integer ${what} in [${min}, ${max}]`),
    v.maxValue(max, `expected an integer ${what} in [${min}, ${max}]`),
  );

const expression = (vars: string) => v.pipe(v.string(`expected an expression string in ${vars}`), v.minLength(1, 'expected a non-empty expression'));

/** A mapping that refuses unknown keys, with a message that lists the keys it takes. */
function section<const E extends v.ObjectEntries>(entries: E) {
  return v.strictObject(entries, `expected a mapping with keys ${Object.keys(entries).join(', ')}`);
}

export const MAX_CELLS_PER_DIM = 65536;
/** Smallest supported eps (below, eps² and 1/eps² leave the double range in places). */
export const EPS_MIN = 1e-100;

/** One side of a domain as written in a config (resolved by src/config/domain.ts). */
export type SideInput = string | { kind: string; value?: number; gamma?: number; distance?: number; h?: string };
/** `domain.boundary` as written: `periodic`, or per direction `periodic` or [lo side, hi side]. */
export type BoundaryInput = string | Record<string, string | SideInput[]>;
/**
 * Default relative tolerance of the time error control: min(1e-4, 1/N²), N the largest number of
 * cells per dimension — the size of the second-order spatial error, so that the time error stays below
 * the spatial one as the grid is refined (measured: docs/time-stepping.md).
 */
export function defaultRtol(cells: readonly number[]): number {
  const n = Math.max(...cells);
  return Math.min(1e-4, Math.max(1e-10, 1 / (n * n)));
}
export const MAX_VELOCITY_NODES = 256;
export { MAX_THREADS };

export const ModelSchema = section({
  equation: v.pipe(
    v.picklist(['diffusion', 'kinetic', 'fokker-planck', 'bgk', 'particles'], 'expected one of diffusion, kinetic, fokker-planck, bgk, particles'),
    v.description(
      'Which solver: `diffusion` (the limit equation d_t rho = div(lambda(rho)^-1 grad rho)), `kinetic` (the BGK-type equation (1.2) for h = f/M), `fokker-planck` (the kinetic Fokker–Planck equation (1.5), lambda(rho)/eps^2 div_v(grad_v f + v f), same limit; same configs and outputs as `kinetic`), `bgk` (the full BGK equation (1.4) with lambda(rho), conserving mass, momentum and energy; 1D, see the `bgk` section), `particles` (run-and-tumble particles).',
    ),
  ),
  dim: v.pipe(
    v.optional(v.picklist([1, 2, 3], 'expected 1, 2 or 3'), 1),
    v.description('Space dimension d: 1 or 2 on Cartesian domains (the unit torus T^d by default); 1, 2 or 3 for `domain.geometry: radial` (radially symmetric solutions in R^d).'),
  ),
  alpha: v.pipe(
    v.optional(v.pipe(finiteNumber('a real number'), v.finite('expected a finite real number'), v.minValue(-20, 'expected alpha in [-20, 20]'), v.maxValue(20, 'expected alpha in [-20, 20]'))),
    v.description('Exponent of the collision rate lambda(rho) = rho^alpha (alpha < 0 porous medium, 0 heat, > 0 fast diffusion). Exactly one of `alpha` and `rate`.'),
  ),
  rate: v.pipe(
    v.optional(expression('rho')),
    v.description('A general collision rate lambda(rho) > 0 as an expression in `rho` (paper eq. (3.1)), e.g. `"1 + rho^2"`. Exactly one of `alpha` and `rate`.'),
  ),
  eps: v.pipe(
    v.optional(
      v.pipe(
        finiteNumber('eps'),
        v.finite('expected a finite number (eps)'),
        v.minValue(EPS_MIN, (issue) => ((issue.input as number) > 0 ? `expected eps in [${EPS_MIN}, 100] (the supported range)` : 'expected eps > 0')),
        v.maxValue(100, 'expected eps <= 100'),
      ),
    ),
    v.description(
      `Mean free path eps in [${EPS_MIN}, 100] (kinetic, fokker-planck, bgk and particles only; required there; for \`bgk\` in the hyperbolic scaling the Knudsen number). Below 1e-10 the kinetic theorem columns that divide by powers of eps are written \`nan\` (docs/outputs.md).`,
    ),
  ),
  flux: v.pipe(
    v.optional(v.picklist(['fick', 'ito'], 'expected fick or ito')),
    v.description(
      'Species runs with equation `diffusion` only: the limit system\'s flux. `fick` (default): d_t rho_i = div(lambda_i^-1 grad rho_i), the kinetic model\'s Chapman–Enskog limit. `ito`: d_t rho_i = Δ(rho_i/lambda_i), the SKT-type cross-diffusion system that naive particle steps produce — not the kinetic limit (docs/species.md); refused where it is not parabolic for the data.',
    ),
  ),
});

export const MAX_SPECIES = 4;

export const SpeciesSchema = section({
  name: v.pipe(
    v.string('expected a name'),
    v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,31}$/, 'expected a name of letters, digits and _ (at most 32, not starting with a digit)'),
    v.description('The species\' name: a variable of every rate expression and the suffix of its columns (`mass_NAME`, …) and fields (`rho_NAME`).'),
  ),
  rho: v.pipe(
    v.optional(expression('x')),
    v.description('Initial density rho_i,in(x) >= 0 (vacuum allowed: segregated data), cell-averaged; kinetic runs start well-prepared, h_i = rho_i,in(x).'),
  ),
  h: v.pipe(
    v.optional(expression('x, v')),
    v.description('Kinetic only: general initial data h_i,in = f_i,in/M >= 0 in `x, v`. Exactly one of `rho` and `h`.'),
  ),
  rate: v.pipe(
    expression('rho1, rho2, … or the species\' names'),
    v.description('The collision rate lambda_i(rho_1, …, rho_n) > 0 of this species as an expression in `rho1`, `rho2`, … (in list order) or the species\' names, e.g. `"0.3 + b"` or `"1 + rho1 + rho2"`. Refused before the run (exit 2, naming the rate and the state) where it is 0, infinite or negative on the densities the data can reach.'),
  ),
});

export const ConfigSchema = section({
  model: v.pipe(ModelSchema, v.description('The equation and its parameters.')),
  domain: v.pipe(
    section({
      cells: v.pipe(
        v.array(positiveInt('number of cells', 2, MAX_CELLS_PER_DIM), 'expected a list of cell counts, e.g. [256] or [128, 128]'),
        v.minLength(1, 'expected one cell count per dimension'),
        v.maxLength(2, 'expected one cell count per dimension'),
        v.description(`Cells per mesh dimension: \`[Nx]\` or \`[Nx, Ny]\` (Cartesian), \`[Nr]\` (radial), integers in [2, ${MAX_CELLS_PER_DIM}] (kinetic runs: at least 3).`),
      ),
      geometry: v.pipe(
        v.optional(v.picklist(['cartesian', 'radial'], 'expected cartesian or radial'), 'cartesian'),
        v.description('`cartesian` (a box, by default the unit torus) or `radial` (radially symmetric solutions in R^d, d = model.dim, on r in [r0, R]: the way to the whole plane or space; initial data are expressions in `r`).'),
      ),
      box: v.pipe(
        v.optional(v.array(v.tuple([finiteNumber('lo'), finiteNumber('hi')], 'expected a pair [lo, hi]'), 'expected a list of [lo, hi] pairs, e.g. [[0, 1]] or [[-5, 5], [-5, 5]]')),
        v.description('[lo, hi] per mesh dimension: `[[x0, x1]]`, `[[x0, x1], [y0, y1]]`, or `[[r0, R]]` (radial, 0 <= r0 < R). Default: [0, 1] per dimension (with periodic sides: the unit torus).'),
      ),
      spacing: v.pipe(
        v.optional(
          v.union(
            [v.picklist(['uniform', 'log']), v.strictObject({ kind: v.literal('log'), scale: positive('scale') })],
            'expected uniform, log, or { kind: log, scale: a } with a > 0',
          ),
          'uniform',
        ),
        v.description('Radial cell spacing: `uniform`, or `log` (cells uniform in log(1 + (r - r0)/a): about a-wide near r0, growing geometrically beyond a; `{ kind: log, scale: a }`, a defaults to r0 when r0 > 0). Cartesian meshes are uniform.'),
      ),
      boundary: v.pipe(
        v.optional(v.custom<BoundaryInput>((x) => typeof x === 'string' || (typeof x === 'object' && x !== null && !Array.isArray(x)), 'expected periodic or a mapping of directions, e.g. { x: [zero-flux, { kind: dirichlet, value: 1 }] }')),
        v.description('`periodic` (every direction; the default for Cartesian meshes), or per direction (`x`, `y`; radial: `r`) either `periodic` or `[lo side, hi side]`. Sides of the limit equation (`diffusion`): `zero-flux`, `{ kind: dirichlet, value: v }` (optionally `distance: d`: the value is taken d beyond the side, a Robin condition), `far-field` (the side stands for infinity: vacuum for alpha <= 0, the universal tail for fast diffusion, the maximal solution of 2D log diffusion, `{ kind: far-field, gamma: g }` for its solutions with decay rate g > 2; docs/diffusion-scheme.md), or `centre` (r = 0 of a radial mesh, where it is required). Walls of the kinetic equation (boxes of any size; 2D: specular, diffuse, absorbing; docs/kinetic-scheme.md "Walls") and of particles (the unit box, 1D and 2D; docs/particles.md "Walls"): `specular` (v -> -v), `diffuse` (what leaves is re-emitted as a Maxwellian), `absorbing` (nothing enters; the outflow is counted: series columns outflow_x_lo, outflow_x_hi, and for particles absorbed_x_lo, absorbed_x_hi; in 2D also outflow_y_lo, outflow_y_hi), and for the kinetic equation `{ kind: inflow, h: "expression in t, v" }` (the incoming h = f/M; in 2D in t, vx, vy). Default for radial meshes: `{ r: [centre, zero-flux] }` (`[zero-flux, zero-flux]` when r0 > 0).'),
      ),
    }),
    v.description('The domain and its mesh (docs/diffusion-scheme.md "Domains").'),
  ),
  initial: v.pipe(
    v.optional(section({
      rho: v.pipe(
        v.optional(expression('x (and y; r on radial meshes)')),
        v.description('Initial density rho_in(x) (2D: rho_in(x, y); radial meshes: rho_in(r)) as an expression; it is averaged over each cell and must be finite and > 0 everywhere, except for the limit equation with alpha < 1 (or a rate finite and > 0 at 0), where rho_in = 0 on open sets (vacuum) is allowed. Kinetic runs start well-prepared: h = rho_in(x).'),
      ),
      h: v.pipe(
        v.optional(expression('x, v (2D: x, y, vx, vy)')),
        v.description('Kinetic equations only (`kinetic`, `fokker-planck`): general initial data h_in = f_in/M as an expression in `x, v` (2D: `x, y, vx, vy`), averaged over each cell at every velocity node. Exactly one of `rho` and `h`.'),
      ),
    }), {}),
    v.description('Initial data (required, except in species runs, where each species gives its own).'),
  ),
  species: v.pipe(
    v.optional(
      v.pipe(
        v.array(SpeciesSchema, 'expected a list of species, each a mapping with name, rho (or h) and rate'),
        v.minLength(1, `expected 1 to ${MAX_SPECIES} species`),
        v.maxLength(MAX_SPECIES, `expected 1 to ${MAX_SPECIES} species`),
      ),
    ),
    v.description(
      `Several species (1 to ${MAX_SPECIES}, 1D), each obeying the paper's equation with its own rate: d_t h_i + (1/eps) v·grad h_i = (1/eps²) lambda_i(rho_1, …, rho_n) (rho_i − h_i) (docs/species.md). With \`species\`, \`model.alpha\`, \`model.rate\` and \`initial\` are not given; \`model.equation\` picks the kinetic model, its limit system (\`diffusion\`, see \`model.flux\`) or particles with species labels.`,
    ),
  ),
  time: v.pipe(
    section({
      end: v.pipe(positive('end time', 1e9), v.description('Final time (> 0).')),
      dt: v.pipe(
        v.optional(positive('dt', 1e9)),
        v.description('Fixed time step: no error control (the error estimate is still reported in series.csv and run.json). Default: steps chosen by the error control (`rtol`, `atol`). Fixed steps are shortened evenly so that every snapshot time is hit exactly.'),
      ),
      rtol: v.pipe(
        v.optional(v.pipe(finiteNumber('rtol'), v.minValue(1e-12, 'expected rtol in [1e-12, 0.1]'), v.maxValue(0.1, 'expected rtol in [1e-12, 0.1]'))),
        v.description('Relative tolerance of the time error control (grid solvers). A step is accepted when its estimated local error e satisfies, in every cell, |e| <= rtol^(3/2) (atol/rtol + |y|), y = rho (`diffusion`) or, for `kinetic` and `fokker-planck`, h = f/M measured in the L²(M dv) norm over the velocity nodes; this calibration makes the time error proportional to rtol (docs/time-stepping.md). In [1e-12, 0.1]. Default: min(1e-4, 1/N²), N the largest cell count per dimension (the size of the spatial error: the time error stays below it).'),
      ),
      atol: v.pipe(
        v.optional(positive('atol', 1e9)),
        v.description('Absolute tolerance of the time error control (same norm as `rtol`). Default: rtol × max |initial data|, so that errors are measured on the scale of the data (it matters where the solution is near 0).'),
      ),
      dt_max: v.pipe(
        v.optional(positive('dt_max', 1e9)),
        v.description('Largest step the error control may take (default: no limit other than the tolerance and the snapshot times).'),
      ),
      max_steps: v.pipe(
        v.optional(positiveInt('max_steps', 1, 1e9), 10_000_000),
        v.description('Most steps a run may take: fixed steps are refused up front when they would need more, error-controlled runs stop with a numerical failure when they reach it.'),
      ),
    }),
    v.description('The clock.'),
  ),
  output: v.pipe(
    v.optional(
      section({
        times: v.pipe(
          v.optional(
            v.pipe(
              v.array(v.pipe(finiteNumber('a time'), v.finite('expected a finite time')), 'expected a list of times'),
              v.minLength(1, 'expected at least one snapshot time (leave output.times out for the default [time.end])'),
            ),
          ),
          v.description('Snapshot times in (0, end], strictly increasing; they are hit exactly. Default: `[end]`. The initial state is always stored as the snapshot at t = 0.'),
        ),
        series_every: v.pipe(
          v.optional(positiveInt('series_every', 1, 1e9), 1),
          v.description('Write a row of series.csv every this many steps (and always at snapshot times).'),
        ),
        fields: v.pipe(v.optional(v.boolean('expected true or false'), true), v.description('Write fields.h5 (HDF5) with the snapshots.')),
        store_h: v.pipe(
          v.optional(v.boolean('expected true or false'), false),
          v.description('Kinetic equations only (`kinetic`, `fokker-planck`): also store h(x, v) at snapshot times in fields.h5.'),
        ),
      }),
      {},
    ),
    v.description('What is written to the run directory.'),
  ),
  velocity: v.pipe(
    v.optional(
      section({
        nodes: v.pipe(
          v.optional(positiveInt('number of velocity nodes', 2, MAX_VELOCITY_NODES), 16),
          v.description(`Gauss–Hermite nodes per dimension (2 = the classical two-velocity model v = ±1), in [2, ${MAX_VELOCITY_NODES}]; tensor product in 2D.`),
        ),
      }),
      {},
    ),
    v.description('Kinetic equations only (`kinetic`, `fokker-planck`): the velocity grid.'),
  ),
  checkpoint: v.pipe(
    v.optional(
      section({
        enabled: v.pipe(
          v.optional(v.boolean('expected true or false'), true),
          v.description('Write checkpoints at all (default true). With `false` an interrupted run cannot be resumed.'),
        ),
        every_seconds: v.pipe(
          v.optional(positive('every_seconds', 1e7), 60),
          v.description('Write checkpoint.bin when this many wall seconds have passed since the last one (default 60).'),
        ),
        every_steps: v.pipe(v.optional(positiveInt('every_steps', 1, 1e9)), v.description('Also write checkpoint.bin every this many steps.')),
        at_snapshots: v.pipe(
          v.optional(v.boolean('expected true or false'), true),
          v.description(
            'Also checkpoint at snapshot times (default true), unless the last checkpoint is younger than 20 times what writing one takes (so checkpoints cost at most ~5% of the run).',
          ),
        ),
      }),
      {},
    ),
    v.description(
      'Checkpoints for `nlbgk resume DIR` (atomic and checksummed; a resumed run produces the same bytes as an uninterrupted one). On by default: every 60 wall seconds, at snapshot times, and when the run is interrupted (Ctrl-C, SIGTERM).',
    ),
  ),
  compute: v.pipe(
    v.optional(
      section({
        threads: v.pipe(
          v.optional(v.union([v.literal('auto'), positiveInt('thread count', 1, MAX_THREADS)], `expected auto or an integer thread count in [1, ${MAX_THREADS}]`), 'auto'),
          v.description(
            `Threads for the solver's kernels (the 2D kinetic equation; the other solvers run on one): \`auto\` (the machine's cores when the problem has at least 65536 cell-velocity unknowns, else 1; in a local sweep with several jobs, each run's share of the cores) or a count in [1, ${MAX_THREADS}]. Results are bitwise the same for every count (and a resumed run continues with the count its run.json records); \`nlbgk run --threads N\` overrides it. Use 1 when several runs share the cores (the threads spin briefly at every barrier).`,
          ),
        ),
      }),
      {},
    ),
    v.description('How a run uses the machine (never what it computes).'),
  ),
  bgk: v.pipe(
    v.optional(
      section({
        scaling: v.pipe(
          v.optional(v.picklist(['hyperbolic', 'diffusive'], 'expected hyperbolic or diffusive'), 'hyperbolic'),
          v.description('`hyperbolic`: d_t f + v d_x f = (lambda(rho)/eps)(M[f] - f), eps the Knudsen number; `diffusive` (the paper\'s scaling): d_t f + (1/eps) v d_x f = (lambda(rho)/eps^2)(M[f] - f). The explicit transport limits dt to dx/(2 s |v|max), s = 1 or 1/eps.'),
        ),
        nodes: v.pipe(v.optional(positiveInt('number of velocity nodes', 3, 1024), 64), v.description('Nodes of the uniform velocity grid, in [3, 1024].')),
        range: v.pipe(
          v.optional(v.pipe(v.array(v.pipe(finiteNumber('a velocity'), v.finite('expected a finite velocity')), 'expected [vmin, vmax]'), v.length(2, 'expected [vmin, vmax]'))),
          v.description('Velocity range [vmin, vmax] of the grid (nodes at both ends). Default from the data: [min u - 8 sqrt(max T), max u + 8 sqrt(max T)].'),
        ),
        u: v.pipe(v.optional(expression('x'), '0'), v.description('Initial bulk velocity u_in(x) (the initial f is the discrete Maxwellian of rho_in, u_in, T_in in each cell).')),
        T: v.pipe(v.optional(expression('x'), '1'), v.description('Initial temperature T_in(x) > 0.')),
        cfl: v.pipe(
          v.optional(v.pipe(finiteNumber('cfl'), v.gtValue(0, 'expected cfl in (0, 0.5]'), v.maxValue(0.5, 'expected cfl in (0, 0.5]')), 0.4),
          v.description('The fixed step is cfl dx/(s |v|max) (s = 1, or 1/eps in the diffusive scaling); error-controlled steps never exceed 0.5 dx/(s |v|max), where the transport stays positive.'),
        ),
      }),
      {},
    ),
    v.description('Full BGK only (`equation: bgk`): scaling, the velocity grid, the initial velocity and temperature.'),
  ),
  particles: v.pipe(
    v.optional(
      section({
        count: v.pipe(v.optional(positiveInt('particle count', 1, 1e8), 100_000), v.description('Particles per ensemble member.')),
        seed: v.pipe(v.optional(positiveInt('seed', 0, 2 ** 31 - 1), 1), v.description('Seed of the random generator (same seed ⇒ identical output).')),
        scheme: v.pipe(
          v.optional(v.picklist(['auto', 'exact', 'ap'], 'expected auto, exact or ap'), 'auto'),
          v.description('`exact` (tumbles by thinning, exact in law for the rate frozen over a step), `ap` (asymptotic-preserving, drift-correct step for small eps), or `auto` (exact while lambda_max dt / eps^2 <= 10, else ap).'),
        ),
        ensembles: v.pipe(v.optional(positiveInt('ensembles', 1, 10_000), 1), v.description('Independent ensemble members (independent random streams); rho is their mean.')),
        density: v.pipe(
          v.optional(
            section({
              method: v.pipe(v.optional(v.picklist(['histogram', 'kernel'], 'expected histogram or kernel'), 'histogram'), v.description('`histogram` (cell counts) or `kernel` (smoothing kernel).')),
              bandwidth: v.pipe(v.optional(positive('bandwidth', 0.5)), v.description('Kernel half-width, a length on the unit torus in (0, 0.5] (default: one cell).')),
            }),
            {},
          ),
          v.description('How the self-consistent density is estimated on the grid.'),
        ),
      }),
      {},
    ),
    v.description('Particles only.'),
  ),
});

/** The config as written by a user (before defaults). */
export type ConfigInput = v.InferInput<typeof ConfigSchema>;
/** The schema's output before the sections of other equations are dropped. */
export type ParsedConfig = v.InferOutput<typeof ConfigSchema>;
/**
 * The resolved config: every default filled in, and only the sections of its own equation
 * (`velocity` for kinetic runs, `particles` for particle runs, `bgk` for full BGK runs). This is what run.json records.
 */
export type Config = Omit<ParsedConfig, 'velocity' | 'particles' | 'bgk'> & { velocity?: ParsedConfig['velocity']; particles?: ParsedConfig['particles']; bgk?: ParsedConfig['bgk'] };

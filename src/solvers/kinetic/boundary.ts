/**
 * The domains the kinetic equation accepts (the domain contract, docs/diffusion-scheme.md "Domains",
 * with the kinetic walls of docs/kinetic-scheme.md "Walls"): Cartesian boxes of any size whose sides
 * are periodic, specular, diffuse, absorbing or inflow (the incoming h = f/M as an expression in t and
 * v; in 2D t, vx, vy); in 2D a box whose walls are all specular runs by mirror images (./mirror2d.ts),
 * any other by ./kinetic2dWalls.ts. Everything else is refused
 * with a ConfigError naming the key. The maximum
 * principle's interval follows from the data and the walls: [min h_in, max h_in] widened by the inflow
 * values over the run, and down to 0 at absorbing walls (vacuum outside).
 */
import type { Grid } from '../../grid/grid.js';
import type { Config } from '../../config/schema.js';
import { ConfigError } from '../../config/validate.js';
import { directionNames } from '../../config/domain.js';
import { compileField } from '../../simulation/problem.js';
import type { WallSide1D } from '../transport/walls1d.js';
import type { MicroMacroDomain } from '../microMacro/problem.js';

/** What the kinetic solver does at its walls, and the interval the walls add to the maximum principle. */
export type KineticDomain = MicroMacroDomain;

/** Memory bound of the walled 2D solve (doubles: 2 GiB). */
const WALLS2D_MAX_DOUBLES = 2 * 2 ** 27;

const KINETIC_KINDS = ['periodic', 'specular', 'diffuse', 'absorbing', 'inflow'];

/** Why a limit-equation side is not a kinetic one, and what to write instead. */
function refusal(kind: string): string {
  switch (kind) {
    case 'zero-flux':
      return 'zero-flux is a boundary of the limit equation; the kinetic walls with zero flux are specular (v -> -v) and diffuse (re-emission from the wall Maxwellian)';
    case 'dirichlet':
      return 'dirichlet is a boundary of the limit equation; the kinetic equation takes inflow (a given incoming h = f/M: { kind: inflow, h: "1" } gives the limit density 1) or absorbing (vacuum outside: the limit density 0)';
    case 'far-field':
      return 'far-field is a boundary of the limit equation; for the kinetic equation use absorbing sides on a box large enough (docs/kinetic-scheme.md "Walls")';
    default:
      return `${kind} is not a boundary of the kinetic equation (its kinds: ${KINETIC_KINDS.join(', ')})`;
  }
}

/**
 * The kinetic walls of a config's domain (checks the kinds, compiles inflow expressions and evaluates
 * them at the incoming velocity nodes over [0, time.end]). `incoming` lists the velocity components
 * normal to a side of each direction (1D: the nodes v; 2D: the tensor set's vx or vy).
 */
export function kineticDomain(config: Config, grid: Grid, velocities: readonly Float64Array[]): KineticDomain {
  if (grid.geometry !== 'cartesian') {
    throw new ConfigError([{ path: 'domain.geometry', message: `the kinetic equation runs on Cartesian boxes (a radial mesh would need a velocity grid adapted to radial symmetry) (got ${grid.geometry})` }]);
  }
  const names = directionNames(grid.geometry, grid.dim);
  const walls: ((readonly [WallSide1D, WallSide1D]) | null)[] = [];
  const cols: string[] = [];
  const sides: number[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  const end = config.time.end;
  grid.sides.forEach((pair, d) => {
    if (grid.periodic[d]) {
      walls.push(null);
      return;
    }
    if (grid.dim === 2) {
      pair.forEach((side, s) => {
        if (!KINETIC_KINDS.includes(side.kind)) {
          const why = refusal(side.kind);
          throw new ConfigError([{ path: `domain.boundary.${names[d]}[${s}]`, message: why }]);
        }
      });
    }
    const out = pair.map((side, s) => {
      const path = `domain.boundary.${names[d]}[${s}]`;
      if (!KINETIC_KINDS.includes(side.kind)) throw new ConfigError([{ path, message: refusal(side.kind) }]);
      cols.push(`outflow_${names[d]}_${s === 0 ? 'lo' : 'hi'}`);
      sides.push(2 * d + s);
      if (side.kind === 'absorbing') {
        lo = Math.min(lo, 0);
        hi = Math.max(hi, 0);
        return { kind: 'absorbing' } as WallSide1D;
      }
      if (side.kind === 'inflow') {
        const vars = grid.dim === 1 ? ['t', 'v'] : ['t', 'vx', 'vy'];
        const expr = compileField(side.h, vars, `${path}.h`);
        const g = (t: number, v: number): number => expr.fn(t, v);
        const g2 = (t: number, vx: number, vy: number): number => expr.fn(t, vx, vy);
        // the incoming nodes of this side (v > 0 enters at lo, v < 0 at hi), over [0, end]
        const vn = velocities[d];
        for (let m = 0; m <= 256; m++) {
          const t = (end * m) / 256;
          for (let k = 0; k < vn.length; k++) {
            const v = vn[k];
            if (!(s === 0 ? v > 0 : v < 0)) continue;
            const val = grid.dim === 1 ? g(t, v) : g2(t, velocities[0][k], velocities[1][k]);
            if (!(Number.isFinite(val) && val >= 0)) {
              const at = grid.dim === 1 ? `v = ${v}` : `vx = ${velocities[0][k]}, vy = ${velocities[1][k]}`;
              throw new ConfigError([{ path: `${path}.h`, message: `the incoming h must be finite and >= 0 at the incoming velocity nodes for t in [0, ${end}], but h(t = ${t}, ${at}) = ${val}` }]);
            }
            lo = Math.min(lo, val);
            hi = Math.max(hi, val);
          }
        }
        return (grid.dim === 1 ? { kind: 'inflow', g } : { kind: 'inflow', g2 }) as WallSide1D;
      }
      return { kind: side.kind } as WallSide1D;
    }) as [WallSide1D, WallSide1D];
    walls.push(out);
  });
  if (grid.dim === 2 && grid.sides.some((pair) => pair.some((side) => side.kind === 'diffuse' || side.kind === 'absorbing' || side.kind === 'inflow'))) {
    // the walled 2D solve (./kinetic2dWalls.ts) keeps a flexible GMRES(60) basis (121 vectors of N (K + 1)) and its own
    // 4, the levels and work arrays (~6 K N) and factored lines per velocity (8 K N at most); its banded factors, for
    // steps whose splitting is large, only where they fit (WALLS2D_BANDED_MAX_DOUBLES)
    const [nx, ny] = grid.n;
    const K = velocities[0].length;
    const N = nx * ny;
    const doubles = 125 * N * (K + 1) + 14 * K * N;
    if (doubles > WALLS2D_MAX_DOUBLES) {
      throw new ConfigError([{ path: 'domain.cells', message: `2D kinetic boxes with diffuse, absorbing or inflow walls keep a GMRES basis and factored lines per velocity: ${nx} x ${ny} cells with ${K} velocities need ${((doubles * 8) / 2 ** 30).toFixed(1)} GiB (at most ${((WALLS2D_MAX_DOUBLES * 8) / 2 ** 30).toFixed(0)}; 160 x 160 cells with 6^2 nodes fit, docs/kinetic-scheme.md "Walls")` }]);
    }
  }
  return { walls, range: lo <= hi ? [lo, hi] : null, outflowColumns: cols, outflowSides: sides };
}

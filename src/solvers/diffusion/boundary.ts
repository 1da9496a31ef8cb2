/**
 * Boundary conditions of the limit equation d_t rho = div(D(rho) grad rho) = Laplacian Phi(rho)
 * (docs/diffusion-scheme.md "Boundaries" and "Far-field boundaries" derive and measure them).
 *
 * Per side of the domain (grid.sides) one law, in terms of the outflow B (mass per unit time) through
 * a boundary face of area A at distance delta from the centre of its cell p:
 *  - periodic, centre: no boundary face;
 *  - zero-flux: B = 0;
 *  - value (dirichlet, and far-field for alpha <= 0 and for fast diffusion): the density is g at the
 *    face, B = (A / delta) (Phi(rho_p) - Phi(g)), dB/dPhi = A / delta; a dirichlet `distance` l puts g
 *    at l beyond the face (delta -> delta + l: a Robin condition, the extrapolated wall of a kinetic
 *    absorbing or inflow wall);
 *  - log-flux (far-field of 2D logarithmic diffusion, alpha = 1, radial, outer side r = R):
 *    B = 2 pi gamma_R with gamma_R = -R d_r log rho at R. For the maximal solution (gamma = 2) the tail
 *    beyond the mesh is U = r^2 rho = 2 t / (log r + c)^2 (an exact solution of U_t = (log U)_ss,
 *    s = log r), c fitted to the outermost cell: log R + c = S + log(R / r_p), S = sqrt(2 t / U_p),
 *    so gamma_R = 2 + 2 / (S + log(R / r_p)) and dB/dPhi = 2 pi S / (S + log(R/r_p))^2; for gamma > 2
 *    (the solutions with tail r^-gamma, e.g. gamma = 4 for the explicit ones) B = 2 pi gamma.
 *
 * Far-field (the side stands for infinity; `farField` below):
 *  - alpha < 0 (porous medium), alpha = 0 (heat): rho = 0. Compact support: no outflow at all until
 *    the front reaches the side; heat: the error is the Gaussian tail, exp(-|x|^2/4t).
 *  - 0 < alpha < min(1, 2/d) (fast diffusion with finite mass): rho = the universal Barenblatt tail
 *    g = (K t / |x|^2)^(1/alpha), K = 2 / (alpha b), b = 1/(2 - d alpha), |x| the distance of the face
 *    from the origin (centre the data there), t the time since the start (plus the solver's t0).
 *    The outflow then carries the tail's mass beyond |x| = R, M_tail = omega_d (K t)^(1/alpha)
 *    R^(d - 2/alpha) / (2/alpha - d) (radial), to leading order.
 *  - alpha = 1, d = 2, radial: log-flux above (default gamma = 2: the maximal solution, mass lost at
 *    4 pi per unit time at infinity; the mesh loses 4 pi (1 + 1/(log R + c))).
 *  Other exponents have no far-field condition here (refused with a reason).
 */
import { sphereArea, type BoundarySide, type Grid } from '../../grid/grid.js';
import type { RateLaw } from '../../models/rate.js';

export type SideLaw =
  | { readonly type: 'none' }
  | { readonly type: 'wall' }
  | { readonly type: 'value'; readonly far: boolean; value(t: number, pos2: number): number; readonly distance?: number }
  | { readonly type: 'log-flux'; readonly gamma: number };

/** A side whose kind the limit equation cannot take with this rate and mesh: which side, and why. */
export class BoundaryError extends Error {
  constructor(readonly dim: number, readonly side: number, message: string) {
    super(message);
    this.name = 'BoundaryError';
  }
}

/** b = 1/(2 - d alpha), the Barenblatt exponent (rho = t^(-d b) F(x t^(-b))). */
export function barenblattExponent(alpha: number, d: number): number {
  return 1 / (2 - d * alpha);
}

/** The law of every side, indexed 2 dim + side (0: lo, 1: hi). Throws BoundaryError. */
export function sideLaws(grid: Grid, rate: RateLaw): SideLaw[] {
  const laws: SideLaw[] = [];
  grid.sides.forEach((pair, dim) => {
    pair.forEach((side, s) => laws.push(sideLaw(grid, rate, side, dim, s)));
  });
  return laws;
}

function sideLaw(grid: Grid, rate: RateLaw, side: BoundarySide, dim: number, s: number): SideLaw {
  const fail = (msg: string): never => {
    throw new BoundaryError(dim, s, msg);
  };
  const alpha = rate.alpha;
  switch (side.kind) {
    case 'periodic':
    case 'centre':
      return { type: 'none' };
    case 'zero-flux':
      return { type: 'wall' };
    case 'dirichlet': {
      const g = side.value;
      if (alpha !== undefined && alpha >= 1 && !(g > 0)) fail(`the density must be > 0 at a dirichlet side for alpha >= 1 (Phi(0) = -infinity) (got value ${g})`);
      return { type: 'value', far: false, value: () => g, distance: side.distance ?? 0 };
    }
    case 'specular':
    case 'diffuse':
      return fail(`${side.kind} is a wall of the kinetic equation and of particles; its limit is zero-flux (use zero-flux)`);
    case 'absorbing':
      return fail('absorbing is a wall of the kinetic equation and of particles; its limit is { kind: dirichlet, value: 0 } (at the Milne distance x0 eps/lambda beyond the side: distance)');
    case 'inflow':
      return fail('inflow is a wall of the kinetic equation; its limit is { kind: dirichlet, value: rho_b } with rho_b the Milne-weighted incoming density (docs/kinetic-scheme.md "Walls")');
    case 'far-field': {
      if (grid.geometry === 'radial' && s === 0) fail('far-field stands for infinity: only the outer side r = R of a radial mesh');
      if (alpha === undefined) fail('far-field needs a power law lambda = rho^alpha (no far-field condition for a general rate); use dirichlet or zero-flux');
      const a = alpha as number;
      const d = grid.spaceDim;
      if (side.gamma !== undefined && !(a === 1 && d === 2)) fail('gamma selects a solution of 2D logarithmic diffusion (alpha = 1, dim 2): remove it');
      if (a <= 0) return { type: 'value', far: true, value: () => 0 };
      if (a < 1 && a < 2 / d) {
        const K = 2 / (a * barenblattExponent(a, d));
        const p = 1 / a;
        return { type: 'value', far: true, value: (t, pos2) => Math.pow((K * t) / pos2, p) };
      }
      if (a === 1 && d === 2) {
        if (grid.geometry !== 'radial') fail('the far field of 2D logarithmic diffusion is a condition on a circle: use domain.geometry: radial');
        return { type: 'log-flux', gamma: side.gamma ?? 2 };
      }
      if (a < 1) fail(`no far-field condition for 2/d <= alpha < 1 (d = ${d}, alpha = ${a}): solutions lose their mass in finite time; use { kind: dirichlet, value: 0 }`);
      return fail(`no far-field condition for alpha = ${a} in d = ${d}: far fields are the self-similar tail (alpha < min(1, 2/d)) and 2D logarithmic diffusion (alpha = 1, radial); for alpha >= 1 a whole-space solution is not fixed by its data (it needs a flux at infinity: docs/studies.md, whole-space) or, for alpha >= 2/d, does not exist with finite mass; use dirichlet or zero-flux`);
    }
  }
}

/** Whether a side law lets mass through (it gets an outflow column). */
export function hasFaces(law: SideLaw): boolean {
  return law.type !== 'none';
}

/**
 * Outflow B through a log-flux face (radial outer side R, cell centre r, density rho, time t) and
 * dB/dPhi (Phi = log rho).
 */
export function logFlux(gamma: number, R: number, r: number, rho: number, t: number, out: { B: number; dB: number }): void {
  if (gamma !== 2) {
    out.B = 2 * Math.PI * gamma;
    out.dB = 0;
    return;
  }
  const S = Math.sqrt((2 * t) / (r * r * rho));
  const q = S + Math.log(R / r);
  out.B = 2 * Math.PI * (2 + 2 / q);
  out.dB = (2 * Math.PI * S) / (q * q);
}

/**
 * Mass beyond a far-field side implied by its tail model, or NaN where there is none: the Barenblatt
 * tail of fast diffusion (radial meshes and 1D sides), the fitted log-diffusion tail (gamma = 2:
 * 4 pi t / (S + log(R/r)); gamma > 2: the power tail rho_p (r/R)^gamma continued, 2 pi rho_p r^gamma R^(2-gamma)/(gamma - 2)).
 */
export function tailMass(grid: Grid, rate: RateLaw, law: SideLaw, dim: number, s: number, rho: Float64Array, t: number): number {
  const a = rate.alpha;
  if (a === undefined || !(t > 0)) return law.type === 'log-flux' || (law.type === 'value' && law.far && a !== undefined && a > 0) ? 0 : NaN;
  if (law.type === 'value' && law.far && a > 0) {
    if (grid.dim !== 1) return NaN;
    const d = grid.spaceDim;
    const K = 2 / (a * barenblattExponent(a, d));
    const x = Math.abs(grid.faces[dim][s === 0 ? 0 : grid.n[dim]]);
    const omega = grid.geometry === 'radial' ? sphereArea(d) : 1;
    return (omega * Math.pow(K * t, 1 / a) * Math.pow(x, d - 2 / a)) / (2 / a - d);
  }
  if (law.type === 'log-flux') {
    const N = grid.n[0];
    const R = grid.faces[0][N];
    const r = grid.centres[0][N - 1];
    const u = rho[N - 1];
    if (law.gamma !== 2) return (2 * Math.PI * u * Math.pow(r / R, law.gamma) * R * R) / (law.gamma - 2);
    const S = Math.sqrt((2 * t) / (r * r * u));
    return (4 * Math.PI * t) / (S + Math.log(R / r));
  }
  return NaN;
}

/**
 * The maximum principle's interval: the data's range [lo, hi] widened by the boundary values —
 * dirichlet values, 0 for open (far-field) sides, and the far-field tail of fast diffusion at its
 * largest (at tEnd, on the nearest face) when tEnd is given.
 */
export function principleBounds(grid: Grid, laws: readonly SideLaw[], range: readonly [number, number], tEnd?: number): [number, number] {
  let [lo, hi] = range;
  laws.forEach((law, k) => {
    if (law.type === 'value' && !law.far) {
      const g = law.value(0, 1);
      lo = Math.min(lo, g);
      hi = Math.max(hi, g);
    } else if (law.type === 'value' || law.type === 'log-flux') {
      lo = Math.min(lo, 0);
      if (law.type === 'value' && tEnd !== undefined) {
        const dim = k >> 1;
        const x = grid.faces[dim][(k & 1) === 0 ? 0 : grid.n[dim]];
        hi = Math.max(hi, law.value(tEnd, x * x));
      }
    }
  });
  return [lo, hi];
}

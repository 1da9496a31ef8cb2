/**
 * Meshes of the domains nlbgk solves on — THE DOMAIN CONTRACT every solver shares
 * (docs/diffusion-scheme.md "Domains" is the long version).
 *
 * A Grid is a cell-centred finite-volume mesh of one of:
 *  - a Cartesian box  [lo_1, hi_1] x ... (d = 1, 2), uniform cells per direction; the default is the
 *    unit torus [0,1)^d with every side periodic (`makeGrid(n)`, the paper's T^d);
 *  - a radial mesh r in [r0, R] for radially symmetric problems in R^d (d = 1, 2, 3: one mesh
 *    dimension, weights r^(d-1)); cells uniform or logarithmic (uniform in log(1 + (r - r0)/a),
 *    geometric beyond the scale a), so that radii of 1e3 ... 1e6 take a few hundred cells.
 * Cell values are stored x fastest: index = i + Nx * j.
 *
 * Boundaries: `sides[dim] = [lo side, hi side]`, each a kind plus its parameters (BoundarySide). A
 * direction is periodic iff both its sides are `periodic`. Which kinds an equation accepts is the
 * equation's business (its builder refuses the others with a ConfigError naming domain.boundary):
 * the limit equation takes periodic, zero-flux, dirichlet, far-field and centre; the kinetic equation
 * periodic, specular, diffuse, absorbing and inflow (src/solvers/kinetic/boundary.ts); particles
 * periodic, specular, diffuse and absorbing.
 *
 * Geometry for finite volumes: per dimension the face positions `faces[d]` (n_d + 1), centres
 * (face midpoints) and widths; per cell the volume `volumes[c]`; per face the area `areas[d][f]`
 * (Cartesian: the transverse width, 1 in 1D; radial: omega_d r_f^(d-1), omega = 2, 2 pi, 4 pi), so
 * that a conservative scheme reads  V_c d rho_c/dt = - sum over faces of A_f (flux density)_f  and
 * the mass is sum_c rho_c V_c (the mass in R^d for radial meshes).
 * `dx[d]` is the width of the cells along d for uniform meshes and the smallest width otherwise;
 * `cellVolume` is the common cell volume of uniform Cartesian meshes (NaN for radial ones: use volumes).
 */
export type Geometry = 'cartesian' | 'radial';

/**
 * One side of a domain: its kind and the kind's parameters.
 *  - periodic: wraps to the opposite side (both sides of a direction or neither);
 *  - zero-flux: no mass crosses (a reflecting wall);
 *  - dirichlet: the density is `value` at the side;
 *  - far-field: the side stands for infinity (whole-space problems); what it imposes depends on the
 *    equation (the limit equation: docs/diffusion-scheme.md "Far-field boundaries"); `gamma` selects the
 *    decay rate of 2D logarithmic diffusion;
 *  - centre: r = 0 of a radial mesh (no boundary: the face has zero area);
 *  - `distance` (dirichlet): the value is taken that far beyond the side (a Robin condition: the
 *    extrapolated boundary of a kinetic wall, x0 eps/lambda by the Milne problem);
 * kinetic walls (the kinetic equation and particles; docs/kinetic-scheme.md "Walls"):
 *  - specular: v -> v - 2 (v.n) n; diffuse: what leaves is re-emitted as a Maxwellian (net flux 0);
 *  - absorbing: nothing enters (vacuum outside), what leaves is counted;
 *  - inflow: the incoming h = f/M is the expression `h` in t and v (2D: t, vx, vy).
 */
export type BoundarySide =
  | { readonly kind: 'periodic' }
  | { readonly kind: 'zero-flux' }
  | { readonly kind: 'dirichlet'; readonly value: number; readonly distance?: number }
  | { readonly kind: 'far-field'; readonly gamma?: number }
  | { readonly kind: 'centre' }
  | { readonly kind: 'specular' }
  | { readonly kind: 'diffuse' }
  | { readonly kind: 'absorbing' }
  | { readonly kind: 'inflow'; readonly h: string };

export type BoundaryKind = BoundarySide['kind'];

/** Cell spacing of radial meshes: uniform, or uniform in log(1 + (r - r0)/scale). */
export type Spacing = { readonly kind: 'uniform' } | { readonly kind: 'log'; readonly scale: number };

/** Everything that defines a mesh (what a config's `domain` section resolves to). */
export interface DomainSpec {
  readonly geometry: Geometry;
  /** d: the space dimension (radial: the dimension of R^d whose radial problem is solved). */
  readonly spaceDim: 1 | 2 | 3;
  /** Cells per mesh dimension ([Nr] for radial meshes). */
  readonly cells: readonly number[];
  /** [lo, hi] per mesh dimension. */
  readonly box: readonly (readonly [number, number])[];
  readonly sides: readonly (readonly [BoundarySide, BoundarySide])[];
  readonly spacing: Spacing;
}

export interface Grid {
  /** Mesh dimensions: 1 or 2 (radial meshes: 1). */
  readonly dim: 1 | 2;
  /** Cells per dimension: [Nx] or [Nx, Ny]. */
  readonly n: readonly number[];
  /** Cell widths per dimension (uniform meshes; the smallest width otherwise). */
  readonly dx: readonly number[];
  /** Total number of cells. */
  readonly cells: number;
  /** Cell volume of uniform Cartesian meshes (product of dx); NaN for radial meshes. */
  readonly cellVolume: number;
  readonly geometry: Geometry;
  /** d of R^d (Cartesian: dim). */
  readonly spaceDim: 1 | 2 | 3;
  readonly box: readonly (readonly [number, number])[];
  /** [lo side, hi side] per dimension. */
  readonly sides: readonly (readonly [BoundarySide, BoundarySide])[];
  /** Whether each direction is periodic. */
  readonly periodic: readonly boolean[];
  /** True for Cartesian meshes (uniform cells; every cell has volume cellVolume). */
  readonly uniform: boolean;
  readonly spacing: Spacing;
  /** Face positions per dimension (n_d + 1 values, faces[d][0] = lo, faces[d][n_d] = hi). */
  readonly faces: readonly Float64Array[];
  /** Cell centres (face midpoints) per dimension. */
  readonly centres: readonly Float64Array[];
  /** Volume of every cell (radial: in R^d, omega_d included). */
  readonly volumes: Float64Array;
  /** Face areas per dimension (n_d + 1 values): transverse width (Cartesian), omega_d r^(d-1) (radial). */
  readonly areas: readonly Float64Array[];
}

/** omega_d, the area of the unit sphere in R^d (d = 1: the two points +-1). */
export function sphereArea(d: number): number {
  return d === 1 ? 2 : d === 2 ? 2 * Math.PI : 4 * Math.PI;
}

const PERIODIC: BoundarySide = { kind: 'periodic' };

/** The unit torus T^d = [0,1)^d with n[k] cells per dimension (the paper's domain; the default). */
export function makeGrid(n: readonly number[]): Grid {
  if (n.length !== 1 && n.length !== 2) throw new RangeError(`grid: dimension must be 1 or 2, got ${n.length}`);
  return makeDomainGrid({
    geometry: 'cartesian',
    spaceDim: n.length as 1 | 2,
    cells: n,
    box: n.map(() => [0, 1] as const),
    sides: n.map(() => [PERIODIC, PERIODIC] as const),
    spacing: { kind: 'uniform' },
  });
}

/** Whether the grid is the periodic unit torus (the paper's domain). */
export function isUnitTorus(grid: Grid): boolean {
  return grid.geometry === 'cartesian' && grid.periodic.every((p) => p) && grid.box.every(([a, b]) => a === 0 && b === 1);
}

export function makeDomainGrid(spec: DomainSpec): Grid {
  const { cells: n, geometry, box, sides, spacing } = spec;
  const dim = n.length;
  if (dim !== 1 && dim !== 2) throw new RangeError(`grid: dimension must be 1 or 2, got ${dim}`);
  if (geometry === 'radial' && dim !== 1) throw new RangeError('grid: a radial mesh has one dimension');
  for (const m of n) {
    if (!Number.isInteger(m) || m < 2) throw new RangeError(`grid: cells per dimension must be integers >= 2, got ${m}`);
  }
  if (box.length !== dim || sides.length !== dim) throw new RangeError('grid: one box interval and one pair of sides per dimension');
  box.forEach(([a, b], d) => {
    if (!(Number.isFinite(a) && Number.isFinite(b) && a < b)) throw new RangeError(`grid: box[${d}] must be finite with lo < hi, got [${a}, ${b}]`);
  });
  const periodic = sides.map(([a, b]) => {
    if ((a.kind === 'periodic') !== (b.kind === 'periodic')) throw new RangeError('grid: periodic must be on both sides of a direction');
    return a.kind === 'periodic';
  });
  const cellsTotal = n.reduce((a, b) => a * b, 1);
  if (geometry === 'cartesian') {
    if (spacing.kind !== 'uniform') throw new RangeError('grid: Cartesian meshes are uniform');
    // (hi - lo) / n: exactly 1/n on the unit box, so the torus keeps its old arithmetic
    const dx = box.map(([a, b], d) => (b - a) / n[d]);
    const faces = box.map(([a, b], d) => {
      const f = new Float64Array(n[d] + 1);
      for (let i = 0; i <= n[d]; i++) f[i] = a + i * dx[d];
      f[n[d]] = b;
      return f;
    });
    const centres = box.map(([a], d) => {
      const c = new Float64Array(n[d]);
      for (let i = 0; i < n[d]; i++) c[i] = a + ((i + 0.5) * (box[d][1] - a)) / n[d];
      return c;
    });
    const cellVolume = dx.reduce((a, b) => a * b, 1);
    const areas = n.map((m, d) => new Float64Array(m + 1).fill(dim === 1 ? 1 : dx[1 - d]));
    return {
      dim: dim as 1 | 2, n: [...n], dx, cells: cellsTotal, cellVolume, geometry, spaceDim: dim as 1 | 2,
      box: box.map(([a, b]) => [a, b] as const), sides: sides.map(([a, b]) => [a, b] as const), periodic,
      uniform: true, spacing, faces, centres, volumes: new Float64Array(cellsTotal).fill(cellVolume), areas,
    };
  }
  if (periodic[0]) throw new RangeError('grid: a radial mesh cannot be periodic');
  const [r0, R] = box[0];
  if (!(r0 >= 0)) throw new RangeError(`grid: a radial mesh needs r0 >= 0, got ${r0}`);
  const N = n[0];
  const d = spec.spaceDim;
  const faces = radialFaces(r0, R, N, spacing);
  const centres = new Float64Array(N);
  const volumes = new Float64Array(N);
  const areas = new Float64Array(N + 1);
  const omega = sphereArea(d);
  let dxMin = Infinity;
  for (let i = 0; i < N; i++) {
    const a = faces[i];
    const b = faces[i + 1];
    centres[i] = 0.5 * (a + b);
    // omega (b^d - a^d)/d, factored so that thin shells far out keep full relative accuracy
    const w = b - a;
    volumes[i] = (omega * w * (d === 1 ? 1 : d === 2 ? a + b : a * a + a * b + b * b)) / d;
    if (w < dxMin) dxMin = w;
  }
  for (let i = 0; i <= N; i++) areas[i] = d === 1 ? omega : d === 2 ? omega * faces[i] : omega * faces[i] * faces[i];
  return {
    dim: 1, n: [N], dx: [dxMin], cells: N, cellVolume: NaN, geometry, spaceDim: d,
    box: [[r0, R]], sides: sides.map(([a, b]) => [a, b] as const), periodic, uniform: false, spacing,
    faces: [faces], centres: [centres], volumes, areas: [areas],
  };
}

/** Radial faces r_0 = r0 < ... < r_N = R: uniform, or uniform in xi = log(1 + (r - r0)/scale). */
function radialFaces(r0: number, R: number, N: number, spacing: Spacing): Float64Array {
  const f = new Float64Array(N + 1);
  if (spacing.kind === 'uniform') {
    for (let i = 0; i <= N; i++) f[i] = r0 + ((R - r0) * i) / N;
  } else {
    const a = spacing.scale;
    if (!(a > 0 && Number.isFinite(a))) throw new RangeError(`grid: log spacing needs a scale > 0, got ${a}`);
    const s = Math.log1p((R - r0) / a) / N;
    for (let i = 0; i <= N; i++) f[i] = r0 + a * Math.expm1(i * s);
  }
  f[0] = r0;
  f[N] = R;
  return f;
}

/** Cell-centre coordinates along dimension d (x, y, or r). */
export function cellCentres(grid: Grid, d: number): Float64Array {
  return Float64Array.from(grid.centres[d]);
}

/** "cell 12 (x = 0.39)", "cell (3, 4) (x, y) = (...)", "cell 7 (r = 12.5)": for messages. */
export function describeCell(grid: Grid, c: number): string {
  const nx = grid.n[0];
  const i = c % nx;
  if (grid.dim === 1) return `cell ${c} (${grid.geometry === 'radial' ? 'r' : 'x'} = ${grid.centres[0][i]})`;
  const j = Math.floor(c / nx);
  return `cell (${i}, ${j}) ((x, y) = (${grid.centres[0][i]}, ${grid.centres[1][j]}))`;
}

/**
 * Cell averages of a function of x (1D) or (x, y) (2D) — of r for radial meshes, averaged with the
 * weight r^(d-1) (the mean over the spherical shell) — by a tensor Gauss-Legendre rule with 4 points
 * per direction (exact for polynomials of degree 7 in each variable), so that initial data are
 * sampled at fourth-order accuracy rather than by point values.
 */
export function cellAverages(grid: Grid, fn: (x: number, y: number) => number): Float64Array {
  const out = new Float64Array(grid.cells);
  if (grid.geometry === 'radial') {
    const f = grid.faces[0];
    const d = grid.spaceDim;
    for (let i = 0; i < grid.n[0]; i++) {
      const a = f[i];
      const h = f[i + 1] - a;
      let s = 0;
      let w = 0;
      for (let k = 0; k < GL4_X.length; k++) {
        const r = a + (0.5 + 0.5 * GL4_X[k]) * h;
        const wr = GL4_W[k] * (d === 1 ? 1 : d === 2 ? r : r * r);
        s += wr * fn(r, 0);
        w += wr;
      }
      out[i] = s / w;
    }
    return out;
  }
  const nx = grid.n[0];
  const ny = grid.dim === 2 ? grid.n[1] : 1;
  const x0 = grid.box[0][0];
  const y0 = grid.dim === 2 ? grid.box[1][0] : 0;
  const hx = grid.dx[0];
  const hy = grid.dim === 2 ? grid.dx[1] : 1;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let s = 0;
      for (let a = 0; a < GL4_X.length; a++) {
        const x = x0 + (i + 0.5 + 0.5 * GL4_X[a]) * hx;
        if (grid.dim === 1) {
          s += GL4_W[a] * fn(x, 0);
        } else {
          for (let b = 0; b < GL4_X.length; b++) {
            const y = y0 + (j + 0.5 + 0.5 * GL4_X[b]) * hy;
            s += GL4_W[a] * GL4_W[b] * fn(x, y);
          }
        }
      }
      out[i + nx * j] = grid.dim === 1 ? s / 2 : s / 4;
    }
  }
  return out;
}

/** Gauss-Legendre nodes and weights on [-1, 1], 4 points (Abramowitz & Stegun 25.4.30). */
const GL4_X = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GL4_W = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

/**
 * The domain as the views draw it: the box the cells cover, the axis names, and the boundary
 * segments (walls, held densities, far-field sides) drawn on the maps and charts. This is the one
 * place where the page reads the geometry from the config (through the library's own
 * `domainSpec`, src/config/domain.ts): the periodic unit torus has nothing to draw; boxes draw
 * their non-periodic sides; radial meshes have the one axis r (their centre is not a boundary).
 */
import type { Config } from '../config/schema.js';
import { domainSpec } from '../config/domain.js';
import type { BoundarySide } from '../grid/grid.js';

/** What a side does to mass: a wall keeps it (zero flux), a held density (Dirichlet) or a far field lets it in or out. */
export type EdgeKind = 'wall' | 'dirichlet' | 'far-field';

/** A boundary segment in box coordinates (1D: a point, from = to, at x). */
export interface Edge {
  kind: EdgeKind;
  from: [number, number];
  to: [number, number];
  /** The held density of a Dirichlet side. */
  value?: number;
}

export interface DomainOverlay {
  /** [x0, x1] and [y0, y1] (1D: y is [0, 1], unused). */
  box: [[number, number], [number, number]];
  /** Names of the space axes. */
  axes: [string, string];
  /** Every direction periodic on the unit box: the paper's torus. */
  periodic: boolean;
  edges: Edge[];
  /** One line for the notes (what the boundary is). */
  note: string;
}

function edgeKind(side: BoundarySide): EdgeKind | null {
  switch (side.kind) {
    case 'zero-flux':
      return 'wall';
    case 'dirichlet':
      return 'dirichlet';
    case 'far-field':
      return 'far-field';
    default:
      return null; // periodic, centre: no boundary
  }
}

function sideText(side: BoundarySide): string {
  return side.kind === 'dirichlet' ? `ρ = ${side.value}` : side.kind === 'far-field' && side.gamma !== undefined ? `far field (γ = ${side.gamma})` : side.kind;
}

/** The overlay of a validated config's domain. */
export function domainOverlay(config: Config): DomainOverlay {
  const spec = domainSpec(config);
  const radial = spec.geometry === 'radial';
  const bx = spec.box[0];
  const by = spec.box[1] ?? [0, 1];
  const box: [[number, number], [number, number]] = [[bx[0], bx[1]], [by[0], by[1]]];
  const names = radial ? ['r'] : ['x', 'y'].slice(0, spec.cells.length);
  const edges: Edge[] = [];
  spec.sides.forEach(([lo, hi], d) => {
    [lo, hi].forEach((side, k) => {
      const kind = edgeKind(side);
      if (!kind) return;
      const at = box[d][k];
      const value = side.kind === 'dirichlet' ? side.value : undefined;
      const [from, to]: [[number, number], [number, number]] = d === 0 ? [[at, box[1][0]], [at, box[1][1]]] : [[box[0][0], at], [box[0][1], at]];
      edges.push({ kind, from, to, ...(value !== undefined ? { value } : {}) });
    });
  });
  const periodic = !radial && spec.sides.every(([lo]) => lo.kind === 'periodic') && spec.box.every(([a, b]) => a === 0 && b === 1);
  const torus = `the unit torus T${spec.cells.length === 1 ? '' : '²'}`;
  const sides = spec.sides
    .map(([lo, hi], d) => (lo.kind === 'periodic' ? `${names[d]} periodic` : `${names[d]} = ${box[d][0]}: ${sideText(lo)}, ${names[d]} = ${box[d][1]}: ${sideText(hi)}`))
    .join('; ');
  const note = periodic
    ? `periodic domain: ${torus}`
    : radial
      ? `radial mesh of R^${spec.spaceDim}, r in [${bx[0]}, ${bx[1]}] (${spec.spacing.kind} cells): ${sides}`
      : `box ${box.slice(0, spec.cells.length).map(([a, b]) => `[${a}, ${b}]`).join(' × ')}: ${sides}`;
  return { box, axes: radial ? ['r', ''] : ['x', 'y'], periodic, edges, note };
}

/** Drawing style of each kind of edge. */
export const EDGE_STYLE: Record<EdgeKind, { colour: string; width: number; dash: number[]; label: string; looks: string }> = {
  wall: { colour: '#111', width: 4, dash: [], label: 'wall (zero flux)', looks: 'solid black' },
  dirichlet: { colour: '#1f5fbf', width: 4, dash: [10, 4], label: 'density held (Dirichlet): mass in or out', looks: 'dashed blue' },
  'far-field': { colour: '#d35400', width: 3, dash: [6, 5], label: 'far field (outflow to infinity)', looks: 'dashed orange' },
};

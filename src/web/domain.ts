/**
 * The domain as the views draw it: the box the cells cover, the axis names, and the boundary
 * segments (walls, outflow) drawn on the maps and charts. This is the one place where the page reads
 * the geometry from the config: today's schema has only the periodic unit torus ([0, 1)^d, no
 * boundary to draw); domains with walls, outflow or vacuum data and other geometries add their
 * segments here, from `config.domain`, and every view draws them (heatmap.ts `edges`, charts.ts
 * `domainPlugin`).
 */
import type { Config } from '../config/schema.js';

export type EdgeKind = 'wall' | 'outflow';

/** A boundary segment in box coordinates (1D: a point, from = to, at x). */
export interface Edge {
  kind: EdgeKind;
  from: [number, number];
  to: [number, number];
}

export interface DomainOverlay {
  /** [x0, x1] and [y0, y1] (1D: y is [0, 1], unused). */
  box: [[number, number], [number, number]];
  /** Names of the space axes. */
  axes: [string, string];
  periodic: boolean;
  edges: Edge[];
  /** One line for the notes (what the boundary is). */
  note: string;
}

/** The overlay of a config's domain. */
export function domainOverlay(config: Config): DomainOverlay {
  const dim = config.model.dim;
  return {
    box: [[0, 1], [0, 1]],
    axes: ['x', 'y'],
    periodic: true,
    edges: [],
    note: `periodic domain: the unit torus T${dim === 1 ? '' : '²'}`,
  };
}

/** Drawing style of each kind of edge. */
export const EDGE_STYLE: Record<EdgeKind, { colour: string; width: number; dash: number[]; label: string }> = {
  wall: { colour: '#111', width: 4, dash: [], label: 'wall' },
  outflow: { colour: '#d35400', width: 3, dash: [8, 5], label: 'outflow' },
};

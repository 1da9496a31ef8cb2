import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellAverages, makeGrid } from '../src/grid/grid.js';

test('cell averages of sin(2 pi x) are exact to the quadrature order', () => {
  const g = makeGrid([16]);
  const avg = cellAverages(g, (x) => Math.sin(2 * Math.PI * x));
  for (let i = 0; i < 16; i++) {
    const a = i / 16, b = (i + 1) / 16;
    const exact = (Math.cos(2 * Math.PI * a) - Math.cos(2 * Math.PI * b)) / (2 * Math.PI) * 16;
    assert.ok(Math.abs(avg[i] - exact) < 1e-9, `cell ${i}`);
  }
});

/**
 * The series columns the explorer reads by name (those of series.csv, src/diagnostics/*), looked up
 * so that a renamed column fails loudly instead of reading NaN. No imports: the page's bundle can
 * use it without pulling in the solvers.
 */

/** The kinetic series column that holds ||(I − Π)f||² (Theorem 2.3's distance uses it, as nlbgk compare does). */
export const NEQ_COLUMN = 'l2_neq_sq';

/** Index of a named column in a series row [t, ...columns]; a missing column is a programming error (a renamed column), not a NaN. */
export function rowIndex(columns: readonly string[], name: string): number {
  const i = columns.indexOf(name);
  if (i < 0) throw new Error(`explorer: the series has no column ${name} (columns: ${columns.join(', ')})`);
  return 1 + i;
}

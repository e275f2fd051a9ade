/** D1 binds at most 100 parameters per statement: a multi-row insert carries at most this many rows. */
const MAX_BOUND_PARAMETERS = 100;

export function rowChunks<T extends object>(rows: T[]): T[][] {
  if (rows.length === 0) return [];
  const perRow = Object.keys(rows[0]).length;
  const size = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / perRow));
  const chunks: T[][] = [];
  for (let start = 0; start < rows.length; start += size) chunks.push(rows.slice(start, start + size));
  return chunks;
}

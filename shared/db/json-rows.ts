import { getTableColumns, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

/** A field of `value`, json_each's current element (`alias.value` under an alias); keys are our own identifiers, never input. */
export function jsonField(key: string, asJson = false, element = "value"): SQL {
  if (!/^\w+$/.test(key) || !/^\w+(\.value)?$/.test(element)) throw new Error(`not a field name: ${element}.${key}`);
  // `->` keeps a nested object's JSON text (JSON columns); `->>` gives a scalar its SQL type.
  return sql.raw(`${element} ${asJson ? "->" : "->>"} '${key}'`);
}

/**
 * The SELECT list of `table`'s columns, in the table's order, read from a JSON row by
 * `jsonField`; `computed` gives some columns SQL of their own. For `insert(table).select(...)`
 * over `json_each`: any number of rows is one statement binding one value, where a row per
 * statement binds one per column (and D1 allows 100 a statement).
 */
export function columnsFromJson<T extends SQLiteTable>(table: T, computed: Partial<Record<keyof T["$inferSelect"], SQL>> = {}): SQL {
  const columns = Object.entries(getTableColumns(table)).map(
    ([key, column]) => computed[key as keyof T["$inferSelect"]] ?? jsonField(key, column.dataType === "json"),
  );
  return sql.join(columns, sql`, `);
}

/** `SELECT <columns> FROM json_each(rows) ORDER BY key`: rows keep the array's order. */
export function rowsFromJson<T extends SQLiteTable>(
  table: T,
  rows: string | Placeholder,
  computed: Partial<Record<keyof T["$inferSelect"], SQL>> = {},
): SQL {
  return sql`SELECT ${columnsFromJson(table, computed)} FROM json_each(${rows}) ORDER BY key`;
}

/** D1 refuses a string over 2 MB, a bound one too: a statement's rows stay well under it. */
export const MAX_JSON_ROWS_CHARS = 1_000_000;

function rowJson(row: object): string {
  return JSON.stringify(Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null && value !== undefined)));
}

/**
 * Whole rows (every column given) as `rowsFromJson` reads them, in as few JSON arrays as fit
 * `maxChars` each (a row longer than that gets one to itself). A null column is left out, so a
 * JSON column reads as SQL NULL rather than the JSON text `null`.
 */
export function jsonRowChunks(rows: readonly object[], maxChars = MAX_JSON_ROWS_CHARS): string[] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const json of rows.map(rowJson)) {
    if (current.length > 0 && size + json.length + 1 > maxChars) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(json);
    size += json.length + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks.map((chunk) => `[${chunk.join(",")}]`);
}

/** `jsonRowChunks` for rows known to be small (log rows, touches): one array. */
export function jsonRows(rows: readonly object[]): string {
  return `[${rows.map(rowJson).join(",")}]`;
}

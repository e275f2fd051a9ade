import { type AnyColumn, type SQL, sql } from "drizzle-orm";

/**
 * A list bound as one JSON parameter, `(SELECT value FROM json_each(?))`: any number of ids
 * stays within D1's 100 bound parameters per statement.
 */
export function jsonList(values: readonly string[]): SQL {
  return sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

export function inJsonList(column: AnyColumn, values: readonly string[]): SQL {
  return sql`${column} IN ${jsonList(values)}`;
}

import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export function database(d1: D1Database) {
  return drizzle(d1, { schema });
}
export type Database = ReturnType<typeof database>;

/** D1 reports constraint violations only in the message text. */
function errorText(error: unknown): string {
  return error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
}

export function isUniqueViolation(error: unknown, table: string): boolean {
  const text = errorText(error);
  return text.includes("UNIQUE constraint failed") && text.includes(`${table}.`);
}

/** A CHECK constraint of `table` refused the write (SQLite names the constraint, which names its table). */
export function isCheckViolation(error: unknown, table: string): boolean {
  const text = errorText(error);
  return text.includes("CHECK constraint failed") && text.includes(table);
}

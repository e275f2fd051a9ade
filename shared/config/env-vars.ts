import { z } from "zod";

/** A var holding a positive number; absent or not one → `fallback` (a typo never stops a worker). */
export function positiveNumber(fallback: number) {
  return z.coerce.number().positive().finite().catch(fallback);
}

import { type D1Meter, meteredD1, newMeter } from "../../shared/db/d1-meter";

/** A D1 binding that counts its round trips, for tests that hold D1 work to a budget. */
export function countingD1(inner: D1Database): { db: D1Database; counter: D1Meter } {
  const counter = newMeter();
  return { db: meteredD1(inner, counter), counter };
}

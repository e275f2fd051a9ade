import { log } from "../observability/logger";

/**
 * D1 work done through one binding: round trips (a `batch()` is one), statements, and rows
 * written as D1 reports them (`meta.rows_written`, index entries included; a statement run
 * through `raw()` or `first()` reports none, so this is a lower bound where those write).
 */
export type D1Meter = { roundTrips: number; statements: number; rowsWritten: number };

export function newMeter(): D1Meter {
  return { roundTrips: 0, statements: 0, rowsWritten: 0 };
}

type WithMeta = { meta?: { rows_written?: number } };

function countWritten(meter: D1Meter, results: unknown): void {
  for (const result of Array.isArray(results) ? results : [results])
    if (result && typeof result === "object" && "meta" in result) meter.rowsWritten += (result as WithMeta).meta?.rows_written ?? 0;
}

const EXECUTORS = new Set(["run", "all", "first", "raw"]);

function meteredStatement(statement: D1PreparedStatement, meter: D1Meter): D1PreparedStatement {
  return new Proxy(statement, {
    get(target, property) {
      if (property === "bind") return (...values: unknown[]) => meteredStatement(target.bind(...values), meter);
      const value = Reflect.get(target, property, target);
      if (typeof property === "string" && EXECUTORS.has(property) && typeof value === "function")
        return async (...args: unknown[]) => {
          meter.roundTrips++;
          meter.statements++;
          const result = await value.apply(target, args);
          if (property === "run" || property === "all") countWritten(meter, result);
          return result;
        };
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Wraps a D1 binding so every round trip and statement is counted. Used by the tests and,
 * when a worker runs with `D1_METER = "log"`, by the benchmark; never on by default.
 */
export function meteredD1(inner: D1Database, meter: D1Meter): D1Database {
  return new Proxy(inner, {
    get(target, property) {
      if (property === "prepare") return (query: string) => meteredStatement(target.prepare(query), meter);
      if (property === "batch")
        return async (statements: D1PreparedStatement[]) => {
          meter.roundTrips++;
          meter.statements += statements.length;
          const results = await target.batch(statements);
          countWritten(meter, results);
          return results;
        };
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Logs the meter as one JSON line, which the benchmark reads from the runtime's output. */
export function logMeter(worker: string, unit: string, count: number, meter: D1Meter, extra: Record<string, number> = {}): void {
  log.info("d1.meter", { worker, unit, count, ...meter, ...extra });
}

type MeterableEnv = { DB: D1Database; D1_METER?: string };

/**
 * With `D1_METER = "log"`, returns the env with a counting DB and a `report` that logs what
 * one unit of work (a request, a queue batch) cost, with any other counts the unit kept
 * (`extra`); otherwise the env untouched.
 */
export function meterEnv<E extends MeterableEnv>(
  env: E,
  worker: string,
): { env: E; report(unit: string, count: number, extra?: Record<string, number>): void } {
  if (env.D1_METER !== "log") return { env, report: () => undefined };
  const meter = newMeter();
  return { env: { ...env, DB: meteredD1(env.DB, meter) }, report: (unit, count, extra) => logMeter(worker, unit, count, meter, extra) };
}

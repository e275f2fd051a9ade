/**
 * Wraps a D1 binding and counts round trips: each `batch()` is one, and so is each statement
 * executed on its own (`run`, `all`, `first`, `raw`). Statements inside a batch are not.
 */
export function countingD1(inner: D1Database) {
  const counter = { roundTrips: 0 };
  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        if (property === "bind") return (...values: unknown[]) => wrapStatement(target.bind(...values));
        if (property === "run" || property === "all" || property === "first" || property === "raw") {
          const method = target[property] as (...args: unknown[]) => unknown;
          return (...args: unknown[]) => {
            counter.roundTrips++;
            return method.apply(target, args);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const db = new Proxy(inner, {
    get(target, property) {
      if (property === "prepare") return (query: string) => wrapStatement(target.prepare(query));
      if (property === "batch")
        return (statements: D1PreparedStatement[]) => {
          counter.roundTrips++;
          return target.batch(statements);
        };
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, counter };
}

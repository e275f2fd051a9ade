/**
 * A worker's settings parsed from its env once, not per request: the runtime hands every
 * request of an isolate the same env object, so the parse is cached against that object
 * (a test's own env object gets its own parse).
 */
export function parsedOnce<Env extends object, T>(parse: (env: Env) => T): (env: Env) => T {
  const cache = new WeakMap<Env, T>();
  return (env) => {
    const cached = cache.get(env);
    if (cached !== undefined) return cached;
    const parsed = parse(env);
    cache.set(env, parsed);
    return parsed;
  };
}

export type LoadResult = { count: number; accepted: number; seconds: number; latenciesMs: number[]; firstAt: number; lastAt: number };

/** Sends `count` requests with `concurrency` in flight, timing each; prints a progress line. */
export async function runLoad(
  count: number,
  concurrency: number,
  send: (index: number) => Promise<boolean>,
  label: string,
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  let accepted = 0;
  const firstAt = performance.now();
  const progress = setInterval(() => process.stdout.write(`\r  ${label}: ${latenciesMs.length}/${count} requests`), 250);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const started = performance.now();
        if (await send(index)) accepted++;
        latenciesMs.push(performance.now() - started);
      }
    }),
  );
  clearInterval(progress);
  const lastAt = performance.now();
  process.stdout.write(`\r  ${label}: ${count}/${count} requests\n`);
  return { count, accepted, seconds: (lastAt - firstAt) / 1000, latenciesMs, firstAt, lastAt };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Polls until `done()` reports every message delivered; returns when (performance.now()). */
export async function waitForDrain(total: number, done: () => Promise<number>, label: string, timeoutMs = 600_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let finished = 0;
  for (;;) {
    // A poll that fails (the runtime's proxy can hiccup under load) is simply tried again.
    finished = await done().catch(() => finished);
    process.stdout.write(`\r  ${label}: ${finished}/${total} delivered`);
    if (finished >= total) {
      process.stdout.write("\n");
      return performance.now();
    }
    if (performance.now() > deadline) throw new Error(`${label}: only ${finished}/${total} delivered in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

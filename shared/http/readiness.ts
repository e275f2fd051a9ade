import { secretHealth } from "../crypto/secret-canary";
import { UnavailableError } from "./errors";

export type Check = { ok: boolean; message?: string };

async function check(run: () => unknown): Promise<Check> {
  try {
    await run();
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : "failed" };
  }
}

/**
 * What a worker's `/health` checks: D1 answers, the delivery queue is bound, and the secret
 * opens the deploy's canary (so every worker holds the same one).
 */
export async function readinessChecks(deps: { d1: () => Promise<unknown>; queue: Queue<unknown> | undefined; env: object }) {
  return {
    d1: await check(deps.d1),
    queue: await check(() => {
      if (typeof deps.queue?.send !== "function") throw new Error("DELIVERY_QUEUE is not bound");
    }),
    secrets: await secretHealth(deps.env),
  } satisfies Record<string, Check>;
}

/** The 503 naming each failing check, or undefined when all are ready. */
export function notReady(checks: Record<string, Check>): UnavailableError | undefined {
  const failing = Object.entries(checks).filter(([, result]) => !result.ok);
  if (failing.length === 0) return undefined;
  const error = new UnavailableError(`Not ready: ${failing.map(([name]) => name).join(", ")}`);
  return Object.assign(error, { details: failing.map(([name, result]) => ({ path: name, message: result.message ?? "failed" })) });
}

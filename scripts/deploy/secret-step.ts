import { sealCanary } from "../../shared/crypto/secret-canary";
import type { WorkerConfig } from "./config";
import type { DeployContext } from "./context";
import type { SecretSource } from "./secrets";

const SECRET = "ENCRYPTION_SECRET";
const CANARY = "ENCRYPTION_CANARY";

async function secretNames(ctx: DeployContext, path: string): Promise<Set<string>> {
  const listed = JSON.parse(await ctx.query(["secret", "list", "-c", path, "--format", "json"])) as { name: string }[];
  return new Set(listed.map((s) => s.name));
}

/**
 * One ENCRYPTION_SECRET for every worker, and ENCRYPTION_CANARY sealed under it, each sent on
 * wrangler's stdin and never printed. A worker that already has both is left alone.
 */
export async function ensureSecrets(ctx: DeployContext, workers: { config: WorkerConfig; path: string }[], source: SecretSource) {
  if (ctx.dryRun) {
    ctx.step(`secret: generate one ${SECRET} (32 random bytes) and seal ${CANARY} under it; neither is printed`);
    for (const { config, path } of workers)
      ctx.step(
        `secret: ${SECRET} and ${CANARY} on ${config.name} unless already set (value on stdin)`,
        ["secret", "list", "-c", path, "--format", "json"],
        ["secret", "put", SECRET, "-c", path],
        ["secret", "put", CANARY, "-c", path],
      );
    return;
  }
  const present = await Promise.all(workers.map(async (w) => ({ ...w, names: await secretNames(ctx, w.path) })));
  const missing = present.filter((w) => !w.names.has(SECRET) || !w.names.has(CANARY));
  if (missing.length === 0) {
    ctx.skip(`secret: ${SECRET} and ${CANARY} are set on every worker`);
    source.settled();
    return;
  }
  const noneHasSecret = present.every((w) => !w.names.has(SECRET));
  const secret = source.pending() ?? source.provided ?? (noneHasSecret ? source.create() : undefined);
  if (!secret) {
    const holders = present.filter((w) => w.names.has(SECRET)).map((w) => w.config.name);
    throw new Error(
      `${SECRET} is already set on ${holders.join(", ")} but this machine does not hold it, so it cannot be given to the ` +
        `other workers nor sealed into ${CANARY}. Run again with RELAY_ENCRYPTION_SECRET set to that value (from your ` +
        "password manager); the canary then proves every worker holds it.",
    );
  }
  const canary = await sealCanary(secret);
  for (const w of missing) {
    if (!w.names.has(SECRET)) await ctx.change(`secret: ${SECRET} on ${w.config.name}`, ["secret", "put", SECRET, "-c", w.path], secret);
    await ctx.change(`secret: ${CANARY} on ${w.config.name}`, ["secret", "put", CANARY, "-c", w.path], canary);
  }
  source.settled();
}

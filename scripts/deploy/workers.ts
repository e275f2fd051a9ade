import { join } from "node:path";
import type { WorkerConfig } from "./config";
import type { DeployContext } from "./context";
import type { WranglerResult } from "./wrangler";

/** The URL a deploy published, from wrangler's output file or, failing that, its printed output. */
export function deployedUrl(result: WranglerResult): string | undefined {
  for (const entry of result.entries) {
    if (entry.type !== "deploy" || !Array.isArray(entry.targets)) continue;
    const url = entry.targets.find((t): t is string => typeof t === "string" && t.startsWith("https://"));
    if (url) return url;
  }
  return /https:\/\/[\w.-]+\.workers\.dev/.exec(result.stdout)?.[0];
}

/** Deploys one worker from its generated config; a dry run bundles it (offline) instead. */
export async function deployWorker(ctx: DeployContext, config: WorkerConfig, path: string, outDir: string): Promise<string | undefined> {
  if (ctx.dryRun) {
    ctx.step(`deploy: ${config.name} from ${path} (bundled now with --dry-run; nothing is uploaded)`, ["deploy", "-c", path]);
    const args = ["deploy", "--dry-run", "-c", path, "--outdir", join(outDir, "dist", config.worker)];
    await ctx.change(`bundle: ${config.name}`, args);
    return undefined;
  }
  const result = await ctx.change(`deploy: ${config.name}`, ["deploy", "-c", path]);
  const url = deployedUrl(result);
  ctx.log(`    ${config.name} is at ${url ?? "(no workers.dev URL: routes only)"}`);
  return url;
}

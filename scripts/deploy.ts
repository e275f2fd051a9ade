import { resolve } from "node:path";
import { deployContext } from "./deploy/context";
import { deploy } from "./deploy/plan";
import { fileSecretSource } from "./deploy/secrets";
import { wranglerCli } from "./deploy/wrangler";

/**
 * `npm run deploy [-- --dry-run]`: provisions and deploys Relay to the Cloudflare account wrangler
 * is logged in to (or CLOUDFLARE_API_TOKEN / CLOUDFLARE_ACCOUNT_ID). RELAY_WEBHOOKS_URL names the
 * webhooks worker's public URL when it is not its workers.dev one.
 */
const root = resolve(import.meta.dirname, "..");
const dryRun = process.argv.includes("--dry-run");
const outDir = resolve(root, ".relay", "deploy");
const ctx = deployContext(wranglerCli(root), dryRun, (line) => console.log(line));

console.log(dryRun ? "Relay deploy plan (dry run: no account needed, nothing changes)\n" : "Deploying Relay\n");
try {
  const result = await deploy(ctx, {
    root,
    outDir,
    webhooksUrl: process.env.RELAY_WEBHOOKS_URL || undefined,
    secrets: fileSecretSource(resolve(outDir, "pending-secret")),
  });
  if (dryRun) {
    console.log("\nDry run complete: every worker bundled from its generated config; nothing was created or deployed.");
  } else {
    console.log("\nDeployed.");
    for (const [worker, url] of Object.entries(result.urls)) console.log(`  ${worker.padEnd(9)} ${url ?? "(no workers.dev URL)"}`);
    if (result.opsKey) console.log(`\nThe first ops key (store it now; it is not shown again):\n\n  ${result.opsKey}\n`);
    if (result.urls.ingest) console.log(`Check: curl ${result.urls.ingest}/health   (each worker's /health opens the secret canary)`);
  }
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { bucketNames, databaseName, queueNames, readConfigs, renderConfig, type Worker } from "./config";
import type { DeployContext } from "./context";
import { ensureOpsKey } from "./ops-key";
import { ensureBucket, ensureDatabase, ensureQueue } from "./resources";
import { ensureSecrets } from "./secret-step";
import type { SecretSource } from "./secrets";
import { deployWorker } from "./workers";

export type DeployOptions = {
  root: string;
  /** Where the generated configs go (git-ignored), e.g. `<root>/.relay/deploy`. */
  outDir: string;
  /** The webhooks worker's public URL when it is not its workers.dev one (a custom domain). */
  webhooksUrl?: string;
  secrets: SecretSource;
};

export type DeployResult = { databaseId: string; urls: Partial<Record<Worker, string>>; opsKey?: string };

const DRY_WEBHOOKS_URL = "https://relay-webhooks.<your-subdomain>.workers.dev";

/**
 * Provision and deploy, in order: D1, the queues and the R2 buckets, generated configs, migrations, webhooks
 * (for its URL), dispatch (pointed at it; ingest binds dispatch's Durable Object), ingest, the
 * shared secret and its canary, the first ops key. Each step finds before it creates, so a
 * second run changes nothing it need not.
 */
export async function deploy(ctx: DeployContext, options: DeployOptions): Promise<DeployResult> {
  const configs = readConfigs(options.root);
  const database = databaseName(configs);
  const databaseId = await ensureDatabase(ctx, database);
  for (const queue of queueNames(configs)) await ensureQueue(ctx, queue);
  for (const bucket of bucketNames(configs)) await ensureBucket(ctx, bucket);

  mkdirSync(options.outDir, { recursive: true });
  const pathOf = (worker: Worker) => relative(options.root, join(options.outDir, `${worker}.toml`));
  const write = (worker: Worker, webhooksUrl?: string) => {
    const config = configs.find((c) => c.worker === worker);
    if (!config) throw new Error(`no config for ${worker}`);
    writeFileSync(
      join(options.root, pathOf(worker)),
      renderConfig(config, { root: options.root, outDir: options.outDir, databaseId, webhooksUrl }),
    );
    ctx.log(`→ config: ${pathOf(worker)} (${config.source} with the D1 id${webhooksUrl ? " and WEBHOOKS_PUBLIC_URL" : ""})`);
    return config;
  };

  const migrate = ["d1", "migrations", "apply", database, "--remote", "-c", pathOf("ingest")];
  write("ingest");
  if (ctx.dryRun) ctx.step(`migrations: apply what is new to "${database}" (remote)`, migrate);
  else await ctx.change(`migrations: apply what is new to "${database}" (remote)`, migrate);

  const urls: Partial<Record<Worker, string>> = {};
  // Absolute: wrangler resolves --outdir against the config's folder, not the working directory.
  const outDir = options.outDir;
  urls.webhooks = await deployWorker(ctx, write("webhooks"), pathOf("webhooks"), outDir);
  const webhooksUrl = options.webhooksUrl ?? urls.webhooks ?? (ctx.dryRun ? DRY_WEBHOOKS_URL : undefined);
  if (!webhooksUrl) throw new Error("relay-webhooks has no workers.dev URL: set RELAY_WEBHOOKS_URL to its public URL");
  urls.dispatch = await deployWorker(ctx, write("dispatch", webhooksUrl), pathOf("dispatch"), outDir);
  // Written again now the webhooks URL is known: the dashboard shows providers' callback URLs on it.
  urls.ingest = await deployWorker(ctx, write("ingest", webhooksUrl), pathOf("ingest"), outDir);

  await ensureSecrets(
    ctx,
    configs.map((config) => ({ config, path: pathOf(config.worker) })),
    options.secrets,
  );
  const opsKey = await ensureOpsKey(ctx, database, pathOf("ingest"));
  return { databaseId, urls, opsKey };
}

import type { DeployContext } from "./context";

type D1Entry = { uuid: string; name: string };

async function findDatabase(ctx: DeployContext, name: string): Promise<string | undefined> {
  const listed = await ctx.query(["d1", "list", "--json"]);
  const databases = JSON.parse(listed) as D1Entry[];
  return databases.find((d) => d.name === name)?.uuid;
}

/** The D1 database's id, created if it does not exist yet. */
export async function ensureDatabase(ctx: DeployContext, name: string): Promise<string> {
  if (ctx.dryRun) {
    ctx.step(`d1: find or create the database "${name}"`, ["d1", "list", "--json"], ["d1", "create", name]);
    return "<id of d1 database relay>";
  }
  const existing = await findDatabase(ctx, name);
  if (existing) {
    ctx.skip(`d1: database "${name}" exists (${existing})`);
    return existing;
  }
  await ctx.change(`d1: create the database "${name}"`, ["d1", "create", name]);
  const created = await findDatabase(ctx, name);
  if (!created) throw new Error(`wrangler created the D1 database "${name}" but does not list it`);
  return created;
}

export async function ensureBucket(ctx: DeployContext, name: string): Promise<void> {
  if (ctx.dryRun) {
    ctx.step(`r2: find or create the bucket "${name}"`, ["r2", "bucket", "info", name], ["r2", "bucket", "create", name]);
    return;
  }
  if ((await ctx.probe(["r2", "bucket", "info", name])) === 0) {
    ctx.skip(`r2: bucket "${name}" exists`);
    return;
  }
  await ctx.change(`r2: create the bucket "${name}"`, ["r2", "bucket", "create", name]);
}

export async function ensureQueue(ctx: DeployContext, name: string): Promise<void> {
  if (ctx.dryRun) {
    ctx.step(`queue: find or create "${name}"`, ["queues", "info", name], ["queues", "create", name]);
    return;
  }
  if ((await ctx.probe(["queues", "info", name])) === 0) {
    ctx.skip(`queue: "${name}" exists`);
    return;
  }
  await ctx.change(`queue: create "${name}"`, ["queues", "create", name]);
}

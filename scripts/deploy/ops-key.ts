import { newAdminKey } from "../admin-key";
import type { DeployContext } from "./context";

const COUNT_OPS_KEYS = "SELECT count(*) AS n FROM api_keys WHERE tenant_id IS NULL AND revoked_at IS NULL";

type ExecuteResult = { results?: { n?: number }[] }[];

/** The first ops key, only while the database has no live one; the key is returned once, to be shown once. */
export async function ensureOpsKey(ctx: DeployContext, database: string, ingestPath: string): Promise<string | undefined> {
  const base = ["d1", "execute", database, "--remote", "-c", ingestPath, "--json", "--command"];
  if (ctx.dryRun) {
    ctx.step("ops key: create the first ops key if the database has none (shown once; only its SHA-256 is stored)", [
      ...base,
      COUNT_OPS_KEYS,
    ]);
    return undefined;
  }
  const answer = JSON.parse(await ctx.query([...base, COUNT_OPS_KEYS])) as ExecuteResult;
  const count = answer[0]?.results?.[0]?.n ?? 0;
  if (count > 0) {
    ctx.skip(`ops key: the database has ${count} live ops key(s); none created`);
    return undefined;
  }
  const admin = newAdminKey("first ops admin (npm run deploy)");
  await ctx.change("ops key: store the first ops key's hash", [...base, admin.sql]);
  return admin.key;
}

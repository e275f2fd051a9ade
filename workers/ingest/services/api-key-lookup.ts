import { eq } from "drizzle-orm";
import { sha256Hex } from "../../../shared/crypto/sha256";
import type { Database } from "../../../shared/db/database";
import { apiKeys } from "../../../shared/db/schema";
import { UnauthorizedError } from "../../../shared/http/errors";
import type { Principal } from "../principal";

/**
 * Keys are cached in the isolate for a few seconds: ingest then costs no read per request.
 * A revocation takes effect at once in the isolate that made it, within CACHE_MS elsewhere.
 */
const CACHE_MS = 10_000;
const cache = new Map<string, { principal: Principal | null; until: number }>();

export async function principalForKey(db: Database, key: string): Promise<Principal> {
  const hash = await sha256Hex(key);
  const hit = cache.get(hash);
  const now = Date.now();
  let principal = hit && hit.until > now ? hit.principal : undefined;
  if (principal === undefined) {
    const row = await db.query.apiKeys.findFirst({ where: eq(apiKeys.keyHash, hash) });
    principal = row && !row.revokedAt ? { keyId: row.id, tenantId: row.tenantId, scopes: row.scopes } : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { principal, until: now + CACHE_MS });
  }
  if (!principal) throw new UnauthorizedError("The API key is unknown or revoked");
  return principal;
}

export function forgetKey(keyId: string): void {
  for (const [hash, entry] of cache) if (entry.principal?.keyId === keyId) cache.delete(hash);
}

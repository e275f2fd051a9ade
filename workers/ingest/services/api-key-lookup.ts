import { and, eq, isNull, lt, or } from "drizzle-orm";
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

/**
 * "Last used" costs no write per request: an isolate records a key's use at most once a
 * minute (and D1 keeps the newer of two isolates' times), after the answer (`waitUntil`), so
 * a request never waits for it. A busy key costs one small write a minute per isolate.
 */
const LAST_USED_EVERY_MS = 60_000;
const lastRecorded = new Map<string, number>();

export function recordKeyUse(db: Database, keyId: string, now = Date.now()): Promise<unknown> | null {
  if ((lastRecorded.get(keyId) ?? 0) > now - LAST_USED_EVERY_MS) return null;
  if (lastRecorded.size > 10_000) lastRecorded.clear();
  lastRecorded.set(keyId, now);
  const at = new Date(now).toISOString();
  const staleBefore = new Date(now - LAST_USED_EVERY_MS).toISOString();
  return db
    .update(apiKeys)
    .set({ lastUsedAt: at })
    .where(and(eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, staleBefore))))
    .catch(() => lastRecorded.delete(keyId));
}

export function forgetKey(keyId: string): void {
  for (const [hash, entry] of cache) if (entry.principal?.keyId === keyId) cache.delete(hash);
}

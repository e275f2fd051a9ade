import { eq } from "drizzle-orm";
import { sha256Hex } from "../../../shared/crypto/sha256";
import type { Database } from "../../../shared/db/database";
import { apiKeys, dashboardSessions } from "../../../shared/db/schema";
import type { Principal } from "../principal";
import { randomToken } from "./signed-token";

export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export type StoredSession = { kind: "active"; principal: Principal; csrf: string } | { kind: "ended" | "expired" | "revoked" };

/** Starts a session of the key; the token goes into the cookie, its hash into D1. */
export async function createSession(db: Database, keyId: string, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
  const token = randomToken();
  const expiresAt = now + SESSION_TTL_MS;
  await db.insert(dashboardSessions).values({
    tokenHash: await sha256Hex(token),
    keyId,
    csrf: randomToken(),
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
  });
  return { token, expiresAt };
}

/** The session and its key in one read: a revoked key or a deleted row ends the session here. */
export async function findSession(db: Database, token: string, now = Date.now()): Promise<StoredSession> {
  const tokenHash = await sha256Hex(token);
  const [row] = await db
    .select({ expiresAt: dashboardSessions.expiresAt, csrf: dashboardSessions.csrf, key: apiKeys })
    .from(dashboardSessions)
    .innerJoin(apiKeys, eq(apiKeys.id, dashboardSessions.keyId))
    .where(eq(dashboardSessions.tokenHash, tokenHash));
  if (!row) return { kind: "ended" };
  if (row.key.revokedAt) return { kind: "revoked" };
  if (row.expiresAt <= new Date(now).toISOString()) {
    await db.delete(dashboardSessions).where(eq(dashboardSessions.tokenHash, tokenHash));
    return { kind: "expired" };
  }
  return { kind: "active", csrf: row.csrf, principal: { keyId: row.key.id, tenantId: row.key.tenantId, scopes: row.key.scopes } };
}

export async function deleteSession(db: Database, token: string): Promise<void> {
  await db.delete(dashboardSessions).where(eq(dashboardSessions.tokenHash, await sha256Hex(token)));
}

/** Every session of the key, in every browser. */
export function deleteSessionsOfKey(db: Database, keyId: string) {
  return db.delete(dashboardSessions).where(eq(dashboardSessions.keyId, keyId));
}

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deleteExpiredDashboardSessions } from "../../workers/dispatch/expired-rows";
import { db } from "../support/dispatch-fixtures";

const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

describe("expired dashboard sessions", () => {
  it("are deleted by the cron; live ones stay", async () => {
    const keyId = `key_${crypto.randomUUID()}`;
    await env.DB.prepare(
      "INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, scopes, created_at) VALUES (?, NULL, 'ops', 'rk_x', ?, '[\"admin\"]', ?)",
    )
      .bind(keyId, crypto.randomUUID(), at(-600))
      .run();
    const session = (tokenHash: string, expiresAt: string) =>
      env.DB.prepare("INSERT INTO dashboard_sessions (token_hash, key_id, csrf, created_at, expires_at) VALUES (?, ?, 'c', ?, ?)")
        .bind(`${keyId}:${tokenHash}`, keyId, at(-600), expiresAt)
        .run();
    await session("old", at(-5));
    await session("live", at(60));

    expect(await deleteExpiredDashboardSessions(db())).toBeGreaterThanOrEqual(1);

    const left = await env.DB.prepare("SELECT token_hash FROM dashboard_sessions WHERE key_id = ?")
      .bind(keyId)
      .all<{ token_hash: string }>();
    expect(left.results.map((r) => r.token_hash)).toEqual([`${keyId}:live`]);
  });
});

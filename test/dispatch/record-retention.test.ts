import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deadLetters, unmatchedCallbacks } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import worker from "../../workers/dispatch/index";
import { purgePastRetention, RETENTION_CHUNK } from "../../workers/dispatch/record-retention";
import { db, newTenant, queuedMessage } from "../support/dispatch-fixtures";

const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

type LetterState = { redrivenAt?: string; discardedAt?: string };

async function deadLetter(tenantId: string, deadLetteredAt: string, state: LetterState = {}): Promise<string> {
  const message = await queuedMessage(tenantId, { status: "failed" });
  const id = newId("deadLetter");
  await db()
    .insert(deadLetters)
    .values({ id, messageId: message.id, tenantId, lastError: "boom", attempts: 6, body: {}, deadLetteredAt, ...state });
  return id;
}

async function unmatched(providerId: string, receivedAt: string): Promise<string> {
  const id = crypto.randomUUID();
  await db()
    .insert(unmatchedCallbacks)
    .values({ id, providerId, kind: "delivered", payload: {}, dedupeKey: `dk-${id}`, receivedAt });
  return id;
}

async function remainingLetters(ids: string[]): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT id FROM dead_letters WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id")
    .bind(JSON.stringify(ids))
    .all<{ id: string }>();
  return rows.results.map((row) => row.id);
}

async function remainingCallbacks(providerId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM unmatched_callbacks WHERE provider_id = ?")
    .bind(providerId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("retention of dead letters and unmatched callbacks", () => {
  it("purges resolved dead letters past their retention; a pending one stays however old", async () => {
    const tenantId = await newTenant();
    const pendingOld = await deadLetter(tenantId, daysAgo(400));
    const redrivenOld = await deadLetter(tenantId, daysAgo(50), { redrivenAt: daysAgo(40) });
    const discardedOld = await deadLetter(tenantId, daysAgo(50), { discardedAt: daysAgo(31) });
    // Dead-lettered long ago but resolved recently: its retention counts from the resolution.
    const discardedRecently = await deadLetter(tenantId, daysAgo(90), { discardedAt: daysAgo(2) });
    const redrivenRecently = await deadLetter(tenantId, daysAgo(3), { redrivenAt: daysAgo(1) });

    const purged = await purgePastRetention(db(), { deadLetters: 30, unmatchedCallbacks: 30 });

    expect(purged.deadLetters).toBeGreaterThanOrEqual(2);
    const all = [pendingOld, redrivenOld, discardedOld, discardedRecently, redrivenRecently];
    expect(await remainingLetters(all)).toEqual([pendingOld, discardedRecently, redrivenRecently].sort());
  });

  it("purges unmatched callbacks older than their own retention, in chunks, oldest first", async () => {
    const providerId = newId("provider");
    const old = RETENTION_CHUNK + 20;
    // One statement: ages from 20 days down, a minute apart, so "oldest first" has an order to keep.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
       INSERT INTO unmatched_callbacks (id, provider_id, kind, payload, dedupe_key, received_at)
       SELECT ? || '-' || i, ?, 'delivered', '{}', ? || '-dk-' || i, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-20 days', '+' || i || ' minutes') FROM n`,
    )
      .bind(old, providerId, providerId, providerId)
      .run();
    const recent = await unmatched(providerId, daysAgo(5));

    // Retention 10 days: more than one chunk is old, and all of it goes in one tick.
    const purged = await purgePastRetention(db(), { deadLetters: 30, unmatchedCallbacks: 10 });

    expect(purged.unmatchedCallbacks).toBeGreaterThanOrEqual(old);
    expect(await remainingCallbacks(providerId)).toBe(1);
    expect(await env.DB.prepare("SELECT id FROM unmatched_callbacks WHERE id = ?").bind(recent).first()).not.toBeNull();
  });

  it("runs in the dispatch cron with the configured retention", async () => {
    const tenantId = await newTenant();
    const providerId = newId("provider");
    const discarded = await deadLetter(tenantId, daysAgo(10), { discardedAt: daysAgo(8) });
    const pending = await deadLetter(tenantId, daysAgo(10));
    await unmatched(providerId, daysAgo(8));
    await unmatched(providerId, daysAgo(1));
    const bindings = { ...env, DEAD_LETTER_RETENTION_DAYS: "7", UNMATCHED_CALLBACK_RETENTION_DAYS: "7" };

    await worker.scheduled({ cron: "* * * * *", scheduledTime: Date.now(), noRetry: () => {} }, bindings);

    expect(await remainingLetters([discarded, pending])).toEqual([pending]);
    expect(await remainingCallbacks(providerId)).toBe(1);
  });
});

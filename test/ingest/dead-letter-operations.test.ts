import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { describe, expect, it } from "vitest";
import { database } from "../../shared/db/database";
import { bulkOperations, deadLetters, messageEvents, messages } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import { advanceBulkOperation, advanceRunningBulkOperations } from "../../shared/recovery/bulk-operation";
import { call, callApp, countRows, createOpsKey, createTenant, downQueue, expectSuccessEnvelope, spyQueue } from "../support/api";
import { expectInvalid } from "../support/checks";
import { insertProvider } from "../support/d1-fixtures";
import { csrfOf, signedInBrowser } from "../support/dashboard-browser";

type Operation = { id: string; state: string; total: number; processed: number; succeeded: number; lastError: string | null };

const db = () => database(env.DB);

/** `count` failed messages with pending dead letters, as the DLQ consumer leaves them. */
async function seedDeadLetters(tenantId: string, count: number, seed: { providerId?: string; lastError?: string; at?: string } = {}) {
  const at = seed.at ?? new Date(Date.now() - 60_000).toISOString();
  const rows = Array.from({ length: count }, () => ({ messageId: newId("message"), id: newId("deadLetter") }));
  // One row per statement: D1 binds at most 100 variables to one.
  const writes = rows.flatMap((row) => [
    db()
      .insert(messages)
      .values({
        id: row.messageId,
        tenantId,
        channel: "sms",
        direction: "outbound",
        recipient: "+14155550100",
        content: { text: "hello" },
        status: "failed",
        attempts: 4,
        lastError: seed.lastError ?? "every provider failed; last: twilio http_503",
        metadata: {},
        createdAt: at,
        updatedAt: at,
      }),
    db()
      .insert(deadLetters)
      .values({
        id: row.id,
        messageId: row.messageId,
        tenantId,
        providerId: seed.providerId ?? "prv_seeded",
        lastError: seed.lastError ?? "every provider failed; last: twilio http_503",
        attempts: 4,
        body: {},
        deadLetteredAt: at,
      }),
  ]);
  await db().batch(writes as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  return rows;
}

const start = (key: string, body: Record<string, unknown>) => call<Operation>("POST", "/v1/dead-letter-operations", { key, body });

describe("dead-letter operations: everything matching a filter", () => {
  it("redrives every match in chunks, one audit record, and leaves the rest alone", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const other = await createTenant(opsKey, "Other");
    const matching = await seedDeadLetters(tenant.tenantId, 120, { providerId: "prv_down" });
    const otherProvider = await seedDeadLetters(tenant.tenantId, 3, { providerId: "prv_fine" });
    const otherTenant = await seedDeadLetters(other.tenantId, 3, { providerId: "prv_down" });

    const answer = await start(tenant.adminKey, { action: "redrive", providerId: "prv_down" });
    const op = expectSuccessEnvelope(answer, 202);
    expect(op).toMatchObject({ state: "done", total: 120, processed: 120, succeeded: 120, lastError: null });

    const ids = matching.map((m) => m.messageId);
    expect(await countRows("messages", "tenant_id = ? AND status = 'queued'", tenant.tenantId)).toBe(120);
    const events = await db().select().from(messageEvents).where(eq(messageEvents.messageId, ids[0]));
    expect(events.map((e) => e.reason)).toEqual([`redriven from dead letter by bulk operation ${op.id}`]);
    for (const untouched of [...otherProvider, ...otherTenant])
      expect(await countRows("dead_letters", "id = ? AND redriven_at IS NULL", untouched.id)).toBe(1);

    expect(await countRows("audit_log", "target = ? AND action = 'dead-letters.bulk-redrive'", op.id)).toBe(1);
    const audit = await call<{ items: { action: string; target: string; details: Record<string, unknown> }[] }>("GET", "/v1/audit-log", {
      key: tenant.adminKey,
    });
    expect(expectSuccessEnvelope(audit).items[0]).toMatchObject({
      action: "dead-letters.bulk-redrive",
      target: op.id,
      details: { via: "api", matched: 120, filter: { providerId: "prv_down", tenantId: tenant.tenantId } },
    });
    // Another tenant sees neither the operation nor its audit record.
    expect((await call("GET", `/v1/dead-letter-operations/${op.id}`, { key: other.adminKey })).status).toBe(404);
    const otherAudit = await call<{ items: { target: string }[] }>("GET", "/v1/audit-log", { key: other.adminKey });
    expect(expectSuccessEnvelope(otherAudit).items.map((i) => i.target)).not.toContain(op.id);
    expect(expectSuccessEnvelope(await call<Operation>("GET", `/v1/dead-letter-operations/${op.id}`, { key: opsKey }))).toMatchObject({
      succeeded: 120,
    });
  });

  it("discards by error text and time range; the message stays failed", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const early = await seedDeadLetters(tenant.tenantId, 2, { lastError: "Twilio 30003 unreachable", at: "2026-01-01T10:00:00.000Z" });
    const late = await seedDeadLetters(tenant.tenantId, 2, { lastError: "Twilio 30003 unreachable", at: "2026-01-03T10:00:00.000Z" });
    const otherError = await seedDeadLetters(tenant.tenantId, 2, { lastError: "http_500", at: "2026-01-01T10:00:00.000Z" });

    const op = expectSuccessEnvelope(
      await start(opsKey, {
        action: "discard",
        tenantId: tenant.tenantId,
        q: "30003",
        since: "2026-01-01T00:00:00Z",
        until: "2026-01-02T00:00:00Z",
      }),
      202,
    );
    expect(op).toMatchObject({ state: "done", total: 2, succeeded: 2 });
    for (const row of early) {
      expect(await countRows("dead_letters", "id = ? AND discarded_at IS NOT NULL", row.id)).toBe(1);
      expect(await countRows("messages", "id = ? AND status = 'failed'", row.messageId)).toBe(1);
    }
    for (const row of [...late, ...otherError]) expect(await countRows("dead_letters", "id = ? AND discarded_at IS NULL", row.id)).toBe(1);
  });

  it("checks its input: a bad action, a target for a discard, an unknown or another tenant's target provider", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const other = await createTenant(opsKey, "Other");
    const theirs = await insertProvider({ tenantId: other.tenantId, type: "system", channel: "sms", name: "theirs", config: {} });
    expectInvalid(await start(tenant.adminKey, { action: "explode" }), "action");
    expectInvalid(await start(tenant.adminKey, { action: "discard", targetProviderId: theirs }), "targetProviderId");
    expectInvalid(await start(tenant.adminKey, { action: "redrive", targetProviderId: theirs }), "targetProviderId");
    expectInvalid(await start(tenant.adminKey, { action: "redrive", since: "yesterday" }), "since");
    expect((await start(tenant.adminKey, { action: "redrive", tenantId: other.tenantId })).status).toBe(403);
    expect(await countRows("bulk_operations", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("a redrive to a chosen provider carries it on every job", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const spare = await insertProvider({ tenantId: tenant.tenantId, type: "system", channel: "sms", name: "spare", config: {} });
    await seedDeadLetters(tenant.tenantId, 3);
    const spy = spyQueue();
    const answer = await callApp<Operation>({ DELIVERY_QUEUE: spy.queue }, "POST", "/v1/dead-letter-operations", {
      key: tenant.adminKey,
      body: { action: "redrive", targetProviderId: spare },
    });
    expect(expectSuccessEnvelope(answer, 202).succeeded).toBe(3);
    expect(spy.jobs.map((job) => (job.body as { providerId?: string }).providerId)).toEqual([spare, spare, spare]);
    expect(spy.calls.sendBatch).toBe(1);
  });
});

describe("dead-letter operations: resumable", () => {
  async function operationOver(tenantId: string, total: number) {
    const id = newId("bulkOperation");
    const now = new Date().toISOString();
    await db().insert(bulkOperations).values({
      id,
      tenantId,
      action: "redrive",
      filter: { tenantId },
      state: "running",
      upTo: now,
      total,
      createdByKeyId: "key_test",
      requestId: "req_test",
      createdAt: now,
      updatedAt: now,
    });
    return id;
  }

  it("works a chunk at a time; a runner that died is taken over once its lease lapses; the cron finishes", async () => {
    const tenant = await createTenant(await createOpsKey());
    await seedDeadLetters(tenant.tenantId, 130);
    const id = await operationOver(tenant.tenantId, 130);
    const runner = { db: db(), queue: env.DELIVERY_QUEUE };

    expect(await advanceBulkOperation(runner, id, 0)).toMatchObject({ state: "running", processed: 50, succeeded: 50 });
    // A runner holds it (and died): nobody else works on it until the lease lapses.
    await db()
      .update(bulkOperations)
      .set({ leaseUntil: new Date(Date.now() + 30_000).toISOString() })
      .where(eq(bulkOperations.id, id));
    expect(await advanceBulkOperation(runner, id, 0)).toBeUndefined();
    await db()
      .update(bulkOperations)
      .set({ leaseUntil: new Date(Date.now() - 1).toISOString() })
      .where(eq(bulkOperations.id, id));

    expect(await advanceRunningBulkOperations(runner, 10_000)).toBeGreaterThanOrEqual(1);
    const done = await db().query.bulkOperations.findFirst({ where: eq(bulkOperations.id, id) });
    expect(done).toMatchObject({ state: "done", processed: 130, succeeded: 130, leaseUntil: null });
    expect(await countRows("dead_letters", "tenant_id = ? AND redriven_at IS NULL", tenant.tenantId)).toBe(0);
  });

  it("a queue outage puts the chunk back as it was and keeps the cursor; the next run redrives it", async () => {
    const tenant = await createTenant(await createOpsKey());
    const rows = await seedDeadLetters(tenant.tenantId, 5);
    const id = await operationOver(tenant.tenantId, 5);

    const stalled = await advanceBulkOperation({ db: db(), queue: downQueue() }, id, 0);
    expect(stalled).toMatchObject({ state: "running", processed: 0, succeeded: 0 });
    expect(stalled?.lastError).toContain("queue was unavailable");
    for (const row of rows) {
      expect(await countRows("dead_letters", "id = ? AND redriven_at IS NULL", row.id)).toBe(1);
      expect(await countRows("messages", "id = ? AND status = 'failed' AND attempts = 4", row.messageId)).toBe(1);
    }
    const events = await db().select().from(messageEvents).where(eq(messageEvents.messageId, rows[0].messageId));
    expect(events.map((e) => e.status)).toEqual(["queued", "failed"]);

    expect(await advanceBulkOperation({ db: db(), queue: env.DELIVERY_QUEUE }, id, 0)).toMatchObject({
      state: "done",
      succeeded: 5,
      lastError: null,
    });
  });
});

describe("dead-letter operations in the dashboard", () => {
  it("redrives everything matching the filter after a confirmation page, shows progress, keeps the filters, and audits it", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const other = await createTenant(opsKey, "Other");
    await seedDeadLetters(tenant.tenantId, 60, { providerId: "prv_down" });
    const spared = await seedDeadLetters(tenant.tenantId, 2, { providerId: "prv_fine" });
    const browser = await signedInBrowser(tenant.adminKey);

    const confirm = await browser.get("/dashboard/dead-letters/bulk?action=redrive&providerId=prv_down");
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain("<strong>60</strong> dead letters match now.");
    expect(confirm.html).toContain("No enabled provider has an open circuit.");

    const unconfirmed = await browser.post("/dashboard/dead-letters/bulk", {
      _csrf: csrfOf(confirm.html),
      action: "redrive",
      providerId: "prv_down",
    });
    expect(unconfirmed.status).toBe(400);
    expect(await countRows("bulk_operations", "tenant_id = ?", tenant.tenantId)).toBe(0);

    const started = await browser.post("/dashboard/dead-letters/bulk", {
      _csrf: csrfOf(confirm.html),
      action: "redrive",
      providerId: "prv_down",
      confirm: "yes",
    });
    expect(started.status).toBe(303);
    expect(started.location).toMatch(/^\/dashboard\/dead-letters\/operations\/bop_\w+\?providerId=prv_down$/);
    const progress = await browser.get(started.location ?? "");
    expect(progress.html).toContain("Done: 60 of 60 redriven");
    expect(progress.html).toContain('href="/dashboard/dead-letters?providerId=prv_down"');
    for (const row of spared) expect(await countRows("dead_letters", "id = ? AND redriven_at IS NULL", row.id)).toBe(1);

    const audit = await browser.get("/dashboard/audit-log");
    expect(audit.html).toContain("dead-letters.bulk-redrive");
    expect(audit.html).toContain("dashboard.sign-in");

    const operationId = started.location?.split("/").at(-1)?.split("?")[0] ?? "";
    const outsider = await signedInBrowser(other.adminKey);
    expect((await outsider.get(`/dashboard/dead-letters/operations/${operationId}`)).status).toBe(404);
    expect((await outsider.get("/dashboard/audit-log")).html).not.toContain(operationId);
  });

  it("redrives every one on the page and shows the list again under the same filters", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const matching = await seedDeadLetters(tenant.tenantId, 3, { lastError: "Twilio 30003 unreachable" });
    const browser = await signedInBrowser(tenant.adminKey);
    const page = await browser.get("/dashboard/dead-letters?q=30003");
    expect(page.html).toContain("Redrive all 3 on this page");
    const answer = await browser.post("/dashboard/dead-letters/redrive", {
      _csrf: csrfOf(page.html),
      confirm: "yes",
      scope: "page",
      q: "30003",
      pageIds: matching.map((m) => m.id),
    });
    expect(answer.status).toBe(200);
    expect(answer.html).toContain("3 of 3 redriven.");
    expect(answer.html).toContain('name="q" type="search" value="30003"');
    expect(await countRows("dead_letters", "tenant_id = ? AND redriven_at IS NOT NULL", tenant.tenantId)).toBe(3);
  });

  it("filters by the day a dead letter was written", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const first = await seedDeadLetters(tenant.tenantId, 1, { at: "2026-01-01T10:00:00.000Z" });
    const second = await seedDeadLetters(tenant.tenantId, 1, { at: "2026-01-02T10:00:00.000Z" });
    const browser = await signedInBrowser(tenant.adminKey);
    const page = await browser.get("/dashboard/dead-letters?since=2026-01-02&until=2026-01-02");
    expect(page.html).toContain(second[0].id);
    expect(page.html).not.toContain(first[0].id);
    expect((await browser.get("/dashboard/dead-letters?since=yesterday")).status).toBe(400);
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../shared/db/database";
import { deadLetters, messageEvents, messages } from "../../shared/db/schema";
import { rejectedReason, unavailableReason } from "../../shared/domain/attempt-reason";
import { newId } from "../../shared/domain/ids";
import { call, countRows, createOpsKey, createTenant, expectSuccessEnvelope, type TenantFixture } from "../support/api";
import { insertProvider } from "../support/d1-fixtures";
import { signedInBrowser } from "../support/dashboard-browser";

type Attempts = { providerId: string; providerName: string | null; attempts: number; lastError: string | null };

/** A dead-lettered message whose two providers each failed, as dispatch words its attempt events. */
async function deadLetterAfterTwoProviders(tenant: TenantFixture) {
  const db = database(env.DB);
  const primary = await insertProvider({ tenantId: tenant.tenantId, type: "system", channel: "sms", name: "Twilio primary", config: {} });
  const spare = await insertProvider({ tenantId: tenant.tenantId, type: "system", channel: "sms", name: "Spare SMS", config: {} });
  const messageId = newId("message");
  const letterId = newId("deadLetter");
  const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, second)).toISOString();
  await db.insert(messages).values({
    id: messageId,
    tenantId: tenant.tenantId,
    channel: "sms",
    direction: "outbound",
    recipient: "+14155550100",
    content: { text: "hello" },
    status: "failed",
    attempts: 2,
    lastError: "every provider failed; last: system http_503: down",
    metadata: {},
    createdAt: at(0),
    updatedAt: at(9),
  });
  const attempt = (providerId: string, reason: string, second: number) => ({
    id: newId("event"),
    messageId,
    status: "sending" as const,
    reason,
    source: "internal" as const,
    providerId,
    occurredAt: at(second),
  });
  await db.insert(messageEvents).values([
    attempt(primary, unavailableReason(`system Twilio primary (${primary})`, "timeout: the provider did not answer in time"), 1),
    attempt(spare, unavailableReason(`system Spare SMS (${spare})`, "http_500: boom"), 2),
    attempt(primary, unavailableReason(`system Twilio primary (${primary})`, "http_401: bad credentials"), 5),
    attempt(spare, unavailableReason(`system Spare SMS (${spare})`, "http_503: down"), 6),
    // A TPS wait names a provider but is not a call.
    attempt(spare, `over Spare SMS's TPS limit; waiting 1s`, 7),
  ]);
  await db.insert(deadLetters).values({
    id: letterId,
    messageId,
    tenantId: tenant.tenantId,
    providerId: spare,
    lastError: "every provider failed; last: system http_503: down",
    attempts: 2,
    body: { job: { messageId } },
    deadLetteredAt: at(9),
  });
  return { letterId, messageId, primary, spare };
}

describe("a dead letter says why", () => {
  it("GET /v1/dead-letters/:id lists every provider tried, its calls and its last error; another tenant gets 404", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const other = await createTenant(opsKey, "Other");
    const seeded = await deadLetterAfterTwoProviders(tenant);

    const answer = await call<{ providerId: string; providerAttempts: Attempts[] }>("GET", `/v1/dead-letters/${seeded.letterId}`, {
      key: tenant.adminKey,
    });
    const letter = expectSuccessEnvelope(answer);
    expect(letter.providerId).toBe(seeded.spare);
    expect(letter.providerAttempts).toEqual([
      expect.objectContaining({ providerId: seeded.spare, providerName: "Spare SMS", attempts: 2, lastError: "http_503: down" }),
      expect.objectContaining({
        providerId: seeded.primary,
        providerName: "Twilio primary",
        attempts: 2,
        lastError: "http_401: bad credentials",
      }),
    ]);

    expect((await call("GET", `/v1/dead-letters/${seeded.letterId}`, { key: other.adminKey })).status).toBe(404);
  });

  it("a rejection is the provider's last error too", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const seeded = await deadLetterAfterTwoProviders(tenant);
    await database(env.DB)
      .insert(messageEvents)
      .values({
        id: newId("event"),
        messageId: seeded.messageId,
        status: "failed",
        reason: rejectedReason(`system Twilio primary (${seeded.primary})`, "21211: invalid number"),
        source: "internal",
        providerId: seeded.primary,
        occurredAt: new Date(Date.UTC(2026, 0, 1, 12, 0, 8)).toISOString(),
      });
    const answer = await call<{ providerAttempts: Attempts[] }>("GET", `/v1/dead-letters/${seeded.letterId}`, { key: tenant.adminKey });
    expect(expectSuccessEnvelope(answer).providerAttempts[0]).toMatchObject({
      providerId: seeded.primary,
      attempts: 3,
      lastError: "21211: invalid number",
    });
  });

  it("the dashboard shows the providers tried by name; the message page links to its dead letter and redrives it", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const seeded = await deadLetterAfterTwoProviders(tenant);
    const browser = await signedInBrowser(tenant.adminKey);

    const letterPage = await browser.get(`/dashboard/dead-letters/${seeded.letterId}`);
    expect(letterPage.html).toContain("Providers tried");
    expect(letterPage.html).toContain("Twilio primary");
    expect(letterPage.html).toContain("http_401: bad credentials");

    const messagePage = await browser.get(`/dashboard/messages/${seeded.messageId}`);
    expect(messagePage.html).toContain(`href="/dashboard/dead-letters/${seeded.letterId}"`);
    expect(messagePage.html).toContain("Redrive this message");

    const redriven = await browser.post(`/dashboard/dead-letters/${seeded.letterId}/redrive`, {
      _csrf: await browser.token(),
      confirm: "yes",
      from: "message",
    });
    expect(redriven.status).toBe(303);
    expect(redriven.location).toBe(`/dashboard/messages/${seeded.messageId}?done=redriven`);
    expect(await countRows("messages", "id = ? AND status = 'queued'", seeded.messageId)).toBe(1);
    const after = await browser.get(redriven.location ?? "");
    expect(after.html).toContain("Redriven: the message is queued for delivery again.");
    expect(after.html).not.toContain("Redrive this message");
  });
});

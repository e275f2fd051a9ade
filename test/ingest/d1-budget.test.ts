import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callApp, createOpsKey, createTenant, email, sms } from "../support/api";
import { countingD1 } from "../support/d1-counter";

/**
 * One send by a fresh tenant with its D1 work counted. The API key is looked up once first (a
 * send of `warmUp`), so the cached lookup does not count.
 */
async function countedSend<T = Record<string, unknown>>(
  path: string,
  body: unknown,
  options: { warmUp?: unknown; headers?: Record<string, string> } = {},
) {
  const tenant = await createTenant(await createOpsKey());
  await callApp({}, "POST", "/v1/messages", { key: tenant.sendKey, body: options.warmUp ?? sms() });
  const { db, counter } = countingD1(env.DB);
  const answer = await callApp<T>({ DB: db }, "POST", path, { key: tenant.sendKey, body, headers: options.headers });
  return { answer, counter };
}

/** The D1 work of accepting, held to its budget (README, Performance: "D1 work per path"). */
describe("D1 budget of acceptance", () => {
  it("one message: one round trip, two statements, one row written with its event on it", async () => {
    const { answer, counter } = await countedSend("/v1/messages", sms());
    expect(answer.status).toBe(202);
    // The message (carrying its `queued` event), and the touch of its counterpart's conversation
    // (which writes nothing when there is none).
    expect(counter).toMatchObject({ roundTrips: 1, statements: 2 });
    // D1 counts index entries as rows: the message's row, its text primary key's index,
    // tenant_created and status_updated (the partial indexes skip it). No `message_events` row.
    expect(counter.rowsWritten).toBe(4);
  });

  it("an email: no conversation to look up or touch, one statement", async () => {
    const { answer, counter } = await countedSend("/v1/messages", email(), { warmUp: email() });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ data: { conversationId: null } });
    expect(counter).toMatchObject({ roundTrips: 1, statements: 1, rowsWritten: 4 });
  });

  it("a batch of 100: still one round trip, and two statements", async () => {
    const messages = Array.from({ length: 100 }, () => sms());
    const { answer, counter } = await countedSend("/v1/messages/batch", { messages });
    expect(answer.status).toBe(202);
    // The hundred messages (each with its `queued` event) and their conversations' touches: one statement each.
    expect(counter).toMatchObject({ roundTrips: 1, statements: 2, rowsWritten: 400 });
  });

  it("a batch of large messages is split so no statement's rows near D1's 2 MB string limit, each message stored whole", async () => {
    const text = (index: number) => `${index}:${"x".repeat(99_990)}`;
    const messages = Array.from({ length: 25 }, (_, index) => email({ content: { text: text(index) } }));
    const { answer, counter } = await countedSend<{ items: { id: string }[] }>("/v1/messages/batch", { messages }, { warmUp: email() });
    expect(answer.status).toBe(202);
    // 2.5 MB of rows: three inserts of at most 1 MB each.
    expect(counter).toMatchObject({ roundTrips: 1, statements: 3 });
    const ids = (answer.body as { data: { items: { id: string }[] } }).data.items.map((item) => item.id);
    for (const [index, id] of ids.entries()) {
      const row = await env.DB.prepare("SELECT content FROM messages WHERE id = ?").bind(id).first<{ content: string }>();
      expect(JSON.parse(row?.content ?? "{}").text).toBe(text(index));
    }
  });

  it("an Idempotency-Key adds one statement and one completion write, not a read", async () => {
    const { answer, counter } = await countedSend("/v1/messages", sms(), { headers: { "idempotency-key": "budget-1" } });
    expect(answer.status).toBe(202);
    expect(counter).toMatchObject({ roundTrips: 2, statements: 4 });
  });
});

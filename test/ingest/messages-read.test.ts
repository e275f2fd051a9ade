import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  call,
  countRows,
  detailPaths,
  email,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  freshTenant,
  push,
  sms,
  type TenantFixture,
  webhook,
} from "../support/api";
import { eventsOf } from "../support/d1-fixtures";

type Message = { id: string; tenantId: string; channel: string; to: string; status: string; createdAt: string; updatedAt: string };
type Event = { id: string; status: string; reason: string | null; source: string; providerId: string | null; occurredAt: string };
type Page = { items: Message[]; nextCursor: string | null };

async function sendAll(tenant: TenantFixture, messages: unknown[]): Promise<Message[]> {
  const answer = await call<{ items: Message[] }>("POST", "/v1/messages/batch", { key: tenant.sendKey, body: { messages } });
  return expectSuccessEnvelope(answer, 202).items;
}

async function setColumn(id: string, column: "status" | "created_at", value: string) {
  await env.DB.prepare(`UPDATE messages SET ${column} = ? WHERE id = ?`).bind(value, id).run();
}

function list(tenant: TenantFixture, query: Record<string, string | number> = {}, key = tenant.readKey) {
  const params = new URLSearchParams(Object.entries(query).map(([name, value]): [string, string] => [name, String(value)]));
  const suffix = params.size > 0 ? `?${params}` : "";
  return call<Page>("GET", `/v1/messages${suffix}`, { key });
}

async function listIds(tenant: TenantFixture, query: Record<string, string | number> = {}) {
  const page = expectSuccessEnvelope(await list(tenant, query));
  expect(page.nextCursor).toBeNull();
  return page.items.map((item) => item.id);
}

/** Follows nextCursor to the end; returns each page's ids. */
async function allPages(tenant: TenantFixture, query: Record<string, string | number>): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page: Page = expectSuccessEnvelope(await list(tenant, cursor ? { ...query, cursor } : query));
    pages.push(page.items.map((item) => item.id));
    cursor = page.nextCursor;
    expect(pages.length).toBeLessThan(100);
  } while (cursor);
  return pages;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("GET /v1/messages — filters", () => {
  it("lists a tenant's messages newest first, each as the §8 message", async () => {
    const tenant = await freshTenant();
    const [first, second] = await sendAll(tenant, [sms(), email()]);
    await setColumn(first.id, "created_at", "2026-03-01T10:00:00.000Z");
    await setColumn(second.id, "created_at", "2026-03-01T11:00:00.000Z");
    const page = expectSuccessEnvelope(await list(tenant));
    expect(Object.keys(page).sort()).toEqual(["items", "nextCursor"]);
    expect(page.items.map((item) => item.id)).toEqual([second.id, first.id]);
    expect(page.items[0]).toMatchObject({ channel: "email", to: "ada@example.com", status: "queued", tenantId: tenant.tenantId });
    // 25 fields, plus `email` (the envelope, #15) and `attachments` (inbound files, #13).
    expect(Object.keys(page.items[0])).toHaveLength(27);
  });

  it("an empty tenant lists nothing", async () => {
    const tenant = await freshTenant();
    expect(expectSuccessEnvelope(await list(tenant))).toEqual({ items: [], nextCursor: null });
  });

  it("filters by status, channel and recipient, alone and combined", async () => {
    const tenant = await freshTenant();
    const [m0, m1, m2, m3, m4] = await sendAll(tenant, [
      sms({ to: "+14155550100" }),
      sms({ to: "+14155550101" }),
      email({ to: "ada@example.com" }),
      push({ to: "device-7" }),
      webhook(),
    ]);
    // Distinct times make the expected order exact: m4 newest.
    for (const [index, message] of [m0, m1, m2, m3, m4].entries())
      await setColumn(message.id, "created_at", `2026-04-01T00:00:0${index}.000Z`);
    await setColumn(m1.id, "status", "sent");
    await setColumn(m3.id, "status", "failed");

    expect(await listIds(tenant, { status: "sent" })).toEqual([m1.id]);
    expect(await listIds(tenant, { status: "failed" })).toEqual([m3.id]);
    expect(await listIds(tenant, { status: "queued" })).toEqual([m4.id, m2.id, m0.id]);
    expect(await listIds(tenant, { status: "delivered" })).toEqual([]);
    expect(await listIds(tenant, { channel: "sms" })).toEqual([m1.id, m0.id]);
    expect(await listIds(tenant, { channel: "email" })).toEqual([m2.id]);
    expect(await listIds(tenant, { channel: "push" })).toEqual([m3.id]);
    expect(await listIds(tenant, { channel: "webhook" })).toEqual([m4.id]);
    expect(await listIds(tenant, { status: "queued", channel: "sms" })).toEqual([m0.id]);
    expect(await listIds(tenant, { status: "sent", channel: "email" })).toEqual([]);
    expect(await listIds(tenant, { to: "ada@example.com" })).toEqual([m2.id]);
    expect(await listIds(tenant, { to: "device-7" })).toEqual([m3.id]);
  });

  it("normalises a phone number given to the `to` filter", async () => {
    const tenant = await freshTenant();
    const [target] = await sendAll(tenant, [sms({ to: "+14155550101" }), sms({ to: "+14155550100" })]);
    for (const to of ["+14155550101", "+1 (415) 555-0101", " +1-415-555-0101 ", "001 415 555 0101"]) {
      expect(await listIds(tenant, { to }), to).toEqual([target.id]);
    }
    expect(await listIds(tenant, { to: "+1 (415) 555-0199" })).toEqual([]);
  });

  it("filters by since (inclusive) and until (exclusive), offsets understood", async () => {
    const tenant = await freshTenant();
    const messages = await sendAll(tenant, [sms(), sms(), sms(), sms()]);
    const days = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"];
    for (const [index, message] of messages.entries()) await setColumn(message.id, "created_at", `${days[index]}T00:00:00.000Z`);
    const [jan1, jan2, jan3, jan4] = messages.map((message) => message.id);

    expect(await listIds(tenant, { since: "2026-01-02T00:00:00.000Z" })).toEqual([jan4, jan3, jan2]);
    expect(await listIds(tenant, { since: "2026-01-02T00:00:00.001Z" })).toEqual([jan4, jan3]);
    expect(await listIds(tenant, { until: "2026-01-03T00:00:00Z" })).toEqual([jan2, jan1]);
    expect(await listIds(tenant, { since: "2026-01-02T00:00:00Z", until: "2026-01-04T00:00:00Z" })).toEqual([jan3, jan2]);
    // 01:00 at +01:00 is midnight UTC.
    expect(await listIds(tenant, { since: "2026-01-02T01:00:00+01:00", until: "2026-01-03T01:00:00+01:00" })).toEqual([jan2]);
    expect(await listIds(tenant, { since: "2026-01-05T00:00:00Z" })).toEqual([]);
    expect(await listIds(tenant, { since: "2026-01-03T00:00:00Z", until: "2026-01-02T00:00:00Z" })).toEqual([]);
  });

  it("refuses bad filter values with 400 naming the parameter", async () => {
    const tenant = await freshTenant();
    const bad: [Record<string, string>, string][] = [
      [{ status: "lost" }, "status"],
      [{ channel: "fax" }, "channel"],
      [{ since: "yesterday" }, "since"],
      [{ since: "2026-01-01" }, "since"],
      [{ until: "2026-13-01T00:00:00Z" }, "until"],
      [{ to: "x".repeat(321) }, "to"],
      [{ sort: "asc" }, "sort"],
    ];
    for (const [query, name] of bad) {
      const answer = await list(tenant, query);
      expectErrorEnvelope(answer, 400, "INVALID_INPUT");
      const paths = detailPaths(answer);
      expect(paths.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(
        paths.some((path) => path === name || path.endsWith(`.${name}`)),
        `${JSON.stringify(query)} → ${paths}`,
      ).toBe(true);
    }
  });
});

describe("GET /v1/messages — pagination", () => {
  it("pages 5 messages 2 at a time: 2, 2, 1, no duplicates, nextCursor null at the end", async () => {
    const tenant = await freshTenant();
    const sent = await sendAll(tenant, [sms(), sms(), sms(), sms(), sms()]);
    for (const [index, message] of sent.entries()) await setColumn(message.id, "created_at", `2026-05-0${index + 1}T00:00:00.000Z`);
    const pages = await allPages(tenant, { limit: 2 });
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    const ids = pages.flat();
    expect(new Set(ids).size).toBe(5);
    expect(ids).toEqual(sent.map((message) => message.id).reverse());
  });

  it("pages messages created in the same instant without losing or repeating any", async () => {
    const tenant = await freshTenant();
    const sent = await sendAll(
      tenant,
      Array.from({ length: 7 }, (_, i) => sms({ content: { text: `m${i}` } })),
    );
    // One batch shares one createdAt: only the id breaks the tie.
    expect(new Set(sent.map((message) => message.createdAt)).size).toBe(1);
    const pages = await allPages(tenant, { limit: 3 });
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    const ids = pages.flat();
    expect(new Set(ids).size).toBe(7);
    expect([...ids].sort()).toEqual(sent.map((message) => message.id).sort());
    expect(ids).toEqual(await listIds(tenant, { limit: 100 }));
  });

  it("keeps the filters across pages", async () => {
    const tenant = await freshTenant();
    const sent = await sendAll(tenant, [sms(), email(), sms(), email(), sms()]);
    const smsIds = sent.filter((message) => message.channel === "sms").map((message) => message.id);
    const pages = await allPages(tenant, { channel: "sms", limit: 1 });
    expect(pages.map((page) => page.length)).toEqual([1, 1, 1]);
    expect(pages.flat().sort()).toEqual(smsIds.sort());
  });

  it("the last full page has nextCursor null when nothing follows", async () => {
    const tenant = await freshTenant();
    await sendAll(tenant, [sms(), sms()]);
    const page = expectSuccessEnvelope(await list(tenant, { limit: 2 }));
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });

  it("defaults to 50 a page and allows 100", async () => {
    const tenant = await freshTenant();
    await sendAll(
      tenant,
      Array.from({ length: 51 }, () => sms()),
    );
    const first = expectSuccessEnvelope(await list(tenant));
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = expectSuccessEnvelope(await list(tenant, { cursor: first.nextCursor as string }));
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(expectSuccessEnvelope(await list(tenant, { limit: 100 })).items).toHaveLength(51);
  });

  it("refuses a cursor it did not make with 400 naming cursor", async () => {
    const tenant = await freshTenant();
    await sendAll(tenant, [sms(), sms()]);
    const cursors = [
      "not-a-cursor",
      "%%%",
      btoa("{}"),
      btoa("[1, 2]"),
      btoa('"just a string"'),
      btoa('["not a time", "msg_abc"]'),
      btoa('["2026-01-01T00:00:00.000Z"]'),
      "x".repeat(501),
    ];
    for (const cursor of cursors) {
      const answer = await list(tenant, { cursor });
      expectErrorEnvelope(answer, 400, "INVALID_INPUT");
      expect(
        detailPaths(answer).some((path) => path === "cursor" || path.endsWith(".cursor")),
        cursor,
      ).toBe(true);
    }
  });

  it("refuses limit=101 and other bad limits with 400 naming limit", async () => {
    const tenant = await freshTenant();
    for (const limit of ["101", "0", "-1", "1.5", "ten", "1e3"]) {
      const answer = await list(tenant, { limit });
      expectErrorEnvelope(answer, 400, "INVALID_INPUT");
      expect(
        detailPaths(answer).some((path) => path === "limit" || path.endsWith(".limit")),
        limit,
      ).toBe(true);
    }
  });
});

describe("GET /v1/messages/:id", () => {
  it("returns the message with its events, oldest first, each event in the §8 shape", async () => {
    const tenant = await freshTenant();
    const [message] = await sendAll(tenant, [sms()]);
    const at = (offsetMs: number) => new Date(Date.parse(message.createdAt) + offsetMs).toISOString();
    const insert = (id: string, status: string, occurredAt: string, source = "provider") =>
      env.DB.prepare(
        "INSERT INTO message_events (id, message_id, status, reason, source, provider_id, raw_payload, dedupe_key, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
        .bind(
          id,
          message.id,
          status,
          `${status} reason`,
          source,
          "prv_test",
          '{"secret":"raw"}',
          `dedupe-${crypto.randomUUID()}`,
          occurredAt,
        )
        .run();
    // Written out of order; two share an instant and are then shown in the order recorded.
    await insert("evt_zzzz_delivered", "delivered", at(3000));
    await insert("evt_zzzz_sending", "sending", at(1000), "internal");
    await insert("evt_bbbb_sent", "sent", at(2000));
    await insert("evt_aaaa_sent_again", "sent", at(2000));
    const answer = await call<Message & { events: Event[] }>("GET", `/v1/messages/${message.id}`, { key: tenant.readKey });
    const data = expectSuccessEnvelope(answer);
    expect(data).toMatchObject({ id: message.id, status: "queued", to: "+14155550100", tenantId: tenant.tenantId });
    expect(data.events.map((event) => event.status)).toEqual(["queued", "sending", "sent", "sent", "delivered"]);
    expect(data.events.slice(2, 4).map((event) => event.id)).toEqual(["evt_bbbb_sent", "evt_aaaa_sent_again"]);
    for (const event of data.events)
      expect(Object.keys(event).sort()).toEqual(["id", "occurredAt", "providerId", "reason", "source", "status"]);
    expect(data.events[0]).toMatchObject({ status: "queued", source: "internal", providerId: null, occurredAt: message.createdAt });
    expect(data.events[4]).toEqual({
      id: "evt_zzzz_delivered",
      status: "delivered",
      reason: "delivered reason",
      source: "provider",
      providerId: "prv_test",
      occurredAt: at(3000),
    });
    expect(JSON.stringify(data)).not.toContain("secret");
  });

  it("shows the acceptance kept on the message's row as its first event, the same on every read, and a stored one only once", async () => {
    const tenant = await freshTenant();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const [message] = await sendAll(tenant, [sms({ scheduledAt: later })]);
    expect(await countRows("message_events", "message_id = ?", message.id)).toBe(0);
    const read = async (id: string) =>
      expectSuccessEnvelope(await call<Message & { events: Event[] }>("GET", `/v1/messages/${id}`, { key: tenant.readKey })).events;
    const first = await read(message.id);
    expect(first).toEqual([
      {
        id: `evt_${message.id.slice("msg_".length)}`,
        status: "queued",
        reason: `accepted; scheduled for ${later}`,
        source: "internal",
        providerId: null,
        occurredAt: message.createdAt,
      },
    ]);
    expect(await read(message.id)).toEqual(first);

    // A message accepted before migration 0018: no reason on its row, its `queued` event a row of its own.
    const [older] = await sendAll(tenant, [sms()]);
    await env.DB.prepare("UPDATE messages SET accepted_reason = NULL WHERE id = ?").bind(older.id).run();
    await env.DB.prepare(
      "INSERT INTO message_events (id, message_id, status, reason, source, occurred_at) VALUES (?, ?, 'queued', 'accepted', 'internal', ?)",
    )
      .bind("evt_stored_queued", older.id, older.createdAt)
      .run();
    expect((await read(older.id)).map((event) => [event.id, event.status])).toEqual([["evt_stored_queued", "queued"]]);
  });

  it("answers 404 NOT_FOUND for an id that does not exist", async () => {
    const tenant = await freshTenant();
    expectErrorEnvelope(await call("GET", "/v1/messages/msg_doesnotexist000000000", { key: tenant.readKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("GET", "/v1/messages/anything", { key: tenant.readKey }), 404, "NOT_FOUND");
  });
});

describe("POST /v1/messages/:id/cancel", () => {
  it("cancels a queued message: 200 canceled, a `canceled` event, the row updated", async () => {
    const tenant = await freshTenant();
    const [message] = await sendAll(tenant, [email()]);
    const requestId = `cancel-${crypto.randomUUID()}`;
    const answer = await call<Message>("POST", `/v1/messages/${message.id}/cancel`, {
      key: tenant.sendKey,
      headers: { "x-request-id": requestId },
    });
    const canceled = expectSuccessEnvelope(answer);
    expect(canceled).toMatchObject({ id: message.id, status: "canceled", createdAt: message.createdAt });
    expect(Object.keys(canceled)).toHaveLength(27);
    expect(Date.parse(canceled.updatedAt)).toBeGreaterThanOrEqual(Date.parse(message.createdAt));

    const row = await env.DB.prepare("SELECT status, updated_at FROM messages WHERE id = ?")
      .bind(message.id)
      .first<{ status: string; updated_at: string }>();
    expect(row).toEqual({ status: "canceled", updated_at: canceled.updatedAt });
    const event = await env.DB.prepare("SELECT * FROM message_events WHERE message_id = ? AND status = 'canceled'")
      .bind(message.id)
      .first<{ source: string; request_id: string; occurred_at: string }>();
    expect(event).toMatchObject({ source: "internal", request_id: requestId, occurred_at: canceled.updatedAt });

    const read = expectSuccessEnvelope(
      await call<Message & { events: Event[] }>("GET", `/v1/messages/${message.id}`, { key: tenant.readKey }),
    );
    expect(read.status).toBe("canceled");
    expect(read.events.map((e) => e.status)).toEqual(["queued", "canceled"]);
    expect(await listIds(tenant, { status: "canceled" })).toEqual([message.id]);
  });

  it("a second cancel is 409 CONFLICT and records nothing more", async () => {
    const tenant = await freshTenant();
    const [message] = await sendAll(tenant, [sms()]);
    expectSuccessEnvelope(await call("POST", `/v1/messages/${message.id}/cancel`, { key: tenant.sendKey }));
    const again = await call("POST", `/v1/messages/${message.id}/cancel`, { key: tenant.sendKey });
    const error = expectErrorEnvelope(again, 409, "CONFLICT");
    expect(error.message).toContain("canceled");
    expect((await eventsOf(message.id)).length).toBe(2);
  });

  it("a second cancel is refused even within the same millisecond, and the timeline stays in order", async () => {
    // The clock stands still: both cancels, and the message's acceptance, share one instant.
    const now = new Date();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(now);
    const tenant = await freshTenant();
    const [message] = await sendAll(tenant, [sms()]);
    expectSuccessEnvelope(await call("POST", `/v1/messages/${message.id}/cancel`, { key: tenant.sendKey }));
    expectErrorEnvelope(await call("POST", `/v1/messages/${message.id}/cancel`, { key: tenant.sendKey }), 409, "CONFLICT");
    const read = expectSuccessEnvelope(
      await call<Message & { events: Event[] }>("GET", `/v1/messages/${message.id}`, { key: tenant.readKey }),
    );
    expect(read.events.map((event) => [event.status, event.occurredAt])).toEqual([
      ["queued", now.toISOString()],
      ["canceled", now.toISOString()],
    ]);
  });

  it("refuses to cancel a message that has left `queued` (set in D1), with 409 and no new event", async () => {
    const tenant = await freshTenant();
    const messages = await sendAll(tenant, [sms(), sms(), sms(), sms()]);
    const statuses = ["sending", "sent", "delivered", "failed"];
    for (const [index, message] of messages.entries()) {
      await setColumn(message.id, "status", statuses[index]);
      const answer = await call("POST", `/v1/messages/${message.id}/cancel`, { key: tenant.sendKey });
      expect(expectErrorEnvelope(answer, 409, "CONFLICT").message).toContain(statuses[index]);
      expect((await eventsOf(message.id)).length).toBe(1);
      const row = await env.DB.prepare("SELECT status FROM messages WHERE id = ?").bind(message.id).first<{ status: string }>();
      expect(row?.status).toBe(statuses[index]);
    }
  });

  it("cancels a scheduled message while it waits", async () => {
    const tenant = await freshTenant();
    const [message] = await sendAll(tenant, [sms({ scheduledAt: new Date(Date.now() + 86_400_000).toISOString() })]);
    expect(expectSuccessEnvelope(await call<Message>("POST", `/v1/messages/${message.id}/cancel`, { key: tenant.sendKey })).status).toBe(
      "canceled",
    );
  });

  it("answers 404 for a message that does not exist", async () => {
    const tenant = await freshTenant();
    expectErrorEnvelope(await call("POST", "/v1/messages/msg_doesnotexist000000000/cancel", { key: tenant.sendKey }), 404, "NOT_FOUND");
  });
});

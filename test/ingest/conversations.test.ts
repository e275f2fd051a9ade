import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../shared/db/database";
import { conversations, messages } from "../../shared/db/schema";
import type { Inbound } from "../../workers/webhooks/recording/callback";
import { recordInbound } from "../../workers/webhooks/recording/record-inbound";
import {
  appWith,
  call,
  callApp,
  countRows,
  createOpsKey,
  createTenant,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  freshTenant,
  sms,
  spyQueue,
  type TenantFixture,
} from "../support/api";
import { expectInvalid } from "../support/checks";
import { eventsOf } from "../support/d1-fixtures";

const db = () => database(env.DB);

type Message = {
  id: string;
  direction: string;
  to: string;
  from: string | null;
  status: string;
  conversationId: string | null;
  content: { text?: string };
};
type Conversation = {
  id: string;
  channel: string;
  contactId: string | null;
  contact: { id: string; phone: string | null; name: string | null } | null;
  counterpart: string;
  ourEndpoint: string;
  thread: string | null;
  status: string;
  unreadCount: number;
  lastMessageAt: string;
  lastMessagePreview: string | null;
};
type Page<T> = { items: T[]; nextCursor: string | null };
type Changes = { messages: Message[]; conversations: Conversation[]; next: string; hasMore: boolean };

const OUR_NUMBER = "+15005550006";

/** An inbound SMS from `from` to our number, recorded as the webhooks worker would. */
async function receive(tenantId: string, from: string, body: string, overrides: Partial<Inbound> = {}) {
  const result = await recordInbound(db(), {
    channel: "sms",
    providerMessageId: `SM${crypto.randomUUID().replaceAll("-", "")}`,
    to: OUR_NUMBER,
    from,
    body,
    media: [],
    sender: { phone: from },
    dedupeKey: `test:${crypto.randomUUID()}`,
    rawPayload: {},
    provider: { id: "prv_conversations_test", tenantId },
    requestId: "req_conversations_test",
    ...overrides,
  });
  const [id] = result.messageIds;
  const row = await db().query.messages.findFirst({ where: eq(messages.id, id) });
  if (!row?.conversationId) throw new Error("not threaded");
  return { messageId: id, conversationId: row.conversationId };
}

describe("GET /v1/conversations", () => {
  it("lists newest activity first with contact, unread count and preview, and filters", async () => {
    const tenant = await freshTenant();
    const older = await receive(tenant.tenantId, "+14155550201", "first of Ada");
    const newer = await receive(tenant.tenantId, "+14155550202", "hello from Bob");
    await receive(tenant.tenantId, "+14155550201", "Ada again");

    const page = expectSuccessEnvelope(await call<Page<Conversation>>("GET", "/v1/conversations", { key: tenant.readKey }));
    expect(page.items.map((item) => item.id)).toEqual([older.conversationId, newer.conversationId]);
    expect(page.items[0]).toMatchObject({
      channel: "sms",
      counterpart: "+14155550201",
      ourEndpoint: OUR_NUMBER,
      thread: null,
      status: "open",
      unreadCount: 2,
      lastMessagePreview: "Ada again",
      contact: { phone: "+14155550201" },
    });

    const bob = expectSuccessEnvelope(await call<Page<Conversation>>("GET", "/v1/conversations?q=BOB", { key: tenant.readKey }));
    expect(bob.items.map((item) => item.id)).toEqual([newer.conversationId]);
    const byContact = page.items[1].contactId;
    const contactPage = expectSuccessEnvelope(
      await call<Page<Conversation>>("GET", `/v1/conversations?contactId=${byContact}`, { key: tenant.readKey }),
    );
    expect(contactPage.items.map((item) => item.id)).toEqual([newer.conversationId]);
    const paged = expectSuccessEnvelope(await call<Page<Conversation>>("GET", "/v1/conversations?limit=1", { key: tenant.readKey }));
    const rest = expectSuccessEnvelope(
      await call<Page<Conversation>>("GET", `/v1/conversations?limit=1&cursor=${paged.nextCursor}`, { key: tenant.readKey }),
    );
    expect([...paged.items, ...rest.items].map((item) => item.id)).toEqual([older.conversationId, newer.conversationId]);
    expect(rest.nextCursor).toBeNull();
    expectInvalid(await call("GET", "/v1/conversations?status=archived", { key: tenant.readKey }), "query.status");
  });

  it("shows a tenant only its own conversations: another's answers 404 everywhere", async () => {
    const ops = await createOpsKey();
    const acme = await createTenant(ops, "Acme");
    const other = await createTenant(ops, "Other");
    const mine = await receive(acme.tenantId, "+14155550203", "private");
    const list = expectSuccessEnvelope(await call<Page<Conversation>>("GET", "/v1/conversations", { key: other.readKey }));
    expect(list.items).toEqual([]);
    const path = `/v1/conversations/${mine.conversationId}`;
    expectErrorEnvelope(await call("GET", path, { key: other.readKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("GET", `${path}/messages`, { key: other.readKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("POST", `${path}/messages`, { key: other.sendKey, body: { content: { text: "x" } } }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("POST", `${path}/read`, { key: other.sendKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("PATCH", path, { key: other.sendKey, body: { status: "closed" } }), 404, "NOT_FOUND");
    const changes = expectSuccessEnvelope(await call<Changes>("GET", "/v1/conversations/changes", { key: other.readKey }));
    expect(changes.messages).toEqual([]);
    expect(changes.conversations).toEqual([]);
    expectSuccessEnvelope(await call("GET", path, { key: ops }));
  });
});

describe("a batch of sends joins its counterparts' conversations", () => {
  it("joins each message to its own counterpart's conversation and shows each conversation its last message", async () => {
    const tenant = await freshTenant();
    const ada = await receive(tenant.tenantId, "+14155550211", "hi from Ada");
    const bob = await receive(tenant.tenantId, "+14155550212", "hi from Bob");
    const batch = [
      sms({ to: "+14155550211", from: OUR_NUMBER, content: { text: "first to Ada" } }),
      sms({ to: "+14155550212", from: OUR_NUMBER, content: { text: "only to Bob" } }),
      sms({ to: "+14155550213", from: OUR_NUMBER, content: { text: "to nobody we know" } }),
      sms({ to: "+14155550211", content: { text: "last to Ada, any sender" } }),
    ];
    const sent = expectSuccessEnvelope(
      await callApp<{ items: Message[] }>({ DELIVERY_QUEUE: spyQueue().queue }, "POST", "/v1/messages/batch", {
        key: tenant.sendKey,
        body: { messages: batch },
      }),
      202,
    );
    expect(sent.items.map((item) => item.conversationId)).toEqual([ada.conversationId, bob.conversationId, null, ada.conversationId]);
    const stored = await Promise.all(sent.items.map((item) => db().query.messages.findFirst({ where: eq(messages.id, item.id) })));
    expect(stored.map((row) => row?.conversationId ?? null)).toEqual([ada.conversationId, bob.conversationId, null, ada.conversationId]);
    const preview = async (id: string) =>
      (await db().query.conversations.findFirst({ where: eq(conversations.id, id) }))?.lastMessagePreview;
    expect(await preview(ada.conversationId)).toBe("last to Ada, any sender");
    expect(await preview(bob.conversationId)).toBe("only to Bob");
  });
});

describe("a conversation's messages, replies, read and close", () => {
  it("replies through the ordinary send path, joined to the conversation, from our number", async () => {
    const tenant = await freshTenant();
    const { conversationId, messageId } = await receive(tenant.tenantId, "+14155550204", "can you help?");
    const spy = spyQueue();
    const answer = await callApp<Message>({ DELIVERY_QUEUE: spy.queue }, "POST", `/v1/conversations/${conversationId}/messages`, {
      key: tenant.sendKey,
      body: { content: { text: "Of course." } },
    });
    const reply = expectSuccessEnvelope(answer, 202);
    expect(reply).toMatchObject({ direction: "outbound", to: "+14155550204", from: OUR_NUMBER, status: "queued", conversationId });
    expect(spy.jobs.map((job) => job.body.messageId)).toEqual([reply.id]);
    expect((await eventsOf(reply.id)).filter((event) => event.status === "queued").length).toBe(1);

    const thread = expectSuccessEnvelope(
      await call<Page<Message>>("GET", `/v1/conversations/${conversationId}/messages`, { key: tenant.readKey }),
    );
    expect(thread.items.map((item) => [item.id, item.direction])).toEqual([
      [reply.id, "outbound"],
      [messageId, "inbound"],
    ]);
    const conversation = expectSuccessEnvelope(
      await call<Conversation>("GET", `/v1/conversations/${conversationId}`, { key: tenant.readKey }),
    );
    expect(conversation).toMatchObject({ lastMessagePreview: "Of course.", unreadCount: 1 });
  });

  it("replays a reply with the same Idempotency-Key and refuses another body with 422", async () => {
    const tenant = await freshTenant();
    const { conversationId } = await receive(tenant.tenantId, "+14155550205", "hi");
    const path = `/v1/conversations/${conversationId}/messages`;
    const headers = { "idempotency-key": `reply-${crypto.randomUUID()}` };
    const first = expectSuccessEnvelope(
      await call<Message>("POST", path, { key: tenant.sendKey, headers, body: { content: { text: "one" } } }),
      202,
    );
    const again = await call<Message>("POST", path, { key: tenant.sendKey, headers, body: { content: { text: "one" } } });
    expect(expectSuccessEnvelope(again, 202)).toEqual(first);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expectErrorEnvelope(
      await call("POST", path, { key: tenant.sendKey, headers, body: { content: { text: "two" } } }),
      422,
      "IDEMPOTENCY_MISMATCH",
    );
    expect(await countRows("messages", "conversation_id = ? AND direction = 'outbound'", conversationId)).toBe(1);
  });

  it("validates a reply like any send of the channel, naming the field", async () => {
    const tenant = await freshTenant();
    const { conversationId } = await receive(tenant.tenantId, "+14155550206", "hi");
    const path = `/v1/conversations/${conversationId}/messages`;
    expectInvalid(await call("POST", path, { key: tenant.sendKey, body: { content: { html: "<p>no text</p>" } } }), "content.text");
    expectInvalid(await call("POST", path, { key: tenant.sendKey, body: { content: { text: "x" }, to: "+1" } }), "to");
    expectErrorEnvelope(await call("POST", path, { key: tenant.readKey, body: { content: { text: "x" } } }), 403, "FORBIDDEN");
  });

  it("joins a plain send to a known counterpart to its conversation, and leaves other sends alone", async () => {
    const tenant = await freshTenant();
    const { conversationId } = await receive(tenant.tenantId, "+14155550207", "hi");
    const joined = expectSuccessEnvelope(
      await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: sms({ to: "+14155550207" }) }),
      202,
    );
    expect(joined.conversationId).toBe(conversationId);
    const fromOurs = expectSuccessEnvelope(
      await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: sms({ to: "+14155550207", from: OUR_NUMBER }) }),
      202,
    );
    expect(fromOurs.conversationId).toBe(conversationId);
    const fromAnother = expectSuccessEnvelope(
      await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: sms({ to: "+14155550207", from: "+15005550009" }) }),
      202,
    );
    expect(fromAnother.conversationId).toBeNull();
    const stranger = expectSuccessEnvelope(
      await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: sms({ to: "+14155550299" }) }),
      202,
    );
    expect(stranger.conversationId).toBeNull();
    const read = expectSuccessEnvelope(await call<Message>("GET", `/v1/messages/${joined.id}`, { key: tenant.readKey }));
    expect(read.conversationId).toBe(conversationId);
  });

  it("marks read, closes and reopens", async () => {
    const tenant = await freshTenant();
    const { conversationId } = await receive(tenant.tenantId, "+14155550208", "hi");
    const path = `/v1/conversations/${conversationId}`;
    expect(expectSuccessEnvelope(await call<Conversation>("POST", `${path}/read`, { key: tenant.sendKey })).unreadCount).toBe(0);
    expect(expectSuccessEnvelope(await call<Conversation>("PATCH", path, { key: tenant.sendKey, body: { status: "closed" } })).status).toBe(
      "closed",
    );
    const closed = expectSuccessEnvelope(await call<Page<Conversation>>("GET", "/v1/conversations?status=closed", { key: tenant.readKey }));
    expect(closed.items.map((item) => item.id)).toEqual([conversationId]);
    expect(expectSuccessEnvelope(await call<Conversation>("PATCH", path, { key: tenant.sendKey, body: { status: "open" } })).status).toBe(
      "open",
    );
    expectInvalid(await call("PATCH", path, { key: tenant.sendKey, body: { status: "archived" } }), "status");
  });
});

describe("conversation settings", () => {
  it("defaults to a 24 h idle gap and no HELP reply; an admin key replaces them", async () => {
    const tenant = await freshTenant();
    expect(expectSuccessEnvelope(await call("GET", "/v1/conversations/settings", { key: tenant.readKey }))).toEqual({
      idleGapMinutes: 1440,
      helpReply: null,
    });
    const saved = { idleGapMinutes: 60, helpReply: "Acme support: reply STOP to opt out." };
    expectErrorEnvelope(await call("PUT", "/v1/conversations/settings", { key: tenant.sendKey, body: saved }), 403, "FORBIDDEN");
    expect(expectSuccessEnvelope(await call("PUT", "/v1/conversations/settings", { key: tenant.adminKey, body: saved }))).toEqual(saved);
    expect(expectSuccessEnvelope(await call("GET", "/v1/conversations/settings", { key: tenant.readKey }))).toEqual(saved);
    expectInvalid(
      await call("PUT", "/v1/conversations/settings", { key: tenant.adminKey, body: { idleGapMinutes: 0, helpReply: null } }),
      "idleGapMinutes",
    );
  });
});

async function poll(tenant: TenantFixture, since?: string, limit = 100): Promise<Changes> {
  const query = new URLSearchParams({ limit: String(limit), ...(since ? { since } : {}) });
  return expectSuccessEnvelope(await call<Changes>("GET", `/v1/conversations/changes?${query}`, { key: tenant.readKey }));
}

describe("GET /v1/conversations/changes", () => {
  it("returns new messages and changed conversations in change order, then only what changed after", async () => {
    const tenant = await freshTenant();
    const empty = await poll(tenant);
    expect(empty).toMatchObject({ messages: [], conversations: [], hasMore: false });
    const first = await receive(tenant.tenantId, "+14155550209", "one");
    const all = await poll(tenant, empty.next);
    expect(all.messages.map((message) => message.id)).toEqual([first.messageId]);
    expect(all.conversations.map((conversation) => conversation.id)).toEqual([first.conversationId]);
    expect(all.conversations[0].unreadCount).toBe(1);

    const quiet = await poll(tenant, all.next);
    expect(quiet).toMatchObject({ messages: [], conversations: [], hasMore: false, next: all.next });

    // A status change of a conversation message, and a read, are changes too.
    await db().update(messages).set({ status: "failed", lastError: "test" }).where(eq(messages.id, first.messageId));
    await call("POST", `/v1/conversations/${first.conversationId}/read`, { key: tenant.sendKey });
    const changed = await poll(tenant, all.next);
    expect(changed.messages.map((message) => [message.id, message.status])).toEqual([[first.messageId, "failed"]]);
    expect(changed.conversations.map((conversation) => [conversation.id, conversation.unreadCount])).toEqual([[first.conversationId, 0]]);
  });

  it("pages with limit and hasMore without repeating or skipping", async () => {
    const tenant = await freshTenant();
    const ids = [];
    for (let index = 0; index < 7; index++) ids.push((await receive(tenant.tenantId, "+14155550210", `m${index}`)).messageId);
    const seen: string[] = [];
    let since: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await poll(tenant, since, 3);
      seen.push(...page.messages.map((message) => message.id));
      since = page.next;
      pages++;
      if (!page.hasMore) break;
    }
    expect(seen).toEqual(ids);
    expect(pages).toBeGreaterThan(2);
  });

  it("refuses a token it did not make", async () => {
    const tenant = await freshTenant();
    expectInvalid(await call("GET", "/v1/conversations/changes?since=nonsense", { key: tenant.readKey }));
    const ops = await createOpsKey();
    expectErrorEnvelope(await call("GET", "/v1/conversations/changes", { key: ops }), 403, "FORBIDDEN");
    expectSuccessEnvelope(await call("GET", `/v1/conversations/changes?tenantId=${tenant.tenantId}`, { key: ops }));
  });

  it("two clients polling while 1,000 inbound and outbound messages land see every message exactly once per change", {
    timeout: 180_000,
  }, async () => {
    const tenant = await freshTenant();
    const { conversationId } = await receive(tenant.tenantId, "+14155550211", "start");
    // The ingest project's delivery queue has no consumer (dispatch is another worker), and
    // Miniflare's queue slows down as its backlog grows: replies went from 0.2 s to 1.6 s each
    // over 500 sends. The replies go to a queue that only records them instead. Writers and
    // clients share one in-isolate app: requests through the worker's own fetch export waited
    // until the writers were done, so the clients would not have polled while messages landed.
    const spy = spyQueue();
    const callWithSpy = appWith({ DELIVERY_QUEUE: spy.queue });
    const writers = Array.from({ length: 500 }, (_, index) => async () => {
      await receive(tenant.tenantId, `+1415555${String(3000 + (index % 20)).padStart(4, "0")}`, `in ${index}`);
      const reply = await callWithSpy<Message>("POST", `/v1/conversations/${conversationId}/messages`, {
        key: tenant.sendKey,
        body: { content: { text: `out ${index}` } },
      });
      // What dispatch would write meanwhile: each status change is a change of the message.
      for (const status of ["sending", "sent"] as const)
        await db().update(messages).set({ status }).where(eq(messages.id, reply.body.data.id));
    });
    let writing = true;
    let pollsWhileWriting = 0;
    const client = async () => {
      const versions: string[] = [];
      let since: string | undefined;
      const step = async () => {
        const query = since ? `?since=${since}` : "";
        const page = expectSuccessEnvelope(await callWithSpy<Changes>("GET", `/v1/conversations/changes${query}`, { key: tenant.readKey }));
        for (const message of page.messages) versions.push(`${message.id}@${message.status}`);
        since = page.next;
        return page.hasMore;
      };
      // Back to back: a pause would be a timer, which this isolate fires only once the writers rest.
      while (writing) {
        await step();
        pollsWhileWriting++;
      }
      while (await step());
      return versions;
    };
    const clients = [client(), client()];
    const work = [...writers];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let job = work.shift(); job; job = work.shift()) await job();
      }),
    );
    writing = false;
    const [a, b] = await Promise.all(clients);
    expect(spy.jobs).toHaveLength(500);
    // The clients really polled while the messages landed, not only after.
    expect(pollsWhileWriting).toBeGreaterThan(10);
    const expected = await db().query.messages.findMany({ where: eq(messages.tenantId, tenant.tenantId) });
    expect(expected).toHaveLength(1001);
    for (const versions of [a, b]) {
      expect(new Set(versions).size).toBe(versions.length);
      const ids = new Set(versions.map((version) => version.split("@")[0]));
      expect(ids.size).toBe(1001);
      // The last version each client saw is the message as it is now.
      const lastSeen = new Map(versions.map((version) => version.split("@") as [string, string]));
      for (const row of expected) expect(lastSeen.get(row.id)).toBe(row.status);
    }
    const conversationCount = await db().query.conversations.findMany({ where: eq(conversations.tenantId, tenant.tenantId) });
    expect(conversationCount.length).toBe(21);
  });
});

import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../shared/db/database";
import { contacts, conversationSettings, conversations, messages } from "../../shared/db/schema";
import type { Channel } from "../../shared/domain/enums";
import type { Inbound } from "../../workers/webhooks/recording/callback";
import { recordInbound } from "../../workers/webhooks/recording/record-inbound";
import { addProvider, configs, deliver, newTenant, WEBHOOKS_ORIGIN } from "../support/webhook-fixtures";
import { newMessageSid, twilioRequest } from "./helpers/twilio";

const db = () => database(env.DB);
let counter = 0;

function inbound(tenantId: string, overrides: Partial<Inbound> = {}): Inbound {
  counter++;
  return {
    channel: "sms" as Channel,
    providerMessageId: `SM-thread-${counter}-${crypto.randomUUID()}`,
    to: "+15005550006",
    from: "+14155550177",
    body: `hello ${counter}`,
    media: [],
    sender: { phone: "+14155550177" },
    dedupeKey: `test:${crypto.randomUUID()}`,
    rawPayload: {},
    provider: { id: "prv_threading", tenantId },
    requestId: "req_threading",
    ...overrides,
  };
}

async function messageOf(id: string) {
  const row = await db().query.messages.findFirst({ where: eq(messages.id, id) });
  if (!row) throw new Error(`no message ${id}`);
  return row;
}

async function conversationOf(messageId: string) {
  const message = await messageOf(messageId);
  if (!message.conversationId) throw new Error("no conversation");
  const row = await db().query.conversations.findFirst({ where: eq(conversations.id, message.conversationId) });
  if (!row) throw new Error("conversation missing");
  return row;
}

/** Moves a conversation's last activity into the past, as if it had been silent. */
async function silence(conversationId: string, minutes: number) {
  const at = new Date(Date.now() - minutes * 60_000).toISOString();
  await db().update(conversations).set({ lastMessageAt: at }).where(eq(conversations.id, conversationId));
}

describe("recordInbound threads every inbound message into a conversation", () => {
  it("makes a conversation and a contact for a new counterpart, and joins later messages to it", async () => {
    const tenantId = await newTenant();
    const first = await recordInbound(db(), inbound(tenantId, { body: "first" }));
    const second = await recordInbound(db(), inbound(tenantId, { body: "second message" }));
    expect(first.result).toBe("recorded");
    const conversation = await conversationOf(second.messageIds[0]);
    expect((await messageOf(first.messageIds[0])).conversationId).toBe(conversation.id);
    expect(conversation).toMatchObject({
      tenantId,
      channel: "sms",
      providerId: "prv_threading",
      ourEndpoint: "+15005550006",
      theirEndpoint: "+14155550177",
      thread: "",
      status: "open",
      unreadCount: 2,
      lastMessagePreview: "second message",
    });
    expect(conversation.id).toMatch(/^cnv_/);
    const made = await db().query.contacts.findMany({ where: eq(contacts.tenantId, tenantId) });
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ phone: "+14155550177", id: conversation.contactId });
  });

  it("uses the tenant's existing contact with that phone number", async () => {
    const tenantId = await newTenant();
    const now = new Date().toISOString();
    await db()
      .insert(contacts)
      .values({ id: "ctc_known_threading", tenantId, name: "Known", phone: "+14155550177", createdAt: now, updatedAt: now });
    const recorded = await recordInbound(db(), inbound(tenantId));
    expect((await conversationOf(recorded.messageIds[0])).contactId).toBe("ctc_known_threading");
    expect(await db().query.contacts.findMany({ where: eq(contacts.tenantId, tenantId) })).toHaveLength(1);
  });

  it("starts a new conversation after the default idle gap of 24 h, not before", async () => {
    const tenantId = await newTenant();
    const first = await recordInbound(db(), inbound(tenantId));
    const conversation = await conversationOf(first.messageIds[0]);
    await silence(conversation.id, 23 * 60);
    const within = await recordInbound(db(), inbound(tenantId));
    expect((await messageOf(within.messageIds[0])).conversationId).toBe(conversation.id);
    await silence(conversation.id, 24 * 60 + 1);
    const after = await recordInbound(db(), inbound(tenantId));
    const next = await conversationOf(after.messageIds[0]);
    expect(next.id).not.toBe(conversation.id);
    expect(next.contactId).toBe(conversation.contactId);
  });

  it("honours the tenant's own idle gap", async () => {
    const tenantId = await newTenant();
    await db().insert(conversationSettings).values({ tenantId, idleGapMinutes: 30, updatedAt: new Date().toISOString() });
    const first = await recordInbound(db(), inbound(tenantId));
    const conversation = await conversationOf(first.messageIds[0]);
    await silence(conversation.id, 31);
    const after = await recordInbound(db(), inbound(tenantId));
    expect((await messageOf(after.messageIds[0])).conversationId).not.toBe(conversation.id);
  });

  it("keeps a platform thread one conversation however long it sleeps, apart from the pair's other threads", async () => {
    const tenantId = await newTenant();
    const inThread = await recordInbound(db(), inbound(tenantId, { thread: "1700000000.000100" }));
    const conversation = await conversationOf(inThread.messageIds[0]);
    expect(conversation.thread).toBe("1700000000.000100");
    await silence(conversation.id, 7 * 24 * 60);
    const later = await recordInbound(db(), inbound(tenantId, { thread: "1700000000.000100" }));
    expect((await messageOf(later.messageIds[0])).conversationId).toBe(conversation.id);
    const otherThread = await recordInbound(db(), inbound(tenantId, { thread: "1700000000.000200" }));
    const noThread = await recordInbound(db(), inbound(tenantId));
    const ids = new Set([
      conversation.id,
      (await conversationOf(otherThread.messageIds[0])).id,
      (await conversationOf(noThread.messageIds[0])).id,
    ]);
    expect(ids.size).toBe(3);
  });

  it("separates our endpoints, their endpoints and tenants", async () => {
    const tenantId = await newTenant();
    const otherTenant = await newTenant();
    const base = await conversationOf((await recordInbound(db(), inbound(tenantId))).messageIds[0]);
    const ourOther = await conversationOf((await recordInbound(db(), inbound(tenantId, { to: "+15005550007" }))).messageIds[0]);
    const theirOther = await conversationOf(
      (await recordInbound(db(), inbound(tenantId, { from: "+14155550178", sender: { phone: "+14155550178" } }))).messageIds[0],
    );
    const tenantOther = await conversationOf(
      (await recordInbound(db(), inbound(otherTenant, { provider: { id: "prv_other", tenantId: otherTenant } }))).messageIds[0],
    );
    expect(new Set([base.id, ourOther.id, theirOther.id, tenantOther.id]).size).toBe(4);
    expect(tenantOther.tenantId).toBe(otherTenant);
    expect(tenantOther.contactId).not.toBe(base.contactId);
  });

  it("records a replay once: no second message, no second unread", async () => {
    const tenantId = await newTenant();
    const message = inbound(tenantId);
    const first = await recordInbound(db(), message);
    const again = await recordInbound(db(), { ...message });
    expect(again).toEqual({ result: "duplicate", messageIds: [] });
    const conversation = await conversationOf(first.messageIds[0]);
    expect(conversation.unreadCount).toBe(1);
    expect(await db().query.messages.findMany({ where: eq(messages.conversationId, conversation.id) })).toHaveLength(1);
  });

  it("makes one conversation and one contact when a counterpart's first messages arrive at once", async () => {
    const tenantId = await newTenant();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => recordInbound(db(), inbound(tenantId, { from: "+14155550179", sender: { phone: "+14155550179" } }))),
    );
    const conversationIds = new Set(await Promise.all(results.map(async (result) => (await conversationOf(result.messageIds[0])).id)));
    expect(conversationIds.size).toBe(1);
    const [conversation] = await db().query.conversations.findMany({ where: eq(conversations.tenantId, tenantId) });
    expect(conversation.unreadCount).toBe(8);
    expect(await db().query.contacts.findMany({ where: eq(contacts.tenantId, tenantId) })).toHaveLength(1);
  });

  it("reopens a closed conversation when its counterpart writes again within the gap", async () => {
    const tenantId = await newTenant();
    const first = await recordInbound(db(), inbound(tenantId));
    const conversation = await conversationOf(first.messageIds[0]);
    await db().update(conversations).set({ status: "closed" }).where(eq(conversations.id, conversation.id));
    await recordInbound(db(), inbound(tenantId));
    expect((await db().query.conversations.findFirst({ where: eq(conversations.id, conversation.id) }))?.status).toBe("open");
  });
});

describe("Twilio inbound SMS through the webhooks worker", () => {
  it("threads a signed inbound SMS into its conversation with the sender's contact", async () => {
    const tenantId = await newTenant();
    const config = configs.twilio();
    const providerId = await addProvider({ tenantId, type: "twilio", config });
    const url = `${WEBHOOKS_ORIGIN}/webhooks/twilio/${providerId}/inbound`;
    const send = async (body: string) => {
      const sid = newMessageSid();
      const params = { MessageSid: sid, From: "+14155550180", To: "+15005550006", Body: body, NumMedia: "0" };
      expect((await deliver(await twilioRequest(url, params, config.authToken))).status).toBe(200);
      return sid;
    };
    await send("one");
    await send("two");
    const rows = await db().query.messages.findMany({ where: eq(messages.providerId, providerId) });
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((row) => row.conversationId)).size).toBe(1);
    const conversation = await conversationOf(rows[0].id);
    expect(conversation).toMatchObject({ providerId, theirEndpoint: "+14155550180", unreadCount: 2, lastMessagePreview: "two" });
    const contact = await db().query.contacts.findFirst({ where: eq(contacts.id, conversation.contactId ?? "") });
    expect(contact?.phone).toBe("+14155550180");
  });
});

import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../shared/db/database";
import { media, messages } from "../../shared/db/schema";
import { mediaKey } from "../../shared/domain/media-key";
import { recordInbound } from "../../workers/webhooks/recording/record-inbound";
import {
  call,
  callApp,
  createOpsKey,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  freshTenant,
  spyQueue,
  type TenantFixture,
} from "../support/api";
import { signedInBrowser } from "../support/dashboard-browser";

const db = () => database(env.DB);
const PICTURE = "GIF89a: a picture, as bytes";

type Attachment = { id: string; contentType: string | null; name: string | null; size: number | null; status: string; url: string };
type Message = { id: string; attachments: Attachment[]; conversationId: string | null };
type Changes = { messages: Message[]; next: string };

/** An MMS with a picture and a file the provider no longer had, as the webhooks worker leaves it once it fetched them. */
async function mms(tenant: TenantFixture) {
  const providerId = `prv_media_${crypto.randomUUID().slice(0, 8)}`;
  const recorded = await recordInbound(db(), {
    channel: "sms",
    providerMessageId: `SM${crypto.randomUUID().replaceAll("-", "")}`,
    to: "+15005550006",
    from: "+14155550144",
    body: "see attached",
    media: [
      { url: "https://api.twilio.com/Media/ME1", contentType: "image/gif", name: 'photo "1".gif' },
      { url: "https://api.twilio.com/Media/ME2" },
    ],
    sender: { phone: "+14155550144" },
    dedupeKey: `test:${crypto.randomUUID()}`,
    rawPayload: {},
    provider: { id: providerId, tenantId: tenant.tenantId },
    requestId: "req_media_test",
  });
  const [messageId] = recorded.messageIds;
  const [picture, gone] = await db().query.media.findMany({ where: eq(media.messageId, messageId), orderBy: (m) => m.position });
  return { providerId, messageId, picture, gone };
}

async function store(row: { id: string; tenantId: string }) {
  await env.MEDIA.put(mediaKey(row), PICTURE);
  await db().update(media).set({ status: "stored", size: PICTURE.length, updatedAt: new Date().toISOString() }).where(eq(media.id, row.id));
}

describe("attachments", () => {
  it("are listed on the message (pending, stored, failed) and served by GET /v1/media/:id to their tenant only", async () => {
    const tenant = await freshTenant();
    const { messageId, picture, gone } = await mms(tenant);

    const pending = expectSuccessEnvelope(await call<Message>("GET", `/v1/messages/${messageId}`, { key: tenant.readKey }));
    expect(pending.attachments).toEqual([
      {
        id: picture.id,
        contentType: "image/gif",
        name: 'photo "1".gif',
        size: null,
        status: "pending",
        lastError: null,
        url: `/v1/media/${picture.id}`,
      },
      { id: gone.id, contentType: null, name: null, size: null, status: "pending", lastError: null, url: `/v1/media/${gone.id}` },
    ]);
    expectErrorEnvelope(await call("GET", `/v1/media/${picture.id}`, { key: tenant.readKey }), 409, "CONFLICT");

    await store(picture);
    await db().update(media).set({ status: "failed", lastError: "the provider answered 404" }).where(eq(media.id, gone.id));

    const response = await rawGet(`/v1/media/${picture.id}`, tenant.readKey);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(PICTURE);
    expect(response.headers.get("content-type")).toBe("image/gif");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="photo _1_.gif"');
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");

    const failed = await call("GET", `/v1/media/${gone.id}`, { key: tenant.readKey });
    expectErrorEnvelope(failed, 409, "CONFLICT");
    expect(failed.body.error.message).toContain("the provider answered 404");

    const other = await freshTenant();
    expectErrorEnvelope(await call("GET", `/v1/media/${picture.id}`, { key: other.readKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("GET", "/v1/media/med_nothing", { key: tenant.readKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("GET", `/v1/media/${picture.id}`), 401, "UNAUTHORIZED");
    // An ops key reads any tenant's.
    expect((await rawGet(`/v1/media/${picture.id}`, await createOpsKey())).status).toBe(200);

    const row = await db().query.messages.findFirst({ where: eq(messages.id, messageId) });
    const thread = expectSuccessEnvelope(
      await call<{ items: Message[] }>("GET", `/v1/conversations/${row?.conversationId}/messages`, { key: tenant.readKey }),
    );
    expect(thread.items[0].attachments.map((a) => [a.status, a.size])).toEqual([
      ["stored", PICTURE.length],
      ["failed", null],
    ]);
  });

  it("a stored or failed attachment shows its message again in the changes feed", async () => {
    const tenant = await freshTenant();
    const { messageId, picture } = await mms(tenant);
    const first = expectSuccessEnvelope(await call<Changes>("GET", "/v1/conversations/changes", { key: tenant.readKey }));
    expect(first.messages.map((m) => [m.id, m.attachments[0].status])).toEqual([[messageId, "pending"]]);

    await store(picture);

    const next = expectSuccessEnvelope(
      await call<Changes>("GET", `/v1/conversations/changes?since=${first.next}`, { key: tenant.readKey }),
    );
    expect(next.messages.map((m) => [m.id, m.attachments[0].status])).toEqual([[messageId, "stored"]]);
  });

  it("the inbox thread lists them, linking a stored one to its download for the signed-in tenant only", async () => {
    const tenant = await freshTenant();
    const { messageId, picture, gone } = await mms(tenant);
    await store(picture);
    await db().update(media).set({ status: "failed", lastError: "the provider answered 404" }).where(eq(media.id, gone.id));
    const row = await db().query.messages.findFirst({ where: eq(messages.id, messageId) });
    const thread = `/dashboard/inbox/${row?.conversationId}`;

    const browser = await signedInBrowser(tenant.adminKey);
    const page = await browser.get(thread);
    expect(page.html).toContain(`href="${thread}/media/${picture.id}"`);
    expect(page.html).toContain(`photo &quot;1&quot;.gif (${PICTURE.length} bytes)`);
    expect(page.html).toContain("could not be fetched (the provider answered 404)");
    const download = await browser.get(`${thread}/media/${picture.id}`);
    expect([download.status, download.html]).toEqual([200, PICTURE]);

    const stranger = await signedInBrowser((await freshTenant()).adminKey);
    expect((await stranger.get(`${thread}/media/${picture.id}`)).status).toBe(404);
  });

  it("a reply is pinned to its conversation's provider", async () => {
    const tenant = await freshTenant();
    const { providerId, messageId } = await mms(tenant);
    const row = await db().query.messages.findFirst({ where: eq(messages.id, messageId) });
    const spy = spyQueue();
    const answer = await callApp<Message>({ DELIVERY_QUEUE: spy.queue }, "POST", `/v1/conversations/${row?.conversationId}/messages`, {
      key: tenant.sendKey,
      body: { content: { text: "got it" } },
    });
    const reply = expectSuccessEnvelope(answer, 202);
    expect(reply.attachments).toEqual([]);
    const stored = await db().query.messages.findFirst({ where: eq(messages.id, reply.id) });
    expect(stored?.pinnedProviderId).toBe(providerId);
  });
});

/** The bytes, not an envelope. */
function rawGet(path: string, key: string): Promise<Response> {
  return exports.default.fetch(new Request(`http://relay.test${path}`, { headers: { authorization: `Bearer ${key}` } }));
}

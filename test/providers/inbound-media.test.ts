import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { media } from "../../shared/db/schema";
import type { Channel } from "../../shared/domain/enums";
import { mediaKey } from "../../shared/domain/media-key";
import type { InboundMedia } from "../../shared/providers/provider";
import { fetchPendingMedia, MEDIA_MAX_ATTEMPTS } from "../../workers/webhooks/media/fetch-media";
import { recordInbound } from "../../workers/webhooks/recording/record-inbound";
import { db, eventsOf, insertProvider, newTenant } from "../support/d1-fixtures";
import { randomHex, telegramBotToken } from "./fixtures";
import { scenario } from "./scenario";

const FILE = "GIF89a: the bytes of a tiny picture";

type Setup = { type: "twilio" | "telegram" | "slack"; channel: Channel; config: Record<string, unknown> };

/** A provider of the tenant, and an inbound message through it carrying `files`, recorded as the webhooks worker does. */
async function inboundWith(setup: Setup, files: InboundMedia[]) {
  const tenantId = await newTenant();
  const providerId = await insertProvider({ tenantId, type: setup.type, channel: setup.channel, name: "inbound", config: setup.config });
  const recorded = await recordInbound(db(), {
    channel: setup.channel,
    providerMessageId: `in-${randomHex(6)}`,
    to: setup.channel === "sms" ? "+15005550006" : "bot",
    from: setup.channel === "sms" ? "+14155550123" : "C0FILES01",
    body: "",
    media: files,
    dedupeKey: `media-test:${crypto.randomUUID()}`,
    rawPayload: {},
    provider: { id: providerId, tenantId },
    requestId: "req_media",
  });
  expect(recorded).toMatchObject({ result: "recorded", withMedia: true });
  const [messageId] = recorded.messageIds;
  return { tenantId, providerId, messageId };
}

const attachmentsOf = (messageId: string) =>
  db().query.media.findMany({ where: (m, { eq }) => eq(m.messageId, messageId), orderBy: (m) => m.position });

async function storedText(row: { tenantId: string; id: string }): Promise<string | undefined> {
  return (await env.MEDIA.get(mediaKey(row)))?.text();
}

/** As if the last try's lease ran out a while ago, so the cron may try again. */
const leaseOver = (id: string) =>
  db()
    .update(media)
    .set({ updatedAt: new Date(Date.now() - 10 * 60_000).toISOString() })
    .where(eq(media.id, id));

function twilioConfig(baseUrl: string) {
  return { accountSid: `AC${randomHex(16)}`, authToken: randomHex(16), from: "+15005550006", baseUrl };
}

describe("inbound attachments are fetched from the provider into the MEDIA bucket", () => {
  it("Twilio: basic auth to Twilio's own origin only, through its redirect to the file's storage", async () => {
    const server = await scenario({
      routes: {
        "GET /storage/ME1": { status: 200, headers: { "content-type": "image/gif" }, body: FILE },
      },
    });
    // The storage is another origin (localhost, not 127.0.0.1): it must not get the credentials.
    const storage = `${server.baseUrl.replace("127.0.0.1", "localhost")}/storage/ME1`;
    const redirecting = await scenario({
      routes: {
        "GET /Media/ME1": { status: 307, headers: { location: storage } },
      },
    });
    const config = twilioConfig(redirecting.baseUrl);
    const { tenantId, messageId } = await inboundWith({ type: "twilio", channel: "sms", config }, [
      { url: `${redirecting.baseUrl}/Media/ME1`, contentType: "image/gif" },
    ]);

    expect(await fetchPendingMedia(db(), env, { messageIds: [messageId] })).toEqual({ stored: 1, failed: 0 });

    const [attachment] = await attachmentsOf(messageId);
    expect(attachment).toMatchObject({
      tenantId,
      status: "stored",
      size: FILE.length,
      contentType: "image/gif",
      attempts: 1,
      lastError: null,
    });
    expect(await storedText(attachment)).toBe(FILE);
    const [asked] = await redirecting.requests();
    expect(asked.headers.authorization).toBe(`Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`);
    const [served] = await server.requests();
    expect(served.path).toBe("/storage/ME1");
    expect(served.headers.authorization).toBeUndefined();
    const events = await eventsOf(messageId);
    expect(events.at(-1)?.reason).toContain(`attachment ${attachment.id} stored (image/gif, ${FILE.length} bytes)`);
  });

  it("a file the provider no longer has fails at once, with the reason on the attachment and an event on the message", async () => {
    const server = await scenario({ routes: { "GET /Media/GONE": { status: 404, body: { code: 20404 } } } });
    const { messageId } = await inboundWith({ type: "twilio", channel: "sms", config: twilioConfig(server.baseUrl) }, [
      { url: `${server.baseUrl}/Media/GONE` },
    ]);

    expect(await fetchPendingMedia(db(), env, { messageIds: [messageId] })).toEqual({ stored: 0, failed: 1 });

    const [attachment] = await attachmentsOf(messageId);
    expect(attachment).toMatchObject({ status: "failed", lastError: "the provider answered 404" });
    expect((await eventsOf(messageId)).at(-1)?.reason).toContain("could not be fetched after 1 attempt: the provider answered 404");
  });

  it("a provider that fails for now is tried again by the cron once the lease is over, and given up after the last attempt", async () => {
    const server = await scenario({ routes: { "GET /Media/BUSY": { status: 503, body: "busy" } } });
    const { messageId } = await inboundWith({ type: "twilio", channel: "sms", config: twilioConfig(server.baseUrl) }, [
      { url: `${server.baseUrl}/Media/BUSY` },
    ]);

    await fetchPendingMedia(db(), env, { messageIds: [messageId] });
    const [first] = await attachmentsOf(messageId);
    expect(first).toMatchObject({ status: "pending", attempts: 1, lastError: "the provider answered 503" });

    // Within the lease, neither the cron nor a second run takes it.
    await fetchPendingMedia(db(), env, { due: true });
    await fetchPendingMedia(db(), env, { messageIds: [messageId] });
    expect((await attachmentsOf(messageId))[0].attempts).toBe(1);

    for (let attempt = 2; attempt <= MEDIA_MAX_ATTEMPTS; attempt++) {
      await leaseOver(first.id);
      await fetchPendingMedia(db(), env, { due: true });
    }
    const [last] = await attachmentsOf(messageId);
    expect(last).toMatchObject({ status: "failed", attempts: MEDIA_MAX_ATTEMPTS, lastError: "the provider answered 503" });
    expect(await server.requests()).toHaveLength(MEDIA_MAX_ATTEMPTS);
  });

  it("a file over the size limit is not stored", async () => {
    const server = await scenario({ routes: { "GET /Media/BIG": { status: 200, headers: { "content-type": "image/gif" }, body: FILE } } });
    const { messageId } = await inboundWith({ type: "twilio", channel: "sms", config: twilioConfig(server.baseUrl) }, [
      { url: `${server.baseUrl}/Media/BIG` },
    ]);

    await fetchPendingMedia(db(), { ...env, MEDIA_MAX_BYTES: "8" }, { messageIds: [messageId] });

    const [attachment] = await attachmentsOf(messageId);
    expect(attachment).toMatchObject({ status: "failed", lastError: "larger than 8 bytes", size: null });
    expect(await storedText(attachment)).toBeUndefined();
  });

  it("a file on a refused address (not loopback-allowed here: a private network) is failed without a request", async () => {
    const { messageId } = await inboundWith({ type: "twilio", channel: "sms", config: twilioConfig("https://api.twilio.com") }, [
      { url: "http://10.0.0.7/Media/INTERNAL" },
    ]);
    await fetchPendingMedia(db(), env, { messageIds: [messageId] });
    const [attachment] = await attachmentsOf(messageId);
    expect(attachment.status).toBe("failed");
    expect(attachment.lastError).toContain("the file's address must be");
  });

  it("Telegram: getFile gives the path, then the file is downloaded; errors never show the token", async () => {
    const botToken = telegramBotToken();
    const server = await scenario({
      routes: {
        [`POST /bot${botToken}/getFile`]: {
          status: 200,
          body: { ok: true, result: { file_id: "photo-1", file_path: "photos/file_1.jpg" } },
        },
        [`GET /file/bot${botToken}/photos/file_1.jpg`]: { status: 200, headers: { "content-type": "image/jpeg" }, body: FILE },
      },
    });
    const config = { botToken, secretToken: randomHex(16), baseUrl: server.baseUrl };
    const { messageId } = await inboundWith({ type: "telegram", channel: "telegram", config }, [
      { url: "telegram-file:photo-1", contentType: "image/jpeg" },
    ]);

    await fetchPendingMedia(db(), env, { messageIds: [messageId] });

    const [photo] = await attachmentsOf(messageId);
    expect(photo).toMatchObject({ status: "stored", size: FILE.length, contentType: "image/jpeg" });
    expect(await storedText(photo)).toBe(FILE);
    const [getFile] = await server.requests();
    expect(JSON.parse(getFile.body)).toEqual({ file_id: "photo-1" });
  });

  it("Telegram: a failed getFile is recorded without the bot token", async () => {
    const botToken = telegramBotToken();
    const server = await scenario({
      routes: {
        [`POST /bot${botToken}/getFile`]: {
          status: 400,
          body: { ok: false, error_code: 400, description: `Bad Request: invalid file_id for bot${botToken}` },
        },
      },
    });
    const config = { botToken, secretToken: randomHex(16), baseUrl: server.baseUrl };
    const { messageId } = await inboundWith({ type: "telegram", channel: "telegram", config }, [{ url: "telegram-file:nope" }]);

    await fetchPendingMedia(db(), env, { messageIds: [messageId] });

    const [file] = await attachmentsOf(messageId);
    expect(file.status).toBe("failed");
    expect(file.lastError).toContain("invalid file_id");
    expect(file.lastError).not.toContain(botToken.split(":")[1]);
  });

  it("Slack: url_private with the bot token", async () => {
    const botToken = `xoxb-${randomHex(6)}-${randomHex(12)}`;
    const server = await scenario({
      routes: { "GET /files-pri/T1-F1/report.pdf": { status: 200, headers: { "content-type": "application/pdf" }, body: FILE } },
    });
    const config = { botToken, signingSecret: randomHex(16), baseUrl: server.baseUrl };
    const { messageId } = await inboundWith({ type: "slack", channel: "slack", config }, [
      { url: `${server.baseUrl}/files-pri/T1-F1/report.pdf`, contentType: "application/pdf", name: "report.pdf" },
    ]);

    await fetchPendingMedia(db(), env, { messageIds: [messageId] });

    const [file] = await attachmentsOf(messageId);
    expect(file).toMatchObject({ status: "stored", name: "report.pdf", contentType: "application/pdf", size: FILE.length });
    const [request] = await server.requests();
    expect(request.headers.authorization).toBe(`Bearer ${botToken}`);
  });
});

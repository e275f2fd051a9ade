import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { devices } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import { addProvider, batchOf, consume, db, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";
import { fcmProject, pushContent, vapidKeys, webPushSubscription } from "./push-fixtures";

/**
 * Pushes through dispatch in the Workers runtime: devices in D1, the fake FCM and Web Push
 * services on 127.0.0.1, and the rows after.
 */
async function device(tenantId: string, fields: { platform: "fcm" | "webpush"; address: string; keys?: { p256dh: string; auth: string } }) {
  const now = new Date().toISOString();
  const id = newId("device");
  await db()
    .insert(devices)
    .values({ id, tenantId, ...fields, keys: fields.keys ?? null, lastSeenAt: now, createdAt: now, updatedAt: now });
  return id;
}

const pushTo = (tenantId: string, recipient: string) =>
  queuedMessage(tenantId, { channel: "push", recipient, content: pushContent({ title: "Hello", text: `n${crypto.randomUUID()}` }) });

const deviceRow = async (id: string) =>
  (await env.DB.prepare("SELECT * FROM devices WHERE id = ?").bind(id).first()) as Record<string, unknown>;

describe("push through dispatch", () => {
  it("each device goes through the provider of its platform", async () => {
    const tenantId = await newTenant();
    const project = await fcmProject();
    const keys = await vapidKeys();
    await addProvider({ tenantId, type: "fcm", channel: "push", config: project.config, priority: 0 });
    await addProvider({
      tenantId,
      type: "webpush",
      channel: "push",
      config: { ...keys, subject: "mailto:ops@relay.example" },
      priority: 1,
    });
    const browser = await webPushSubscription(keys.vapidPublicKey);
    const phone = await device(tenantId, { platform: "fcm", address: `tok-${crypto.randomUUID()}` });
    const web = await device(tenantId, { platform: "webpush", address: browser.subscription.endpoint, keys: browser.subscription.keys });
    const raw = `raw-${crypto.randomUUID()}`;
    const messages = [await pushTo(tenantId, phone), await pushTo(tenantId, web), await pushTo(tenantId, raw)];

    await consume(batchOf(messages));

    for (const message of messages) expect((await messageRow(message.id)).status).toBe("sent");
    const fcm = await project.state();
    expect(fcm.sends.map((s) => s.token).sort()).toEqual([(await deviceRow(phone)).address, raw].sort());
    const { received } = await browser.received();
    expect(received.map((r) => r.payload)).toEqual([{ title: "Hello", body: messages[1].content.text }]);
  });

  it("an UNREGISTERED token is rejected once, the device marked invalid, and a later message to it is never sent", async () => {
    const tenantId = await newTenant();
    const project = await fcmProject();
    await addProvider({ tenantId, type: "fcm", channel: "push", config: project.config });
    const token = `tok-${crypto.randomUUID()}`;
    await project.unregister(token);
    const phone = await device(tenantId, { platform: "fcm", address: token });
    const first = await pushTo(tenantId, phone);

    await consume(batchOf([first]));

    expect(await messageRow(first.id)).toMatchObject({ status: "failed", lastError: expect.stringContaining("UNREGISTERED") });
    expect(await deviceRow(phone)).toMatchObject({ invalid_reason: expect.stringContaining("UNREGISTERED") });
    expect((await project.state()).requests).toBe(1);

    // Accepted before the device went invalid: claimed now, refused without a request to FCM.
    const second = await pushTo(tenantId, phone);
    await consume(batchOf([second]));
    expect(await messageRow(second.id)).toMatchObject({ status: "failed", lastError: expect.stringContaining("device_invalid") });
    expect((await project.state()).requests).toBe(1);
    const reasons = (await eventsOf(second.id)).map((e) => e.reason ?? "");
    expect(reasons.some((r) => r.includes("invalid since"))).toBe(true);
  });

  it("an UNREGISTERED raw token is remembered as an invalid device", async () => {
    const tenantId = await newTenant();
    const project = await fcmProject();
    await addProvider({ tenantId, type: "fcm", channel: "push", config: project.config });
    const token = `raw-${crypto.randomUUID()}`;
    await project.unregister(token);
    const message = await pushTo(tenantId, token);
    await consume(batchOf([message]));
    const row = await env.DB.prepare("SELECT platform, invalid_at FROM devices WHERE tenant_id = ? AND address = ?")
      .bind(tenantId, token)
      .first();
    expect(row).toMatchObject({ platform: "fcm", invalid_at: expect.any(String) });
  });

  it("an FCM outage fails over to the next FCM provider", async () => {
    const tenantId = await newTenant();
    const down = await fcmProject();
    const up = await fcmProject();
    await down.setBehaviour({ kind: "fail", status: 503, code: "UNAVAILABLE" });
    await addProvider({ tenantId, type: "fcm", channel: "push", config: down.config, priority: 0 });
    const second = await addProvider({ tenantId, type: "fcm", channel: "push", config: up.config, priority: 1 });
    const message = await pushTo(tenantId, `raw-${crypto.randomUUID()}`);

    await consume(batchOf([message]));

    expect(await messageRow(message.id)).toMatchObject({ status: "sent", providerId: second });
    expect((await up.state()).sends).toHaveLength(1);
  });

  it("a gone Web Push subscription is rejected and marked invalid", async () => {
    const tenantId = await newTenant();
    const keys = await vapidKeys();
    await addProvider({ tenantId, type: "webpush", channel: "push", config: { ...keys, subject: "mailto:ops@relay.example" } });
    const browser = await webPushSubscription(keys.vapidPublicKey);
    await browser.unsubscribe();
    const web = await device(tenantId, { platform: "webpush", address: browser.subscription.endpoint, keys: browser.subscription.keys });
    const message = await pushTo(tenantId, web);
    await consume(batchOf([message]));
    expect((await messageRow(message.id)).status).toBe("failed");
    expect(await deviceRow(web)).toMatchObject({ invalid_reason: expect.stringContaining("410") });
  });
});

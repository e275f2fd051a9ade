import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  call,
  countRows,
  detailPaths,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  freshTenant,
  push,
  type TenantFixture,
} from "../support/api";

type Device = {
  id: string;
  platform: string;
  contactId: string | null;
  tokenHint: string | null;
  endpointOrigin: string | null;
  valid: boolean;
};
type Message = { id: string; to: string; status: string; fanOut?: string[] };

const token = () => `fcm:${crypto.randomUUID()}${crypto.randomUUID()}`;
const b64url = (bytes: number) =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
const subscription = () => ({
  endpoint: `https://push.example.com/send/${crypto.randomUUID()}`,
  keys: { p256dh: b64url(65), auth: b64url(16) },
});

async function register(tenant: TenantFixture, body: Record<string, unknown>, status = 201) {
  return expectSuccessEnvelope(await call<Device>("POST", "/v1/devices", { key: tenant.sendKey, body }), status);
}

const send = (tenant: TenantFixture, body: Record<string, unknown>) => call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body });

describe("POST /v1/devices", () => {
  it("registers an FCM token once, updates it after, and never shows the token again", async () => {
    const tenant = await freshTenant();
    const fcmToken = token();
    const device = await register(tenant, { platform: "fcm", token: fcmToken });
    expect(device).toMatchObject({
      id: expect.stringMatching(/^dev_/),
      platform: "fcm",
      contactId: null,
      valid: true,
      tokenHint: `…${fcmToken.slice(-6)}`,
    });
    const again = await register(tenant, { platform: "fcm", token: fcmToken, contactId: "ctc_ada" }, 200);
    expect(again).toMatchObject({ id: device.id, contactId: "ctc_ada" });
    const read = await call("GET", `/v1/devices/${device.id}`, { key: tenant.readKey });
    expect(JSON.stringify(read.body)).not.toContain(fcmToken);
  });

  it("registers a Web Push subscription, showing only its push service", async () => {
    const tenant = await freshTenant();
    const sub = subscription();
    const device = await register(tenant, { platform: "webpush", subscription: sub });
    expect(device).toMatchObject({ platform: "webpush", endpointOrigin: "https://push.example.com", tokenHint: null });
  });

  it("refuses APNs with the way to reach iOS, and devices missing their token or subscription", async () => {
    const tenant = await freshTenant();
    const apns = expectErrorEnvelope(
      await call("POST", "/v1/devices", { key: tenant.sendKey, body: { platform: "apns", token: "a".repeat(64) } }),
      400,
      "INVALID_INPUT",
    );
    expect(apns.details?.[0]).toMatchObject({ path: "platform", message: expect.stringContaining("FCM") });
    const cases: [Record<string, unknown>, string][] = [
      [{ platform: "fcm" }, "token"],
      [{ platform: "webpush" }, "subscription"],
      [{ platform: "webpush", subscription: subscription(), token: token() }, "token"],
      [{ platform: "fcm", token: token(), subscription: subscription() }, "subscription"],
      [
        { platform: "webpush", subscription: { ...subscription(), keys: { p256dh: "short", auth: b64url(16) } } },
        "subscription.keys.p256dh",
      ],
      [{ platform: "fcm", token: token(), contactId: "ada" }, "contactId"],
      [{ platform: "webpush", subscription: { ...subscription(), endpoint: "https://10.0.0.1/push" } }, "subscription.endpoint"],
    ];
    for (const [body, path] of cases) {
      const answer = await call("POST", "/v1/devices", { key: tenant.sendKey, body });
      expectErrorEnvelope(answer, 400, "INVALID_INPUT");
      expect(detailPaths(answer), JSON.stringify(body)).toContain(path);
    }
    expect(await countRows("devices", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("needs the send scope to register and delete, read to list", async () => {
    const tenant = await freshTenant();
    expectErrorEnvelope(
      await call("POST", "/v1/devices", { key: tenant.readKey, body: { platform: "fcm", token: token() } }),
      403,
      "FORBIDDEN",
    );
    const device = await register(tenant, { platform: "fcm", token: token() });
    expectErrorEnvelope(await call("DELETE", `/v1/devices/${device.id}`, { key: tenant.readKey }), 403, "FORBIDDEN");
  });
});

describe("GET and DELETE /v1/devices", () => {
  it("lists a tenant's devices, by contact too, and hides them from other tenants (404)", async () => {
    const tenant = await freshTenant();
    const other = await freshTenant();
    const a = await register(tenant, { platform: "fcm", token: token(), contactId: "ctc_a" });
    const b = await register(tenant, { platform: "webpush", subscription: subscription(), contactId: "ctc_b" });
    const all = expectSuccessEnvelope(await call<{ items: Device[] }>("GET", "/v1/devices", { key: tenant.readKey }));
    expect(all.items.map((d) => d.id).sort()).toEqual([a.id, b.id].sort());
    const byContact = expectSuccessEnvelope(await call<{ items: Device[] }>("GET", "/v1/devices?contactId=ctc_b", { key: tenant.readKey }));
    expect(byContact.items.map((d) => d.id)).toEqual([b.id]);
    expect(expectSuccessEnvelope(await call<{ items: Device[] }>("GET", "/v1/devices", { key: other.readKey })).items).toEqual([]);
    expectErrorEnvelope(await call("GET", `/v1/devices/${a.id}`, { key: other.readKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("DELETE", `/v1/devices/${a.id}`, { key: other.sendKey }), 404, "NOT_FOUND");
    expect(expectSuccessEnvelope(await call("DELETE", `/v1/devices/${a.id}`, { key: tenant.sendKey }))).toEqual({
      id: a.id,
      deleted: true,
    });
    expectErrorEnvelope(await call("GET", `/v1/devices/${a.id}`, { key: tenant.readKey }), 404, "NOT_FOUND");
  });
});

describe("a push's recipient", () => {
  it("may be a device of the tenant, not another tenant's", async () => {
    const tenant = await freshTenant();
    const other = await freshTenant();
    const device = await register(tenant, { platform: "fcm", token: token() });
    expect(expectSuccessEnvelope(await send(tenant, push({ to: device.id })), 202)).toMatchObject({ to: device.id, status: "queued" });
    const refused = await send(other, push({ to: device.id }));
    expectErrorEnvelope(refused, 400, "INVALID_INPUT");
    expect(refused.body.error.details).toEqual([{ path: "to", message: "no such device" }]);
  });

  it("fans a contact out to one message per valid device, each with its own events", async () => {
    const tenant = await freshTenant();
    const a = await register(tenant, { platform: "fcm", token: token(), contactId: "ctc_fan" });
    const b = await register(tenant, { platform: "webpush", subscription: subscription(), contactId: "ctc_fan" });
    const gone = await register(tenant, { platform: "fcm", token: token(), contactId: "ctc_fan" });
    await env.DB.prepare("UPDATE devices SET invalid_at = ?, invalid_reason = 'UNREGISTERED' WHERE id = ?")
      .bind(new Date().toISOString(), gone.id)
      .run();

    const message = expectSuccessEnvelope(await send(tenant, push({ to: "ctc_fan" })), 202);
    expect(message.fanOut).toHaveLength(2);
    expect(message.fanOut?.[0]).toBe(message.id);
    const recipients = await Promise.all(
      (message.fanOut ?? []).map(async (id) =>
        expectSuccessEnvelope(await call<{ to: string; events: unknown[] }>("GET", `/v1/messages/${id}`, { key: tenant.readKey })),
      ),
    );
    expect(recipients.map((m) => m.to).sort()).toEqual([a.id, b.id].sort());
    for (const m of recipients) expect(m.events).toHaveLength(1);
  });

  it("a contact with no valid device, an invalid device and a token reported gone are 400s", async () => {
    const tenant = await freshTenant();
    const none = await send(tenant, push({ to: "ctc_nobody" }));
    expectErrorEnvelope(none, 400, "INVALID_INPUT");
    expect(none.body.error.details?.[0]).toMatchObject({ path: "to", message: expect.stringContaining("no valid device") });

    const dead = token();
    const device = await register(tenant, { platform: "fcm", token: dead });
    await env.DB.prepare("UPDATE devices SET invalid_at = ?, invalid_reason = 'UNREGISTERED' WHERE id = ?")
      .bind(new Date().toISOString(), device.id)
      .run();
    for (const to of [device.id, dead]) {
      const answer = await send(tenant, push({ to }));
      expectErrorEnvelope(answer, 400, "INVALID_INPUT");
      expect(answer.body.error.details?.[0].message).toContain("never sent to again");
    }
    const batch = await call("POST", "/v1/messages/batch", {
      key: tenant.sendKey,
      body: { messages: [push({ to: token() }), push({ to: dead })] },
    });
    expectErrorEnvelope(batch, 400, "INVALID_INPUT");
    expect(detailPaths(batch)).toEqual(["messages.1.to"]);
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });
});

describe("a keyed push retried after its device went invalid", () => {
  it("replays the first answer: only a request never accepted is refused", async () => {
    const tenant = await freshTenant();
    const device = await register(tenant, { platform: "fcm", token: token() });
    const body = push({ to: device.id });
    const headers = { "idempotency-key": `k-${crypto.randomUUID()}` };
    const first = expectSuccessEnvelope(await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body, headers }), 202);
    await env.DB.prepare("UPDATE devices SET invalid_at = ?, invalid_reason = 'UNREGISTERED' WHERE id = ?")
      .bind(new Date().toISOString(), device.id)
      .run();
    const retry = await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body, headers });
    expect(expectSuccessEnvelope(retry, 202).id).toBe(first.id);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    const fresh = await call("POST", "/v1/messages", {
      key: tenant.sendKey,
      body,
      headers: { "idempotency-key": `k-${crypto.randomUUID()}` },
    });
    expectErrorEnvelope(fresh, 400, "INVALID_INPUT");
  });
});

describe("push content", () => {
  it("takes title, text, data, image, link, TTL, collapse key and priority", async () => {
    const tenant = await freshTenant();
    const content = {
      title: "T",
      text: "x",
      data: { k: "v" },
      imageUrl: "https://cdn.example/i.png",
      url: "app://open/1",
      ttlSeconds: 60,
      collapseKey: "c",
      priority: "high",
    };
    const message = expectSuccessEnvelope(await send(tenant, push({ content })), 202);
    expect(message).toMatchObject({ content });
  });

  it("refuses a payload over the 4 KB push limit, and bad fields, naming them", async () => {
    const tenant = await freshTenant();
    const big = await send(
      tenant,
      push({ content: { text: "x", data: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, "y".repeat(1000)])) } }),
    );
    expectErrorEnvelope(big, 400, "INVALID_INPUT");
    expect(big.body.error.details?.[0]).toMatchObject({ path: "content", message: expect.stringContaining("3993") });
    const cases: [Record<string, unknown>, string][] = [
      [{ text: "x", data: { k: 1 } }, "content.data.k"],
      [{ text: "x", data: { "google.x": "1" } }, "content.data.google.x"],
      [{ text: "x", imageUrl: "http://cdn.example/i.png" }, "content.imageUrl"],
      [{ text: "x", ttlSeconds: -1 }, "content.ttlSeconds"],
      [{ text: "x", priority: "urgent" }, "content.priority"],
      [{ text: "x", html: "<p>" }, "content.html"],
    ];
    for (const [content, path] of cases) {
      const answer = await send(tenant, push({ content }));
      expectErrorEnvelope(answer, 400, "INVALID_INPUT");
      expect(detailPaths(answer), JSON.stringify(content)).toContain(path);
    }
  });
});

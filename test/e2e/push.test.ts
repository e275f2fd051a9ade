import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeFcm, startFakeFcm } from "../support/node/fakes/fake-fcm";
import { type FakeWebPush, startFakeWebPush } from "../support/node/fakes/fake-web-push";
import { addProvider } from "./harness/providers-setup";
import { eventually, type RelayClient, relayClient } from "./harness/relay-client";
import { type StackProcess, startStackProcess } from "./harness/stack-process";

type Message = { id: string; status: string; to: string; providerId: string | null; lastError: string | null; fanOut?: string[] };

let stack: StackProcess;
let relay: RelayClient;
let fcm: FakeFcm;
let webPush: FakeWebPush;

beforeAll(async () => {
  stack = await startStackProcess();
  relay = relayClient(() => stack.credentials);
  fcm = await startFakeFcm();
  webPush = await startFakeWebPush();
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([fcm?.close(), webPush?.close()]);
});

/** A tenant of its own per test, so each test's providers are the only ones its pushes use. */
async function tenant() {
  const created = await relay.asAdmin<{ id: string }>("POST", "/v1/tenants", { name: "push tenant" });
  const key = await relay.asAdmin<{ key: string }>("POST", `/v1/tenants/${created.body.data.id}/api-keys`, {
    name: "app",
    scopes: ["send", "read"],
  });
  const id = created.body.data.id;
  const as = <T>(method: string, path: string, body?: unknown) => relay.withKey<T>(key.body.data.key, method, path, body);
  return { id, as };
}

function vapidKeys() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" });
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-65);
  return { vapidPublicKey: raw.toString("base64url"), vapidPrivateKey: String(jwk.d) };
}

const token = () => `e2e-${crypto.randomUUID()}`;

describe("push over the real stack", () => {
  it("reaches an FCM device and a browser, a contact fanning out to both", async () => {
    const t = await tenant();
    const account = fcm.createProject();
    const keys = vapidKeys();
    await addProvider(relay, t.id, { type: "fcm", name: "fcm", config: { serviceAccount: account, baseUrl: fcm.baseUrl } });
    await addProvider(relay, t.id, { type: "webpush", name: "web push", config: { ...keys, subject: "mailto:ops@relay.example" } });
    const phoneToken = token();
    const browser = webPush.subscribe(keys.vapidPublicKey);
    const phone = await t.as<{ id: string }>("POST", "/v1/devices", { platform: "fcm", token: phoneToken, contactId: "ctc_ada" });
    const web = await t.as<{ id: string }>("POST", "/v1/devices", { platform: "webpush", subscription: browser, contactId: "ctc_ada" });
    expect([phone.status, web.status]).toEqual([201, 201]);

    const sent = await t.as<Message>("POST", "/v1/messages", {
      channel: "push",
      to: "ctc_ada",
      content: { title: "Order shipped", text: "Arrives Tuesday", data: { orderId: "42" }, url: "https://shop.example/o/42" },
    });
    expect(sent.status).toBe(202);
    const ids = sent.body.data.fanOut ?? [];
    expect(ids).toHaveLength(2);
    for (const id of ids)
      await eventually(async () => ((await t.as<Message>("GET", `/v1/messages/${id}`)).body.data.status === "sent" ? true : undefined));

    expect(fcm.state(account.project_id)?.sends.map((s) => s.token)).toEqual([phoneToken]);
    expect(fcm.state(account.project_id)?.sends[0].message).toMatchObject({
      notification: { title: "Order shipped", body: "Arrives Tuesday" },
      data: { orderId: "42" },
    });
    expect(webPush.refused(browser.endpoint)).toEqual([]);
    expect(webPush.received(browser.endpoint).map((r) => r.payload)).toEqual([
      { title: "Order shipped", body: "Arrives Tuesday", url: "https://shop.example/o/42", data: { orderId: "42" } },
    ]);
  });

  it("an UNREGISTERED token is rejected once and never sent again", async () => {
    const t = await tenant();
    const account = fcm.createProject();
    await addProvider(relay, t.id, { type: "fcm", name: "fcm", config: { serviceAccount: account, baseUrl: fcm.baseUrl } });
    const dead = token();
    fcm.unregister(account.project_id, dead);
    const device = (await t.as<{ id: string }>("POST", "/v1/devices", { platform: "fcm", token: dead })).body.data;

    const first = await t.as<Message>("POST", "/v1/messages", { channel: "push", to: device.id, content: { text: "hello?" } });
    const failed = await eventually(async () => {
      const message = (await t.as<Message>("GET", `/v1/messages/${first.body.data.id}`)).body.data;
      return message.status === "failed" ? message : undefined;
    });
    expect(failed.lastError).toContain("UNREGISTERED");
    expect((await t.as<{ valid: boolean }>("GET", `/v1/devices/${device.id}`)).body.data.valid).toBe(false);

    for (const to of [device.id, dead]) {
      const again = await t.as<Message>("POST", "/v1/messages", { channel: "push", to, content: { text: "hello again" } });
      expect(again.status).toBe(400);
    }
    expect(fcm.state(account.project_id)?.requests).toBe(1);
  });

  it("an FCM answering 500 fails over to the next provider", async () => {
    const t = await tenant();
    const primary = fcm.createProject();
    const backup = fcm.createProject();
    await addProvider(relay, t.id, {
      type: "fcm",
      name: "primary",
      priority: 0,
      config: { serviceAccount: primary, baseUrl: fcm.baseUrl },
    });
    const backupId = await addProvider(relay, t.id, {
      type: "fcm",
      name: "backup",
      priority: 1,
      config: { serviceAccount: backup, baseUrl: fcm.baseUrl },
    });
    fcm.setBehaviour(primary.project_id, { kind: "fail", status: 500 });

    const burst = await t.as<{ items: Message[] }>("POST", "/v1/messages/batch", {
      messages: Array.from({ length: 20 }, () => ({ channel: "push", to: token(), content: { text: "burst" } })),
    });
    expect(burst.status).toBe(202);
    for (const { id } of burst.body.data.items)
      await eventually(async () => {
        const message = (await t.as<Message>("GET", `/v1/messages/${id}`)).body.data;
        return message.status === "sent" ? expect(message.providerId).toBe(backupId) : undefined;
      });
    expect(fcm.state(backup.project_id)?.sends).toHaveLength(20);
  });

  it("with one provider, pushes answered 500 are retried with backoff and sent", async () => {
    const t = await tenant();
    const account = fcm.createProject();
    await addProvider(relay, t.id, { type: "fcm", name: "only", config: { serviceAccount: account, baseUrl: fcm.baseUrl } });
    // Fewer failures than the circuit breaker's threshold: each message's first attempt fails.
    fcm.failNext(account.project_id, 4);
    const burst = await t.as<{ items: Message[] }>("POST", "/v1/messages/batch", {
      messages: Array.from({ length: 4 }, () => ({ channel: "push", to: token(), content: { text: "retry me" } })),
    });
    for (const { id } of burst.body.data.items)
      await eventually(async () => ((await t.as<Message>("GET", `/v1/messages/${id}`)).body.data.status === "sent" ? true : undefined));
    expect(fcm.state(account.project_id)?.requests).toBe(8);
    expect(fcm.state(account.project_id)?.sends).toHaveLength(4);
  });

  it("1,000 pushes through one FCM provider cost a handful of token requests", async () => {
    const t = await tenant();
    const account = fcm.createProject();
    await addProvider(relay, t.id, { type: "fcm", name: "fcm", config: { serviceAccount: account, baseUrl: fcm.baseUrl } });
    for (let batch = 0; batch < 10; batch++) {
      const answer = await t.as("POST", "/v1/messages/batch", {
        messages: Array.from({ length: 100 }, () => ({ channel: "push", to: token(), content: { text: "hi" } })),
      });
      expect(answer.status).toBe(202);
    }
    await eventually(async () => ((fcm.state(account.project_id)?.sends.length ?? 0) >= 1000 ? true : undefined), 120_000, 500);
    const state = fcm.state(account.project_id);
    expect(state?.sends).toHaveLength(1000);
    expect(state?.refusedBearers).toBe(0);
    expect(state?.tokenRequests).toBeGreaterThanOrEqual(1);
    expect(state?.tokenRequests).toBeLessThanOrEqual(5);
  });
});

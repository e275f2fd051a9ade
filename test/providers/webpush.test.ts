import { describe, expect, it } from "vitest";
import { PUBLIC_ONLY } from "../../shared/providers/outbound-policy";
import { providerFor } from "../../shared/providers/provider-factory";
import { LOCAL_OUTBOUND, patience } from "./fixtures";
import { pushContent, pushMessage, setWebPushBehaviour, vapidKeys, webPushSubscription } from "./push-fixtures";

async function provider(policy = LOCAL_OUTBOUND) {
  const keys = await vapidKeys();
  const config = { ...keys, subject: "mailto:ops@relay.example" };
  return { keys, adapter: providerFor("webpush", "prv_webpush1", config, { outbound: policy }) };
}

const toSubscription = (subscription: { endpoint: string; keys: { p256dh: string; auth: string } }) =>
  pushMessage({ to: "dev_webpush1", device: { deviceId: "dev_webpush1", platform: "webpush", subscription } });

describe("webpush send", () => {
  it("delivers a VAPID-signed, aes128gcm-encrypted notification the subscription's key decrypts", async () => {
    const { keys, adapter } = await provider();
    const device = await webPushSubscription(keys.vapidPublicKey);
    const message = toSubscription(device.subscription);
    message.content = pushContent({
      title: "Hi",
      text: "there",
      data: { a: "1" },
      url: "https://app.example/x",
      ttlSeconds: 120,
      priority: "high",
      collapseKey: "inbox",
    });

    const outcome = await adapter.send(message, patience());

    expect(outcome).toMatchObject({ kind: "sent", providerMessageId: expect.stringContaining(device.subscription.endpoint) });
    const { received, refused } = await device.received();
    expect(refused).toEqual([]);
    expect(received).toEqual([
      {
        payload: { title: "Hi", body: "there", url: "https://app.example/x", data: { a: "1" } },
        ttl: "120",
        urgency: "high",
        topic: "inbox",
        vapidSubject: "mailto:ops@relay.example",
      },
    ]);
  });

  it("is refused by the push service when signed with another application server key", async () => {
    const { adapter } = await provider();
    const other = await vapidKeys();
    const device = await webPushSubscription(other.vapidPublicKey);
    const outcome = await adapter.send(toSubscription(device.subscription), patience());
    expect(outcome).toMatchObject({ kind: "unavailable", code: "http_401" });
    expect((await device.received()).received).toEqual([]);
  });

  it("rejects a gone subscription (410) and says so", async () => {
    const { keys, adapter } = await provider();
    const device = await webPushSubscription(keys.vapidPublicKey);
    await device.unsubscribe();
    expect(await adapter.send(toSubscription(device.subscription), patience())).toMatchObject({
      kind: "rejected",
      code: "http_410",
      recipientGone: true,
    });
  });

  it("treats 429 and 5xx as the push service's fault", async () => {
    const { keys, adapter } = await provider();
    const device = await webPushSubscription(keys.vapidPublicKey);
    try {
      await setWebPushBehaviour({ kind: "fail", status: 429 });
      expect(await adapter.send(toSubscription(device.subscription), patience())).toMatchObject({
        kind: "unavailable",
        code: "http_429",
        retryAfterSeconds: 1,
      });
      await setWebPushBehaviour({ kind: "fail", status: 503 });
      expect(await adapter.send(toSubscription(device.subscription), patience())).toMatchObject({ kind: "unavailable", code: "http_503" });
    } finally {
      await setWebPushBehaviour({ kind: "ok" });
    }
  });

  it("cannot reach an FCM token, and refuses an endpoint the outbound policy refuses", async () => {
    const { keys, adapter } = await provider(PUBLIC_ONLY);
    expect(await adapter.send(pushMessage(), patience())).toMatchObject({ kind: "rejected", code: "wrong_platform" });
    const device = await webPushSubscription(keys.vapidPublicKey);
    expect(await adapter.send(toSubscription(device.subscription), patience())).toMatchObject({
      kind: "rejected",
      code: "address_refused",
    });
    expect((await device.received()).received).toEqual([]);
  });
});

describe("webpush check", () => {
  it("proves the key pair signs", async () => {
    const { adapter } = await provider();
    expect(await adapter.check(patience())).toMatchObject({ ok: true });
  });
});

import { describe, expect, it } from "vitest";
import { providerFor } from "../../shared/providers/provider-factory";
import { LOCAL_OUTBOUND, patience } from "./fixtures";
import { fcmProject, pushContent, pushMessage } from "./push-fixtures";

const fcm = (config: unknown, id = `prv_fcm${crypto.randomUUID().slice(0, 8)}`) =>
  providerFor("fcm", id, config, { outbound: LOCAL_OUTBOUND });

describe("fcm send", () => {
  it("sends through messages:send with a bearer token from the service account's token_uri", async () => {
    const project = await fcmProject();
    const message = pushMessage({
      content: pushContent({
        title: "Hi",
        text: "there",
        data: { orderId: "42" },
        url: "https://shop.example/o/42",
        ttlSeconds: 600,
        collapseKey: "order-42",
        priority: "high",
      }),
    });
    const outcome = await fcm(project.config).send(message, patience());

    expect(outcome).toMatchObject({
      kind: "sent",
      providerMessageId: expect.stringMatching(`^projects/${project.serviceAccount.project_id}/messages/`),
    });
    const state = await project.state();
    expect(state.tokenRequests).toBe(1);
    expect(state.sends).toHaveLength(1);
    expect(state.sends[0].token).toBe(message.to);
    expect(state.sends[0].message).toMatchObject({
      notification: { title: "Hi", body: "there" },
      data: { orderId: "42", url: "https://shop.example/o/42" },
      android: { ttl: "600s", collapse_key: "order-42", priority: "HIGH" },
      apns: { headers: { "apns-priority": "10", "apns-collapse-id": "order-42" } },
      webpush: { headers: { TTL: "600", Urgency: "high", Topic: "order-42" }, fcm_options: { link: "https://shop.example/o/42" } },
    });
  });

  it("mints one token for many concurrent sends, across adapters of the same account", async () => {
    const project = await fcmProject();
    const sends = Array.from({ length: 40 }, (_, i) => fcm(project.config, `prv_fcm_batch${i % 3}`).send(pushMessage(), patience()));
    const outcomes = await Promise.all(sends);
    expect(outcomes.every((o) => o.kind === "sent")).toBe(true);
    const state = await project.state();
    expect(state.sends).toHaveLength(40);
    expect(state.tokenRequests).toBe(1);
  });

  it("rejects an UNREGISTERED token and says the device is gone", async () => {
    const project = await fcmProject();
    const message = pushMessage();
    await project.unregister(message.to);
    const outcome = await fcm(project.config).send(message, patience());
    expect(outcome).toMatchObject({ kind: "rejected", code: "UNREGISTERED", recipientGone: true });
  });

  it("treats quota and outages as the provider's fault, with FCM's Retry-After", async () => {
    const project = await fcmProject();
    await project.setBehaviour({ kind: "fail", status: 429 });
    expect(await fcm(project.config).send(pushMessage(), patience())).toMatchObject({
      kind: "unavailable",
      code: "QUOTA_EXCEEDED",
      retryAfterSeconds: 1,
    });
    await project.setBehaviour({ kind: "fail", status: 503, code: "UNAVAILABLE" });
    expect(await fcm(project.config).send(pushMessage(), patience())).toMatchObject({
      kind: "unavailable",
      code: "UNAVAILABLE",
      retryAfterSeconds: 1,
    });
    await project.setBehaviour({ kind: "fail", status: 500 });
    expect(await fcm(project.config).send(pushMessage(), patience())).toMatchObject({ kind: "unavailable", code: "INTERNAL" });
  });

  it("a refused bearer token is unavailable, forgotten, and replaced on the next send", async () => {
    const project = await fcmProject();
    expect((await fcm(project.config).send(pushMessage(), patience())).kind).toBe("sent");
    await project.revokeTokens();
    expect(await fcm(project.config).send(pushMessage(), patience())).toMatchObject({ kind: "unavailable", code: "UNAUTHENTICATED" });
    expect((await fcm(project.config).send(pushMessage(), patience())).kind).toBe("sent");
    expect((await project.state()).tokenRequests).toBe(2);
  });

  it("a service account whose key the token endpoint does not accept is unavailable, and never reaches FCM", async () => {
    const project = await fcmProject();
    const other = await fcmProject();
    // The right account name, another account's key: the assertion's signature does not verify.
    const forged = { ...project.config, serviceAccount: { ...project.serviceAccount, private_key: other.serviceAccount.private_key } };
    const outcome = await fcm(forged).send(pushMessage(), patience());
    expect(outcome).toMatchObject({ kind: "unavailable", code: "auth_refused" });
    expect(JSON.stringify(outcome)).not.toContain("PRIVATE KEY");
    expect((await project.state()).requests).toBe(0);
  });

  it("cannot reach a Web Push device", async () => {
    const project = await fcmProject();
    const message = pushMessage({
      device: {
        platform: "webpush",
        subscription: { endpoint: "https://push.example/x", keys: { p256dh: "A".repeat(87), auth: "B".repeat(22) } },
      },
    });
    expect(await fcm(project.config).send(message, patience())).toMatchObject({ kind: "rejected", code: "wrong_platform" });
  });

  it("refuses a token_uri the outbound policy refuses, without connecting", async () => {
    const project = await fcmProject();
    const config = { ...project.config, serviceAccount: { ...project.serviceAccount, token_uri: "http://10.0.0.1/token" } };
    const outcome = await fcm(config).send(pushMessage(), patience());
    expect(outcome).toMatchObject({ kind: "unavailable", code: "address_refused" });
  });
});

describe("fcm check", () => {
  it("mints a token and has FCM accept it, sending nothing", async () => {
    const project = await fcmProject();
    expect(await fcm(project.config).check(patience())).toEqual({ ok: true, message: expect.stringContaining("service account is valid") });
    expect((await project.state()).sends).toHaveLength(0);
  });

  it("says the credentials were refused when the key does not match", async () => {
    const project = await fcmProject();
    const other = await fcmProject();
    const forged = { ...project.config, serviceAccount: { ...project.serviceAccount, private_key: other.serviceAccount.private_key } };
    expect(await fcm(forged).check(patience())).toMatchObject({ ok: false, message: expect.stringContaining("refused the credentials") });
  });
});

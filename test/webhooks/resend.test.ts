import { describe, expect, it } from "vitest";
import {
  addProvider,
  configs,
  deliver,
  eventsOf,
  messageRow,
  newTenant,
  outboundMessage,
  unmatchedOf,
  WEBHOOKS_ORIGIN,
  writtenFor,
} from "../support/webhook-fixtures";
import { newSvixId, nowSeconds, resendEvent, resendRequest, svixSignature } from "./helpers/svix";

async function resendSetup(status: "sending" | "sent" = "sent") {
  const tenantId = await newTenant();
  const config = configs.resend();
  const providerId = await addProvider({ tenantId, type: "resend", config });
  const emailId = crypto.randomUUID();
  const message = await outboundMessage(tenantId, {
    channel: "email",
    recipient: "jane@example.com",
    providerId,
    providerMessageId: emailId,
    status,
  });
  return { providerId, secret: config.webhookSecret, emailId, message, url: `${WEBHOOKS_ORIGIN}/webhooks/resend/${providerId}` };
}

describe("Resend webhooks (Svix signatures)", () => {
  it("records email.delivered as an event and moves the message to delivered", async () => {
    const { providerId, secret, emailId, message, url } = await resendSetup();
    const id = newSvixId();
    const body = resendEvent("email.delivered", emailId);

    const answer = await deliver(await resendRequest(url, secret, body, { id }));

    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ result: "recorded", messageIds: [message.id] });
    expect((await messageRow(message.id)).status).toBe("delivered");
    const [event] = await eventsOf(message.id);
    expect(event).toMatchObject({
      status: "delivered",
      source: "provider",
      providerId,
      rawPayload: JSON.parse(body),
      dedupeKey: `resend:${providerId}:${id}`,
    });
  });

  it.each([
    ["email.sent", {}, "sent", "sent", "resend email.sent"],
    [
      "email.bounced",
      { bounce: { type: "Permanent", subType: "Suppressed", message: "on the suppression list" } },
      "failed",
      "failed",
      "bounce: Permanent/Suppressed: on the suppression list",
    ],
    ["email.failed", { failed: { reason: "reached_daily_quota" } }, "failed", "failed", "failed: reached_daily_quota"],
    ["email.delivery_delayed", {}, "sending", "sent", "delivery delayed"],
    ["email.complained", {}, "sending", "delivered", "complaint"],
  ])("maps %s (message ends %s; event %s, %s)", async (type, data, messageStatus, eventStatus, reason) => {
    const { secret, emailId, message, url } = await resendSetup("sending");

    const answer = await deliver(await resendRequest(url, secret, resendEvent(type, emailId, data)));

    expect(answer.status).toBe(200);
    const row = await messageRow(message.id);
    expect(row.status).toBe(messageStatus);
    if (messageStatus === "failed") expect(row.lastError).toBe(reason);
    expect((await eventsOf(message.id)).map((e) => [e.status, e.reason])).toEqual([[eventStatus, reason]]);
  });

  it("keeps a delivered message delivered on a complaint", async () => {
    const { secret, emailId, message, url } = await resendSetup();
    await deliver(await resendRequest(url, secret, resendEvent("email.delivered", emailId)));

    await deliver(await resendRequest(url, secret, resendEvent("email.complained", emailId)));

    expect((await messageRow(message.id)).status).toBe("delivered");
    expect((await eventsOf(message.id)).map((e) => e.reason)).toContain("complaint");
  });

  it("accepts a header with several signatures when one of them is valid", async () => {
    const { secret, emailId, message, url } = await resendSetup();
    const stale = `v1,${btoa("an old secret's signature, 32 b")}`;

    const answer = await deliver(
      await resendRequest(url, secret, resendEvent("email.delivered", emailId), {
        signatureHeader: (valid) => `${stale} v2,whatever ${valid}`,
      }),
    );

    expect(answer.status).toBe(200);
    expect((await messageRow(message.id)).status).toBe("delivered");
  });

  it("accepts a timestamp four minutes old", async () => {
    const { secret, emailId, url } = await resendSetup();

    const answer = await deliver(
      await resendRequest(url, secret, resendEvent("email.delivered", emailId), { timestamp: nowSeconds() - 240 }),
    );

    expect(answer.status).toBe(200);
  });

  describe("rejects with 401, writing nothing,", () => {
    const otherSecret = () => configs.resend().webhookSecret;
    const cases: [string, (url: string, secret: string, emailId: string) => Promise<Request>][] = [
      [
        "a tampered body",
        (url, secret, emailId) =>
          resendRequest(url, secret, resendEvent("email.bounced", emailId), { signedBody: resendEvent("email.delivered", emailId) }),
      ],
      [
        "a signature made with another secret",
        (url, _secret, emailId) => resendRequest(url, otherSecret(), resendEvent("email.delivered", emailId)),
      ],
      [
        "a timestamp six minutes old",
        (url, secret, emailId) => resendRequest(url, secret, resendEvent("email.delivered", emailId), { timestamp: nowSeconds() - 360 }),
      ],
      [
        "a timestamp six minutes ahead",
        (url, secret, emailId) => resendRequest(url, secret, resendEvent("email.delivered", emailId), { timestamp: nowSeconds() + 360 }),
      ],
      [
        "a missing svix-signature",
        (url, secret, emailId) => resendRequest(url, secret, resendEvent("email.delivered", emailId), { omit: ["svix-signature"] }),
      ],
      [
        "a missing svix-id",
        (url, secret, emailId) => resendRequest(url, secret, resendEvent("email.delivered", emailId), { omit: ["svix-id"] }),
      ],
      [
        "a missing svix-timestamp",
        (url, secret, emailId) => resendRequest(url, secret, resendEvent("email.delivered", emailId), { omit: ["svix-timestamp"] }),
      ],
      [
        "only an unknown signature version",
        (url, secret, emailId) =>
          resendRequest(url, secret, resendEvent("email.delivered", emailId), { signatureHeader: (s) => s.replace("v1,", "v2,") }),
      ],
    ];
    it.each(cases)("%s", async (_name, build) => {
      const { providerId, secret, emailId, message, url } = await resendSetup();

      const answer = await deliver(await build(url, secret, emailId));

      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe("UNAUTHORIZED");
      expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
      expect((await messageRow(message.id)).status).toBe("sent");
    });
  });

  it("records a replay (same svix-id) once", async () => {
    const { secret, emailId, message, url } = await resendSetup();
    const id = newSvixId();
    const body = resendEvent("email.delivered", emailId);

    await deliver(await resendRequest(url, secret, body, { id }));
    const replay = await deliver(await resendRequest(url, secret, body, { id }));

    expect(replay.status).toBe(200);
    expect(replay.body.data.result).toBe("duplicate");
    expect(await eventsOf(message.id)).toHaveLength(1);
  });

  it("never moves the status backwards when events arrive out of order", async () => {
    const { secret, emailId, message, url } = await resendSetup("sending");

    await deliver(await resendRequest(url, secret, resendEvent("email.delivered", emailId)));
    await deliver(await resendRequest(url, secret, resendEvent("email.sent", emailId)));
    await deliver(await resendRequest(url, secret, resendEvent("email.delivery_delayed", emailId)));

    expect((await messageRow(message.id)).status).toBe("delivered");
    expect((await eventsOf(message.id)).map((e) => e.status).sort()).toEqual(["delivered", "sent", "sent"]);
  });

  it("keeps an event for an unknown email id and answers 200", async () => {
    const { providerId, secret, url } = await resendSetup();
    const unknown = crypto.randomUUID();

    const answer = await deliver(await resendRequest(url, secret, resendEvent("email.bounced", unknown)));

    expect(answer.status).toBe(200);
    expect(answer.body.data.result).toBe("unmatched");
    expect(await unmatchedOf(providerId)).toEqual([
      expect.objectContaining({ providerMessageId: unknown, kind: "email.bounced", status: "failed" }),
    ]);
  });

  it("acknowledges events that are not about an email, writing nothing", async () => {
    const { providerId, secret, url } = await resendSetup();
    const body = JSON.stringify({ type: "contact.created", created_at: new Date().toISOString(), data: { id: crypto.randomUUID() } });

    const answer = await deliver(await resendRequest(url, secret, body));

    expect(answer.status).toBe(200);
    expect(answer.body.data.result).toBe("ignored");
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it.each([
    ["not JSON", "{type: email.delivered"],
    ["not an event", JSON.stringify({ hello: "world" })],
    ["an email event without email_id", JSON.stringify({ type: "email.delivered", data: {} })],
  ])("answers 400 to a correctly signed body that is %s, writing nothing", async (_name, body) => {
    const { providerId, secret, url } = await resendSetup();

    const answer = await deliver(await resendRequest(url, secret, body));

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("INVALID_INPUT");
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it("refuses callbacks to a Resend provider that has no webhookSecret", async () => {
    const tenantId = await newTenant();
    const { webhookSecret, ...withoutSecret } = configs.resend();
    const providerId = await addProvider({ tenantId, type: "resend", config: withoutSecret });

    const answer = await deliver(
      await resendRequest(`${WEBHOOKS_ORIGIN}/webhooks/resend/${providerId}`, webhookSecret, resendEvent("email.delivered", "x")),
    );

    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toContain("webhookSecret");
  });

  it("signs as Svix does: the test signer reproduces Svix's published example", async () => {
    // From Svix's documentation (verifying webhooks manually) and its libraries' tests.
    const signature = await svixSignature(
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "1614265330",
      '{"test": 2432232314}',
    );
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sealCanary } from "../../shared/crypto/secret-canary";
import { addProvider, configs, deliver, newTenant, WEBHOOKS_ORIGIN, writtenFor } from "../support/webhook-fixtures";
import { resendEvent, resendRequest } from "./helpers/svix";
import { newMessageSid, statusParams, twilioRequest } from "./helpers/twilio";

describe("webhooks routing", () => {
  it("answers /health", async () => {
    const answer = await deliver(new Request(`${WEBHOOKS_ORIGIN}/health`));
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ status: "ok" });
  });

  it("answers 503 on /health when this worker's secret differs from the one that sealed the canary", async () => {
    const canary = await sealCanary(env.ENCRYPTION_SECRET);
    const answer = await deliver(new Request(`${WEBHOOKS_ORIGIN}/health`), {
      ENCRYPTION_SECRET: `other-${crypto.randomUUID()}`,
      ENCRYPTION_CANARY: canary,
    });
    expect(answer.status).toBe(503);
    expect(answer.body.error.message).toContain("differs");
  });

  it("answers 404 for an unknown provider id", async () => {
    const { authToken } = configs.twilio();
    const url = `${WEBHOOKS_ORIGIN}/webhooks/twilio/prv_doesnotexist`;

    const answer = await deliver(await twilioRequest(url, statusParams(newMessageSid(), "delivered"), authToken));

    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe("NOT_FOUND");
  });

  it("answers 404 for a disabled provider, even with a valid signature, writing nothing", async () => {
    const config = configs.twilio();
    const providerId = await addProvider({ tenantId: await newTenant(), type: "twilio", config, enabled: false });
    const url = `${WEBHOOKS_ORIGIN}/webhooks/twilio/${providerId}`;

    const answer = await deliver(await twilioRequest(url, statusParams(newMessageSid(), "delivered"), config.authToken));

    expect(answer.status).toBe(404);
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it("answers 404 when the provider is of another type than the route", async () => {
    const config = configs.resend();
    const providerId = await addProvider({ tenantId: await newTenant(), type: "resend", config });

    const onTwilio = await deliver(
      await twilioRequest(`${WEBHOOKS_ORIGIN}/webhooks/twilio/${providerId}`, statusParams(newMessageSid(), "sent"), "x"),
    );
    const onSes = await deliver(
      await resendRequest(`${WEBHOOKS_ORIGIN}/webhooks/ses/${providerId}`, config.webhookSecret, resendEvent("email.sent", "e")),
    );

    expect([onTwilio.status, onSes.status]).toEqual([404, 404]);
  });

  it("answers 404 for other methods and paths", async () => {
    const get = await deliver(new Request(`${WEBHOOKS_ORIGIN}/webhooks/resend/prv_x`));
    const elsewhere = await deliver(new Request(`${WEBHOOKS_ORIGIN}/webhooks/mailgun/prv_x`, { method: "POST", body: "{}" }));
    expect([get.status, elsewhere.status]).toEqual([404, 404]);
  });

  it("answers 413 to a body over 1 MB", async () => {
    const config = configs.resend();
    const providerId = await addProvider({ tenantId: await newTenant(), type: "resend", config });
    const huge = JSON.stringify({ type: "email.sent", data: { email_id: "e", padding: "x".repeat(1024 * 1024) } });

    const answer = await deliver(await resendRequest(`${WEBHOOKS_ORIGIN}/webhooks/resend/${providerId}`, config.webhookSecret, huge));

    expect(answer.status).toBe(413);
  });
});

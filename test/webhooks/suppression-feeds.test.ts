import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { optOuts } from "../../shared/db/schema";
import { addProvider, configs, db, deliver, newTenant, outboundMessage, WEBHOOKS_ORIGIN } from "../support/webhook-fixtures";
import { interceptAws, sesNotification, snsNotification, snsRequest } from "./helpers/sns";
import { newSvixId, resendEvent, resendRequest } from "./helpers/svix";

const suppressedOf = async (tenantId: string) =>
  (await db().query.optOuts.findMany({ where: eq(optOuts.tenantId, tenantId) })).map((row) => [row.channel, row.address, row.source]);

async function resendSetup(recipient: string) {
  const tenantId = await newTenant();
  const config = configs.resend();
  const providerId = await addProvider({ tenantId, type: "resend", config });
  const emailId = crypto.randomUUID();
  await outboundMessage(tenantId, { channel: "email", recipient, providerId, providerMessageId: emailId });
  const send = async (type: string, data: Record<string, unknown> = {}) =>
    deliver(
      await resendRequest(`${WEBHOOKS_ORIGIN}/webhooks/resend/${providerId}`, config.webhookSecret, resendEvent(type, emailId, data), {
        id: newSvixId(),
      }),
    );
  return { tenantId, send };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("email hard bounces and complaints feed the suppression list", () => {
  it("suppresses a Resend hard bounce and a complaint, not a transient bounce", async () => {
    const hard = await resendSetup("Jane@Example.com");
    await hard.send("email.bounced", { bounce: { type: "Permanent", subType: "General", message: "no such user" } });
    expect(await suppressedOf(hard.tenantId)).toEqual([["email", "jane@example.com", "bounce"]]);

    const soft = await resendSetup("soft@example.com");
    await soft.send("email.bounced", { bounce: { type: "Transient", subType: "MailboxFull" } });
    expect(await suppressedOf(soft.tenantId)).toEqual([]);

    const complained = await resendSetup("angry@example.com");
    await complained.send("email.complained");
    expect(await suppressedOf(complained.tenantId)).toEqual([["email", "angry@example.com", "complaint"]]);
  });

  it("suppresses an SES permanent bounce and complaint for the recipients they name", async () => {
    interceptAws();
    const tenantId = await newTenant();
    const providerId = await addProvider({ tenantId, type: "aws-ses", config: configs.ses() });
    const sesMessageId = `0100018f${crypto.randomUUID().replaceAll("-", "")}-000000`;
    for (const recipient of ["jane@example.com", "john@example.com"])
      await outboundMessage(tenantId, { channel: "email", recipient, providerId, providerMessageId: sesMessageId });
    const url = `${WEBHOOKS_ORIGIN}/webhooks/ses/${providerId}`;
    const bounce = sesNotification("Bounce", sesMessageId, {
      bounce: {
        bounceType: "Permanent",
        bounceSubType: "General",
        bouncedRecipients: [{ emailAddress: "john@example.com", diagnosticCode: "smtp; 550 5.1.1 user unknown" }],
        timestamp: new Date().toISOString(),
        feedbackId: crypto.randomUUID(),
      },
    });
    await deliver(snsRequest(url, await snsNotification(bounce)));
    expect(await suppressedOf(tenantId)).toEqual([["email", "john@example.com", "bounce"]]);
    const complaint = sesNotification("Complaint", sesMessageId, {
      complaint: { complainedRecipients: [{ emailAddress: "jane@example.com" }], timestamp: new Date().toISOString() },
    });
    await deliver(snsRequest(url, await snsNotification(complaint)));
    expect((await suppressedOf(tenantId)).sort()).toEqual([
      ["email", "jane@example.com", "complaint"],
      ["email", "john@example.com", "bounce"],
    ]);
  });
});

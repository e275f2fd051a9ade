import { afterEach, describe, expect, it, vi } from "vitest";
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
import {
  certificateUrl,
  confirmUrl,
  fetchedUrls,
  foreignSigningKey,
  importSigningKey,
  interceptAws,
  sesNotification,
  signSns,
  snsNotification,
  snsRequest,
  snsSubscriptionConfirmation,
  TOPIC_ARN,
} from "./helpers/sns";

async function sesSetup(recipient = "jane@example.com") {
  const tenantId = await newTenant();
  const providerId = await addProvider({ tenantId, type: "aws-ses", config: configs.ses() });
  const sesMessageId = `0100018f${crypto.randomUUID().replaceAll("-", "")}-000000`;
  const message = await outboundMessage(tenantId, { channel: "email", recipient, providerId, providerMessageId: sesMessageId });
  return { providerId, sesMessageId, message, url: `${WEBHOOKS_ORIGIN}/webhooks/ses/${providerId}` };
}

const delivery = (messageId: string, recipients = ["jane@example.com"]) =>
  sesNotification("Delivery", messageId, { delivery: { timestamp: new Date().toISOString(), recipients, smtpResponse: "250 2.0.0 OK" } });

const bounce = (messageId: string, bounceType: string, recipients: string[]) =>
  sesNotification("Bounce", messageId, {
    bounce: {
      bounceType,
      bounceSubType: bounceType === "Permanent" ? "General" : "MailboxFull",
      bouncedRecipients: recipients.map((emailAddress) => ({
        emailAddress,
        action: "failed",
        status: "5.1.1",
        diagnosticCode: "smtp; 550 5.1.1 user unknown",
      })),
      timestamp: new Date().toISOString(),
      feedbackId: crypto.randomUUID(),
    },
  });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("SES notifications through SNS", () => {
  it.each(["1", "2"] as const)(
    "verifies SignatureVersion %s against the certificate at SigningCertURL and records a Delivery",
    async (version) => {
      const aws = interceptAws();
      const { providerId, sesMessageId, message, url } = await sesSetup();
      const certUrl = certificateUrl();
      const sns = await snsNotification(delivery(sesMessageId), { version, certUrl });

      const answer = await deliver(snsRequest(url, sns));

      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual({ result: "recorded", messageIds: [message.id] });
      expect(fetchedUrls(aws)).toEqual([certUrl]);
      expect((await messageRow(message.id)).status).toBe("delivered");
      const [event] = await eventsOf(message.id);
      expect(event).toMatchObject({
        status: "delivered",
        source: "provider",
        providerId,
        dedupeKey: `ses:${providerId}:${sns.MessageId}`,
        rawPayload: sns,
      });
    },
  );

  it("fetches a certificate once and reuses it", async () => {
    const aws = interceptAws();
    const { sesMessageId, url } = await sesSetup();
    const certUrl = certificateUrl();

    await deliver(snsRequest(url, await snsNotification(delivery(sesMessageId), { certUrl })));
    await deliver(snsRequest(url, await snsNotification(delivery(sesMessageId), { certUrl })));

    expect(fetchedUrls(aws)).toEqual([certUrl]);
  });

  it("fails a message on a permanent bounce naming its recipient among several", async () => {
    interceptAws();
    const { sesMessageId, message, url } = await sesSetup("john@example.com");

    await deliver(
      snsRequest(url, await snsNotification(bounce(sesMessageId, "Permanent", ["jane@example.com", "John@Example.com"]), { version: "2" })),
    );

    const row = await messageRow(message.id);
    expect(row.status).toBe("failed");
    expect(row.lastError).toBe("bounce Permanent/General: jane@example.com, John@Example.com: smtp; 550 5.1.1 user unknown");
  });

  it("records a permanent bounce of another recipient of the same send without failing this message", async () => {
    interceptAws();
    const { sesMessageId, message, url } = await sesSetup("jane@example.com");

    await deliver(snsRequest(url, await snsNotification(bounce(sesMessageId, "Permanent", ["john@example.com"]))));

    expect((await messageRow(message.id)).status).toBe("sent");
    expect((await eventsOf(message.id)).map((e) => e.status)).toEqual(["failed"]);
  });

  it("records a transient bounce and a complaint as events only", async () => {
    interceptAws();
    const { sesMessageId, message, url } = await sesSetup();
    const complaint = sesNotification("Complaint", sesMessageId, {
      complaint: {
        complainedRecipients: [{ emailAddress: "jane@example.com" }],
        complaintFeedbackType: "abuse",
        timestamp: new Date().toISOString(),
      },
    });

    await deliver(snsRequest(url, await snsNotification(bounce(sesMessageId, "Transient", ["jane@example.com"]))));
    await deliver(snsRequest(url, await snsNotification(complaint)));

    expect((await messageRow(message.id)).status).toBe("sent");
    expect((await eventsOf(message.id)).map((e) => e.reason).sort()).toEqual([
      "bounce Transient/MailboxFull: jane@example.com: smtp; 550 5.1.1 user unknown",
      "complaint (abuse): jane@example.com",
    ]);
  });

  it("records a replay (same SNS MessageId) once", async () => {
    interceptAws();
    const { sesMessageId, message, url } = await sesSetup();
    const sns = await snsNotification(delivery(sesMessageId));

    await deliver(snsRequest(url, sns));
    const replay = await deliver(snsRequest(url, sns));

    expect(replay.status).toBe(200);
    expect(replay.body.data.result).toBe("duplicate");
    expect(await eventsOf(message.id)).toHaveLength(1);
  });

  it("never moves the status backwards: a bounce after delivery is an event only", async () => {
    interceptAws();
    const { sesMessageId, message, url } = await sesSetup();

    await deliver(snsRequest(url, await snsNotification(delivery(sesMessageId))));
    await deliver(snsRequest(url, await snsNotification(bounce(sesMessageId, "Permanent", ["jane@example.com"]))));

    expect((await messageRow(message.id)).status).toBe("delivered");
    expect((await eventsOf(message.id)).map((e) => e.status).sort()).toEqual(["delivered", "failed"]);
  });

  it("keeps a notification for an unknown SES message id and answers 200", async () => {
    interceptAws();
    const { providerId, url } = await sesSetup();

    const answer = await deliver(snsRequest(url, await snsNotification(delivery("unknown-ses-id"))));

    expect(answer.status).toBe(200);
    expect(await unmatchedOf(providerId)).toEqual([expect.objectContaining({ providerMessageId: "unknown-ses-id", kind: "Delivery" })]);
  });

  describe("rejects with 401, fetching nothing off SNS's hosts and writing nothing,", () => {
    const foreignCertUrls = [
      "https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-1.pem",
      "https://evil.example/sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem",
      "https://s3.amazonaws.com/sns/SimpleNotificationService-1.pem",
      "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem",
      "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-1.pem",
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.txt",
    ];
    it.each(foreignCertUrls)("a SigningCertURL of %s", async (certUrl) => {
      const aws = interceptAws();
      const { providerId, sesMessageId, message, url } = await sesSetup();

      const answer = await deliver(snsRequest(url, await snsNotification(delivery(sesMessageId), { certUrl })));

      expect(answer.status).toBe(401);
      expect(answer.body.error.message).toContain("SigningCertURL");
      expect(aws).not.toHaveBeenCalled();
      expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
      expect((await messageRow(message.id)).status).toBe("sent");
    });

    it("a Message changed after signing", async () => {
      interceptAws();
      const { providerId, sesMessageId, url } = await sesSetup();
      const sns = await snsNotification(delivery(sesMessageId));
      const tampered = { ...sns, Message: JSON.stringify(bounce(sesMessageId, "Permanent", ["jane@example.com"])) };

      const answer = await deliver(snsRequest(url, tampered));

      expect(answer.status).toBe(401);
      expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
    });

    it.each(["1", "2"] as const)("a SignatureVersion %s signature by a key the certificate does not hold", async (version) => {
      interceptAws();
      const { providerId, sesMessageId, url } = await sesSetup();

      const answer = await deliver(
        snsRequest(url, await snsNotification(delivery(sesMessageId), { version, key: await foreignSigningKey(version) })),
      );

      expect(answer.status).toBe(401);
      expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
    });

    it("a SHA1 signature claimed as SignatureVersion 2", async () => {
      interceptAws();
      const { providerId, sesMessageId, url } = await sesSetup();
      const sns = await snsNotification(delivery(sesMessageId), { version: "1" });

      const answer = await deliver(snsRequest(url, { ...sns, SignatureVersion: "2" }));

      expect(answer.status).toBe(401);
      expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
    });

    it.each(["Signature", "SigningCertURL", "SignatureVersion"])("a missing %s", async (field) => {
      interceptAws();
      const { providerId, sesMessageId, url } = await sesSetup();
      const { [field]: _removed, ...unsigned } = await snsNotification(delivery(sesMessageId));

      const answer = await deliver(snsRequest(url, unsigned));

      expect(answer.status).toBe(401);
      expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
    });
  });

  it("answers 503 (SNS retries) when the certificate cannot be fetched at all, writing nothing", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("network down"));
    const { providerId, sesMessageId, url } = await sesSetup();

    const answer = await deliver(snsRequest(url, await snsNotification(delivery(sesMessageId))));

    expect(answer.status).toBe(503);
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it.each([
    ["not JSON", '{"Type": "Notification",'],
    ["not an SNS message", JSON.stringify({ Type: "Notification", hello: "world" })],
  ])("answers 400 to a body that is %s", async (_name, body) => {
    const aws = interceptAws();
    const { providerId, url } = await sesSetup();

    const answer = await deliver(snsRequest(url, body));

    expect(answer.status).toBe(400);
    expect(aws).not.toHaveBeenCalled();
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it("answers 400 to a signed notification whose Message is not an SES notification", async () => {
    interceptAws();
    const { providerId, url } = await sesSetup();

    const notJson = await deliver(
      snsRequest(url, await snsNotification("Successfully validated SNS topic for Amazon SES event publishing.")),
    );
    const noMail = await deliver(snsRequest(url, await snsNotification({ notificationType: "Delivery" })));

    expect([notJson.status, noMail.status]).toEqual([400, 400]);
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  describe("subscription confirmation", () => {
    it("confirms a verified SubscriptionConfirmation by fetching its SubscribeURL", async () => {
      const aws = interceptAws();
      const { providerId, url } = await sesSetup();
      const certUrl = certificateUrl();
      const subscribeUrl = confirmUrl();

      const answer = await deliver(snsRequest(url, await snsSubscriptionConfirmation(subscribeUrl, { certUrl })));

      expect(answer.status).toBe(200);
      expect(answer.body.data.result).toBe("confirmed");
      expect(fetchedUrls(aws)).toEqual([certUrl, subscribeUrl]);
      expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
    });

    it("refuses a SubscribeURL off SNS's hosts, without calling it", async () => {
      const aws = interceptAws();
      const { url } = await sesSetup();
      const certUrl = certificateUrl();

      const answer = await deliver(snsRequest(url, await snsSubscriptionConfirmation(confirmUrl("evil.example"), { certUrl })));

      expect(answer.status).toBe(400);
      expect(fetchedUrls(aws)).toEqual([certUrl]);
    });

    it("does not confirm a SubscriptionConfirmation with a bad signature", async () => {
      const aws = interceptAws();
      const { url } = await sesSetup();
      const certUrl = certificateUrl();
      const confirmation = await snsSubscriptionConfirmation(confirmUrl(), { certUrl });
      const forged = { ...confirmation, Signature: await signSns(confirmation, await foreignSigningKey("1")) };

      const answer = await deliver(snsRequest(url, forged));

      expect(answer.status).toBe(401);
      expect(fetchedUrls(aws)).toEqual([certUrl]);
    });
  });
});

describe("a provider pinned to its SNS topic", () => {
  async function pinnedSetup() {
    const tenantId = await newTenant();
    const providerId = await addProvider({ tenantId, type: "aws-ses", config: { ...configs.ses(), snsTopicArn: TOPIC_ARN } });
    const sesMessageId = `0100018f${crypto.randomUUID().replaceAll("-", "")}-000000`;
    const message = await outboundMessage(tenantId, {
      channel: "email",
      recipient: "jane@example.com",
      providerId,
      providerMessageId: sesMessageId,
    });
    return { sesMessageId, message, url: `${WEBHOOKS_ORIGIN}/webhooks/ses/${providerId}` };
  }

  it("records a notification from its own topic", async () => {
    interceptAws();
    const { sesMessageId, message, url } = await pinnedSetup();
    const answer = await deliver(snsRequest(url, await snsNotification(delivery(sesMessageId), { certUrl: certificateUrl() })));
    expect(answer.status).toBe(200);
    expect((await messageRow(message.id)).status).toBe("delivered");
  });

  it("refuses a validly signed notification or subscription from another topic, writing and confirming nothing", async () => {
    const aws = interceptAws();
    const { sesMessageId, message, url } = await pinnedSetup();
    const foreign = await snsNotification(delivery(sesMessageId), { certUrl: certificateUrl() });
    foreign.TopicArn = "arn:aws:sns:us-east-1:999999999999:someone-elses-topic";
    foreign.Signature = await signSns(foreign, await importSigningKey("1"));

    const answer = await deliver(snsRequest(url, foreign));

    expect(answer.status).toBe(403);
    expect((await messageRow(message.id)).status).toBe("sent");
    expect(await eventsOf(message.id)).toHaveLength(0);
    const subscribe = confirmUrl();
    const subscription = await snsSubscriptionConfirmation(subscribe, { certUrl: certificateUrl() });
    subscription.TopicArn = foreign.TopicArn;
    subscription.Signature = await signSns(subscription, await importSigningKey("1"));
    expect((await deliver(snsRequest(url, subscription))).status).toBe(403);
    expect(fetchedUrls(aws)).not.toContain(subscribe);
  });
});

import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversationSettings, optOuts } from "../../shared/db/schema";
import { addProvider, configs, db, deliver, eventsOf, messagesOfProvider, newTenant, WEBHOOKS_ORIGIN } from "../support/webhook-fixtures";
import { newMessageSid, twilioRequest } from "./helpers/twilio";

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const THEIRS = "+14155550401";

async function setup() {
  const tenantId = await newTenant();
  const config = configs.twilio();
  const providerId = await addProvider({ tenantId, type: "twilio", config });
  const url = `${WEBHOOKS_ORIGIN}/webhooks/twilio/${providerId}/inbound`;
  const text = async (body: string, from = THEIRS) => {
    const params = { MessageSid: newMessageSid(), From: from, To: "+15005550006", Body: body, NumMedia: "0" };
    return deliver(await twilioRequest(url, params, config.authToken));
  };
  const optedOut = () =>
    db().query.optOuts.findMany({ where: and(eq(optOuts.tenantId, tenantId), eq(optOuts.channel, "sms"), eq(optOuts.address, THEIRS)) });
  return { tenantId, providerId, text, optedOut };
}

describe("SMS keywords", () => {
  it("opts the sender out on STOP and its synonyms (any case, surrounding space), and back in on START", async () => {
    const { text, optedOut, providerId } = await setup();
    expect((await text("  stop ")).text).toBe(EMPTY_TWIML);
    const [row] = await optedOut();
    expect(row).toMatchObject({ source: "keyword", reason: "STOP received", receivedBy: "+15005550006" });
    const [message] = await messagesOfProvider(providerId);
    expect((await eventsOf(message.id))[0].reason).toContain(`STOP: ${THEIRS} opted out`);

    await text("Unstop");
    expect(await optedOut()).toHaveLength(0);
    for (const keyword of ["STOPALL", "unsubscribe", "Cancel", "END", "quit"]) {
      await text(keyword);
      expect(await optedOut()).toHaveLength(1);
      await text("start");
      expect(await optedOut()).toHaveLength(0);
    }
    await text("stop");
    await text("YES");
    expect(await optedOut()).toHaveLength(0);
  });

  it("does not take a sentence that mentions STOP for the keyword", async () => {
    const { text, optedOut } = await setup();
    await text("please don't stop writing");
    expect(await optedOut()).toHaveLength(0);
  });

  it("answers HELP with the tenant's configured reply, escaped in TwiML; without one, empty TwiML", async () => {
    const { tenantId, text } = await setup();
    expect((await text("help")).text).toBe(EMPTY_TWIML);
    await db()
      .insert(conversationSettings)
      .values({ tenantId, idleGapMinutes: 1440, helpReply: "Acme <support>: reply STOP to end", updatedAt: new Date().toISOString() });
    const answer = await text(" HELP ");
    expect(answer.headers.get("content-type")).toContain("text/xml");
    expect(answer.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Acme &lt;support&gt;: reply STOP to end</Message></Response>',
    );
  });

  it("records the HELP answer as an outbound message of the conversation, sent by the provider's reply, with its event", async () => {
    const { tenantId, providerId, text } = await setup();
    await db()
      .insert(conversationSettings)
      .values({ tenantId, idleGapMinutes: 1440, helpReply: "Acme support: 555-0100", updatedAt: new Date().toISOString() });
    await text("HELP");

    const rows = await messagesOfProvider(providerId);
    const help = rows.find((row) => row.direction === "inbound");
    const reply = rows.find((row) => row.direction === "outbound");
    expect(reply).toMatchObject({
      tenantId,
      channel: "sms",
      recipient: THEIRS,
      sender: "+15005550006",
      content: { text: "Acme support: 555-0100" },
      status: "sent",
      conversationId: help?.conversationId,
    });
    expect(help?.conversationId).toEqual(expect.any(String));
    expect(Date.parse(reply?.createdAt ?? "")).toBeGreaterThan(Date.parse(help?.createdAt ?? ""));
    const [event] = await eventsOf(reply?.id ?? "");
    expect(event).toMatchObject({ status: "sent", source: "internal", providerId });
    expect(event.reason).toContain("HELP answered with the tenant's reply");
    const conversation = await db().query.conversations.findFirst({ where: (c, { eq }) => eq(c.id, help?.conversationId ?? "") });
    expect(conversation).toMatchObject({ lastMessagePreview: "Acme support: 555-0100", unreadCount: 1 });
  });

  it("records no answer for HELP when the tenant has none configured", async () => {
    const { providerId, text } = await setup();
    await text("help");
    expect((await messagesOfProvider(providerId)).map((row) => row.direction)).toEqual(["inbound"]);
  });
});

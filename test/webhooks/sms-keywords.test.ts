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
});

import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { providerConfigs } from "../../shared/db/schema";
import type { Pricing } from "../../shared/domain/pricing";
import { lookUpDuePrices } from "../../workers/dispatch/price-lookups";
import { addProvider, batchOf, consume, db, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";
import { fakeSecret, randomHex } from "./fixtures";
import { scenario } from "./scenario";

const SETTINGS = { priceLookupHorizonHours: 24, priceLookupsPerTick: 50 };
const minutesFrom = (at: number, minutes: number) => new Date(at + minutes * 60_000);

type Fetched = { status: number; body?: Record<string, unknown> };

/**
 * A Twilio tenant whose fake answers the send with `price: null`, as Twilio does, and the
 * Message resource (`GET …/Messages/{sid}.json`) as `fetched` says.
 */
async function twilioSend(fetched: Fetched, pricing?: Pricing) {
  const accountSid = `AC${randomHex(16)}`;
  const authToken = fakeSecret();
  const sid = `SM${randomHex(16)}`;
  const messagesPath = `/2010-04-01/Accounts/${accountSid}/Messages`;
  const server = await scenario({
    routes: {
      [`POST ${messagesPath}.json`]: { status: 201, body: { sid, status: "queued", price: null, price_unit: "USD" } },
      [`GET ${messagesPath}/${sid}.json`]: fetched,
    },
  });
  const tenantId = await newTenant();
  const config = { accountSid, authToken, from: "+14155550199", baseUrl: server.baseUrl };
  const providerId = await addProvider({ tenantId, type: "twilio", channel: "sms", config });
  if (pricing) await db().update(providerConfigs).set({ pricing }).where(eq(providerConfigs.id, providerId));
  const message = await queuedMessage(tenantId, { segments: 1 });
  await consume(batchOf([message]));
  const lookups = async () => (await server.requests()).filter((request) => request.method === "GET");
  return { message, providerId, sid, lookups, basicAuth: `Basic ${btoa(`${accountSid}:${authToken}`)}` };
}

const priced = (price: string | null): Fetched => ({ status: 200, body: { sid: "SM", status: "delivered", price, price_unit: "USD" } });

describe("Twilio's price, fetched after the send", () => {
  it("a send Twilio did not price is looked up by the cron, with the provider's credentials, and priced", async () => {
    const { message, lookups, basicAuth } = await twilioSend(priced("-0.00790"));
    const sent = await messageRow(message.id);
    expect(sent).toMatchObject({ status: "sent", cost: null });
    expect(sent.priceDueAt).not.toBeNull();

    // Not yet due: nothing is asked.
    await lookUpDuePrices(db(), env, SETTINGS, new Date());
    expect(await lookups()).toEqual([]);

    const tally = await lookUpDuePrices(db(), env, SETTINGS, minutesFrom(Date.now(), 3));

    expect(tally.priced).toBeGreaterThanOrEqual(1);
    const [lookup] = await lookups();
    expect(lookup.headers.authorization).toBe(basicAuth);
    expect(await messageRow(message.id)).toMatchObject({ cost: 0.0079, currency: "USD", priceDueAt: null });
  });

  it("still unpriced: asked again later, backing off; past the horizon it gives up and the cost stays null", async () => {
    const { message, lookups } = await twilioSend(priced(null));
    const sentAt = Date.parse((await messageRow(message.id)).sentAt ?? "");

    await lookUpDuePrices(db(), env, SETTINGS, minutesFrom(sentAt, 3));
    const again = (await messageRow(message.id)).priceDueAt;
    expect(Date.parse(again ?? "")).toBeGreaterThan(minutesFrom(sentAt, 3).getTime());
    expect(await lookups()).toHaveLength(1);

    await lookUpDuePrices(db(), env, SETTINGS, minutesFrom(sentAt, 25 * 60));
    expect(await messageRow(message.id)).toMatchObject({ cost: null, priceDueAt: null });
    expect(await lookups()).toHaveLength(2);
  });

  it("Twilio failing the lookup (500) is asked again, not recorded as a price", async () => {
    const { message } = await twilioSend({ status: 500, body: { code: 20500, message: "Internal Server Error" } });
    await lookUpDuePrices(db(), env, SETTINGS, minutesFrom(Date.now(), 3));
    const row = await messageRow(message.id);
    expect(row.cost).toBeNull();
    expect(row.priceDueAt).not.toBeNull();
  });

  it("a provider with a configured unit price is priced at the send and never looked up", async () => {
    const { message, lookups } = await twilioSend(priced("-0.00790"), { unit: "segment", amount: 0.01, currency: "EUR" });
    expect(await messageRow(message.id)).toMatchObject({ cost: 0.01, currency: "EUR", priceDueAt: null });
    await lookUpDuePrices(db(), env, SETTINGS, minutesFrom(Date.now(), 3));
    expect(await lookups()).toEqual([]);
  });

  it("each tick looks up at most its share, and goes through the outbound policy", async () => {
    const sends = [await twilioSend(priced("-0.0100")), await twilioSend(priced("-0.0100"))];
    const later = minutesFrom(Date.now(), 3);

    // Without the local allowance of loopback, the fake's address is refused: nothing is asked.
    const deployed = { ...env, OUTBOUND_ALLOW_LOOPBACK: undefined };
    await lookUpDuePrices(db(), deployed, { ...SETTINGS, priceLookupsPerTick: 1000 }, later);
    for (const send of sends) expect(await send.lookups()).toEqual([]);

    // Other tests' messages may be due too: the bound holds for the tick, whatever they are.
    const tally = await lookUpDuePrices(db(), env, { ...SETTINGS, priceLookupsPerTick: 1 }, minutesFrom(Date.now(), 30));
    expect(tally.priced + tally.waiting + tally.gaveUp).toBe(1);
  });
});

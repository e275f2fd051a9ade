import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type MessageRow, type ProviderConfigRow, providerConfigs } from "../../shared/db/schema";
import type { EarlierSends, OutboundMessage, Provider, SendOutcome } from "../../shared/providers/provider";
import { claimBatch } from "../../workers/dispatch/claim";
import { type Delivery, earliestSendOf } from "../../workers/dispatch/delivery";
import { dispatchSettings } from "../../workers/dispatch/dispatch-settings";
import { earlierSendClaimer } from "../../workers/dispatch/earlier-sends";
import { sendInWaves } from "../../workers/dispatch/send-waves";
import { addProvider, db, newTenant, queuedMessage } from "../support/dispatch-fixtures";

/** A provider without idempotency keys that remembers what it accepted, as Twilio's Messages list does. */
class RememberingProvider implements Provider {
  readonly type = "twilio" as const;
  readonly sends: string[] = [];
  constructor(
    readonly id: string,
    private readonly earlier: Record<string, EarlierSends>,
  ) {}
  async send(message: OutboundMessage): Promise<SendOutcome> {
    this.sends.push(message.id);
    return { kind: "sent", providerMessageId: `SM-new-${message.id}` };
  }
  async check() {
    return { ok: true, message: "ok" };
  }
  async findSent(message: OutboundMessage): Promise<EarlierSends> {
    return this.earlier[message.id] ?? { kind: "listed", ids: [] };
  }
}

async function providerRow(id: string): Promise<ProviderConfigRow> {
  const [row] = await db().select().from(providerConfigs).where(eq(providerConfigs.id, id));
  return row;
}

const listed = (...ids: string[]): EarlierSends => ({ kind: "listed", ids });

async function deliverThrough(
  adapter: Provider | Provider[],
  provider: ProviderConfigRow | ProviderConfigRow[],
  rows: MessageRow[],
  uncertain: boolean,
) {
  const chain = [provider].flat();
  const adapters = [adapter].flat();
  const deliveries: Delivery[] = rows.map((row) => ({
    row,
    attempts: [],
    skipped: [],
    uncertainSince: uncertain ? earliestSendOf(row) : undefined,
  }));
  await sendInWaves(deliveries, {
    chainFor: () => chain,
    adapterFor: async (row) => adapters[chain.indexOf(row)],
    guard: { reserve: async (_p, requested) => ({ granted: requested, state: "closed", retryAfterSeconds: 0 }), report: async () => {} },
    settings: dispatchSettings(env),
    sendDeadline: Date.now() + 60_000,
    settledEarly: () => {},
    claimEarlierSend: earlierSendClaimer(db()),
  });
  return deliveries;
}

describe("reconciling before resending", () => {
  it("the claim tells a lapsed lease (outcome unknown) from a retry (outcome known)", async () => {
    const tenantId = await newTenant();
    await addProvider({ tenantId });
    const past = new Date(Date.now() - 1_000).toISOString();
    const lapsed = await queuedMessage(tenantId, { status: "sending", attempts: 1, leaseExpiresAt: past });
    const retry = await queuedMessage(tenantId, { status: "sending", attempts: 1, leaseExpiresAt: null });
    const fresh = await queuedMessage(tenantId);
    const live = await queuedMessage(tenantId, {
      status: "sending",
      attempts: 1,
      leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
    });

    const claim = await claimBatch(db(), [lapsed.id, retry.id, fresh.id, live.id], new Date(), 60);

    expect(claim.owned.map((row) => row.id).sort()).toEqual([lapsed.id, retry.id, fresh.id].sort());
    expect([...claim.uncertain]).toEqual([lapsed.id]);
  });

  it("an uncertain message found at the provider is recorded as sent, not sent again", async () => {
    const tenantId = await newTenant();
    const provider = await providerRow(await addProvider({ tenantId, type: "twilio", channel: "sms" }));
    const found = await queuedMessage(tenantId);
    const notFound = await queuedMessage(tenantId);
    const adapter = new RememberingProvider(provider.id, { [found.id]: listed("SM-earlier"), [notFound.id]: listed() });

    const [foundDelivery, notFoundDelivery] = await deliverThrough(adapter, provider, [found, notFound], true);

    expect(adapter.sends).toEqual([notFound.id]);
    expect(foundDelivery.fate).toMatchObject({ kind: "sent", providerMessageId: "SM-earlier" });
    expect(foundDelivery.attempts[0].outcome).toMatchObject({ kind: "sent", reconciled: true });
    expect(notFoundDelivery.fate).toMatchObject({ kind: "sent", providerMessageId: `SM-new-${notFound.id}` });
  });

  it("a send already recorded on another message (through any config), or taken by one in the same batch, is never reused", async () => {
    const tenantId = await newTenant();
    const provider = await providerRow(await addProvider({ tenantId, type: "twilio", channel: "sms" }));
    // The same Twilio account behind another config (a system default, a re-created provider).
    const sameAccount = await addProvider({ tenantId: null, type: "twilio", channel: "sms" });
    await queuedMessage(tenantId, { status: "sent", providerId: sameAccount, providerMessageId: "SM-theirs" });
    const twinA = await queuedMessage(tenantId);
    const twinB = await queuedMessage(tenantId);
    const other = await queuedMessage(tenantId);
    // The same recipient and text twice: one earlier send can account for only one of them.
    const adapter = new RememberingProvider(provider.id, {
      [twinA.id]: listed("SM-one"),
      [twinB.id]: listed("SM-one"),
      [other.id]: listed("SM-theirs"),
    });

    const deliveries = await deliverThrough(adapter, provider, [twinA, twinB, other], true);

    const reconciled = deliveries.filter((d) => d.attempts[0].outcome.kind === "sent" && d.attempts[0].outcome.reconciled);
    expect(reconciled).toHaveLength(1);
    expect(reconciled[0].fate).toMatchObject({ providerMessageId: "SM-one" });
    expect(adapter.sends).toHaveLength(2);
    expect(adapter.sends).toContain(other.id);
  });

  it("a message whose outcome is known is never looked up", async () => {
    const tenantId = await newTenant();
    const provider = await providerRow(await addProvider({ tenantId, type: "twilio", channel: "sms" }));
    const message = await queuedMessage(tenantId);
    const adapter = new RememberingProvider(provider.id, { [message.id]: listed("SM-lookalike") });

    const [delivery] = await deliverThrough(adapter, provider, [message], false);

    expect(adapter.sends).toEqual([message.id]);
    expect(delivery.fate).toMatchObject({ providerMessageId: `SM-new-${message.id}` });
  });

  it("a lost send is looked for at every provider of the chain before the first sends again", async () => {
    const tenantId = await newTenant();
    const primary = await providerRow(await addProvider({ tenantId, type: "twilio", channel: "sms", priority: 0 }));
    const secondary = await providerRow(await addProvider({ tenantId, type: "twilio", channel: "sms", priority: 1 }));
    const message = await queuedMessage(tenantId);
    const first = new RememberingProvider(primary.id, { [message.id]: listed() });
    const second = new RememberingProvider(secondary.id, { [message.id]: listed("SM-via-secondary") });

    const [delivery] = await deliverThrough([first, second], [primary, secondary], [message], true);

    expect(first.sends).toEqual([]);
    expect(second.sends).toEqual([]);
    expect(delivery.fate).toMatchObject({
      kind: "sent",
      provider: { id: secondary.id },
      providerMessageId: "SM-via-secondary",
      reconciled: true,
    });
  });

  it("a provider that cannot answer now: the message waits and stays uncertain, nothing is sent", async () => {
    const tenantId = await newTenant();
    const provider = await providerRow(await addProvider({ tenantId, type: "twilio", channel: "sms" }));
    const message = await queuedMessage(tenantId);
    const adapter = new RememberingProvider(provider.id, {
      [message.id]: { kind: "unavailable", message: "Twilio answered 429", retryAfterSeconds: 7 },
    });

    const [delivery] = await deliverThrough(adapter, provider, [message], true);

    expect(adapter.sends).toEqual([]);
    expect(delivery.fate).toMatchObject({ kind: "retry", hintSeconds: 7 });
    expect(delivery.fate?.kind === "retry" && delivery.fate.reason).toContain("could not ask twilio");
    expect(delivery.uncertainSince).toBeDefined();
  });

  it("a provider without the lookup (unsupported) does not hold the message back", async () => {
    const tenantId = await newTenant();
    const provider = await providerRow(await addProvider({ tenantId, type: "twilio", channel: "sms" }));
    const message = await queuedMessage(tenantId);
    const adapter = new RememberingProvider(provider.id, { [message.id]: { kind: "unsupported", message: "404" } });

    const [delivery] = await deliverThrough(adapter, provider, [message], true);

    expect(adapter.sends).toEqual([message.id]);
    expect(delivery.uncertainSince).toBeUndefined();
  });
});

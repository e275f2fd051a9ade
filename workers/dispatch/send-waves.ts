import type { ProviderConfigRow } from "../../shared/db/schema";
import type { ReportedOutcome } from "../../shared/providers/guard-contract";
import type { OutboundEmail, Provider, SendOutcome } from "../../shared/providers/provider";
import { mapBounded } from "./bounded-concurrency";
import { type Delivery, describeOutcome, outbound } from "./delivery";
import type { DispatchSettings } from "./dispatch-settings";
import { lookUpEarlierSends } from "./earlier-sends";
import type { EmailLoad } from "./email-attachments";
import type { Guard } from "./guard-client";
import { type ChainFor, preferring } from "./provider-resolution";
import { sendCost } from "./send-cost";

export type WaveDeps = {
  chainFor: ChainFor;
  adapterFor: (row: ProviderConfigRow) => Promise<Provider>;
  guard: Guard;
  settings: DispatchSettings;
  /** No send starts after this (ms): its outcome would land after the claim's lease ran out. */
  sendDeadline: number;
  /** Told of each delivery the moment it is sent or rejected, to record it without waiting for the batch. */
  settledEarly: (delivery: Delivery) => void;
  /** Of a provider's candidate earlier sends, one no message has recorded, now taken by the caller. */
  claimEarlierSend: (candidates: string[]) => Promise<string | undefined>;
  /** An email's further recipients, headers and attachment bytes, read just before its send (absent: every message is plain). */
  emailOf?: (row: Delivery["row"]) => Promise<EmailLoad>;
};

/**
 * Failover in waves: wave k sends every still-pending message through the k-th provider of
 * its chain, grouped by provider so each provider's guard is asked once per wave. `sent` and
 * `rejected` settle a message; `unavailable` moves it to the next wave; a chain run out
 * means retry later. A message over a provider's TPS limit waits (deferred), it is not
 * failed over: priority is the tenant's choice.
 */
export async function sendInWaves(deliveries: Delivery[], deps: WaveDeps): Promise<void> {
  await lookUpEarlierSends(deliveries, deps);
  let pending = deliveries.filter((delivery) => !delivery.fate);
  for (let level = 0; pending.length > 0; level++) {
    const groups = new Map<ProviderConfigRow, Delivery[]>();
    for (const delivery of pending) {
      const provider = chainOf(delivery, deps.chainFor)[level];
      if (!provider) {
        delivery.fate = exhausted(delivery);
        continue;
      }
      groups.set(provider, [...(groups.get(provider) ?? []), delivery]);
    }
    const next = await Promise.all([...groups].map(([provider, group]) => sendGroup(provider, group, deps)));
    pending = next.flat();
  }
}

/**
 * The providers a message may go through, in order. An operator's redrive tries the chosen one
 * first; a reply goes only through its conversation's provider (pinned: failing over to another
 * number or bot would answer from somewhere the counterpart never wrote to).
 */
function chainOf(delivery: Delivery, chainFor: ChainFor): ProviderConfigRow[] {
  const chain = chainFor(delivery.row.tenantId, delivery.row.channel, delivery.push?.platform);
  if (delivery.preferredProviderId) return preferring(chain, delivery.preferredProviderId);
  const pinned = delivery.row.pinnedProviderId;
  return pinned ? chain.filter((provider) => provider.id === pinned) : chain;
}

/** Sends one provider's share of a wave; returns the deliveries that move on to the next wave. */
async function sendGroup(provider: ProviderConfigRow, group: Delivery[], deps: WaveDeps): Promise<Delivery[]> {
  let adapter: Provider;
  try {
    adapter = await deps.adapterFor(provider);
  } catch (error) {
    const outcome: SendOutcome = {
      kind: "unavailable",
      code: "provider_config",
      message: error instanceof Error ? error.message : "unusable config",
    };
    for (const delivery of group) delivery.attempts.push({ provider, outcome, at: new Date().toISOString() });
    return group;
  }
  const reservation = await deps.guard.reserve(provider, group.length);
  const now = group.slice(0, reservation.granted);
  const rest = group.slice(reservation.granted);
  for (const delivery of rest) {
    if (reservation.state === "closed") delivery.fate = { kind: "deferred", provider, delaySeconds: reservation.retryAfterSeconds };
    else {
      delivery.skipped.push(`${provider.name} (${provider.id}) skipped: circuit ${reservation.state}`);
      delivery.skippedProviderId = provider.id;
    }
  }
  const onward = rest.filter((delivery) => !delivery.fate);
  const reported: ReportedOutcome[] = [];
  await mapBounded(now, deps.settings.concurrency, async (delivery) => {
    if (Date.now() >= deps.sendDeadline) {
      delivery.fate = { kind: "retry", reason: "the batch ran out of time before this send could start", hintSeconds: 0 };
      return undefined;
    }
    const load: EmailLoad = (await deps.emailOf?.(delivery.row)) ?? { kind: "plain" };
    if (load.kind === "unreadable") {
      // Not the provider's fault, so no attempt against it: the message waits for its next round.
      delivery.fate = { kind: "retry", reason: load.reason, hintSeconds: 0 };
      return undefined;
    }
    const startedAt = Date.now();
    let outcome: SendOutcome;
    try {
      outcome = await attempt(adapter, delivery, deps, load.kind === "ready" ? load.email : undefined);
    } finally {
      if (load.kind === "ready") load.release();
    }
    reported.push(reportedOutcome(outcome, Date.now() - startedAt));
    delivery.attempts.push({ provider, outcome, at: new Date().toISOString() });
    if (outcome.kind === "sent")
      delivery.fate = {
        kind: "sent",
        provider,
        providerMessageId: outcome.providerMessageId,
        ...sendCost(outcome, provider, delivery.row, adapter.priceOf !== undefined),
      };
    else if (outcome.kind === "rejected")
      delivery.fate = { kind: "rejected", provider, reason: describeOutcome(outcome), suppresses: outcome.suppresses };
    else onward.push(delivery);
    // Recorded as it completes, not when the batch ends: a crash then forgets only sends in flight.
    if (delivery.fate) deps.settledEarly(delivery);
  });
  await deps.guard.report(provider, reported);
  return onward;
}

/** A rejection is its own series (the provider answered; the recipient or content was at fault). */
function reportedOutcome(outcome: SendOutcome, latencyMs: number): ReportedOutcome {
  if (outcome.kind === "sent") return { kind: "sent", latencyMs };
  const kind = outcome.kind === "unavailable" && outcome.code === "timeout" ? "timeout" : outcome.kind;
  return { kind, latencyMs, error: describeOutcome(outcome) };
}

async function attempt(adapter: Provider, delivery: Delivery, deps: WaveDeps, email?: OutboundEmail): Promise<SendOutcome> {
  // A device that went invalid (or was deleted) after acceptance is never sent to.
  if (delivery.push?.refusal) return { kind: "rejected", code: "device_invalid", message: delivery.push.refusal };
  try {
    return await adapter.send(outbound(delivery.row, delivery.push, email), AbortSignal.timeout(deps.settings.sendTimeoutMs));
  } catch (error) {
    // Adapters return outcomes; a throw is a bug or a runtime fault, treated as the provider's.
    return { kind: "unavailable", code: "adapter_error", message: error instanceof Error ? error.message : "adapter failed" };
  }
}

function exhausted(delivery: Delivery) {
  const last = delivery.attempts.at(-1);
  const hints = delivery.attempts.map((a) => (a.outcome.kind === "unavailable" ? (a.outcome.retryAfterSeconds ?? 0) : 0));
  const reason = last
    ? `every provider failed; last: ${last.provider.type} ${describeOutcome(last.outcome)}`
    : delivery.skipped.length > 0
      ? `every provider is paused: ${delivery.skipped.join("; ")}`
      : delivery.row.pinnedProviderId
        ? `the conversation's provider ${delivery.row.pinnedProviderId} is disabled or gone (a reply goes out only through it)`
        : `no enabled provider for the ${delivery.row.channel} channel`;
  return { kind: "retry" as const, reason, hintSeconds: Math.max(0, ...hints) };
}

import type { BatchItem } from "drizzle-orm/batch";
import { retryDelay } from "../../shared/config/retry-schedule";
import { keyringFromEnv } from "../../shared/crypto/credential-cipher";
import { database } from "../../shared/db/database";
import { log } from "../../shared/observability/logger";
import { outboundPolicyFromEnv } from "../../shared/providers/outbound-policy";
import { type DeliveryJob, MAX_QUEUE_DELAY_SECONDS, queueDelaySeconds } from "../../shared/queue/delivery-job";
import { adapterCache } from "./adapter-cache";
import { backoffSeconds } from "./backoff";
import { claimBatch } from "./claim";
import { type Delivery, earliestSendOf } from "./delivery";
import { type DispatchSettings, dispatchSettings } from "./dispatch-settings";
import { earlierSendClaimer } from "./earlier-sends";
import { emailLoader } from "./email-attachments";
import type { DispatchEnv } from "./env";
import { type GuardMeter, guardClient } from "./guard-client";
import { OutcomeRecorder } from "./outcome-recorder";
import { outcomeWrites, type Settled } from "./outcome-writes";
import { providerChains } from "./provider-resolution";
import { pushRecipientOf } from "./push-recipient";
import { sendInWaves } from "./send-waves";
import { withoutSuppressedCopies } from "./suppressed-copies";

/** Time kept back from the lease for the batch's final D1 write (at most a tenth of it). */
const LEASE_MARGIN_MS = 5_000;

/**
 * One queue batch, at-least-once safe: the claim (with the providers it needs) in one D1 round
 * trip; sent and rejected outcomes recorded as they complete, at most one write per
 * `outcomeFlushMs`; then one `db.batch()` of everything else (retries, waits, late outcomes).
 * A batch that finishes within one interval costs two round trips whatever its size.
 * Then each queue message is acked, retried with backoff, or put back with a delay.
 */
export async function deliverBatch(env: DispatchEnv, batch: MessageBatch<DeliveryJob>, guardMeter?: GuardMeter): Promise<void> {
  const db = database(env.DB);
  const settings = dispatchSettings(env);
  const claimedAt = new Date();
  const jobs = new Map(batch.messages.map((message) => [message.body.messageId, message]));
  let claim: Awaited<ReturnType<typeof claimBatch>>;
  try {
    claim = await claimBatch(db, [...jobs.keys()], claimedAt, settings.leaseSeconds);
  } catch (error) {
    // D1 is unreachable: nothing was claimed or sent. Back off instead of being redelivered
    // at once, which would spend every retry of the batch within seconds.
    log.error("dispatch.claim_failed", { error: String(error) });
    batch.retryAll({ delaySeconds: backoffSeconds(batch.messages[0]?.attempts ?? 1, settings.retryBaseSeconds, settings.retryCapSeconds) });
    return;
  }

  const deliveries: Delivery[] = claim.owned.map((claimed) => {
    // An email with several recipients leaves its suppressed ones out; it is suppressed only if no `to` is left.
    const copies = withoutSuppressedCopies(claimed, claim.suppressedCopies.get(claimed.id));
    const row = copies.row;
    const suppressed = row.email ? copies.suppressed : claim.suppressed.get(row.id);
    // Decided before any provider is asked: a suppressed recipient is never sent to.
    if (suppressed) return { row, attempts: [], skipped: [], fate: { kind: "suppressed", reason: suppressed } };
    const push = pushRecipientOf(row, claim.devices);
    const delivery: Delivery = {
      row,
      attempts: [],
      skipped: [],
      ...(push && { push }),
      ...(copies.leftOut.length > 0 && { leftOut: copies.leftOut }),
    };
    if (claim.uncertain.has(row.id)) delivery.uncertainSince = earliestSendOf(row);
    const preferred = jobs.get(row.id)?.body.providerId;
    if (preferred) delivery.preferredProviderId = preferred;
    return delivery;
  });
  const requestIdOf = (delivery: Delivery) => jobs.get(delivery.row.id)?.body.requestId ?? delivery.row.requestId ?? "";
  const recorder = new OutcomeRecorder(db, claimedAt.toISOString(), settings.outcomeFlushMs);
  const leaseMs = settings.leaseSeconds * 1000;
  let recorded: Set<string>;
  try {
    await sendInWaves(deliveries, {
      chainFor: providerChains(claim.providers),
      adapterFor: adapterCache(keyringFromEnv(env), { webhooksPublicUrl: env.WEBHOOKS_PUBLIC_URL, outbound: outboundPolicyFromEnv(env) }),
      guard: guardClient(env, settings, guardMeter),
      settings,
      sendDeadline: claimedAt.getTime() + leaseMs - settings.sendTimeoutMs - Math.min(LEASE_MARGIN_MS, leaseMs / 10),
      settledEarly: (delivery) => recorder.settled({ delivery, delaySeconds: 0, requestId: requestIdOf(delivery) }),
      claimEarlierSend: earlierSendClaimer(db),
      emailOf: emailLoader(env.ATTACHMENTS),
    });
  } finally {
    // Even if sending threw, no early write may outlive the handler.
    recorded = await recorder.stop();
  }

  const settled: Settled[] = deliveries.map((delivery) => ({
    delivery,
    ...retryPlanFor(delivery, jobs.get(delivery.row.id)?.attempts ?? 1, settings),
    requestId: requestIdOf(delivery),
  }));
  const writes = outcomeWrites(
    db,
    settled.filter((s) => !recorded.has(s.delivery.row.id)),
    claimedAt.toISOString(),
  );
  if (writes.length > 0) await writeOnceMore(() => db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]));

  await settleQueueMessages(env, batch, jobs, settled, claim.early, claimedAt.getTime());
}

/**
 * How long a message waits before its next round: a retry's delay from its channel's schedule
 * (or longer, if the provider asked), or a TPS wait. Past the schedule's last retry it goes to
 * the dead letters.
 */
function retryPlanFor(delivery: Delivery, attempts: number, settings: DispatchSettings): { delaySeconds: number; deadLetter: boolean } {
  const fate = delivery.fate;
  if (fate?.kind === "retry") {
    const planned = retryDelay(settings.retrySchedules[delivery.row.channel], attempts);
    if (planned === undefined) return { delaySeconds: 0, deadLetter: true };
    // A message waiting for its retry carries `retryAt`, so the sweeper leaves it alone however long it waits.
    return { delaySeconds: Math.min(Math.max(fate.hintSeconds, planned), MAX_QUEUE_DELAY_SECONDS), deadLetter: false };
  }
  // A TPS wait never exceeds the retry cap: a message left `sending` longer would be swept and
  // sent early by a second copy.
  if (fate?.kind === "deferred") return { delaySeconds: Math.min(fate.delaySeconds, settings.retryCapSeconds), deadLetter: false };
  return { delaySeconds: 0, deadLetter: false };
}

/**
 * The outcome write follows sends that already happened: one more try after a short pause
 * before giving up (then the batch is redelivered and, once the leases lapse, re-sent).
 */
async function writeOnceMore(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    log.error("dispatch.outcome_write_failed", { error: String(error) });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await write();
  }
}

async function settleQueueMessages(
  env: DispatchEnv,
  batch: MessageBatch<DeliveryJob>,
  jobs: Map<string, Message<DeliveryJob>>,
  settled: Settled[],
  early: { id: string; tenantId: string; scheduledAt: string }[],
  now: number,
): Promise<void> {
  const later: MessageSendRequest<DeliveryJob>[] = [];
  const retried = new Set<string>();
  const spent: Message<DeliveryJob>[] = [];
  for (const { delivery, delaySeconds, deadLetter } of settled) {
    const job = jobs.get(delivery.row.id);
    if (delivery.fate?.kind === "retry" && deadLetter) {
      if (job) spent.push(job);
    } else if (delivery.fate?.kind === "retry") {
      job?.retry({ delaySeconds });
      retried.add(delivery.row.id);
    } else if (delivery.fate?.kind === "deferred" && job) later.push({ body: job.body, delaySeconds });
  }
  for (const job of await deadLetterNow(env, spent)) {
    job.retry({ delaySeconds: 1 });
    retried.add(job.body.messageId);
  }
  // Waiting for a TPS slot or a scheduled time is not a failure: a fresh copy, not a retry.
  for (const message of early) {
    const job = jobs.get(message.id);
    if (job) later.push({ body: job.body, delaySeconds: queueDelaySeconds(message.scheduledAt, now) });
  }
  if (later.length > 0) await env.DELIVERY_QUEUE.sendBatch(later);
  // Everything not retried is done: sent, failed, canceled, already handled, or re-sent above.
  // A second copy of the same message in one batch is acked: the first copy speaks for both.
  for (const message of batch.messages) {
    const isTheCopyInUse = jobs.get(message.body.messageId) === message;
    if (!(isTheCopyInUse && retried.has(message.body.messageId))) message.ack();
  }
}

/**
 * Messages past their channel's last retry go to the dead-letter queue now, not after the
 * delivery queue's own 100 retries. If that queue refuses, they are returned (to be retried:
 * the next round tries again), so nothing is lost.
 */
async function deadLetterNow(env: DispatchEnv, spent: Message<DeliveryJob>[]): Promise<Message<DeliveryJob>[]> {
  if (spent.length === 0) return [];
  try {
    await env.DEAD_LETTER_QUEUE.sendBatch(spent.map((job) => ({ body: job.body })));
    return [];
  } catch (error) {
    log.error("dispatch.dead_letter_send_failed", { error: String(error), messages: spent.length });
    return spent;
  }
}

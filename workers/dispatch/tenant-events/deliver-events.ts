import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { keyringFromEnv } from "../../../shared/crypto/credential-cipher";
import { type Database, database } from "../../../shared/db/database";
import { inJsonList } from "../../../shared/db/json-list";
import { jsonField, jsonRows, rowsFromJson } from "../../../shared/db/json-rows";
import { tenantEvents, type WebhookEndpointRow, webhookAttempts, webhookDeliveries, webhookEndpoints } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { openSecrets, signingSecrets } from "../../../shared/events/endpoint-secrets";
import { type PostResult, postEvent } from "../../../shared/events/post-event";
import { log } from "../../../shared/observability/logger";
import { outboundPolicyFromEnv } from "../../../shared/providers/outbound-policy";
import { type EventDeliveryJob, enqueueDeliveries } from "../../../shared/queue/event-delivery-job";
import { mapBounded } from "../bounded-concurrency";
import type { DispatchEnv } from "../env";
import { disabledEventDeliveries, endpointDisabledWrites } from "./endpoint-disabled";
import { type EventSettings, eventSettings } from "./event-settings";

/** Posts in flight per batch: a slow endpoint holds only its own lane. */
const CONCURRENCY = 20;

type Claimed = {
  deliveryId: string;
  attempt: number;
  eventId: string;
  eventType: string;
  payload: string;
  endpoint: WebhookEndpointRow;
};

type Posted = Claimed & { result: PostResult; at: string };

/**
 * Claims each job's delivery: only while it is pending with exactly the attempts the job
 * expects, so a duplicate job (a redelivery, a sweep) finds it moved on and posts nothing.
 * The claim pushes the sweep's deadline past the attempt, then reads what the post needs.
 */
async function claim(db: Database, jobs: EventDeliveryJob[], settings: EventSettings): Promise<{ claimed: Claimed[]; orphaned: string[] }> {
  const now = Date.now();
  const sweepAt = new Date(now + settings.timeoutMs + settings.sweepAfterSeconds * 1000).toISOString();
  const updatedAt = new Date(now).toISOString();
  // One statement for the batch: each job names the delivery and the attempts it expects.
  const expected = JSON.stringify(jobs.map((job) => [job.deliveryId, job.attempts]));
  const claimed = await db
    .update(webhookDeliveries)
    .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, nextAttemptAt: sweepAt, updatedAt })
    .where(
      and(
        eq(webhookDeliveries.state, "pending"),
        sql`(${webhookDeliveries.id}, ${webhookDeliveries.attempts}) IN (SELECT value ->> 0, value ->> 1 FROM json_each(${expected}))`,
      ),
    )
    .returning({
      id: webhookDeliveries.id,
      attempts: webhookDeliveries.attempts,
      eventId: webhookDeliveries.eventId,
      endpointId: webhookDeliveries.endpointId,
    });
  if (claimed.length === 0) return { claimed: [], orphaned: [] };
  const ids = claimed.map((row) => row.id);
  const details = await db
    .select({ deliveryId: webhookDeliveries.id, eventType: tenantEvents.type, payload: tenantEvents.payload, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(tenantEvents, eq(tenantEvents.id, webhookDeliveries.eventId))
    .leftJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(inJsonList(webhookDeliveries.id, ids));
  const byId = new Map(details.map((row) => [row.deliveryId, row]));
  const found = claimed.flatMap((row): Claimed[] => {
    const detail = byId.get(row.id);
    if (!detail?.endpoint) return [];
    const { eventType, payload, endpoint } = detail;
    return [{ deliveryId: row.id, attempt: row.attempts, eventId: row.eventId, eventType, payload, endpoint }];
  });
  // The endpoint was deleted meanwhile: nothing will ever take these.
  const orphaned = claimed.filter((row) => !byId.get(row.id)?.endpoint).map((row) => row.id);
  return { claimed: found, orphaned };
}

function orphanedUpdate(db: Database, ids: string[]) {
  const now = new Date().toISOString();
  return db
    .update(webhookDeliveries)
    .set({ state: "failed", lastError: "endpoint deleted", updatedAt: now })
    .where(inJsonList(webhookDeliveries.id, ids));
}

const DISABLED: PostResult = { ok: false, statusCode: null, latencyMs: 0, responseExcerpt: null, error: "endpoint disabled" };

async function post(env: DispatchEnv, claimed: Claimed[], settings: EventSettings): Promise<Posted[]> {
  const keyring = keyringFromEnv(env);
  const policy = outboundPolicyFromEnv(env);
  const secrets = new Map<string, Promise<string[]>>();
  const secretsOf = (endpoint: WebhookEndpointRow) => {
    let opened = secrets.get(endpoint.id);
    if (!opened) {
      opened = openSecrets(keyring, endpoint).then((sealed) => signingSecrets(sealed, new Date()));
      secrets.set(endpoint.id, opened);
    }
    return opened;
  };
  return mapBounded(claimed, CONCURRENCY, async (delivery) => {
    const at = new Date().toISOString();
    if (!delivery.endpoint.enabled) return { ...delivery, result: DISABLED, at };
    const result = await secretsOf(delivery.endpoint).then(
      (signing) =>
        postEvent(
          { url: delivery.endpoint.url, eventId: delivery.eventId, body: delivery.payload, secrets: signing },
          policy,
          settings.timeoutMs,
        ),
      (): PostResult => ({
        ok: false,
        statusCode: null,
        latencyMs: 0,
        responseExcerpt: null,
        error: "the endpoint's secret could not be opened",
      }),
    );
    return { ...delivery, result, at };
  });
}

/** Seconds to wait before the next attempt, or undefined when the schedule has run out (or the endpoint is off). */
function retryDelay(posted: Posted, settings: EventSettings): number | undefined {
  if (posted.result.ok || !posted.endpoint.enabled) return undefined;
  return settings.retrySchedule[posted.attempt - 1];
}

/** Every posted delivery's new state, one statement for the batch (`UPDATE … FROM json_each`). */
function deliveryUpdates(db: Database, posted: Posted[], settings: EventSettings) {
  const now = Date.now();
  const outcomes = posted.map((item) => {
    const delay = retryDelay(item, settings);
    return {
      id: item.deliveryId,
      state: item.result.ok ? "succeeded" : delay === undefined ? "failed" : "pending",
      nextAttemptAt: new Date(now + ((delay ?? 0) + settings.sweepAfterSeconds) * 1000).toISOString(),
      lastError: item.result.error,
    };
  });
  return db
    .update(webhookDeliveries)
    .set({
      state: sql`${jsonField("state", false, "outcome.value")}`,
      nextAttemptAt: sql`${jsonField("nextAttemptAt", false, "outcome.value")}`,
      lastError: sql`${jsonField("lastError", false, "outcome.value")}`,
      updatedAt: new Date(now).toISOString(),
    })
    .from(sql`json_each(${JSON.stringify(outcomes)}) AS outcome`)
    .where(sql`${webhookDeliveries.id} = ${jsonField("id", false, "outcome.value")}`);
}

/**
 * An endpoint's failure run: reset by a success, counted up by each failure; once it is long
 * enough in count and in time the endpoint is disabled, with its reason as the notice.
 */
function endpointUpdates(db: Database, posted: Posted[], settings: EventSettings): BatchItem<"sqlite">[] {
  const now = new Date();
  const at = now.toISOString();
  const byEndpoint = new Map<string, Posted[]>();
  for (const item of posted)
    if (item.endpoint.enabled) byEndpoint.set(item.endpoint.id, [...(byEndpoint.get(item.endpoint.id) ?? []), item]);
  const runStartedBefore = new Date(now.getTime() - settings.disableAfterSeconds * 1000).toISOString();
  const dueAt = new Date(now.getTime() + settings.sweepAfterSeconds * 1000).toISOString();
  return [...byEndpoint].flatMap(([endpointId, items]): BatchItem<"sqlite">[] => {
    if (items.some((item) => item.result.ok))
      return [db.update(webhookEndpoints).set({ consecutiveFailures: 0, failingSince: null }).where(eq(webhookEndpoints.id, endpointId))];
    return [
      db
        .update(webhookEndpoints)
        .set({
          consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + ${items.length}`,
          failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${at})`,
        })
        .where(eq(webhookEndpoints.id, endpointId)),
      db
        .update(webhookEndpoints)
        .set({
          enabled: false,
          disabledAt: at,
          disabledReason: sql`'disabled automatically after ' || ${webhookEndpoints.consecutiveFailures} || ' failed attempts in a row since ' || ${webhookEndpoints.failingSince}`,
          updatedAt: at,
        })
        .where(
          and(
            eq(webhookEndpoints.id, endpointId),
            eq(webhookEndpoints.enabled, true),
            sql`${webhookEndpoints.consecutiveFailures} >= ${settings.disableAfterFailures}`,
            sql`${webhookEndpoints.failingSince} <= ${runStartedBefore}`,
          ),
        )
        .returning({ id: webhookEndpoints.id, reason: webhookEndpoints.disabledReason }),
      ...endpointDisabledWrites(db, endpointId, at, dueAt),
    ];
  });
}

function attemptRow(posted: Posted) {
  return {
    id: newId("webhookAttempt"),
    endpointId: posted.endpoint.id,
    deliveryId: posted.deliveryId,
    eventId: posted.eventId,
    eventType: posted.eventType,
    attempt: posted.attempt,
    ...posted.result,
    attemptedAt: posted.at,
  };
}

/** The attempts' log rows, one statement for the batch. */
function attemptsInsert(db: Database, posted: Posted[]): BatchItem<"sqlite">[] {
  if (posted.length === 0) return [];
  return [db.insert(webhookAttempts).select(rowsFromJson(webhookAttempts, jsonRows(posted.map(attemptRow))))];
}

/**
 * The `events` queue consumer: claim (one D1 round trip), post each event signed, write every
 * attempt, delivery state and endpoint failure run (one more), then queue each retry as a new job
 * for its next attempt, delayed per the schedule. Nothing here touches the message pipeline.
 */
export async function deliverEvents(env: DispatchEnv, batch: MessageBatch<EventDeliveryJob>): Promise<void> {
  const settings = eventSettings(env);
  const db = database(env.DB);
  const { claimed, orphaned } = await claim(
    db,
    batch.messages.map((message) => message.body),
    settings,
  );
  const posted = await post(env, claimed, settings);
  if (posted.length + orphaned.length > 0) {
    const writes: BatchItem<"sqlite">[] = [
      ...(orphaned.length > 0 ? [orphanedUpdate(db, orphaned)] : []),
      // A disabled endpoint was not posted to: its delivery fails, with no attempt to log.
      ...attemptsInsert(
        db,
        posted.filter((item) => item.endpoint.enabled),
      ),
      deliveryUpdates(db, posted, settings),
      ...endpointUpdates(db, posted, settings),
    ];
    const results = await db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    for (const result of results)
      for (const disabled of Array.isArray(result) ? (result as { id?: string; reason?: string }[]) : [])
        if (disabled.id && disabled.reason) log.warn("events.endpoint_disabled", { endpointId: disabled.id, reason: disabled.reason });
    const told = disabledEventDeliveries(results);
    // Not queued now: the cron's sweep queues them once due.
    if (told.length > 0)
      await enqueueDeliveries(
        env.EVENTS_QUEUE,
        told.map((deliveryId) => ({ deliveryId, attempts: 0 })),
      ).catch((error) => log.warn("events.endpoint_disabled_enqueue_failed", { error: String(error) }));
  }
  const retries = posted.flatMap((item) => {
    const delay = retryDelay(item, settings);
    return delay === undefined ? [] : [{ body: { deliveryId: item.deliveryId, attempts: item.attempt }, delaySeconds: delay }];
  });
  // A retry the queue does not take now is queued by the cron's sweep once it is overdue.
  if (retries.length > 0)
    await env.EVENTS_QUEUE.sendBatch(retries).catch((error) => log.warn("events.retry_enqueue_failed", { error: String(error) }));
  batch.ackAll();
}

/**
 * The `events-dlq` consumer: a job lands here only when processing it kept failing (D1 down),
 * never because the endpoint refused. Its delivery is still pending in D1; making it due now
 * hands it to the cron's sweep, so it is not lost.
 */
export async function eventDeadLetters(env: DispatchEnv, batch: MessageBatch<EventDeliveryJob>): Promise<void> {
  const db = database(env.DB);
  const ids = batch.messages.map((message) => message.body.deliveryId);
  const now = new Date().toISOString();
  await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: now, updatedAt: now })
    .where(and(inJsonList(webhookDeliveries.id, ids), eq(webhookDeliveries.state, "pending")));
  log.warn("events.dead_lettered_jobs", { count: batch.messages.length });
  batch.ackAll();
}

import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { tenantEvents, webhookDeliveries } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import worker from "../../workers/dispatch/index";
import { deliverEvents, eventDeadLetters } from "../../workers/dispatch/tenant-events/deliver-events";
import { sweepDeliveries } from "../../workers/dispatch/tenant-events/sweep-deliveries";
import { countingD1 } from "../support/d1-counter";
import { db, newTenant, queuedMessage } from "../support/dispatch-fixtures";
import { eventBatch, insertEndpoint, insertEvent, spyEventsQueue } from "../support/event-fixtures";
import { eventReceiver } from "../support/event-receiver";

type Delivery = { state: string; attempts: number; last_error: string | null; next_attempt_at: string };

/** A stored event and a pending delivery of it to the endpoint, as the fan-out leaves them. */
async function pendingDelivery(tenantId: string, endpointId: string, nextAttemptAt = new Date(Date.now() + 300_000).toISOString()) {
  const eventId = newId("event");
  const deliveryId = newId("webhookDelivery");
  const now = new Date().toISOString();
  const payload = JSON.stringify({ id: eventId, type: "message.sent", timestamp: now, data: { id: "msg_1", status: "sent" } });
  await db().insert(tenantEvents).values({ id: eventId, tenantId, type: "message.sent", payload, occurredAt: now });
  await db()
    .insert(webhookDeliveries)
    .values({ id: deliveryId, endpointId, eventId, state: "pending", attempts: 0, nextAttemptAt, createdAt: now, updatedAt: now });
  return { eventId, deliveryId, payload };
}

async function delivery(id: string): Promise<Delivery> {
  const row = await env.DB.prepare("SELECT state, attempts, last_error, next_attempt_at FROM webhook_deliveries WHERE id = ?")
    .bind(id)
    .first<Delivery>();
  if (!row) throw new Error(`delivery ${id} is gone`);
  return row;
}

async function attemptsOf(endpointId: string) {
  const rows = await env.DB.prepare("SELECT * FROM webhook_attempts WHERE endpoint_id = ? ORDER BY attempt")
    .bind(endpointId)
    .all<Record<string, unknown>>();
  return rows.results;
}

async function endpointRow(id: string) {
  return env.DB.prepare("SELECT * FROM webhook_endpoints WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

function withSpy(vars: Record<string, string> = {}) {
  const spy = spyEventsQueue();
  return { env: { ...env, EVENTS_QUEUE: spy.queue, ...vars }, jobs: spy.jobs };
}

describe("the events queue consumer", () => {
  it("posts the stored body signed per Standard Webhooks, logs the attempt and marks the delivery succeeded", async () => {
    const tenantId = await newTenant();
    const receiver = await eventReceiver([200]);
    const endpoint = await insertEndpoint(tenantId, receiver.url);
    const { eventId, deliveryId, payload } = await pendingDelivery(tenantId, endpoint.id);
    const run = withSpy();
    await deliverEvents(run.env, eventBatch([{ deliveryId, attempts: 0 }]));

    const [request] = await receiver.requests();
    expect(request.body).toBe(payload);
    expect(request.headers["webhook-id"]).toBe(eventId);
    expect(new Webhook(endpoint.secret).verify(request.body, request.headers)).toMatchObject({ id: eventId, type: "message.sent" });
    expect(await delivery(deliveryId)).toMatchObject({ state: "succeeded", attempts: 1, last_error: null });
    const [attempt] = await attemptsOf(endpoint.id);
    expect(attempt).toMatchObject({
      delivery_id: deliveryId,
      event_id: eventId,
      attempt: 1,
      ok: 1,
      status_code: 200,
      response_excerpt: "answer 1: 200",
    });
    expect(JSON.stringify(attempt)).not.toContain(endpoint.secret.slice(6));
    expect(run.jobs).toEqual([]);
  });

  it("retries a failure as a new job delayed per the schedule; a duplicate of the old job posts nothing; the retry arrives", async () => {
    const tenantId = await newTenant();
    const receiver = await eventReceiver([500, 204]);
    const endpoint = await insertEndpoint(tenantId, receiver.url);
    const { deliveryId } = await pendingDelivery(tenantId, endpoint.id);
    const run = withSpy({ EVENT_RETRY_SCHEDULE: "7,60" });
    await deliverEvents(run.env, eventBatch([{ deliveryId, attempts: 0 }]));
    expect(await delivery(deliveryId)).toMatchObject({ state: "pending", attempts: 1, last_error: "the endpoint answered 500" });
    expect(run.jobs).toEqual([{ body: { deliveryId, attempts: 1 }, delaySeconds: 7 }]);
    expect((await endpointRow(endpoint.id))?.consecutive_failures).toBe(1);

    await deliverEvents(run.env, eventBatch([{ deliveryId, attempts: 0 }]));
    expect(await receiver.requests()).toHaveLength(1);

    await deliverEvents(run.env, eventBatch([{ deliveryId, attempts: 1 }]));
    expect(await receiver.requests()).toHaveLength(2);
    expect(await delivery(deliveryId)).toMatchObject({ state: "succeeded", attempts: 2 });
    expect((await attemptsOf(endpoint.id)).map((row) => [row.attempt, row.status_code, row.ok])).toEqual([
      [1, 500, 0],
      [2, 204, 1],
    ]);
    expect((await endpointRow(endpoint.id))?.consecutive_failures).toBe(0);
  });

  it("fails the delivery once the schedule runs out; an endpoint nobody answers at is 'could not connect'", async () => {
    const tenantId = await newTenant();
    const endpoint = await insertEndpoint(tenantId, "http://127.0.0.1:1/nobody");
    const { deliveryId } = await pendingDelivery(tenantId, endpoint.id);
    const run = withSpy({ EVENT_RETRY_SCHEDULE: "1" });
    await deliverEvents(run.env, eventBatch([{ deliveryId, attempts: 0 }]));
    await deliverEvents(run.env, eventBatch([{ deliveryId, attempts: 1 }]));
    expect(await delivery(deliveryId)).toMatchObject({ state: "failed", attempts: 2, last_error: "could not connect" });
    expect(run.jobs).toEqual([{ body: { deliveryId, attempts: 1 }, delaySeconds: 1 }]);
  });

  it("disables an endpoint after a long enough run of failures, with the reason as its notice; a disabled endpoint receives nothing", async () => {
    const tenantId = await newTenant();
    const receiver = await eventReceiver([503]);
    const endpoint = await insertEndpoint(tenantId, receiver.url);
    const run = withSpy({ EVENT_DISABLE_AFTER_FAILURES: "2", EVENT_DISABLE_AFTER_SECONDS: "3600" });
    const first = await pendingDelivery(tenantId, endpoint.id);
    await deliverEvents(run.env, eventBatch([{ deliveryId: first.deliveryId, attempts: 0 }]));
    const second = await pendingDelivery(tenantId, endpoint.id);
    await deliverEvents(run.env, eventBatch([{ deliveryId: second.deliveryId, attempts: 0 }]));
    expect((await endpointRow(endpoint.id))?.enabled).toBe(1);

    // The run began over an hour ago: the next failure disables the endpoint.
    await env.DB.prepare("UPDATE webhook_endpoints SET failing_since = ? WHERE id = ?")
      .bind(new Date(Date.now() - 3_700_000).toISOString(), endpoint.id)
      .run();
    await deliverEvents(run.env, eventBatch([{ deliveryId: first.deliveryId, attempts: 1 }]));
    const disabled = await endpointRow(endpoint.id);
    expect(disabled).toMatchObject({ enabled: 0, consecutive_failures: 3 });
    expect(disabled?.disabled_reason).toMatch(/^disabled automatically after 3 failed attempts in a row since \d{4}-/);
    expect(await receiver.requests()).toHaveLength(3);

    await deliverEvents(run.env, eventBatch([{ deliveryId: second.deliveryId, attempts: 1 }]));
    expect(await receiver.requests()).toHaveLength(3);
    expect(await delivery(second.deliveryId)).toMatchObject({ state: "failed", last_error: "endpoint disabled" });
    expect(await attemptsOf(endpoint.id)).toHaveLength(3);
  });
});

describe("an endpoint disabled automatically is an event", () => {
  it("records endpoint.disabled once and delivers it, signed, to the tenant's other endpoints that subscribe to it", async () => {
    const tenantId = await newTenant();
    const failing = await eventReceiver([503]);
    const watcher = await eventReceiver([200]);
    const endpoint = await insertEndpoint(tenantId, failing.url);
    const watching = await insertEndpoint(tenantId, watcher.url, { eventTypes: ["endpoint.disabled"] });
    const notWatching = await insertEndpoint(tenantId, "https://hooks.example.com/messages-only", { eventTypes: ["message.sent"] });
    const otherTenant = await insertEndpoint(await newTenant(), "https://hooks.example.com/other-tenant");
    const run = withSpy({ EVENT_DISABLE_AFTER_FAILURES: "1", EVENT_DISABLE_AFTER_SECONDS: "1" });
    const first = await pendingDelivery(tenantId, endpoint.id);
    await env.DB.prepare("UPDATE webhook_endpoints SET consecutive_failures = 5, failing_since = ? WHERE id = ?")
      .bind(new Date(Date.now() - 60_000).toISOString(), endpoint.id)
      .run();

    await deliverEvents(run.env, eventBatch([{ deliveryId: first.deliveryId, attempts: 0 }]));

    expect((await endpointRow(endpoint.id))?.enabled).toBe(0);
    const events = await env.DB.prepare("SELECT id, payload FROM tenant_events WHERE tenant_id = ? AND type = 'endpoint.disabled'")
      .bind(tenantId)
      .all<{ id: string; payload: string }>();
    expect(events.results).toHaveLength(1);
    const payload = JSON.parse(events.results[0].payload);
    expect(payload).toMatchObject({
      id: events.results[0].id,
      type: "endpoint.disabled",
      data: { id: endpoint.id, url: failing.url, enabled: false, consecutiveFailures: 6 },
    });
    expect(payload.data.disabledReason).toMatch(/^disabled automatically after 6 failed attempts/);
    const told = await env.DB.prepare("SELECT id, endpoint_id FROM webhook_deliveries WHERE event_id = ?")
      .bind(events.results[0].id)
      .all<{ id: string; endpoint_id: string }>();
    expect(told.results.map((row) => row.endpoint_id)).toEqual([watching.id]);
    expect([notWatching.id, otherTenant.id, endpoint.id].some((id) => told.results.some((row) => row.endpoint_id === id))).toBe(false);
    const job = run.jobs.find((queued) => queued.body.deliveryId === told.results[0].id);
    expect(job?.body).toEqual({ deliveryId: told.results[0].id, attempts: 0 });

    await deliverEvents(run.env, eventBatch([{ deliveryId: told.results[0].id, attempts: 0 }]));
    const [received] = await watcher.requests();
    const verified = new Webhook(watching.secret).verify(received.body, received.headers) as { type: string; data: { id: string } };
    expect(verified).toMatchObject({ type: "endpoint.disabled", data: { id: endpoint.id } });

    // A later failure of the disabled endpoint's deliveries records no second event.
    const second = await pendingDelivery(tenantId, endpoint.id);
    await deliverEvents(run.env, eventBatch([{ deliveryId: second.deliveryId, attempts: 0 }]));
    const again = await env.DB.prepare("SELECT count(*) AS n FROM tenant_events WHERE tenant_id = ? AND type = 'endpoint.disabled'")
      .bind(tenantId)
      .first<{ n: number }>();
    expect(again?.n).toBe(1);
  });
});

describe("nothing is lost between D1 and the queue", () => {
  it("the cron's sweep queues a pending delivery whose job was lost, once, for the attempt it is at", async () => {
    const tenantId = await newTenant();
    const endpoint = await insertEndpoint(tenantId, "https://hooks.example.com/a");
    const overdue = await pendingDelivery(tenantId, endpoint.id, new Date(Date.now() - 1000).toISOString());
    const notYet = await pendingDelivery(tenantId, endpoint.id);
    const run = withSpy();
    await sweepDeliveries(run.env);
    expect(run.jobs.filter((job) => [overdue.deliveryId, notYet.deliveryId].includes(job.body.deliveryId))).toEqual([
      { body: { deliveryId: overdue.deliveryId, attempts: 0 }, delaySeconds: undefined },
    ]);
    expect(Date.parse((await delivery(overdue.deliveryId)).next_attempt_at)).toBeGreaterThan(Date.now());
    await sweepDeliveries(run.env);
    expect(run.jobs.filter((job) => job.body.deliveryId === overdue.deliveryId)).toHaveLength(1);
  });

  it("a job dead-lettered by the events queue (D1 was down) makes its delivery due for the sweep", async () => {
    const tenantId = await newTenant();
    const endpoint = await insertEndpoint(tenantId, "https://hooks.example.com/a");
    const { deliveryId } = await pendingDelivery(tenantId, endpoint.id);
    await eventDeadLetters(env, eventBatch([{ deliveryId, attempts: 0 }], "events-dlq"));
    const run = withSpy();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await sweepDeliveries(run.env);
    expect(run.jobs.map((job) => job.body)).toContainEqual({ deliveryId, attempts: 0 });
  });
});

describe("the dispatch worker", () => {
  it("hands events batches to the events consumer, and its cron fans new timeline rows out", async () => {
    const tenantId = await newTenant();
    const receiver = await eventReceiver([204]);
    const endpoint = await insertEndpoint(tenantId, receiver.url);
    const { deliveryId } = await pendingDelivery(tenantId, endpoint.id);
    const run = withSpy();
    await worker.queue(eventBatch([{ deliveryId, attempts: 0 }]), run.env);
    expect(await delivery(deliveryId)).toMatchObject({ state: "succeeded" });

    const message = await queuedMessage(tenantId);
    await insertEvent(message.id, "canceled", "canceled by the API");
    await worker.scheduled({ cron: "* * * * *", scheduledTime: Date.now(), noRetry: () => {} }, run.env);
    const fannedOut = await env.DB.prepare(
      "SELECT d.id FROM webhook_deliveries d JOIN tenant_events e ON e.id = d.event_id WHERE d.endpoint_id = ? AND e.type = 'message.canceled'",
    )
      .bind(endpoint.id)
      .first<{ id: string }>();
    expect(run.jobs.map((job) => job.body)).toContainEqual({ deliveryId: fannedOut?.id, attempts: 0 });
  });
});

describe('D1 budget of the events consumer (README, Performance: "D1 work per path")', () => {
  it("fifty deliveries: one claim, one read, one write batch of a few statements, whatever the batch size", async () => {
    const tenantId = await newTenant();
    const receiver = await eventReceiver([204]);
    const endpoint = await insertEndpoint(tenantId, receiver.url);
    const deliveries = [];
    for (let i = 0; i < 50; i++) deliveries.push(await pendingDelivery(tenantId, endpoint.id));
    const { db: counted, counter } = countingD1(env.DB);
    const run = withSpy();
    await deliverEvents({ ...run.env, DB: counted }, eventBatch(deliveries.map(({ deliveryId }) => ({ deliveryId, attempts: 0 }))));

    expect(await receiver.requests()).toHaveLength(50);
    for (const { deliveryId } of deliveries) expect(await delivery(deliveryId)).toMatchObject({ state: "succeeded", attempts: 1 });
    expect(await attemptsOf(endpoint.id)).toHaveLength(50);
    // The claim; the events and endpoint; then the attempts' log, the deliveries' states and the
    // endpoint's failure run reset: one statement each.
    expect(counter).toMatchObject({ roundTrips: 3, statements: 5 });
  });
});

describe("a deleted endpoint", () => {
  it("fails its pending deliveries for good instead of leaving them to the sweep forever", async () => {
    const tenantId = await newTenant();
    const endpoint = await insertEndpoint(tenantId, "https://hooks.example.com/a");
    const { deliveryId } = await pendingDelivery(tenantId, endpoint.id);
    await env.DB.prepare("DELETE FROM webhook_endpoints WHERE id = ?").bind(endpoint.id).run();
    const run = withSpy();
    await deliverEvents(run.env, eventBatch([{ deliveryId, attempts: 0 }]));
    expect(await delivery(deliveryId)).toMatchObject({ state: "failed", last_error: "endpoint deleted" });
    expect(run.jobs).toEqual([]);
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deadLetters } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import { fanOutEvents } from "../../workers/dispatch/tenant-events/fan-out";
import { addProvider, batchOf, consume, db, newTenant, queuedMessage } from "../support/dispatch-fixtures";
import { insertEndpoint, insertEvent, spyEventsQueue } from "../support/event-fixtures";

type StoredEvent = { id: string; type: string; payload: string };

async function fanOut() {
  const spy = spyEventsQueue();
  await fanOutEvents({ ...env, EVENTS_QUEUE: spy.queue });
  return spy.jobs;
}

/** The events each endpoint got deliveries of, by type, oldest first. */
async function deliveredTypes(endpointId: string): Promise<string[]> {
  const rows = await env.DB.prepare(
    "SELECT e.type FROM webhook_deliveries d JOIN tenant_events e ON e.id = d.event_id WHERE d.endpoint_id = ? ORDER BY e.occurred_at, e.id",
  )
    .bind(endpointId)
    .all<{ type: string }>();
  return rows.results.map((row) => row.type);
}

async function eventsOfTenant(tenantId: string): Promise<StoredEvent[]> {
  const rows = await env.DB.prepare("SELECT id, type, payload FROM tenant_events WHERE tenant_id = ? ORDER BY occurred_at, id")
    .bind(tenantId)
    .all<StoredEvent>();
  return rows.results;
}

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, seconds)).toISOString();

describe("fan-out from the message timeline", () => {
  it("a send through dispatch makes one message.sent with the message view; a provider's second 'sent' adds none; 'delivered' makes one", async () => {
    const tenantId = await newTenant();
    const endpoint = await insertEndpoint(tenantId, "https://hooks.example.com/a");
    await addProvider({ tenantId });
    const message = await queuedMessage(tenantId);
    await insertEvent(message.id, "queued", "accepted");
    await consume(batchOf([message]));

    const jobs = await fanOut();
    const [sent] = await eventsOfTenant(tenantId);
    expect(sent.type).toBe("message.sent");
    const body = JSON.parse(sent.payload);
    expect(Object.keys(body).sort()).toEqual(["data", "id", "timestamp", "type"]);
    expect(body).toMatchObject({
      id: sent.id,
      type: "message.sent",
      data: { id: message.id, tenantId, status: "sent", to: message.recipient },
    });
    expect(body.data).not.toHaveProperty("leaseExpiresAt");
    const deliveryIds = (
      await env.DB.prepare("SELECT id FROM webhook_deliveries WHERE endpoint_id = ?").bind(endpoint.id).all<{ id: string }>()
    ).results;
    expect(jobs.filter((job) => deliveryIds.some((row) => row.id === job.body.deliveryId))).toEqual([
      { body: { deliveryId: deliveryIds[0].id, attempts: 0 }, delaySeconds: undefined },
    ]);

    await insertEvent(message.id, "sent", "twilio sent");
    await insertEvent(message.id, "delivered", "twilio delivered");
    await fanOut();
    await fanOut();
    expect(await deliveredTypes(endpoint.id)).toEqual(["message.sent", "message.delivered"]);
  });

  it("classifies failed, dead-lettered, canceled and inbound, and a redriven message's next failure again", async () => {
    const tenantId = await newTenant();
    const endpoint = await insertEndpoint(tenantId, "https://hooks.example.com/a", { createdAt: at(0) });
    const rejected = await queuedMessage(tenantId);
    await insertEvent(rejected.id, "queued", "accepted", at(1));
    await insertEvent(rejected.id, "sending", "delivery round 1", at(2));
    await insertEvent(rejected.id, "failed", "rejected by system", at(3));
    const dead = await queuedMessage(tenantId);
    await insertEvent(dead.id, "queued", "accepted", at(4));
    await insertEvent(dead.id, "failed", "dead-lettered after 5 delivery rounds", at(5));
    await db()
      .insert(deadLetters)
      .values({ id: newId("deadLetter"), messageId: dead.id, tenantId, attempts: 5, body: {}, deadLetteredAt: at(5) });
    const canceled = await queuedMessage(tenantId);
    await insertEvent(canceled.id, "queued", "accepted", at(6));
    await insertEvent(canceled.id, "canceled", "canceled by the API", at(7));
    const inbound = await queuedMessage(tenantId, { direction: "inbound", status: "delivered" });
    await insertEvent(inbound.id, "delivered", "inbound sms received", at(8));
    await insertEvent(dead.id, "queued", "redriven from dead letter", at(9));
    await insertEvent(dead.id, "failed", "rejected by system", at(10));

    await fanOut();
    expect(await deliveredTypes(endpoint.id)).toEqual([
      "message.failed",
      "message.dead_lettered",
      "message.canceled",
      "message.inbound",
      "message.failed",
    ]);
  });

  it("honours each endpoint's filter, skips disabled endpoints, other tenants and events from before an endpoint existed", async () => {
    const tenantId = await newTenant();
    const other = await newTenant();
    const message = await queuedMessage(tenantId);
    await insertEvent(message.id, "sent", "sent via system", at(1));
    const all = await insertEndpoint(tenantId, "https://hooks.example.com/all", { createdAt: at(0) });
    const deliveredOnly = await insertEndpoint(tenantId, "https://hooks.example.com/d", {
      eventTypes: ["message.delivered"],
      createdAt: at(0),
    });
    const disabled = await insertEndpoint(tenantId, "https://hooks.example.com/off", { enabled: false, createdAt: at(0) });
    const otherTenants = await insertEndpoint(other, "https://hooks.example.com/other", { createdAt: at(0) });
    const later = await insertEndpoint(tenantId, "https://hooks.example.com/later", { createdAt: at(2) });
    await insertEvent(message.id, "delivered", "delivered", at(3));

    await fanOut();
    expect(await deliveredTypes(all.id)).toEqual(["message.sent", "message.delivered"]);
    expect(await deliveredTypes(deliveredOnly.id)).toEqual(["message.delivered"]);
    expect(await deliveredTypes(disabled.id)).toEqual([]);
    expect(await deliveredTypes(otherTenants.id)).toEqual([]);
    expect(await deliveredTypes(later.id)).toEqual(["message.delivered"]);
  });

  it("never passes a row a later write could take the rowid of: a deleted top row's rowid is reused safely", async () => {
    const tenantId = await newTenant();
    const endpoint = await insertEndpoint(tenantId, "https://hooks.example.com/a");
    const message = await queuedMessage(tenantId);
    await insertEvent(message.id, "sent", "sent via system");
    // A row of no eventful status at the top, read past, then deleted (as a `queued` row of an
    // undone acceptance once was; an archive pass deletes rows too).
    const undone = await queuedMessage(tenantId);
    await insertEvent(undone.id, "queued", "accepted");
    await fanOut();
    await env.DB.prepare("DELETE FROM message_events WHERE message_id = ?").bind(undone.id).run();
    // The next row takes the deleted row's rowid.
    await insertEvent(message.id, "delivered", "delivered");
    await fanOut();
    expect(await deliveredTypes(endpoint.id)).toEqual(["message.sent", "message.delivered"]);
  });
});

describe("fan-out volume", () => {
  it("reads round after round in one run until the timeline is drained (more rows than one round holds)", async () => {
    const tenantId = await newTenant();
    const endpoint = await insertEndpoint(tenantId, "https://hooks.example.com/a");
    const message = await queuedMessage(tenantId);
    const statements = Array.from({ length: 450 }, (_, i) =>
      env.DB.prepare(
        "INSERT INTO messages (id, tenant_id, channel, direction, recipient, content, status, attempts, metadata, created_at, updated_at) VALUES (?, ?, 'sms', 'outbound', '+14155550100', '{}', 'sent', 1, '{}', ?, ?)",
      ).bind(`${message.id}_${i}`, tenantId, at(0), at(0)),
    );
    const events = Array.from({ length: 450 }, (_, i) =>
      env.DB.prepare("INSERT INTO message_events (id, message_id, status, source, occurred_at) VALUES (?, ?, 'sent', 'internal', ?)").bind(
        newId("event"),
        `${message.id}_${i}`,
        new Date().toISOString(),
      ),
    );
    await env.DB.batch([...statements, ...events]);
    const jobs = await fanOut();
    expect((await deliveredTypes(endpoint.id)).length).toBe(450);
    expect(jobs.length).toBeGreaterThanOrEqual(450);
  });
});

import { eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type Database, database } from "../../../shared/db/database";
import { rowChunks } from "../../../shared/db/row-chunks";
import {
  eventCursors,
  type MessageRow,
  tenantEvents,
  type WebhookEndpointRow,
  webhookDeliveries,
  webhookEndpoints,
} from "../../../shared/db/schema";
import type { Direction, MessageStatus } from "../../../shared/domain/enums";
import { messageView } from "../../../shared/domain/message-view";
import { type DeliveryValues, fanOutDeliveryId, pendingDelivery } from "../../../shared/events/deliveries";
import { EVENTFUL_STATUSES, messageEventTypeOf, subscribes } from "../../../shared/events/event-types";
import { MESSAGE_EVENTS_CURSOR } from "../../../shared/events/message-events-cursor";
import { log } from "../../../shared/observability/logger";
import { enqueueDeliveries } from "../../../shared/queue/event-delivery-job";
import type { DispatchEnv } from "../env";
import { eventSettings } from "./event-settings";

/** Timeline rows read per round (each carries its message, up to 128 KB); rounds repeat while rows remain. */
const ROWS_PER_ROUND = 200;
/** A run stops starting rounds after this long, well inside a cron invocation's limits; the next run continues. */
const RUN_BUDGET_MS = 20_000;

type Cursor = { position: number; eventId: string | null };
type Endpoint = Pick<WebhookEndpointRow, "id" | "tenantId" | "eventTypes" | "createdAt">;

/** A timeline row that may make a tenant event, with its message as it is now (the event's data). */
type TimelineRow = {
  seq: number;
  event_id: string;
  event_status: MessageStatus;
  occurred_at: string;
  dead_lettered: number;
  message: string;
};

const statusList = sql.raw(EVENTFUL_STATUSES.map((status) => `'${status}'`).join(", "));

/**
 * Candidate rows after the cursor, up to `bound`: of an eventful status, of a tenant with an
 * enabled endpoint, and the first of their status since the message was last (re)queued — so a
 * status that dispatch and a provider callback both report makes one event.
 */
function candidates(after: number, bound: number) {
  return sql`
    SELECT e.rowid AS seq, e.id AS event_id, e.status AS event_status, e.occurred_at,
      EXISTS (SELECT 1 FROM dead_letters d WHERE d.message_id = e.message_id AND d.dead_lettered_at = e.occurred_at) AS dead_lettered,
      json_object('id', m.id, 'tenantId', m.tenant_id, 'channel', m.channel, 'direction', m.direction, 'recipient', m.recipient,
        'sender', m.sender, 'subject', m.subject, 'content', json(m.content), 'status', m.status, 'providerId', m.provider_id,
        'providerMessageId', m.provider_message_id, 'cost', m.cost, 'idempotencyKey', m.idempotency_key, 'scheduledAt', m.scheduled_at,
        'sentAt', m.sent_at, 'attempts', m.attempts, 'lastError', m.last_error, 'metadata', json(m.metadata),
        'createdAt', m.created_at, 'updatedAt', m.updated_at) AS message
    FROM message_events e JOIN messages m ON m.id = e.message_id
    WHERE e.rowid > ${after} AND e.rowid <= ${bound} AND e.status IN (${statusList})
      AND m.tenant_id IN (SELECT tenant_id FROM webhook_endpoints WHERE enabled = 1)
      AND NOT EXISTS (
        SELECT 1 FROM message_events p
        WHERE p.message_id = e.message_id AND p.status = e.status AND p.rowid < e.rowid
          AND p.rowid > coalesce((SELECT max(q.rowid) FROM message_events q WHERE q.message_id = e.message_id AND q.status = 'queued' AND q.rowid < e.rowid), 0))
    ORDER BY e.rowid
    LIMIT ${ROWS_PER_ROUND}`;
}

/**
 * The newest row of an eventful status. The cursor never passes beyond such a row: should a
 * row above it be deleted, SQLite hands the deleted top rowid out again — to a row the cursor
 * has then not yet passed.
 */
async function newestEventful(db: Database): Promise<{ seq: number; id: string } | undefined> {
  return db.get<{ seq: number; id: string }>(
    sql`SELECT rowid AS seq, id FROM message_events WHERE status IN (${statusList}) ORDER BY rowid DESC LIMIT 1`,
  );
}

/**
 * Where the cursor stands. A VACUUM or an export and import may renumber rowids (keeping their
 * order): then the row the cursor remembers is found again by its id.
 */
async function readCursor(db: Database): Promise<Cursor | undefined> {
  const row = await db.query.eventCursors.findFirst({ where: eq(eventCursors.name, MESSAGE_EVENTS_CURSOR) });
  if (!row) return undefined;
  if (!row.eventId) return { position: row.position, eventId: null };
  const at = await db.get<{ seq: number; id: string }>(sql`SELECT rowid AS seq, id FROM message_events WHERE id = ${row.eventId}`);
  if (at && at.seq !== row.position) log.warn("events.cursor_renumbered", { from: row.position, to: at.seq });
  return { position: at?.seq ?? row.position, eventId: row.eventId };
}

function messageRowOf(json: string): MessageRow {
  const view = JSON.parse(json) as Record<string, unknown>;
  return { ...view, leaseExpiresAt: null, requestId: null, requestHash: null } as unknown as MessageRow;
}

type Planned = { events: (typeof tenantEvents.$inferInsert)[]; deliveries: DeliveryValues[] };

async function plan(rows: TimelineRow[], endpoints: Endpoint[], sweepAfterSeconds: number): Promise<Planned> {
  const now = new Date();
  const planned: Planned = { events: [], deliveries: [] };
  for (const row of rows) {
    const message = messageRowOf(row.message);
    const type = messageEventTypeOf({
      status: row.event_status,
      direction: message.direction as Direction,
      deadLettered: row.dead_lettered === 1,
    });
    if (!type) continue;
    const receivers = endpoints.filter(
      (endpoint) =>
        endpoint.tenantId === message.tenantId && subscribes(endpoint.eventTypes, type) && endpoint.createdAt <= row.occurred_at,
    );
    if (receivers.length === 0) continue;
    const payload = JSON.stringify({ id: row.event_id, type, timestamp: row.occurred_at, data: messageView(message) });
    planned.events.push({ id: row.event_id, tenantId: message.tenantId, type, payload, occurredAt: row.occurred_at });
    for (const endpoint of receivers)
      planned.deliveries.push(
        pendingDelivery(await fanOutDeliveryId(endpoint.id, row.event_id), endpoint.id, row.event_id, now, sweepAfterSeconds),
      );
  }
  return planned;
}

/**
 * One round: the events and deliveries and the cursor's new place in one D1 batch (all or
 * nothing), then the deliveries on the queue. A crash before the batch repeats the round; one
 * after it leaves deliveries the cron's sweep queues. Ids are fixed per (endpoint, event), so a
 * round repeated by an overlapping run adds nothing.
 */
async function round(env: DispatchEnv, db: Database, cursor: Cursor, bound: { seq: number; id: string }, endpoints: Endpoint[]) {
  const rows = (await db.all<TimelineRow>(candidates(cursor.position, bound.seq))) as TimelineRow[];
  const full = rows.length === ROWS_PER_ROUND;
  const last = rows.at(-1);
  const next: Cursor = full && last ? { position: last.seq, eventId: last.event_id } : { position: bound.seq, eventId: bound.id };
  const planned = await plan(rows, endpoints, eventSettings(env).sweepAfterSeconds);
  const now = new Date().toISOString();
  const writes: BatchItem<"sqlite">[] = [
    ...rowChunks(planned.events).map((chunk) => db.insert(tenantEvents).values(chunk).onConflictDoNothing()),
    ...rowChunks(planned.deliveries).map((chunk) => db.insert(webhookDeliveries).values(chunk).onConflictDoNothing()),
    db
      .update(eventCursors)
      .set({ position: next.position, eventId: next.eventId, updatedAt: now })
      .where(eq(eventCursors.name, MESSAGE_EVENTS_CURSOR)),
  ];
  await db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  await enqueueDeliveries(
    env.EVENTS_QUEUE,
    planned.deliveries.map((delivery) => ({ deliveryId: delivery.id, attempts: 0 })),
  ).catch((error) => log.warn("events.enqueue_failed", { deliveries: planned.deliveries.length, error: String(error) }));
  return { next, more: full, deliveries: planned.deliveries.length };
}

/**
 * Turns new `message_events` rows into tenant events and deliveries. Nothing happens until the
 * first endpoint exists (it starts the cursor); with no enabled endpoint the cursor only moves.
 */
export async function fanOutEvents(env: DispatchEnv): Promise<number> {
  const db = database(env.DB);
  let cursor = await readCursor(db);
  if (!cursor) return 0;
  const bound = await newestEventful(db);
  if (!bound || bound.seq <= cursor.position) return 0;
  const endpoints = await db
    .select({
      id: webhookEndpoints.id,
      tenantId: webhookEndpoints.tenantId,
      eventTypes: webhookEndpoints.eventTypes,
      createdAt: webhookEndpoints.createdAt,
    })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.enabled, true));
  const startedAt = Date.now();
  let delivered = 0;
  for (let more = true; more && Date.now() - startedAt < RUN_BUDGET_MS; ) {
    const result = await round(env, db, cursor, bound, endpoints);
    delivered += result.deliveries;
    cursor = result.next;
    more = result.more;
  }
  return delivered;
}

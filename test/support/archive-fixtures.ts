import { env } from "cloudflare:workers";
import { decodeArchive } from "../../shared/archive/archive-object";
import { type MessageRow, messageEvents } from "../../shared/db/schema";
import type { MessageStatus } from "../../shared/domain/enums";
import { newId } from "../../shared/domain/ids";
import { db, insertMessage } from "./d1-fixtures";

const DAY_MS = 86_400_000;

export const daysAgo = (days: number, hour = 12) => {
  const at = new Date(Date.now() - days * DAY_MS);
  at.setUTCHours(hour, 0, 0, 0);
  return at.toISOString();
};

/**
 * A finished message created `days` ago with its `queued` and final events. Its `queued` event is
 * a row of its own (as before migration 0018) unless `overrides.acceptedReason` keeps it on the
 * message, as ingest now does.
 */
export async function oldMessage(tenantId: string, days: number, status: MessageStatus = "delivered", overrides: Partial<MessageRow> = {}) {
  const createdAt = daysAgo(days);
  const row = await insertMessage(tenantId, { status, createdAt, updatedAt: createdAt, ...overrides });
  const queued = {
    id: newId("event"),
    messageId: row.id,
    status: "queued" as const,
    reason: "accepted",
    source: "internal" as const,
    occurredAt: createdAt,
  };
  const final = {
    id: newId("event"),
    messageId: row.id,
    status,
    reason: `${status} for the test`,
    source: "internal" as const,
    occurredAt: createdAt,
  };
  await db()
    .insert(messageEvents)
    .values(row.acceptedReason === null ? [queued, final] : [final]);
  return row;
}

/** Every archived message id, object by object, read back from R2 under a tenant's prefix. */
export async function archivedIds(tenantId: string): Promise<string[]> {
  const listed = await env.ARCHIVE.list({ prefix: `archive/${tenantId}/` });
  const ids: string[] = [];
  for (const object of listed.objects) {
    const body = await env.ARCHIVE.get(object.key);
    if (body) ids.push(...(await decodeArchive(body.body)).map((line) => line.message.id));
  }
  return ids;
}

export async function idsInD1(tenantId: string): Promise<string[]> {
  const rows = await db().query.messages.findMany({ where: (m, { eq }) => eq(m.tenantId, tenantId), columns: { id: true } });
  return rows.map((row) => row.id);
}

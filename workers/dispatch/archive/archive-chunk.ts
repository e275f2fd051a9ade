import { and, asc, eq, sql } from "drizzle-orm";
import { type ArchivedMessage, archiveKey, decodeArchive, encodeArchive } from "../../../shared/archive/archive-object";
import type { Database } from "../../../shared/db/database";
import { inJsonList } from "../../../shared/db/json-list";
import { archiveChunks, archivedMessages, archiveRuns, media, messageEvents, messages } from "../../../shared/db/schema";
import { mediaKey } from "../../../shared/domain/media-key";

import { log } from "../../../shared/observability/logger";

/** `attachments` and `media`: where archived emails' and inbound messages' files are, deleted with them. */
export type ArchiveDeps = { db: Database; bucket: R2Bucket; attachments: R2Bucket; media: R2Bucket };
/** `taken`: another pass finished the chunk first. */
type ChunkResult = "done" | "stale" | "taken";
type Chunk = typeof archiveChunks.$inferSelect;

/** The messages with their events, as D1 holds them now. */
async function snapshot(db: Database, ids: string[]): Promise<ArchivedMessage[]> {
  const [rows, events] = await Promise.all([
    db.select().from(messages).where(inJsonList(messages.id, ids)).orderBy(asc(messages.createdAt), asc(messages.id)),
    db.select().from(messageEvents).where(inJsonList(messageEvents.messageId, ids)).orderBy(asc(messageEvents.occurredAt), asc(sql`rowid`)),
  ]);
  return rows.map((message) => ({ message, events: events.filter((event) => event.messageId === message.id) }));
}

async function sha256(bytes: Uint8Array): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", bytes);
}

/** Writes the object (R2 checks the SHA-256 on upload) and reads its metadata back before anything is deleted. */
async function writeVerified(bucket: R2Bucket, key: string, lines: ArchivedMessage[]): Promise<void> {
  const body = await encodeArchive(lines);
  const count = String(lines.length);
  await bucket.put(key, body, { sha256: await sha256(body), customMetadata: { messages: count } });
  const stored = await bucket.head(key);
  if (!stored || stored.size !== body.byteLength || stored.customMetadata?.messages !== count)
    throw new Error(`archive object ${key} did not verify after writing`);
}

/** What the object holds when it is already there and whole (a pass crashed after writing it). */
async function alreadyWritten(bucket: R2Bucket, chunk: Chunk): Promise<ArchivedMessage[] | null> {
  const stored = await bucket.get(chunk.key);
  if (!stored || stored.customMetadata?.messages !== String(chunk.messageIds.length)) return null;
  return decodeArchive(stored.body);
}

/**
 * One batch: the chunk becomes `done` only if no message in it changed since the object was
 * written (same `updated_at`, same number of events), and only by this pass; then — and only then — the messages
 * and events leave D1 and their ids point at the object. Otherwise the chunk is `stale`.
 */
async function finish(db: Database, chunk: Chunk, lines: ArchivedMessage[]): Promise<ChunkResult> {
  const expected = JSON.stringify(
    lines.map((line) => ({ id: line.message.id, updatedAt: line.message.updatedAt, events: line.events.length })),
  );
  const ids = JSON.stringify(chunk.messageIds);
  const pass = crypto.randomUUID();
  const done = sql`EXISTS (SELECT 1 FROM archive_chunks WHERE key = ${chunk.key} AND state = 'done' AND finished_by = ${pass})`;
  const stale = sql`json_array_length(${expected}) <> json_array_length(${ids})
    OR EXISTS (SELECT 1 FROM json_each(${expected}) AS s LEFT JOIN messages AS m ON m.id = s.value ->> 'id'
      WHERE m.id IS NULL OR m.updated_at <> s.value ->> 'updatedAt'
        OR (SELECT count(*) FROM message_events AS e WHERE e.message_id = m.id) <> s.value ->> 'events')`;
  const results = await db.batch([
    db
      .update(archiveChunks)
      .set({ state: sql`CASE WHEN ${stale} THEN 'stale' ELSE 'done' END`, finishedBy: pass })
      .where(and(eq(archiveChunks.key, chunk.key), eq(archiveChunks.state, "pending"))),
    db.insert(archivedMessages).select(
      db
        .select({
          id: sql<string>`value`.as("id"),
          tenantId: sql<string>`${chunk.tenantId}`.as("tenant_id"),
          objectKey: sql<string>`${chunk.key}`.as("object_key"),
        })
        .from(sql`json_each(${ids})`)
        .where(done),
    ),
    // The newest event row of all stays: SQLite would give a deleted top rowid to the next event,
    // and the tenant-event fan-out reads message_events in rowid order from its cursor.
    db
      .delete(messageEvents)
      .where(and(inJsonList(messageEvents.messageId, chunk.messageIds), done, sql`rowid < (SELECT max(rowid) FROM message_events)`)),
    db.delete(messages).where(and(inJsonList(messages.id, chunk.messageIds), done)),
    // Their inbound files' rows go with them (the files themselves once this batch is in).
    db.delete(media).where(and(inJsonList(media.messageId, chunk.messageIds), done)),
    db
      .update(archiveRuns)
      .set({
        archived: sql`${archiveRuns.archived} + ${chunk.messageIds.length}`,
        objects: sql`${archiveRuns.objects} + 1`,
        updatedAt: new Date().toISOString(),
      })
      .where(and(eq(archiveRuns.id, chunk.runId), done)),
    db
      .select({ state: archiveChunks.state, finishedBy: archiveChunks.finishedBy })
      .from(archiveChunks)
      .where(eq(archiveChunks.key, chunk.key)),
  ]);
  const [after] = results[results.length - 1] as { state: string; finishedBy: string | null }[];
  if (after?.finishedBy !== pass) return "taken";
  return after.state === "done" ? "done" : "stale";
}

/** A stale chunk's object holds an outdated copy: it goes, and its messages are archived by a later chunk. */
async function discard(deps: ArchiveDeps, chunk: Chunk): Promise<void> {
  await deps.bucket.delete(chunk.key);
  await deps.db.delete(archiveChunks).where(eq(archiveChunks.key, chunk.key));
}

/**
 * Writes (or finds written) a pending chunk's object, then finishes it against what the object
 * holds. Safe to repeat after a crash at any step.
 */
export async function completeChunk(deps: ArchiveDeps, chunk: Chunk): Promise<ChunkResult> {
  let lines = await alreadyWritten(deps.bucket, chunk);
  if (!lines) {
    lines = await snapshot(deps.db, chunk.messageIds);
    await writeVerified(deps.bucket, chunk.key, lines);
  }
  const files = await mediaKeys(deps.db, chunk.messageIds);
  const state = await finish(deps.db, chunk, lines);
  if (state === "stale") await discard(deps, chunk);
  if (state === "done") {
    await deleteObjects(deps.attachments, attachmentKeys(lines), "dispatch.archive_attachments_left");
    await deleteObjects(deps.media, files, "dispatch.archive_media_left");
  }
  return state;
}

/** The stored files of the chunk's inbound messages (read before their rows go). */
async function mediaKeys(db: Database, messageIds: string[]): Promise<string[]> {
  const rows = await db.select({ id: media.id, tenantId: media.tenantId }).from(media).where(inJsonList(media.messageId, messageIds));
  return rows.map(mediaKey);
}

function attachmentKeys(lines: ArchivedMessage[]): string[] {
  return lines.flatMap((line) => line.message.email?.attachments.map((file) => file.key) ?? []);
}

/**
 * An archived message's files go with it: the archive keeps the message (and an email's files'
 * names, types and sizes), not their bytes. A failure here leaves the objects behind (logged);
 * the message is archived either way.
 */
async function deleteObjects(bucket: R2Bucket, keys: string[], failure: string): Promise<void> {
  try {
    // R2 deletes at most 1000 keys a call.
    for (let at = 0; at < keys.length; at += 1000) await bucket.delete(keys.slice(at, at + 1000));
  } catch (error) {
    log.error(failure, { error: String(error), keys: keys.length });
  }
}

/** Records the intent first: a crash after the object is written leaves a pending chunk that the next pass completes. */
export async function archiveChunk(deps: ArchiveDeps, runId: string, tenantId: string, day: string, ids: string[]) {
  const chunk: Chunk = {
    key: archiveKey(tenantId, day, crypto.randomUUID()),
    runId,
    tenantId,
    day,
    messageIds: ids,
    state: "pending",
    finishedBy: null,
    createdAt: new Date().toISOString(),
  };
  await deps.db.insert(archiveChunks).values(chunk);
  return completeChunk(deps, chunk);
}

export async function pendingChunks(db: Database): Promise<Chunk[]> {
  return db.select().from(archiveChunks).where(eq(archiveChunks.state, "pending"));
}

import { and, asc, eq, gte, lte } from "drizzle-orm";
import { decodeArchive } from "../../../shared/archive/archive-object";
import type { Database } from "../../../shared/db/database";
import { timelineOf } from "../../../shared/db/message-timeline";
import { type ArchiveRunRow, archiveChunks, archiveRuns, tenants } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { InvalidInputError, NotFoundError } from "../../../shared/http/errors";

export function archiveRunView(run: ArchiveRunRow) {
  const { tenantCursor: _cursor, ...view } = run;
  return view;
}

/** Ops ask for a pass; the dispatch cron carries it out chunk by chunk (within a minute locally and deployed). */
export async function requestArchiveRun(db: Database, spec: { before: string; tenantId?: string }, requestedBy: string) {
  if (spec.tenantId && !(await db.query.tenants.findFirst({ where: eq(tenants.id, spec.tenantId) })))
    throw new InvalidInputError("No such tenant", [{ path: "tenantId", message: "unknown tenant" }]);
  const now = new Date().toISOString();
  const [run] = await db
    .insert(archiveRuns)
    .values({
      id: newId("archiveRun"),
      tenantId: spec.tenantId ?? null,
      before: new Date(spec.before).toISOString(),
      status: "running",
      requestedBy,
      startedAt: now,
      updatedAt: now,
    })
    .returning();
  return archiveRunView(run);
}

export async function findArchiveRun(db: Database, id: string) {
  const run = await db.query.archiveRuns.findFirst({ where: eq(archiveRuns.id, id) });
  if (!run) throw new NotFoundError("Archive run");
  return archiveRunView(run);
}

const encoder = new TextEncoder();

/**
 * A tenant's archive from one day to another as NDJSON, one `{ message, events }` per line (the
 * row as D1 held it and its whole timeline, acceptance first),
 * streamed object by object (days in order) so an export of any size never sits in memory.
 */
export async function exportArchive(db: Database, bucket: R2Bucket, tenantId: string, from: string, to: string): Promise<ReadableStream> {
  const chunks = await db
    .select({ key: archiveChunks.key })
    .from(archiveChunks)
    .where(
      and(
        eq(archiveChunks.tenantId, tenantId),
        eq(archiveChunks.state, "done"),
        gte(archiveChunks.day, from.slice(0, 10)),
        lte(archiveChunks.day, to.slice(0, 10)),
      ),
    )
    .orderBy(asc(archiveChunks.day), asc(archiveChunks.key));
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const write = async () => {
    const writer = writable.getWriter();
    try {
      for (const { key } of chunks) {
        const object = await bucket.get(key);
        if (!object) throw new Error(`archive object ${key} is missing`);
        for (const line of await decodeArchive(object.body))
          if (line.message.createdAt >= from && line.message.createdAt < to)
            await writer.write(
              encoder.encode(`${JSON.stringify({ message: line.message, events: timelineOf(line.message, line.events) })}\n`),
            );
      }
      await writer.close();
    } catch (error) {
      await writer.abort(error);
    }
  };
  void write();
  return readable;
}

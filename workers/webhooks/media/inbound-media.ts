import type { Database } from "../../../shared/db/database";
import { rowChunks } from "../../../shared/db/row-chunks";
import { media } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import type { InboundMedia } from "../../../shared/providers/provider";

/** Longest stored content type and file name: what a sender sends is theirs to choose. */
const MAX_LABEL = 200;

/**
 * The message's attachments as `pending` rows, written in the batch that records the message, so
 * an attachment is never known without its message nor lost if the fetch that follows fails.
 * Several statements when needed: ten MMS files in one insert would bind more than D1's 100 parameters.
 */
export function pendingMediaRows(
  db: Database,
  files: InboundMedia[],
  owner: { tenantId: string; messageId: string; providerId: string },
  now: string,
) {
  const rows = files.map((file, position) => ({
    id: newId("media"),
    ...owner,
    position,
    source: file.url,
    contentType: file.contentType?.slice(0, MAX_LABEL) ?? null,
    name: file.name?.slice(0, MAX_LABEL) ?? null,
    size: null,
    status: "pending" as const,
    attempts: 0,
    lastError: null,
    createdAt: now,
    updatedAt: now,
  }));
  return rowChunks(rows).map((chunk) => db.insert(media).values(chunk));
}

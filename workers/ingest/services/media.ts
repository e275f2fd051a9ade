import { and, eq } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { media } from "../../../shared/db/schema";
import { mediaKey } from "../../../shared/domain/media-key";
import { ConflictError, NotFoundError } from "../../../shared/http/errors";

/** Served as a download, never rendered by the browser as our page: an attachment is whatever the sender sent. */
const SAFE_HEADERS = {
  "content-disposition": "attachment",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; sandbox",
  "cache-control": "private, max-age=300",
};

/** Quotes and control characters cannot end the header's quoted string. */
const headerSafeName = (name: string) => name.replace(/[^\x20-\x7e]|["\\]/g, "_");

/**
 * An attachment's bytes, for its own tenant only (another tenant's id is as absent as a missing
 * one); one still being fetched, or that could not be, is a 409 that says which.
 */
export async function mediaResponse(db: Database, bucket: R2Bucket, id: string, tenantId: string | null, requestId: string) {
  const row = await db.query.media.findFirst({ where: and(eq(media.id, id), tenantId ? eq(media.tenantId, tenantId) : undefined) });
  if (!row) throw new NotFoundError("Attachment");
  if (row.status !== "stored")
    throw new ConflictError(
      row.status === "pending"
        ? "The attachment is still being fetched from the provider"
        : `The attachment could not be fetched: ${row.lastError}`,
    );
  const object = await bucket.get(mediaKey(row));
  if (!object) throw new NotFoundError("Attachment");
  const disposition = row.name ? `attachment; filename="${headerSafeName(row.name)}"` : "attachment";
  return new Response(object.body, {
    headers: {
      ...SAFE_HEADERS,
      "content-disposition": disposition,
      "content-type": row.contentType ?? "application/octet-stream",
      "content-length": String(object.size),
      "x-request-id": requestId,
    },
  });
}

import type { MessageRow } from "../../../shared/db/schema";
import { base64ToBytes } from "../../../shared/encoding/bytes";
import { InvalidInputError, UnavailableError } from "../../../shared/http/errors";
import { log } from "../../../shared/observability/logger";

import type { AcceptableMessage } from "./templated-messages";

/**
 * Puts the attachments of messages about to be accepted into R2, under the keys their rows hold,
 * before the rows are written: a row never names an object that is not there. Returns the keys
 * written, to be deleted if the acceptance does not go through.
 */
export async function storeAttachments(bucket: R2Bucket, rows: MessageRow[], requests: AcceptableMessage[]): Promise<string[]> {
  const files = rows.flatMap((row, index) => {
    const request = requests[index];
    const given = request?.channel === "email" ? (request.attachments ?? []) : [];
    return (row.email?.attachments ?? []).map((stored, n) => ({ stored, content: given[n].content }));
  });
  const decoded = files.map(({ stored, content }) => {
    const bytes = base64ToBytes(content);
    // The schema checked the alphabet and padding, so this only guards against storing garbage.
    if (!bytes) throw new InvalidInputError("An attachment is not base64", [{ path: "attachments", message: "is not base64" }]);
    return { stored, bytes };
  });
  const puts = await Promise.allSettled(
    decoded.map(({ stored, bytes }) => bucket.put(stored.key, bytes, { httpMetadata: { contentType: stored.contentType } })),
  );
  const written = decoded.filter((_, index) => puts[index].status === "fulfilled").map(({ stored }) => stored.key);
  const failed = puts.find((put): put is PromiseRejectedResult => put.status === "rejected");
  if (failed) {
    await discardAttachments(bucket, written);
    log.error("ingest.attachment_store_failed", { error: String(failed.reason) });
    throw new UnavailableError("The attachment store did not accept the files; nothing was accepted. Retry.");
  }
  return written;
}

/** Deletes objects of an acceptance that did not go through; a failure leaves orphans (logged), never a broken message. */
export async function discardAttachments(bucket: R2Bucket, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  try {
    await bucket.delete(keys);
  } catch (error) {
    log.error("ingest.attachment_discard_failed", { error: String(error), keys: keys.length });
  }
}

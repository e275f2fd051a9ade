import { eq } from "drizzle-orm";
import { decodeArchive } from "../../../shared/archive/archive-object";
import type { Database } from "../../../shared/db/database";
import { timelineOf } from "../../../shared/db/message-timeline";
import { archivedMessages } from "../../../shared/db/schema";
import { eventView, messageView } from "../../../shared/domain/message-view";

/** An archived message as the API shows it, `archived: true`; undefined if it was never archived (or is another tenant's). */
export async function archivedMessage(db: Database, bucket: R2Bucket, id: string, tenantId: string | null) {
  const where = await db.query.archivedMessages.findFirst({ where: eq(archivedMessages.id, id) });
  if (!where || (tenantId !== null && where.tenantId !== tenantId)) return undefined;
  const object = await bucket.get(where.objectKey);
  if (!object) throw new Error(`archive object ${where.objectKey} of ${id} is missing`);
  const line = (await decodeArchive(object.body)).find((entry) => entry.message.id === id);
  if (!line) throw new Error(`archive object ${where.objectKey} does not hold ${id}`);
  return { ...messageView(line.message), events: timelineOf(line.message, line.events).map(eventView), archived: true as const };
}

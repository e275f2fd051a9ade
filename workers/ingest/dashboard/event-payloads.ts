import { eq } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { messageEvents } from "../../../shared/db/schema";

/**
 * The raw provider payload of each event of a message, which the API's event view leaves out.
 * Call it only after `messageWithEvents` has shown the message is visible to the viewer.
 */
export async function rawPayloadsOf(db: Database, messageId: string): Promise<Map<string, unknown>> {
  const rows = await db
    .select({ id: messageEvents.id, rawPayload: messageEvents.rawPayload })
    .from(messageEvents)
    .where(eq(messageEvents.messageId, messageId));
  return new Map(rows.filter((row) => row.rawPayload !== null).map((row) => [row.id, row.rawPayload]));
}

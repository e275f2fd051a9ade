import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../../shared/db/database";
import { messages } from "../../shared/db/schema";

/**
 * Matches a provider's candidate earlier sends to messages without giving one send to two:
 * a candidate already recorded on any message, or taken by another message of this batch,
 * is skipped (two messages with the same recipient and text stay two sends).
 */
export function earlierSendClaimer(db: Database) {
  const taken = new Set<string>();
  return async (providerId: string, candidates: string[]): Promise<string | undefined> => {
    const open = candidates.filter((id) => !taken.has(id));
    if (open.length === 0) return undefined;
    const recorded = await db
      .select({ id: messages.providerMessageId })
      .from(messages)
      .where(and(eq(messages.providerId, providerId), inArray(messages.providerMessageId, open)));
    const known = new Set(recorded.map((row) => row.id));
    // Re-checked after the read: another message of the batch may have taken one meanwhile.
    const found = open.find((id) => !known.has(id) && !taken.has(id));
    if (found) taken.add(found);
    return found;
  };
}

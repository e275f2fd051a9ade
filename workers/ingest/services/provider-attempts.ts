import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { messageEvents, providerConfigs } from "../../../shared/db/schema";
import { attemptError } from "../../../shared/domain/attempt-reason";

/** One provider's share of a message's delivery: how often it was tried and what it said last. */
export type ProviderAttempts = {
  providerId: string;
  /** null once the provider was deleted. */
  providerName: string | null;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string;
};

/**
 * Every provider a message was tried with, most recently tried first, from its attempt events
 * (dispatch writes one per provider call). One indexed D1 query.
 */
export async function providerAttemptsOf(db: Database, messageId: string): Promise<ProviderAttempts[]> {
  const rows = await db
    .select({
      providerId: messageEvents.providerId,
      providerName: providerConfigs.name,
      status: messageEvents.status,
      reason: messageEvents.reason,
      occurredAt: messageEvents.occurredAt,
    })
    .from(messageEvents)
    .leftJoin(providerConfigs, eq(providerConfigs.id, messageEvents.providerId))
    .where(and(eq(messageEvents.messageId, messageId), eq(messageEvents.source, "internal"), isNotNull(messageEvents.providerId)))
    .orderBy(asc(messageEvents.occurredAt), asc(messageEvents.id));
  const byProvider = new Map<string, ProviderAttempts>();
  for (const row of rows) {
    const error = attemptError(row.reason);
    const isAttempt = error !== undefined || row.status === "sent";
    if (!row.providerId || !isAttempt) continue;
    const seen = byProvider.get(row.providerId);
    byProvider.set(row.providerId, {
      providerId: row.providerId,
      providerName: row.providerName,
      attempts: (seen?.attempts ?? 0) + 1,
      lastError: error ?? null,
      lastAttemptAt: row.occurredAt,
    });
  }
  return [...byProvider.values()].sort((a, b) => b.lastAttemptAt.localeCompare(a.lastAttemptAt));
}

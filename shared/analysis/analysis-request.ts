import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/database";
import { conversationAnalyses } from "../db/schema";

/**
 * Marks a conversation's analysis pending, due at `dueAt` — only for a tenant with analysis on.
 * A later request moves `dueAt` on, so a burst of messages leaves one due time and one job that
 * runs. RETURNING says whether (and for which conversation) a job should be queued. The SELECT
 * names every column in table order (an insert from a query takes them all).
 */
export function requestAnalysis(db: Database, conversationId: SQL | string, tenantId: string, dueAt: string, now: string) {
  return db
    .insert(conversationAnalyses)
    .select(
      sql`SELECT ${conversationId}, ${tenantId}, 'pending', ${dueAt}, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, ${now}
        WHERE ${conversationId} IS NOT NULL
          AND EXISTS (SELECT 1 FROM analysis_settings WHERE tenant_id = ${tenantId} AND enabled = 1)`,
    )
    .onConflictDoUpdate({
      target: conversationAnalyses.conversationId,
      set: { status: "pending", dueAt: sql`excluded.due_at`, retryAt: null, failures: 0, updatedAt: sql`excluded.updated_at` },
    })
    .returning({ conversationId: conversationAnalyses.conversationId, dueAt: conversationAnalyses.dueAt });
}

export function secondsFrom(now: Date, seconds: number): string {
  return new Date(now.getTime() + seconds * 1000).toISOString();
}

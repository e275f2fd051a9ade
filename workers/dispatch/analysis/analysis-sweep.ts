import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { conversationAnalyses } from "../../../shared/db/schema";
import type { AnalysisJob } from "../../../shared/queue/analysis-job";

const SWEEP_LIMIT = 100;

/**
 * Pending analyses whose job was lost (the queue refused it, or a consumer died holding the
 * lease) are queued again once `afterSeconds` past due — or past their retry time. The claim
 * makes a duplicate job harmless.
 */
export async function sweepAnalyses(db: Database, queue: Queue<AnalysisJob>, afterSeconds: number, now = new Date()): Promise<number> {
  const at = now.toISOString();
  const before = new Date(now.getTime() - afterSeconds * 1000).toISOString();
  const rows = await db
    .select({
      conversationId: conversationAnalyses.conversationId,
      tenantId: conversationAnalyses.tenantId,
      dueAt: conversationAnalyses.dueAt,
    })
    .from(conversationAnalyses)
    .where(
      and(
        eq(conversationAnalyses.status, "pending"),
        lt(sql`coalesce(${conversationAnalyses.retryAt}, ${conversationAnalyses.dueAt})`, before),
        or(isNull(conversationAnalyses.leaseUntil), lt(conversationAnalyses.leaseUntil, at)),
      ),
    )
    .limit(SWEEP_LIMIT);
  if (rows.length === 0) return 0;
  await queue.sendBatch(rows.map((body) => ({ body })));
  return rows.length;
}

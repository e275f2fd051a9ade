import { and, desc, eq, lt, or } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { type WebhookAttemptRow, webhookAttempts } from "../../../shared/db/schema";
import { decodeCursor, pageOf } from "./cursor";

export function attemptView(row: WebhookAttemptRow) {
  const { endpointId: _endpoint, ...view } = row;
  return view;
}

/** An endpoint's attempts, newest first, by keyset on (attemptedAt, id). */
export async function listAttempts(db: Database, endpointId: string, query: { limit: number; cursor?: string }) {
  const after = decodeCursor(query.cursor);
  const rows = await db
    .select()
    .from(webhookAttempts)
    .where(
      and(
        eq(webhookAttempts.endpointId, endpointId),
        after
          ? or(lt(webhookAttempts.attemptedAt, after.at), and(eq(webhookAttempts.attemptedAt, after.at), lt(webhookAttempts.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(desc(webhookAttempts.attemptedAt), desc(webhookAttempts.id))
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (row) => ({ at: row.attemptedAt, id: row.id }));
  return { items: page.items.map(attemptView), nextCursor: page.nextCursor };
}

import { and, eq } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { type BulkOperationRow, bulkOperations, type DeadLetterMatch } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { InvalidInputError, NotFoundError } from "../../../shared/http/errors";
import type { DeliveryJob } from "../../../shared/queue/delivery-job";
import { advanceBulkOperation } from "../../../shared/recovery/bulk-operation";
import { type AuditActor, auditWrite } from "./audit-log";
import { countPendingDeadLetters } from "./dead-letters";
import { findProvider } from "./providers";

/** What the request that starts an operation does itself before answering; the rest is the progress page's and the cron's. */
const FIRST_BUDGET_MS = 3_000;

export type BulkInput = { action: "redrive" | "discard"; match: DeadLetterMatch; targetProviderId?: string };
export type BulkContext = { db: Database; queue: Queue<DeliveryJob>; actor: AuditActor };

async function checkedTarget(db: Database, actor: AuditActor, input: BulkInput): Promise<string | null> {
  if (!input.targetProviderId) return null;
  if (input.action !== "redrive")
    throw new InvalidInputError("Only a redrive takes a target provider", [{ path: "targetProviderId", message: "only for redrive" }]);
  const provider = await findProvider(db, actor.principal, input.targetProviderId).catch(() => undefined);
  if (!provider) throw new InvalidInputError("No such provider", [{ path: "targetProviderId", message: "unknown provider" }]);
  if (!provider.enabled)
    throw new InvalidInputError("The target provider is disabled; enable it first", [{ path: "targetProviderId", message: "disabled" }]);
  return provider.id;
}

/**
 * Records the operation and its one audit record in one D1 batch, works on it for a moment,
 * and returns it as it stands: small ones finish before the answer, large ones continue on
 * the progress page and the dispatch cron, resumably.
 */
export async function startBulkOperation(ctx: BulkContext, input: BulkInput): Promise<BulkOperationRow> {
  const targetProviderId = await checkedTarget(ctx.db, ctx.actor, input);
  const total = await countPendingDeadLetters(ctx.db, input.match);
  const now = new Date().toISOString();
  const id = newId("bulkOperation");
  await ctx.db.batch([
    ctx.db.insert(bulkOperations).values({
      id,
      tenantId: input.match.tenantId,
      action: input.action,
      filter: input.match,
      targetProviderId,
      state: "running",
      upTo: now,
      total,
      createdByKeyId: ctx.actor.principal.keyId,
      requestId: ctx.actor.requestId,
      createdAt: now,
      updatedAt: now,
    }),
    auditWrite(ctx.db, ctx.actor, {
      action: input.action === "redrive" ? "dead-letters.bulk-redrive" : "dead-letters.bulk-discard",
      tenantId: input.match.tenantId,
      target: id,
      details: { filter: input.match, targetProviderId, matched: total },
    }),
  ]);
  return (await advanceBulkOperation({ db: ctx.db, queue: ctx.queue }, id, FIRST_BUDGET_MS)) ?? (await findBulkOperation(ctx.db, id, null));
}

/** Advances a running operation a little (if no one else is on it) and returns it; another tenant's is 404. */
export async function bulkOperationProgress(ctx: Omit<BulkContext, "actor">, id: string, tenantId: string | null, budgetMs: number) {
  const op = await findBulkOperation(ctx.db, id, tenantId);
  if (op.state !== "running") return op;
  return (await advanceBulkOperation({ db: ctx.db, queue: ctx.queue }, id, budgetMs)) ?? (await findBulkOperation(ctx.db, id, tenantId));
}

export async function findBulkOperation(db: Database, id: string, tenantId: string | null): Promise<BulkOperationRow> {
  const row = await db.query.bulkOperations.findFirst({
    where: and(eq(bulkOperations.id, id), tenantId ? eq(bulkOperations.tenantId, tenantId) : undefined),
  });
  if (!row) throw new NotFoundError("Bulk operation");
  return row;
}

import { and, desc, eq, getTableColumns } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { apiKeys, auditLog } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import type { Principal } from "../principal";
import { decodeCursor, pageOf } from "./cursor";
import { afterCursor } from "./messages-query";

/** Ops' and tenant admins' actions worth answering "who did that?" for. */
export const AUDIT_ACTIONS = [
  "dashboard.sign-in",
  "dead-letter.redrive",
  "dead-letter.discard",
  "dead-letters.bulk-redrive",
  "dead-letters.bulk-discard",
  "provider.create",
  "provider.update",
  "provider.delete",
  "tenant.create",
  "api-key.issue",
  "api-key.revoke",
  "alert-rule.create",
  "alert-rule.update",
  "alert-rule.delete",
  "alert.fired",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who and from where: the key, the client's address as the edge saw it, and which door it came through. */
export type AuditActor = { principal: Principal; clientAddress: string | null; requestId: string; via: "api" | "dashboard" };

export function actorOf(request: Request, principal: Principal, requestId: string, via: AuditActor["via"]): AuditActor {
  return { principal, clientAddress: request.headers.get("cf-connecting-ip"), requestId, via };
}

/** The actor of an API request. */
export function apiActor(c: { req: { raw: Request }; var: { principal: Principal; requestId: string } }): AuditActor {
  return actorOf(c.req.raw, c.var.principal, c.var.requestId, "api");
}

type Entry = { action: AuditAction; tenantId: string | null; target?: string; details?: Record<string, unknown> };

/** The insert for one audit record, to go in the same D1 batch as the change it records where it can. */
export function auditWrite(db: Database, actor: AuditActor, entry: Entry) {
  return db.insert(auditLog).values({
    id: newId("audit"),
    tenantId: entry.tenantId,
    actorKeyId: actor.principal.keyId,
    action: entry.action,
    target: entry.target ?? null,
    details: { via: actor.via, ...entry.details },
    clientAddress: actor.clientAddress,
    requestId: actor.requestId,
    occurredAt: new Date().toISOString(),
  });
}

export async function recordAudit(db: Database, actor: AuditActor, entry: Entry): Promise<void> {
  await auditWrite(db, actor, entry);
}

export type AuditFilter = { tenantId: string | null; action?: AuditAction; limit: number; cursor?: string };

/** Newest first; a tenant's key sees its tenant's records only, an ops key every record. */
export async function listAuditLog(db: Database, filter: AuditFilter) {
  const rows = await db
    .select({ ...getTableColumns(auditLog), actorKeyName: apiKeys.name })
    .from(auditLog)
    .leftJoin(apiKeys, eq(apiKeys.id, auditLog.actorKeyId))
    .where(
      and(
        filter.tenantId ? eq(auditLog.tenantId, filter.tenantId) : undefined,
        filter.action ? eq(auditLog.action, filter.action) : undefined,
        afterCursor(auditLog.occurredAt, auditLog.id, decodeCursor(filter.cursor)),
      ),
    )
    .orderBy(desc(auditLog.occurredAt), desc(auditLog.id))
    .limit(filter.limit + 1);
  return pageOf(rows, filter.limit, (row) => ({ at: row.occurredAt, id: row.id }));
}

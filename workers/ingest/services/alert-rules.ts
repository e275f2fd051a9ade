import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { type AlertRuleRow, alertRules, providerConfigs, tenants } from "../../../shared/db/schema";
import { alertRuleIssues, type CreateAlertRule, DEFAULT_MIN_ATTEMPTS, type UpdateAlertRule } from "../../../shared/domain/alert-rule";
import { newId } from "../../../shared/domain/ids";
import { ConflictError, InvalidInputError, NotFoundError } from "../../../shared/http/errors";
import { assertVisible, isOps, type Principal } from "../principal";
import type { OffsetPage } from "./cursor";

/** Each rule costs the dispatch cron a query (or a guard read) a minute: a tenant keeps a handful. */
export const MAX_ALERT_RULES_PER_TENANT = 20;

export function alertRuleView(row: AlertRuleRow) {
  const { notifyChannel, notifyTo, ...rest } = row;
  return { ...rest, notify: { channel: notifyChannel, to: notifyTo } };
}
export type AlertRuleView = ReturnType<typeof alertRuleView>;

async function owningTenant(db: Database, principal: Principal, requested: string | undefined): Promise<string> {
  if (!isOps(principal)) {
    if (requested !== undefined && requested !== principal.tenantId)
      throw new InvalidInputError("A tenant's key sets alerts for its own tenant only", [{ path: "tenantId", message: "not allowed" }]);
    return principal.tenantId as string;
  }
  if (!requested) throw new InvalidInputError("An ops key names the tenant", [{ path: "tenantId", message: "required for an ops key" }]);
  const tenant = await db.query.tenants.findFirst({ where: eq(tenants.id, requested) });
  if (!tenant) throw new InvalidInputError("No such tenant", [{ path: "tenantId", message: "unknown tenant" }]);
  return requested;
}

/**
 * The watched provider must be the tenant's own, or (for an ops key only) a system default the
 * tenant may be using; another tenant's provider is reported as unknown.
 */
async function assertWatchable(db: Database, principal: Principal, tenantId: string, providerId: string | null | undefined) {
  if (!providerId) return;
  const provider = await db.query.providerConfigs.findFirst({
    where: and(
      eq(providerConfigs.id, providerId),
      isOps(principal)
        ? or(eq(providerConfigs.tenantId, tenantId), isNull(providerConfigs.tenantId))
        : eq(providerConfigs.tenantId, tenantId),
    ),
  });
  if (!provider) throw new InvalidInputError("No such provider for this tenant", [{ path: "providerId", message: "unknown provider" }]);
}

function refuseIssues(issues: { path: string[]; message: string }[]): void {
  if (issues.length > 0)
    throw new InvalidInputError(
      issues.map((issue) => issue.message).join("; "),
      issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
}

export async function createAlertRule(db: Database, principal: Principal, input: CreateAlertRule) {
  const tenantId = await owningTenant(db, principal, input.tenantId);
  await assertWatchable(db, principal, tenantId, input.providerId);
  const [{ count }] = await db.select({ count: sql<number>`count(*)` }).from(alertRules).where(eq(alertRules.tenantId, tenantId));
  if (count >= MAX_ALERT_RULES_PER_TENANT) throw new ConflictError(`A tenant has at most ${MAX_ALERT_RULES_PER_TENANT} alert rules`);
  const now = new Date().toISOString();
  const [row] = await db
    .insert(alertRules)
    .values({
      id: newId("alertRule"),
      tenantId,
      name: input.name,
      kind: input.kind,
      threshold: input.threshold,
      minAttempts: input.kind === "provider-failures" ? (input.minAttempts ?? DEFAULT_MIN_ATTEMPTS) : null,
      windowMinutes: input.windowMinutes,
      providerId: input.providerId ?? null,
      notifyChannel: input.notify.channel,
      notifyTo: input.notify.to,
      cooldownMinutes: input.cooldownMinutes,
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return alertRuleView(row);
}

export async function findAlertRule(db: Database, principal: Principal, id: string): Promise<AlertRuleRow> {
  const row = await db.query.alertRules.findFirst({ where: eq(alertRules.id, id) });
  if (!row) throw new NotFoundError("Alert rule");
  assertVisible(principal, row.tenantId, "Alert rule");
  return row;
}

export async function listAlertRules(db: Database, tenantId: string | null, page: OffsetPage) {
  const rows = await db
    .select()
    .from(alertRules)
    .where(tenantId ? eq(alertRules.tenantId, tenantId) : undefined)
    .orderBy(asc(alertRules.createdAt), asc(alertRules.id))
    .limit(page.limit + 1)
    .offset(page.offset);
  return rows.map(alertRuleView);
}

export async function updateAlertRule(db: Database, principal: Principal, id: string, input: UpdateAlertRule) {
  const row = await findAlertRule(db, principal, id);
  const merged = {
    kind: row.kind,
    threshold: input.threshold ?? row.threshold,
    providerId: input.providerId ?? row.providerId,
    minAttempts: input.minAttempts ?? row.minAttempts,
  };
  refuseIssues(alertRuleIssues({ ...merged, minAttempts: row.kind === "dead-letters" ? input.minAttempts : merged.minAttempts }));
  if (input.providerId !== undefined) await assertWatchable(db, principal, row.tenantId, input.providerId);
  const [updated] = await db
    .update(alertRules)
    .set({
      name: input.name,
      threshold: input.threshold,
      windowMinutes: input.windowMinutes,
      providerId: input.providerId,
      minAttempts: input.minAttempts,
      notifyChannel: input.notify?.channel,
      notifyTo: input.notify?.to,
      cooldownMinutes: input.cooldownMinutes,
      enabled: input.enabled,
      updatedAt: new Date().toISOString(),
    })
    .where(eq(alertRules.id, row.id))
    .returning();
  return alertRuleView(updated);
}

export async function deleteAlertRule(db: Database, principal: Principal, id: string) {
  const row = await findAlertRule(db, principal, id);
  await db.delete(alertRules).where(eq(alertRules.id, row.id));
  return { id: row.id, tenantId: row.tenantId, deleted: true as const };
}

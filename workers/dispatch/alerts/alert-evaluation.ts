import { eq } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { alertRules, providerConfigs, tenants } from "../../../shared/db/schema";
import { log } from "../../../shared/observability/logger";
import type { GuardSettings } from "../../../shared/providers/guard-contract";
import type { DeliveryJob } from "../../../shared/queue/delivery-job";
import { type AlertMeasure, deadLetterMeasures, type GuardStatusRead, providerMeasures, type RuleToCheck } from "./alert-measures";
import { clearAlert, fireAlert } from "./alert-notification";

export type AlertDeps = { db: Database; queue: Queue<DeliveryJob>; readStatus: GuardStatusRead; guardSettings: GuardSettings };

/**
 * Once a minute from the dispatch cron, never on the delivery path: one query reads the enabled
 * rules, one batch counts every dead-letter rule's window, one guard read per watched provider.
 * Only a change of state writes (a notification, or a cleared condition). Answers how many fired.
 */
export async function evaluateAlertRules(deps: AlertDeps, now = new Date()): Promise<number> {
  const rules: RuleToCheck[] = await deps.db
    .select({ rule: alertRules, tenantName: tenants.name, providerName: providerConfigs.name })
    .from(alertRules)
    .leftJoin(tenants, eq(tenants.id, alertRules.tenantId))
    .leftJoin(providerConfigs, eq(providerConfigs.id, alertRules.providerId))
    .where(eq(alertRules.enabled, true))
    .then((rows) => rows.map(({ rule, tenantName, providerName }) => ({ ...rule, tenantName, providerName })));
  if (rules.length === 0) return 0;

  const measures = new Map<string, AlertMeasure>([
    ...(await deadLetterMeasures(
      deps.db,
      rules.filter((rule) => rule.kind === "dead-letters"),
      now.getTime(),
    )),
    ...(await providerMeasures(
      rules.filter((rule) => rule.kind === "provider-failures"),
      deps.readStatus,
      deps.guardSettings,
      now.getTime(),
    )),
  ]);

  let fired = 0;
  for (const rule of rules) {
    const measure = measures.get(rule.id);
    if (!measure) continue;
    try {
      if (measure.crossed && rule.state === "ok" && (await fireAlert(deps, rule, measure, now))) fired++;
      if (!measure.crossed && rule.state === "firing") await clearAlert(deps.db, rule, measure, now);
    } catch (error) {
      // One rule's failure (D1 refused its batch) leaves the others to run; the next minute retries it.
      log.error("dispatch.alert_failed", { alertRuleId: rule.id, error: String(error) });
    }
  }
  return fired;
}

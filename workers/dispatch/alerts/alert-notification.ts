import { and, eq, isNull, lte, or } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { type AlertRuleRow, alertRules, auditLog, type MessageRow, messageEvents, messages } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { smsSegments } from "../../../shared/domain/sms-segments";
import { log } from "../../../shared/observability/logger";
import type { DeliveryJob } from "../../../shared/queue/delivery-job";
import type { AlertMeasure } from "./alert-measures";

/** The audit log's actor for what the dispatch cron does on its own: no API key acted. */
export const CRON_ACTOR = "relay-cron";

function notificationRow(rule: AlertRuleRow, text: string, messageId: string, requestId: string, now: string): MessageRow {
  return {
    id: messageId,
    tenantId: rule.tenantId,
    channel: rule.notifyChannel,
    direction: "outbound",
    recipient: rule.notifyTo,
    sender: null,
    subject: rule.notifyChannel === "email" ? `Relay alert: ${rule.name}` : null,
    content: { text },
    status: "queued",
    providerId: null,
    providerMessageId: null,
    cost: null,
    currency: null,
    segments: rule.notifyChannel === "sms" ? smsSegments(text).segments : null,
    idempotencyKey: null,
    requestHash: null,
    scheduledAt: null,
    sentAt: null,
    attempts: 0,
    lastError: null,
    leaseExpiresAt: null,
    retryAt: null,
    metadata: { alertRuleId: rule.id },
    requestId,
    templateId: null,
    templateVersion: null,
    conversationId: null,
    changeSeq: null,
    priceDueAt: null,
    email: null,
    pinnedProviderId: null,
    // Its `queued` event names the rule: a row of its own, written with it.
    acceptedReason: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Sends the rule's one notification: an ordinary message of its tenant, delivered through the
 * tenant's providers like any other. First the rule is claimed (`ok` → `firing`, only past its
 * cool-down), so two overlapping cron runs never both send; then one D1 batch writes the
 * message, its `queued` event naming the rule, and the audit record; then the queue send. If
 * the batch fails the claim is undone (the next minute tries again); if the queue send fails the
 * message is `queued` in D1 and the sweeper delivers it. Answers whether it sent.
 */
export async function fireAlert(
  deps: { db: Database; queue: Queue<DeliveryJob> },
  rule: AlertRuleRow,
  measure: AlertMeasure,
  now: Date,
): Promise<boolean> {
  const { db } = deps;
  const at = now.toISOString();
  const cooledBefore = new Date(now.getTime() - rule.cooldownMinutes * 60_000).toISOString();
  const messageId = newId("message");
  const requestId = newId("request");
  const claimed = await db
    .update(alertRules)
    .set({ state: "firing", lastFiredAt: at, lastMessageId: messageId, lastValue: measure.value, updatedAt: at })
    .where(
      and(
        eq(alertRules.id, rule.id),
        eq(alertRules.state, "ok"),
        eq(alertRules.enabled, true),
        or(isNull(alertRules.lastFiredAt), lte(alertRules.lastFiredAt, cooledBefore)),
      ),
    )
    .returning({ id: alertRules.id });
  if (claimed.length === 0) return false;

  const text = `Relay alert "${rule.name}": ${measure.summary}.`;
  const row = notificationRow(rule, text, messageId, requestId, at);
  try {
    await db.batch([
      db.insert(messages).values(row),
      db.insert(messageEvents).values({
        id: newId("event"),
        messageId,
        status: "queued",
        reason: `accepted; alert ${rule.id} fired: ${measure.summary}`,
        source: "internal",
        requestId,
        occurredAt: at,
      }),
      db.insert(auditLog).values({
        id: newId("audit"),
        tenantId: rule.tenantId,
        actorKeyId: CRON_ACTOR,
        action: "alert.fired",
        target: rule.id,
        details: { via: "cron", value: measure.value, threshold: rule.threshold, messageId, summary: measure.summary },
        clientAddress: null,
        requestId,
        occurredAt: at,
      }),
    ]);
  } catch (error) {
    await db
      .update(alertRules)
      .set({ state: "ok", lastFiredAt: rule.lastFiredAt, lastMessageId: rule.lastMessageId, lastValue: rule.lastValue })
      .where(and(eq(alertRules.id, rule.id), eq(alertRules.lastMessageId, messageId)));
    throw error;
  }
  await deps.queue
    .send({ messageId, tenantId: rule.tenantId, requestId } satisfies DeliveryJob)
    .catch((error) => log.error("dispatch.alert_enqueue_failed", { alertRuleId: rule.id, messageId, error: String(error) }));
  log.info("dispatch.alert_fired", { alertRuleId: rule.id, tenantId: rule.tenantId, messageId, value: measure.value });
  return true;
}

/** The condition cleared: the rule is armed again (its cool-down still counts from the last notification). */
export async function clearAlert(db: Database, rule: AlertRuleRow, measure: AlertMeasure, now: Date): Promise<void> {
  await db
    .update(alertRules)
    .set({ state: "ok", lastValue: measure.value, updatedAt: now.toISOString() })
    .where(and(eq(alertRules.id, rule.id), eq(alertRules.state, "firing")));
}

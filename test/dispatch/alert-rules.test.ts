import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { alertRules, deadLetters } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import type { GuardSettings, ReportedOutcome } from "../../shared/providers/guard-contract";
import { type AlertDeps, evaluateAlertRules } from "../../workers/dispatch/alerts/alert-evaluation";
import { failureRate } from "../../workers/dispatch/alerts/alert-measures";
import { spyQueue } from "../support/api";
import { insertProvider } from "../support/d1-fixtures";
import { db, eventsOf, messageRow, newTenant } from "../support/dispatch-fixtures";

const settings: GuardSettings = { failureThreshold: 1_000, cooldownSeconds: 30 };
const minutes = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);
const guardOf = (providerId: string) => env.PROVIDER_GUARD.get(env.PROVIDER_GUARD.idFromName(providerId));

function deps(queue = spyQueue()) {
  const alertDeps: AlertDeps = {
    db: db(),
    queue: queue.queue,
    readStatus: (providerId, guardSettings) => guardOf(providerId).status(guardSettings),
    guardSettings: settings,
  };
  return { alertDeps, jobs: queue.jobs };
}

async function addRule(tenantId: string, overrides: Partial<typeof alertRules.$inferInsert> = {}) {
  const now = new Date().toISOString();
  const [row] = await db()
    .insert(alertRules)
    .values({
      id: newId("alertRule"),
      tenantId,
      name: "too many dead letters",
      kind: "dead-letters",
      threshold: 3,
      windowMinutes: 60,
      notifyChannel: "email",
      notifyTo: "ops@example.com",
      cooldownMinutes: 60,
      createdAt: now,
      updatedAt: now,
      ...overrides,
    })
    .returning();
  return row;
}

async function addDeadLetters(tenantId: string, n: number, at: Date) {
  for (let i = 0; i < n; i++)
    await db()
      .insert(deadLetters)
      .values({
        id: newId("deadLetter"),
        messageId: newId("message"),
        tenantId,
        lastError: "boom",
        attempts: 4,
        body: {},
        deadLetteredAt: at.toISOString(),
      });
}

const ruleRow = (id: string) => env.DB.prepare("SELECT * FROM alert_rules WHERE id = ?").bind(id).first<Record<string, unknown>>();
const firedAudits = (ruleId: string) =>
  env.DB.prepare("SELECT * FROM audit_log WHERE action = 'alert.fired' AND target = ?").bind(ruleId).all<Record<string, unknown>>();

describe("dead-letter alert rules, evaluated by the dispatch cron", () => {
  it("send one notification when the threshold is crossed, none while it holds, and arm again once it clears", async () => {
    const tenantId = await newTenant("Alerted Co");
    const rule = await addRule(tenantId);
    const { alertDeps, jobs } = deps();
    const start = new Date();

    await addDeadLetters(tenantId, 2, start);
    await evaluateAlertRules(alertDeps, minutes(start, 1));
    expect((await ruleRow(rule.id))?.state).toBe("ok");
    expect(jobs).toHaveLength(0);

    await addDeadLetters(tenantId, 1, start);
    await evaluateAlertRules(alertDeps, minutes(start, 2));
    const fired = await ruleRow(rule.id);
    expect(fired).toMatchObject({ state: "firing", last_value: 3 });
    const messageId = fired?.last_message_id as string;
    const message = await messageRow(messageId);
    expect(message).toMatchObject({
      tenantId,
      channel: "email",
      recipient: "ops@example.com",
      status: "queued",
      subject: "Relay alert: too many dead letters",
    });
    expect(message.content.text).toContain("3 dead letters in the last 60 minutes for Alerted Co (threshold 3)");
    expect(message.metadata).toEqual({ alertRuleId: rule.id });
    const events = await eventsOf(messageId);
    expect(events.map((event) => event.reason)).toEqual([expect.stringContaining(`alert ${rule.id} fired`)]);
    expect(jobs.map((job) => job.body)).toEqual([{ messageId, tenantId, requestId: message.requestId }]);
    const audits = await firedAudits(rule.id);
    expect(audits.results).toHaveLength(1);
    expect(audits.results[0]).toMatchObject({ tenant_id: tenantId, actor_key_id: "relay-cron" });

    // Still above the threshold: no second notification.
    await addDeadLetters(tenantId, 5, start);
    await evaluateAlertRules(alertDeps, minutes(start, 3));
    expect(jobs).toHaveLength(1);

    // The window has passed them by: the rule clears without sending anything.
    await evaluateAlertRules(alertDeps, minutes(start, 70));
    expect(await ruleRow(rule.id)).toMatchObject({ state: "ok", last_message_id: messageId });
    expect(jobs).toHaveLength(1);
    expect((await firedAudits(rule.id)).results).toHaveLength(1);
  });

  it("hold a second crossing within the cool-down, then send once it has passed", async () => {
    const tenantId = await newTenant();
    const rule = await addRule(tenantId, { threshold: 1, windowMinutes: 10, cooldownMinutes: 120 });
    const { alertDeps, jobs } = deps();
    const start = new Date();

    await addDeadLetters(tenantId, 1, start);
    await evaluateAlertRules(alertDeps, minutes(start, 1));
    expect(jobs).toHaveLength(1);
    await evaluateAlertRules(alertDeps, minutes(start, 20));
    expect((await ruleRow(rule.id))?.state).toBe("ok");

    // Crossed again 30 minutes after the first notification: within the 120-minute cool-down.
    await addDeadLetters(tenantId, 1, minutes(start, 30));
    await evaluateAlertRules(alertDeps, minutes(start, 31));
    expect(jobs).toHaveLength(1);
    expect((await ruleRow(rule.id))?.state).toBe("ok");

    // Still crossed once the cool-down is over: the one notification it held back.
    await addDeadLetters(tenantId, 1, minutes(start, 125));
    await evaluateAlertRules(alertDeps, minutes(start, 126));
    expect(jobs).toHaveLength(2);
    expect((await firedAudits(rule.id)).results).toHaveLength(2);
  });

  it("count only their own tenant's dead letters, and a disabled rule never sends", async () => {
    const tenantId = await newTenant();
    const noisy = await newTenant();
    const rule = await addRule(tenantId, { threshold: 2 });
    const disabled = await addRule(noisy, { threshold: 1, enabled: false });
    const { alertDeps, jobs } = deps();
    const start = new Date();
    await addDeadLetters(noisy, 5, start);
    await addDeadLetters(tenantId, 1, start);

    await evaluateAlertRules(alertDeps, minutes(start, 1));
    expect(jobs).toHaveLength(0);
    expect((await ruleRow(rule.id))?.state).toBe("ok");
    expect((await ruleRow(disabled.id))?.state).toBe("ok");
  });

  it("never send twice when two cron runs evaluate the same crossing", async () => {
    const tenantId = await newTenant();
    const rule = await addRule(tenantId, { threshold: 1 });
    const { alertDeps, jobs } = deps();
    const start = new Date();
    await addDeadLetters(tenantId, 1, start);
    await Promise.all([evaluateAlertRules(alertDeps, minutes(start, 1)), evaluateAlertRules(alertDeps, minutes(start, 1))]);
    expect(jobs).toHaveLength(1);
    expect((await firedAudits(rule.id)).results).toHaveLength(1);
  });
});

describe("provider-failure alert rules", () => {
  const outcomes = (kind: ReportedOutcome["kind"], n: number): ReportedOutcome[] =>
    Array.from({ length: n }, () => ({ kind, latencyMs: 20, error: kind === "sent" ? undefined : "503 from the provider" }));

  it("send one SMS when the provider's failure rate crosses the threshold, rejections counting only as attempts", async () => {
    const tenantId = await newTenant();
    const providerId = await insertProvider({ tenantId, type: "system", channel: "email", name: "Mail Co", config: {} });
    const rule = await addRule(tenantId, {
      name: "mail provider failing",
      kind: "provider-failures",
      providerId,
      threshold: 50,
      minAttempts: 10,
      windowMinutes: 30,
      notifyChannel: "sms",
      notifyTo: "+14155550100",
    });
    const { alertDeps, jobs } = deps();

    // 4 failures of 10 attempts (rejections are the recipients' fault): 40 %, under the threshold.
    await guardOf(providerId).report(
      [...outcomes("sent", 2), ...outcomes("rejected", 4), ...outcomes("unavailable", 3), ...outcomes("timeout", 1)],
      settings,
    );
    await evaluateAlertRules(alertDeps);
    expect(jobs).toHaveLength(0);

    await guardOf(providerId).report(outcomes("unavailable", 4), settings);
    await evaluateAlertRules(alertDeps);
    const fired = await ruleRow(rule.id);
    expect(fired).toMatchObject({ state: "firing", last_value: 57 });
    const message = await messageRow(fired?.last_message_id as string);
    expect(message).toMatchObject({ channel: "sms", recipient: "+14155550100", segments: 1, subject: null });
    expect(message.content.text).toContain('provider "Mail Co" failed 8 of 14 attempts (57%) in the last 30 minutes');
    await evaluateAlertRules(alertDeps);
    expect(jobs).toHaveLength(1);
  });

  it("stay quiet below the minimum of attempts, however high the rate", async () => {
    const tenantId = await newTenant();
    const providerId = await insertProvider({ tenantId, type: "system", channel: "sms", name: "Quiet SMS", config: {} });
    const rule = await addRule(tenantId, { kind: "provider-failures", providerId, threshold: 10, minAttempts: 10 });
    const { alertDeps, jobs } = deps();
    await guardOf(providerId).report(outcomes("unavailable", 9), settings);
    await evaluateAlertRules(alertDeps);
    expect(jobs).toHaveLength(0);
    expect((await ruleRow(rule.id))?.state).toBe("ok");
  });

  it("read the window out of the guard's 10-minute buckets", () => {
    const bucket = (start: string, unavailable: number, sent: number) => ({
      start,
      sent,
      rejected: 0,
      unavailable,
      timeouts: 0,
      latencyMsTotal: 0,
      latencyMsMax: 0,
    });
    const buckets = [
      bucket("2026-11-22T09:00:00.000Z", 50, 0),
      bucket("2026-11-22T09:50:00.000Z", 1, 3),
      bucket("2026-11-22T10:00:00.000Z", 1, 0),
    ];
    expect(failureRate(buckets, "2026-11-22T09:55:00.000Z")).toEqual({ attempts: 5, failures: 2, percent: 40 });
    expect(failureRate([], "2026-11-22T09:55:00.000Z")).toEqual({ attempts: 0, failures: 0, percent: 0 });
  });
});

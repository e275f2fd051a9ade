import { z } from "zod";
import { messageRequestSchema } from "./message-request";

/** `dead-letters`: a tenant's dead letters written in the window; `provider-failures`: one provider's failed attempts, as a percentage. */
export const ALERT_KINDS = ["dead-letters", "provider-failures"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The channels a notification may go out on: an address the tenant names, no device registry needed. */
export const ALERT_CHANNELS = ["email", "sms", "webhook", "telegram", "slack"] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

export const ALERT_WINDOW_MINUTES = { min: 10, max: 1440 } as const;
export const ALERT_COOLDOWN_MINUTES = { min: 5, max: 10_080 } as const;

/**
 * Where the notification goes, checked by the message request's own rules for the channel (an
 * SMS number is normalised to E.164), so a rule never holds an address a send would refuse.
 */
export const alertNotifySchema = z
  .strictObject({
    channel: z.enum(ALERT_CHANNELS),
    to: z
      .string()
      .trim()
      .min(1)
      .max(512)
      .meta({ description: "An address of the channel: email address, E.164 number, webhook receiver, chat" }),
  })
  .transform((notify, ctx) => {
    const parsed = messageRequestSchema.safeParse({ channel: notify.channel, to: notify.to, subject: "alert", content: { text: "alert" } });
    // One address goes in; an email's `to` may come back as a list of that one address.
    if (parsed.success) return { channel: notify.channel, to: [parsed.data.to].flat()[0] ?? notify.to };
    for (const issue of parsed.error.issues.filter((each) => each.path[0] === "to"))
      ctx.addIssue({ code: "custom", path: ["to"], message: issue.message });
    return z.NEVER;
  })
  .meta({ id: "AlertNotify", description: "Where the notification is sent: an ordinary message of the rule's tenant" });

const name = z.string().trim().min(1).max(100);
const threshold = z.number().int().min(1).max(100_000).meta({
  description: "dead-letters: this many dead letters in the window; provider-failures: this percentage (1–100) of attempts failed",
});
const windowMinutes = z
  .number()
  .int()
  .min(ALERT_WINDOW_MINUTES.min)
  .max(ALERT_WINDOW_MINUTES.max)
  .meta({ description: "How far back the condition looks; provider health is kept in 10-minute buckets" });
const minAttempts = z
  .number()
  .int()
  .min(1)
  .max(100_000)
  .meta({ description: "provider-failures only: fewer attempts than this in the window never alert (default 10)" });
const providerId = z.string().min(1).max(64).meta({ description: "provider-failures only (required): the provider watched" });
const cooldownMinutes = z
  .number()
  .int()
  .min(ALERT_COOLDOWN_MINUTES.min)
  .max(ALERT_COOLDOWN_MINUTES.max)
  .meta({ description: "At most one notification per rule within this long (default 60)" });

export const createAlertRuleSchema = z
  .strictObject({
    name,
    kind: z.enum(ALERT_KINDS),
    threshold,
    windowMinutes: windowMinutes.default(60),
    providerId: providerId.optional(),
    minAttempts: minAttempts.optional(),
    notify: alertNotifySchema,
    cooldownMinutes: cooldownMinutes.default(60),
    enabled: z.boolean().optional(),
    tenantId: z
      .string()
      .max(64)
      .optional()
      .meta({ description: "Ops keys only: the tenant watched and notified through (required for them)" }),
  })
  .superRefine((rule, ctx) => {
    for (const issue of alertRuleIssues(rule)) ctx.addIssue({ code: "custom", ...issue });
  })
  .meta({ id: "CreateAlertRuleRequest" });

export const updateAlertRuleSchema = z
  .strictObject({
    name: name.optional(),
    threshold: threshold.optional(),
    windowMinutes: windowMinutes.optional(),
    providerId: providerId.optional(),
    minAttempts: minAttempts.optional(),
    notify: alertNotifySchema.optional(),
    cooldownMinutes: cooldownMinutes.optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: "UpdateAlertRuleRequest" });

export type CreateAlertRule = z.infer<typeof createAlertRuleSchema>;
export type UpdateAlertRule = z.infer<typeof updateAlertRuleSchema>;

type RuleShape = { kind: AlertKind; threshold: number; providerId?: string | null; minAttempts?: number | null };

/** What one kind needs of the other fields: checked on create, and on update against the stored rule. */
export function alertRuleIssues(rule: RuleShape): { path: string[]; message: string }[] {
  if (rule.kind === "provider-failures") {
    const issues = [];
    if (!rule.providerId) issues.push({ path: ["providerId"], message: "a provider-failures rule names the provider it watches" });
    if (rule.threshold > 100) issues.push({ path: ["threshold"], message: "a failure rate is a percentage, at most 100" });
    return issues;
  }
  if (rule.providerId) return [{ path: ["providerId"], message: "only a provider-failures rule names a provider" }];
  if (rule.minAttempts !== undefined && rule.minAttempts !== null)
    return [{ path: ["minAttempts"], message: "only a provider-failures rule has a minimum of attempts" }];
  return [];
}

/** A provider-failures rule's minimum of attempts when none is given: a handful of failures on a quiet provider is noise. */
export const DEFAULT_MIN_ATTEMPTS = 10;

import { z } from "zod";
import { ALERT_CHANNELS, ALERT_KINDS } from "../../../shared/domain/alert-rule";

const timestamp = z.string().meta({ description: "ISO-8601 UTC", example: "2026-11-22T10:00:00.000Z" });

export const alertRuleSchema = z
  .object({
    id: z.string().meta({ example: "alr_V1StGXR8Z5jdHi6BmyT12" }),
    tenantId: z.string(),
    name: z.string(),
    kind: z.enum(ALERT_KINDS),
    threshold: z.number().int(),
    minAttempts: z.number().int().nullable().meta({ description: "provider-failures only" }),
    windowMinutes: z.number().int(),
    providerId: z.string().nullable(),
    notify: z.object({ channel: z.enum(ALERT_CHANNELS), to: z.string() }),
    cooldownMinutes: z.number().int(),
    enabled: z.boolean(),
    state: z.enum(["ok", "firing"]).meta({ description: "`firing` from a notification until the condition clears" }),
    lastFiredAt: timestamp.nullable(),
    lastMessageId: z.string().nullable().meta({ description: "The last notification sent: a message of the tenant" }),
    lastValue: z.number().int().nullable().meta({ description: "What the condition measured at its last change of state" }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "AlertRule" });

import { z } from "zod";
import { EVENT_TYPES } from "../../../shared/events/event-types";

const timestamp = z.string().meta({ description: "ISO-8601 UTC", example: "2026-11-22T10:00:00.000Z" });

export const webhookEndpointSchema = z
  .object({
    id: z.string().meta({ example: "wep_V1StGXR8Z5jdHi6BmyT12" }),
    tenantId: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.enum(EVENT_TYPES)).meta({ description: "Empty: every type" }),
    enabled: z.boolean(),
    secretMask: z.string().meta({ example: "whsec_…a1b2" }),
    consecutiveFailures: z.number().int().meta({ description: "Failed attempts since the last success" }),
    disabledReason: z.string().nullable().meta({ description: "Why it is disabled: by a user, or automatically after a run of failures" }),
    disabledAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "WebhookEndpoint" });

export const createdWebhookEndpointSchema = webhookEndpointSchema
  .extend({ secret: z.string().meta({ description: "The signing secret (`whsec_…`), shown this once only." }) })
  .meta({ id: "CreatedWebhookEndpoint" });

export const rotatedSecretSchema = createdWebhookEndpointSchema
  .extend({ previousSecretExpiresAt: timestamp.nullable().meta({ description: "Until then the previous secret signs too" }) })
  .meta({ id: "RotatedWebhookSecret" });

const postResult = {
  ok: z.boolean(),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  responseExcerpt: z.string().nullable().meta({ description: "The first 500 characters of the endpoint's answer" }),
  error: z.string().nullable(),
};

export const webhookAttemptSchema = z
  .object({
    id: z.string(),
    deliveryId: z.string(),
    eventId: z.string().meta({ description: "The webhook-id the endpoint received" }),
    eventType: z.string(),
    attempt: z.number().int(),
    ...postResult,
    attemptedAt: timestamp,
  })
  .meta({ id: "WebhookAttempt" });

export const webhookTestSchema = z.object({ eventId: z.string(), deliveryId: z.string(), ...postResult }).meta({ id: "WebhookTestResult" });

export const replaySinceResultSchema = z
  .object({
    replayed: z.number().int(),
    nextSince: timestamp.nullable().meta({ description: "Set when more events remain: replay again from here" }),
  })
  .meta({ id: "ReplaySinceResult" });

export const replayDeliveryResultSchema = z.object({ deliveryId: z.string(), eventId: z.string() }).meta({ id: "ReplayDeliveryResult" });

import { z } from "zod";
import { EVENT_TYPES } from "../events/event-types";

const url = z.string().trim().min(1).max(2000).meta({
  description: "An https URL on a public host name (the local stack also takes loopback, over http too)",
  example: "https://example.com/relay-events",
});
const eventTypes = z
  .array(z.enum(EVENT_TYPES))
  .max(EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, { message: "each event type once" })
  .meta({ description: "The event types to receive; empty or absent: every type" });
const description = z.string().trim().max(500).nullable();

export const createWebhookEndpointSchema = z
  .strictObject({
    url,
    eventTypes: eventTypes.optional(),
    description: description.optional(),
    enabled: z.boolean().optional(),
    tenantId: z.string().max(64).optional().meta({ description: "Ops keys only: the owning tenant (required for them)" }),
  })
  .meta({ id: "CreateWebhookEndpointRequest" });

export const updateWebhookEndpointSchema = z
  .strictObject({
    url: url.optional(),
    eventTypes: eventTypes.optional(),
    description: description.optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: "UpdateWebhookEndpointRequest" });

export const replaySinceSchema = z
  .strictObject({
    since: z.iso.datetime({ offset: true }).meta({ description: "Every event of the endpoint's types at or after this time" }),
  })
  .meta({ id: "ReplaySinceRequest" });

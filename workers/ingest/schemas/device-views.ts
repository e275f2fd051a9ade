import { z } from "zod";
import { DEVICE_PLATFORMS } from "../../../shared/domain/enums";

const timestamp = z.string().meta({ description: "ISO-8601 UTC", example: "2026-11-22T10:00:00.000Z" });

export const deviceSchema = z
  .object({
    id: z.string().meta({ example: "dev_V1StGXR8Z5jdHi6BmyT12" }),
    platform: z.enum(DEVICE_PLATFORMS),
    contactId: z.string().nullable(),
    tokenHint: z.string().nullable().meta({ description: "The token's last characters (fcm); the token itself is never shown again." }),
    endpointOrigin: z.string().nullable().meta({ description: "The push service of a webpush subscription." }),
    valid: z.boolean().meta({ description: "False once the platform said the token or subscription is gone: it is never sent to again." }),
    invalidAt: timestamp.nullable(),
    invalidReason: z.string().nullable(),
    lastSeenAt: timestamp.meta({ description: "When the device was last registered" }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Device" });

import { z } from "zod";
import { CHANNELS, PROVIDER_TYPES } from "./enums";
import { metadataSchema } from "./metadata";
import { pricingSchema } from "./pricing";

/** A provider's metadata; `tpsLimit`, when set, is a whole number of sends per second. */
const providerMetadataSchema = metadataSchema.refine(
  (metadata) =>
    metadata.tpsLimit === undefined ||
    (Number.isInteger(metadata.tpsLimit) && Number(metadata.tpsLimit) >= 1 && Number(metadata.tpsLimit) <= 10_000),
  { message: "tpsLimit must be a whole number from 1 to 10000", path: ["tpsLimit"] },
);

const providerTypeSchema = z.enum(PROVIDER_TYPES);
const channelSchema = z.enum(CHANNELS);

export const createProviderSchema = z
  .strictObject({
    type: providerTypeSchema,
    name: z.string().trim().min(1).max(100),
    channel: channelSchema.optional(),
    priority: z.number().int().min(0).max(100).optional(),
    enabled: z.boolean().optional(),
    config: z.record(z.string(), z.unknown()).meta({ description: "Type-specific settings; secrets are write-only." }),
    pricing: pricingSchema.nullable().optional(),
    metadata: providerMetadataSchema.optional(),
    tenantId: z
      .string()
      .max(64)
      .nullable()
      .optional()
      .meta({ description: "Ops keys only: the owning tenant, null for a system default." }),
  })
  .meta({ id: "CreateProviderRequest" });

export const updateProviderSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    priority: z.number().int().min(0).max(100).optional(),
    enabled: z.boolean().optional(),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "Fields to change; omitted fields (secrets included) keep their value, a field set to null is removed." }),
    pricing: pricingSchema.nullable().optional().meta({ description: "The unit price of a send; null removes it." }),
    metadata: providerMetadataSchema.optional(),
  })
  .meta({ id: "UpdateProviderRequest" });

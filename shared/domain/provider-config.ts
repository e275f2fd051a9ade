import { z } from "zod";
import { type OutboundPolicy, refusedHost, refusedUrl } from "../providers/outbound-policy";
import { CHANNELS, type Channel, type ProviderType } from "./enums";
import { metadataSchema } from "./metadata";

/** A provider's metadata; `tpsLimit`, when set, is a whole number of sends per second. */
const providerMetadataSchema = metadataSchema.refine(
  (metadata) =>
    metadata.tpsLimit === undefined ||
    (Number.isInteger(metadata.tpsLimit) && Number(metadata.tpsLimit) >= 1 && Number(metadata.tpsLimit) <= 10_000),
  { message: "tpsLimit must be a whole number from 1 to 10000", path: ["tpsLimit"] },
);

const secret = z.string().min(1).max(500);
const baseUrl = z.url({ protocol: /^https?$/ }).max(500);
const emailFrom = z.string().min(3).max(320);

export const twilioConfigSchema = z
  .strictObject({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "a Twilio Account SID: AC + 32 hex digits"),
    authToken: secret,
    from: z.string().min(1).max(40).optional(),
    messagingServiceSid: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, "a Messaging Service SID: MG + 32 hex digits")
      .optional(),
    baseUrl: baseUrl.optional(),
  })
  .refine((c) => Boolean(c.from) !== Boolean(c.messagingServiceSid), {
    message: "set exactly one of from or messagingServiceSid",
    path: ["from"],
  });

export const resendConfigSchema = z.strictObject({
  apiKey: secret,
  from: emailFrom,
  webhookSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, "a Resend signing secret starting whsec_")
    .optional(),
  baseUrl: baseUrl.optional(),
});

export const sesConfigSchema = z.strictObject({
  accessKeyId: z.string().min(16).max(128),
  secretAccessKey: secret,
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as us-east-1"),
  from: emailFrom,
  configurationSet: z.string().min(1).max(64).optional(),
  /** The SNS topic SES publishes to: any AWS account can sign SNS messages, so pin ours. */
  snsTopicArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/,
      "an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:ses-events",
    )
    .optional(),
  endpoint: baseUrl.optional(),
});

export const smtpConfigSchema = z.strictObject({
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  security: z.enum(["tls", "starttls", "none"]),
  username: z.string().min(1).max(320).optional(),
  password: secret.optional(),
  from: emailFrom,
});

export const webhookConfigSchema = z.strictObject({
  url: baseUrl,
  secret: z.string().min(24).max(500).optional(),
});

export const systemConfigSchema = z.strictObject({
  fail: z.enum(["transient", "permanent"]).optional(),
  /** Each send waits this long first, to watch a slow provider locally. */
  latencyMs: z.number().int().min(0).max(30_000).optional(),
});

export const PROVIDER_CONFIG_SCHEMAS = {
  twilio: twilioConfigSchema,
  resend: resendConfigSchema,
  "aws-ses": sesConfigSchema,
  smtp: smtpConfigSchema,
  webhook: webhookConfigSchema,
  system: systemConfigSchema,
} as const satisfies Record<ProviderType, z.ZodType>;

export type ProviderConfigOf<T extends ProviderType> = z.infer<(typeof PROVIDER_CONFIG_SCHEMAS)[T]>;

/** The channel each type serves; `system` serves whichever it is told. */
export const PROVIDER_CHANNEL: Record<ProviderType, Channel | null> = {
  twilio: "sms",
  resend: "email",
  "aws-ses": "email",
  smtp: "email",
  webhook: "webhook",
  system: null,
};

/** The config field whose last characters make the mask shown instead of the secret. */
const MASKED_FIELD: Record<ProviderType, string | null> = {
  twilio: "authToken",
  resend: "apiKey",
  "aws-ses": "secretAccessKey",
  smtp: "password",
  webhook: "secret",
  system: null,
};

export function maskOf(type: ProviderType, config: Record<string, unknown>): string {
  const field = MASKED_FIELD[type];
  const value = field ? config[field] : undefined;
  if (typeof value !== "string" || value.length === 0) return "";
  return `…${value.slice(-4)}`;
}

const providerTypeSchema = z.enum(["twilio", "resend", "aws-ses", "smtp", "webhook", "system"]);
const channelSchema = z.enum(CHANNELS);

export const createProviderSchema = z
  .strictObject({
    type: providerTypeSchema,
    name: z.string().trim().min(1).max(100),
    channel: channelSchema.optional(),
    priority: z.number().int().min(0).max(100).optional(),
    enabled: z.boolean().optional(),
    config: z.record(z.string(), z.unknown()).meta({ description: "Type-specific settings; secrets are write-only." }),
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
    metadata: providerMetadataSchema.optional(),
  })
  .meta({ id: "UpdateProviderRequest" });

/** The config fields an adapter connects to: URLs, or (SMTP) a bare host. */
const OUTBOUND_FIELDS: Record<ProviderType, { field: string; kind: "url" | "host" }[]> = {
  twilio: [{ field: "baseUrl", kind: "url" }],
  resend: [{ field: "baseUrl", kind: "url" }],
  "aws-ses": [{ field: "endpoint", kind: "url" }],
  smtp: [{ field: "host", kind: "host" }],
  webhook: [{ field: "url", kind: "url" }],
  system: [],
};

/** Each address field of a config that the outbound policy refuses, with why. */
export function refusedAddresses(type: ProviderType, config: Record<string, unknown>, policy: OutboundPolicy) {
  return OUTBOUND_FIELDS[type].flatMap(({ field, kind }) => {
    const value = config[field];
    if (typeof value !== "string") return [];
    const reason = kind === "url" ? refusedUrl(value, policy) : refusedHost(value, policy);
    return reason ? [{ field, message: reason }] : [];
  });
}

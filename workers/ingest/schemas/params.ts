import { z } from "zod";
import { CHANNELS, MESSAGE_STATUSES } from "../../../shared/domain/enums";
import { zodDetails } from "../../../shared/http/envelope";
import { InvalidInputError } from "../../../shared/http/errors";
import { USAGE_GROUPS } from "../services/usage";

export const idParam = (example: string) =>
  z.object({
    id: z
      .string()
      .min(1)
      .max(64)
      .meta({ param: { name: "id", in: "path" }, example }),
  });

const limit = z.coerce.number().int().min(1).max(100).default(50).meta({ description: "Page size, at most 100" });
const cursor = z.string().max(500).optional().meta({ description: "nextCursor of the previous page" });
const tenantId = z.string().max(64).optional().meta({ description: "Ops keys: only this tenant" });
const isoTime = z.iso.datetime({ offset: true });

export const pageQuery = z.strictObject({ limit, cursor, tenantId });

export const messageListQuery = pageQuery.extend({
  status: z.enum(MESSAGE_STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
  to: z.string().max(320).optional().meta({ description: "Exact recipient, at most 320 characters (a phone number is normalised first)" }),
  since: isoTime.optional().meta({ description: "Created at or after" }),
  until: isoTime.optional().meta({ description: "Created before" }),
});

export const usageQuery = z.strictObject({
  from: isoTime.optional().meta({ description: "Created at or after; default the start of this month (UTC)" }),
  to: isoTime.optional().meta({ description: "Created before; default now" }),
  groupBy: z.enum(USAGE_GROUPS).default("day").meta({ description: "`tenant` is for ops keys" }),
  tenantId,
});
export type UsageRequest = z.infer<typeof usageQuery>;

export const deadLetterListQuery = pageQuery.extend({
  providerId: z.string().max(64).optional(),
  q: z.string().max(200).optional().meta({
    description: "Text the last error contains, at most 200 characters; ASCII letters match either case, `%` `_` `\\` match literally",
  }),
  state: z.enum(["pending", "redriven", "discarded", "all"]).default("pending"),
  since: isoTime.optional().meta({ description: "Dead-lettered at or after" }),
  until: isoTime.optional().meta({ description: "Dead-lettered before" }),
});

const IDEMPOTENCY_KEY_DESCRIPTION = "Replays within 24 h return the original answer";
const idempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

/**
 * The `Idempotency-Key` header, documented from its schema and read by `idempotencyKeyOf`, not
 * by a route's header validator: that one copies every header of every send, and with its parse
 * was ~4 % of a send's CPU.
 */
export const idempotencyParameter = {
  name: "idempotency-key",
  in: "header" as const,
  required: false,
  description: IDEMPOTENCY_KEY_DESCRIPTION,
  schema: { ...jsonSchemaOf(idempotencyKey), description: IDEMPOTENCY_KEY_DESCRIPTION },
};

/** A string's JSON Schema, typed as narrowly as the OpenAPI versions' parameter types all accept. */
function jsonSchemaOf(schema: z.ZodString): { type: "string" } {
  const { $schema: _, ...rest } = z.toJSONSchema(schema);
  return rest as { type: "string" };
}

/** The request's Idempotency-Key, if it gave one; a malformed one is a 400 like any invalid header. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parsed = idempotencyKey.safeParse(header);
  if (!parsed.success)
    throw new InvalidInputError("The request failed validation", zodDetails(parsed.error, ["header", "idempotency-key"]));
  return parsed.data;
}

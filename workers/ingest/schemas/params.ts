import { z } from "zod";
import { CHANNELS, MESSAGE_STATUSES } from "../../../shared/domain/enums";
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

export const idempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
    .optional()
    .meta({ description: "Replays within 24 h return the original answer" }),
});

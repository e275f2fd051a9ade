import { z } from "zod";
import type { ContactRow } from "../db/schema";
import { metadataSchema } from "./metadata";
import { toE164 } from "./phone-number";

const phone = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const e164 = toE164(value);
    if (e164) return e164;
    ctx.addIssue({ code: "custom", message: "must be a phone number in E.164 form, e.g. +14155550100" });
    return z.NEVER;
  });

const fields = {
  name: z.string().trim().min(1).max(200).nullable(),
  phone: phone.nullable().meta({ description: "Normalised to E.164; unique per tenant" }),
  email: z
    .email()
    .max(320)
    .transform((value) => value.toLowerCase())
    .nullable(),
  telegramChatId: z.string().trim().min(1).max(64).nullable(),
  slackUserId: z.string().trim().min(1).max(64).nullable(),
  metadata: metadataSchema,
};

export const createContactSchema = z
  .strictObject({
    name: fields.name.optional(),
    phone: fields.phone.optional(),
    email: fields.email.optional(),
    telegramChatId: fields.telegramChatId.optional(),
    slackUserId: fields.slackUserId.optional(),
    metadata: fields.metadata.optional(),
  })
  .meta({ id: "CreateContactRequest" });

/** Fields to change; `null` clears one. */
export const updateContactSchema = createContactSchema.meta({ id: "UpdateContactRequest" });

export type CreateContact = z.infer<typeof createContactSchema>;
export type UpdateContact = z.infer<typeof updateContactSchema>;

export function contactView(row: ContactRow) {
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    telegramChatId: row.telegramChatId,
    slackUserId: row.slackUserId,
    metadata: row.metadata,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type ContactView = ReturnType<typeof contactView>;

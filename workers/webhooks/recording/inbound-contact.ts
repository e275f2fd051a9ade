import { type SQL, sql } from "drizzle-orm";
import { newId } from "../../../shared/domain/ids";
import { toE164 } from "../../../shared/domain/phone-number";
import type { InboundSender } from "../../../shared/providers/provider";

/** The one field a sender is recognised by, the most specific first. */
type Identity = { column: "phone" | "telegram_chat_id" | "slack_user_id" | "email"; value: string };

function normalised(sender: InboundSender): InboundSender {
  const phone = sender.phone ? (toE164(sender.phone) ?? undefined) : undefined;
  return { ...sender, phone, email: sender.email?.toLowerCase() };
}

function identityOf(sender: InboundSender): Identity | undefined {
  if (sender.phone) return { column: "phone", value: sender.phone };
  if (sender.telegramChatId) return { column: "telegram_chat_id", value: sender.telegramChatId };
  if (sender.slackUserId) return { column: "slack_user_id", value: sender.slackUserId };
  if (sender.email) return { column: "email", value: sender.email };
  return undefined;
}

export type InboundContact = {
  /** The contact to insert (every column, in table order), none when the tenant already has one with this identity. */
  rows: SQL;
  /** The contact's id, as a subquery for statements later in the same batch. */
  id: SQL;
};

/**
 * Finds or makes the tenant's contact for what the sender told us, inside the batch that records
 * the message: the insert is skipped when a contact with the same identity exists, so two
 * messages at once still make one contact (D1 runs one write at a time).
 */
export function inboundContact(tenantId: string, hints: InboundSender | undefined, now: string): InboundContact | undefined {
  if (!hints) return undefined;
  const sender = normalised(hints);
  const identity = identityOf(sender);
  if (!identity) return undefined;
  const column = sql.identifier(identity.column);
  const existing = sql`SELECT id FROM contacts WHERE tenant_id = ${tenantId} AND ${column} = ${identity.value}`;
  return {
    rows: sql`SELECT ${newId("contact")}, ${tenantId}, ${sender.name ?? null}, ${sender.phone ?? null}, ${sender.email ?? null},
        ${sender.telegramChatId ?? null}, ${sender.slackUserId ?? null}, '{}', ${now}, ${now}
      WHERE NOT EXISTS (${existing})`,
    id: sql`(${existing} ORDER BY created_at, id LIMIT 1)`,
  };
}

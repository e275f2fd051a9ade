import { and, desc, eq, or, type SQL, sql } from "drizzle-orm";
import { type Database, isUniqueViolation } from "../../../shared/db/database";
import { type ContactRow, contacts, conversations } from "../../../shared/db/schema";
import { type CreateContact, contactView, type UpdateContact } from "../../../shared/domain/contact";
import { newId } from "../../../shared/domain/ids";
import { ConflictError, NotFoundError } from "../../../shared/http/errors";
import { decodeCursor, pageOf } from "./cursor";
import { afterCursor } from "./messages-query";

export type ContactFilter = { tenantId: string | null; q?: string; limit: number; cursor?: string };

/** instr(), not LIKE: no wildcards to escape and no pattern-length limit. */
function containing(q: string): SQL | undefined {
  const needle = q.toLowerCase();
  return or(
    sql`instr(lower(coalesce(${contacts.name}, '')), ${needle}) > 0`,
    sql`instr(coalesce(${contacts.phone}, ''), ${needle}) > 0`,
    sql`instr(coalesce(${contacts.email}, ''), ${needle}) > 0`,
  );
}

export async function listContacts(db: Database, filter: ContactFilter) {
  const rows = await db
    .select()
    .from(contacts)
    .where(
      and(
        filter.tenantId ? eq(contacts.tenantId, filter.tenantId) : undefined,
        filter.q ? containing(filter.q) : undefined,
        afterCursor(contacts.createdAt, contacts.id, decodeCursor(filter.cursor)),
      ),
    )
    .orderBy(desc(contacts.createdAt), desc(contacts.id))
    .limit(filter.limit + 1);
  const page = pageOf(rows, filter.limit, (row) => ({ at: row.createdAt, id: row.id }));
  return { items: page.items.map(contactView), nextCursor: page.nextCursor };
}

/** A contact of another tenant is as absent as a missing one. */
export async function findContact(db: Database, id: string, tenantId: string | null): Promise<ContactRow> {
  const row = await db.query.contacts.findFirst({
    where: and(eq(contacts.id, id), tenantId ? eq(contacts.tenantId, tenantId) : undefined),
  });
  if (!row) throw new NotFoundError("Contact");
  return row;
}

function duplicatePhone(error: unknown, phone: string | null | undefined): never {
  if (isUniqueViolation(error, "contacts")) throw new ConflictError(`Another contact already has the phone number ${phone}`);
  throw error;
}

export async function createContact(db: Database, tenantId: string, input: CreateContact) {
  const now = new Date().toISOString();
  try {
    const [row] = await db
      .insert(contacts)
      .values({
        id: newId("contact"),
        tenantId,
        name: input.name ?? null,
        phone: input.phone ?? null,
        email: input.email ?? null,
        telegramChatId: input.telegramChatId ?? null,
        slackUserId: input.slackUserId ?? null,
        metadata: input.metadata ?? {},
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return contactView(row);
  } catch (error) {
    duplicatePhone(error, input.phone);
  }
}

export async function updateContact(db: Database, id: string, tenantId: string, input: UpdateContact) {
  await findContact(db, id, tenantId);
  try {
    const [row] = await db
      .update(contacts)
      .set({ ...input, updatedAt: new Date().toISOString() })
      .where(and(eq(contacts.id, id), eq(contacts.tenantId, tenantId)))
      .returning();
    if (!row) throw new NotFoundError("Contact");
    return contactView(row);
  } catch (error) {
    duplicatePhone(error, input.phone);
  }
}

/** The contact goes; its conversations stay, without a contact. */
export async function deleteContact(db: Database, id: string, tenantId: string) {
  await findContact(db, id, tenantId);
  const now = new Date().toISOString();
  await db.batch([
    db
      .update(conversations)
      .set({ contactId: null, updatedAt: now })
      .where(and(eq(conversations.contactId, id), eq(conversations.tenantId, tenantId))),
    db.delete(contacts).where(and(eq(contacts.id, id), eq(contacts.tenantId, tenantId))),
  ]);
  return { id, deleted: true as const };
}

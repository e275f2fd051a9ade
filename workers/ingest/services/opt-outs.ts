import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { type Database, isUniqueViolation } from "../../../shared/db/database";
import { type OptOutRow, optOuts } from "../../../shared/db/schema";
import { CHANNELS, type Channel } from "../../../shared/domain/enums";
import { newId } from "../../../shared/domain/ids";
import { suppressionAddress } from "../../../shared/domain/opt-out";
import { toE164 } from "../../../shared/domain/phone-number";
import { ConflictError, InvalidInputError, NotFoundError } from "../../../shared/http/errors";
import { decodeCursor, pageOf } from "./cursor";
import { afterCursor } from "./messages-query";

export const createOptOutSchema = z
  .strictObject({
    channel: z.enum(CHANNELS),
    address: z.string().trim().min(1).max(320).meta({ description: "A phone number (normalised to E.164) or an email address" }),
    note: z.string().max(500).nullable().optional(),
  })
  .meta({ id: "CreateOptOutRequest" });
export const updateOptOutSchema = z.strictObject({ note: z.string().max(500).nullable() }).meta({ id: "UpdateOptOutRequest" });

export function optOutView(row: OptOutRow) {
  const { tenantId: _tenant, ...view } = row;
  return view;
}

/** An SMS address is a phone number; anything else is kept as given, in lower case. */
function addressFor(channel: Channel, address: string): string {
  if (channel !== "sms") return suppressionAddress(address);
  const e164 = toE164(address);
  if (!e164) throw new InvalidInputError("An SMS opt-out names a phone number", [{ path: "address", message: "must be a phone number" }]);
  return e164;
}

export async function listOptOuts(db: Database, filter: { tenantId: string | null; channel?: Channel; limit: number; cursor?: string }) {
  const rows = await db
    .select()
    .from(optOuts)
    .where(
      and(
        filter.tenantId ? eq(optOuts.tenantId, filter.tenantId) : undefined,
        filter.channel ? eq(optOuts.channel, filter.channel) : undefined,
        afterCursor(optOuts.createdAt, optOuts.id, decodeCursor(filter.cursor)),
      ),
    )
    .orderBy(desc(optOuts.createdAt), desc(optOuts.id))
    .limit(filter.limit + 1);
  const page = pageOf(rows, filter.limit, (row) => ({ at: row.createdAt, id: row.id }));
  return { items: page.items.map(optOutView), nextCursor: page.nextCursor };
}

export async function findOptOut(db: Database, id: string, tenantId: string | null): Promise<OptOutRow> {
  const row = await db.query.optOuts.findFirst({ where: and(eq(optOuts.id, id), tenantId ? eq(optOuts.tenantId, tenantId) : undefined) });
  if (!row) throw new NotFoundError("Opt-out");
  return row;
}

export async function createOptOut(db: Database, tenantId: string, input: z.infer<typeof createOptOutSchema>) {
  const now = new Date().toISOString();
  try {
    const [row] = await db
      .insert(optOuts)
      .values({
        id: newId("optOut"),
        tenantId,
        channel: input.channel,
        address: addressFor(input.channel, input.address),
        source: "operator",
        reason: "added by an operator",
        note: input.note ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return optOutView(row);
  } catch (error) {
    if (isUniqueViolation(error, "opt_outs")) throw new ConflictError("This address is already suppressed on this channel");
    throw error;
  }
}

export async function updateOptOut(db: Database, id: string, tenantId: string, note: string | null) {
  await findOptOut(db, id, tenantId);
  const [row] = await db
    .update(optOuts)
    .set({ note, updatedAt: new Date().toISOString() })
    .where(and(eq(optOuts.id, id), eq(optOuts.tenantId, tenantId)))
    .returning();
  return optOutView(row);
}

/** An operator lifts the suppression: sends to the address go out again. */
export async function deleteOptOut(db: Database, id: string, tenantId: string) {
  await findOptOut(db, id, tenantId);
  await db.delete(optOuts).where(and(eq(optOuts.id, id), eq(optOuts.tenantId, tenantId)));
  return { id, deleted: true as const };
}

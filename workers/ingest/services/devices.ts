import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { devices } from "../../../shared/db/schema";
import type { RegisterDeviceRequest } from "../../../shared/domain/device-request";
import { type DeviceView, deviceView } from "../../../shared/domain/device-view";
import { newId } from "../../../shared/domain/ids";
import { InvalidInputError, NotFoundError } from "../../../shared/http/errors";
import type { OutboundPolicy } from "../../../shared/providers/outbound-policy";
import { refusedUrl } from "../../../shared/providers/outbound-policy";
import { decodeCursor, pageOf } from "./cursor";
import { afterCursor } from "./messages-query";

export type DeviceFilter = { tenantId: string | null; contactId?: string; limit: number; cursor?: string };

/**
 * Registering is idempotent per (tenant, platform, token or endpoint): the same device again
 * updates its contact, keys and last-seen time, and is valid again (the app just said it is live).
 */
export async function registerDevice(
  db: Database,
  tenantId: string,
  request: RegisterDeviceRequest,
  policy: OutboundPolicy,
): Promise<{ device: DeviceView; created: boolean }> {
  const address = request.subscription?.endpoint ?? request.token ?? "";
  if (request.subscription) {
    const refused = refusedUrl(request.subscription.endpoint, policy);
    if (refused)
      throw new InvalidInputError("The subscription's endpoint is not a push service Relay may call", [
        { path: "subscription.endpoint", message: refused },
      ]);
  }
  const now = new Date().toISOString();
  const [row] = await db
    .insert(devices)
    .values({
      id: newId("device"),
      tenantId,
      platform: request.platform,
      address,
      keys: request.subscription?.keys ?? null,
      contactId: request.contactId ?? null,
      lastSeenAt: now,
      invalidAt: null,
      invalidReason: null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [devices.tenantId, devices.platform, devices.address],
      set: {
        keys: request.subscription?.keys ?? null,
        contactId: sql`coalesce(${request.contactId ?? null}, ${devices.contactId})`,
        lastSeenAt: now,
        invalidAt: null,
        invalidReason: null,
        updatedAt: now,
      },
    })
    .returning();
  // An existing row keeps its own createdAt.
  return { device: deviceView(row), created: row.createdAt === now };
}

export async function listDevices(db: Database, filter: DeviceFilter) {
  const rows = await db
    .select()
    .from(devices)
    .where(
      and(
        filter.tenantId ? eq(devices.tenantId, filter.tenantId) : undefined,
        filter.contactId ? eq(devices.contactId, filter.contactId) : undefined,
        afterCursor(devices.createdAt, devices.id, decodeCursor(filter.cursor)),
      ),
    )
    .orderBy(desc(devices.createdAt), desc(devices.id))
    .limit(filter.limit + 1);
  const page = pageOf(rows, filter.limit, (row) => ({ at: row.createdAt, id: row.id }));
  return { items: page.items.map(deviceView), nextCursor: page.nextCursor };
}

/** Another tenant's device answers exactly like a missing one. */
export async function getDevice(db: Database, id: string, tenantId: string | null): Promise<DeviceView> {
  const row = await db.query.devices.findFirst({
    where: tenantId ? and(eq(devices.id, id), eq(devices.tenantId, tenantId)) : eq(devices.id, id),
  });
  if (!row) throw new NotFoundError("Device");
  return deviceView(row);
}

export async function deleteDevice(db: Database, id: string, tenantId: string): Promise<void> {
  const deleted = await db
    .delete(devices)
    .where(and(eq(devices.id, id), eq(devices.tenantId, tenantId)))
    .returning({ id: devices.id });
  if (deleted.length === 0) throw new NotFoundError("Device");
}

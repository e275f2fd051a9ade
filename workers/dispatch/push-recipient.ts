import { sql } from "drizzle-orm";
import type { Database } from "../../shared/db/database";
import { jsonList } from "../../shared/db/json-list";
import { type DeviceRow, devices, type MessageRow } from "../../shared/db/schema";
import { DEVICE_ID } from "../../shared/domain/device-request";
import type { DevicePlatform } from "../../shared/domain/enums";
import { newId } from "../../shared/domain/ids";
import type { PushTarget } from "../../shared/domain/push-target";

/** Where a push goes: its device (or the raw FCM token in `to`), or why it can go nowhere. */
export type PushRecipient = { platform: DevicePlatform; target?: PushTarget; refusal?: string };

/**
 * The devices of a claim's pushes, for the claim's own D1 round trip: by id for `dev_…`
 * recipients, by token for raw FCM tokens (only an invalid one matters then).
 */
export function claimedDevices(db: Database, messageIds: string[]) {
  const ids = jsonList(messageIds);
  return db
    .select()
    .from(devices)
    .where(
      sql`EXISTS (SELECT 1 FROM messages m WHERE m.id IN ${ids} AND m.channel = 'push' AND m.tenant_id = ${devices.tenantId}
        AND (m.recipient = ${devices.id} OR (${devices.platform} = 'fcm' AND m.recipient = ${devices.address})))`,
    );
}

function targetOf(device: DeviceRow): PushTarget | undefined {
  if (device.platform === "webpush")
    return device.keys
      ? { deviceId: device.id, platform: "webpush", subscription: { endpoint: device.address, keys: device.keys } }
      : undefined;
  return { deviceId: device.id, platform: device.platform, token: device.address };
}

/** A push message's recipient at send time: a device gone invalid or deleted since acceptance is refused, never sent. */
export function pushRecipientOf(row: MessageRow, claimed: DeviceRow[]): PushRecipient | undefined {
  if (row.channel !== "push") return undefined;
  const device = claimed.find(
    (d) => d.tenantId === row.tenantId && (d.id === row.recipient || (d.platform === "fcm" && d.address === row.recipient)),
  );
  if (DEVICE_ID.test(row.recipient) && !device)
    return { platform: "fcm", refusal: "the device was deleted after the message was accepted" };
  if (device?.invalidAt)
    return {
      platform: device.platform,
      refusal: `the device has been invalid since ${device.invalidAt} (${device.invalidReason ?? "gone"})`,
    };
  if (!device || device.id !== row.recipient) return { platform: "fcm" };
  const target = targetOf(device);
  return target ? { platform: device.platform, target } : { platform: device.platform, refusal: "the device has no usable subscription" };
}

/**
 * The platform said the token or subscription is gone: the device is marked invalid, so no
 * later message is sent to it (acceptance refuses it too). A raw token with no device yet gets
 * one, marked invalid, for the same reason.
 */
export function markDeviceGone(db: Database, row: MessageRow, reason: string, at: string) {
  if (DEVICE_ID.test(row.recipient))
    return db
      .update(devices)
      .set({ invalidAt: at, invalidReason: reason, updatedAt: at })
      .where(sql`${devices.id} = ${row.recipient} AND ${devices.tenantId} = ${row.tenantId} AND ${devices.invalidAt} IS NULL`);
  return db
    .insert(devices)
    .values({
      id: newId("device"),
      tenantId: row.tenantId,
      platform: "fcm",
      address: row.recipient,
      lastSeenAt: at,
      invalidAt: at,
      invalidReason: reason,
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoUpdate({
      target: [devices.tenantId, devices.platform, devices.address],
      set: { invalidAt: at, invalidReason: reason, updatedAt: at },
    });
}

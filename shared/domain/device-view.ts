import type { DeviceRow } from "../db/schema";

/** The end of a token: enough to tell devices apart, not enough to send to one. */
function hintOf(address: string): string {
  return `…${address.slice(-6)}`;
}

/** A device as the API shows it: the token or subscription itself is never shown again. */
export function deviceView(row: DeviceRow) {
  return {
    id: row.id,
    platform: row.platform,
    contactId: row.contactId,
    tokenHint: row.platform === "webpush" ? null : hintOf(row.address),
    endpointOrigin: row.platform === "webpush" ? new URL(row.address).origin : null,
    valid: row.invalidAt === null,
    invalidAt: row.invalidAt,
    invalidReason: row.invalidReason,
    lastSeenAt: row.lastSeenAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type DeviceView = ReturnType<typeof deviceView>;

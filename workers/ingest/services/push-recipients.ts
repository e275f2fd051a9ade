import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { jsonList } from "../../../shared/db/json-list";
import { type DeviceRow, devices } from "../../../shared/db/schema";
import { CONTACT_ID, DEVICE_ID } from "../../../shared/domain/device-request";
import { primaryRecipient } from "../../../shared/domain/email-envelope";
import type { MessageView } from "../../../shared/domain/message-view";
import { type ErrorDetail, InvalidInputError, UnavailableError } from "../../../shared/http/errors";

/** What resolving needs of a request: a push's channel and recipient (a plain or a rendered request). */
type Addressed = { channel: string; to: string | string[] };

const isPush = (request: Addressed): boolean => request.channel === "push";

/** The tenant's devices that the pushes name: by id, by contact, or by raw FCM token. One query. */
async function devicesNamed(db: Database, tenantId: string, pushes: Addressed[]): Promise<DeviceRow[]> {
  const ids = pushes.filter((p) => DEVICE_ID.test(primaryRecipient(p.to))).map((p) => primaryRecipient(p.to));
  const contacts = pushes.filter((p) => CONTACT_ID.test(primaryRecipient(p.to))).map((p) => primaryRecipient(p.to));
  const tokens = pushes
    .filter((p) => !DEVICE_ID.test(primaryRecipient(p.to)) && !CONTACT_ID.test(primaryRecipient(p.to)))
    .map((p) => primaryRecipient(p.to));
  return db
    .select()
    .from(devices)
    .where(
      and(
        eq(devices.tenantId, tenantId),
        sql`(${devices.id} IN ${jsonList(ids)} OR ${devices.contactId} IN ${jsonList(contacts)}
          OR (${devices.platform} = 'fcm' AND ${devices.address} IN ${jsonList(tokens)}))`,
      ),
    )
    .orderBy(asc(devices.createdAt), asc(devices.id));
}

const invalidSince = (device: DeviceRow) =>
  `the device has been invalid since ${device.invalidAt} (${device.invalidReason ?? "reported gone"}) and is never sent to again; register it anew if the app has a new token`;

/**
 * Each push's `to` checked against the tenant's devices, and a contact fanned out to one push per
 * valid device (in place, oldest device first). A missing or invalid device, a raw token already
 * reported gone, or a contact with no valid device is a 400 naming the field; nothing is accepted.
 */
export async function resolvePushRecipients<R extends Addressed>(db: Database, tenantId: string, requests: R[]): Promise<R[]> {
  const pushes = requests.filter(isPush);
  if (pushes.length === 0) return requests;
  const known = await devicesNamed(db, tenantId, pushes).catch(() => {
    throw new UnavailableError("The database could not look up the devices; nothing was accepted. Retry.");
  });
  const issues: ErrorDetail[] = [];
  const resolved = requests.flatMap((request, index) => {
    if (!isPush(request)) return [request];
    const path = requests.length === 1 ? "to" : `messages.${index}.to`;
    const { recipients, issue } = recipientsOf(request, known);
    if (issue) issues.push({ path, message: issue });
    return recipients;
  });
  if (issues.length > 0) throw new InvalidInputError("A push names no device it can reach", issues);
  return resolved;
}

function recipientsOf<R extends Addressed>(request: R, known: DeviceRow[]): { recipients: R[]; issue?: string } {
  if (DEVICE_ID.test(primaryRecipient(request.to))) {
    const device = known.find((d) => d.id === primaryRecipient(request.to));
    if (!device) return { recipients: [], issue: "no such device" };
    return device.invalidAt ? { recipients: [], issue: invalidSince(device) } : { recipients: [request] };
  }
  if (CONTACT_ID.test(primaryRecipient(request.to))) {
    const reachable = known.filter((d) => d.contactId === primaryRecipient(request.to) && !d.invalidAt && d.platform !== "apns");
    if (reachable.length === 0) return { recipients: [], issue: `the contact ${primaryRecipient(request.to)} has no valid device` };
    return { recipients: reachable.map((device) => ({ ...request, to: device.id })) };
  }
  const gone = known.find((d) => d.platform === "fcm" && d.address === primaryRecipient(request.to) && d.invalidAt);
  return gone ? { recipients: [], issue: invalidSince(gone) } : { recipients: [request] };
}

/**
 * The answer to one message request: the message, and for a push to a contact also `fanOut`,
 * the ids of every message made for it (one per device, this one first).
 */
export function singleAnswer(request: Addressed) {
  const fannedOut = isPush(request) && CONTACT_ID.test(primaryRecipient(request.to));
  return (views: MessageView[]) => (fannedOut ? { ...views[0], fanOut: views.map((view) => view.id) } : views[0]);
}

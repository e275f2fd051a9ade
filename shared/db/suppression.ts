import type { Channel } from "../domain/enums";
import { newId } from "../domain/ids";
import { type OptOutSource, suppressionAddress } from "../domain/opt-out";
import type { Database } from "./database";
import { optOuts } from "./schema";

export type Suppression = { tenantId: string; channel: Channel; address: string; source: OptOutSource; reason: string; at: string };

/** Puts an address on the tenant's suppression list for a channel; one already there stays as it was. */
export function suppression(db: Database, entry: Suppression) {
  return db
    .insert(optOuts)
    .values({
      id: newId("optOut"),
      tenantId: entry.tenantId,
      channel: entry.channel,
      address: suppressionAddress(entry.address),
      source: entry.source,
      reason: entry.reason.slice(0, 500),
      createdAt: entry.at,
      updatedAt: entry.at,
    })
    .onConflictDoNothing({ target: [optOuts.tenantId, optOuts.channel, optOuts.address] });
}

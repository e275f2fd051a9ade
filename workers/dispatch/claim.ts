import { sql } from "drizzle-orm";
import type { Database } from "../../shared/db/database";
import { jsonList } from "../../shared/db/json-list";
import { claimable, leaseAbandoned } from "../../shared/db/message-lifecycle";
import { type DeviceRow, type MessageRow, messages, optOuts, type ProviderConfigRow, providerConfigs } from "../../shared/db/schema";
import { claimedDevices } from "./push-recipient";

export type Claim = {
  /** Messages this consumer now owns, status `sending`, attempts counted. */
  owned: MessageRow[];
  /** Queued messages delivered before their scheduled time: to be put back with a delay. */
  early: { id: string; tenantId: string; scheduledAt: string }[];
  providers: ProviderConfigRow[];
  /** The devices the claimed pushes go to. */
  devices: DeviceRow[];
  /**
   * Owned messages taken over from a lease that lapsed: a consumer died (or could not write)
   * after it may have sent them, so their earlier outcome is unknown.
   */
  uncertain: Set<string>;
  /** Claimed messages whose recipient opted out (or is suppressed) on that channel, with why. */
  suppressed: Map<string, string>;
  /** Of claimed emails with several recipients, the addresses (to, cc, bcc) on the suppression list. */
  suppressedCopies: Map<string, Set<string>>;
};

/**
 * The batch's first D1 round trip. Claiming is one guarded update: only a `queued` message,
 * or a `sending` one whose lease has lapsed (a retry, or a consumer that died), is taken,
 * so a duplicate delivery of the same queue message is never sent twice at once. The same
 * round trip reads the early arrivals, every enabled provider the batch could need, the
 * devices its pushes go to, and which of the claimed messages come from a lapsed lease.
 */
export async function claimBatch(db: Database, messageIds: string[], now: Date, leaseSeconds: number): Promise<Claim> {
  const nowIso = now.toISOString();
  const lease = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  const [lapsed, owned, early, providers, pushDevices, optedOut, optedOutCopies] = await db.batch([
    // Read before the update in the same transaction: afterwards the old lease is gone.
    db
      .select({ id: messages.id })
      .from(messages)
      .where(sql`${messages.id} IN ${jsonList(messageIds)} AND ${leaseAbandoned(nowIso)}`),
    db
      .update(messages)
      .set({ status: "sending", attempts: sql`${messages.attempts} + 1`, leaseExpiresAt: lease, updatedAt: nowIso })
      .where(
        sql`${messages.id} IN ${jsonList(messageIds)}
          AND ${claimable(nowIso)}
          AND (${messages.scheduledAt} IS NULL OR ${messages.scheduledAt} <= ${nowIso})`,
      )
      .returning(),
    db
      .select({ id: messages.id, tenantId: messages.tenantId, scheduledAt: sql<string>`${messages.scheduledAt}` })
      .from(messages)
      .where(sql`${messages.id} IN ${jsonList(messageIds)} AND ${claimable(nowIso)} AND ${messages.scheduledAt} > ${nowIso}`),
    db
      .select()
      .from(providerConfigs)
      .where(
        sql`${providerConfigs.enabled} = 1 AND (${providerConfigs.tenantId} IS NULL
          OR ${providerConfigs.tenantId} IN (SELECT tenant_id FROM messages WHERE id IN ${jsonList(messageIds)}))`,
      )
      .orderBy(providerConfigs.priority, providerConfigs.createdAt),
    claimedDevices(db, messageIds),
    db
      .select({ messageId: messages.id, source: optOuts.source, reason: optOuts.reason, since: optOuts.createdAt })
      .from(messages)
      .innerJoin(
        optOuts,
        sql`${optOuts.tenantId} = ${messages.tenantId} AND ${optOuts.channel} = ${messages.channel} AND ${optOuts.address} = lower(${messages.recipient})`,
      )
      .where(sql`${messages.id} IN ${jsonList(messageIds)}`),
    db
      .select({ messageId: messages.id, address: optOuts.address })
      .from(messages)
      .innerJoin(
        optOuts,
        sql`${optOuts.tenantId} = ${messages.tenantId} AND ${optOuts.channel} = ${messages.channel} AND ${optOuts.address} IN (
          SELECT lower(value) FROM json_each(${messages.email}, '$.to') UNION ALL
          SELECT lower(value) FROM json_each(${messages.email}, '$.cc') UNION ALL
          SELECT lower(value) FROM json_each(${messages.email}, '$.bcc'))`,
      )
      .where(sql`${messages.id} IN ${jsonList(messageIds)} AND ${messages.email} IS NOT NULL`),
  ]);
  const suppressedCopies = new Map<string, Set<string>>();
  for (const { messageId, address } of optedOutCopies)
    suppressedCopies.set(messageId, (suppressedCopies.get(messageId) ?? new Set()).add(address));
  const ownedIds = new Set(owned.map((row) => row.id));
  return {
    owned,
    early,
    providers,
    devices: pushDevices,
    uncertain: new Set(lapsed.map((row) => row.id).filter((id) => ownedIds.has(id))),
    suppressed: new Map(
      optedOut.map((row) => [row.messageId, `the recipient is suppressed since ${row.since} (${row.source}: ${row.reason})`]),
    ),
    suppressedCopies,
  };
}

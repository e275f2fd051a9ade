import { inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { keyringFromEnv, open } from "../../shared/crypto/credential-cipher";
import { database } from "../../shared/db/database";
import { type MessageRow, messageEvents, messages } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import { providerFor } from "../../shared/providers/provider-factory";
import type { DeliveryJob } from "../../shared/queue/delivery-job";
import type { DispatchEnv } from "./env";
import { loadProviderChains } from "./provider-resolution";

/**
 * The pipeline's first consumer: every queued message goes out through the first provider
 * of its chain (the `system` provider by default) and is marked `sent`, with its events.
 * D1 work per queue batch: one read of messages, one of providers, one write batch.
 */
export async function deliverBatch(env: DispatchEnv, batch: MessageBatch<DeliveryJob>): Promise<void> {
  const db = database(env.DB);
  const ids = [...new Set(batch.messages.map((m) => m.body.messageId))];
  const rows = ids.length ? await db.select().from(messages).where(inArray(messages.id, ids)) : [];
  const chainFor = await loadProviderChains(db, [...new Set(rows.map((r) => r.tenantId))]);
  const keyring = keyringFromEnv(env as unknown as Record<string, unknown>);
  const writes: BatchItem<"sqlite">[] = [];

  for (const row of rows.filter((r) => r.status === "queued")) {
    const chosen = chainFor(row.tenantId, row.channel)[0];
    if (!chosen) continue;
    const config = await open(keyring, chosen.id, { ciphertext: chosen.encryptedConfig, keyVersion: chosen.keyVersion });
    const outcome = await providerFor(chosen.type, chosen.id, config).send(outbound(row), AbortSignal.timeout(10_000));
    if (outcome.kind !== "sent") continue;
    const now = new Date().toISOString();
    writes.push(
      db
        .update(messages)
        .set({
          status: "sent",
          providerId: chosen.id,
          providerMessageId: outcome.providerMessageId,
          cost: outcome.cost ?? null,
          sentAt: now,
          attempts: row.attempts + 1,
          updatedAt: now,
        })
        .where(inArray(messages.id, [row.id])),
      db.insert(messageEvents).values({
        id: newId("event"),
        messageId: row.id,
        status: "sent",
        reason: `sent via ${chosen.type}`,
        source: "internal",
        providerId: chosen.id,
        occurredAt: now,
      }),
    );
  }
  if (writes.length) await db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  batch.ackAll();
}

function outbound(row: MessageRow) {
  return {
    id: row.id,
    channel: row.channel,
    to: row.recipient,
    from: row.sender,
    subject: row.subject,
    content: row.content,
    metadata: row.metadata,
  };
}

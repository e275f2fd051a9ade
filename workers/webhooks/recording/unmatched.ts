import type { Database } from "../../../shared/db/database";
import { unmatchedCallbacks } from "../../../shared/db/schema";
import type { MessageStatus } from "../../../shared/domain/enums";
import { newId } from "../../../shared/domain/ids";
import type { CallbackProviderRef, RecordResult } from "./callback";

export type UnmatchedCallback = {
  provider: CallbackProviderRef;
  providerMessageId: string | null;
  kind: string;
  status: MessageStatus | null;
  reason: string | null;
  dedupeKey: string;
  rawPayload: unknown;
  requestId: string;
};

/** Keeps a verified callback that names no message Relay knows, once per dedupe key; the provider still gets a 2xx. */
export async function keepUnmatched(db: Database, callback: UnmatchedCallback): Promise<RecordResult> {
  const inserted = await db
    .insert(unmatchedCallbacks)
    .values({
      id: newId("event"),
      providerId: callback.provider.id,
      tenantId: callback.provider.tenantId,
      providerMessageId: callback.providerMessageId,
      kind: callback.kind,
      status: callback.status,
      reason: callback.reason,
      payload: callback.rawPayload,
      dedupeKey: callback.dedupeKey,
      requestId: callback.requestId,
      receivedAt: new Date().toISOString(),
    })
    .onConflictDoNothing({ target: unmatchedCallbacks.dedupeKey })
    .returning({ id: unmatchedCallbacks.id });
  return { result: inserted.length > 0 ? "unmatched" : "duplicate", messageIds: [] };
}

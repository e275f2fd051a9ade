import type { InboundCallback, StatusCallback } from "../../../shared/providers/provider";
import type { AnalysisJob } from "../../../shared/queue/analysis-job";

export type CallbackProviderRef = { id: string; tenantId: string | null };

/** What the webhooks worker adds to a provider's verdict: which provider row, and which request. */
type Received = { provider: CallbackProviderRef; requestId: string };

/** A status callback whose signature checked out, ready to record. */
export type VerifiedCallback = Omit<StatusCallback, "kind"> & Received;

/** An incoming message whose signature checked out, ready to record. */
export type Inbound = Omit<InboundCallback, "kind" | "reply"> & Received;

/**
 * `reply`: text to answer the sender with in the provider's own reply (an SMS HELP).
 * `withMedia`: the recorded message has attachments waiting to be fetched. `analysis`: the
 * conversation's analysis was marked pending; its job is queued after the write.
 */
export type RecordResult = {
  result: "recorded" | "duplicate" | "unmatched" | "ignored";
  messageIds: string[];
  reply?: string;
  withMedia?: boolean;
  analysis?: AnalysisJob;
};

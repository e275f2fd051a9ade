import { enqueueAnalysis } from "../../../shared/queue/analysis-job";
import type { WebhooksEnv } from "../env";
import type { RecordResult } from "./callback";

const DEFAULT_DEBOUNCE_SECONDS = 10;

/** How long after the last inbound message of a burst its conversation is analysed. */
export function analysisDebounceSeconds(env: WebhooksEnv): number {
  const seconds = Number(env.ANALYSIS_DEBOUNCE_SECONDS ?? DEFAULT_DEBOUNCE_SECONDS);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_DEBOUNCE_SECONDS;
}

/**
 * After an inbound message is recorded: queue its conversation's analysis, delayed to the
 * request's due time. Never throws and never changes the answer to the provider.
 */
export async function queueInboundAnalysis(env: WebhooksEnv, recorded: RecordResult): Promise<void> {
  const analysis = recorded.analysis;
  if (!analysis) return;
  const delay = (Date.parse(analysis.dueAt) - Date.now()) / 1000;
  await enqueueAnalysis(env.ANALYSIS_QUEUE, analysis, delay);
}

import { log } from "../observability/logger";

/**
 * The body of a message on the `analysis` queue: the conversation, and the `dueAt` of the request
 * it was made for. The conversation's analysis row holds the newest request: a job whose `dueAt`
 * is older was overtaken by a later message and does nothing (the debounce).
 */
export type AnalysisJob = { conversationId: string; tenantId: string; dueAt: string; reason?: string };

export const ANALYSIS_QUEUE = "analysis";
export const ANALYSIS_DEAD_LETTER_QUEUE = "analysis-dlq";

/**
 * Puts a job on the analysis queue, never throwing: the request is already marked pending in D1,
 * so a lost job is found by the dispatch cron's sweep. Delivery and inbound never wait on this stage.
 */
export async function enqueueAnalysis(queue: Queue<AnalysisJob> | undefined, job: AnalysisJob, delaySeconds = 0): Promise<boolean> {
  if (!queue) return false;
  try {
    await queue.send(job, { delaySeconds: Math.max(0, Math.ceil(delaySeconds)) });
    return true;
  } catch (error) {
    log.warn("analysis.enqueue_failed", {
      conversationId: job.conversationId,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}

import { APICallError } from "ai";

/**
 * Why a model call failed, in words fit for the tenant: the endpoint's status, a timeout, or the
 * SDK's own verdict on the output (not valid JSON, not matching the schema). The endpoint's answer
 * body is never echoed.
 */
export function failureReason(error: unknown): string {
  if (APICallError.isInstance(error))
    return `the model endpoint answered ${error.statusCode ?? "without a status"}${error.isRetryable ? " (retryable)" : ""}`;
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return "the model did not answer in time";
  const message = error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error);
  return message.slice(0, 300);
}

/**
 * How a provider attempt's event is worded (dispatch writes it), so a reader can take the
 * provider's own error back out of it: `<via> unavailable — <error>` or `rejected by <via> — <error>`.
 */
const SEPARATOR = " — ";
const UNAVAILABLE = ` unavailable${SEPARATOR}`;
const REJECTED = "rejected by ";

export function unavailableReason(via: string, error: string): string {
  return `${via}${UNAVAILABLE}${error}`;
}

export function rejectedReason(via: string, error: string): string {
  return `${REJECTED}${via}${SEPARATOR}${error}`;
}

/** The provider's error in an attempt event's reason; undefined for any other event. */
export function attemptError(reason: string | null): string | undefined {
  if (!reason) return undefined;
  const unavailableAt = reason.indexOf(UNAVAILABLE);
  if (unavailableAt >= 0) return reason.slice(unavailableAt + UNAVAILABLE.length);
  if (reason.startsWith(REJECTED) && reason.includes(SEPARATOR)) return reason.slice(reason.indexOf(SEPARATOR) + SEPARATOR.length);
  return undefined;
}

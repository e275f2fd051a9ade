import type { MessageStatus } from "./enums";

/**
 * The forward-only status machine. `failed` and `canceled` are terminal for delivery;
 * the one way back is an operator's redrive of a dead letter (see `canRedrive`).
 */
const NEXT: Record<MessageStatus, readonly MessageStatus[]> = {
  queued: ["sending", "sent", "delivered", "failed", "canceled"],
  sending: ["sent", "delivered", "failed"],
  sent: ["delivered", "failed"],
  delivered: [],
  failed: [],
  canceled: [],
};

export function canTransition(from: MessageStatus, to: MessageStatus): boolean {
  return NEXT[from].includes(to);
}

export function isTerminal(status: MessageStatus): boolean {
  return NEXT[status].length === 0;
}

/** Statuses a provider-driven or dispatch-driven update may still change. */
export function statusesThatMayBecome(to: MessageStatus): MessageStatus[] {
  return (Object.keys(NEXT) as MessageStatus[]).filter((from) => canTransition(from, to));
}

export function canCancel(status: MessageStatus): boolean {
  return canTransition(status, "canceled");
}

/** Only a dead-lettered (failed) message goes back to `queued`, and only by redrive. */
export const REDRIVABLE: readonly MessageStatus[] = ["failed"];

export function canRedrive(status: MessageStatus): boolean {
  return REDRIVABLE.includes(status);
}

/** Statuses that say the provider took the message. */
export const REACHED_PROVIDER: readonly MessageStatus[] = ["sent", "delivered"];

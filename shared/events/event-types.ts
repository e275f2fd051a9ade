import type { Direction, MessageStatus } from "../domain/enums";

/**
 * A change on a message's timeline, as the fan-out reads it from `message_events`: only the
 * first event of its status since the message was (re)queued, so a status reported twice (by
 * dispatch and by the provider's callback) makes one tenant event.
 */
export type TimelineChange = { status: MessageStatus; direction: Direction; deadLettered: boolean };

/** Which timeline change makes which tenant event: adding a message event type is one line here. */
export const MESSAGE_EVENT_RULES = {
  "message.sent": (change: TimelineChange) => change.direction === "outbound" && change.status === "sent",
  "message.delivered": (change: TimelineChange) => change.direction === "outbound" && change.status === "delivered",
  "message.failed": (change: TimelineChange) => change.direction === "outbound" && change.status === "failed" && !change.deadLettered,
  "message.dead_lettered": (change: TimelineChange) => change.direction === "outbound" && change.status === "failed" && change.deadLettered,
  "message.canceled": (change: TimelineChange) => change.direction === "outbound" && change.status === "canceled",
  "message.inbound": (change: TimelineChange) => change.direction === "inbound",
} as const;

export type MessageEventType = keyof typeof MESSAGE_EVENT_RULES;
const MESSAGE_EVENT_TYPES = Object.keys(MESSAGE_EVENT_RULES) as MessageEventType[];

/** An endpoint disabled automatically after a run of failures: told to the tenant's other endpoints. */
export const ENDPOINT_DISABLED = "endpoint.disabled";

/** A conversation's analysis finished (its result) or failed for good (why): written with the analysis itself. */
export const CONVERSATION_EVENT_TYPES = ["conversation.analyzed", "conversation.analysis_failed"] as const;
export type ConversationTenantEventType = (typeof CONVERSATION_EVENT_TYPES)[number];

/** Every type an endpoint may subscribe to. */
export const EVENT_TYPES = [...MESSAGE_EVENT_TYPES, ENDPOINT_DISABLED, ...CONVERSATION_EVENT_TYPES] as const satisfies readonly string[];
export type EventType = MessageEventType | typeof ENDPOINT_DISABLED | ConversationTenantEventType;

/** Sent by `POST /v1/webhook-endpoints/:id/test`, whatever the endpoint subscribes to. */
export const TEST_EVENT_TYPE = "webhook.test";

/** The statuses some rule can match: the fan-out reads only events of these. */
export const EVENTFUL_STATUSES: readonly MessageStatus[] = ["sent", "delivered", "failed", "canceled"];

export function messageEventTypeOf(change: TimelineChange): MessageEventType | undefined {
  return MESSAGE_EVENT_TYPES.find((type) => MESSAGE_EVENT_RULES[type](change));
}

/** An endpoint with no filter receives every type. */
export function subscribes(filter: readonly string[], type: string): boolean {
  return filter.length === 0 || filter.includes(type);
}

/** The name of the fan-out's position in `message_events` (a row of `event_cursors`). */
export const MESSAGE_EVENTS_CURSOR = "message_events";

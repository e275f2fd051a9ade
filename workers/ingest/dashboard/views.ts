import type { listMessages, messageWithEvents } from "../services/messages-query";
import type { providerView } from "../services/providers";

/** The shapes the services hand the pages. */
export type ProviderView = ReturnType<typeof providerView>;
export type MessageView = Awaited<ReturnType<typeof listMessages>>["items"][number];
export type MessageWithEvents = Awaited<ReturnType<typeof messageWithEvents>>;

import { z } from "zod";
import type { CallbackResult, InboundMedia } from "../provider";

const fileSchema = z.object({
  url_private: z.string().max(2000).optional(),
  mimetype: z.string().max(200).optional(),
  name: z.string().max(500).optional(),
});
const messageEventSchema = z.object({
  type: z.literal("message"),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  user: z.string().min(1).max(64).optional(),
  channel: z.string().min(1).max(64),
  text: z.string().optional(),
  ts: z.string().min(1).max(32),
  thread_ts: z.string().min(1).max(32).optional(),
  files: z.array(fileSchema).max(50).optional(),
});
const envelopeSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("url_verification"), challenge: z.string().min(1).max(500) }),
  z.object({
    type: z.literal("event_callback"),
    team_id: z.string().min(1).max(64),
    event_id: z.string().min(1).max(128),
    event: z.object({ type: z.string() }).loose(),
  }),
]);
export type SlackEnvelope = z.infer<typeof envelopeSchema>;

/** An Events API body: a URL verification, an event callback, or (other types) null. */
export function slackEnvelopeOf(body: unknown): SlackEnvelope | null {
  const parsed = envelopeSchema.safeParse(body);
  return parsed.success ? parsed.data : null;
}

/** A person's post, a file they shared, or a thread reply also sent to the channel; edits, joins and the like are not messages. */
const PEOPLES_SUBTYPES = new Set([undefined, "file_share", "thread_broadcast"]);

function mediaOf(files: z.infer<typeof fileSchema>[] | undefined): InboundMedia[] {
  return (files ?? []).flatMap((file) =>
    file.url_private
      ? [{ url: file.url_private, ...(file.mimetype ? { contentType: file.mimetype } : {}), ...(file.name ? { name: file.name } : {}) }]
      : [],
  );
}

/**
 * What an event callback means: a message a person posted becomes an inbound message from that
 * channel (and thread) to the workspace, deduplicated by `event_id` (Slack retries with the same
 * one). Bots' posts — Relay's own replies included — and every other event are ignored.
 */
export function slackEventResult(
  envelope: Extract<SlackEnvelope, { type: "event_callback" }>,
  rawPayload: unknown,
  providerId: string,
): CallbackResult {
  const event = messageEventSchema.safeParse(envelope.event);
  if (!event.success) return { kind: "ignored" };
  const message = event.data;
  if (message.bot_id || !message.user || !PEOPLES_SUBTYPES.has(message.subtype)) return { kind: "ignored" };
  return {
    kind: "inbound",
    channel: "slack",
    providerMessageId: message.ts,
    to: envelope.team_id,
    from: message.channel,
    ...(message.thread_ts ? { thread: message.thread_ts } : {}),
    body: message.text ?? "",
    media: mediaOf(message.files),
    sender: { slackUserId: message.user },
    dedupeKey: `slack:${providerId}:${envelope.event_id}`,
    rawPayload,
  };
}

import type { Transcript, TranscriptMessage } from "./analyzer";
import { redacted } from "./redaction";

export type ContextLimits = { maxMessages: number; maxCharacters: number; redact: boolean };

/**
 * What a model may see of a conversation: its newest messages, at most `maxMessages` and
 * `maxCharacters` of text (the oldest one kept is cut from its start), with phone numbers and
 * email addresses replaced when the tenant asks.
 */
export function modelContext(transcript: Transcript, limits: ContextLimits): Transcript {
  const kept: TranscriptMessage[] = [];
  let room = limits.maxCharacters;
  for (const message of transcript.messages.slice(-limits.maxMessages).reverse()) {
    if (room <= 0) break;
    const text = limits.redact ? redacted(message.text) : message.text;
    kept.unshift({ direction: message.direction, text: text.length > room ? `…${text.slice(text.length - room)}` : text });
    room -= text.length;
  }
  return { channel: transcript.channel, messages: kept };
}

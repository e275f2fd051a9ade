import { log } from "../../observability/logger";
import { unreachable } from "../http-outcome";
import type { InboundCallback, InboundPoll, PollResult } from "../provider";
import { redact } from "../secret-redaction";
import { callBotApi, tokenSecrets } from "./bot-api";
import { botIdOf, type TelegramConfig } from "./config";
import { inboundOfUpdate, RECORDED_UPDATES, telegramUpdateSchema } from "./update";

/** Telegram hands out at most 100 updates per call. */
const PAGE_SIZE = 100;

/**
 * `getUpdates` from an offset, for a bot with `mode: "poll"` (the way to receive on a machine no
 * webhook can reach). Calling with an offset confirms, at Telegram, every update before it — so the
 * caller passes an offset only once everything before it is recorded, and a crash in between
 * fetches the same updates again (deduplicated by update_id, as webhooks are).
 */
export const telegramUpdatesPoll: InboundPoll<TelegramConfig> = {
  polls: (config) => config.mode === "poll",
  async poll({ providerId, config }, offset, signal) {
    const result = await getUpdates(providerId, config, offset, signal);
    return result.kind === "failed" ? { kind: "failed", message: redact(result.message, tokenSecrets(config)) } : result;
  },
};

async function getUpdates(providerId: string, config: TelegramConfig, offset: number | null, signal: AbortSignal): Promise<PollResult> {
  const body = { limit: PAGE_SIZE, timeout: 0, allowed_updates: RECORDED_UPDATES, ...(offset === null ? {} : { offset }) };
  try {
    const answer = await callBotApi(config, "getUpdates", body, signal);
    if (!answer.ok) return { kind: "failed", message: answer.description ?? `Telegram answered ${answer.status}` };
    if (!Array.isArray(answer.result)) return { kind: "failed", message: "Telegram answered getUpdates without a list" };
    const inbound: InboundCallback[] = [];
    let nextOffset: number | null = null;
    for (const raw of answer.result) {
      const update = telegramUpdateSchema.safeParse(raw);
      // An update Relay cannot read is passed over rather than blocking every later one.
      if (!update.success) {
        log.warn("telegram.poll_unreadable_update", { providerId });
        const id = (raw as { update_id?: unknown })?.update_id;
        if (typeof id === "number") nextOffset = Math.max(nextOffset ?? 0, id + 1);
        continue;
      }
      nextOffset = Math.max(nextOffset ?? 0, update.data.update_id + 1);
      const message = inboundOfUpdate(update.data, raw, providerId, botIdOf(config));
      if (message) inbound.push(message);
    }
    return { kind: "polled", inbound, nextOffset };
  } catch (error) {
    return { kind: "failed", message: unreachable(error, signal).message };
  }
}

import { CHANNELS, type Channel } from "../domain/enums";
import { MAX_QUEUE_DELAY_SECONDS } from "../queue/delivery-job";

/** Cloudflare Queues retry a message at most 100 times (the delivery queue's `max_retries`). */
export const MAX_QUEUE_RETRIES = 100;

/** Retry delays in seconds, one per retry: after the last one fails, the message is dead-lettered. */
export type RetrySchedule = readonly number[];
export type RetrySchedules = Record<Channel, RetrySchedule>;

/** What every channel had before schedules: 5 retries from the base delay, doubling, capped at 240 s. */
const DEFAULT_RETRIES = 5;
const DEFAULT_CAP_SECONDS = 240;

/**
 * A receiver behind a `webhook` is often a team's own service, down for a deploy or an outage:
 * its retries reach about 8 hours (30 s doubling to 4 h), so an hour down loses nothing.
 */
export const DEFAULT_WEBHOOK_SCHEDULE: RetrySchedule = [30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400];

export function exponentialSchedule(baseSeconds: number): RetrySchedule {
  return Array.from({ length: DEFAULT_RETRIES }, (_, index) => Math.min(DEFAULT_CAP_SECONDS, baseSeconds * 2 ** index));
}

export type ScheduleParse = { schedules: RetrySchedules; problems: string[] };

/**
 * `RETRY_SCHEDULES`, e.g. `webhook=30,60,300,3600; sms=5,10,20`: per channel, its retry delays in
 * seconds (1 to 43,200, the queue's longest delay; at most 100 of them). Channels not named keep
 * their default. A malformed entry is reported and ignored: a typo never stops delivery.
 */
export function parseRetrySchedules(text: string | undefined, baseSeconds: number): ScheduleParse {
  const schedules = Object.fromEntries(
    CHANNELS.map((channel) => [channel, channel === "webhook" ? DEFAULT_WEBHOOK_SCHEDULE : exponentialSchedule(baseSeconds)]),
  ) as RetrySchedules;
  const problems: string[] = [];
  for (const entry of (text ?? "")
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [name, list = ""] = entry.split("=").map((part) => part.trim());
    const channel = CHANNELS.find((known) => known === name);
    const delays = list.split(",").map((item) => Number(item.trim()));
    const valid = delays.every((delay) => Number.isInteger(delay) && delay >= 1 && delay <= MAX_QUEUE_DELAY_SECONDS);
    if (!channel) problems.push(`${entry}: no channel named ${name}`);
    else if (!list || !valid) problems.push(`${entry}: delays must be whole seconds from 1 to ${MAX_QUEUE_DELAY_SECONDS}`);
    else if (delays.length > MAX_QUEUE_RETRIES) problems.push(`${entry}: at most ${MAX_QUEUE_RETRIES} retries`);
    else schedules[channel] = delays;
  }
  return { schedules, problems };
}

/** The delay before retry number `attempt` (1-based), or undefined once the schedule is spent. */
export function retryDelay(schedule: RetrySchedule, attempt: number, random = Math.random): number | undefined {
  const planned = schedule[attempt - 1];
  if (planned === undefined) return undefined;
  // Jitter (50–100 %) spreads the retries of messages that failed together.
  return Math.max(1, Math.round(planned * (0.5 + random() / 2)));
}

import { z } from "zod";
import { positiveNumber } from "../../../shared/config/env-vars";
import { parsedOnce } from "../../../shared/config/parsed-once";
import { DEFAULT_EVENT_SWEEP_AFTER_SECONDS } from "../../../shared/events/deliveries";
import type { DispatchEnv } from "../env";

/** Svix's schedule, near enough: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — the last attempt about 27 h after the first. */
const DEFAULT_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000];
/** Cloudflare Queues delay a message by at most 12 hours. */
const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;

const schedule = z
  .string()
  .transform((text) => text.split(",").map((part) => Number(part.trim())))
  .pipe(z.array(z.number().int().positive().max(MAX_QUEUE_DELAY_SECONDS)).min(1))
  .catch(DEFAULT_RETRY_SCHEDULE);

const eventVars = z.object({
  EVENT_RETRY_SCHEDULE: schedule.default(DEFAULT_RETRY_SCHEDULE),
  EVENT_TIMEOUT_MS: positiveNumber(10_000),
  EVENT_SWEEP_AFTER_SECONDS: positiveNumber(DEFAULT_EVENT_SWEEP_AFTER_SECONDS),
  EVENT_DISABLE_AFTER_FAILURES: positiveNumber(50),
  EVENT_DISABLE_AFTER_SECONDS: positiveNumber(5 * 24 * 60 * 60),
});

export type EventSettings = {
  /** Seconds before each retry: an event gets 1 + this many attempts. */
  retrySchedule: number[];
  timeoutMs: number;
  sweepAfterSeconds: number;
  /** An endpoint is disabled once it failed this many times in a row, over at least this long. */
  disableAfterFailures: number;
  disableAfterSeconds: number;
};

export const eventSettings = parsedOnce((env: DispatchEnv): EventSettings => {
  const vars = eventVars.parse(env);
  return {
    retrySchedule: vars.EVENT_RETRY_SCHEDULE,
    timeoutMs: vars.EVENT_TIMEOUT_MS,
    sweepAfterSeconds: vars.EVENT_SWEEP_AFTER_SECONDS,
    disableAfterFailures: vars.EVENT_DISABLE_AFTER_FAILURES,
    disableAfterSeconds: vars.EVENT_DISABLE_AFTER_SECONDS,
  };
});

import { describe, expect, it } from "vitest";
import { DEFAULT_WEBHOOK_SCHEDULE, parseRetrySchedules, retryDelay } from "../../shared/config/retry-schedule";

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

describe("retry schedules", () => {
  it("gives a webhook an hour's outage and more, even with the shortest jitter", () => {
    const { schedules } = parseRetrySchedules(undefined, 10);
    expect(schedules.webhook).toEqual(DEFAULT_WEBHOOK_SCHEDULE);
    const shortest = DEFAULT_WEBHOOK_SCHEDULE.map((_, index) => retryDelay(DEFAULT_WEBHOOK_SCHEDULE, index + 1, () => 0) ?? 0);
    expect(sum(shortest)).toBeGreaterThan(3 * 3600);
    expect(Math.max(...DEFAULT_WEBHOOK_SCHEDULE)).toBeLessThanOrEqual(12 * 3600);
  });

  it("keeps the other channels' five retries from the base delay, doubling, capped at 240 s", () => {
    const { schedules } = parseRetrySchedules(undefined, 10);
    expect(schedules.sms).toEqual([10, 20, 40, 80, 160]);
    expect(parseRetrySchedules(undefined, 100).schedules.email).toEqual([100, 200, 240, 240, 240]);
  });

  it("takes per-channel delays from RETRY_SCHEDULES, reporting and ignoring bad entries", () => {
    const { schedules, problems } = parseRetrySchedules("webhook=60, 600 ,3600; sms=5;fax=1; email=0,10; push=43201", 10);
    expect(schedules.webhook).toEqual([60, 600, 3600]);
    expect(schedules.sms).toEqual([5]);
    expect(schedules.email).toEqual([10, 20, 40, 80, 160]);
    expect(schedules.push).toEqual([10, 20, 40, 80, 160]);
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toContain("no channel named fax");
    const tooMany = parseRetrySchedules(`sms=${Array.from({ length: 101 }, () => "1").join(",")}`, 10);
    expect(tooMany.problems[0]).toContain("at most 100 retries");
  });

  it("jitters each delay between half and all of it, and ends after the last", () => {
    expect(retryDelay([100], 1, () => 0)).toBe(50);
    expect(retryDelay([100], 1, () => 0.999_999)).toBe(100);
    expect(retryDelay([1], 1, () => 0)).toBe(1);
    expect(retryDelay([100], 2)).toBeUndefined();
  });
});

import { type LoadResult, percentile, runLoad, waitForDrain } from "./load";
import { workerdPeakMiB } from "./runtime-memory";
import type { Target } from "./target";

export type PhaseResult = {
  target: string;
  messages: number;
  accepted: number;
  concurrency: number;
  ingestPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number };
  /** From the first request until every message was delivered. */
  allDeliveredSeconds: number;
  drainPerSecond: number;
  /** How long delivery trailed the last accepted request. */
  backlogSeconds: number;
  peakRuntimeMiB: number;
  providerSends?: number;
  /** When the first request was sent (epoch ms). */
  startedAt: number;
};

/** Ingest on its own: messages scheduled an hour ahead, so the delivery side stays idle. */
export async function measureIngestAlone(target: Target, messages: number, concurrency: number): Promise<number> {
  const load = await runLoad(messages, concurrency, (i) => target.send(messages * 10 + i, true), `${target.name} ingest alone`);
  return Math.round(load.accepted / load.seconds);
}

/** Loads a target with `messages` sends at `concurrency`, then waits until all are delivered (a target may be measured again: what it delivered before is not counted). */
export async function measure(target: Target, messages: number, concurrency: number): Promise<PhaseResult> {
  const deliveredBefore = await target.delivered();
  const load: LoadResult = await runLoad(messages, concurrency, (i) => target.send(i), `${target.name} ingest`);
  const drainedAt = await waitForDrain(load.accepted, async () => (await target.delivered()) - deliveredBefore, `${target.name} dispatch`);
  const allDeliveredSeconds = (drainedAt - load.firstAt) / 1000;
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    target: target.name,
    messages,
    accepted: load.accepted,
    concurrency,
    ingestPerSecond: Math.round(load.accepted / load.seconds),
    latencyMs: {
      p50: round(percentile(load.latenciesMs, 50)),
      p95: round(percentile(load.latenciesMs, 95)),
      p99: round(percentile(load.latenciesMs, 99)),
    },
    allDeliveredSeconds: round(allDeliveredSeconds),
    drainPerSecond: Math.round(load.accepted / allDeliveredSeconds),
    backlogSeconds: round((drainedAt - load.lastAt) / 1000),
    peakRuntimeMiB: workerdPeakMiB(),
    providerSends: await target.providerSends?.(),
    startedAt: load.firstAt,
  };
}

export type EventsResult = { eventsExpected: number; eventsReceived: number; eventsTrailedSeconds: number };

/** Waits until the endpoint has one event per delivered message (`message.sent`); how long that took after delivery ended. */
export async function measureEvents(expected: number, endpoint: { received(): number; lastAt(): number }): Promise<EventsResult> {
  const from = performance.now();
  await waitForDrain(expected, async () => endpoint.received(), "event endpoint");
  return {
    eventsExpected: expected,
    eventsReceived: endpoint.received(),
    eventsTrailedSeconds: Math.round((Math.max(0, endpoint.lastAt() - from) / 1000) * 10) / 10,
  };
}

import type { D1Costs } from "./d1-calibration";
import type { PairedRounds } from "./paired-rounds";
import type { EventsResult, PhaseResult } from "./phase";

export type BenchReport = {
  at: string;
  machine: string;
  relay: PhaseResult;
  baseline: PhaseResult;
  /** Ingest with delivery idle, Relay against the baseline in alternating rounds (requests/s). */
  ingestAlone: PairedRounds;
  d1: D1Costs;
  /** The same counts with a provider taking 200 ms a send: outcomes are written as sends complete. */
  d1SlowProvider: D1Costs;
  ratios: { ingest: number; ingestAlone: number; drain: number };
  /** Delivery (messages/s) with and without one subscribed tenant event endpoint, in alternating rounds. */
  events?: { drain: PairedRounds } & EventsResult;
};

const pad = (text: string | number, width: number) => String(text).padStart(width);

/** One side's figures over the rounds, as "min–max". */
function rounds(paired: PairedRounds, side: "a" | "b"): string {
  const values = paired.rounds.map((round) => round[side]);
  return `${Math.min(...values)}–${Math.max(...values)}`;
}

export function table(report: BenchReport): string {
  const { relay, baseline, ratios, d1 } = report;
  const row = (label: string, a: string | number, b: string | number, c = "") =>
    `${label.padEnd(36)}${pad(a, 20)}${pad(b, 20)}${pad(c, 8)}`;
  const latency = (r: PhaseResult) => `${r.latencyMs.p50}/${r.latencyMs.p95}/${r.latencyMs.p99}`;
  const sizes = (costs: D1Costs) =>
    Object.entries(costs.dispatchRoundTripsByBatchSize)
      .sort(([a], [b]) => Number(b) - Number(a))
      .slice(0, 4)
      .map(([size, trips]) => `${size}→${trips.join("|")}`)
      .join("  ");
  return [
    row("", "Relay", "Baseline", "Ratio"),
    row("messages accepted", relay.accepted, baseline.accepted),
    row("ingest requests/s, while delivering", relay.ingestPerSecond, baseline.ingestPerSecond, `${ratios.ingest}x`),
    row("ingest requests/s, delivery idle", rounds(report.ingestAlone, "a"), rounds(report.ingestAlone, "b"), `${ratios.ingestAlone}x`),
    `  (alternating rounds; the ratio is the median of the rounds': ${report.ingestAlone.rounds.map((r) => `${r.ratio}x`).join(" ")})`,
    row("ingest latency p50/p95/p99 (ms)", latency(relay), latency(baseline)),
    row("all delivered after (s)", relay.allDeliveredSeconds, baseline.allDeliveredSeconds),
    row("drain messages/s", relay.drainPerSecond, baseline.drainPerSecond, `${ratios.drain}x`),
    row("delivery trailed ingest by (s)", relay.backlogSeconds, baseline.backlogSeconds),
    row("peak runtime memory (MiB)", relay.peakRuntimeMiB, baseline.peakRuntimeMiB),
    row("D1 round trips/msg, ingest", d1.ingestRoundTripsPerMessage, 1),
    row("D1 statements/msg, ingest", d1.ingestStatementsPerMessage, 1),
    row("D1 round trips/msg, dispatch", d1.dispatchRoundTripsPerMessage, 1),
    row("D1 statements/msg, dispatch", d1.dispatchStatementsPerMessage, 1),
    `dispatch round trips by batch size: ${sizes(d1)}`,
    `with a 200 ms provider: ${report.d1SlowProvider.dispatchRoundTripsPerMessage} round trips/msg; by batch size: ${sizes(report.d1SlowProvider)}`,
    `provider guard (breaker + health) reports: ${d1.guardReportsPerMessage}/msg, ${d1.guardReportMsPerMessage} ms awaited/msg; with a 200 ms provider: ${report.d1SlowProvider.guardReportsPerMessage}/msg, ${report.d1SlowProvider.guardReportMsPerMessage} ms/msg`,
    `messages lost: ${relay.accepted - (relay.providerSends ?? relay.accepted)} (provider received ${relay.providerSends} of ${relay.accepted})`,
    ...eventLines(report),
  ].join("\n");
}

function eventLines(report: BenchReport): string[] {
  const events = report.events;
  if (!events) return [];
  const row = (label: string, a: string | number, b: string | number, c = "") =>
    `${label.padEnd(36)}${pad(a, 20)}${pad(b, 20)}${pad(c, 8)}`;
  return [
    "",
    row("tenant events (cron every 1 s)", "1 endpoint", "no endpoint", "Ratio"),
    row("drain messages/s", rounds(events.drain, "a"), rounds(events.drain, "b"), `${events.drain.medianRatio}x`),
    `  (alternating rounds; the ratio is the median of the rounds': ${events.drain.rounds.map((r) => `${r.ratio}x`).join(" ")})`,
    `events received: ${events.eventsReceived} of ${events.eventsExpected} (message.sent), the last ${events.eventsTrailedSeconds} s after the last round's delivery`,
  ];
}

/** Two grouped bar charts (throughput, latency), Relay beside the baseline. */
export function svgChart(report: BenchReport): string {
  const groups = [
    { label: "ingest req/s", relay: report.relay.ingestPerSecond, baseline: report.baseline.ingestPerSecond },
    { label: "drain msg/s", relay: report.relay.drainPerSecond, baseline: report.baseline.drainPerSecond },
  ];
  const latency = [
    { label: "p50 ms", relay: report.relay.latencyMs.p50, baseline: report.baseline.latencyMs.p50 },
    { label: "p95 ms", relay: report.relay.latencyMs.p95, baseline: report.baseline.latencyMs.p95 },
    { label: "p99 ms", relay: report.relay.latencyMs.p99, baseline: report.baseline.latencyMs.p99 },
  ];
  const panel = (x0: number, title: string, data: { label: string; relay: number; baseline: number }[]) => {
    const max = Math.max(...data.flatMap((d) => [d.relay, d.baseline]), 1);
    const bars = data
      .map((d, i) => {
        const x = x0 + 20 + i * 110;
        const bar = (value: number, dx: number, color: string) => {
          const h = (value / max) * 200;
          return `<rect x="${x + dx}" y="${250 - h}" width="40" height="${h}" fill="${color}"/><text x="${x + dx + 20}" y="${245 - h}" font-size="11" text-anchor="middle">${value}</text>`;
        };
        return `${bar(d.relay, 0, "#2f6fb5")}${bar(d.baseline, 44, "#a0a0a0")}<text x="${x + 42}" y="268" font-size="12" text-anchor="middle">${d.label}</text>`;
      })
      .join("");
    return `<text x="${x0 + 20}" y="24" font-size="14" font-weight="bold">${title}</text>${bars}`;
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="310" font-family="sans-serif">
<rect width="640" height="310" fill="white"/>
${panel(0, "Throughput", groups)}
${panel(260, "Ingest latency", latency)}
<rect x="20" y="285" width="12" height="12" fill="#2f6fb5"/><text x="38" y="296" font-size="12">Relay</text>
<rect x="100" y="285" width="12" height="12" fill="#a0a0a0"/><text x="118" y="296" font-size="12">Baseline (1 insert + 1 queue send; 1 update per message)</text>
</svg>
`;
}

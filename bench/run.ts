import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { startBaseline } from "./baseline-target";
import { startEventEndpoint } from "./event-endpoint";
import { type DatabasesReport, databasesTable, measureDatabases } from "./databases";
import { d1Costs } from "./d1-calibration";
import { measure, measureIngestAlone, measureEvents } from "./phase";
import { startRelay } from "./relay-target";
import { type BenchReport, svgChart, table } from "./report";

/**
 * `npm run bench [-- --messages 5000 --concurrency 32]`: Relay's local stack against a
 * baseline of minimal workers on the same runtime. A short metered run first counts D1 work.
 * `-- --databases N`: instead, the baseline with its writes spread over 1 and N local databases.
 */
const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "32" },
    "calibration-messages": { type: "string", default: "500" },
    databases: { type: "string" },
  },
});
const messages = Number(values.messages);
/** A provider this slow makes a batch outlast the outcome flush interval, so early writes show. */
const SLOW_PROVIDER_MS = 200;
const concurrency = Number(values.concurrency);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`;

if (values.databases) {
  // `--databases N`: only the scaling run — the baseline's writes over 1, then N, local databases.
  const databases = Number(values.databases);
  console.log(`Baseline over 1 and ${databases} local D1 databases: ${messages} messages, concurrency ${concurrency}\n`);
  const runs = await measureDatabases([1, databases], messages, concurrency);
  const report: DatabasesReport = { at: new Date().toISOString(), machine, runs };
  console.log(`\n${databasesTable(runs)}\n`);
  mkdirSync("bench/results", { recursive: true });
  const file = `bench/results/databases-${report.at.replace(/[:.]/g, "-")}.json`;
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Wrote ${file}`);
  process.exit(0);
}

console.log(`Relay benchmark: ${messages} messages, concurrency ${concurrency}\n`);

console.log("1/4 counting D1 work (metered runs: a fast provider, then one taking 200 ms a send)");
const metered = await startRelay({ meter: true });
await measure(metered, Number(values["calibration-messages"]), concurrency);
const d1 = d1Costs(metered.meterLines);
await metered.stop();
const slowMetered = await startRelay({ meter: true, providerLatencyMs: SLOW_PROVIDER_MS });
await measure(slowMetered, Number(values["calibration-messages"]), concurrency);
const d1SlowProvider = d1Costs(slowMetered.meterLines);
await slowMetered.stop();

console.log("2/4 Relay");
const relayTarget = await startRelay({ meter: false });
const relay = await measure(relayTarget, messages, concurrency);
const relayIngestAlone = await measureIngestAlone(relayTarget, messages, concurrency);
await relayTarget.stop();

console.log("3/4 baseline");
const baselineTarget = await startBaseline();
const baseline = await measure(baselineTarget, messages, concurrency);
const baselineIngestAlone = await measureIngestAlone(baselineTarget, messages, concurrency);
await baselineTarget.stop();

console.log("4/4 Relay without and with one subscribed event endpoint (the cron fanning events out every second)");
const EVENT_CRON_MS = 1_000;
const withoutEndpoint = await startRelay({ meter: false, cronIntervalMs: EVENT_CRON_MS });
const withoutEvents = await measure(withoutEndpoint, messages, concurrency);
await withoutEndpoint.stop();
const endpoint = await startEventEndpoint();
const withEndpoint = await startRelay({ meter: false, cronIntervalMs: EVENT_CRON_MS, eventEndpointUrl: endpoint.url });
const withEvents = await measure(withEndpoint, messages, concurrency);
const eventsDelivered = await measureEvents(withEvents, endpoint);
await withEndpoint.stop();
await endpoint.close();

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const report: BenchReport = {
  at: new Date().toISOString(),
  machine,
  relay,
  baseline,
  d1,
  d1SlowProvider,
  ingestAlone: { relay: relayIngestAlone, baseline: baselineIngestAlone },
  ratios: {
    ingest: ratio(relay.ingestPerSecond, baseline.ingestPerSecond),
    ingestAlone: ratio(relayIngestAlone, baselineIngestAlone),
    drain: ratio(relay.drainPerSecond, baseline.drainPerSecond),
  },
  events: { without: withoutEvents, with: withEvents, ...eventsDelivered, drainRatio: ratio(withEvents.drainPerSecond, withoutEvents.drainPerSecond) },
};

console.log(`\n${table(report)}\n`);
mkdirSync("bench/results", { recursive: true });
const stamp = report.at.replace(/[:.]/g, "-");
writeFileSync(`bench/results/${stamp}.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync("bench/results/latest.json", `${JSON.stringify(report, null, 2)}\n`);
writeFileSync("bench/results/latest.svg", svgChart(report));
console.log(`Wrote bench/results/${stamp}.json, bench/results/latest.json and bench/results/latest.svg`);

import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { startBaseline } from "./baseline-target";
import { d1Costs } from "./d1-calibration";
import { type DatabasesReport, databasesTable, measureDatabases } from "./databases";
import { startEventEndpoint } from "./event-endpoint";
import { pairedRounds } from "./paired-rounds";
import { measure, measureEvents, measureIngestAlone } from "./phase";
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
    rounds: { type: "string", default: "5" },
    // Ingest alone schedules its messages an hour ahead; the local queue holds at most 10,000 delayed
    // messages (one timer each), so warm-up and rounds stay under it: 500 + 5 × 1,500.
    "round-messages": { type: "string", default: "1500" },
    databases: { type: "string" },
  },
});
const messages = Number(values.messages);
/** A provider this slow makes a batch outlast the outcome flush interval, so early writes show. */
const SLOW_PROVIDER_MS = 200;
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const roundMessages = Number(values["round-messages"]);

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

console.log("1/5 counting D1 work (metered runs: a fast provider, then one taking 200 ms a send)");
const metered = await startRelay({ meter: true });
await measure(metered, Number(values["calibration-messages"]), concurrency);
const d1 = d1Costs(metered.meterLines);
await metered.stop();
const slowMetered = await startRelay({ meter: true, providerLatencyMs: SLOW_PROVIDER_MS });
await measure(slowMetered, Number(values["calibration-messages"]), concurrency);
const d1SlowProvider = d1Costs(slowMetered.meterLines);
await slowMetered.stop();

console.log("2/5 Relay");
const relayTarget = await startRelay({ meter: false });
const relay = await measure(relayTarget, messages, concurrency);
await relayTarget.stop();

console.log("3/5 baseline");
const baselineTarget = await startBaseline();
const baseline = await measure(baselineTarget, messages, concurrency);
await baselineTarget.stop();

console.log(`4/5 ingest alone (delivery idle): Relay and baseline in ${rounds} alternating rounds of ${roundMessages}`);
const [relayIdle, baselineIdle] = await Promise.all([startRelay({ meter: false }), startBaseline()]);
await measureIngestAlone(relayIdle, 500, concurrency);
await measureIngestAlone(baselineIdle, 500, concurrency);
const ingestAlone = await pairedRounds(
  rounds,
  () => measureIngestAlone(relayIdle, roundMessages, concurrency),
  () => measureIngestAlone(baselineIdle, roundMessages, concurrency),
  "ingest alone",
);
await Promise.all([relayIdle.stop(), baselineIdle.stop()]);

console.log(
  `5/5 delivery with and without one subscribed event endpoint (the cron fanning events out every second), ${rounds} alternating rounds of ${roundMessages}`,
);
const EVENT_CRON_MS = 1_000;
const endpoint = await startEventEndpoint();
const [withEndpoint, withoutEndpoint] = await Promise.all([
  startRelay({ meter: false, cronIntervalMs: EVENT_CRON_MS, eventEndpointUrl: endpoint.url }),
  startRelay({ meter: false, cronIntervalMs: EVENT_CRON_MS }),
]);
const withEvents = await pairedRounds(
  rounds,
  async () => (await measure(withEndpoint, roundMessages, concurrency)).drainPerSecond,
  async () => (await measure(withoutEndpoint, roundMessages, concurrency)).drainPerSecond,
  "drain with/without endpoint",
);
const eventsDelivered = await measureEvents(rounds * roundMessages, endpoint);
await Promise.all([withEndpoint.stop(), withoutEndpoint.stop()]);
await endpoint.close();

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const report: BenchReport = {
  at: new Date().toISOString(),
  machine,
  relay,
  baseline,
  d1,
  d1SlowProvider,
  ingestAlone,
  ratios: {
    ingest: ratio(relay.ingestPerSecond, baseline.ingestPerSecond),
    ingestAlone: ingestAlone.medianRatio,
    drain: ratio(relay.drainPerSecond, baseline.drainPerSecond),
  },
  events: { drain: withEvents, ...eventsDelivered },
};

console.log(`\n${table(report)}\n`);
mkdirSync("bench/results", { recursive: true });
const stamp = report.at.replace(/[:.]/g, "-");
writeFileSync(`bench/results/${stamp}.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync("bench/results/latest.json", `${JSON.stringify(report, null, 2)}\n`);
writeFileSync("bench/results/latest.svg", svgChart(report));
console.log(`Wrote bench/results/${stamp}.json, bench/results/latest.json and bench/results/latest.svg`);

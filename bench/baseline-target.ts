import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { bundleEntry } from "../scripts/build-workers";
import { freePort } from "../test/support/node/fakes/free-port";
import type { Target } from "./target";

const COMPATIBILITY_DATE = "2026-04-20";

/** How many tenants the load spreads over (`x-tenant`); with several databases, each tenant has one. */
const TENANTS = 64;

/**
 * Two minimal workers on the same runtime and the same kind of persisted local D1 and
 * queue: the irreducible work Relay's throughput is compared with. `databases` > 1 spreads
 * the tenants over that many local D1 databases (bindings `DB_0`…), each tenant on one.
 */
export async function startBaseline(databases = 1): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "relay-baseline-"));
  const [ingestScript, consumerScript] = await Promise.all([
    bundleEntry("bench/baseline/ingest.ts", join(dir, "build", "ingest", "index.js")),
    bundleEntry("bench/baseline/consumer.ts", join(dir, "build", "consumer", "index.js")),
  ]);
  const bindings = Object.fromEntries(Array.from({ length: databases }, (_, i) => [`DB_${i}`, `baseline-${i}`]));
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: await freePort(),
    cf: false,
    defaultPersistRoot: join(dir, "state"),
    log: new Log(LogLevel.WARN),
    workers: [
      {
        name: "baseline-ingest",
        modules: true,
        scriptPath: ingestScript,
        modulesRoot: join(dir, "build", "ingest"),
        compatibilityDate: COMPATIBILITY_DATE,
        d1Databases: bindings,
        bindings: { SHARDS: String(databases) },
        queueProducers: { QUEUE: "baseline" },
      },
      {
        name: "baseline-consumer",
        modules: true,
        scriptPath: consumerScript,
        modulesRoot: join(dir, "build", "consumer"),
        compatibilityDate: COMPATIBILITY_DATE,
        d1Databases: bindings,
        bindings: { SHARDS: String(databases) },
        queueConsumers: { baseline: { maxBatchSize: 100, maxBatchTimeout: 1 } },
      },
    ],
  });
  const url = (await mf.ready).toString();
  const dbs = await Promise.all(Object.keys(bindings).map((binding) => mf.getD1Database(binding, "baseline-ingest")));
  for (const db of dbs)
    await db.exec(
      "CREATE TABLE baseline_messages (id TEXT PRIMARY KEY, body TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL)",
    );
  return {
    name: databases === 1 ? "Baseline" : `Baseline, ${databases} databases`,
    async send(index, later) {
      const body = JSON.stringify({
        channel: "email",
        to: `user${index}@example.com`,
        subject: `Bench ${index}`,
        content: { text: `message ${index}` },
      });
      const headers = {
        "content-type": "application/json",
        "x-tenant": `ten_${index % TENANTS}`,
        ...(later ? { "x-delay-seconds": "3600" } : {}),
      };
      const response = await fetch(url, { method: "POST", headers, body });
      await response.arrayBuffer();
      return response.status === 202;
    },
    async delivered() {
      const counts = await Promise.all(
        dbs.map((db) => db.prepare("SELECT COUNT(*) AS n FROM baseline_messages WHERE status = 'sent'").first<{ n: number }>()),
      );
      return counts.reduce((sum, row) => sum + (row?.n ?? 0), 0);
    },
    meterLines: [],
    async stop() {
      await mf.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

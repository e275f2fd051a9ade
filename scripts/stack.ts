import { execFile } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import { Log, LogLevel, Miniflare, type WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { sealCanary } from "../shared/crypto/secret-canary";
import { bundleWorker, type WorkerName } from "./build-workers";
import { devSecrets } from "./dev-secrets";

export type StackOptions = {
  /** Folder for the local D1/queue state, the build and the dev secret. */
  stateDir: string;
  ingestPort: number;
  webhooksPort: number;
  /** How often the dispatch and webhooks crons fire locally (wrangler does not run crons by itself). */
  cronIntervalMs: number;
  logLevel?: LogLevel;
  /** Extra vars per worker, on top of the local defaults (e.g. shorter dispatch timings). */
  vars?: Partial<Record<WorkerName, Record<string, string>>>;
  /** Receives each line the workers print, instead of the terminal. */
  onRuntimeOutput?: (line: string) => void;
};

export type Stack = {
  mf: Miniflare;
  ingestUrl: string;
  webhooksUrl: string;
  dispose(): Promise<void>;
};

const CONFIGS: Record<WorkerName, string> = {
  ingest: "wrangler.ingest.toml",
  dispatch: "wrangler.dispatch.toml",
  webhooks: "wrangler.webhooks.toml",
};

/** Local retries are short so a dead letter shows within seconds (SPEC §9). */
const LOCAL_DELIVERY_CONSUMER = { maxRetries: 3, retryDelay: 1 };
const LOCAL_BREAKER_VARS = { BREAKER_COOLDOWN_SECONDS: "10" };
/** Miniflare keeps a client's own cf-connecting-ip: locally every sign-in shares one bucket. */
const LOCAL_INGEST_VARS = { CLIENT_ADDRESS_HEADER: "none" };
/** Local fakes (e2e, bench, your own) listen on 127.0.0.1; deployed, providers must name public hosts. */
const LOCAL_OUTBOUND_VARS = { OUTBOUND_ALLOW_LOOPBACK: "true" };
/** Event webhooks retry within about two minutes locally, and a lost job is swept after 10 s. */
const LOCAL_EVENT_VARS = { EVENT_RETRY_SCHEDULE: "1,2,4,8,15,30,60", EVENT_SWEEP_AFTER_SECONDS: "10" };
/** Locally an inbound message is analysed about 2 s after a burst ends; a failing model dead-letters within seconds. */
const LOCAL_WEBHOOKS_VARS = { ANALYSIS_DEBOUNCE_SECONDS: "2" };
const LOCAL_ANALYSIS_VARS = { ANALYSIS_RETRY_SCHEDULE: "1,2", ANALYSIS_SWEEP_AFTER_SECONDS: "10", ANALYSIS_TIMEOUT_MS: "10000" };
const LOCAL_DISPATCH_VARS = {
  RETRY_BASE_SECONDS: "1",
  // Locally a failing webhook dead-letters within seconds too (deployed, its retries reach ~8 h).
  RETRY_SCHEDULES: "webhook=1,2,4",
  SWEEP_AFTER_SECONDS: "60",
  ...LOCAL_BREAKER_VARS,
  ...LOCAL_OUTBOUND_VARS,
  ...LOCAL_EVENT_VARS,
  ...LOCAL_ANALYSIS_VARS,
};

const run = promisify(execFile);

/** The same migration files and the same command as a deploy: `wrangler d1 migrations apply`. */
export async function applyMigrations(stateDir: string): Promise<void> {
  await run(
    process.execPath,
    [
      resolve("node_modules/wrangler/bin/wrangler.js"),
      "d1",
      "migrations",
      "apply",
      "relay",
      "--local",
      "--persist-to",
      stateDir,
      "-c",
      CONFIGS.ingest,
    ],
    { env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" } },
  );
}

async function workerOptions(name: WorkerName, buildDir: string, bindings: Record<string, string>): Promise<WorkerOptions> {
  const config = unstable_readConfig({ config: CONFIGS[name] });
  const { workerOptions } = unstable_getMiniflareWorkerOptions(config);
  const scriptPath = await bundleWorker(name, buildDir);
  return {
    ...workerOptions,
    name: config.name,
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    bindings: { ...workerOptions.bindings, ...bindings },
  } as WorkerOptions;
}

function withLocalRetries(options: WorkerOptions): WorkerOptions {
  const consumers = options.queueConsumers;
  if (!consumers || Array.isArray(consumers)) return options;
  return { ...options, queueConsumers: { ...consumers, delivery: { ...consumers.delivery, ...LOCAL_DELIVERY_CONSUMER } } };
}

/**
 * All three workers in one Miniflare: one shared local D1, the queues wired between them,
 * ingest on `ingestPort` and webhooks on its own socket, both on 127.0.0.1.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const stateDir = resolve(options.stateDir);
  const buildDir = join(stateDir, "build");
  await applyMigrations(stateDir);
  const secret = devSecrets(join(stateDir, "dev-secrets.json")).ENCRYPTION_SECRET;
  const secrets = { ENCRYPTION_SECRET: secret, ENCRYPTION_CANARY: await sealCanary(secret) };
  const host = "127.0.0.1";
  const webhooksUrl = `http://${host}:${options.webhooksPort}`;

  const vars = options.vars ?? {};
  const [ingest, dispatch, webhooks] = await Promise.all([
    workerOptions("ingest", buildDir, {
      ...secrets,
      ...LOCAL_BREAKER_VARS,
      ...LOCAL_INGEST_VARS,
      ...LOCAL_OUTBOUND_VARS,
      ...vars.ingest,
      WEBHOOKS_PUBLIC_URL: webhooksUrl,
    }),
    workerOptions("dispatch", buildDir, { ...secrets, ...LOCAL_DISPATCH_VARS, ...vars.dispatch, WEBHOOKS_PUBLIC_URL: webhooksUrl }),
    workerOptions("webhooks", buildDir, { ...secrets, ...LOCAL_OUTBOUND_VARS, ...LOCAL_WEBHOOKS_VARS, ...vars.webhooks }),
  ]);
  const mf = new Miniflare({
    host,
    port: options.ingestPort,
    defaultPersistRoot: join(stateDir, "v3"),
    cf: false,
    log: new Log(options.logLevel ?? LogLevel.INFO),
    ...(options.onRuntimeOutput ? { handleRuntimeStdio: linesTo(options.onRuntimeOutput) } : {}),
    workers: [ingest, withLocalRetries(dispatch), { ...webhooks, unsafeDirectSockets: [{ host, port: options.webhooksPort }] }],
  });
  const ingestUrl = (await mf.ready).toString().replace(/\/$/, "");

  const cron = setInterval(() => {
    void fireCron(mf).catch((error) => console.error("cron failed:", error));
  }, options.cronIntervalMs);
  return {
    mf,
    ingestUrl,
    webhooksUrl,
    async dispose() {
      clearInterval(cron);
      await mf.dispose();
    },
  };
}

function linesTo(onLine: (line: string) => void) {
  return (stdout: Readable, stderr: Readable) => {
    for (const stream of [stdout, stderr]) createInterface({ input: stream }).on("line", onLine);
  };
}

/** Both workers' crons: dispatch's sweeper and expiries, and webhooks' polling of inbound messages. */
export async function fireCron(mf: Miniflare): Promise<void> {
  const workers = await Promise.all([mf.getWorker("relay-dispatch"), mf.getWorker("relay-webhooks")]);
  await Promise.all(workers.map((worker) => worker.scheduled({ cron: "* * * * *", scheduledTime: new Date() })));
}

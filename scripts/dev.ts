import { seed } from "./seed";
import { startStack } from "./stack";

/** RELAY_<VAR> overrides a dispatch var for the local stack (the e2e fault tests shorten these). */
const TUNABLE_DISPATCH_VARS = [
  "SWEEP_AFTER_SECONDS",
  "LEASE_SECONDS",
  "SEND_TIMEOUT_MS",
  "BREAKER_THRESHOLD",
  "BREAKER_COOLDOWN_SECONDS",
  "ARCHIVE_BUDGET_MS",
  "EVENT_RETRY_SCHEDULE",
  "EVENT_SWEEP_AFTER_SECONDS",
  "EVENT_TIMEOUT_MS",
];
function dispatchOverrides(): Record<string, string> {
  return Object.fromEntries(
    TUNABLE_DISPATCH_VARS.flatMap((name) => (process.env[`RELAY_${name}`] ? [[name, process.env[`RELAY_${name}`] as string]] : [])),
  );
}

function breakerOverrides(): Record<string, string> {
  const overrides = dispatchOverrides();
  return Object.fromEntries(Object.entries(overrides).filter(([name]) => name.startsWith("BREAKER_")));
}

/**
 * `npm run dev`: migrations, seed, all three workers with their queues on one local D1.
 * RELAY_STATE_DIR, RELAY_INGEST_PORT, RELAY_WEBHOOKS_PORT and RELAY_CRON_MS override the defaults.
 */
const stateDir = process.env.RELAY_STATE_DIR ?? ".relay/state";
const stack = await startStack({
  stateDir,
  ingestPort: Number(process.env.RELAY_INGEST_PORT ?? 8787),
  webhooksPort: Number(process.env.RELAY_WEBHOOKS_PORT ?? 8788),
  cronIntervalMs: Number(process.env.RELAY_CRON_MS ?? 10_000),
  // The dashboard judges a circuit with the same breaker settings as dispatch.
  vars: { dispatch: dispatchOverrides(), ingest: breakerOverrides() },
});
const credentialsPath = process.env.RELAY_CREDENTIALS ?? ".relay/dev-credentials.json";
const credentials = await seed(stack.mf, { ingestUrl: stack.ingestUrl, webhooksUrl: stack.webhooksUrl }, credentialsPath);

console.log(`
Relay is running.
  ingest     ${stack.ingestUrl}
  API docs   ${stack.ingestUrl}/docs
  dashboard  ${stack.ingestUrl}/dashboard   (sign in with adminKey or tenantAdminKey from the credentials)
  webhooks   ${stack.webhooksUrl}
  credentials in ${credentialsPath} (tenant ${credentials.tenantId})
Press Ctrl+C to stop.
`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void stack.dispose().finally(() => process.exit(0));
  });
}

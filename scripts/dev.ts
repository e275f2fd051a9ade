import { seed } from "./seed";
import { startStack } from "./stack";

/** RELAY_SWEEP_AFTER_SECONDS and RELAY_LEASE_SECONDS tune recovery (the e2e fault tests shorten them). */
function dispatchOverrides(): Record<string, string> {
  const overrides: Record<string, string> = {};
  if (process.env.RELAY_SWEEP_AFTER_SECONDS) overrides.SWEEP_AFTER_SECONDS = process.env.RELAY_SWEEP_AFTER_SECONDS;
  if (process.env.RELAY_LEASE_SECONDS) overrides.LEASE_SECONDS = process.env.RELAY_LEASE_SECONDS;
  return overrides;
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
  dispatchVars: dispatchOverrides(),
});
const credentials = await seed(stack.mf, stack, process.env.RELAY_CREDENTIALS ?? ".relay/dev-credentials.json");

console.log(`
Relay is running.
  ingest    ${stack.ingestUrl}   (API docs: ${stack.ingestUrl}/docs)
  webhooks  ${stack.webhooksUrl}
  credentials in .relay/dev-credentials.json (tenant ${credentials.tenantId})
Press Ctrl+C to stop.
`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void stack.dispose().finally(() => process.exit(0));
  });
}

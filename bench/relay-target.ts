import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogLevel } from "miniflare";
import { seed } from "../scripts/seed";
import { startStack } from "../scripts/stack";
import { fakeCredentials } from "../test/support/node/fakes/fake-credentials";
import { freePort } from "../test/support/node/fakes/free-port";
import { startFakeProviderProcess } from "./fake-provider-client";
import type { Target } from "./target";

/**
 * Relay's real three-worker stack (the code `npm run dev` runs, in this process's Miniflare),
 * sending email through the Resend adapter to a fake Resend on 127.0.0.1.
 */
export async function startRelay(options: {
  meter: boolean;
  providerLatencyMs?: number;
  /** How often the dispatch cron fires (default 60 s, as deployed); the cron fans tenant events out. */
  cronIntervalMs?: number;
  /** A tenant event endpoint subscribed to every type, at this URL. */
  eventEndpointUrl?: string;
}): Promise<Target> {
  const stateDir = mkdtempSync(join(tmpdir(), "relay-bench-"));
  const meterLines: string[] = [];
  const creds = fakeCredentials();
  const resend = await startFakeProviderProcess(creds.resend.apiKey, creds.resend.webhookSecret, options.providerLatencyMs);
  const meter: Record<string, string> = options.meter ? { D1_METER: "log" } : {};
  const stack = await startStack({
    stateDir,
    ingestPort: await freePort(),
    webhooksPort: await freePort(),
    cronIntervalMs: options.cronIntervalMs ?? 60_000,
    logLevel: LogLevel.WARN,
    vars: { ingest: meter, dispatch: meter },
    onRuntimeOutput: (line) => {
      if (line.includes('"d1.meter"')) meterLines.push(line);
    },
  });
  const credentials = await seed(
    stack.mf,
    { ingestUrl: stack.ingestUrl, webhooksUrl: stack.webhooksUrl },
    join(stateDir, "credentials.json"),
  );
  const provider = await fetch(`${stack.ingestUrl}/v1/providers`, {
    method: "POST",
    headers: { authorization: `Bearer ${credentials.adminKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      type: "resend",
      name: "fake resend",
      tenantId: credentials.tenantId,
      config: { apiKey: creds.resend.apiKey, from: "bench@example.com", baseUrl: resend.baseUrl },
    }),
  });
  if (provider.status !== 201) throw new Error(`provider: ${await provider.text()}`);
  if (options.eventEndpointUrl) {
    const endpoint = await fetch(`${stack.ingestUrl}/v1/webhook-endpoints`, {
      method: "POST",
      headers: { authorization: `Bearer ${credentials.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({ url: options.eventEndpointUrl, tenantId: credentials.tenantId }),
    });
    if (endpoint.status !== 201) throw new Error(`event endpoint: ${await endpoint.text()}`);
  }
  meterLines.length = 0;

  const db = await stack.mf.getD1Database("DB", "relay-ingest");
  const headers = { authorization: `Bearer ${credentials.apiKey}`, "content-type": "application/json" };
  return {
    name: "Relay",
    async send(index, later) {
      const scheduledAt = later ? new Date(Date.now() + 3_600_000).toISOString() : undefined;
      const body = JSON.stringify({
        channel: "email",
        to: `user${index}@example.com`,
        subject: `Bench ${index}`,
        content: { text: `message ${index}` },
        scheduledAt,
      });
      const response = await fetch(`${stack.ingestUrl}/v1/messages`, { method: "POST", headers, body });
      await response.arrayBuffer();
      return response.status === 202;
    },
    async delivered() {
      const row = await db.prepare("SELECT COUNT(*) AS n FROM messages WHERE status IN ('sent', 'delivered')").first<{ n: number }>();
      return row?.n ?? 0;
    },
    meterLines,
    providerSends: () => resend.sends(),
    async stop() {
      await stack.dispose();
      await resend.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

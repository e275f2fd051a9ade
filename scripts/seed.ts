import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Miniflare } from "miniflare";
import { CHANNELS } from "../shared/domain/enums";
import { newAdminKey } from "./admin-key";

export type DevCredentials = {
  /** Ops key: every tenant. */
  adminKey: string;
  tenantId: string;
  /** The demo tenant's send + read key: send and read messages. */
  apiKey: string;
  /** The demo tenant's admin key: also its providers, dead letters and keys. */
  tenantAdminKey: string;
  ingestUrl: string;
  webhooksUrl: string;
};

async function api<T>(baseUrl: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as { data: T };
  return { status: response.status, data: json.data };
}

async function issueKey(ingestUrl: string, opsKey: string, tenantId: string, name: string, scopes: string[]): Promise<string> {
  const answer = await api<{ key: string }>(ingestUrl, opsKey, "POST", `/v1/tenants/${tenantId}/api-keys`, { name, scopes });
  if (answer.status !== 201) throw new Error(`could not issue the ${name} key (${answer.status})`);
  return answer.data.key;
}

async function stillValid(previous: DevCredentials, ingestUrl: string): Promise<boolean> {
  const answer = await api(ingestUrl, previous.adminKey, "GET", `/v1/tenants/${previous.tenantId}`).catch(() => undefined);
  return answer?.status === 200;
}

/**
 * A demo tenant with a send+read key and an admin key, an ops admin key, and a `system` provider for every
 * channel. Everything but the first admin key goes through the real API. Runs once per
 * state folder; later starts reuse what `.relay/dev-credentials.json` holds.
 */
export async function seed(
  mf: Miniflare,
  urls: { ingestUrl: string; webhooksUrl: string },
  credentialsPath: string,
): Promise<DevCredentials> {
  if (existsSync(credentialsPath)) {
    const previous = JSON.parse(readFileSync(credentialsPath, "utf8")) as DevCredentials;
    if (await stillValid(previous, urls.ingestUrl)) {
      // Credentials from before the tenant admin key was seeded get one now.
      const tenantAdminKey =
        previous.tenantAdminKey ?? (await issueKey(urls.ingestUrl, previous.adminKey, previous.tenantId, "demo admin", ["admin"]));
      await seedSystemProviders(urls.ingestUrl, previous.adminKey);
      await seedRulesAnalysis(urls.ingestUrl, tenantAdminKey);
      return write(credentialsPath, { ...previous, tenantAdminKey, ...urls });
    }
  }
  const admin = newAdminKey("dev ops admin");
  const db = await mf.getD1Database("DB", "relay-ingest");
  await db.exec(admin.sql);

  const tenant = await api<{ id: string }>(urls.ingestUrl, admin.key, "POST", "/v1/tenants", { name: "Demo" });
  const apiKey = await issueKey(urls.ingestUrl, admin.key, tenant.data.id, "demo", ["send", "read"]);
  const tenantAdminKey = await issueKey(urls.ingestUrl, admin.key, tenant.data.id, "demo admin", ["admin"]);
  await seedSystemProviders(urls.ingestUrl, admin.key);
  await seedRulesAnalysis(urls.ingestUrl, tenantAdminKey);
  return write(credentialsPath, { adminKey: admin.key, tenantId: tenant.data.id, apiKey, tenantAdminKey, ...urls });
}

/**
 * Conversation analysis on, with the rules analyzer (no account, no model) and the rule set of
 * eval/analysis/rules.json — only if the demo tenant has never saved analysis settings.
 */
async function seedRulesAnalysis(ingestUrl: string, tenantAdminKey: string): Promise<void> {
  const current = await api<{ updatedAt: string | null }>(ingestUrl, tenantAdminKey, "GET", "/v1/analysis/settings");
  if (current.status !== 200 || current.data.updatedAt !== null) return;
  const ruleSet = JSON.parse(readFileSync("eval/analysis/rules.json", "utf8")) as { categories: string[]; rules: unknown[] };
  const saved = await api(ingestUrl, tenantAdminKey, "PUT", "/v1/analysis/settings", {
    enabled: true,
    analyzer: "rules",
    categories: ruleSet.categories,
    rules: ruleSet.rules,
  });
  if (saved.status !== 200) throw new Error(`could not seed the analysis settings (${saved.status})`);
}

/** A `system` default for every channel that has none yet (a state folder from before a channel existed gets one too). */
async function seedSystemProviders(ingestUrl: string, opsKey: string): Promise<void> {
  const existing = await api<{ items: { channel: string }[] }>(ingestUrl, opsKey, "GET", "/v1/providers?system=true");
  for (const channel of CHANNELS.filter((c) => !existing.data.items.some((p) => p.channel === c))) {
    await api(ingestUrl, opsKey, "POST", "/v1/providers", {
      type: "system",
      name: `System ${channel}`,
      channel,
      tenantId: null,
      config: {},
    });
  }
}

function write(path: string, credentials: DevCredentials): DevCredentials {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

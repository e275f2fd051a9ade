import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deployContext } from "../../scripts/deploy/context";
import { deploy } from "../../scripts/deploy/plan";
import { fileSecretSource } from "../../scripts/deploy/secrets";
import { secretHealth } from "../../shared/crypto/secret-canary";
import { fakeAccount } from "./fake-account";

const root = resolve(import.meta.dirname, "../..");
const WORKERS = ["relay-webhooks", "relay-dispatch", "relay-ingest"];

const outDirs: string[] = [];
afterAll(() => {
  for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
});

function setup(provided?: string) {
  const account = fakeAccount(root);
  const outDir = mkdtempSync(join(tmpdir(), "relay-deploy-test-"));
  outDirs.push(outDir);
  const lines: string[] = [];
  const run = (dryRun = false) =>
    deploy(
      deployContext(account.run, dryRun, (line) => lines.push(line)),
      {
        root,
        outDir,
        secrets: fileSecretSource(join(outDir, "pending-secret"), provided),
      },
    );
  return { account, outDir, lines, run };
}

const changes = (calls: { args: string[] }[]) =>
  calls.filter(({ args }) => ["create", "put", "migrations"].includes(args[1]) || args[0] === "deploy" || /INSERT/.test(args.join(" ")));

describe("npm run deploy", () => {
  it("provisions, deploys in dependency order, and gives every worker one secret that opens the canary", async () => {
    const { account, outDir, lines, run } = setup();
    const result = await run();

    expect(account.state.databases.map((d) => d.name)).toEqual(["relay"]);
    expect([...account.state.queues].sort()).toEqual(["analysis", "analysis-dlq", "delivery", "delivery-dlq", "events", "events-dlq"]);
    expect([...account.state.buckets].sort()).toEqual(["relay-archive", "relay-attachments", "relay-media"]);
    expect(account.state.migrationsApplied).toBe(1);
    expect(account.state.deployed.map((d) => d.name)).toEqual(WORKERS);
    for (const { config } of account.state.deployed) expect(config).toContain(`database_id = "${result.databaseId}"`);
    expect(account.state.deployed[1].config).toContain('WEBHOOKS_PUBLIC_URL = "https://relay-webhooks.acme.workers.dev"');
    // The dashboard shows providers' callback URLs on the same public URL.
    expect(account.state.deployed[2].config).toContain('WEBHOOKS_PUBLIC_URL = "https://relay-webhooks.acme.workers.dev"');
    // Workers AI, commented out in the tracked dispatch and ingest configs (no account locally), is bound when deployed.
    expect(account.state.deployed.map((d) => /^\[ai\]\nbinding = "AI"$/m.test(d.config))).toEqual([false, true, true]);
    // Paths in the generated configs point back into the repository.
    const main = /^main = "([^"]+)"/m.exec(readFileSync(join(outDir, "ingest.toml"), "utf8"))?.[1] ?? "";
    expect(readFileSync(resolve(outDir, main), "utf8")).toContain("RelayService");

    const secrets = WORKERS.map((name) => account.state.secrets.get(name)?.get("ENCRYPTION_SECRET"));
    expect(new Set(secrets).size).toBe(1);
    const [secret] = secrets;
    expect(secret?.length).toBeGreaterThanOrEqual(32);
    for (const name of WORKERS) {
      const env = Object.fromEntries(account.state.secrets.get(name) ?? []);
      expect(await secretHealth(env), name).toEqual({ ok: true });
    }
    // The secret travels on stdin only: never in argv, never in what the deploy prints.
    for (const { args } of account.calls) expect(args.join(" ")).not.toContain(secret);
    expect(lines.join("\n")).not.toContain(secret);

    expect(result.opsKey).toMatch(/^rk_/);
    expect(account.state.opsKeyHashes).toEqual([account.sha256(result.opsKey ?? "")]);
    expect(lines.join("\n")).not.toContain(result.opsKey);
  });

  it("changes nothing on a second run", async () => {
    const { account, run } = setup();
    await run();
    const before = account.calls.length;
    const again = await run();
    const secondRun = account.calls.slice(before);
    // Migrations apply "what is new" (wrangler skips applied ones); deploys upload the current code.
    expect(changes(secondRun).map((c) => c.args.slice(0, 2).join(" "))).toEqual(["d1 migrations", "deploy -c", "deploy -c", "deploy -c"]);
    expect(again.opsKey).toBeUndefined();
    expect(account.state.opsKeyHashes).toHaveLength(1);
  });

  it("refuses to guess when a secret was set outside the deploy, and uses the operator's value when given", async () => {
    const { account, run } = setup();
    account.state.secrets.set("relay-ingest", new Map([["ENCRYPTION_SECRET", "set-by-hand-".padEnd(40, "x")]]));
    await expect(run()).rejects.toThrow(/RELAY_ENCRYPTION_SECRET/);
    expect(account.calls.some(({ args }) => args[1] === "put")).toBe(false);

    const withValue = setup("set-by-hand-".padEnd(40, "x"));
    withValue.account.state.secrets.set("relay-ingest", new Map([["ENCRYPTION_SECRET", "set-by-hand-".padEnd(40, "x")]]));
    await withValue.run();
    for (const name of WORKERS)
      expect(await secretHealth(Object.fromEntries(withValue.account.state.secrets.get(name) ?? [])), name).toEqual({ ok: true });
  });

  it("in a dry run, lists every step and calls nothing but offline bundling", async () => {
    const { account, lines, run } = setup();
    await run(true);
    expect(account.calls.map((c) => c.args.slice(0, 2).join(" "))).toEqual(["deploy --dry-run", "deploy --dry-run", "deploy --dry-run"]);
    const plan = lines.join("\n");
    for (const expected of [
      "d1 create relay",
      "queues create delivery",
      "queues create delivery-dlq",
      "queues create events",
      "queues create events-dlq",
      "queues create analysis",
      "queues create analysis-dlq",
      "r2 bucket create relay-archive",
      "r2 bucket create relay-attachments",
      "r2 bucket create relay-media",
      "d1 migrations apply relay --remote",
      "secret put ENCRYPTION_SECRET",
      "secret put ENCRYPTION_CANARY",
      "ops key",
    ])
      expect(plan).toContain(expected);
    expect(plan.indexOf("deploy: relay-webhooks")).toBeLessThan(plan.indexOf("deploy: relay-dispatch"));
    expect(plan.indexOf("deploy: relay-dispatch")).toBeLessThan(plan.indexOf("deploy: relay-ingest"));
  });
});

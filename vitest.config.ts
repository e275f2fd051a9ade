import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import type { WorkerOptions } from "miniflare";
import { defineConfig, type Plugin } from "vitest/config";

/** Made fresh for every run: no secret, not even a test one, is written into the repository. */
const testSecret = randomBytes(32).toString("base64url");

/**
 * The ingest worker binds the dispatch worker's ProviderGuard (provider health on the dashboard);
 * its test project has no dispatch worker, so a stand-in reports every circuit closed.
 */
const dispatchStandIn: WorkerOptions = {
  name: "relay-dispatch",
  modules: true,
  compatibilityDate: "2026-04-20",
  script: `import { DurableObject } from "cloudflare:workers";
export class ProviderGuard extends DurableObject {
  status() { return { state: "closed", consecutiveFailures: 0, openedAt: null, buckets: [], history: [] }; }
}
export default { fetch: () => new Response(null, { status: 404 }) };`,
};

/** wrangler.ingest.toml's Text rule, for the tests: /docs serves this browser bundle as text. */
const docsBundleAsText: Plugin = {
  name: "relay-docs-bundle-as-text",
  enforce: "pre",
  load(id) {
    if (!/api-reference[\\/]dist[\\/]browser[\\/]standalone\.js$/.test(id)) return undefined;
    return `export default ${JSON.stringify(readFileSync(id, "utf8"))};`;
  },
};

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  const workerProject = (
    name: string,
    configPath: string,
    globalSetup: string[] = [],
    workers: WorkerOptions[] = [],
    extra: { r2Buckets?: string[] } = {},
  ) => ({
    plugins: [
      docsBundleAsText,
      cloudflareTest({
        wrangler: { configPath },
        // Tests' fakes listen on 127.0.0.1: the explicit local allowance of loopback (never in a wrangler TOML).
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, ENCRYPTION_SECRET: testSecret, OUTBOUND_ALLOW_LOOPBACK: "true" },
          workers,
          ...extra,
        },
      }),
    ],
    test: {
      name,
      include: [`test/${name}/**/*.test.ts`],
      setupFiles: ["test/support/apply-migrations.ts"],
      globalSetup,
    },
  });
  return {
    test: {
      // The system provider logs every send (useful in `npm run dev`); in tests it is only noise.
      onConsoleLog: (log: string) => !log.includes('"event":"system_provider.send"'),
      projects: [
        workerProject(
          "ingest",
          "./wrangler.ingest.toml",
          ["test/support/node/event-receiver.ts", "test/support/node/untrusted-tls.ts"],
          [dispatchStandIn],
        ),
        workerProject("dispatch", "./wrangler.dispatch.toml", ["test/support/node/event-receiver.ts"]),
        workerProject("shared", "./wrangler.webhooks.toml"),
        workerProject("webhooks", "./wrangler.webhooks.toml", ["test/support/node/sns-certificate.ts"]),
        // Provider adapters against local servers on 127.0.0.1: Prism mocks built from the
        // providers' published OpenAPI documents, and fake servers where none exists.
        // The deploy script's plan against a fake account, in Node (it drives wrangler).
        { test: { name: "deploy", include: ["test/deploy/**/*.test.ts"], environment: "node" } },
        // The fakes' own cryptography against published test vectors, in Node like the fakes.
        { test: { name: "fakes", include: ["test/fakes/**/*.test.ts"], environment: "node" } },
        // npm run eval:analysis's scoring, in Node like the script.
        { test: { name: "scripts", include: ["test/scripts/**/*.test.ts"], environment: "node" } },
        // Dispatch's bindings, plus the webhooks worker's MEDIA bucket: inbound files are fetched from fake providers here.
        workerProject(
          "providers",
          "./wrangler.dispatch.toml",
          ["test/support/node/provider-servers.ts", "test/support/node/smtp-server.ts", "test/support/node/push-servers.ts"],
          [],
          { r2Buckets: ["ARCHIVE", "MEDIA"] },
        ),
      ],
    },
  };
});

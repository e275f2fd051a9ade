import { randomBytes } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** Made fresh for every run: no secret, not even a test one, is written into the repository. */
const testSecret = randomBytes(32).toString("base64url");

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  const workerProject = (name: string, configPath: string, globalSetup: string[] = []) => ({
    plugins: [
      cloudflareTest({
        wrangler: { configPath },
        miniflare: { bindings: { TEST_MIGRATIONS: migrations, ENCRYPTION_SECRET: testSecret } },
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
      projects: [
        workerProject("ingest", "./wrangler.ingest.toml"),
        workerProject("dispatch", "./wrangler.dispatch.toml"),
        workerProject("shared", "./wrangler.webhooks.toml"),
        workerProject("webhooks", "./wrangler.webhooks.toml"),
        // Provider adapters against local servers on 127.0.0.1: Prism mocks built from the
        // providers' published OpenAPI documents, and fake servers where none exists.
        workerProject("providers", "./wrangler.dispatch.toml", ["test/support/provider-servers.ts", "test/support/smtp-server.ts"]),
      ],
    },
  };
});

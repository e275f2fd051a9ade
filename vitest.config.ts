import { randomBytes } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** Made fresh for every run: no secret, not even a test one, is written into the repository. */
const testSecret = randomBytes(32).toString("base64url");

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  const workerProject = (name: string, configPath: string) => ({
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
    },
  });
  return {
    test: {
      projects: [
        workerProject("ingest", "./wrangler.ingest.toml"),
        workerProject("dispatch", "./wrangler.dispatch.toml"),
        workerProject("shared", "./wrangler.webhooks.toml"),
      ],
    },
  };
});

import { defineConfig } from "vitest/config";

/**
 * The dashboard in a real browser: Debian's headless Chromium driven by playwright-core against
 * the real three-worker stack (as `npm run dev` starts it). Runs in Node; one file at a time,
 * each with its own stack. Screenshots go to test-results/screenshots/.
 */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});

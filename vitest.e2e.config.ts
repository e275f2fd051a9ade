import { defineConfig } from "vitest/config";

/**
 * End-to-end: the real three-worker stack (as `npm run dev` starts it) driven over HTTP, with
 * fake providers on 127.0.0.1. Runs in Node; one file at a time, each with its own stack.
 */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});

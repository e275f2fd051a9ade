import { join } from "node:path";
import { build } from "esbuild";

export const WORKERS = ["ingest", "dispatch", "webhooks"] as const;
export type WorkerName = (typeof WORKERS)[number];

/** Bundles one worker the way wrangler does (ESM, workerd conditions, runtime modules external). */
export function bundleWorker(name: WorkerName, outDir: string): Promise<string> {
  return bundleEntry(`workers/${name}/index.ts`, join(outDir, name, "index.js"));
}

export async function bundleEntry(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    jsx: "automatic",
    jsxImportSource: "hono/jsx",
    sourcemap: "linked",
    logLevel: "warning",
  });
  return outfile;
}

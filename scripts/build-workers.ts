import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";

export const WORKERS = ["ingest", "dispatch", "webhooks"] as const;
export type WorkerName = (typeof WORKERS)[number];

/** Bundles one worker the way wrangler does (ESM, workerd conditions, runtime modules external). */
export function bundleWorker(name: WorkerName, outDir: string): Promise<string> {
  return bundleEntry(`workers/${name}/index.ts`, join(outDir, name, "index.js"));
}

const textModules: Plugin = {
  name: "text-modules",
  setup(build) {
    build.onLoad({ filter: /api-reference[\\/]dist[\\/]browser[\\/]standalone\.js$/ }, async (args) => ({
      contents: await readFile(args.path, "utf8"),
      loader: "text",
    }));
  },
};

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
    // Like wrangler.ingest.toml's Text rule: the docs' browser bundle is served as text.
    plugins: [textModules],
    jsx: "automatic",
    jsxImportSource: "hono/jsx",
    sourcemap: "linked",
    logLevel: "warning",
  });
  return outfile;
}

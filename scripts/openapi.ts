import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { bundleWorker } from "./build-workers";

/**
 * `npm run openapi [-- <file>]`: writes the ingest worker's /openapi.json (default
 * `clients/typescript/openapi.json`), taken from the bundled worker running in workerd — the very
 * document the deployed worker serves — for the linter and the client generator.
 */
const root = resolve(import.meta.dirname, "..");
const outFile = resolve(root, process.argv[2] ?? "clients/typescript/openapi.json");
const scriptPath = await bundleWorker("ingest", join(root, ".relay", "openapi-build"));
const mf = new Miniflare({
  modules: true,
  scriptPath,
  modulesRoot: dirname(scriptPath),
  compatibilityDate: "2026-04-20",
  cf: false,
  log: new Log(LogLevel.WARN),
});
try {
  const response = await mf.dispatchFetch("http://relay.local/openapi.json");
  if (response.status !== 200) throw new Error(`/openapi.json answered ${response.status}`);
  const document = (await response.json()) as unknown;
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${outFile}`);
} finally {
  await mf.dispose();
}

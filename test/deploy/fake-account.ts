import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { WranglerResult, WranglerRun } from "../../scripts/deploy/wrangler";

export type Call = { args: string[]; input?: string };

/** A Cloudflare account as wrangler would see it: D1, queues, workers with secrets, and the api_keys table. */
export function fakeAccount(root: string) {
  const state = {
    databases: [] as { uuid: string; name: string }[],
    queues: new Set<string>(),
    buckets: new Set<string>(),
    deployed: [] as { name: string; config: string }[],
    secrets: new Map<string, Map<string, string>>(),
    opsKeyHashes: [] as string[],
    migrationsApplied: 0,
  };
  const calls: Call[] = [];
  const ok = (stdout = "", entries: Record<string, unknown>[] = []): WranglerResult => ({ code: 0, stdout, stderr: "", entries });
  const workerOf = (args: string[]) => {
    const config = readFileSync(join(root, args[args.indexOf("-c") + 1]), "utf8");
    return { name: /^name = "([^"]+)"/m.exec(config)?.[1] ?? "?", config };
  };

  const run: WranglerRun = async (args, options = {}) => {
    calls.push({ args, input: options.input || undefined });
    const [command, sub] = args;
    if (command === "d1" && sub === "list") return ok(JSON.stringify(state.databases));
    if (command === "d1" && sub === "create") {
      state.databases.push({ uuid: "0a1b2c3d-0000-4000-8000-00000000d1d1", name: args[2] });
      return ok();
    }
    if (command === "d1" && sub === "migrations") {
      state.migrationsApplied++;
      return ok();
    }
    if (command === "d1" && sub === "execute") {
      const sql = args[args.length - 1];
      if (sql.startsWith("SELECT")) return ok(JSON.stringify([{ results: [{ n: state.opsKeyHashes.length }] }]));
      state.opsKeyHashes.push(/'([0-9a-f]{64})'/.exec(sql)?.[1] ?? "");
      return ok("[]");
    }
    if (command === "r2" && sub === "bucket" && args[2] === "info") return { ...ok(), code: state.buckets.has(args[3]) ? 0 : 1 };
    if (command === "r2" && sub === "bucket" && args[2] === "create") {
      state.buckets.add(args[3]);
      return ok();
    }
    if (command === "queues" && sub === "info") return { ...ok(), code: state.queues.has(args[2]) ? 0 : 1 };
    if (command === "queues" && sub === "create") {
      state.queues.add(args[2]);
      return ok();
    }
    if (command === "deploy") {
      const worker = workerOf(args);
      state.deployed.push(worker);
      return ok("Uploaded", [{ type: "deploy", targets: [`https://${worker.name}.acme.workers.dev`] }]);
    }
    if (command === "secret" && sub === "list") {
      const names = [...(state.secrets.get(workerOf(args).name)?.keys() ?? [])];
      return ok(JSON.stringify(names.map((name) => ({ name, type: "secret_text" }))));
    }
    if (command === "secret" && sub === "put") {
      const { name } = workerOf(args);
      const secrets = state.secrets.get(name) ?? new Map<string, string>();
      secrets.set(args[2], options.input ?? "");
      state.secrets.set(name, secrets);
      return ok();
    }
    return { code: 1, stdout: "", stderr: `unexpected: ${args.join(" ")}`, entries: [] };
  };
  return { run, state, calls, sha256: (text: string) => createHash("sha256").update(text).digest("hex") };
}

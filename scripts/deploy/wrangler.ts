import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type WranglerResult = {
  code: number;
  stdout: string;
  stderr: string;
  /** What wrangler wrote to WRANGLER_OUTPUT_FILE_PATH (one JSON object a line), e.g. a deploy's targets. */
  entries: Record<string, unknown>[];
};

export type WranglerRun = (args: string[], options?: { input?: string }) => Promise<WranglerResult>;

/** Runs the project's own wrangler; `input` goes to its stdin (how secrets travel: never argv). */
export function wranglerCli(root: string): WranglerRun {
  const bin = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
  return (args, options = {}) =>
    new Promise((resolve, reject) => {
      const outputDir = mkdtempSync(join(tmpdir(), "relay-wrangler-"));
      const outputFile = join(outputDir, "output.jsonl");
      const child = spawn(process.execPath, [bin, ...args], {
        cwd: root,
        env: { ...process.env, WRANGLER_OUTPUT_FILE_PATH: outputFile, WRANGLER_SEND_METRICS: "false", CI: "true" },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on("error", reject);
      child.on("close", (code) => {
        let entries: Record<string, unknown>[] = [];
        try {
          entries = readFileSync(outputFile, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Record<string, unknown>);
        } catch {
          // no output file: the command wrote none
        }
        rmSync(outputDir, { recursive: true, force: true });
        resolve({ code: code ?? 1, stdout, stderr, entries });
      });
      child.stdin.end(options.input ?? "");
    });
}

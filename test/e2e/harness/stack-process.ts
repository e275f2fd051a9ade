import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../support/node/fakes/free-port";

export type Credentials = {
  adminKey: string;
  tenantId: string;
  apiKey: string;
  tenantAdminKey: string;
  ingestUrl: string;
  webhooksUrl: string;
};

export type StackProcess = {
  credentials: Credentials;
  stateDir: string;
  /** SIGKILL the whole process group: the Node runner and its workerd. */
  kill(): Promise<void>;
  /** Start again on the same state (same ports, same D1, same secret). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  log(): string;
};

/** Dispatch vars to override (SWEEP_AFTER_SECONDS, LEASE_SECONDS, SEND_TIMEOUT_MS, …) and the cron period. */
export type StackSettings = { dispatch?: Record<string, number | string>; cronMs?: number };

/**
 * The real three-worker stack, started exactly as `npm run dev` starts it, in its own
 * process group, on free ports and a fresh state folder.
 */
export async function startStackProcess(settings: StackSettings = {}): Promise<StackProcess> {
  const stateDir = mkdtempSync(join(tmpdir(), "relay-e2e-"));
  const credentialsPath = join(stateDir, "dev-credentials.json");
  const env = {
    ...process.env,
    RELAY_STATE_DIR: stateDir,
    RELAY_CREDENTIALS: credentialsPath,
    RELAY_INGEST_PORT: String(await freePort()),
    RELAY_WEBHOOKS_PORT: String(await freePort()),
    RELAY_CRON_MS: String(settings.cronMs ?? 2_000),
    ...Object.fromEntries(Object.entries(settings.dispatch ?? {}).map(([name, value]) => [`RELAY_${name}`, String(value)])),
  };
  let child: ChildProcess | undefined;
  let output = "";

  // A restart keeps the credentials file: the seed then reuses the same tenant and keys.
  const start = async () => {
    const from = output.length;
    child = spawn(process.execPath, ["--import", "tsx", "scripts/dev.ts"], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    await waitFor(
      () => existsSync(credentialsPath) && output.includes("Relay is running", from),
      120_000,
      () => output,
    );
  };
  const killGroup = async (signal: NodeJS.Signals) => {
    if (!child?.pid || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    try {
      process.kill(-child.pid, signal);
    } catch {
      return;
    }
    await exited;
  };

  await start();
  const stack: StackProcess = {
    credentials: JSON.parse(readFileSync(credentialsPath, "utf8")) as Credentials,
    stateDir,
    kill: () => killGroup("SIGKILL"),
    async restart() {
      await start();
      stack.credentials = JSON.parse(readFileSync(credentialsPath, "utf8")) as Credentials;
    },
    async stop() {
      await killGroup("SIGTERM");
      await killGroup("SIGKILL");
      rmSync(stateDir, { recursive: true, force: true });
    },
    log: () => output,
  };
  return stack;
}

async function waitFor(ready: () => boolean, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`the stack did not start in time:\n${context().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** Starts bench/fake-provider-process.ts and talks to it over stdin/stdout. */
export async function startFakeProviderProcess(apiKey: string, webhookSecret: string, latencyMs = 0) {
  const args = ["--import", "tsx", "bench/fake-provider-process.ts", apiKey, webhookSecret, String(latencyMs)];
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const nextLine = () => new Promise<string>((resolve) => lines.once("line", resolve));
  const { baseUrl } = JSON.parse(await nextLine()) as { baseUrl: string };
  return {
    baseUrl,
    async sends(): Promise<number> {
      const answer = nextLine();
      child.stdin.write("count\n");
      return (JSON.parse(await answer) as { sends: number }).sends;
    },
    async close(): Promise<void> {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      await exited;
    },
  };
}

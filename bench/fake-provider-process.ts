import { startFakeResend } from "../test/support/node/fakes/fake-resend";

/**
 * The benchmark's fake Resend, in its own process: serving the provider's side must not take
 * the load generator's event loop (the baseline has no provider to serve).
 * Prints `{ baseUrl }` once listening; `count` on stdin answers with the sends so far.
 */
const [apiKey, webhookSecret, latencyMs] = process.argv.slice(2);
const resend = await startFakeResend(apiKey, webhookSecret);
resend.setLatency(Number(latencyMs ?? 0));
process.stdout.write(`${JSON.stringify({ baseUrl: resend.baseUrl })}\n`);
process.stdin.setEncoding("utf8");
process.stdin.on("data", () => process.stdout.write(`${JSON.stringify({ sends: resend.sends.length })}\n`));
process.stdin.on("end", () => void resend.close().then(() => process.exit(0)));

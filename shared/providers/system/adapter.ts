import { log } from "../../observability/logger";
import type { CheckResult, OutboundMessage, Provider, SendOutcome } from "../provider";
import type { SystemConfig } from "./config";

/**
 * The embedded default: logs and succeeds, so the pipeline runs with no account anywhere.
 * `fail` makes it fail on purpose, to show failover (`transient`) or rejection (`permanent`);
 * `latencyMs` makes each send take that long.
 */
export class SystemAdapter implements Provider {
  readonly type = "system" as const;
  constructor(
    readonly id: string,
    private readonly config: SystemConfig,
  ) {}

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    if (this.config.latencyMs) await pause(this.config.latencyMs, signal);
    if (signal.aborted) return { kind: "unavailable", code: "timeout", message: "the provider did not answer in time" };
    if (this.config.fail === "transient")
      return { kind: "unavailable", code: "system_transient", message: "system provider configured to fail (transient)" };
    if (this.config.fail === "permanent")
      return { kind: "rejected", code: "system_permanent", message: "system provider configured to reject (permanent)" };
    log.info("system_provider.send", { providerId: this.id, messageId: message.id, channel: message.channel });
    return { kind: "sent", providerMessageId: `sys_${message.id}` };
  }

  async check(): Promise<CheckResult> {
    return this.config.fail
      ? { ok: false, message: `configured to fail (${this.config.fail})` }
      : { ok: true, message: "system provider is ready" };
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      done();
    });
  });
}

import type { ProviderType } from "../domain/enums";
import { unavailable } from "./http-outcome";
import type { CheckResult, Provider, SendOutcome } from "./provider";

/**
 * Stands in for an adapter whose config points where the outbound policy forbids (a config saved
 * before the policy, or under a looser one): it never connects, and says which field is at fault.
 */
export class RefusedProvider implements Provider {
  private readonly reason: string;

  constructor(
    readonly id: string,
    readonly type: ProviderType,
    refused: { field: string; message: string }[],
  ) {
    this.reason = refused.map(({ field, message }) => `config.${field} ${message}`).join("; ");
  }

  async send(): Promise<SendOutcome> {
    return unavailable("address_refused", `the outbound address policy refuses this provider: ${this.reason}`);
  }

  async check(): Promise<CheckResult> {
    return { ok: false, message: `not attempted: the outbound address policy refuses ${this.reason}` };
  }
}

import { describe, expect, it } from "vitest";
import { CONVERSATION_CHANNELS, PROVIDER_MODULES } from "../../shared/providers/registry";

describe("the channels that hold conversations", () => {
  it("are those of the providers whose contacts can write to us", () => {
    expect([...CONVERSATION_CHANNELS].sort()).toEqual(["slack", "sms", "telegram"]);
  });

  it("include every provider that polls for or downloads inbound messages", () => {
    // A provider that receives but forgot `receives` would leave its sends outside their conversations.
    for (const module of PROVIDER_MODULES.filter((m) => m.poll || m.media)) expect(module.receives, module.type).toBe(true);
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createOpsKey, createTenant, expectErrorEnvelope, expectSuccessEnvelope } from "../support/api";
import { randomHex } from "../support/checks";

/**
 * A provider's sealed config carries its provider id as associated data (AES-GCM AAD). Copied in
 * D1 onto another provider's row — by someone with database access, or a botched migration — it
 * must not open there: the other row must fail cleanly, never act with the copied credentials.
 */

async function twilioProvider(adminKey: string, authToken: string, baseUrl: string) {
  const answer = await call<{ id: string; mask: string }>("POST", "/v1/providers", {
    key: adminKey,
    body: { type: "twilio", name: "sms", config: { accountSid: `AC${randomHex(16)}`, authToken, from: "+15005550006", baseUrl } },
  });
  return expectSuccessEnvelope(answer, 201);
}

async function copySealedConfig(fromId: string, toId: string) {
  await env.DB.prepare(
    `UPDATE provider_configs SET (encrypted_config, key_version) =
       (SELECT encrypted_config, key_version FROM provider_configs WHERE id = ?) WHERE id = ?`,
  )
    .bind(fromId, toId)
    .run();
}

describe("a sealed config copied onto another provider's row", () => {
  it("cannot be opened there: the provider test answers 409 and never shows or uses the other tenant's credentials", async () => {
    const ops = await createOpsKey();
    const [victim, attacker] = [await createTenant(ops, "Victim"), await createTenant(ops, "Attacker")];
    const victimToken = randomHex(16);
    // Both point at loopback ports nobody listens on: even a broken seal would reach nothing.
    const victims = await twilioProvider(victim.adminKey, victimToken, "http://127.0.0.1:1");
    const attackers = await twilioProvider(attacker.adminKey, randomHex(16), "http://127.0.0.1:2");

    await copySealedConfig(victims.id, attackers.id);

    const tested = await call("POST", `/v1/providers/${attackers.id}/test`, { key: attacker.adminKey });
    const error = expectErrorEnvelope(tested, 409, "CONFLICT");
    expect(error.message).toContain("cannot be decrypted");
    expect(JSON.stringify(tested.body)).not.toContain(victimToken);

    // A partial PATCH cannot merge onto it either; the listing still shows the row's own mask.
    const patched = await call("PATCH", `/v1/providers/${attackers.id}`, {
      key: attacker.adminKey,
      body: { config: { from: "+15005550007" } },
    });
    expectErrorEnvelope(patched, 409, "CONFLICT");
    const shown = expectSuccessEnvelope(await call<{ mask: string }>("GET", `/v1/providers/${attackers.id}`, { key: attacker.adminKey }));
    expect(shown.mask).toBe(attackers.mask);
    expect(shown.mask).not.toBe(victims.mask);

    // The victim's own row still opens.
    const own = await call<{ ok: boolean }>("POST", `/v1/providers/${victims.id}/test`, { key: victim.adminKey });
    expect(expectSuccessEnvelope(own).ok).toBe(false);
  });
});

import { keyringFromEnv, open, seal } from "./credential-cipher";

/**
 * A known value sealed under ENCRYPTION_SECRET when the deploy set it, and given to every worker
 * as the ENCRYPTION_CANARY secret. A worker whose secret differs cannot open it, so /health
 * reports the mismatch before any credential sealed by another worker fails to decrypt.
 */
const CANARY_ID = "relay/secret-canary";
const CANARY_TEXT = "relay: the workers share this secret";

export async function sealCanary(secret: string, keyVersion = 1): Promise<string> {
  const sealed = await seal({ current: keyVersion, secrets: new Map([[keyVersion, secret]]) }, CANARY_ID, CANARY_TEXT);
  return `v${sealed.keyVersion}.${sealed.ciphertext}`;
}

export type SecretHealth = { ok: boolean; message?: string };

/** Whether the secrets are present and open the canary; never includes a secret in the message. */
export async function secretHealth(bindings: object): Promise<SecretHealth> {
  let keyring: ReturnType<typeof keyringFromEnv>;
  try {
    keyring = keyringFromEnv(bindings);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : "the encryption secret is unusable" };
  }
  const canary = (bindings as { ENCRYPTION_CANARY?: unknown }).ENCRYPTION_CANARY;
  if (canary === undefined || canary === "")
    return { ok: true, message: "no ENCRYPTION_CANARY: whether the workers share the secret is unchecked" };
  const match = typeof canary === "string" ? /^v(\d+)\.(.+)$/.exec(canary) : null;
  if (!match) return { ok: false, message: "ENCRYPTION_CANARY is malformed" };
  const keyVersion = Number(match[1]);
  if (!keyring.secrets.has(keyVersion)) return { ok: false, message: `no encryption secret for the canary's key version ${keyVersion}` };
  try {
    if ((await open(keyring, CANARY_ID, { ciphertext: match[2], keyVersion })) === CANARY_TEXT) return { ok: true };
  } catch {
    // falls through: a different secret
  }
  return { ok: false, message: "ENCRYPTION_SECRET does not open ENCRYPTION_CANARY: this worker's secret differs from the deployed one" };
}

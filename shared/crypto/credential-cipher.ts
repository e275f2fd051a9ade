import { parsedOnce } from "../config/parsed-once";
import { base64ToBytes, bytesToBase64 } from "../encoding/bytes";
/**
 * Provider credentials at rest: AES-256-GCM with a key derived per version by HKDF-SHA-256
 * from that version's secret, a random 96-bit IV, and the provider id (plus the version) as
 * associated data — a ciphertext copied onto another provider's row does not decrypt.
 */
export type Keyring = { current: number; secrets: ReadonlyMap<number, string> };
export type Sealed = { ciphertext: string; keyVersion: number };

const IV_BYTES = 12;
const encoder = new TextEncoder();
const SALT = encoder.encode("relay/provider-credentials");

/**
 * `ENCRYPTION_SECRET` is the secret of version `ENCRYPTION_KEY_VERSION` (default 1);
 * retired versions stay readable as `ENCRYPTION_SECRET_V<n>`.
 */
export const keyringFromEnv = parsedOnce((bindings: object): Keyring => {
  const env = bindings as Record<string, unknown>;
  const current = Number(env.ENCRYPTION_KEY_VERSION ?? 1);
  const secret = env.ENCRYPTION_SECRET;
  if (typeof secret !== "string" || secret.length < 32) throw new Error("ENCRYPTION_SECRET is missing or shorter than 32 characters");
  if (!Number.isInteger(current) || current < 1) throw new Error("ENCRYPTION_KEY_VERSION must be a positive integer");
  const secrets = new Map<number, string>();
  for (const [name, value] of Object.entries(env)) {
    const match = /^ENCRYPTION_SECRET_V(\d+)$/.exec(name);
    if (match && typeof value === "string") secrets.set(Number(match[1]), value);
  }
  secrets.set(current, secret);
  return { current, secrets };
});

const keyCache = new Map<string, Promise<CryptoKey>>();

function keyFor(keyring: Keyring, version: number): Promise<CryptoKey> {
  const secret = keyring.secrets.get(version);
  if (!secret) throw new Error(`No encryption secret for key version ${version}`);
  const cacheKey = `${version}:${secret}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = deriveKey(secret, version);
    keyCache.set(cacheKey, key);
  }
  return key;
}

async function deriveKey(secret: string, version: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: SALT, info: encoder.encode(`relay/credentials/v${version}`) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

function associatedData(providerId: string, version: number): Uint8Array<ArrayBuffer> {
  // A copy: Node's TextEncoder types its buffer as possibly shared, which Web Crypto refuses.
  return new Uint8Array(encoder.encode(`${providerId}|v${version}`));
}

export async function seal(keyring: Keyring, providerId: string, plaintext: unknown): Promise<Sealed> {
  const version = keyring.current;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: associatedData(providerId, version) },
    await keyFor(keyring, version),
    encoder.encode(JSON.stringify(plaintext)),
  );
  const packed = new Uint8Array(IV_BYTES + sealed.byteLength);
  packed.set(iv);
  packed.set(new Uint8Array(sealed), IV_BYTES);
  return { ciphertext: bytesToBase64(packed), keyVersion: version };
}

export class DecryptionError extends Error {
  constructor(providerId: string) {
    super(`Credentials of provider ${providerId} could not be decrypted`);
    this.name = "DecryptionError";
  }
}

export async function open(keyring: Keyring, providerId: string, sealed: Sealed): Promise<unknown> {
  try {
    const packed = base64ToBytes(sealed.ciphertext);
    if (!packed) throw new DecryptionError(providerId);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: packed.slice(0, IV_BYTES), additionalData: associatedData(providerId, sealed.keyVersion) },
      await keyFor(keyring, sealed.keyVersion),
      packed.slice(IV_BYTES),
    );
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    throw new DecryptionError(providerId);
  }
}

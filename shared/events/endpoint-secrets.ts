import { type Keyring, open, seal } from "../crypto/credential-cipher";
import { bytesToBase64 } from "../encoding/bytes";

/**
 * An endpoint's signing secrets, sealed together with the credential cipher (the endpoint id
 * as associated data). After a rotation the previous secret keeps signing until it expires,
 * so a receiver can switch secrets without dropping a delivery.
 */
export type EndpointSecrets = { current: string; previous?: string; previousExpiresAt?: string };

export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;
const SECRET_BYTES = 32;

/** `whsec_` and the base64 of 32 random bytes, the form Standard Webhooks libraries take. */
export function newSigningSecret(): string {
  return `whsec_${bytesToBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)))}`;
}

export function secretMask(secret: string): string {
  return `whsec_…${secret.slice(-4)}`;
}

export function rotated(secrets: EndpointSecrets, next: string, now: Date): EndpointSecrets {
  return { current: next, previous: secrets.current, previousExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString() };
}

/** The secrets that sign now: the current one, and the previous one while its overlap lasts. */
export function signingSecrets(secrets: EndpointSecrets, now: Date): string[] {
  const overlap = secrets.previous && secrets.previousExpiresAt && Date.parse(secrets.previousExpiresAt) > now.getTime();
  return overlap && secrets.previous ? [secrets.current, secrets.previous] : [secrets.current];
}

export async function sealSecrets(keyring: Keyring, endpointId: string, secrets: EndpointSecrets) {
  const sealed = await seal(keyring, endpointId, secrets);
  return { encryptedSecrets: sealed.ciphertext, keyVersion: sealed.keyVersion, secretMask: secretMask(secrets.current) };
}

export async function openSecrets(keyring: Keyring, row: { id: string; encryptedSecrets: string; keyVersion: number }) {
  return (await open(keyring, row.id, { ciphertext: row.encryptedSecrets, keyVersion: row.keyVersion })) as EndpointSecrets;
}

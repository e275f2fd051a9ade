import { base64ToBytes, utf8 } from "../../encoding/bytes";
import { UnavailableError } from "../../http/errors";
import type { CallbackDeps } from "../provider";
import { type SnsEnvelope, snsStringToSign } from "./sns-envelope";
import { isSnsCertificateUrl } from "./sns-urls";
import { certificateDerFromPem, subjectPublicKeyInfo } from "./x509-public-key";

export type SnsVerdict = { ok: true } | { ok: false; reason: string };

/** SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA. */
const HASH_OF_VERSION: Record<string, "SHA-1" | "SHA-256"> = { "1": "SHA-1", "2": "SHA-256" };
const MAX_CERTIFICATE_BYTES = 16 * 1024;
const MAX_CACHED_CERTIFICATES = 32;

class CertificateRejectedError extends Error {}

/** Public keys by certificate URL, per isolate: SNS signs with few certificates and rotates them rarely. */
const publicKeys = new Map<string, Promise<Uint8Array>>();

async function fetchPublicKey(url: string, fetch: CallbackDeps["fetch"]): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: "manual" });
  } catch {
    throw new UnavailableError("The SNS signing certificate could not be fetched; retry");
  }
  if (response.status !== 200) throw new CertificateRejectedError(`the signing certificate URL answered ${response.status}`);
  const pem = await response.text();
  if (pem.length > MAX_CERTIFICATE_BYTES) throw new CertificateRejectedError("the signing certificate is too large");
  try {
    return subjectPublicKeyInfo(certificateDerFromPem(pem));
  } catch (error) {
    throw new CertificateRejectedError(`the signing certificate is unreadable: ${error instanceof Error ? error.message : "bad DER"}`);
  }
}

function publicKeyAt(url: string, fetch: CallbackDeps["fetch"]): Promise<Uint8Array> {
  let key = publicKeys.get(url);
  if (!key) {
    if (publicKeys.size >= MAX_CACHED_CERTIFICATES) publicKeys.delete(publicKeys.keys().next().value ?? "");
    key = fetchPublicKey(url, fetch);
    publicKeys.set(url, key);
    key.catch(() => publicKeys.delete(url));
  }
  return key;
}

async function signatureMatches(spki: Uint8Array, hash: "SHA-1" | "SHA-256", signature: Uint8Array, data: string): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey("spki", spki, { name: "RSASSA-PKCS1-v1_5", hash }, false, ["verify"]);
    return await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, utf8(data));
  } catch {
    return false;
  }
}

/**
 * Verifies an SNS message as AWS documents it: the certificate must come over https from
 * sns.<region>.amazonaws.com (a `.pem` path) — that host is the trust anchor — and its RSA key
 * must verify `Signature` over the string to sign. Nothing is fetched from any other URL.
 * A certificate that cannot be reached at all is a 503 (SNS retries); anything else fails.
 */
export async function verifySnsSignature(envelope: SnsEnvelope, fetch: CallbackDeps["fetch"]): Promise<SnsVerdict> {
  const { Signature, SignatureVersion, SigningCertURL } = envelope;
  if (!Signature || !SignatureVersion || !SigningCertURL)
    return { ok: false, reason: "Signature, SignatureVersion and SigningCertURL are required" };
  const hash = HASH_OF_VERSION[SignatureVersion];
  if (!hash) return { ok: false, reason: `unsupported SignatureVersion ${SignatureVersion}` };
  if (!isSnsCertificateUrl(SigningCertURL))
    return { ok: false, reason: "SigningCertURL is not an https .pem URL on sns.<region>.amazonaws.com" };
  const signature = base64ToBytes(Signature);
  if (!signature) return { ok: false, reason: "Signature is not base64" };
  let spki: Uint8Array;
  try {
    spki = await publicKeyAt(SigningCertURL, fetch);
  } catch (error) {
    if (error instanceof CertificateRejectedError) return { ok: false, reason: error.message };
    throw error;
  }
  const ok = await signatureMatches(spki, hash, signature, snsStringToSign(envelope));
  return ok ? { ok: true } : { ok: false, reason: "the signature does not match" };
}

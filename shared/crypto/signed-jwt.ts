import { base64ToBytes, bytesToBase64Url, utf8 } from "../encoding/bytes";

/** The two JWS algorithms Relay signs with: RS256 (Google service accounts) and ES256 (VAPID, APNs). */
export type JwtAlgorithm = "RS256" | "ES256";

const SIGNING: Record<JwtAlgorithm, { name: string; hash?: string; namedCurve?: string }> = {
  RS256: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  ES256: { name: "ECDSA", namedCurve: "P-256" },
};

const PEM_BODY = /-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s\\n]+)-----END PRIVATE KEY-----/;

/** A PKCS#8 PEM private key (as in a Google service account's `private_key`) as a signing key. */
export async function importPkcs8Pem(pem: string, algorithm: JwtAlgorithm): Promise<CryptoKey> {
  const body = PEM_BODY.exec(pem)?.[1];
  // A service account JSON pasted through a form may carry literal "\n" sequences.
  const der = body ? base64ToBytes(body.replaceAll("\\n", "").replace(/\s+/g, "")) : null;
  if (!der) throw new Error("the private key is not a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)");
  return crypto.subtle.importKey("pkcs8", der, SIGNING[algorithm], false, ["sign"]);
}

/** A raw P-256 key pair in base64url (`d` and the uncompressed 65-byte public point) as an ES256 signing key. */
export async function importP256PrivateKey(publicKey: Uint8Array, privateKey: string): Promise<CryptoKey> {
  const jwk: JsonWebKey = {
    kty: "EC",
    crv: "P-256",
    x: bytesToBase64Url(publicKey.slice(1, 33)),
    y: bytesToBase64Url(publicKey.slice(33, 65)),
    d: privateKey,
  };
  return crypto.subtle.importKey("jwk", jwk, SIGNING.ES256, false, ["sign"]);
}

const segment = (value: unknown) => bytesToBase64Url(utf8(JSON.stringify(value)));

/**
 * A compact JWS. WebCrypto's ECDSA signature is already the raw r‖s form JWS wants (not DER),
 * so both algorithms need nothing beyond `crypto.subtle.sign`.
 */
export async function signJwt(
  algorithm: JwtAlgorithm,
  key: CryptoKey,
  claims: Record<string, unknown>,
  header: Record<string, string> = {},
): Promise<string> {
  const input = `${segment({ alg: algorithm, typ: "JWT", ...header })}.${segment(claims)}`;
  const params = algorithm === "ES256" ? { name: "ECDSA", hash: "SHA-256" } : { name: "RSASSA-PKCS1-v1_5" };
  const signature = await crypto.subtle.sign(params, key, utf8(input));
  return `${input}.${bytesToBase64Url(new Uint8Array(signature))}`;
}

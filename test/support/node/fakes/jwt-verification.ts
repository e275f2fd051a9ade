import { createVerify, type KeyObject } from "node:crypto";

export type VerifiedJwt = { header: Record<string, unknown>; claims: Record<string, unknown> };

const decode = (segment: string) => JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as Record<string, unknown>;

/** Checks a compact JWS (RS256, or ES256 in the raw r‖s form JWS uses) against a public key; null when it does not verify. */
export function verifyJwt(jwt: string, key: KeyObject, algorithm: "RS256" | "ES256"): VerifiedJwt | null {
  const parts = jwt.split(".");
  if (parts.length !== 3) return null;
  const [header, claims, signature] = parts;
  try {
    const parsedHeader = decode(header);
    if (parsedHeader.alg !== algorithm) return null;
    const verifier = createVerify("SHA256").update(`${header}.${claims}`);
    const ok = verifier.verify(algorithm === "ES256" ? { key, dsaEncoding: "ieee-p1363" } : key, Buffer.from(signature, "base64url"));
    return ok ? { header: parsedHeader, claims: decode(claims) } : null;
  } catch {
    return null;
  }
}

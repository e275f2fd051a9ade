import { importP256PrivateKey, signJwt } from "../../crypto/signed-jwt";
import { base64UrlToBytes } from "../../encoding/bytes";
import type { WebPushConfig } from "./config";

/** RFC 8292 allows at most 24 h; 12 h leaves room for clock skew at the push service. */
const VAPID_LIFETIME_SECONDS = 12 * 3600;
/** A signed JWT is reused for an origin until this close to its expiry. */
const REUSE_MARGIN_SECONDS = 3600;

/** RFC 8292 VAPID: an ES256 JWT for the push service's origin, with the public key beside it. */
export class VapidSigner {
  private key?: Promise<CryptoKey>;
  private readonly issued = new Map<string, { header: string; expiresAt: number }>();

  constructor(private readonly config: WebPushConfig) {}

  async authorization(endpoint: string, now = Date.now()): Promise<string> {
    const audience = new URL(endpoint).origin;
    const reusable = this.issued.get(audience);
    if (reusable && reusable.expiresAt - REUSE_MARGIN_SECONDS * 1000 > now) return reusable.header;
    const expiresAt = Math.floor(now / 1000) + VAPID_LIFETIME_SECONDS;
    const jwt = await signJwt("ES256", await this.signingKey(), { aud: audience, exp: expiresAt, sub: this.config.subject });
    const header = `vapid t=${jwt}, k=${this.config.vapidPublicKey}`;
    this.issued.set(audience, { header, expiresAt: expiresAt * 1000 });
    return header;
  }

  private signingKey(): Promise<CryptoKey> {
    this.key ??= (async () => {
      const publicKey = base64UrlToBytes(this.config.vapidPublicKey);
      if (publicKey?.length !== 65) throw new Error("the VAPID public key is not a P-256 point");
      return importP256PrivateKey(publicKey, this.config.vapidPrivateKey);
    })();
    return this.key;
  }
}

import { base64ToBytes } from "../../encoding/bytes";

/**
 * Just enough DER to take the SubjectPublicKeyInfo out of an X.509 certificate, which Web Crypto
 * imports as `spki`. Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL,
 * serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, … }, … }.
 */
type DerElement = { tag: number; start: number; contentStart: number; end: number };

const SEQUENCE = 0x30;
const EXPLICIT_VERSION = 0xa0;
/** serialNumber, signature, issuer, validity, subject come before the key. */
const FIELDS_BEFORE_PUBLIC_KEY = 5;

export class CertificateFormatError extends Error {}

function elementAt(der: Uint8Array, offset: number, limit: number): DerElement {
  if (offset + 2 > limit) throw new CertificateFormatError("truncated DER element");
  const tag = der[offset];
  let length = der[offset + 1];
  let cursor = offset + 2;
  if (length & 0x80) {
    const lengthBytes = length & 0x7f;
    if (lengthBytes === 0 || lengthBytes > 4 || cursor + lengthBytes > limit) throw new CertificateFormatError("bad DER length");
    length = 0;
    for (let i = 0; i < lengthBytes; i++) length = length * 256 + der[cursor++];
  }
  const end = cursor + length;
  if (end > limit) throw new CertificateFormatError("DER element overruns its parent");
  return { tag, start: offset, contentStart: cursor, end };
}

function childrenOf(der: Uint8Array, parent: DerElement): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = elementAt(der, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

export function subjectPublicKeyInfo(certificateDer: Uint8Array): Uint8Array {
  const certificate = elementAt(certificateDer, 0, certificateDer.length);
  if (certificate.tag !== SEQUENCE) throw new CertificateFormatError("not a certificate");
  const [tbs] = childrenOf(certificateDer, certificate);
  if (tbs?.tag !== SEQUENCE) throw new CertificateFormatError("no tbsCertificate");
  const fields = childrenOf(certificateDer, tbs);
  const first = fields[0]?.tag === EXPLICIT_VERSION ? 1 : 0;
  const publicKey = fields[first + FIELDS_BEFORE_PUBLIC_KEY];
  if (publicKey?.tag !== SEQUENCE) throw new CertificateFormatError("no subjectPublicKeyInfo");
  return certificateDer.slice(publicKey.start, publicKey.end);
}

/** The DER of the first CERTIFICATE block of a PEM document. */
export function certificateDerFromPem(pem: string): Uint8Array {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new CertificateFormatError("no PEM certificate");
  const der = base64ToBytes(match[1].replace(/\s+/g, ""));
  if (!der) throw new CertificateFormatError("the PEM certificate is not base64");
  return der;
}

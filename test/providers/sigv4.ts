import type { RecordedRequest } from "./scenario";

/**
 * An independent SigV4 check for the tests, written from AWS's description of the algorithm
 * (canonical request → string to sign → HMAC chain), so it does not share code with aws4fetch.
 */
const encoder = new TextEncoder();

async function hmac(key: ArrayBuffer | Uint8Array, data: string): Promise<ArrayBuffer> {
  const imported = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return crypto.subtle.sign("HMAC", imported, encoder.encode(data));
}

async function sha256Hex(data: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", encoder.encode(data)));
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export type ParsedAuthorization = {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
};

export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      header,
    );
  if (!match) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

/** Recomputes the signature of a recorded request; `fullPath` is the path as it left the client. */
export async function expectedSignature(request: RecordedRequest, fullPath: string, secretAccessKey: string): Promise<string> {
  const auth = parseAuthorization(request.headers.authorization ?? "");
  if (!auth) throw new Error("no SigV4 Authorization header");
  const amzDate = request.headers["x-amz-date"];
  const [pathname, query = ""] = fullPath.split("?");
  const canonicalHeaders = auth.signedHeaders.map((name) => `${name}:${(request.headers[name] ?? "").trim()}\n`).join("");
  const canonicalRequest = [
    request.method,
    pathname,
    query,
    canonicalHeaders,
    auth.signedHeaders.join(";"),
    await sha256Hex(request.body),
  ].join("\n");
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, await sha256Hex(canonicalRequest)].join("\n");
  let key = await hmac(encoder.encode(`AWS4${secretAccessKey}`), auth.date);
  for (const part of [auth.region, auth.service, "aws4_request"]) key = await hmac(key, part);
  return hex(await hmac(key, stringToSign));
}

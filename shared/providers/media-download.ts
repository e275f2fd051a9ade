import { unreachable } from "./http-outcome";
import type { OutboundPolicy } from "./outbound-policy";
import { refusedUrl } from "./outbound-policy";
import type { MediaDownload } from "./provider";

/** Twilio's media URLs redirect to the file's storage; more hops than this is not a file. */
const MAX_REDIRECTS = 3;
/** Asking again cannot bring a file that is gone or refused. */
const PERMANENT_STATUSES = new Set([400, 403, 404, 410]);

export type DownloadRequest = {
  url: string;
  /** The Authorization header for a hop: only for the provider's own origin, never for a host it redirects to. */
  authorizationFor(url: URL): string | undefined;
  outbound: OutboundPolicy;
  signal: AbortSignal;
};

/**
 * GETs a provider's file, following redirects by hand so that every hop is held to the outbound
 * policy (no loopback, private or metadata addresses deployed) and credentials go to no other host.
 */
export async function downloadFile(request: DownloadRequest): Promise<MediaDownload> {
  let url = request.url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const refused = refusedUrl(url, request.outbound);
    if (refused) return { kind: "failed", permanent: true, message: `the file's address ${refused}` };
    const target = new URL(url);
    let response: Response;
    try {
      const authorization = request.authorizationFor(target);
      response = await fetch(target, { headers: authorization ? { authorization } : {}, signal: request.signal, redirect: "manual" });
    } catch (error) {
      return { kind: "failed", permanent: false, message: unreachable(error, request.signal).message };
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      url = new URL(location, target).toString();
      continue;
    }
    if (response.ok) return { kind: "fetched", response };
    await response.body?.cancel();
    return { kind: "failed", permanent: PERMANENT_STATUSES.has(response.status), message: `the provider answered ${response.status}` };
  }
  return { kind: "failed", permanent: true, message: `more than ${MAX_REDIRECTS} redirects` };
}

/** Whether `url` is on the same origin as `base` (a provider's API, where its credentials belong). */
export function sameOrigin(url: URL, base: string): boolean {
  try {
    return url.origin === new URL(base).origin;
  } catch {
    return false;
  }
}

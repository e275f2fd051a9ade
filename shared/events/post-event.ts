import { Webhook } from "standardwebhooks";
import { type OutboundPolicy, refusedUrl } from "../providers/outbound-policy";
import { redact } from "../providers/secret-redaction";

/** What one POST to an endpoint came to, for the attempt log. */
export type PostResult = {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  /** The start of the endpoint's answer, so a tenant can see why it refused. */
  responseExcerpt: string | null;
  /** Why it failed, in fixed words (never an exception's text, which could carry anything). */
  error: string | null;
};

export type EventPost = { url: string; eventId: string; body: string; secrets: readonly string[] };

const EXCERPT_CHARS = 500;

/**
 * Standard Webhooks: `webhook-id` (the event id, the same on every retry and replay, so a
 * receiver drops duplicates), `webhook-timestamp`, and one `v1,` signature per signing secret
 * (two during a rotation's overlap), computed by the standardwebhooks library.
 */
export function signedHeaders(post: EventPost, at: Date): Record<string, string> {
  const signatures = post.secrets.map((secret) => new Webhook(secret).sign(post.eventId, at, post.body));
  return {
    "content-type": "application/json",
    "user-agent": "Relay-Webhooks/1.0",
    "webhook-id": post.eventId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}

/** Posts a signed event; any 2xx is a success, redirects are not followed, and it never throws. */
export async function postEvent(post: EventPost, policy: OutboundPolicy, timeoutMs: number): Promise<PostResult> {
  const started = Date.now();
  const refused = refusedUrl(post.url, policy);
  if (refused) return failure(started, null, `address refused: the URL ${refused}`);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(post.url, {
      method: "POST",
      headers: signedHeaders(post, new Date()),
      body: post.body,
      signal,
      redirect: "manual",
    });
    const excerpt = await excerptOf(response, post.secrets);
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      statusCode: response.status,
      latencyMs: Date.now() - started,
      responseExcerpt: excerpt,
      error: ok
        ? null
        : response.status >= 300 && response.status < 400
          ? "redirect (not followed)"
          : `the endpoint answered ${response.status}`,
    };
  } catch {
    return failure(started, null, signal.aborted ? `no answer within ${timeoutMs} ms` : "could not connect");
  }
}

function failure(started: number, statusCode: number | null, error: string): PostResult {
  return { ok: false, statusCode, latencyMs: Date.now() - started, responseExcerpt: null, error };
}

/** Reads no more than the excerpt needs, and drops anything that repeats a signing secret. */
async function excerptOf(response: Response, secrets: readonly string[]): Promise<string | null> {
  const reader = response.body?.getReader();
  if (!reader) return null;
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // the answer broke off: keep what came
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.length > 0 ? redact(text.slice(0, EXCERPT_CHARS), secrets) : null;
}

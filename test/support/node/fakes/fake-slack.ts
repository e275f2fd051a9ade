import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readBody } from "./fake-behaviour";
import { closeServer, listenOnLoopback } from "./loopback-server";

export type SlackPost = {
  channel: string;
  text: string;
  threadTs?: string;
  ts: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
};

const POST_KEYS = new Set(["channel", "text", "thread_ts", "metadata"]);

function answer(response: ServerResponse, body: Record<string, unknown>, status = 200): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** Why a chat.postMessage body is not what Slack takes, or undefined when it is. */
function postProblem(body: Record<string, unknown>): string | undefined {
  if (Object.keys(body).some((key) => !POST_KEYS.has(key))) return "invalid_arguments";
  if (typeof body.channel !== "string" || !/^[CDG][A-Z0-9]{6,20}$/.test(body.channel)) return "channel_not_found";
  if (typeof body.text !== "string" || body.text.length === 0) return "no_text";
  if (body.text.length > 40_000) return "msg_too_long";
  if (body.thread_ts !== undefined && !(typeof body.thread_ts === "string" && /^\d+\.\d+$/.test(body.thread_ts)))
    return "invalid_thread_ts";
  const metadata = body.metadata as { event_type?: unknown; event_payload?: unknown } | undefined;
  if (metadata !== undefined && (typeof metadata.event_type !== "string" || typeof metadata.event_payload !== "object"))
    return "invalid_metadata_format";
  return undefined;
}

/** Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` under the signing secret. */
export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/**
 * A Slack Web API on 127.0.0.1 for one bot token: `chat.postMessage` (JSON, bearer token, its
 * arguments checked), `auth.test`, and `conversations.history` / `conversations.replies` over
 * what was posted (with metadata when asked), as Slack answers them.
 */
export async function startFakeSlack(botToken: string) {
  const posts: SlackPost[] = [];
  let clock = Math.floor(Date.now() / 1000);

  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const raw = await readBody(request);
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.headers.authorization !== `Bearer ${botToken}`) return answer(response, { ok: false, error: "invalid_auth" });
    const method = url.pathname.slice(1);
    if (method === "auth.test")
      return answer(response, {
        ok: true,
        team: "Relay Fake",
        team_id: "T0RELAY01",
        user: "relay",
        user_id: "U0RELAYBOT",
        bot_id: "B0RELAY01",
      });
    if (method === "conversations.history" || method === "conversations.replies") {
      const channel = url.searchParams.get("channel");
      const thread = url.searchParams.get("ts");
      const withMetadata = url.searchParams.get("include_all_metadata") === "true";
      const messages = posts
        .filter((post) => post.channel === channel && (method === "conversations.history" ? !post.threadTs : post.threadTs === thread))
        .reverse()
        .map((post) => ({
          type: "message",
          ts: post.ts,
          text: post.text,
          bot_id: "B0RELAY01",
          ...(withMetadata && post.metadata ? { metadata: post.metadata } : {}),
        }));
      return answer(response, { ok: true, messages, has_more: false });
    }
    if (method !== "chat.postMessage") return answer(response, { ok: false, error: "unknown_method" }, 404);
    if (!request.headers["content-type"]?.startsWith("application/json"))
      return answer(response, { ok: false, error: "invalid_form_data" });
    const body = JSON.parse(raw) as Record<string, unknown>;
    const problem = postProblem(body);
    if (problem) return answer(response, { ok: false, error: problem });
    const ts = `${++clock}.000100`;
    const post: SlackPost = { channel: body.channel as string, text: body.text as string, ts };
    if (body.thread_ts) post.threadTs = body.thread_ts as string;
    if (body.metadata) post.metadata = body.metadata as SlackPost["metadata"];
    posts.push(post);
    answer(response, { ok: true, channel: post.channel, ts, message: { type: "message", text: post.text, ts } });
  });

  const baseUrl = await listenOnLoopback(server);
  return { baseUrl, posts, close: () => closeServer(server) };
}
export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;

/** Posts an Events API body to `url`, signed now with `signingSecret` (or as told, to forge one). */
export async function postSlackEvent(
  url: string,
  signingSecret: string,
  body: Record<string, unknown>,
  options: { timestamp?: number } = {},
): Promise<Response> {
  const text = JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(signingSecret, timestamp, text),
    },
    body: text,
  });
}

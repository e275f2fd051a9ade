import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { type Behaviour, misbehave, readBody, resolve } from "./fake-behaviour";
import { closeServer, listenOnLoopback } from "./loopback-server";

export type ResendAttachment = { filename: string; content: string; content_type?: string };
export type ResendSend = {
  id: string;
  idempotencyKey: string | null;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  cc?: string[];
  bcc?: string[];
  replyTo?: string[];
  headers?: Record<string, string>;
  attachments?: ResendAttachment[];
};
type ResendRequest = {
  to: string | string[];
  subject: string;
  html?: string;
  text?: string;
  cc?: string | string[];
  bcc?: string | string[];
  reply_to?: string | string[];
  headers?: Record<string, string>;
  attachments?: ResendAttachment[];
};

/** Svix's signature: HMAC-SHA256 of `${id}.${timestamp}.${body}` with the base64 part of `whsec_…`. */
export function svixSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/**
 * A Resend-like `POST /emails` on 127.0.0.1. Like Resend, a repeated Idempotency-Key gets the
 * first answer and is not sent again; `requests` counts every call, `sends` the real ones.
 * Delivered emails produce Svix-signed `email.sent` / `email.delivered` webhooks.
 */
export async function startFakeResend(apiKey: string, webhookSecret: string) {
  const sends: ResendSend[] = [];
  let requests = 0;
  const byKey = new Map<string, string>();
  let fallback: Behaviour = { kind: "ok" };
  let latencyMs = 0;
  let webhookUrl: string | undefined;

  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      response
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ statusCode: 401, name: "validation_error", message: "API key is invalid" }));
      return;
    }
    if (request.method === "GET") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: [] }));
      return;
    }
    requests++;
    const behaviour = resolve(fallback);
    if (
      misbehave(behaviour, request, response, (b) => ({
        statusCode: b.status,
        name: String(b.code ?? "application_error"),
        message: b.message ?? "error",
      }))
    )
      return;
    const key = (request.headers["idempotency-key"] as string | undefined) ?? null;
    const earlier = key ? byKey.get(key) : undefined;
    if (earlier) {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: earlier }));
      return;
    }
    const email = JSON.parse(body) as ResendRequest;
    const id = randomUUID();
    if (key) byKey.set(key, id);
    sends.push({
      id,
      idempotencyKey: key,
      to: [email.to].flat(),
      subject: email.subject,
      html: email.html,
      text: email.text,
      ...(email.cc && { cc: [email.cc].flat() }),
      ...(email.bcc && { bcc: [email.bcc].flat() }),
      ...(email.reply_to && { replyTo: [email.reply_to].flat() }),
      ...(email.headers && { headers: email.headers }),
      ...(email.attachments && { attachments: email.attachments }),
    });
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id }));
    if (webhookUrl) void postWebhooks(webhookUrl, id, [email.to].flat());
  });

  async function postWebhooks(url: string, emailId: string, to: string[]) {
    for (const type of ["email.sent", "email.delivered"]) {
      await new Promise((r) => setTimeout(r, 150));
      const payload = JSON.stringify({
        type,
        created_at: new Date().toISOString(),
        data: { email_id: emailId, to, created_at: new Date().toISOString() },
      });
      const id = `msg_${randomBytes(12).toString("hex")}`;
      const timestamp = Math.floor(Date.now() / 1000);
      await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "svix-id": id,
          "svix-timestamp": String(timestamp),
          "svix-signature": svixSignature(webhookSecret, id, timestamp, payload),
        },
        body: payload,
      }).catch(() => undefined);
    }
  }

  const baseUrl = await listenOnLoopback(server);
  return {
    baseUrl,
    sends,
    requestCount: () => requests,
    setBehaviour(behaviour: Behaviour) {
      fallback = behaviour;
    },
    setWebhookUrl(url: string | undefined) {
      webhookUrl = url;
    },
    /** Every answer waits this long first, so a backlog can build up. */
    setLatency(ms: number) {
      latencyMs = ms;
    },
    close: () => closeServer(server),
  };
}
export type FakeResend = Awaited<ReturnType<typeof startFakeResend>>;

import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { type Behaviour, misbehave, readBody, resolve } from "./fake-behaviour";
import { closeServer, listenOnLoopback } from "./loopback-server";

export type TwilioSend = {
  sid: string;
  to: string;
  from: string | null;
  body: string;
  statusCallback: string | null;
  /** When the request arrived and when its answer was written (ms since the epoch). */
  receivedAt: number;
  answeredAt: number;
};

/** Twilio's X-Twilio-Signature: HMAC-SHA1 over the URL then each POST parameter (sorted) as name+value. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac("sha1", authToken).update(data).digest("base64");
}

/**
 * A Twilio-like Messages API on 127.0.0.1: checks basic auth, records each send, answers per
 * the behaviour set for the recipient (or by default), and posts signed `sent` and
 * `delivered` status callbacks to the StatusCallback URL, as Twilio does. Like Twilio, it lists
 * the messages it accepted (`GET …/Messages.json?To=&From=&PageSize=`, newest first), unless
 * lookups are switched off (then it answers 404, as a Twilio-like gateway without that API).
 */
export async function startFakeTwilio(accountSid: string, authToken: string) {
  const sends: TwilioSend[] = [];
  const callbacks: { url: string; status: number }[] = [];
  const behaviours = new Map<string, Behaviour>();
  let fallback: Behaviour = { kind: "ok" };
  let latencyMs = 0;
  let sendCallbacks = true;
  let lookups = true;
  /** Media of inbound MMS, served (like Twilio's) only with the account's basic auth. */
  const media = new Map<string, { bytes: Buffer; contentType: string }>();
  const mediaRequests: { path: string; authorized: boolean }[] = [];

  const server: Server = createServer(async (request, response) => {
    const receivedAt = Date.now();
    const body = await readBody(request);
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
    if (request.url?.includes("/Media/")) mediaRequests.push({ path: request.url, authorized: request.headers.authorization === expected });
    if (request.headers.authorization !== expected) {
      response
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ code: 20003, message: "Authenticate", status: 401 }));
      return;
    }
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method === "GET" && url.pathname.includes("/Media/")) {
      const file = media.get(url.pathname);
      if (!file) return void response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ code: 20404 }));
      response.writeHead(200, { "content-type": file.contentType, "content-length": String(file.bytes.length) }).end(file.bytes);
      return;
    }
    if (request.method === "GET" && url.pathname.endsWith("/Messages.json")) {
      if (!lookups) return void response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ code: 20404 }));
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ messages: listing(url.searchParams) }));
      return;
    }
    if (request.method === "GET") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ sid: accountSid, status: "active" }));
      return;
    }
    const params = Object.fromEntries(new URLSearchParams(body));
    const behaviour = resolve(behaviours.get(params.To) ?? fallback);
    if (misbehave(behaviour, request, response, (b) => ({ code: b.code ?? 20500, message: b.message ?? "error", status: b.status })))
      return;
    const sid = `SM${randomBytes(16).toString("hex")}`;
    const send = {
      sid,
      to: params.To,
      from: params.From ?? null,
      body: params.Body,
      statusCallback: params.StatusCallback ?? null,
      receivedAt,
      answeredAt: Date.now(),
    };
    sends.push(send);
    response
      .writeHead(201, { "content-type": "application/json" })
      .end(JSON.stringify({ sid, status: "queued", to: params.To, body: params.Body, price: null }));
    if (sendCallbacks && send.statusCallback) void postCallbacks(send);
  });

  function listing(query: URLSearchParams) {
    const to = query.get("To");
    const from = query.get("From");
    return sends
      .filter((send) => (!to || send.to === to) && (!from || send.from === from))
      .reverse()
      .slice(0, Number(query.get("PageSize") ?? 50))
      .map((send) => ({
        sid: send.sid,
        to: send.to,
        from: send.from,
        body: send.body,
        direction: "outbound-api",
        status: "sent",
        date_created: new Date(send.receivedAt).toUTCString().replace("GMT", "+0000"),
        messaging_service_sid: null,
      }));
  }

  async function postCallbacks(send: TwilioSend) {
    for (const status of ["sent", "delivered"]) {
      await new Promise((r) => setTimeout(r, 150));
      const params = {
        MessageSid: send.sid,
        SmsSid: send.sid,
        AccountSid: accountSid,
        MessageStatus: status,
        SmsStatus: status,
        To: send.to,
        From: send.from ?? "",
      };
      const url = send.statusCallback as string;
      const result = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(authToken, url, params) },
        body: new URLSearchParams(params).toString(),
      }).catch(() => undefined);
      callbacks.push({ url, status: result?.status ?? 0 });
    }
  }

  const baseUrl = await listenOnLoopback(server);
  return {
    baseUrl,
    sends,
    callbacks,
    setBehaviour(behaviour: Behaviour, to?: string) {
      if (to) behaviours.set(to, behaviour);
      else fallback = behaviour;
    },
    mediaRequests,
    /** A file of an inbound MMS; returns its MediaUrl, as Twilio would put it in the webhook. */
    addMedia(messageSid: string, bytes: Buffer, contentType: string): string {
      const path = `/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/ME${randomBytes(16).toString("hex")}`;
      media.set(path, { bytes, contentType });
      return `${baseUrl}${path}`;
    },
    setCallbacks(enabled: boolean) {
      sendCallbacks = enabled;
    },
    /** Off: the Messages list answers 404, so Relay cannot look up an earlier send. */
    setLookups(enabled: boolean) {
      lookups = enabled;
    },
    /** Every answer waits this long first, so a backlog can build up. */
    setLatency(ms: number) {
      latencyMs = ms;
    },
    close: () => closeServer(server),
  };
}
export type FakeTwilio = Awaited<ReturnType<typeof startFakeTwilio>>;

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readBody } from "./fake-behaviour";
import { closeServer, listenOnLoopback } from "./loopback-server";

export type TelegramSend = { chatId: number | string; text: string; threadId?: number; messageId: number };
type Update = { update_id: number } & Record<string, unknown>;

const SEND_KEYS = new Set(["chat_id", "text", "message_thread_id"]);

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function badRequest(response: ServerResponse, what: string): void {
  answer(response, 400, { ok: false, error_code: 400, description: `Bad Request: ${what}` });
}

/** Why a sendMessage body is not what the Bot API takes, or undefined when it is. */
function sendMessageProblem(body: Record<string, unknown>): string | undefined {
  const unknown = Object.keys(body).find((key) => !SEND_KEYS.has(key));
  if (unknown) return `unexpected parameter ${unknown}`;
  const chat = body.chat_id;
  if (!(Number.isInteger(chat) || (typeof chat === "string" && /^@\w{4,32}$/.test(chat)))) return "chat_id is not an integer or @username";
  if (typeof body.text !== "string" || body.text.length === 0 || body.text.length > 4096) return "message text is empty or too long";
  if (body.message_thread_id !== undefined && !Number.isInteger(body.message_thread_id)) return "message_thread_id is not an integer";
  return undefined;
}

/**
 * A Telegram Bot API on 127.0.0.1 for one bot token: `sendMessage` (checking its parameters as
 * Telegram does), `getMe`, and `getUpdates` over updates pushed with `pushUpdate` — like Telegram,
 * a call with an offset confirms (forgets) every update before it.
 */
export async function startFakeTelegram(botToken: string) {
  const sends: TelegramSend[] = [];
  const getUpdatesCalls: Record<string, unknown>[] = [];
  let pending: Update[] = [];
  let nextMessageId = 1;

  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const raw = await readBody(request);
    const [, botPart, method] = (request.url ?? "").split("?")[0].split("/");
    if (botPart !== `bot${botToken}`) return answer(response, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    if (request.method !== "POST" || !request.headers["content-type"]?.startsWith("application/json"))
      return badRequest(response, "expected a JSON POST");
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return badRequest(response, "the body is not JSON");
    }
    if (method === "getMe")
      return answer(response, 200, {
        ok: true,
        result: { id: Number(botToken.split(":")[0]), is_bot: true, first_name: "Relay", username: "relay_fake_bot" },
      });
    if (method === "getUpdates") {
      getUpdatesCalls.push(body);
      const offset = typeof body.offset === "number" ? body.offset : undefined;
      if (offset !== undefined) pending = pending.filter((update) => update.update_id >= offset);
      return answer(response, 200, { ok: true, result: pending.slice(0, Number(body.limit ?? 100)) });
    }
    if (method !== "sendMessage") return answer(response, 404, { ok: false, error_code: 404, description: "Not Found" });
    const problem = sendMessageProblem(body);
    if (problem) return badRequest(response, problem);
    const send: TelegramSend = { chatId: body.chat_id as number | string, text: body.text as string, messageId: nextMessageId++ };
    if (body.message_thread_id !== undefined) send.threadId = body.message_thread_id as number;
    sends.push(send);
    const chat = {
      id: typeof send.chatId === "number" ? send.chatId : -100_1234,
      type: typeof send.chatId === "number" ? "private" : "channel",
    };
    answer(response, 200, { ok: true, result: { message_id: send.messageId, date: Math.floor(Date.now() / 1000), chat, text: send.text } });
  });

  const baseUrl = await listenOnLoopback(server);
  return {
    baseUrl,
    sends,
    getUpdatesCalls,
    /** An update waiting for the next getUpdates. */
    pushUpdate(update: Update) {
      pending.push(update);
    },
    close: () => closeServer(server),
  };
}
export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;

/** Posts an update to a webhook URL as Telegram does, with the secret token given to setWebhook. */
export async function postTelegramUpdate(url: string, secretToken: string, update: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secretToken },
    body: JSON.stringify(update),
  });
}

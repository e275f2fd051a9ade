import { retryAfterSeconds } from "../http-outcome";
import { readJson, stringAt } from "../json-body";
import type { SlackConfig } from "./config";

export const DEFAULT_BASE_URL = "https://slack.com/api";

/**
 * A Web API answer. Slack answers errors with HTTP 200 and `ok: false`; a rate limit is HTTP 429
 * with Retry-After. `status` is the HTTP status, `error` Slack's error name.
 */
export type SlackAnswer = { ok: boolean; status: number; body: unknown; error?: string; retryAfterSeconds?: number };

function answerOf(response: Response, body: unknown): SlackAnswer {
  const ok = response.status === 200 && typeof body === "object" && body !== null && (body as { ok?: unknown }).ok === true;
  const error = ok ? undefined : (stringAt(body, "error") ?? (response.status === 429 ? "ratelimited" : undefined));
  return { ok, status: response.status, body, error, retryAfterSeconds: retryAfterSeconds(response.headers) };
}

function methodUrl(config: SlackConfig, method: string): string {
  return `${(config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "")}/${method}`;
}

/** POSTs a JSON body to a Web API method with the bot token. Network errors throw. */
export async function postSlack(config: SlackConfig, method: string, body: unknown, signal: AbortSignal): Promise<SlackAnswer> {
  const response = await fetch(methodUrl(config, method), {
    method: "POST",
    headers: { authorization: `Bearer ${config.botToken}`, "content-type": "application/json; charset=utf-8", accept: "application/json" },
    body: JSON.stringify(body),
    signal,
    redirect: "manual",
  });
  return answerOf(response, await readJson(response));
}

/** GETs a read method (conversations.history, …) with its arguments as query parameters. */
export async function getSlack(config: SlackConfig, method: string, query: URLSearchParams, signal: AbortSignal): Promise<SlackAnswer> {
  const response = await fetch(`${methodUrl(config, method)}?${query}`, {
    headers: { authorization: `Bearer ${config.botToken}`, accept: "application/json" },
    signal,
    redirect: "manual",
  });
  return answerOf(response, await readJson(response));
}

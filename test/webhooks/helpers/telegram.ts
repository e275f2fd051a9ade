/** Telegram updates as the Bot API posts them to a webhook (shapes from the Bot API documentation). */
let nextUpdateId = Math.floor(Math.random() * 1_000_000);

export const newUpdateId = () => ++nextUpdateId;

/** A text message from a person in a private chat (override anything, `message` fields under `message`). */
export function messageUpdate(message: Record<string, unknown> = {}, updateId = newUpdateId()): Record<string, unknown> {
  return {
    update_id: updateId,
    message: {
      message_id: updateId % 10_000,
      date: Math.floor(Date.now() / 1000),
      from: { id: 42_4242, is_bot: false, first_name: "Ada", last_name: "Lovelace", username: "ada", language_code: "en" },
      chat: { id: 42_4242, type: "private", first_name: "Ada" },
      text: "Where is my parcel?",
      ...message,
    },
  };
}

/** A POST of `update` with the secret token header (none when `secretToken` is null). */
export function telegramRequest(url: string, update: unknown, secretToken: string | null): Request {
  const headers = new Headers({ "content-type": "application/json" });
  if (secretToken !== null) headers.set("x-telegram-bot-api-secret-token", secretToken);
  return new Request(url, { method: "POST", headers, body: JSON.stringify(update) });
}

import { createServer } from "node:http";
import { closeServer, listenOnLoopback } from "./loopback-server";

export type ChatRequest = {
  path: string;
  authorization: string | undefined;
  body: {
    model: string;
    messages: { role: string; content: string }[];
    response_format?: { type: string; json_schema?: { name?: string; schema: { properties: Record<string, { enum?: string[] }> } } };
  };
};

/**
 * An OpenAI-compatible chat completions endpoint on 127.0.0.1, the way a laptop's Ollama or
 * llama.cpp server answers: `POST {baseUrl}/v1/chat/completions`, one JSON answer. It keeps each
 * request and answers with `content(request)` as the assistant's message.
 */
export async function startFakeOpenAiCompatible(content: (request: ChatRequest) => string) {
  const requests: ChatRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method !== "POST" || request.url !== "/v1/chat/completions") return response.writeHead(404).end();
      const chat: ChatRequest = {
        path: request.url,
        authorization: request.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequest["body"],
      };
      requests.push(chat);
      response.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: chat.body.model,
          choices: [{ index: 0, message: { role: "assistant", content: content(chat) }, finish_reason: "stop" }],
          usage: { prompt_tokens: 200, completion_tokens: 40, total_tokens: 240 },
        }),
      );
    });
  });
  const baseUrl = await listenOnLoopback(server);
  return { baseUrl, requests, close: () => closeServer(server) };
}
export type FakeOpenAiCompatible = Awaited<ReturnType<typeof startFakeOpenAiCompatible>>;

import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import PostalMime, { type Email } from "postal-mime";
import { readBody } from "./fake-behaviour";
import { closeServer, listenOnLoopback } from "./loopback-server";

type Destination = { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
type SendEmailRequest = {
  FromEmailAddress?: string;
  Destination?: Destination;
  ReplyToAddresses?: string[];
  Content: { Simple?: { Subject: { Data: string } }; Raw?: { Data: string } };
};

/** One SendEmail call: the envelope SES was given, and a raw message as a mail client would read it. */
export type SesSend = { messageId: string; destination: Destination; replyTo?: string[]; raw?: string; parsed?: Email; subject?: string };

/**
 * An SES v2-like `POST /v2/email/outbound-emails` on 127.0.0.1. It asks for a SigV4 Authorization
 * header (the adapter tests check the signature itself) and records each email, decoding and
 * parsing `Content.Raw`.
 */
export async function startFakeSes() {
  const sends: SesSend[] = [];
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const answer = (status: number, value: unknown) =>
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (!request.headers.authorization?.startsWith("AWS4-HMAC-SHA256 ")) return answer(403, { message: "Missing Authentication Token" });
    if (request.method === "GET") return answer(200, { SendingEnabled: true, ProductionAccessEnabled: true });
    if (request.url !== "/v2/email/outbound-emails") return answer(404, { message: "not found" });
    const email = JSON.parse(body) as SendEmailRequest;
    const messageId = `0102${randomUUID().replace(/-/g, "")}`;
    const raw = email.Content.Raw ? Buffer.from(email.Content.Raw.Data, "base64").toString("utf8") : undefined;
    sends.push({
      messageId,
      destination: email.Destination ?? {},
      replyTo: email.ReplyToAddresses,
      ...(raw && { raw, parsed: await PostalMime.parse(raw) }),
      subject: email.Content.Simple?.Subject.Data,
    });
    return answer(200, { MessageId: messageId });
  });
  const baseUrl = await listenOnLoopback(server);
  return { baseUrl, sends, close: () => closeServer(server) };
}
export type FakeSes = Awaited<ReturnType<typeof startFakeSes>>;

import type { AddressInfo } from "node:net";
import PostalMime, { type Email } from "postal-mime";
import { SMTPServer } from "smtp-server";

/** `to` is the envelope (RCPT TO: bcc too); the rest is what the message itself says. */
export type SmtpSend = {
  messageId: string;
  to: string[];
  subject: string;
  receivedAt: number;
  answeredAt: number;
  raw: string;
  parsed: Email;
};

/**
 * An SMTP server on 127.0.0.1 (plaintext, no AUTH) that accepts every message after a delay
 * at the end of DATA and records it, as a mail server that takes no idempotency key does:
 * the Message-ID is only a header, so a repeat is a second email.
 */
export async function startFakeSmtp() {
  const sends: SmtpSend[] = [];
  let latencyMs = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    onData(stream, session, callback) {
      const receivedAt = Date.now();
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks);
        const email = await PostalMime.parse(raw);
        await new Promise((resolve) => setTimeout(resolve, latencyMs));
        // Accepted whether or not the client is still there to hear it: the email goes out.
        sends.push({
          messageId: email.messageId ?? "",
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          subject: email.subject ?? "",
          receivedAt,
          answeredAt: Date.now(),
          raw: raw.toString("utf8"),
          parsed: email,
        });
        callback(null, `OK: queued as Q${sends.length}`);
      });
    },
  });
  server.on("error", () => {});
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.server.once("listening", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    host: "127.0.0.1",
    port,
    sends,
    /** Each message is accepted this long after its DATA ends. */
    setLatency(ms: number) {
      latencyMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type FakeSmtp = Awaited<ReturnType<typeof startFakeSmtp>>;

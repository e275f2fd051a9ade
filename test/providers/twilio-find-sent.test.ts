import { describe, expect, it } from "vitest";
import type { Provider } from "../../shared/providers/provider";
import { providerFor } from "../../shared/providers/provider-factory";
import { fakeSecret, LOCAL_OUTBOUND, patience, randomHex, smsMessage } from "./fixtures";
import { answering, closedUrl, throughPrism } from "./scenario";

const SINCE = new Date("2026-11-30T10:00:00Z");

function credentials() {
  return { accountSid: `AC${randomHex(16)}`, authToken: fakeSecret() };
}

function listed(overrides: Record<string, unknown>) {
  return {
    sid: `SM${randomHex(16)}`,
    to: "+14155550100",
    from: "+14155550199",
    body: "Your code is 123456",
    direction: "outbound-api",
    status: "sent",
    date_created: "Mon, 30 Nov 2026 10:00:30 +0000",
    messaging_service_sid: null,
    ...overrides,
  };
}

async function listAnswering(creds: { accountSid: string; authToken: string }, messages: unknown[], status = 200) {
  const server = await answering(`GET /2010-04-01/Accounts/${creds.accountSid}/Messages.json`, { status, body: { messages } });
  return {
    server,
    adapter: providerFor(
      "twilio",
      "prv_twilio1",
      { ...creds, from: "+14155550199", baseUrl: server.baseUrl },
      { outbound: LOCAL_OUTBOUND },
    ),
  };
}

function findSent(adapter: Provider, text = "Your code is 123456") {
  if (!adapter.findSent) throw new Error("twilio should be able to look up earlier sends");
  return adapter.findSent(smsMessage({ content: { text } }), SINCE, patience());
}

describe("twilio: looking up an earlier send before sending again", () => {
  it("asks the Messages list for the recipient and sender, authenticated, one page", async () => {
    const creds = credentials();
    const { server, adapter } = await listAnswering(creds, []);
    expect(await findSent(adapter)).toEqual({ kind: "listed", ids: [] });
    const [request] = await server.requests();
    expect(request.method).toBe("GET");
    const url = new URL(request.path, "http://x");
    expect(url.searchParams.get("To")).toBe("+14155550100");
    expect(url.searchParams.get("From")).toBe("+14155550199");
    expect(url.searchParams.get("PageSize")).toBe("50");
    expect(request.headers.authorization).toBe(`Basic ${btoa(`${creds.accountSid}:${creds.authToken}`)}`);
  });

  it("matches on recipient, body, direction and time, oldest first", async () => {
    const creds = credentials();
    const newer = listed({ date_created: "Mon, 30 Nov 2026 10:05:00 +0000" });
    const older = listed({});
    const { adapter } = await listAnswering(creds, [
      newer,
      listed({ body: "another text" }),
      listed({ to: "+14155550111" }),
      listed({ direction: "inbound" }),
      listed({ date_created: "Mon, 30 Nov 2026 09:59:00 +0000" }),
      older,
    ]);
    expect(await findSent(adapter)).toEqual({ kind: "listed", ids: [older.sid, newer.sid] });
  });

  it("through a Messaging Service, only that service's sends count", async () => {
    const creds = credentials();
    const service = `MG${randomHex(16)}`;
    const ours = listed({ messaging_service_sid: service, from: "+14155550123" });
    const server = await answering(`GET /2010-04-01/Accounts/${creds.accountSid}/Messages.json`, {
      status: 200,
      body: { messages: [ours, listed({ messaging_service_sid: `MG${randomHex(16)}` })] },
    });
    const adapter = providerFor(
      "twilio",
      "prv_twilio1",
      { ...creds, messagingServiceSid: service, baseUrl: server.baseUrl },
      { outbound: LOCAL_OUTBOUND },
    );
    expect(await findSent(adapter)).toEqual({ kind: "listed", ids: [ours.sid] });
    const [request] = await server.requests();
    expect(new URL(request.path, "http://x").searchParams.has("From")).toBe(false);
  });

  it("a rate limit, a server error or no answer: unavailable for now (ask again later)", async () => {
    const creds = credentials();
    const limited = await answering(`GET /2010-04-01/Accounts/${creds.accountSid}/Messages.json`, {
      status: 429,
      headers: { "retry-after": "7" },
      body: { code: 20429, message: "Too Many Requests" },
    });
    const adapterAt = (baseUrl: string) =>
      providerFor("twilio", "prv_twilio1", { ...creds, from: "+14155550199", baseUrl }, { outbound: LOCAL_OUTBOUND });
    expect(await findSent(adapterAt(limited.baseUrl))).toEqual({
      kind: "unavailable",
      message: "Twilio answered 429",
      retryAfterSeconds: 7,
    });
    expect(await findSent((await listAnswering(creds, [], 500)).adapter)).toMatchObject({ kind: "unavailable" });
    expect(await findSent(adapterAt(closedUrl()))).toMatchObject({ kind: "unavailable" });
  });

  it("no such list (404, a non-Twilio gateway) or an answer that is not one: unsupported", async () => {
    const creds = credentials();
    expect(await findSent((await listAnswering(creds, [], 404)).adapter)).toMatchObject({ kind: "unsupported" });
    const odd = await answering(`GET /2010-04-01/Accounts/${creds.accountSid}/Messages.json`, { status: 200, body: "<html>" });
    const adapter = providerFor(
      "twilio",
      "prv_twilio1",
      { ...creds, from: "+14155550199", baseUrl: odd.baseUrl },
      { outbound: LOCAL_OUTBOUND },
    );
    expect(await findSent(adapter)).toMatchObject({ kind: "unsupported" });
  });

  it("sends a lookup the repository's description of Twilio's API accepts (Prism)", async () => {
    const creds = credentials();
    const server = await throughPrism("twilio");
    const adapter = providerFor(
      "twilio",
      "prv_twilio1",
      { ...creds, from: "+14155550199", baseUrl: server.baseUrl },
      { outbound: LOCAL_OUTBOUND },
    );
    // The description's example lists this very message, sent after SINCE.
    expect(await findSent(adapter)).toEqual({ kind: "listed", ids: ["SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"] });
    const [request] = await server.requests();
    expect(request.upstreamStatus).toBe(200);
  });
});

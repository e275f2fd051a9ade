import { eventually } from "../../e2e/harness/relay-client";
import type { Credentials } from "../../e2e/harness/stack-process";

export type Provider = { id: string; name: string };
export type DeadLetter = { id: string; messageId: string };
type Answer<T> = { status: number; data: T };

/** The /v1 API with any key: test data is set up the way a client would set it up. */
export function relayApi(credentials: Credentials) {
  const call = async <T>(key: string, method: string, path: string, body?: unknown): Promise<Answer<T>> => {
    const response = await fetch(`${credentials.ingestUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as { data: T };
    return { status: response.status, data: json.data };
  };
  const expect = async <T>(status: number, answer: Promise<Answer<T>>): Promise<T> => {
    const settled = await answer;
    if (settled.status !== status) throw new Error(`expected ${status}, got ${settled.status}: ${JSON.stringify(settled.data)}`);
    return settled.data;
  };
  const admin = credentials.adminKey;

  return {
    call,
    async tenant(name: string) {
      return expect(201, call<{ id: string }>(admin, "POST", "/v1/tenants", { name }));
    },
    async key(tenantId: string, scopes: string[]) {
      return expect(
        201,
        call<{ id: string; key: string }>(admin, "POST", `/v1/tenants/${tenantId}/api-keys`, { name: scopes.join("+"), scopes }),
      );
    },
    async revoke(keyId: string) {
      return expect(200, call(admin, "DELETE", `/v1/api-keys/${keyId}`));
    },
    /** A tenant's provider of type `system`; `fail` makes it fail on purpose. */
    async systemProvider(tenantId: string, fields: { name: string; channel: string; priority: number; enabled: boolean; fail?: string }) {
      const { fail, ...rest } = fields;
      return expect(
        201,
        call<Provider>(admin, "POST", "/v1/providers", { type: "system", tenantId, ...rest, config: fail ? { fail } : {} }),
      );
    },
    async send(key: string, message: { channel: string; to: string; text: string }) {
      const body = { channel: message.channel, to: message.to, content: { text: message.text } };
      return expect(202, call<{ id: string }>(key, "POST", "/v1/messages", body));
    },
    /** Local retries are short (3, about 1 s apart): a message whose providers all fail is dead-lettered in seconds. */
    async deadLetterOf(messageId: string): Promise<DeadLetter> {
      return eventually(async () => {
        const list = await call<{ items: DeadLetter[] }>(admin, "GET", "/v1/dead-letters");
        return list.data.items.find((item) => item.messageId === messageId);
      }, 60_000);
    },
  };
}
export type RelayApi = ReturnType<typeof relayApi>;

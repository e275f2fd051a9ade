import type { Credentials } from "./stack-process";

export type Envelope<T> = { success: boolean; data: T; error?: { code: string; message: string } };

/** A thin HTTP client for the Relay API, as any service would use it. */
export function relayClient(credentials: () => Credentials) {
  const call = async <T>(key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${credentials().ingestUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Envelope<T> };
  };
  return {
    asTenant: <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>(credentials().apiKey, method, path, body, headers),
    asAdmin: <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>(credentials().adminKey, method, path, body, headers),
    withKey: <T>(key: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>(key, method, path, body, headers),
  };
}

export type RelayClient = ReturnType<typeof relayClient>;

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
}

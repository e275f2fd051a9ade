import { describe, expect, it } from "vitest";
import { isProviderFaultStatus, retryAfterSeconds, unreachable } from "../../shared/providers/http-outcome";
import { redact } from "../../shared/providers/secret-redaction";

describe("http outcome helpers", () => {
  it("reads Retry-After as seconds or as an HTTP date, and ignores nonsense", () => {
    expect(retryAfterSeconds(new Headers({ "retry-after": "42" }))).toBe(42);
    expect(retryAfterSeconds(new Headers({ "retry-after": new Date(Date.now() + 3_600_000).toUTCString() }))).toBeGreaterThan(3_500);
    expect(retryAfterSeconds(new Headers({ "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" }))).toBe(0);
    expect(retryAfterSeconds(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterSeconds(new Headers())).toBeUndefined();
  });

  it("blames the provider for redirects, auth, timeouts, rate limits and server errors, and the message for other 4xx", () => {
    expect([301, 401, 403, 408, 429, 500, 503].every(isProviderFaultStatus)).toBe(true);
    expect([400, 404, 409, 410, 413, 422].some(isProviderFaultStatus)).toBe(false);
  });

  it("tells a timeout from an abort and from a network failure", () => {
    const timedOut = new AbortController();
    timedOut.abort(new DOMException("late", "TimeoutError"));
    expect(unreachable(new Error("x"), timedOut.signal)).toMatchObject({ kind: "unavailable", code: "timeout" });

    const aborted = new AbortController();
    aborted.abort();
    expect(unreachable(new Error("x"), aborted.signal)).toMatchObject({ kind: "unavailable", code: "aborted" });

    expect(unreachable(new TypeError("Network connection lost."), new AbortController().signal)).toEqual({
      kind: "unavailable",
      code: "network_error",
      message: "could not reach the provider: Network connection lost.",
    });
  });

  it("redacts every occurrence of every secret", () => {
    expect(redact("a s3cr3t b s3cr3t c t0k", ["s3cr3t", undefined, "t0k"])).toBe("a [redacted] b [redacted] c [redacted]");
  });
});

import { describe, expect, it } from "vitest";
import { refusedAddresses } from "../../shared/providers/config-rules";
import { outboundPolicyFromEnv, PUBLIC_ONLY, refusedHost, refusedUrl } from "../../shared/providers/outbound-policy";

// Pure checks: nothing here connects anywhere.
const LOCAL = outboundPolicyFromEnv({ OUTBOUND_ALLOW_LOOPBACK: "true" });

describe("outbound policy: URLs (deployed)", () => {
  it.each([
    "https://api.twilio.com",
    "https://hooks.example.com/relay?x=1",
    "https://email.eu-west-1.amazonaws.com",
    "https://user:pass@hooks.example.com/",
    "https://hooks.acme.test:8443/relay",
  ])("allows the public https URL %s", (url) => {
    expect(refusedUrl(url, PUBLIC_ONLY)).toBeUndefined();
  });

  it.each([
    ["http://hooks.example.com/", "https"],
    ["ftp://hooks.example.com/", "https"],
    ["not a url", "valid URL"],
    ["https://127.0.0.1/", "127.0.0.1 is loopback"],
    ["https://127.1.2.3:8080/", "loopback"],
    ["https://localhost/", "localhost"],
    ["https://LOCALHOST./", "localhost"],
    ["https://api.localhost/", "localhost"],
    ["https://10.0.0.1/", "private"],
    ["https://172.16.5.4/", "private"],
    ["https://172.31.255.255/", "private"],
    ["https://192.168.1.1/", "private"],
    ["https://100.64.0.1/", "CGNAT"],
    ["https://169.254.169.254/latest/meta-data/", "metadata"],
    ["https://0.0.0.0/", "unspecified"],
    ["https://0/", "unspecified"],
    ["https://8.8.8.8/", "not an IP address"],
    ["https://[::1]/", "loopback"],
    ["https://[0:0:0:0:0:0:0:1]/", "loopback"],
    ["https://[::]/", "unspecified"],
    ["https://[fe80::1]/", "link-local"],
    ["https://[fc00::1]/", "unique-local"],
    ["https://[fd12:3456::1]/", "unique-local"],
    ["https://[::ffff:127.0.0.1]/", "IPv4-mapped"],
    ["https://[::ffff:169.254.169.254]/", "IPv4-mapped"],
    ["https://[2606:4700::1111]/", "not an IP address"],
    // Numeric spellings the WHATWG parser canonicalises to 127.0.0.1 / 10.0.0.1.
    ["https://2130706433/", "loopback"],
    ["https://0x7f.1/", "loopback"],
    ["https://0177.0.0.1/", "loopback"],
    ["https://127.1/", "loopback"],
    ["https://%31%32%37.0.0.1/", "loopback"],
    ["https://167772161/", "private"],
    ["https://hooks.example.com@10.0.0.1/", "private"],
    ["https://metadata.google.internal/computeMetadata/v1/", ".internal"],
    ["https://instance-data.ec2.internal/", ".internal"],
    ["https://printer.local/", ".local"],
    ["https://router.lan/", ".lan"],
    ["https://nas.home.arpa/", ".arpa"],
    ["https://1.0.0.127.in-addr.arpa/", ".arpa"],
    ["https://metadata/", "fully qualified"],
    ["https://mailserver/", "fully qualified"],
    ["https://127.0.0.1.nip.io/", "spells an address"],
    ["https://10-0-0-1.sslip.io/", "spells an address"],
  ])("refuses %s (%s)", (url, reason) => {
    expect(refusedUrl(url, PUBLIC_ONLY)).toContain(reason);
  });
});

describe("outbound policy: the local loopback allowance", () => {
  it('is off unless the environment says exactly "true"', () => {
    expect(outboundPolicyFromEnv({}).allowLoopback).toBe(false);
    expect(outboundPolicyFromEnv({ OUTBOUND_ALLOW_LOOPBACK: "1" }).allowLoopback).toBe(false);
    expect(outboundPolicyFromEnv({ OUTBOUND_ALLOW_LOOPBACK: "yes" }).allowLoopback).toBe(false);
    expect(LOCAL.allowLoopback).toBe(true);
  });

  it.each(["http://127.0.0.1:8787/", "https://127.0.0.1/", "http://[::1]:9000/x", "http://localhost:3000/", "http://2130706433/"])(
    "allows loopback %s, over http too",
    (url) => {
      expect(refusedUrl(url, LOCAL)).toBeUndefined();
    },
  );

  it.each([
    ["http://10.0.0.1/", "https"],
    ["https://10.0.0.1/", "private"],
    ["https://192.168.0.10/", "private"],
    ["https://169.254.169.254/", "metadata"],
    ["https://[fe80::1]/", "link-local"],
    ["https://[::ffff:127.0.0.1]/", "IPv4-mapped"],
    ["https://0.0.0.0/", "unspecified"],
    ["https://metadata.google.internal/", ".internal"],
    ["http://hooks.example.com/", "https"],
  ])("still refuses %s (%s)", (url, reason) => {
    expect(refusedUrl(url, LOCAL)).toContain(reason);
  });
});

describe("outbound policy: SMTP hosts", () => {
  it.each(["smtp.gmail.com", "email-smtp.eu-west-1.amazonaws.com", "smtp.acme.test"])("allows the public host %s", (host) => {
    expect(refusedHost(host, PUBLIC_ONLY)).toBeUndefined();
  });

  it.each([
    ["127.0.0.1", "loopback"],
    ["2130706433", "loopback"],
    ["0x7f.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["169.254.169.254", "metadata"],
    ["[::1]", "loopback"],
    ["[::ffff:a00:1]", "IPv4-mapped"],
    ["localhost", "localhost"],
    ["mail.internal", ".internal"],
    ["mailhost", "fully qualified"],
    ["smtp.example.com:25", "without scheme, port or path"],
    ["smtp://smtp.example.com", "without scheme, port or path"],
    ["user@10.0.0.1", "without scheme, port or path"],
    ["smtp.example.com/x", "without scheme, port or path"],
  ])("refuses %s (%s)", (host, reason) => {
    expect(refusedHost(host, PUBLIC_ONLY)).toContain(reason);
  });

  it("allows loopback only under the local allowance", () => {
    expect(refusedHost("127.0.0.1", LOCAL)).toBeUndefined();
    expect(refusedHost("localhost", LOCAL)).toBeUndefined();
    expect(refusedHost("10.0.0.1", LOCAL)).toContain("private");
  });
});

describe("outbound policy: which config fields it reads", () => {
  it("names every address field of every type", () => {
    const bad = "https://10.0.0.1";
    expect(refusedAddresses("twilio", { baseUrl: bad }, PUBLIC_ONLY).map((r) => r.field)).toEqual(["baseUrl"]);
    expect(refusedAddresses("resend", { baseUrl: bad }, PUBLIC_ONLY).map((r) => r.field)).toEqual(["baseUrl"]);
    expect(refusedAddresses("aws-ses", { endpoint: bad }, PUBLIC_ONLY).map((r) => r.field)).toEqual(["endpoint"]);
    expect(refusedAddresses("webhook", { url: bad }, PUBLIC_ONLY).map((r) => r.field)).toEqual(["url"]);
    expect(refusedAddresses("smtp", { host: "10.0.0.1" }, PUBLIC_ONLY).map((r) => r.field)).toEqual(["host"]);
    expect(refusedAddresses("system", {}, PUBLIC_ONLY)).toEqual([]);
    // The providers' own default endpoints are used when no URL is set.
    expect(refusedAddresses("twilio", {}, PUBLIC_ONLY)).toEqual([]);
  });
});

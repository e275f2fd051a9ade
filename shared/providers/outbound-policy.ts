/**
 * Where provider adapters may connect. Deployed, only public host names: a tenant admin must not
 * be able to point a provider at loopback, private, link-local or metadata addresses (SSRF).
 * Locally the fakes listen on 127.0.0.1, so the local stack and tests allow loopback, and only loopback.
 */
export type OutboundPolicy = { readonly allowLoopback: boolean };

export const PUBLIC_ONLY: OutboundPolicy = Object.freeze({ allowLoopback: false });

export function outboundPolicyFromEnv(env: { OUTBOUND_ALLOW_LOOPBACK?: string }): OutboundPolicy {
  return env.OUTBOUND_ALLOW_LOOPBACK === "true" ? { allowLoopback: true } : PUBLIC_ONLY;
}

/**
 * Suffixes that name private networks, not the public DNS (RFC 6761, RFC 6762, RFC 8375 and
 * common intranet conventions), and public names that resolve to whatever address they spell.
 */
const NON_PUBLIC_SUFFIXES = ["localhost", "local", "localdomain", "internal", "intranet", "private", "corp", "home", "lan", "arpa"];
const ADDRESS_SPELLING_DOMAINS = ["nip.io", "sslip.io", "xip.io", "localtest.me", "lvh.me"];

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4Kind(host: string): string | undefined {
  const match = IPV4.exec(host);
  if (!match) return undefined;
  const [a, b] = match.slice(1).map(Number);
  if (a === 127) return "loopback";
  if (a === 0) return "unspecified";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
  if (a === 100 && b >= 64 && b <= 127) return "shared (CGNAT)";
  if (a === 169 && b === 254) return "link-local (cloud metadata)";
  if (a >= 224) return "multicast or reserved";
  return "public";
}

/** The URL parser has already canonicalised it: `[::1]`, `[::ffff:7f00:1]`, `[fe80::1]`. */
function ipv6Kind(host: string): string | undefined {
  if (!host.startsWith("[")) return undefined;
  const address = host.slice(1, -1);
  if (address === "::1") return "loopback";
  if (address === "::") return "unspecified";
  if (address.startsWith("::ffff:")) return "IPv4-mapped";
  if (/^fe[89ab]/.test(address)) return "link-local";
  if (/^f[cd]/.test(address)) return "unique-local";
  return "public";
}

function isLoopbackHost(host: string): boolean {
  return ipv4Kind(host) === "loopback" || ipv6Kind(host) === "loopback" || host === "localhost" || host.endsWith(".localhost");
}

const endsWith = (host: string, suffix: string) => host === suffix || host.endsWith(`.${suffix}`);

/** Why a canonical host name (from the URL parser) is not a public name, or undefined when it is. */
function refusedHostname(hostname: string, policy: OutboundPolicy): string | undefined {
  const host = hostname.replace(/\.+$/, "").toLowerCase();
  if (policy.allowLoopback && isLoopbackHost(host)) return undefined;
  const ipKind = ipv4Kind(host) ?? ipv6Kind(host);
  if (ipKind) return `must be a public host name, not an IP address (${host} is ${ipKind})`;
  if (endsWith(host, "localhost")) return "must be a public host name, not localhost";
  const suffix = NON_PUBLIC_SUFFIXES.find((s) => endsWith(host, s));
  if (suffix) return `must be a public host name, not an internal one (.${suffix})`;
  if (ADDRESS_SPELLING_DOMAINS.some((d) => endsWith(host, d))) return "must be a public host name, not one that spells an address";
  if (!host.includes(".")) return "must be a fully qualified public host name";
  return undefined;
}

/** Why a provider may not call this URL, or undefined when it may. */
export function refusedUrl(raw: string, policy: OutboundPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be a valid URL";
  }
  const loopbackAllowed = policy.allowLoopback && isLoopbackHost(url.hostname.replace(/\.+$/, ""));
  if (url.protocol !== "https:" && !(loopbackAllowed && url.protocol === "http:")) return "must be an https URL";
  return refusedHostname(url.hostname, policy);
}

/** Why a provider may not connect to this host (SMTP: a bare host name, no scheme or port). */
export function refusedHost(raw: string, policy: OutboundPolicy): string | undefined {
  if (!/^[A-Za-z0-9.-]+$/.test(raw) && !/^\[[0-9A-Fa-f:.]+\]$/.test(raw)) return "must be a host name, without scheme, port or path";
  let url: URL;
  try {
    // The WHATWG parser canonicalises numeric forms (2130706433, 0x7f.1, 0177.0.0.1) for special schemes only.
    url = new URL(`https://${raw}/`);
  } catch {
    return "must be a valid host name";
  }
  return refusedHostname(url.hostname, policy);
}

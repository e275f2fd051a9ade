import type { IngestEnv } from "../env";

/** One bucket for every client where no address can be trusted: nobody can rotate past it. */
export const SHARED_BUCKET = "shared";

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

/**
 * The address the sign-in limiter counts attempts against.
 *
 * On Cloudflare the edge sets `request.cf` and overwrites `cf-connecting-ip` with the address it
 * saw, so a client cannot choose that header there. A request without `request.cf` did not come
 * through the edge, and locally Miniflare invents `request.cf` yet keeps a client's own
 * `cf-connecting-ip` — the local stack sets `CLIENT_ADDRESS_HEADER = "none"` for that. In both
 * cases every client shares one bucket. An IPv6 client usually holds a whole /64, so that is
 * its bucket.
 */
export function clientBucket(request: Request, env: Pick<IngestEnv, "CLIENT_ADDRESS_HEADER">): string {
  if (env.CLIENT_ADDRESS_HEADER === "none" || request.cf === undefined) return SHARED_BUCKET;
  const address = request.headers.get("cf-connecting-ip")?.trim() ?? "";
  const mapped = /^::ffff:([\d.]+)$/i.exec(address)?.[1];
  return ipv4(mapped ?? address) ?? ipv6Prefix(address) ?? SHARED_BUCKET;
}

function ipv4(address: string): string | undefined {
  const parts = IPV4.exec(address)?.slice(1).map(Number);
  return parts?.every((part) => part <= 255) ? parts.join(".") : undefined;
}

/** The first four groups of an IPv6 address, normalised (`2001:db8::1` → `2001:db8:0:0::/64`). */
function ipv6Prefix(address: string): string | undefined {
  const halves = address.toLowerCase().split("::");
  if (halves.length > 2) return undefined;
  const groups = halves.map((half) => (half ? half.split(":") : []));
  // An embedded IPv4 address (`::ffff:192.0.2.1`) takes the last two groups.
  const last = groups.at(-1) ?? [];
  if (last.length > 0 && ipv4(last[last.length - 1])) last.splice(-1, 1, "0", "0");
  const [head, tail = []] = groups;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const full = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!full.every((group) => HEXTET.test(group))) return undefined;
  return `${full
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(":")}::/64`;
}

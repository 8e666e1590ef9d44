import ipaddr from "ipaddr.js";
import { BillhookError } from "../../kernel/index.js";
import { outboundLimits } from "./outbound-types.js";

/**
 * Whether a webhook may be sent to this address: only public unicast addresses, unless private ones
 * are allowed for development. Loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local
 * (169.254/16 with the cloud metadata address, fe80::/10), unspecified, CGNAT (100.64/10), multicast,
 * broadcast, reserved and documentation ranges are refused; IPv4-mapped and translated IPv6 addresses
 * are judged by the IPv4 address they carry. Returns why not, or null when allowed.
 *
 * @example
 * refusedAddressReason("169.254.169.254"); // "linkLocal"
 */
export function refusedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  return range === "unicast" ? null : range;
}

/** What the network port needs to vet each address it is about to connect to. */
export type AddressVetter = (address: string) => string | null;

export function addressVetter(allowPrivate: boolean): AddressVetter {
  return allowPrivate ? () => null : refusedAddressReason;
}

export function urlRefused(
  url: string,
  reason: string,
  details: Record<string, unknown> = {},
): BillhookError {
  return new BillhookError("WEBHOOK_URL_REFUSED", `Webhook URL ${url} is refused: ${reason}.`, {
    url,
    reason,
    ...details,
  });
}

/** The host of a URL as an address when it is an IP literal (`[::1]` → `::1`), else null. */
export function literalAddressOf(hostname: string): string | null {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(":") || ipaddr.IPv4.isValidFourPartDecimal(bare))
    ? bare
    : null;
}

/**
 * Checks what can be checked without the network: an http(s) URL, no credentials in it, not too long,
 * and an IP-literal host that `vet` allows. Throws WEBHOOK_URL_REFUSED naming the reason.
 */
export function checkUrlShape(raw: string, vet: AddressVetter): URL {
  if (raw.length > outboundLimits.urlLengthMax) throw urlRefused(raw.slice(0, 100), "it is too long");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw urlRefused(raw, "it is not a valid URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw urlRefused(raw, "only http and https");
  if (url.username || url.password) throw urlRefused(raw, "credentials do not belong in the URL");
  if (!url.hostname) throw urlRefused(raw, "it has no host");
  const literal = literalAddressOf(url.hostname);
  if (literal === null && ipaddr.isValid(url.hostname)) {
    // Shorthand IPv4 forms (`127.1`, `0x7f.1`, a bare integer) name addresses too; refuse them outright.
    throw urlRefused(raw, "write an IPv4 address in four decimal parts");
  }
  if (literal !== null) {
    const reason = vet(literal);
    if (reason) throw urlRefused(raw, `the address is ${reason}`, { address: literal });
  }
  return url;
}

/**
 * The SSRF guard of the `http` node: which addresses a request may not
 * reach (loopback, private, link-local, metadata...) unless the workflow's
 * allowlist names the host or the address.
 */
import { BlockList, isIP } from "node:net";
import { BatonError } from "../errors.js";
import { embeddedIpv4 } from "./embedded-ipv4.js";

/**
 * Hosts and addresses a request may reach although the guard refuses them.
 *
 * Each entry of `allowedHosts` is one of:
 * - an IP range in CIDR notation: `"127.0.0.0/8"`, `"10.1.2.0/24"`, `"::1/128"`;
 * - one IP address: `"10.1.2.3"`, `"::1"` (brackets allowed: `"[::1]"`);
 * - a host name, matched case-insensitively against the URL's host (a final
 *   dot ignored): `"api.internal"`;
 * - a wildcard `"*.example.com"`, matching every host name under
 *   `example.com` (`a.example.com`, `a.b.example.com`) but not `example.com`.
 *
 * An allowed host name may resolve to any address; an allowed range lets
 * through the addresses in it, whatever the host name. Ports are not part of
 * an entry. Anything else is refused with `INVALID_OPTIONS`.
 */
export interface AddressAllowlist {
  /** Host names, wildcards, IP addresses and CIDR ranges (see the interface). */
  allowedHosts?: string[];
}

/** Ranges a request may not reach, each with the words that name it; the first that matches names the address. */
const refusedRanges: [string, string[]][] = [
  ["a cloud metadata address", ["169.254.169.254/32", "169.254.170.2/32", "100.100.100.200/32", "fd00:ec2::254/128"]],
  ["the broadcast address", ["255.255.255.255/32"]],
  ["a loopback address", ["127.0.0.0/8", "::1/128"]],
  ["an unspecified address", ["0.0.0.0/8", "::/128"]],
  ["a private address", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]],
  ["a carrier-grade NAT address", ["100.64.0.0/10"]],
  ["a link-local address", ["169.254.0.0/16", "fe80::/10"]],
  ["a unique-local address", ["fc00::/7"]],
  ["a site-local address", ["fec0::/10"]],
  ["a multicast address", ["224.0.0.0/4", "ff00::/8"]],
  [
    "a reserved address",
    [
      "240.0.0.0/4",
      "192.0.0.0/24",
      "192.0.2.0/24",
      "192.88.99.0/24",
      "198.18.0.0/15",
      "198.51.100.0/24",
      "203.0.113.0/24",
      "::/96",
      "100::/64",
      "2001:db8::/32",
      "64:ff9b:1::/48",
    ],
  ],
];

/** Adds `cidr` ("address/prefix") to `list`; false when it is not a valid range. */
function addRange(list: BlockList, cidr: string): boolean {
  const slash = cidr.indexOf("/");
  const address = unbracket(slash === -1 ? cidr : cidr.slice(0, slash));
  const family = isIP(address);
  if (family === 0) return false;
  const bits = family === 4 ? 32 : 128;
  const prefixText = slash === -1 ? String(bits) : cidr.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix >= 0 && prefix <= bits)) return false;
  list.addSubnet(address, prefix, family === 4 ? "ipv4" : "ipv6");
  return true;
}

/**
 * The refused ranges, one list per family: a list of IPv4 ranges would also
 * match IPv4-mapped IPv6 addresses, which are named by their IPv4 address.
 */
const refusedLists = refusedRanges.map(([kind, ranges]) => {
  const ipv4 = new BlockList();
  const ipv6 = new BlockList();
  for (const range of ranges) addRange(range.includes(":") ? ipv6 : ipv4, range);
  return { kind, ipv4, ipv6 };
});

/** `address` without brackets (`[::1]`) and without an IPv6 zone (`%eth0`). */
function unbracket(address: string): string {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  return bare.includes(":") ? (bare.split("%")[0] as string) : bare;
}

/** The words naming the refused range `address` (bare, valid) is in, if any. */
function rangeKind(address: string): string | undefined {
  const type = isIP(address) === 4 ? "ipv4" : "ipv6";
  return refusedLists.find((lists) => lists[type].check(address, type))?.kind;
}

/**
 * Why a request may not reach `address`: the words naming its kind (`"a
 * private address"`, `"a private address (IPv4-mapped form of 10.0.0.1)"`...),
 * or `undefined` for an address the guard lets through. An
 * IPv6 address carrying an IPv4 one (IPv4-mapped, NAT64, 6to4, Teredo) is
 * refused when the IPv4 one is. What is not an IP address is refused too.
 *
 * @example
 * refusedAddressKind("169.254.169.254"); // "a cloud metadata address"
 * refusedAddressKind("8.8.8.8"); // undefined
 */
export function refusedAddressKind(address: string): string | undefined {
  const bare = unbracket(address.trim());
  if (isIP(bare) === 0) return "not an IP address";
  const kind = rangeKind(bare);
  if (kind !== undefined || isIP(bare) === 4) return kind;
  const inner = embeddedIpv4(bare);
  const innerKind = inner && rangeKind(inner.address);
  return inner && innerKind ? `${innerKind} (${inner.carrier} form of ${inner.address})` : undefined;
}

/**
 * True when the guard refuses `address` (see `refusedAddressKind`): loopback,
 * unspecified, private, carrier-grade NAT, link-local, unique-local,
 * site-local, multicast, reserved, broadcast and cloud metadata addresses,
 * and IPv6 addresses carrying such an IPv4 address.
 *
 * @example
 * isRefusedAddress("::ffff:10.0.0.1"); // true
 * isRefusedAddress("2606:4700::1111"); // false
 */
export function isRefusedAddress(address: string): boolean {
  return refusedAddressKind(address) !== undefined;
}

/** An allowlist read once: host names, wildcard suffixes and ranges. */
interface ParsedAllowlist {
  hosts: Set<string>;
  suffixes: string[];
  ranges: BlockList;
}

const hostName = /^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

/** A host name in the form entries are compared in: lower case, no final dot. */
const normalHost = (host: string) => host.toLowerCase().replace(/\.$/, "");

/**
 * Reads an allowlist, checking every entry.
 *
 * @throws BatonError `INVALID_OPTIONS` naming the first entry that is neither
 * a host name, a wildcard, an IP address nor a CIDR range.
 */
export function checkAllowlist(allowlist: AddressAllowlist | undefined): void {
  parseAllowlist(allowlist?.allowedHosts ?? []);
}

function parseAllowlist(entries: readonly string[]): ParsedAllowlist {
  const parsed: ParsedAllowlist = { hosts: new Set(), suffixes: [], ranges: new BlockList() };
  for (const entry of entries) {
    const text = typeof entry === "string" ? entry.trim() : "";
    const host = normalHost(text);
    if (text.includes("/") || isIP(unbracket(text)) !== 0) {
      if (addRange(parsed.ranges, text)) continue;
    } else if (hostName.test(host)) {
      if (host.startsWith("*.")) parsed.suffixes.push(host.slice(1));
      else parsed.hosts.add(host);
      continue;
    }
    throw new BatonError(
      "INVALID_OPTIONS",
      `invalid http.allowedHosts entry ${JSON.stringify(entry)}: expected a host name ("api.internal"), a wildcard ("*.example.com"), an IP address or a CIDR range ("10.0.0.0/8")`,
    );
  }
  return parsed;
}

/** True when the allowlist names `host` or has a range holding `address` (or the IPv4 address it maps). */
function isAllowed(host: string, address: string, allowlist: AddressAllowlist | undefined): boolean {
  const entries = allowlist?.allowedHosts;
  if (!entries || entries.length === 0) return false;
  const { hosts, suffixes, ranges } = parseAllowlist(entries);
  const name = normalHost(unbracket(host));
  if (hosts.has(name) || suffixes.some((suffix) => name.endsWith(suffix))) return true;
  const bare = unbracket(address);
  const family = isIP(bare);
  if (family === 0) return false;
  if (ranges.check(bare, family === 4 ? "ipv4" : "ipv6")) return true;
  const inner = embeddedIpv4(bare);
  return inner?.carrier === "IPv4-mapped" && ranges.check(inner.address, "ipv4");
}

/**
 * Checks that a request to `host` may go to `address` (one of the addresses
 * `host` resolves to, or `host` itself when it is an IP address).
 *
 * @example
 * checkAddress("metadata.internal", "169.254.169.254", { allowedHosts: [] }); // throws
 * checkAddress("api.internal", "10.1.2.3", { allowedHosts: ["10.1.2.0/24"] }); // passes
 * @throws BatonError `HTTP_ADDRESS_REFUSED` naming the host and the address when
 * the guard refuses the address and the allowlist names neither; `INVALID_OPTIONS`
 * for an allowlist entry that cannot be read.
 */
export function checkAddress(host: string, address: string, allowlist?: AddressAllowlist): void {
  const kind = refusedAddressKind(address);
  if (kind === undefined || isAllowed(host, address, allowlist)) return;
  const bareHost = unbracket(host);
  const what = bareHost === unbracket(address) ? "it is" : `it resolves to ${address},`;
  throw new BatonError(
    "HTTP_ADDRESS_REFUSED",
    `request to ${JSON.stringify(bareHost)} refused: ${what} ${kind}; allow it with \`http.allowedHosts\``,
  );
}

/**
 * IPv4 addresses carried inside IPv6 ones (IPv4-mapped, NAT64, 6to4,
 * Teredo...): a request to such an IPv6 address may reach the IPv4 one, so
 * the address guard checks the IPv4 address as well.
 */
import { isIPv6 } from "node:net";

/** An IPv4 address found inside an IPv6 address, and how it is carried. */
export interface EmbeddedIpv4 {
  /** The IPv4 address, dotted (`"10.0.0.1"`). */
  address: string;
  /** The kind of IPv6 address that carries it (`"IPv4-mapped"`, `"NAT64"`, `"6to4"`...). */
  carrier: string;
}

/**
 * The eight 16-bit words of an IPv6 address (a zone such as `%eth0` is
 * ignored), or `undefined` when `address` is not an IPv6 address.
 *
 * @example
 * ipv6Words("::ffff:10.0.0.1"); // [0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]
 */
export function ipv6Words(address: string): number[] | undefined {
  const text = address.split("%")[0] as string;
  if (!isIPv6(text)) return undefined;
  const parse = (part: string): number[] =>
    part === ""
      ? []
      : part.split(":").flatMap((piece) => {
          if (!piece.includes(".")) return [Number.parseInt(piece, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = piece.split(".").map(Number);
          return [a * 256 + b, c * 256 + d];
        });
  const [head = "", tail] = text.split("::");
  const first = parse(head);
  const last = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? 0 : 8 - first.length - last.length;
  return [...first, ...new Array<number>(zeros).fill(0), ...last];
}

/** The dotted IPv4 address of two 16-bit words. */
function dotted(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

/**
 * The IPv4 address carried by an IPv6 address, or `undefined` when it
 * carries none (or is not an IPv6 address). Recognised: IPv4-mapped
 * (`::ffff:0:0/96`), IPv4-translated (`::ffff:0:0:0/96`), IPv4-compatible
 * (`::/96`, deprecated), NAT64 (`64:ff9b::/96`), 6to4 (`2002::/16`) and
 * Teredo (`2001::/32`, the client's address).
 *
 * @example
 * embeddedIpv4("64:ff9b::a00:1"); // { address: "10.0.0.1", carrier: "NAT64" }
 */
export function embeddedIpv4(address: string): EmbeddedIpv4 | undefined {
  const words = ipv6Words(address);
  if (!words) return undefined;
  const [w0, w1, w2, w3, w4, w5, w6, w7] = words as [number, number, number, number, number, number, number, number];
  const zeroTo = (end: number) => words.slice(0, end).every((word) => word === 0);
  if (zeroTo(5) && w5 === 0xffff) return { address: dotted(w6, w7), carrier: "IPv4-mapped" };
  if (zeroTo(4) && w4 === 0xffff && w5 === 0) return { address: dotted(w6, w7), carrier: "IPv4-translated" };
  if (zeroTo(6)) return { address: dotted(w6, w7), carrier: "IPv4-compatible" };
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0) {
    return { address: dotted(w6, w7), carrier: "NAT64" };
  }
  if (w0 === 0x2002) return { address: dotted(w1, w2), carrier: "6to4" };
  if (w0 === 0x2001 && w1 === 0) return { address: dotted(w6 ^ 0xffff, w7 ^ 0xffff), carrier: "Teredo" };
  return undefined;
}

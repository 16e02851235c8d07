/**
 * Where one hop of a request goes: the URL checked (scheme, no
 * credentials), its host resolved here, and every address checked by the
 * address guard before any connection. The connection is then made to the
 * address checked, never to a second answer of the resolver.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { type AddressAllowlist, checkAddress } from "./address-guard.js";
import { HttpError } from "./http-error.js";
import type { HostLookup, ResolvedAddress } from "./http-request-types.js";

/** A URL whose host was resolved and checked. */
export interface HttpTarget {
  url: URL;
  /** The URL's host name, without the brackets of an IPv6 address. */
  host: string;
  /** The address to connect to, one the guard checked. */
  address: string;
  family: 4 | 6;
}

/** Resolves a host name with the system resolver, all addresses in the resolver's order. */
export const systemLookup: HostLookup = async (host) => {
  const answers = await dnsLookup(host, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/** Settles as `promise`, or rejects with the signal's reason once `signal` aborts. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Checks that `url` may be requested: an `http:` or `https:` URL.
 *
 * @throws HttpError `HTTP_INVALID_URL` for another scheme or a URL with a
 * user name or password (credentials go in a header, such as `Authorization`,
 * never in a URL that error messages and logs may show).
 */
export function checkUrl(url: URL): void {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HttpError("HTTP_INVALID_URL", `only http: and https: URLs may be requested, not ${url.protocol}`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new HttpError(
      "HTTP_INVALID_URL",
      "a URL with a user name or password is refused: send credentials in a header (Authorization)",
    );
  }
}

/**
 * The target of a request to `url`: an IP address in the URL is checked as
 * it is; a host name is resolved with `lookup` and every address it
 * resolves to is checked (one refused address refuses the request, unless
 * the allowlist names the host or the address). The first address is the
 * one to connect to.
 *
 * @throws HttpError `HTTP_INVALID_URL` (see `checkUrl`), `HTTP_DNS_FAILED`
 * when the name does not resolve; BatonError `HTTP_ADDRESS_REFUSED` from the guard.
 */
export async function resolveHttpTarget(
  url: URL,
  options: { allowlist?: AddressAllowlist; lookup?: HostLookup },
  signal: AbortSignal,
): Promise<HttpTarget> {
  checkUrl(url);
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const literal = isIP(host);
  if (literal !== 0) {
    checkAddress(host, host, options.allowlist);
    return { url, host, address: host, family: literal === 6 ? 6 : 4 };
  }
  let answers: ResolvedAddress[];
  try {
    answers = await unlessAborted((options.lookup ?? systemLookup)(host), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError("HTTP_DNS_FAILED", `host ${JSON.stringify(host)} could not be resolved: ${reason}`);
  }
  const addresses = Array.isArray(answers) ? answers : [];
  if (addresses.length === 0) {
    throw new HttpError("HTTP_DNS_FAILED", `host ${JSON.stringify(host)} resolved to no address`);
  }
  for (const { address } of addresses) checkAddress(host, String(address), options.allowlist);
  const { address } = addresses[0] as ResolvedAddress;
  return { url, host, address, family: isIP(address) === 6 ? 6 : 4 };
}

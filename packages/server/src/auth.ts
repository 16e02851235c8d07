import { createHash, timingSafeEqual } from "node:crypto";
import { ApiError } from "./api-error.js";

/**
 * What a token may do: `reader` reads, `operator` also starts, signals,
 * cancels, resumes, forks and posts events (and may act as a task worker);
 * `worker` polls and reports tasks (`POST /api/tasks/...`) and nothing else.
 */
export type Role = "reader" | "operator" | "worker";

/** Every role. */
export const roles: readonly Role[] = ["reader", "operator", "worker"];

/** A bearer token and its role. */
export interface ApiToken {
  token: string;
  role: Role;
  /**
   * Who holds it: the identity recorded when they answer a human task, and
   * the name an inbox filters on (`assignee`). Default: the role's name.
   */
  name?: string;
}

/** Who calls: their role and identity. */
export interface Caller {
  role: Role;
  /** The token's name, or its role's. */
  name: string;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Finds the role of a request from its `Authorization` header. Every
 * configured token is compared (in constant time, on digests of equal
 * length), so the time taken says nothing about which token came close.
 * With no token configured, every request is an operator.
 * @throws ApiError 401 when the header is missing, malformed or unknown.
 */
export function createAuthenticator(tokens: readonly ApiToken[]): (authorization: string | undefined) => Role {
  const identify = createCallerResolver(tokens);
  return (authorization) => identify(authorization).role;
}

/**
 * Finds who calls (role and name) from a request's `Authorization` header,
 * as `createAuthenticator` finds the role.
 * @throws ApiError 401 when the header is missing, malformed or unknown.
 */
export function createCallerResolver(tokens: readonly ApiToken[]): (authorization: string | undefined) => Caller {
  for (const { token, role, name } of tokens) {
    if (typeof token !== "string" || token.length === 0) throw new Error("an API token must be a non-empty string");
    if (!roles.includes(role)) throw new Error(`unknown role ${JSON.stringify(role)}`);
    if (name !== undefined && (typeof name !== "string" || name.length === 0 || name.length > 200)) {
      throw new Error(`invalid token name ${JSON.stringify(name)}: expected 1 to 200 characters`);
    }
  }
  const known = tokens.map(({ token, role, name }) => ({
    digest: digest(token),
    caller: { role, name: name ?? role },
  }));
  return (authorization) => {
    if (known.length === 0) return { role: "operator", name: "operator" };
    const match = /^Bearer ([\x21-\x7e]+)$/i.exec(authorization ?? "");
    if (!match) throw new ApiError(401, "UNAUTHORIZED", "a bearer token is required (Authorization: Bearer <token>)");
    const given = digest(match[1] as string);
    let caller: Caller | undefined;
    for (const entry of known) if (timingSafeEqual(entry.digest, given)) caller ??= entry.caller;
    if (!caller) throw new ApiError(401, "UNAUTHORIZED", "the bearer token is not valid");
    return caller;
  };
}

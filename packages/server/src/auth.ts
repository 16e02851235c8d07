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
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Finds the role of a request from its `Authorization` header. Every
 * configured token is compared (in constant time, on digests of equal
 * length), so the time taken says nothing about which token came close.
 * With no token configured, every request is an operator.
 * @throws ApiError 401 when the header is missing, malformed or unknown.
 */
export function createAuthenticator(tokens: readonly ApiToken[]) {
  for (const { token, role } of tokens) {
    if (typeof token !== "string" || token.length === 0) throw new Error("an API token must be a non-empty string");
    if (!roles.includes(role)) throw new Error(`unknown role ${JSON.stringify(role)}`);
  }
  const known = tokens.map(({ token, role }) => ({ digest: digest(token), role }));
  return (authorization: string | undefined): Role => {
    if (known.length === 0) return "operator";
    const match = /^Bearer ([\x21-\x7e]+)$/i.exec(authorization ?? "");
    if (!match) throw new ApiError(401, "UNAUTHORIZED", "a bearer token is required (Authorization: Bearer <token>)");
    const given = digest(match[1] as string);
    let role: Role | undefined;
    for (const entry of known) if (timingSafeEqual(entry.digest, given)) role ??= entry.role;
    if (!role) throw new ApiError(401, "UNAUTHORIZED", "the bearer token is not valid");
    return role;
  };
}

import type { Role } from "./auth.js";

/** What the middleware puts in a request's context: the caller's role and identity (its token's name, or its role). */
export interface AppEnv {
  Variables: { role: Role; caller: string };
}

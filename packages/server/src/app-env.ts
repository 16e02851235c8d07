import type { Role } from "./auth.js";

/** What the middleware puts in a request's context: the caller's role. */
export interface AppEnv {
  Variables: { role: Role };
}

const key = "baton.token";

/** The API token of this browser tab (sessionStorage: gone when the tab closes). */
export function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Keeps `token` for this tab; `undefined` forgets it. */
export function writeToken(token: string | undefined): void {
  try {
    if (token) sessionStorage.setItem(key, token);
    else sessionStorage.removeItem(key);
  } catch {
    // Storage refused (private mode): the token lives in memory only.
  }
}

import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { type ApiClient, ApiRequestError, createApiClient } from "./api-client.js";
import type { WhoAmI } from "./api-types.js";
import { readToken, writeToken } from "./token-store.js";

/** What every view gets from `useApi()`. */
export interface ApiState {
  api: ApiClient;
  /** The caller's role, once `GET /api/whoami` answered. */
  role?: WhoAmI["role"];
  /** The caller's identity (their token's name, or their role's), recorded on the human tasks they answer. */
  name?: string;
  /** True when the server asks for tokens. */
  auth?: boolean;
  /** True when action buttons are shown: the caller is an operator. */
  canAct: boolean;
  /** Changes when the token changes: data hooks fetch again. */
  session: number;
  /** True while the token prompt is shown. */
  needsToken: boolean;
  /** Uses `token` from now on (kept in sessionStorage). */
  setToken(token: string): void;
  /** Forgets the token and asks for one. */
  forgetToken(): void;
}

const ApiContext = createContext<ApiState | null>(null);

/** The API client, the caller's role and the token controls. */
export function useApi(): ApiState {
  const state = useContext(ApiContext);
  if (!state) throw new Error("useApi must be used inside <ApiProvider>");
  return state;
}

/**
 * Holds the token and the API client; asks for a token when the API
 * answers 401, and finds the caller's role (`GET /api/whoami`).
 */
export function ApiProvider({ children }: { children: ReactNode }) {
  const token = useRef(readToken());
  const [session, setSession] = useState(0);
  const [needsToken, setNeedsToken] = useState(false);
  const [whoami, setWhoami] = useState<Partial<WhoAmI>>({});
  const api = useMemo(
    () => createApiClient({ getToken: () => token.current, onUnauthorized: () => setNeedsToken(true) }),
    [],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new token (`session`) asks again
  useEffect(() => {
    const controller = new AbortController();
    setWhoami({});
    api
      .get<WhoAmI>("/api/whoami", controller.signal)
      .then((answer) => setWhoami(answer))
      .catch((error: unknown) => {
        // A server without /api/whoami: show the actions and let the API decide.
        if (error instanceof ApiRequestError && error.status === 404) setWhoami({ role: "operator" });
      });
    return () => controller.abort();
  }, [api, session]);

  const setToken = useCallback((value: string) => {
    token.current = value;
    writeToken(value);
    setNeedsToken(false);
    setSession((n) => n + 1);
  }, []);
  const forgetToken = useCallback(() => {
    token.current = undefined;
    writeToken(undefined);
    setNeedsToken(true);
    setSession((n) => n + 1);
  }, []);

  const state = useMemo<ApiState>(
    () => ({
      api,
      role: whoami.role,
      name: whoami.name,
      auth: whoami.auth,
      canAct: whoami.role === "operator",
      session,
      needsToken,
      setToken,
      forgetToken,
    }),
    [api, whoami, session, needsToken, setToken, forgetToken],
  );
  return <ApiContext.Provider value={state}>{children}</ApiContext.Provider>;
}

import { readEventStream, type ServerSentEvent } from "./read-event-stream.js";

/** One reason the API refused a value: where (`a.b[0]`, empty for the value itself) and why. */
export interface RequestIssue {
  path: string;
  message: string;
}

/**
 * An answer of the API that was not a success, with the API's stable `code`
 * and its message, and the `issues` of a value it refused (`INVALID_INPUT`).
 */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly RequestIssue[] = [],
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

/** Calls to the HTTP API under `/api` of this origin, with the bearer token. */
export interface ApiClient {
  /** `GET path`, answered JSON. @throws ApiRequestError */
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  /**
   * `POST path` with `body` as JSON (`{}` when `undefined`: the server takes
   * only JSON, so that no page of another origin can post to it). @throws ApiRequestError
   */
  post<T>(path: string, body?: unknown): Promise<T>;
  /** Follows a server-sent event stream until it ends or `signal` aborts. @throws ApiRequestError */
  stream(path: string, onEvent: (event: ServerSentEvent) => void, signal: AbortSignal): Promise<void>;
}

/** Options of `createApiClient`. */
export interface ApiClientOptions {
  /** The token to send, if any. */
  getToken(): string | undefined;
  /** Called when the API answers 401: the token is missing or not valid. */
  onUnauthorized(): void;
}

/** The issues of an error body that are `{ path, message }` strings; others are dropped. */
function readIssues(issues: unknown): RequestIssue[] {
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue: { path?: unknown; message?: unknown }) =>
    typeof issue?.path === "string" && typeof issue.message === "string"
      ? [{ path: issue.path, message: issue.message }]
      : [],
  );
}

/** Reads the API's error body (`{ error: { code, message, issues? } }`), or names the status when there is none. */
async function toRequestError(response: Response): Promise<ApiRequestError> {
  let code = `HTTP_${response.status}`;
  let message = `the server answered ${response.status} ${response.statusText}`.trim();
  let issues: RequestIssue[] = [];
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown; issues?: unknown } };
    if (typeof body.error?.code === "string") code = body.error.code;
    if (typeof body.error?.message === "string") message = body.error.message;
    issues = readIssues(body.error?.issues);
  } catch {
    // Not JSON: keep the status.
  }
  return new ApiRequestError(response.status, code, message, issues);
}

/**
 * Creates the API client of the dashboard. EventSource cannot send an
 * `Authorization` header, so streams are read with `fetch`.
 *
 * @example
 * const api = createApiClient({ getToken: () => sessionStorage.getItem("t") ?? undefined, onUnauthorized: ask });
 * const page = await api.get<RunPage>("/api/runs?limit=50");
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const send = async (path: string, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    const token = options.getToken();
    if (token) headers.set("authorization", `Bearer ${token}`);
    const response = await fetch(path, { ...init, headers, credentials: "omit", cache: "no-store" });
    if (response.ok) return response;
    if (response.status === 401) options.onUnauthorized();
    throw await toRequestError(response);
  };
  return {
    async get<T>(path: string, signal?: AbortSignal) {
      const response = await send(path, { method: "GET", headers: { accept: "application/json" }, signal });
      return (await response.json()) as T;
    },
    async post<T>(path: string, body?: unknown) {
      const response = await send(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body ?? {}),
      });
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async stream(path, onEvent, signal) {
      const response = await send(path, { method: "GET", headers: { accept: "text/event-stream" }, signal });
      if (!response.body) return;
      await readEventStream(response.body, onEvent, signal);
    },
  };
}

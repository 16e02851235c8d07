import type { RunSummary } from "@baton/server/wire-types";
import { isFinished } from "baton";
import type { BatonClient, RunQuery, SignalWaitQuery } from "./baton-client.js";
import { CliError } from "./cli-error.js";
import { readServerSentEvents } from "./read-server-sent-events.js";

/** Options of `createApiClient`. */
export interface ApiClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:7700`. */
  url: string;
  /** Bearer token (operator or read-only). */
  token?: string;
  /** Limit of one request (not of a watch). Default 30 s. */
  timeoutMs?: number;
}

/**
 * A client of the HTTP API (docs/http-api.md) over the global `fetch`. An
 * error answer becomes a CliError `CODE: message`; a server that cannot be
 * reached, a CliError naming the URL.
 *
 * @example
 * const client = createApiClient({ url: "http://127.0.0.1:7700", token: process.env.BATON_TOKEN });
 * const { runs } = await client.listRuns({ status: ["failed"] });
 */
export function createApiClient(options: ApiClientOptions): BatonClient {
  const base = options.url.replace(/\/+$/, "");
  const headers = (extra: Record<string, string> = {}) =>
    options.token ? { ...extra, authorization: `Bearer ${options.token}` } : extra;

  const send = async (method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: headers(body === undefined ? {} : { "content-type": "application/json" }),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ?? AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw unreachable(base, error);
    }
    if (!response.ok) throw await errorOf(response, options.token !== undefined);
    return response;
  };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await send(method, path, body);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(
        `${base}${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
      );
    }
  };
  const run = (id: string) => `/api/runs/${encodeURIComponent(id)}`;
  const schedule = (id: string) => `/api/schedules/${encodeURIComponent(id)}`;

  return {
    listRuns: (query) => call("GET", `/api/runs${queryString(query)}`),
    getRun: (id) => call("GET", run(id)),
    getHistory: (id) => call("GET", `${run(id)}/history`),
    listWorkers: () => call("GET", "/api/workers"),
    listSignalWaits: (query) => call("GET", `/api/signal-waits${queryString(query)}`),
    startRun: (request) => call("POST", "/api/runs", request),
    listQueues: () => call("GET", "/api/queues"),
    listTasks: (query) => call("GET", `/api/tasks${queryString(query)}`),
    getTask: (id) => call("GET", `/api/tasks/${encodeURIComponent(id)}`),
    listHumanTasks: (query) => call("GET", `/api/human-tasks${queryString(query)}`),
    getHumanTask: (id) => call("GET", `/api/human-tasks/${encodeURIComponent(id)}`),
    answerHumanTask: (id, outcome, { data, comment }) =>
      call("POST", `/api/human-tasks/${encodeURIComponent(id)}/${outcome}`, {
        ...(outcome === "complete" && data !== undefined ? { data } : {}),
        ...(comment === undefined ? {} : { comment }),
      }),
    deployDefinition: (source) => call("POST", "/api/definitions", { source }),
    listDefinitions: () => call("GET", "/api/definitions"),
    getDefinitionVersions: (name) => call("GET", `/api/definitions/${encodeURIComponent(name)}`),
    getDefinition: (name, version) =>
      call("GET", `/api/definitions/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`),
    signal: (id, name, payload) => call("POST", `${run(id)}/signals`, { name, payload }),
    cancel: (id) => call("POST", `${run(id)}/cancel`, {}),
    resume: (id) => call("POST", `${run(id)}/resume`, {}),
    fork: (id, request) => call("POST", `${run(id)}/fork`, request),
    sendEvent: (request) => call("POST", "/api/events", request),
    listSchedules: (query) => call("GET", `/api/schedules${queryString(query)}`),
    createSchedule: (request) => call("POST", "/api/schedules", request),
    pauseSchedule: (id) => call("POST", `${schedule(id)}/pause`, {}),
    resumeSchedule: (id) => call("POST", `${schedule(id)}/resume`, {}),
    triggerSchedule: (id) => call("POST", `${schedule(id)}/trigger`, {}),
    deleteSchedule: (id) => call("DELETE", schedule(id), {}),
    backfillSchedule: (id, request) => call("POST", `${schedule(id)}/backfill`, request),
    async watchRun(id, onChange) {
      // A stream cut short (a server restarting under `baton dev`) is opened
      // again; after 30 s without a message, the last failure is reported.
      let ended = false;
      let failures = 0;
      let lastError: unknown;
      while (!ended) {
        let received = false;
        try {
          const response = await send("GET", `${run(id)}/watch`, undefined, new AbortController().signal);
          for await (const message of readServerSentEvents(response)) {
            if (message.event !== "run") continue;
            const summary = JSON.parse(message.data) as RunSummary;
            received = true;
            await onChange(summary);
            ended = isFinished(summary.status);
          }
        } catch (error) {
          if (error instanceof CliError && !(error instanceof UnreachableError)) throw error;
          lastError = error;
        }
        failures = received ? 0 : failures + 1;
        if (ended) return;
        if (failures > 60) {
          if (lastError instanceof CliError) throw lastError;
          throw new CliError(
            `the watch stream of run "${id}" at ${base} keeps ending: ${String(lastError ?? "no message")}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    },
    async close() {},
  };
}

function queryString(query: RunQuery | SignalWaitQuery | { workflow?: string }): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The server did not answer (refused, timed out); a watch tries again. */
class UnreachableError extends CliError {}

function unreachable(base: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const timedOut = (error as Error)?.name === "TimeoutError";
  const why = timedOut ? "no answer in time" : (cause?.code ?? cause?.message ?? (error as Error)?.message);
  return new UnreachableError(`cannot reach the Baton server at ${base}: ${why}`, { cause: error });
}

async function errorOf(response: Response, sentToken: boolean): Promise<CliError> {
  const text = await response.text().catch(() => "");
  let code = `HTTP_${response.status}`;
  let message = text.slice(0, 200) || response.statusText;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {}
  if (response.status === 401 && !sentToken) message += " (pass --token or set BATON_TOKEN)";
  return new CliError(`${code}: ${message}`);
}

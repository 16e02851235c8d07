import { type Clock, defineWorkflow, type Engine, type EngineOptions, FatalError, type Workflow } from "baton";
import { z } from "zod";
import { startEngine } from "../../baton/test/helpers.js";
import { createApp } from "../src/index.js";

/** Tokens of the test servers. */
export const operatorToken = "op-token-0123456789";
export const readerToken = "read-token-0123456789";
export const workerToken = "work-token-0123456789";

/** The workflows of the API tests. */
export function apiWorkflows() {
  const greet = defineWorkflow("greet", async (ctx, input: { name: string }) =>
    ctx.step("compose", () => `Hello, ${input.name}`),
  );
  const approval = defineWorkflow("approval", async (ctx, input: { item: string }) => {
    const approved = await ctx.waitForSignal<boolean>("approve");
    return ctx.step("decide", () => (approved ? `${input.item} approved` : `${input.item} rejected`));
  });
  let failures = 1;
  const flaky = defineWorkflow("flaky", async (ctx) => {
    await ctx.step("first", () => 1);
    return ctx.step("second", () => {
      if (failures-- > 0) throw new FatalError("second failed");
      return 2;
    });
  });
  const typed = defineWorkflow("typed", async (_ctx, input: { count: number }) => input.count * 2, {
    input: z.object({ count: z.number().int().min(0) }),
  });
  return [greet, approval, flaky, typed];
}

/**
 * An engine on a new store (the kind under test, or `store`) and the API
 * over it, with tokens (and `workflows` beyond those of `apiWorkflows`). The API's errors go to `logError` (default: standard error).
 */
export async function startApi(
  options: {
    tokens?: boolean;
    bodyLimit?: number;
    store?: string;
    logError?: (message: string, error: unknown) => void;
    // biome-ignore lint/suspicious/noExplicitAny: any workflow
    workflows?: Workflow<any, any>[];
    clock?: Clock;
    queues?: EngineOptions["queues"];
  } = {},
) {
  const engine: Engine = await startEngine([...apiWorkflows(), ...(options.workflows ?? [])], {
    ...(options.store ? { store: options.store } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.queues ? { queues: options.queues } : {}),
  });
  const app = createApp({
    engine,
    bodyLimit: options.bodyLimit,
    watchIntervalMs: 20,
    tokens:
      options.tokens === false
        ? []
        : [
            { token: operatorToken, role: "operator" },
            { token: readerToken, role: "reader" },
            { token: workerToken, role: "worker" },
          ],
    logger: { error: options.logError ?? ((message, error) => console.error(message, error)) },
  });
  /** Sends a request as `token` (operator by default); `json` becomes a JSON body. */
  const call = (
    path: string,
    init: {
      method?: string;
      json?: unknown;
      token?: string | null;
      headers?: Record<string, string>;
      body?: string;
    } = {},
  ) => {
    const headers: Record<string, string> = { ...init.headers };
    const token = init.token === undefined ? operatorToken : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers["content-type"] ??= "application/json";
    }
    return app.request(path, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  };
  return {
    engine,
    app,
    call,
    async [Symbol.asyncDispose]() {
      await engine[Symbol.asyncDispose]();
    },
  };
}

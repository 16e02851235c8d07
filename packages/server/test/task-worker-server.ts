/**
 * What the task worker tests share: an engine on a new store of the kind
 * under test, the HTTP API over it on loopback (a port the system picks)
 * with a worker token and an operator token, and a gate a handler waits on.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import type { Engine, EngineOptions, Workflow } from "baton";
import { startEngine } from "../../baton/test/helpers.js";
import { type RunningServer, startServer } from "../src/index.js";

/** Tokens of the task worker tests. */
export const workerToken = "worker-token-0123456789";
export const operatorToken = "op-token-0123456789";

/**
 * An engine executing `workflows` and the API over it, on 127.0.0.1 at
 * `port` (default: one the system picks); disposed in reverse. Disposing
 * fails when the API answered a 500, but for one known case: a long poll a
 * task worker gave up (it stopped) still reads the store once more, which
 * may already be closed.
 */
export async function startTaskServer(
  // biome-ignore lint/suspicious/noExplicitAny: any workflow
  workflows: Workflow<any, any>[],
  options: EngineOptions = {},
  port = 0,
): Promise<{ engine: Engine; server: RunningServer; url: string } & AsyncDisposable> {
  const engine = await startEngine(workflows, options);
  const errors: string[] = [];
  const closedUnderPoll = (message: string, error: unknown) =>
    message === "POST /api/tasks/poll failed" &&
    /database connection is not open|store is closed/.test((error as Error)?.message ?? "");
  const server = await startServer({
    engine,
    port,
    tokens: [
      { token: workerToken, role: "worker" },
      { token: operatorToken, role: "operator" },
    ],
    logger: {
      error: (message, error) => {
        if (!closedUnderPoll(message, error)) errors.push(`${message}: ${(error as Error)?.stack ?? error}`);
      },
    },
  }).catch(async (error) => {
    await engine[Symbol.asyncDispose]();
    throw error;
  });
  return {
    engine,
    server,
    url: server.url,
    async [Symbol.asyncDispose]() {
      await server.close();
      await engine[Symbol.asyncDispose]();
      assert.deepEqual(errors, [], "the API answered no 500");
    },
  };
}

/** A promise the test resolves when it wants (`open`). */
export function createGate<T = void>() {
  let open: (value: T) => void = () => {};
  const opened = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Collects the warnings of a task worker (its `logger`). */
export function collectWarnings() {
  const messages: string[] = [];
  return { messages, logger: { warn: (message: string) => void messages.push(message) } };
}

/** A port of 127.0.0.1 that nothing listens on (the system found it free a moment ago). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

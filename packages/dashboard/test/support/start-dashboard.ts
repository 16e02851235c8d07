/**
 * A real Baton server for the browser tests: an engine on a fresh store
 * (packages/baton/test/helpers.ts), the HTTP API and the built dashboard,
 * on a free loopback port.
 */
import { startServer } from "@baton/server";
import type { Engine, EngineOptions, Workflow } from "baton";
import { startEngine } from "../../../baton/test/helpers.js";
import { dashboardDir } from "../../src/index.js";
import { ensureDashboardBuilt } from "./ensure-dashboard-built.js";

/** Tokens of the test servers, and the names of the people holding them (recorded on their answers to human tasks). */
export const operatorToken = "operator-token-0123456789";
export const readerToken = "reader-token-0123456789";
export const operatorName = "ada";
export const readerName = "rex";

/** A running server with the dashboard. */
export interface DashboardServer extends AsyncDisposable {
  engine: Engine;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
}

/**
 * Builds the dashboard when needed, then starts an engine with `workflows`
 * (and the engine options `engine`, such as queues) and a server with tokens
 * (an operator's and a reader's, named) unless `tokens: false`.
 */
export async function startDashboard(
  // biome-ignore lint/suspicious/noExplicitAny: any workflow
  workflows: Workflow<any, any>[],
  options: { tokens?: boolean; engine?: Omit<EngineOptions, "workflows"> } = {},
): Promise<DashboardServer> {
  await ensureDashboardBuilt();
  const engine = await startEngine(workflows, options.engine);
  const server = await startServer({
    engine,
    port: 0,
    dashboard: dashboardDir,
    watchIntervalMs: 50,
    tokens:
      options.tokens === false
        ? []
        : [
            { token: operatorToken, role: "operator", name: operatorName },
            { token: readerToken, role: "reader", name: readerName },
          ],
    logger: { error: (message, error) => console.error(message, error) },
  });
  return {
    engine,
    url: server.url,
    async [Symbol.asyncDispose]() {
      await server.close();
      await engine[Symbol.asyncDispose]();
    },
  };
}

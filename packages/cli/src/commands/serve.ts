import { dashboardDir, isDashboardBuilt } from "@baton/dashboard";
import { type ApiToken, isLoopback, type RunningServer, startServer } from "@baton/server";
import { Command, Option } from "@commander-js/extra-typings";
import { BatonError, createEngine, type Engine } from "baton";
import { CliError } from "../cli-error.js";
import { colorsFor } from "../colors.js";
import {
  definitionEngineOptions,
  definitionFiles,
  definitionsOption,
  deployDefinitionFiles,
  httpAllowOption,
} from "../definition-options.js";
import { loadWorkflowModule } from "../load-workflows.js";
import { maskPassword } from "../mask-password.js";
import { parseAllowedHost, parsePort, parsePositiveInteger, parseTokens } from "../option-parsers.js";
import { storeError } from "../store-error.js";
import { storeOption } from "../store-option.js";
import { waitForStop } from "../wait-for-stop.js";

/**
 * `baton serve [module]`: serves the HTTP API (docs/http-api.md) and, unless
 * `--no-worker`, executes the runs of the workflows `module` exports. Stops
 * gracefully on SIGINT or SIGTERM. Beyond loopback it needs a token. Tokens
 * have roles: `--token` operator, `--read-token` reader, `--worker-token`
 * worker (task workers: poll and report tasks, nothing else).
 *
 * @example
 * BATON_TOKEN=s3cret baton serve src/workflows.ts --host 0.0.0.0 --store postgres://baton@db/app
 * // serving http://0.0.0.0:7700 on postgres://baton@db/app, running order@1
 */
export function createServeCommand() {
  return new Command("serve")
    .description("serve the HTTP API, and execute the runs of the workflows a module exports")
    .argument("[module]", "TypeScript or JavaScript module exporting workflows (or a default array of them)")
    .option("--host <host>", "address to listen on; beyond loopback a token is required", "127.0.0.1")
    .addOption(new Option("--port <port>", "port to listen on; 0 picks a free one").default(7700).argParser(parsePort))
    .addOption(storeOption())
    .addOption(
      new Option("--token <tokens>", "operator tokens, comma-separated").env("BATON_TOKEN").argParser(parseTokens),
    )
    .addOption(
      new Option("--read-token <tokens>", "read-only tokens, comma-separated")
        .env("BATON_READ_TOKEN")
        .argParser(parseTokens),
    )
    .addOption(
      new Option("--worker-token <tokens>", "task worker tokens (poll and report tasks only), comma-separated")
        .env("BATON_WORKER_TOKEN")
        .argParser(parseTokens),
    )
    .addOption(
      new Option("--body-limit <bytes>", "largest request body, in bytes (default 1 MiB)").argParser(
        parsePositiveInteger,
      ),
    )
    .addOption(allowedHostOption())
    .addOption(definitionsOption())
    .addOption(httpAllowOption())
    .option("--no-worker", "serve the API only; `baton worker` processes execute the runs")
    .option("--no-dashboard", "do not serve the dashboard at /")
    .option("--no-migrate", "do not apply pending migrations on start (a deploy step runs `baton migrate`)")
    .action(async (modulePath, options) => {
      const tokens = [
        ...(options.token ?? []).map((token) => ({ token, role: "operator" as const })),
        ...(options.readToken ?? []).map((token) => ({ token, role: "reader" as const })),
        ...(options.workerToken ?? []).map((token) => ({ token, role: "worker" as const })),
      ];
      if (!isLoopback(options.host) && tokens.length === 0) throw insecure(options.host);
      const loaded = modulePath === undefined ? { workflows: [], tasks: [] } : await loadWorkflowModule(modulePath);
      const { workflows, tasks, queues, onFailure } = loaded as Awaited<ReturnType<typeof loadWorkflowModule>>;
      const files = options.definitions === undefined ? [] : definitionFiles(options.definitions);
      const store = maskPassword(options.store);
      const failed = (error: unknown) => storeError(error, `cannot serve store "${store}"`, options.store);
      let engine: Engine;
      try {
        engine = createEngine({
          store: options.store,
          workflows,
          tasks,
          queues,
          onFailure,
          migrate: options.migrate,
          ...definitionEngineOptions(options.httpAllow),
        });
      } catch (error) {
        throw failed(error);
      }
      const stop = waitForStop();
      const deployed = await deployDefinitionFiles(engine, files).catch(async (error) => {
        await Promise.resolve(engine[Symbol.asyncDispose]()).catch(() => {});
        throw error;
      });
      const settings = {
        ...options,
        tokens,
        // Declarative runs need a worker too, whatever the module holds.
        worker: options.worker,
        dashboard: options.dashboard && isDashboardBuilt() ? dashboardDir : undefined,
      };
      const server = await listen(engine, settings, failed).catch(async (error) => {
        await Promise.resolve(engine[Symbol.asyncDispose]()).catch(() => {});
        throw error;
      });
      const c = colorsFor(process.stdout);
      const names = workflows.map((workflow) => c.bold(`${workflow.name}@${workflow.version}`)).join(", ");
      const work =
        workflows.length === 0 ? "no workflows loaded" : options.worker ? `running ${names}` : `API only for ${names}`;
      console.log(`serving ${server.url} on ${store}, ${work}`);
      for (const { file, name, version, outcome } of deployed)
        console.log(`definition ${name}@${version} ${outcome} (${file})`);
      if (settings.dashboard) console.log(`dashboard at ${server.url}/`);
      else if (options.dashboard) {
        console.log(c.dim("no dashboard: it is not built (npm run build -w @baton/dashboard)"));
      }
      const reason = await stop;
      console.log(`${reason}: stopping`);
      await server.close();
      await engine[Symbol.asyncDispose]();
      console.log("stopped");
    });
}

/** Migrates the store (unless --no-migrate), listens, then starts the worker (unless --no-worker). */
async function listen(
  engine: Engine,
  options: {
    host: string;
    port: number;
    tokens: ApiToken[];
    bodyLimit?: number;
    allowedHost?: string[];
    migrate: boolean;
    worker: boolean;
    dashboard?: string;
  },
  failed: (error: unknown) => CliError,
): Promise<RunningServer> {
  if (options.migrate) await engine.store.migrate().catch((error) => Promise.reject(failed(error)));
  const { host, port, tokens, bodyLimit, dashboard, allowedHost: allowedHosts } = options;
  const server = await startServer({ engine, host, port, tokens, bodyLimit, dashboard, allowedHosts }).catch((error) =>
    Promise.reject(listenError(error, host, port)),
  );
  if (options.worker) {
    try {
      await engine.start();
    } catch (error) {
      await server.close();
      throw failed(error);
    }
  }
  return server;
}

/** `--allowed-host <host>`, repeatable (`baton serve` and `baton dev`). */
export function allowedHostOption() {
  return new Option(
    "--allowed-host <host>",
    "a host name the server answers besides loopback ones (repeatable; .example.com: it and its subdomains); on loopback every other name is refused, against DNS rebinding",
  ).argParser(parseAllowedHost);
}

function insecure(host: string): CliError {
  return new CliError(
    `refusing to listen on ${host} without a token: anyone who can reach it could start and cancel runs. Pass --token (or set BATON_TOKEN), or listen on 127.0.0.1`,
  );
}

function listenError(error: unknown, host: string, port: number): CliError {
  if (error instanceof BatonError && error.code === "INSECURE_LISTEN") return insecure(host);
  const code = (error as { code?: string })?.code;
  const why = code === "EADDRINUSE" ? "the address is in use" : (error as Error)?.message;
  return new CliError(`cannot listen on ${host}:${port}: ${why}`, { cause: error });
}

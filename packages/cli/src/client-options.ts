import { InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { createApiClient } from "./api-client.js";
import type { BatonClient } from "./baton-client.js";
import { CliError } from "./cli-error.js";
import { loadWorkflows } from "./load-workflows.js";
import { createStoreClient } from "./store-client.js";

/** The server `baton runs` and `baton events` talk to when neither `--url` nor `BATON_URL` is given. */
export const defaultUrl = "http://127.0.0.1:7700";

/**
 * The options every client command takes: `--url` (env `BATON_URL`),
 * `--token` (env `BATON_TOKEN`), `--store` (env `BATON_STORE`) and `--json`.
 * Add them with `.addOption(...)` one by one so their types carry over.
 */
export function clientOptions() {
  return {
    url: new Option("--url <url>", "address of the Baton server")
      .env("BATON_URL")
      .default(defaultUrl)
      .argParser(parseUrl),
    token: new Option("--token <token>", "bearer token for the server (operator, or read-only for reads)").env(
      "BATON_TOKEN",
    ),
    store: new Option(
      "--store <address>",
      'work on this store directly instead of a server: "sqlite:<path>" or "postgres://..."',
    ).env("BATON_STORE"),
    json: new Option("--json", "print the API's JSON answer"),
    workflows: new Option(
      "--workflows <module>",
      "module exporting the workflows (with --store: needed to start runs; events use what workers registered)",
    ),
  };
}

/** The values and sources of the client options, as a command holds them. */
export interface ClientCommand {
  opts(): { url: string; token?: string; store?: string; workflows?: string };
  getOptionValueSource(key: "url" | "store"): string | undefined;
}

/**
 * Opens the client the options ask for, runs `use` with it, and closes it.
 * A store (`--store`, or `BATON_STORE` when no URL was given either way)
 * wins over the URL; `--url` and `--store` together are a usage error.
 * `needsWorkflows` (starting runs) loads `--workflows` for a store. Of
 * comma-separated tokens (a `BATON_TOKEN` shared with `baton serve`), the
 * first is sent.
 */
export async function withClient<T>(
  command: ClientCommand,
  use: (client: BatonClient) => Promise<T>,
  needsWorkflows = false,
): Promise<T> {
  const { url, token, store, workflows } = command.opts();
  const storeSource = command.getOptionValueSource("store");
  const urlSource = command.getOptionValueSource("url");
  if (storeSource === "cli" && urlSource === "cli") {
    throw new CliError("--url and --store exclude each other: talk to a server or work on a store", { exitCode: 2 });
  }
  const onStore = store !== undefined && (storeSource === "cli" || urlSource === "default");
  if (onStore && needsWorkflows && !workflows) {
    throw new CliError("on a store this needs the workflow code: pass --workflows <module>", { exitCode: 2 });
  }
  const client = onStore
    ? createStoreClient({ store, workflows: workflows ? await loadWorkflows(workflows) : undefined })
    : createApiClient({ url, token: token?.split(",")[0]?.trim() || undefined });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected an http:// or https:// address, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidArgumentError(`expected an http:// or https:// address, got "${value}"`);
  }
  return value;
}

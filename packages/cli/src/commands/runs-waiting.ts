import type { SignalWait } from "@baton/server/wire-types";
import { Command, Option } from "@commander-js/extra-typings";
import { clientOptions, withClient } from "../client-options.js";
import { type Colors, colorsFor } from "../colors.js";
import { colorStatus } from "../format-run.js";
import { formatTable } from "../format-table.js";
import { elapsed, formatDuration, formatTime } from "../format-time.js";
import { parsePositiveInteger } from "../option-parsers.js";
import { printJson } from "../print-json.js";

/** A table of open signal waits: run, workflow@version, run status, signal (approvals marked), waiting for, timeout. */
export function formatSignalWaitTable(c: Colors, waits: SignalWait[]): string[] {
  const header = ["RUN", "WORKFLOW", "STATUS", "SIGNAL", "WAITING", "TIMEOUT"].map((title) => c.dim(title));
  const rows = waits.map((wait) => [
    wait.runId,
    `${wait.workflow}@${wait.version}`,
    colorStatus(c, wait.runStatus),
    wait.approval ? `${c.bold(wait.name)} ${c.dim("(approval)")}` : wait.name,
    formatDuration(elapsed(wait.since)),
    wait.dueAt ? formatTime(wait.dueAt) : c.dim("none"),
  ]);
  return formatTable([header, ...rows]);
}

/**
 * `baton runs waiting`: every open signal wait of the runs not finished, the
 * longest waiting first, as a table, filtered and paged like
 * `GET /api/signal-waits`.
 *
 * @example
 * baton runs waiting --name approve
 */
export function createRunsWaitingCommand() {
  const client = clientOptions();
  return new Command("waiting")
    .description("list the open signal waits of the runs not finished, the longest waiting first")
    .option("--workflow <name>", "only waits of runs of this workflow")
    .option("--name <signal>", "only waits for the signal of this name")
    .addOption(new Option("--limit <count>", "page size, 1 to 1000 (default 50)").argParser(parsePositiveInteger))
    .option("--cursor <cursor>", "the next page, as the previous page said")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (options, command) => {
      const page = await withClient(command, (baton) =>
        baton.listSignalWaits({
          workflow: options.workflow,
          name: options.name,
          limit: options.limit,
          cursor: options.cursor,
        }),
      );
      if (options.json) return printJson(page);
      const c = colorsFor(process.stdout);
      if (page.waits.length === 0) console.log("no run waits for a signal");
      else console.log(formatSignalWaitTable(c, page.waits).join("\n"));
      if (page.nextCursor) console.log(c.dim(`more: baton runs waiting --cursor ${page.nextCursor}`));
    });
}

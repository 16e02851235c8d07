import { Command, Option } from "@commander-js/extra-typings";
import { clientOptions, withClient } from "../client-options.js";
import { colorsFor } from "../colors.js";
import { formatRunTable } from "../format-run.js";
import { parsePositiveInteger, parseStatuses, parseTime } from "../option-parsers.js";
import { printJson } from "../print-json.js";

/**
 * `baton runs list`: runs, newest first, as a table (id, workflow, status,
 * created, duration), filtered and paged like `GET /api/runs`.
 *
 * @example
 * baton runs list --status failed,cancelled --since 1d
 */
export function createRunsListCommand() {
  const client = clientOptions();
  return new Command("list")
    .description("list runs, newest first")
    .option("--workflow <name>", "only runs of this workflow")
    .addOption(
      new Option("--status <statuses>", "only runs in these statuses, comma-separated (failed,cancelled)").argParser(
        parseStatuses,
      ),
    )
    .option("--parent <id>", "only the children of this run")
    .option("--queue <name>", "only runs of this queue (default: the runs of no named queue)")
    .option("--schedule <id>", "only runs of this schedule")
    .option("--id-contains <text>", "only runs whose id contains this text (any case)")
    .addOption(
      new Option(
        "--since <time>",
        "only runs created at or after this time: ISO time, or a duration ago (1h)",
      ).argParser(parseTime),
    )
    .addOption(new Option("--until <time>", "only runs created before this time (like --since)").argParser(parseTime))
    .addOption(new Option("--limit <count>", "page size, 1 to 1000 (default 50)").argParser(parsePositiveInteger))
    .option("--cursor <cursor>", "the next page, as the previous page said")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (options, command) => {
      const page = await withClient(command, (baton) =>
        baton.listRuns({
          workflow: options.workflow,
          status: options.status,
          parentId: options.parent,
          queue: options.queue,
          scheduleId: options.schedule,
          idContains: options.idContains,
          createdAfter: options.since,
          createdBefore: options.until,
          limit: options.limit,
          cursor: options.cursor,
        }),
      );
      if (options.json) return printJson(page);
      const c = colorsFor(process.stdout);
      if (page.runs.length === 0) console.log("no runs");
      else console.log(formatRunTable(c, page.runs).join("\n"));
      if (page.nextCursor) console.log(c.dim(`more: baton runs list --cursor ${page.nextCursor}`));
    });
}

import { Command } from "@commander-js/extra-typings";
import { clientOptions, withClient } from "../client-options.js";
import { parseTime } from "../option-parsers.js";
import { printJson } from "../print-json.js";

/**
 * `baton schedules backfill <id> --from <time> --to <time>`: creates the run
 * of every fire time in `[from, to)` (at most 1,000), with the ids the
 * schedule would have given them; runs that exist are left. On a store it
 * needs the workflow code (`--workflows`).
 *
 * @example
 * baton schedules backfill nightly --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z
 * // 21 fire times: created 21 runs
 */
export function createSchedulesBackfillCommand() {
  const client = clientOptions();
  return new Command("backfill")
    .description("create the runs of the fire times in [from, to)")
    .argument("<id>", "schedule id")
    .requiredOption("--from <time>", "first time of the range (ISO time, or a duration ago: 7d)", parseTime)
    .requiredOption("--to <time>", "end of the range, left out (ISO time, or a duration ago)", parseTime)
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.workflows)
    .addOption(client.json)
    .action(async (id, options, command) => {
      const result = await withClient(
        command,
        (baton) => baton.backfillSchedule(id, { from: options.from, to: options.to }),
        true,
      );
      if (options.json) return printJson(result);
      const times = `${result.runIds.length} fire ${result.runIds.length === 1 ? "time" : "times"}`;
      const runs = `${result.created.length} ${result.created.length === 1 ? "run" : "runs"}`;
      console.log(
        `${times}: created ${runs}${result.runIds.length > result.created.length ? " (the others existed)" : ""}`,
      );
    });
}

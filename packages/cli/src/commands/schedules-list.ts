import { Command } from "@commander-js/extra-typings";
import { clientOptions, withClient } from "../client-options.js";
import { colorsFor } from "../colors.js";
import { formatScheduleTable } from "../format-schedule.js";
import { printJson } from "../print-json.js";

/**
 * `baton schedules list`: every schedule as a table (id, workflow, when,
 * next fire time in the schedule's time zone, last run, state).
 *
 * @example
 * baton schedules list --workflow report
 */
export function createSchedulesListCommand() {
  const client = clientOptions();
  return new Command("list")
    .description("list schedules, by id")
    .option("--workflow <name>", "only schedules of this workflow")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (options, command) => {
      const list = await withClient(command, (baton) => baton.listSchedules({ workflow: options.workflow }));
      if (options.json) return printJson(list);
      if (list.schedules.length === 0) console.log("no schedules");
      else console.log(formatScheduleTable(colorsFor(process.stdout), list.schedules).join("\n"));
    });
}

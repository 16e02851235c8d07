import { Command, Option } from "@commander-js/extra-typings";
import { clientOptions, withClient } from "../client-options.js";
import { describeWhen, formatZoned } from "../format-schedule.js";
import { parseJson, parseTime } from "../option-parsers.js";
import { printJson } from "../print-json.js";

/**
 * `baton schedules create <id>`: creates a schedule of a workflow, with a
 * cron expression (in a time zone) or an interval. On a store (`--store`)
 * it needs the workflow code (`--workflows`).
 *
 * @example
 * baton schedules create nightly --workflow report --cron "0 9 * * 1-5" --timezone Europe/Paris --input '{"team":"ops"}'
 * // created schedule nightly (report, 0 9 * * 1-5 Europe/Paris): next 2026-12-08 09:00:00 Europe/Paris
 */
export function createSchedulesCreateCommand() {
  const client = clientOptions();
  return new Command("create")
    .description("create a schedule")
    .argument("<id>", "schedule id (its runs are <id>@<ISO fire time>)")
    .requiredOption("--workflow <name>", "the workflow it starts")
    .option("--cron <expression>", 'cron expression: 5 fields, or 6 with seconds first ("0 9 * * 1-5")')
    .option("--every <duration>", 'fixed interval, at least 1s ("30s", "1h")')
    .option("--timezone <zone>", "IANA time zone of --cron (default UTC)")
    .addOption(new Option("--input <json>", "input of every run, as JSON").argParser(parseJson))
    .addOption(
      new Option("--overlap <policy>", "while the previous run is open").choices([
        "skip",
        "buffer-one",
        "allow",
        "cancel-previous",
      ] as const),
    )
    .addOption(
      new Option("--catchup <policy>", "fire times missed while no worker ran").choices([
        "none",
        "latest",
        "all",
      ] as const),
    )
    .addOption(new Option("--start-at <time>", "first fire time at or after this ISO time").argParser(parseTime))
    .addOption(new Option("--end-at <time>", "fire times before this ISO time").argParser(parseTime))
    .option("--paused", "create it paused")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.workflows)
    .addOption(client.json)
    .action(async (id, options, command) => {
      const schedule = await withClient(
        command,
        (baton) =>
          baton.createSchedule({
            id,
            workflow: options.workflow,
            cron: options.cron,
            every: options.every,
            timezone: options.timezone,
            input: options.input,
            overlap: options.overlap,
            catchup: options.catchup,
            startAt: options.startAt,
            endAt: options.endAt,
            paused: options.paused,
          }),
        true,
      );
      if (options.json) return printJson(schedule);
      const next = schedule.nextFireAt
        ? `next ${formatZoned(schedule.nextFireAt, schedule.timezone)}`
        : "no next fire time";
      console.log(
        `created schedule ${schedule.id} (${schedule.workflow}, ${describeWhen(schedule)}): ${schedule.paused ? "paused" : next}`,
      );
    });
}

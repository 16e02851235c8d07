import { Command } from "@commander-js/extra-typings";
import { createSchedulesActionCommand } from "./schedules-action.js";
import { createSchedulesBackfillCommand } from "./schedules-backfill.js";
import { createSchedulesCreateCommand } from "./schedules-create.js";
import { createSchedulesListCommand } from "./schedules-list.js";

/**
 * `baton schedules ...`: list, create, pause, resume, trigger, delete and
 * backfill schedules, through the HTTP API at `--url` (default
 * http://127.0.0.1:7700), or directly on a store with `--store`.
 *
 * @example
 * baton schedules create nightly --workflow report --cron "0 9 * * 1-5" --timezone Europe/Paris
 * baton schedules list
 */
export function createSchedulesCommand() {
  return new Command("schedules")
    .description("start workflows at fire times (cron or interval), through a server (--url) or on a store (--store)")
    .addCommand(createSchedulesListCommand())
    .addCommand(createSchedulesCreateCommand())
    .addCommand(createSchedulesActionCommand("pause"))
    .addCommand(createSchedulesActionCommand("resume"))
    .addCommand(createSchedulesActionCommand("trigger"))
    .addCommand(createSchedulesActionCommand("delete"))
    .addCommand(createSchedulesBackfillCommand());
}

import { Command } from "@commander-js/extra-typings";
import { createRunsActionCommand } from "./runs-action.js";
import { createRunsExportCommand } from "./runs-export.js";
import { createRunsForkCommand } from "./runs-fork.js";
import { createRunsListCommand } from "./runs-list.js";
import { createRunsShowCommand } from "./runs-show.js";
import { createRunsSignalCommand } from "./runs-signal.js";
import { createRunsStartCommand } from "./runs-start.js";
import { createRunsWaitingCommand } from "./runs-waiting.js";

/**
 * `baton runs ...`: list, show, start, signal, cancel, resume, fork and export runs,
 * and list the runs waiting for a signal (`waiting`),
 * through the HTTP API at `--url` (default http://127.0.0.1:7700), or
 * directly on a store with `--store`.
 *
 * @example
 * baton runs list --status failed
 * baton runs show order-1 --follow
 */
export function createRunsCommand() {
  return new Command("runs")
    .description("inspect and steer runs, through a server (--url) or on a store (--store)")
    .addCommand(createRunsListCommand())
    .addCommand(createRunsWaitingCommand())
    .addCommand(createRunsShowCommand())
    .addCommand(createRunsStartCommand())
    .addCommand(createRunsSignalCommand())
    .addCommand(createRunsActionCommand("cancel"))
    .addCommand(createRunsActionCommand("resume"))
    .addCommand(createRunsForkCommand())
    .addCommand(createRunsExportCommand());
}

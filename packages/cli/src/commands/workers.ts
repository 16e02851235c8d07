import { Command } from "@commander-js/extra-typings";
import { clientOptions, withClient } from "../client-options.js";
import { colorsFor } from "../colors.js";
import { formatTable } from "../format-table.js";
import { elapsed, formatDuration } from "../format-time.js";
import { printJson } from "../print-json.js";

/**
 * `baton workers`: the live workers with the workflow versions they serve,
 * and a warning for each version whose open runs no live worker serves.
 *
 * @example
 * baton workers
 * # no worker serves order@1: 37 runs wait for one
 */
export function createWorkersCommand() {
  const client = clientOptions();
  return new Command("workers")
    .description("list the live workers and the versions they serve; warn of runs no live worker serves")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (options, command) => {
      const list = await withClient(command, (baton) => baton.listWorkers());
      if (options.json) return printJson(list);
      const c = colorsFor(process.stdout);
      for (const { workflow, version, runs } of list.unserved) {
        console.log(c.yellow(`no worker serves ${workflow}@${version}: ${runs} runs wait for one`));
      }
      if (list.workers.length === 0) return console.log("no live workers");
      const header = ["WORKER", "SEEN", "UP", "WORKFLOWS"].map((title) => c.dim(title));
      const rows = list.workers.map((w) => [
        c.bold(w.id),
        `${formatDuration(elapsed(w.seenAt))} ago`,
        formatDuration(elapsed(w.startedAt)),
        w.workflows.join(", "),
      ]);
      console.log(formatTable([header, ...rows]).join("\n"));
    });
}

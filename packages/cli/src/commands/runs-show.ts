import { Command } from "@commander-js/extra-typings";
import { clientOptions, withClient } from "../client-options.js";
import { colorsFor } from "../colors.js";
import { followRun } from "../follow-run.js";
import { formatRun } from "../format-run.js";
import { printJson } from "../print-json.js";

/**
 * `baton runs show <id>`: a run's header, its steps with their attempts and
 * errors, its children and pending signals. `--follow` shows its progress
 * until it ends (redrawn in place on a terminal, one line per change when
 * piped).
 *
 * @example
 * baton runs show order-1 --follow
 */
export function createRunsShowCommand() {
  const client = clientOptions();
  return new Command("show")
    .description("show a run: status, input, output, steps with attempts and errors, children, pending signals")
    .argument("<id>", "run id")
    .option("-f, --follow", "show progress until the run ends (with --json: one summary per line)")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (id, options, command) => {
      await withClient(command, async (baton) => {
        if (options.follow) return followRun(baton, id, options.json === true);
        const run = await baton.getRun(id);
        if (options.json) printJson(run);
        else console.log(formatRun(colorsFor(process.stdout), run).join("\n"));
      });
    });
}

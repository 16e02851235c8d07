import { writeFileSync } from "node:fs";
import { Command } from "@commander-js/extra-typings";
import { CliError } from "../cli-error.js";
import { clientOptions, withClient } from "../client-options.js";

/**
 * `baton runs export <id>`: a run's history as JSON (the events of
 * `GET /api/runs/{id}/history`), for a test to replay it
 * (`replayHistory` of `baton/testing`).
 *
 * @example
 * baton runs export order-7 --out test/histories/order-7.json
 */
export function createRunsExportCommand() {
  const client = clientOptions();
  return new Command("export")
    .description("print a run's history as JSON (or write it to --out), for a test to replay")
    .argument("<id>", "run id")
    .option("--out <file>", "write it to this file")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .action(async (id, options, command) => {
      const { events } = await withClient(command, (baton) => baton.getHistory(id));
      const text = `${JSON.stringify(events, null, 2)}\n`;
      if (options.out === undefined) {
        process.stdout.write(text);
        return;
      }
      try {
        writeFileSync(options.out, text);
      } catch (error) {
        throw new CliError(`cannot write ${options.out}: ${(error as Error).message}`);
      }
      console.log(`wrote ${events.length} events of run ${id} to ${options.out}`);
    });
}

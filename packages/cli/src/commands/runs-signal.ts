import { Command, Option } from "@commander-js/extra-typings";
import { clientOptions, withClient } from "../client-options.js";
import { parseJson } from "../option-parsers.js";
import { printJson } from "../print-json.js";

/**
 * `baton runs signal <id> <name>`: sends a signal to a run; it is durable
 * once the command returns.
 *
 * @example
 * baton runs signal order-1 approve --payload true
 */
export function createRunsSignalCommand() {
  const client = clientOptions();
  return new Command("signal")
    .description("send a signal to a run")
    .argument("<id>", "run id")
    .argument("<name>", "signal name")
    .addOption(new Option("--payload <json>", "the signal's payload, as JSON").argParser(parseJson))
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (id, name, options, command) => {
      const answer = await withClient(command, (baton) => baton.signal(id, name, options.payload));
      if (options.json) printJson(answer);
      else console.log(`sent signal "${name}" to run ${id}`);
    });
}

import { Command, Option } from "@commander-js/extra-typings";
import { clientOptions, withClient } from "../client-options.js";
import { parseStep } from "../option-parsers.js";
import { printJson } from "../print-json.js";

/**
 * `baton runs fork <id> --from-step <step>`: starts a new run that reuses
 * the recorded results of `id` before that step (a position or a step name).
 *
 * @example
 * baton runs fork order-1 --from-step charge --id order-1-retry
 */
export function createRunsForkCommand() {
  const client = clientOptions();
  return new Command("fork")
    .description("start a new run reusing a run's results before a step")
    .argument("<id>", "run id")
    .addOption(
      new Option("--from-step <step>", "step position (2) or step name (charge) to run again from")
        .argParser(parseStep)
        .makeOptionMandatory(),
    )
    .option("--id <id>", "id of the new run (default: a new id)")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (id, options, command) => {
      const answer = await withClient(command, (baton) =>
        baton.fork(id, { fromStep: options.fromStep, id: options.id }),
      );
      if (options.json) printJson(answer);
      else console.log(`forked run ${id} into ${answer.run.id} (${answer.run.workflow}@${answer.run.version})`);
    });
}

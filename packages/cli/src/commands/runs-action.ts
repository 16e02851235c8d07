import { Command } from "@commander-js/extra-typings";
import { clientOptions, withClient } from "../client-options.js";
import { printJson } from "../print-json.js";

const actions = {
  cancel: {
    description: "cancel a run (its compensations run)",
    done: (id: string) => `cancel of run ${id} requested`,
  },
  resume: {
    description: "resume a failed run from the step that failed",
    done: (id: string) => `resumed run ${id}`,
  },
} as const;

/**
 * `baton runs cancel <id>` (asks a run to stop at its next durable point; its
 * compensations then run) and `baton runs resume <id>` (resumes a failed run
 * from the step that failed).
 *
 * @example
 * baton runs cancel order-1
 * baton runs resume order-2
 */
export function createRunsActionCommand(action: keyof typeof actions) {
  const client = clientOptions();
  return new Command(action)
    .description(actions[action].description)
    .argument("<id>", "run id")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (id, options, command) => {
      const answer = await withClient(command, (baton) => baton[action](id));
      if (options.json) printJson(answer);
      else console.log(actions[action].done(id));
    });
}

import { Command, Option } from "@commander-js/extra-typings";
import { clientOptions, withClient } from "../client-options.js";
import { parseJson } from "../option-parsers.js";
import { printJson } from "../print-json.js";

/**
 * `baton events send <name>`: sends an event, which starts the runs of the
 * workflows it triggers and is delivered to the runs waiting for it.
 *
 * @example
 * baton events send payment.received --payload '{"orderId":"A-1"}' --id pay-A-1
 * // event pay-A-1: started 1 run (order-7), delivered to 0 runs
 * // On a store (--store), without --workflows: the subscriptions workers registered there.
 */
export function createEventsSendCommand() {
  const client = clientOptions();
  return new Command("send")
    .description("send an event")
    .argument("<name>", "event name")
    .addOption(new Option("--payload <json>", "the event's payload, as JSON").argParser(parseJson))
    .option("--id <id>", "the event's id, its idempotency key (default: a new id)")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.workflows)
    .addOption(client.json)
    .action(async (name, options, command) => {
      // Without --workflows, the workflows subscribed to the event are those workers registered in the store.
      const receipt = await withClient(command, (baton) =>
        baton.sendEvent({ name, payload: options.payload, id: options.id }),
      );
      if (options.json) return printJson(receipt);
      const runs = (ids: string[]) =>
        `${ids.length} ${ids.length === 1 ? "run" : "runs"}${ids.length > 0 ? ` (${ids.join(", ")})` : ""}`;
      const again = receipt.created ? "" : " (already sent)";
      console.log(
        `event ${receipt.id}${again}: started ${runs(receipt.started)}, delivered to ${runs(receipt.delivered)}`,
      );
      for (const { workflow, message } of receipt.rejected ?? []) console.log(`not started: ${workflow}: ${message}`);
      if (receipt.reason) console.log(`started nothing: ${receipt.reason}`);
    });
}

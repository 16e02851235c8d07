import { readFileSync } from "node:fs";
import { Command, Option } from "@commander-js/extra-typings";
import { CliError } from "../cli-error.js";
import { clientOptions, withClient } from "../client-options.js";
import { colorsFor } from "../colors.js";
import { colorStatus } from "../format-run.js";
import { parseInteger, parseJson, parseTime, parseTimeout } from "../option-parsers.js";
import { printJson } from "../print-json.js";

/**
 * `baton runs start <workflow>`: starts a run (or finds the run of that id
 * with that input) and prints its id.
 *
 * @example
 * baton runs start order --input '{"orderId":"A-1"}' --id order-A-1
 * // started run order-A-1 (order@1, pending)
 */
export function createRunsStartCommand() {
  const client = clientOptions();
  return new Command("start")
    .description("start a run of a workflow")
    .argument("<workflow>", "workflow name")
    .addOption(new Option("--input <json>", "the run's input, as JSON").argParser(parseJson).conflicts("inputFile"))
    .option("--input-file <path>", "read the input (JSON) from this file")
    .option("--id <id>", "the run's id, its idempotency key (default: a new id)")
    .option("--workflow-version <version>", "the version of the workflow to start (default: the newest)")
    .addOption(new Option("--timeout <duration>", "limit of the whole run (30m, 2h, 3d)").argParser(parseTimeout))
    .option("--queue <name>", "queue of the run (default: the workflow's, else default)")
    .option("--concurrency-key <key>", "key of the queue's per-key limits, such as a customer id")
    .addOption(new Option("--priority <n>", "higher first in its queue (default 0)").argParser(parseInteger))
    .addOption(
      new Option("--start-at <time>", "start no earlier than this ISO time").argParser(parseTime).conflicts("delay"),
    )
    .addOption(new Option("--delay <duration>", "start no earlier than this long from now").argParser(parseTimeout))
    .option("--debounce-key <key>", "start one run per key after --debounce-period of quiet, with the latest input")
    .addOption(
      new Option("--debounce-period <duration>", "quiet period of --debounce-key (default 5s)").argParser(parseTimeout),
    )
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.workflows)
    .addOption(client.json)
    .action(async (workflow, options, command) => {
      const input = options.inputFile === undefined ? options.input : readInputFile(options.inputFile);
      const answer = await withClient(
        command,
        (baton) =>
          baton.startRun({
            workflow,
            input,
            id: options.id,
            ...(options.workflowVersion === undefined ? {} : { version: options.workflowVersion }),
            timeout: options.timeout,
            queue: options.queue,
            concurrencyKey: options.concurrencyKey,
            priority: options.priority,
            startAt: options.startAt,
            delay: options.delay,
            ...(options.debounceKey === undefined
              ? {}
              : { debounce: { key: options.debounceKey, period: options.debouncePeriod ?? "5s" } }),
          }),
        true,
      );
      if (options.json) return printJson(answer);
      const c = colorsFor(process.stdout);
      const { run } = answer;
      const what = `${run.workflow}@${run.version}, ${colorStatus(c, run.status)}`;
      console.log(
        answer.created ? `started run ${c.bold(run.id)} (${what})` : `run ${c.bold(run.id)} exists (${what})`,
      );
    });
}

function readInputFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`--input-file ${path}: cannot read it: ${(error as Error).message}`, { exitCode: 2 });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`--input-file ${path}: malformed JSON: ${(error as Error).message}`, { exitCode: 2 });
  }
}

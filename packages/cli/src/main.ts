/**
 * The `baton` command line. Each command lives in its own file under
 * `commands/` and is registered here.
 *
 * Exit codes: 0 on success, 1 when the command failed (one line on standard
 * error says what and with which value), 2 on bad usage (an unknown command or
 * option, a missing or malformed argument).
 *
 * @example
 * baton dev src/workflows.ts
 * baton runs start order --input '{"orderId":"A-1"}'
 * baton migrate --store postgres://baton@db.internal/app
 * baton serve src/workflows.ts --store postgres://baton@db.internal/app --host 0.0.0.0 --token "$TOKEN"
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { CliError } from "./cli-error.js";
import { colorsFor } from "./colors.js";
import { createDefinitionsCommand } from "./commands/definitions.js";
import { createDevCommand } from "./commands/dev.js";
import { createEventsCommand } from "./commands/events.js";
import { createHumanTasksCommand } from "./commands/human-tasks.js";
import { createMigrateCommand } from "./commands/migrate.js";
import { createQueuesCommand } from "./commands/queues.js";
import { createReplayCommand } from "./commands/replay.js";
import { createRunsCommand } from "./commands/runs.js";
import { createSchedulesCommand } from "./commands/schedules.js";
import { createServeCommand } from "./commands/serve.js";
import { createTasksCommand } from "./commands/tasks.js";
import { createWorkerCommand } from "./commands/worker.js";
import { createWorkersCommand } from "./commands/workers.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

const program = new Command("baton")
  .description("Baton: durable workflows for TypeScript")
  .version(version)
  .addCommand(createDevCommand())
  .addCommand(createServeCommand())
  .addCommand(createWorkerCommand())
  .addCommand(createMigrateCommand())
  .addCommand(createRunsCommand())
  .addCommand(createEventsCommand())
  .addCommand(createQueuesCommand())
  .addCommand(createSchedulesCommand())
  .addCommand(createTasksCommand())
  .addCommand(createHumanTasksCommand())
  .addCommand(createDefinitionsCommand())
  .addCommand(createReplayCommand())
  .addCommand(createWorkersCommand());

const withSubcommands = (command: CommandUnknownOpts): CommandUnknownOpts[] => [
  command,
  ...command.commands.flatMap(withSubcommands),
];
for (const command of withSubcommands(program)) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

/** Prints what failed (commander prints its own usage errors) and returns the exit code. */
function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  const c = colorsFor(process.stderr);
  const message = error instanceof Error ? error.message : String(error);
  console.error(`${c.red("error:")} ${message}`);
  if (error instanceof CliError) {
    if (error.detail) console.error(error.detail);
    return error.exitCode;
  }
  return 1;
}

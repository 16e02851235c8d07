/**
 * The `baton` command line. Each command lives in its own file under
 * `commands/` and is registered here.
 *
 * Exit codes: 0 on success, 1 when the command failed (one line on standard
 * error says what and with which value), 2 on bad usage (an unknown command or
 * option, a missing or malformed argument).
 *
 * @example
 * baton migrate --store postgres://baton@db.internal/app
 * baton worker src/workflows.ts --store postgres://baton@db.internal/app
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "@commander-js/extra-typings";
import { CliError } from "./cli-error.js";
import { colorsFor } from "./colors.js";
import { createMigrateCommand } from "./commands/migrate.js";
import { createWorkerCommand } from "./commands/worker.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

const program = new Command("baton")
  .description("Baton: durable workflows for TypeScript")
  .version(version)
  .addCommand(createMigrateCommand())
  .addCommand(createWorkerCommand());

for (const command of [program, ...program.commands]) command.exitOverride();

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

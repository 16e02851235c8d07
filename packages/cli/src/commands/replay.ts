import type { RunStatus, RunSummary } from "@baton/server/wire-types";
import { Command, Option } from "@commander-js/extra-typings";
import { runStatuses, type Workflow } from "baton";
import { replayHistory } from "baton/testing";
import { clientOptions, withClient } from "../client-options.js";
import { colorsFor } from "../colors.js";
import { loadWorkflows } from "../load-workflows.js";
import { parsePositiveInteger } from "../option-parsers.js";
import { printJson } from "../print-json.js";

/** Open statuses: the runs a deploy must not break. */
const openStatuses: RunStatus[] = ["pending", "running", "waiting", "compensating"];

/** One run the code would not follow. */
interface Divergence {
  runId: string;
  workflow: string;
  version: string;
  position?: number;
  message: string;
}

/**
 * `baton replay --check --workflows <module>`: re-executes the stored
 * histories of runs (the open ones unless told otherwise) against the
 * module's code, doing nothing, and reports each run it would not follow.
 * Exits 1 when one would diverge, so that CI can gate a deploy.
 *
 * @example
 * baton replay --check --workflows dist/workflows.js --url https://baton.internal --token $BATON_TOKEN
 */
export function createReplayCommand() {
  const client = clientOptions();
  return new Command("replay")
    .description("check that code follows the stored histories of runs (open ones by default) before it is deployed")
    .option("--check", "report the runs the code would not follow; exit 1 if any (the only mode)")
    .requiredOption("--workflows <module>", "module exporting the code to check (every version it exports)")
    .option("--workflow <name>", "only runs of this workflow")
    .addOption(
      new Option("--status <status...>", "only runs in these statuses (default: the open ones)").choices(runStatuses),
    )
    .option("--include-finished", "finished runs too")
    .option("--limit <count>", "at most this many runs", parsePositiveInteger, 100_000)
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (options, command) => {
      const code = new Map(
        (await loadWorkflows(options.workflows)).map((w) => [`${w.name}@${w.version}`, w as Workflow]),
      );
      const status =
        (options.status as RunStatus[] | undefined) ??
        (options.includeFinished ? ([...runStatuses] as RunStatus[]) : openStatuses);
      const report = await withClient(command, async (baton) => {
        const divergences: Divergence[] = [];
        const skipped: Record<string, number> = {};
        let checked = 0;
        let cursor: string | undefined;
        do {
          const page = await baton.listRuns({ workflow: options.workflow, status, limit: 1000, cursor });
          cursor = page.nextCursor;
          for (const run of page.runs as RunSummary[]) {
            if (checked >= options.limit) break;
            const workflow = code.get(`${run.workflow}@${run.version}`);
            if (!workflow) {
              skipped[`${run.workflow}@${run.version}`] = (skipped[`${run.workflow}@${run.version}`] ?? 0) + 1;
              continue;
            }
            const { events } = await baton.getHistory(run.id);
            const result = await replayHistory(workflow, events as never, { runId: run.id });
            checked++;
            if (result.divergence)
              divergences.push({ runId: run.id, workflow: run.workflow, version: run.version, ...result.divergence });
          }
        } while (cursor && checked < options.limit);
        return { checked, skipped, divergences };
      });
      if (options.json) printJson(report);
      else {
        const c = colorsFor(process.stdout);
        for (const d of report.divergences) {
          console.log(
            `${c.red("diverges")} ${c.bold(d.runId)} (${d.workflow}@${d.version})${d.position === undefined ? "" : ` at position ${d.position}`}: ${d.message}`,
          );
        }
        const skipped = Object.entries(report.skipped)
          .map(([key, n]) => `${n} of ${key}`)
          .join(", ");
        console.log(
          `checked ${report.checked} runs: ${report.divergences.length === 0 ? "none diverges" : `${report.divergences.length} would diverge`}${skipped ? `; skipped (no code of their version): ${skipped}` : ""}`,
        );
      }
      if (report.divergences.length > 0) process.exitCode = 1;
    });
}

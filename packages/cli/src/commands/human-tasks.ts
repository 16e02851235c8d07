import type { HumanTask } from "@baton/server/wire-types";
import { Command, Option } from "@commander-js/extra-typings";
import { humanTaskStatuses } from "baton";
import { clientOptions, withClient } from "../client-options.js";
import { type Colors, colorsFor } from "../colors.js";
import { formatTable } from "../format-table.js";
import { elapsed, formatDuration, formatTime } from "../format-time.js";
import { parseJson, parsePositiveInteger } from "../option-parsers.js";
import { printJson } from "../print-json.js";

/** Whom a human task is for: its assignee, its role, or both. */
const whom = (task: HumanTask) =>
  [task.assignee, task.role && `role ${task.role}`].filter(Boolean).join(", ") || "anyone";

/** When an open human task is due, marked overdue past its reminder; or who answered. */
function formatWhen(c: Colors, task: HumanTask): string {
  if (task.status !== "open")
    return task.completedBy ? `${task.completedBy}, ${formatTime(task.completedAt ?? "")}` : "";
  const overdue = task.remindAt !== undefined && elapsed(task.remindAt) > 0;
  const due = task.dueAt ? `due in ${formatDuration(-elapsed(task.dueAt))}` : c.dim("no timeout");
  return overdue ? c.yellow(`${due} (reminder passed)`) : due;
}

/** A table of human tasks: id, title, whom it is for, status, age, when due. */
export function formatHumanTaskTable(c: Colors, tasks: HumanTask[]): string[] {
  const header = ["HUMAN TASK", "TITLE", "FOR", "STATUS", "AGE", "WHEN"].map((title) => c.dim(title));
  const rows = tasks.map((task) => [
    c.bold(task.id),
    task.title,
    `${whom(task)}${task.reassigned ? c.dim(" (reassigned)") : ""}`,
    task.status,
    formatDuration(elapsed(task.createdAt)),
    formatWhen(c, task),
  ]);
  return formatTable([header, ...rows]);
}

/** One human task in full: what it asks, its form, its context, and its answer. */
export function formatHumanTask(c: Colors, task: HumanTask): string[] {
  const lines = [
    `${c.bold(task.id)}  ${task.title}  ${task.status}`,
    `for ${whom(task)}, run ${task.runId} (${task.workflow})`,
  ];
  if (task.description) lines.push("", task.description, "");
  if (task.dueAt) lines.push(`due ${formatTime(task.dueAt)}${task.reassigned ? " (reassigned)" : ""}`);
  if (task.context !== undefined) lines.push(`context ${JSON.stringify(task.context)}`);
  if (task.form) lines.push(`form ${JSON.stringify(task.form)}`);
  if (task.completedBy) lines.push(`${task.status} by ${task.completedBy} at ${formatTime(task.completedAt ?? "")}`);
  if (task.data !== undefined) lines.push(`data ${JSON.stringify(task.data)}`);
  if (task.comment) lines.push(`comment ${task.comment}`);
  return lines;
}

/**
 * `baton human-tasks list|show|complete|reject`: the inbox of tasks for
 * people, and answers to them (as the token's identity, or `--as` on a store).
 *
 * @example
 * baton human-tasks list --role finance
 * baton human-tasks complete refund-7:2 --data '{"approved":true}'
 */
export function createHumanTasksCommand() {
  const client = clientOptions();
  const list = new Command("list")
    .description("list human tasks, oldest first (open ones unless --status says otherwise)")
    .option("--assignee <name>", "only those assigned to this person")
    .option("--role <role>", "only those for this role")
    .addOption(new Option("--status <status>", "only those in this status").choices(humanTaskStatuses))
    .option("--run <id>", "only those of this run")
    .option("--limit <count>", "at most this many, 1 to 1000", parsePositiveInteger, 50)
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (options, command) => {
      const page = await withClient(command, (baton) =>
        baton.listHumanTasks({
          status: options.status,
          assignee: options.assignee,
          role: options.role,
          runId: options.run,
          limit: options.limit,
        }),
      );
      if (options.json) return printJson(page);
      if (page.humanTasks.length === 0) console.log("no human tasks");
      else console.log(formatHumanTaskTable(colorsFor(process.stdout), page.humanTasks).join("\n"));
    });
  const show = new Command("show")
    .description("show a human task: what it asks, its form and context")
    .argument("<id>", "<run id>:<position>")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (id, options, command) => {
      const task = await withClient(command, (baton) => baton.getHumanTask(id));
      if (options.json) return printJson(task);
      console.log(formatHumanTask(colorsFor(process.stdout), task).join("\n"));
    });
  const answer = (outcome: "complete" | "reject") =>
    new Command(outcome)
      .description(outcome === "complete" ? "complete a human task with the form's data" : "reject a human task")
      .argument("<id>", "<run id>:<position>")
      .addOption(
        new Option("--data <json>", "the form's data, as JSON (complete)")
          .argParser(parseJson)
          .hideHelp(outcome === "reject"),
      )
      .option("--comment <text>", "a comment recorded with the answer")
      .option("--as <name>", "who answers, on a store (through a server: the token's identity)", "cli")
      .addOption(client.url)
      .addOption(client.token)
      .addOption(client.store)
      .addOption(client.json)
      .action(async (id, options, command) => {
        const { data, comment, as } = options;
        const task = await withClient(command, (baton) => baton.answerHumanTask(id, outcome, { data, comment, as }));
        if (options.json) return printJson(task);
        console.log(`${task.status} human task ${task.id} as ${task.completedBy}`);
      });
  return new Command("human-tasks")
    .description("see the inbox of tasks for people, and answer them")
    .addCommand(list)
    .addCommand(show)
    .addCommand(answer("complete"))
    .addCommand(answer("reject"));
}

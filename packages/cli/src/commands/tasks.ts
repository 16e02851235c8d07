import type { Task, TaskStatus } from "@baton/server/wire-types";
import { Command, Option } from "@commander-js/extra-typings";
import { taskStatuses } from "baton";
import { clientOptions, withClient } from "../client-options.js";
import { type Colors, colorsFor } from "../colors.js";
import { formatTable } from "../format-table.js";
import { elapsed, formatDuration, formatTime } from "../format-time.js";
import { parsePositiveInteger } from "../option-parsers.js";
import { printJson } from "../print-json.js";

const statusColor = (c: Colors, status: TaskStatus) =>
  status === "completed"
    ? c.green(status)
    : status === "failed"
      ? c.red(status)
      : status === "leased"
        ? c.cyan(status)
        : c.dim(status);

/** What a task waits for now, in a few words: its lease, its next attempt, or how it ended. */
function formatWhen(c: Colors, task: Task): string {
  if (task.status === "leased" && task.leaseExpiresAt)
    return `lease ends in ${formatDuration(-elapsed(task.leaseExpiresAt))}`;
  if (task.status === "queued") {
    const wait = -elapsed(task.availableAt);
    return wait > 0
      ? `attempt ${task.attempt + 1} in ${formatDuration(wait)}`
      : `waiting ${formatDuration(elapsed(task.availableAt))}`;
  }
  return task.finishedAt ? c.dim(formatTime(task.finishedAt)) : "";
}

/** A table of tasks: id, name, task queue, status, attempt, task worker, what it waits for. */
export function formatTaskTable(c: Colors, tasks: Task[]): string[] {
  const header = ["TASK", "NAME", "QUEUE", "STATUS", "ATTEMPT", "WORKER", "WHEN"].map((title) => c.dim(title));
  const rows = tasks.map((task) => [
    c.bold(task.id),
    task.name,
    task.queue,
    statusColor(c, task.status),
    `${task.attempt}/${task.maxAttempts}`,
    task.workerId ?? c.dim("-"),
    formatWhen(c, task),
  ]);
  return formatTable([header, ...rows]);
}

/** One task in full: its fields, then each attempt that failed or lapsed. */
export function formatTask(c: Colors, task: Task): string[] {
  const lines = [
    `${c.bold(task.id)}  ${task.name}  ${statusColor(c, task.status)}`,
    `queue ${task.queue}, attempt ${task.attempt}/${task.maxAttempts}, timeout ${formatDuration(task.timeoutMs)}${task.heartbeatTimeoutMs ? `, heartbeat every ${formatDuration(task.heartbeatTimeoutMs)}` : ""}`,
    `run ${task.runId} at position ${task.position}, created ${formatTime(task.createdAt)}`,
  ];
  if (task.workerId)
    lines.push(`worker ${task.workerId}${task.heartbeatAt ? `, last heartbeat ${formatTime(task.heartbeatAt)}` : ""}`);
  if (task.details !== undefined) lines.push(`details ${JSON.stringify(task.details)}`);
  lines.push(`input ${JSON.stringify(task.input)}`);
  if (task.output !== undefined) lines.push(`output ${JSON.stringify(task.output)}`);
  if (task.error) lines.push(c.red(`error ${task.error.code ? `${task.error.code}: ` : ""}${task.error.message}`));
  for (const attempt of task.attempts) {
    lines.push(
      c.dim(
        `  attempt ${attempt.attempt} by ${attempt.workerId}, ${formatTime(attempt.startedAt)}: ${attempt.error?.code ? `${attempt.error.code}: ` : ""}${attempt.error?.message ?? "done"}`,
      ),
    );
  }
  return lines;
}

/**
 * `baton tasks list|show`: the tasks runs handed to task workers, what each
 * waits for, and the attempts that failed.
 *
 * @example
 * baton tasks list --queue media --status queued
 */
export function createTasksCommand() {
  const client = clientOptions();
  const list = new Command("list")
    .description("list tasks, oldest first (open ones unless --status says otherwise)")
    .option("--queue <name>", "only tasks of this task queue")
    .addOption(new Option("--status <status>", "only tasks in this status").choices(taskStatuses))
    .option("--run <id>", "only tasks of this run")
    .option("--limit <count>", "at most this many, 1 to 1000", parsePositiveInteger, 50)
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (options, command) => {
      const status = options.status ?? (options.run === undefined ? "queued,leased" : undefined);
      const { tasks } = await withClient(command, (baton) =>
        baton.listTasks({ queue: options.queue, status, runId: options.run, limit: options.limit }),
      );
      if (options.json) return printJson({ tasks });
      if (tasks.length === 0) console.log("no tasks");
      else console.log(formatTaskTable(colorsFor(process.stdout), tasks).join("\n"));
    });
  const show = new Command("show")
    .description("show a task: its fields and the attempts that failed")
    .argument("<id>", "task id: <run id>:<position>")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (id, options, command) => {
      const task = await withClient(command, (baton) => baton.getTask(id));
      if (options.json) return printJson(task);
      console.log(formatTask(colorsFor(process.stdout), task).join("\n"));
    });
  return new Command("tasks")
    .description("see the tasks runs handed to task workers")
    .addCommand(list)
    .addCommand(show);
}

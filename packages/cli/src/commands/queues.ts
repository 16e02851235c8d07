import type { Queue } from "@baton/server/wire-types";
import { Command } from "@commander-js/extra-typings";
import { clientOptions, withClient } from "../client-options.js";
import { type Colors, colorsFor } from "../colors.js";
import { formatTable } from "../format-table.js";
import { formatDuration } from "../format-time.js";
import { printJson } from "../print-json.js";

/** A queue's rate limit in a few words: `100/1m`, `1/1m per key`. */
function formatRate(queue: Queue): string {
  const rate = queue.rateLimit;
  if (!rate) return "";
  return `${queue.startedInWindow}/${rate.limit} per ${formatDuration(rate.periodMs)}${rate.perKey ? " per key" : ""}`;
}

/** A table of queues: name, running against the limit, per key, rate window, pending, oldest pending, finished in the last minute. */
export function formatQueueTable(c: Colors, queues: Queue[]): string[] {
  const header = ["QUEUE", "RUNNING", "PER KEY", "RATE", "PENDING", "OLDEST PENDING", "FINISHED/MIN"].map((title) =>
    c.dim(title),
  );
  const rows = queues.map((queue) => [
    c.bold(queue.name),
    `${queue.running}/${queue.concurrency ?? "∞"}${queue.holdWhileWaiting ? c.dim(" (waits hold)") : ""}`,
    queue.perKey === undefined ? c.dim("none") : String(queue.perKey),
    queue.rateLimit ? formatRate(queue) : c.dim("none"),
    String(queue.pending),
    queue.oldestPendingAgeMs === undefined ? c.dim("-") : formatDuration(queue.oldestPendingAgeMs),
    String(queue.finishedLastMinute),
  ]);
  return formatTable([header, ...rows]);
}

/**
 * `baton queues list`: the named queues, their limits and their runs now.
 *
 * @example
 * baton queues list --url http://127.0.0.1:4000
 */
export function createQueuesCommand() {
  const client = clientOptions();
  const list = new Command("list")
    .description("list the named queues: running against their limits, pending runs, rate windows")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (options, command) => {
      const answer = await withClient(command, (baton) => baton.listQueues());
      if (options.json) return printJson(answer);
      const c = colorsFor(process.stdout);
      if (answer.queues.length === 0)
        console.log("no named queues (workers declare them with createEngine({ queues }))");
      else console.log(formatQueueTable(c, answer.queues).join("\n"));
    });
  return new Command("queues").description("see the named queues and their limits").addCommand(list);
}

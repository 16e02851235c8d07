/**
 * A bench task worker process: a minimal HTTP client of the task routes,
 * with no engine. It long-polls one task queue (`POST /api/tasks/poll`) and
 * completes each task at once with its input as output
 * (`POST /api/tasks/{token}/complete`), until SIGTERM.
 *
 * Usage: node bench/dist/task-worker.js <server url> <worker id> <task queue>
 *   [--max <n>] [--wait-ms <ms>]
 *
 * It holds at most `--max` tasks (default 50): a poll asks for as many as it
 * has room for, and the next poll goes out as soon as that poll answered and
 * there is room, while the completions of the tasks it got are in flight
 * (each its own request). `--wait-ms` is the long poll's wait (default
 * 20,000). Requests go through `node:http` with a keep-alive agent, the
 * connections to the server kept open (Node's `fetch` spent three times the
 * processor per task: see docs/benchmarks.md, "tasks").
 *
 * Prints `{"event":"ready"}` on standard output once loaded, before its first
 * poll. On SIGUSR2 prints `{"event":"stats",...}` for the time since the
 * last report: polls sent, those that answered no task, tasks completed, and
 * the time of their completion requests (median and 99th percentile, ms).
 * Failed requests go to standard error, one
 * line each (the poll is retried after 100 ms). SIGTERM ends the poll
 * waiting, lets the completions in flight finish, and exits 0.
 */

import http from "node:http";

const usage = "usage: task-worker.js <server url> <worker id> <task queue> [--max <n>] [--wait-ms <ms>]";
const positional: string[] = [];
const flags = new Map<string, number>();
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i] as string;
  if (!arg.startsWith("--")) positional.push(arg);
  else {
    const value = Number(argv[++i]);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${arg} needs an integer >= 0\n${usage}`);
    flags.set(arg.slice(2), value);
  }
}
const [url, workerId, queue] = positional;
if (url === undefined || workerId === undefined || queue === undefined) throw new Error(usage);
const max = Math.min(flags.get("max") ?? 50, 100);
const waitMs = flags.get("wait-ms") ?? 20_000;

interface PolledTask {
  token: string;
  input: unknown;
}

let stats = { polls: 0, emptyPolls: 0, tasks: 0, failures: 0 };
let completeMs: number[] = [];
let held = 0;
let stopping = false;
const aborter = new AbortController();
/** Resolves the wait of the poll loop for room (a completion ended). */
let roomMade: (() => void) | undefined;
const inFlight = new Set<Promise<void>>();

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const target = new URL(url);

const post = (path: string, body: unknown, signal?: AbortSignal): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const onAbort = () => request.destroy(new Error("aborted"));
    const settle = (done: () => void) => {
      signal?.removeEventListener("abort", onAbort);
      done();
    };
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", (error) => settle(() => reject(error)));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = response.statusCode ?? 0;
          if (status >= 300)
            settle(() => reject(new Error(`${path.split("/").pop()}: ${status} ${text.slice(0, 200)}`)));
          else settle(() => resolve(JSON.parse(text)));
        });
      },
    );
    request.on("error", (error) => settle(() => reject(error)));
    signal?.addEventListener("abort", onAbort, { once: true });
    request.end(data);
  });

const fail = (error: unknown) => {
  stats.failures++;
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
};

async function complete(task: PolledTask): Promise<void> {
  const began = performance.now();
  try {
    await post(`/api/tasks/${encodeURIComponent(task.token)}/complete`, { output: task.input });
    completeMs.push(performance.now() - began);
    stats.tasks++;
  } catch (error) {
    fail(error);
  } finally {
    held--;
    roomMade?.();
  }
}

async function pollLoop(): Promise<void> {
  while (!stopping) {
    if (held >= max) {
      await new Promise<void>((resolve) => {
        roomMade = resolve;
      });
      roomMade = undefined;
      continue;
    }
    stats.polls++;
    let tasks: PolledTask[];
    try {
      const body = { workerId, queues: [queue], max: max - held, waitMs };
      tasks = ((await post("/api/tasks/poll", body, aborter.signal)) as { tasks: PolledTask[] }).tasks;
    } catch (error) {
      if (stopping) return;
      fail(error);
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    if (tasks.length === 0) stats.emptyPolls++;
    for (const task of tasks) {
      held++;
      const done = complete(task);
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    }
  }
}

const percentile = (values: number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};

process.on("SIGUSR2", () => {
  const report = {
    event: "stats",
    ...stats,
    completeP50Ms: percentile(completeMs, 50),
    completeP99Ms: percentile(completeMs, 99),
  };
  stats = { polls: 0, emptyPolls: 0, tasks: 0, failures: 0 };
  completeMs = [];
  process.stdout.write(`${JSON.stringify(report)}\n`);
});

process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  aborter.abort();
  roomMade?.();
  void Promise.allSettled([...inFlight]).then(() => process.exit(0));
});

process.stdout.write(`${JSON.stringify({ event: "ready" })}\n`);
void pollLoop();

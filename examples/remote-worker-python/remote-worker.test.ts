/**
 * The Python task worker against a real `baton serve` process on loopback:
 * runs started over the HTTP API complete with what worker.py computed; a
 * worker killed mid-task loses its lease, and a second one does the next
 * attempt; a worker paused past its lease is answered 409, drops the task
 * and goes on with the next one.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { startServe } from "../../packages/cli/test/start-serve.js";
import { eventually, tempDir } from "../test-helpers.js";
import type { PublishedPost } from "./workflows.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const operatorToken = "op-token-0123456789";
const workerToken = "worker-token-0123456789";

const post = {
  title: "Élan vital: Notes on Rivers",
  text: "Rivers carry water. Rivers carry silt!\n\nThe delta grows where rivers slow. Water spreads; silt settles.",
};
const analysis = {
  slug: "elan-vital-notes-on-rivers",
  words: 16,
  sentences: 4,
  readingMinutes: 1,
  keywords: ["rivers", "carry", "water"],
};

/** `baton serve workflows.ts` with an operator and a worker token, on a new SQLite file, and calls to its API. */
async function serve() {
  const dir = tempDir("baton-remote-worker-");
  const { server, url } = await startServe([join(here, "workflows.ts"), "--store", `sqlite:${join(dir, "baton.db")}`], {
    cwd: dir,
    env: { BATON_TOKEN: operatorToken, BATON_WORKER_TOKEN: workerToken },
  });
  const call = async (method: string, path: string, json?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${operatorToken}`, "content-type": "application/json" },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const start = async (id: string, input: unknown = post) => {
    const started = await call("POST", "/api/runs", { workflow: "publish-post", input, id });
    assert.equal(started.status, 201, JSON.stringify(started.body));
  };
  /** The run once it has finished. */
  const finished = (id: string) =>
    eventually(async () => {
      const { body } = await call("GET", `/api/runs/${id}`);
      return ["completed", "failed", "cancelled"].includes(body.status as string) ? body : undefined;
    }, 60_000);
  const task = async (id: string) => (await call("GET", `/api/tasks/${encodeURIComponent(id)}`)).body;
  const taskEvent = async (id: string, type: string) => {
    const { body } = await call("GET", `/api/runs/${id}/history`);
    return (body.events as { type: string; workerId?: string; attempts?: Record<string, unknown>[] }[]).find(
      (event) => event.type === type,
    );
  };
  return {
    dir,
    url,
    start,
    finished,
    task,
    taskEvent,
    async [Symbol.asyncDispose]() {
      const result = await server.stop();
      assert.equal(result.code, 0, result.stderr);
    },
  };
}

const alive = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of alive) child.kill("SIGKILL");
});

/** Starts `python3 <script> --url <url> --worker-id <id> ...args` with the worker token; collects its output. */
function startPython(
  script: string,
  url: string,
  workerId: string,
  env: Record<string, string> = {},
  args: string[] = [],
) {
  const child = spawn("python3", [script, "--url", url, "--worker-id", workerId, ...args], {
    env: { ...process.env, BATON_WORKER_TOKEN: workerToken, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  alive.add(child);
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      alive.delete(child);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    exited,
    output: () => output,
    /** Waits until the worker printed `text`. */
    printed: (text: string) =>
      eventually(() => {
        if (child.exitCode !== null) throw new Error(`${workerId} exited before printing "${text}":\n${output}`);
        return output.includes(text);
      }, 30_000),
    [Symbol.asyncDispose]: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/**
 * A worker.py whose `analyze-text` handler, for the first task it gets,
 * creates the file `HOLD_FILE` and then blocks until the lease is lost (the
 * test kills or pauses the process meanwhile); the heartbeats go on. Start
 * it with `holding` (one task at a time: no poll of its may take the next
 * attempt while it is held).
 */
function holdingWorker(dir: string): string {
  const script = join(dir, "holding_worker.py");
  writeFileSync(
    script,
    `import os, sys, pathlib
sys.path.insert(0, ${JSON.stringify(here)})
import worker

held = []

def hold_first(post, task):
    if not held:
        held.append(task.id)
        pathlib.Path(os.environ["HOLD_FILE"]).touch()
        task.cancelled.wait()
        raise RuntimeError("gave up: the lease was lost")
    return worker.analyze_text(post, task)

worker.main({"analyze-text": hold_first})
`,
  );
  return script;
}
const holding = ["--concurrency", "1"];

test("runs started over the HTTP API complete with what the Python task worker computed", async () => {
  await using api = await serve();
  await using python = startPython(join(here, "worker.py"), api.url, "py-1");
  await python.printed(`[py-1] polling python at ${api.url}`);

  const ids = ["post-1", "post-2", "post-3"];
  await Promise.all(ids.map((id) => api.start(id)));
  for (const id of ids) {
    const run = await api.finished(id);
    assert.equal(run.status, "completed", JSON.stringify(run));
    const output = run.output as PublishedPost;
    assert.deepEqual(output, {
      url: "/posts/elan-vital-notes-on-rivers",
      title: post.title,
      teaser: "1 min read, 16 words, about rivers, carry, water",
      analysis,
    });
    const completed = await api.taskEvent(id, "task.completed");
    assert.equal(completed?.workerId, "py-1");
    assert.deepEqual(
      completed?.attempts?.map((a) => [a.attempt, a.workerId]),
      [[1, "py-1"]],
    );
    await python.printed(`[py-1] ${id}:0 attempt 1: completed`);
  }

  // A bad input is a FatalError in Python: no retry, and the run fails with the task's error.
  await api.start("post-bad", { title: 42 });
  const bad = await api.finished("post-bad");
  assert.equal(bad.status, "failed");
  assert.match(JSON.stringify(bad.error), /TaskFailedError.*expected an input \{title, text\} of strings/);
  const failedTask = await api.task("post-bad:0");
  assert.equal(failedTask.attempt, 1);
  assert.equal((failedTask.error as { name: string }).name, "FatalError");

  python.child.kill("SIGTERM");
  assert.deepEqual(await python.exited, { code: 0, signal: null });
  assert.match(python.output(), /\[py-1\] SIGTERM: stopping\n\[py-1\] stopped\n$/);
});

test("a Python worker killed mid-task loses its lease once its heartbeats stop; a second one does attempt 2", async () => {
  await using api = await serve();
  const holdFile = join(api.dir, "held");
  await using first = startPython(holdingWorker(api.dir), api.url, "py-doomed", { HOLD_FILE: holdFile }, holding);
  await first.printed("[py-doomed] polling python");
  await api.start("crash-1");
  await eventually(() => existsSync(holdFile), 30_000);
  const heldSince = Date.now();

  // While alive, the worker heartbeats: its lease holds past the 2 s heartbeat timeout.
  await eventually(async () => {
    const task = await api.task("crash-1:0");
    const beat = Date.parse((task.heartbeatAt as string | undefined) ?? "");
    return task.status === "leased" && task.workerId === "py-doomed" && beat > heldSince + 2_500;
  }, 30_000);

  first.child.kill("SIGKILL");
  await first.exited;
  await using second = startPython(join(here, "worker.py"), api.url, "py-rescue");
  const run = await api.finished("crash-1");
  assert.equal(run.status, "completed", JSON.stringify(run));
  assert.deepEqual((run.output as PublishedPost).analysis, analysis);

  const completed = await api.taskEvent("crash-1", "task.completed");
  assert.equal(completed?.workerId, "py-rescue");
  const attempts = completed?.attempts ?? [];
  assert.deepEqual(
    attempts.map((a) => [a.attempt, a.workerId, (a.error as { code?: string } | undefined)?.code]),
    [
      [1, "py-doomed", "TASK_HEARTBEAT_TIMEOUT"],
      [2, "py-rescue", undefined],
    ],
  );
  await second.printed("[py-rescue] crash-1:0 attempt 2: completed");
});

test("a Python worker paused past its lease is answered 409: it drops the task and serves the next one", async () => {
  await using api = await serve();
  const holdFile = join(api.dir, "held");
  await using paused = startPython(holdingWorker(api.dir), api.url, "py-paused", { HOLD_FILE: holdFile }, holding);
  await paused.printed("[py-paused] polling python");
  await api.start("pause-1");
  await eventually(() => existsSync(holdFile), 30_000);

  paused.child.kill("SIGSTOP");
  try {
    await using rescue = startPython(join(here, "worker.py"), api.url, "py-other");
    assert.equal((await api.finished("pause-1")).status, "completed");
    await rescue.printed("[py-other] pause-1:0 attempt 2: completed");
    rescue.child.kill("SIGTERM");
    await rescue.exited;
  } finally {
    paused.child.kill("SIGCONT");
  }
  // Its next heartbeat is refused: it drops attempt 1 without reporting it, and polls on.
  await paused.printed("[py-paused] pause-1:0 attempt 1: dropped (TASK_");
  await api.start("pause-2");
  assert.equal((await api.finished("pause-2")).status, "completed");
  await paused.printed("[py-paused] pause-2:0 attempt 1: completed");
  const attempts = (await api.taskEvent("pause-1", "task.completed"))?.attempts ?? [];
  assert.deepEqual(
    attempts.map((a) => a.workerId),
    ["py-paused", "py-other"],
  );
});

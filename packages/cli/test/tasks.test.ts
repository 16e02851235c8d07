import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { createEngine } from "baton";
import { createProject } from "./project.js";
import { runBaton, spawnBaton } from "./run-baton.js";

const remoteModule = `
import { defineWorkflow } from "baton";

export const convert = defineWorkflow("convert", async (ctx, file: string) =>
  ctx.task("convert", { file }, { queue: "media", heartbeatTimeout: "30s" }),
);
`;

test("tasks list shows the open tasks and tasks show one in full, before and after a task worker completes it", async () => {
  const dir = createProject({ "flows.ts": remoteModule });
  const store = `sqlite:${join(dir, "b.db")}`;
  const worker = spawnBaton(["worker", "flows.ts", "--store", store, "--poll-interval", "50ms"], { cwd: dir });
  const baton = (args: string[]) => runBaton([...args, "--store", store], { cwd: dir });
  await using tasks = createEngine({ store, logger: { warn: () => {} } });
  try {
    await worker.waitForLine(/^worker .* running /);
    const started = await baton([
      "runs",
      "start",
      "convert",
      "--workflows",
      "flows.ts",
      "--input",
      '"a.png"',
      "--id",
      "c-1",
    ]);
    assert.equal(started.code, 0, started.stderr);
    const [leased] = await tasks.tasks.poll({ workerId: "py-7", queues: ["media"], waitMs: 20_000 });
    assert.equal(leased?.id, "c-1:0");

    const open = await baton(["tasks", "list"]);
    assert.equal(open.code, 0, open.stderr);
    assert.match(open.stdout, /^TASK\s+NAME\s+QUEUE\s+STATUS\s+ATTEMPT\s+WORKER\s+WHEN/m);
    assert.match(open.stdout, /^c-1:0\s+convert\s+media\s+leased\s+1\/3\s+py-7\s+lease ends in /m);
    const json = JSON.parse((await baton(["tasks", "list", "--queue", "media", "--json"])).stdout);
    assert.deepEqual(
      json.tasks.map((t: { id: string; status: string }) => [t.id, t.status]),
      [["c-1:0", "leased"]],
    );

    await tasks.tasks.heartbeat(leased.token, { percent: 40 });
    const shown = await baton(["tasks", "show", "c-1:0"]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^c-1:0 {2}convert {2}leased$/m);
    assert.match(shown.stdout, /heartbeat every 30s/);
    assert.match(shown.stdout, /^worker py-7, last heartbeat /m);
    assert.match(shown.stdout, /^details \{"percent":40\}$/m);

    await tasks.tasks.complete(leased.token, { file: "a.webp" });
    const done = JSON.parse((await baton(["tasks", "show", "c-1:0", "--json"])).stdout);
    assert.deepEqual([done.status, done.output], ["completed", { file: "a.webp" }]);
    assert.equal((await baton(["tasks", "list"])).stdout.trim(), "no tasks", "none open");
    assert.match(
      (await baton(["tasks", "list", "--status", "completed"])).stdout,
      /^c-1:0\s+convert\s+media\s+completed/m,
    );

    const missing = await baton(["tasks", "show", "c-1:9"]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /TASK_NOT_FOUND: no task "c-1:9"/);
    const bad = await baton(["tasks", "list", "--status", "done"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Allowed choices are queued, leased, completed, failed, cancelled/);
  } finally {
    await worker.stop();
  }
});

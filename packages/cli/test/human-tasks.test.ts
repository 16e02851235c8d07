import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { createProject } from "./project.js";
import { runBaton } from "./run-baton.js";
import { startServe } from "./start-serve.js";

const peopleModule = `
import { defineWorkflow } from "baton";

export const refund = defineWorkflow("refund", async (ctx, amount: number) =>
  ctx.humanTask("approve", {
    title: "Refund " + amount + " EUR?",
    form: { type: "object", properties: { approved: { type: "boolean" } }, required: ["approved"] },
    role: "finance",
    timeout: "1d",
  }),
);
`;

test("human-tasks list, show, complete and reject, through a server and on a store", async () => {
  const dir = createProject({ "flows.ts": peopleModule });
  const store = `sqlite:${join(dir, "b.db")}`;
  const { server, url } = await startServe(["flows.ts", "--store", store], { cwd: dir });
  const viaServer = (args: string[]) => runBaton([...args, "--url", url], { cwd: dir });
  const onStore = (args: string[]) => runBaton([...args, "--store", store], { cwd: dir });
  try {
    for (const [id, amount] of [
      ["r-1", "20"],
      ["r-2", "900"],
    ] as const) {
      const started = await viaServer(["runs", "start", "refund", "--input", amount, "--id", id]);
      assert.equal(started.code, 0, started.stderr);
    }
    let listed = await viaServer(["human-tasks", "list", "--role", "finance"]);
    for (let i = 0; i < 100 && !/r-2:0/.test(listed.stdout); i++) {
      listed = await viaServer(["human-tasks", "list", "--role", "finance"]);
    }
    assert.match(listed.stdout, /^HUMAN TASK\s+TITLE\s+FOR\s+STATUS\s+AGE\s+WHEN/m);
    assert.match(listed.stdout, /^r-1:0\s+Refund 20 EUR\?\s+role finance\s+open\s+\S+\s+due in /m);
    const shown = await viaServer(["human-tasks", "show", "r-1:0"]);
    assert.match(shown.stdout, /^form \{"type":"object"/m);

    const bad = await viaServer(["human-tasks", "complete", "r-1:0", "--data", '{"approved":"yes"}']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /INVALID_INPUT: .*approved: must be boolean/);
    const done = await viaServer([
      "human-tasks",
      "complete",
      "r-1:0",
      "--data",
      '{"approved":true}',
      "--comment",
      "ok",
    ]);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /^completed human task r-1:0 as operator$/m);
    let run = JSON.parse((await viaServer(["runs", "show", "r-1", "--json"])).stdout);
    for (let i = 0; i < 100 && run.status !== "completed"; i++) {
      run = JSON.parse((await viaServer(["runs", "show", "r-1", "--json"])).stdout);
    }
    assert.deepEqual(
      [run.status, run.output.outcome, run.output.data, run.output.completedBy, run.output.comment],
      ["completed", "completed", { approved: true }, "operator", "ok"],
    );

    const rejected = await onStore(["human-tasks", "reject", "r-2:0", "--as", "ada", "--comment", "too much"]);
    assert.equal(rejected.code, 0, rejected.stderr);
    assert.match(rejected.stdout, /^rejected human task r-2:0 as ada$/m);
    const again = await onStore(["human-tasks", "complete", "r-2:0", "--data", '{"approved":true}']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /HUMAN_TASK_CLOSED: human task "r-2:0" is rejected by ada/);
    const answered = JSON.parse((await onStore(["human-tasks", "list", "--status", "rejected", "--json"])).stdout);
    assert.deepEqual(
      answered.humanTasks.map((t: { id: string; completedBy: string; comment: string }) => [
        t.id,
        t.completedBy,
        t.comment,
      ]),
      [["r-2:0", "ada", "too much"]],
    );
  } finally {
    await server.stop();
  }
});

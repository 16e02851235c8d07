import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type BatonError,
  createTestClock,
  defineWorkflow,
  type Engine,
  type HumanTask,
  type HumanTaskOptions,
  type ValidationError,
} from "baton";
import { eventually, startEngine, statusOf, tempStore } from "../helpers.js";

const form = {
  type: "object",
  properties: { approved: { type: "boolean" }, amount: { type: "number", minimum: 0 } },
  required: ["approved"],
  additionalProperties: false,
};

/** A workflow asking a person (input: the run's own options; `noRole`: no role, the assignee's only). */
const ask = defineWorkflow(
  "ask",
  async (ctx, input: (Partial<HumanTaskOptions> & { noRole?: boolean }) | undefined) => {
    const { noRole, ...options } = input ?? {};
    const base = { title: "Refund 20 EUR?", form, context: { amount: 20 }, ...(noRole ? {} : { role: "finance" }) };
    return ctx.humanTask("approve-refund", { ...base, ...options });
  },
);

/** The open human task of run `runId`, once created. */
const openTask = (engine: Engine, runId: string): Promise<HumanTask> =>
  eventually(async () => (await engine.humanTasks.list({ runId })).humanTasks[0]);

/** The code (and issues) of the error `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<{ code?: string; issues?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return { code: (error as BatonError).code, issues: (error as ValidationError).issues };
  }
  assert.fail("expected a rejection");
}

test("a person completes a human task with data that fits its form; who and when are recorded", async () => {
  await using engine = await startEngine([ask]);
  const run = await engine.startRun(ask, undefined, { id: "h-1" });
  const task = await openTask(engine, run.id);
  assert.deepEqual(
    [task.id, task.workflow, task.title, task.role, task.status, task.context, task.form],
    ["h-1:0", "ask", "Refund 20 EUR?", "finance", "open", { amount: 20 }, form],
  );
  const bad = await refusal(engine.humanTasks.complete(task.id, { by: "ada", data: { approved: "yes", extra: 1 } }));
  assert.equal(bad.code, "INVALID_INPUT");
  assert.deepEqual(
    (bad.issues as { path: string }[]).map((issue) => issue.path).sort(),
    ["approved", "extra"],
    "every issue at once, each with its path",
  );
  assert.equal((await engine.humanTasks.get(task.id))?.status, "open", "a refused answer changes nothing");
  const done = await engine.humanTasks.complete(task.id, { by: "ada", data: { approved: true }, comment: "fine" });
  assert.deepEqual([done.status, done.completedBy, done.data], ["completed", "ada", { approved: true }]);
  const answer = (await run.result()) as { outcome: string; completedBy: string; completedAt: string; data: unknown };
  assert.deepEqual(
    { ...answer, completedAt: typeof answer.completedAt },
    { outcome: "completed", data: { approved: true }, comment: "fine", completedBy: "ada", completedAt: "string" },
  );
  assert.equal(answer.completedAt, done.completedAt?.toISOString());
  assert.equal(
    (await refusal(engine.humanTasks.complete(task.id, { by: "bob", data: { approved: false } }))).code,
    "HUMAN_TASK_CLOSED",
  );
  assert.equal(
    (await engine.humanTasks.complete(task.id, { by: "ada", data: { approved: true } })).status,
    "completed",
    "the same answer again",
  );
  const history = await engine.getHistory(run.id);
  assert.deepEqual(
    history.map((e) => e.type),
    ["run.started", "human_task.created", "human_task.completed", "run.completed"],
  );
  assert.deepEqual(history[1]?.input, { title: "Refund 20 EUR?", role: "finance", context: { amount: 20 } });
  const [call] = (await engine.getRun(run.id)).steps;
  assert.deepEqual(
    [call?.kind, call?.status, (call?.output as { completedBy?: string } | undefined)?.completedBy],
    ["human_task", "completed", "ada"],
  );
});

test("a rejection reaches the run as an answer", async () => {
  await using engine = await startEngine([ask]);
  const run = await engine.startRun(ask, { assignee: "bob", noRole: true }, { id: "h-2" });
  const task = await openTask(engine, run.id);
  assert.equal(task.assignee, "bob");
  await engine.humanTasks.reject(task.id, { by: "bob", comment: "not eligible" });
  assert.deepEqual(
    (({ outcome, comment, completedBy }) => ({ outcome, comment, completedBy }))((await run.result()) as never),
    { outcome: "rejected", comment: "not eligible", completedBy: "bob" },
  );
});

test("a timeout returns undefined, fails, or reassigns once (with a reminder before it)", async () => {
  const clock = createTestClock();
  const start = clock.now();
  await using engine = await startEngine([ask], { clock });
  const returns = await engine.startRun(ask, { timeout: "1h" }, { id: "h-return" });
  const fails = await engine.startRun(ask, { timeout: "1h", onTimeout: "fail" }, { id: "h-fail" });
  const escalates = await engine.startRun(
    ask,
    { timeout: "1h", reminder: "30m", onTimeout: { reassign: { role: "managers", timeout: "2h" } } },
    { id: "h-escalate" },
  );
  for (const run of [returns, fails, escalates]) await openTask(engine, run.id);
  assert.equal((await engine.humanTasks.get("h-escalate:0"))?.remindAt?.getTime(), clock.now() + 1_800_000);
  await clock.advance("30m");
  await eventually(async () => (await engine.getHistory("h-escalate")).some((e) => e.type === "human_task.reminded"));
  await clock.advance("31m");
  assert.equal(await returns.result(), undefined);
  const failure = await refusal(fails.result());
  assert.equal(failure.code, "RUN_FAILED");
  const failed = (await engine.getHistory(fails.id)).find((e) => e.type === "human_task.timed_out");
  assert.equal(failed?.error?.code, "HUMAN_TASK_TIMEOUT");
  assert.equal((await engine.humanTasks.get("h-fail:0"))?.status, "timed_out");
  const reassigned = await eventually(async () => {
    const task = await engine.humanTasks.get("h-escalate:0");
    return task?.role === "managers" ? task : undefined;
  });
  assert.deepEqual(
    [reassigned.reassigned, reassigned.status, reassigned.dueAt?.getTime()],
    [true, "open", start + 3_600_000 + 7_200_000],
  );
  assert.deepEqual(
    (await engine.humanTasks.list({ role: "managers" })).humanTasks.map((t) => t.id),
    ["h-escalate:0"],
  );
  await clock.advance("2h");
  assert.equal(await escalates.result(), undefined, "the reassigned task times out as `then` says (return)");
  assert.deepEqual(
    (await engine.getHistory(escalates.id)).map((e) => e.type).filter((t) => t.startsWith("human_task")),
    ["human_task.created", "human_task.reminded", "human_task.reassigned", "human_task.timed_out"],
  );
});

test("the inbox lists open human tasks across runs, oldest first, by assignee or role, in pages", async () => {
  const clock = createTestClock();
  await using engine = await startEngine([ask], { clock });
  for (const [id, who] of [
    ["i-1", { role: "finance" }],
    ["i-2", { assignee: "ada", noRole: true }],
    ["i-3", { role: "finance" }],
  ] as const) {
    await engine.startRun(ask, who, { id });
    await openTask(engine, id);
    await clock.advance("1s");
  }
  const ids = (page: { humanTasks: HumanTask[] }) => page.humanTasks.map((task) => task.id);
  assert.deepEqual(ids(await engine.humanTasks.list()), ["i-1:0", "i-2:0", "i-3:0"]);
  assert.deepEqual(ids(await engine.humanTasks.list({ role: "finance" })), ["i-1:0", "i-3:0"]);
  assert.deepEqual(ids(await engine.humanTasks.list({ assignee: "ada" })), ["i-2:0"]);
  const first = await engine.humanTasks.list({ limit: 2 });
  assert.deepEqual(ids(first), ["i-1:0", "i-2:0"]);
  assert.deepEqual(ids(await engine.humanTasks.list({ limit: 2, cursor: first.nextCursor })), ["i-3:0"]);
  await engine.humanTasks.complete("i-2:0", { by: "ada", data: { approved: true } });
  assert.deepEqual(ids(await engine.humanTasks.list()), ["i-1:0", "i-3:0"]);
  assert.deepEqual(ids(await engine.humanTasks.list({ status: "completed" })), ["i-2:0"]);
  assert.equal((await refusal(engine.humanTasks.list({ status: "done" as never }))).code, "INVALID_STATUS");
  assert.equal((await refusal(engine.humanTasks.list({ cursor: "nope" }))).code, "INVALID_CURSOR");
});

test("a cancelled run cancels its human task; an answer given while no engine holds the run reaches it later", async () => {
  const store = tempStore();
  const first = await startEngine([ask], { store });
  const cancelled = await first.startRun(ask, undefined, { id: "h-c" });
  const later = await first.startRun(ask, undefined, { id: "h-l" });
  await openTask(first, cancelled.id);
  await openTask(first, later.id);
  await first.cancel(cancelled.id);
  await statusOf(first, cancelled.id, "cancelled");
  assert.equal((await first.humanTasks.get("h-c:0"))?.status, "cancelled");
  assert.equal(
    (await refusal(first.humanTasks.complete("h-c:0", { by: "ada", data: { approved: true } }))).code,
    "HUMAN_TASK_CLOSED",
  );
  await first[Symbol.asyncDispose]();
  await using api = await startEngine([], { store, start: false });
  await api.humanTasks.complete("h-l:0", { by: "ada", data: { approved: false } });
  await using again = await startEngine([ask], { store });
  assert.deepEqual(((await again.handle(later.id).result()) as { data: unknown }).data, { approved: false });
});

test("bad human task calls and answers are refused with an error naming the problem", async () => {
  const wf = defineWorkflow("bad-human", async (ctx, options: HumanTaskOptions) => {
    try {
      await ctx.humanTask("x", options);
    } catch (error) {
      return (error as BatonError).message;
    }
  });
  await using engine = await startEngine([wf, ask]);
  const message = async (options: unknown) => (await engine.startRun(wf, options as HumanTaskOptions)).result();
  assert.match(String(await message({})), /invalid title undefined of human task "x"/);
  assert.match(
    String(await message({ title: "t", onTimeout: "fail" })),
    /invalid onTimeout of human task "x": it needs a timeout/,
  );
  assert.match(String(await message({ title: "t", form: [] })), /invalid form of human task "x"/);
  assert.match(String(await message({ title: "t", role: "" })), /invalid role "" of human task "x"/);
  const run = await engine.startRun(ask, undefined, { id: "h-bad" });
  const task = await openTask(engine, run.id);
  assert.equal((await refusal(engine.humanTasks.complete(task.id, { by: "" }))).code, "INVALID_ANSWER");
  assert.equal((await refusal(engine.humanTasks.complete("h-bad:9", { by: "ada" }))).code, "HUMAN_TASK_NOT_FOUND");
  assert.equal((await refusal(engine.humanTasks.get("no-position"))).code, "INVALID_TASK_ID");
});

import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { createTestClock, type DefinitionDocument, defineTask, defineWorkflow, type Engine } from "baton";
import { eventually, startEngine, statusOf } from "../helpers.js";

/** Deploys `document` and runs it with `input`; gives the run's handle. */
async function runDefinition(engine: Engine, document: DefinitionDocument, input: unknown = {}, id?: string) {
  await engine.definitions.deploy(document as unknown as Record<string, unknown>);
  return engine.startRun(document.name, input, id ? { id } : {});
}

const calls: string[] = [];
const record = defineTask("record", (input: { what: string }) => {
  calls.push(input.what);
  return { did: input.what };
});
let flaky = 0;
const flakyTask = defineTask("flaky", () => {
  flaky++;
  if (flaky < 3) throw new Error(`attempt ${flaky} failed`);
  return "steady";
});
let inFlight = 0;
let mostInFlight = 0;
const slow = defineTask("slow", async (input: { what: string }) => {
  mostInFlight = Math.max(mostInFlight, ++inFlight);
  await new Promise((resolve) => setImmediate(resolve));
  inFlight--;
  return { did: input.what };
});
const tasks = [record, flakyTask, slow];

test("task: handlers retry per the node's policy; a failure later undoes finished nodes in reverse", async () => {
  await using engine = await startEngine([], { tasks });
  const retried = await runDefinition(engine, {
    name: "retried",
    steps: [{ id: "f", task: { name: "flaky", retry: { maxAttempts: 3, initialInterval: 1 } } }],
  });
  assert.equal(await retried.result(), "steady");
  assert.equal((await engine.getRun(retried.id)).steps[0]?.attempts.length, 3);
  calls.length = 0;
  const saga = await runDefinition(
    engine,
    {
      name: "saga",
      steps: [
        {
          id: "reserve",
          task: {
            name: "record",
            input: { what: "reserve" },
            compensate: { task: { name: "record", input: { what: "{% 'release ' & $result.did %}" } } },
          },
        },
        {
          id: "charge",
          task: {
            name: "record",
            input: { what: "charge" },
            compensate: { task: { name: "record", input: { what: "refund" } } },
          },
        },
        { id: "stop", fail: { error: "{% 'out of stock: ' & $input.sku %}", code: "OUT_OF_STOCK" } },
      ],
    },
    { sku: "s-1" },
  );
  await statusOf(engine, saga.id, "compensated");
  assert.deepEqual(calls, ["reserve", "charge", "refund", "release reserve"]);
  const run = await engine.getRun(saga.id);
  assert.deepEqual([run.error?.code, run.error?.message], ["OUT_OF_STOCK", "out of stock: s-1"]);
});

test("task with a queue: a remote task done by a task worker", async () => {
  await using engine = await startEngine([]);
  const run = await runDefinition(
    engine,
    {
      name: "remote",
      steps: [{ id: "resize", task: { name: "resize-image", queue: "media", input: { url: "{% $input.url %}" } } }],
    },
    { url: "a.png" },
  );
  const [task] = await engine.tasks.poll({ workerId: "w", queues: ["media"], waitMs: 5000 });
  assert.deepEqual([task?.name, task?.input], ["resize-image", { url: "a.png" }]);
  await engine.tasks.complete(task?.token ?? "", { thumb: "a-small.png" });
  assert.deepEqual(await run.result(), { thumb: "a-small.png" });
});

test("http: a request with a secret in a header; the secret is in no history", async () => {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ path: req.url, auth: req.headers.authorization === "Bearer s3cret" }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  try {
    await using engine = await startEngine([], {
      secrets: { API_KEY: "s3cret" },
      http: { allowedHosts: ["127.0.0.1"] },
    });
    const run = await runDefinition(
      engine,
      {
        name: "caller",
        steps: [
          {
            id: "call",
            http: {
              method: "POST",
              url: `{% 'http://127.0.0.1:${port}/orders/' & $input.id %}`,
              headers: { authorization: "{% 'Bearer ' & $secrets.API_KEY %}" },
              body: { id: "{% $input.id %}" },
            },
          },
        ],
        output: "{% $steps.call.body %}",
      },
      { id: "o-7" },
    );
    assert.deepEqual(await run.result(), { path: "/orders/o-7", auth: true });
    assert.equal(seen.length, 1);
    const history = JSON.stringify(await engine.getHistory(run.id));
    assert.ok(!history.includes("s3cret"), "the secret is not recorded");
    const refused = await runDefinition(engine, {
      name: "metadata",
      steps: [{ id: "steal", http: { url: "http://169.254.169.254/latest/meta-data/", retry: { maxAttempts: 1 } } }],
    });
    await statusOf(engine, refused.id, "failed");
    assert.match(JSON.stringify((await engine.getRun(refused.id)).steps[0]?.error), /169\.254\.169\.254/);
  } finally {
    server.close();
  }
});

test("wait: a signal, an event with a match, a duration and a time", async () => {
  const clock = createTestClock();
  await using engine = await startEngine([], { clock });
  const run = await runDefinition(
    engine,
    {
      name: "waits",
      steps: [
        { id: "go", wait: { signal: "go" } },
        { id: "paid", wait: { event: "payment.settled", match: { orderId: "{% $input.orderId %}" } } },
        { id: "nap", wait: { duration: "1h" } },
        { id: "until", wait: { until: "{% $fromMillis($millis() + 60000) %}" } },
        { id: "late", wait: { signal: "never", timeout: "1d" } },
      ],
      output: { go: "{% $steps.go %}", paid: "{% $steps.paid.amount %}", late: "{% $steps.late %}" },
    },
    { orderId: "o-1" },
  );
  await statusOf(engine, run.id, "waiting");
  await engine.signal(run.id, "go", { fast: true });
  await eventually(
    async () =>
      (await engine.listSignalWaits({})).waits.length === 0 && (await engine.getRun(run.id)).steps.length >= 2,
  );
  await engine.sendEvent("payment.settled", { orderId: "o-2", amount: 1 });
  await engine.sendEvent("payment.settled", { orderId: "o-1", amount: 5 });
  await eventually(async () => (await engine.getRun(run.id)).steps.some((s) => s.kind === "timer"));
  await clock.advance(60 * 60_000);
  await eventually(async () => (await engine.getRun(run.id)).steps.filter((s) => s.kind === "timer").length === 2);
  await clock.advance(60_000);
  await eventually(async () => (await engine.getRun(run.id)).steps.length === 5);
  await clock.advance(24 * 60 * 60_000);
  assert.deepEqual(await run.result(), { go: { fast: true }, paid: 5, late: null });
});

test("approval: a human task whose answer the next nodes read", async () => {
  await using engine = await startEngine([]);
  const run = await runDefinition(
    engine,
    {
      name: "refund",
      steps: [
        {
          id: "ask",
          approval: {
            title: "{% 'Refund ' & $string($input.amount) & ' EUR?' %}",
            role: "finance",
            form: { type: "object", properties: { approved: { type: "boolean" } }, required: ["approved"] },
          },
        },
        {
          id: "decide",
          switch: {
            cases: [
              { when: "{% $steps.ask.data.approved %}", steps: [{ id: "yes", succeed: { output: "refunded" } }] },
            ],
            default: [{ id: "no", succeed: { output: "kept" } }],
          },
        },
      ],
    },
    { amount: 20 },
  );
  const task = await eventually(async () => (await engine.humanTasks.list({ runId: run.id })).humanTasks[0]);
  assert.deepEqual([task.name, task.title, task.role], ["ask", "Refund 20 EUR?", "finance"]);
  await engine.humanTasks.complete(task.id, { by: "ada", data: { approved: true } });
  assert.equal(await run.result(), "refunded");
});

test("parallel, forEach and if: branches join, items run within the limit, the output lists them", async () => {
  await using engine = await startEngine([], { tasks });
  const run = await runDefinition(
    engine,
    {
      name: "fan",
      steps: [
        {
          id: "both",
          parallel: {
            branches: [
              [{ id: "left", task: { name: "record", input: { what: "left" } } }],
              [{ id: "right", task: { name: "record", input: { what: "right" } } }],
            ],
          },
        },
        {
          id: "each",
          forEach: {
            items: "{% $input.items %}",
            concurrency: 2,
            steps: [
              { id: "one", task: { name: "slow", input: { what: "{% 'item ' & $item %}" } } },
              {
                id: "size",
                if: {
                  condition: "{% $index = 0 %}",
                  // biome-ignore lint/suspicious/noThenProperty: the if node's branch is named "then"
                  then: [{ id: "first", task: { name: "record", input: { what: "first" } } }],
                  else: [],
                },
              },
            ],
          },
        },
      ],
      output: { left: "{% $steps.left.did %}", both: "{% $steps.both %}", each: "{% $steps.each %}" },
    },
    { items: ["a", "b", "c", "d", "e"] },
  );
  const output = (await run.result()) as { left: string; both: unknown[]; each: unknown };
  assert.equal(output.left, "left");
  assert.deepEqual(output.both, [{ did: "left" }, { did: "right" }]);
  assert.deepEqual(output.each, [{ did: "first" }, null, null, null, null], "each item's output is its last node's");
  assert.ok(mostInFlight <= 2, `at most 2 items at once (saw ${mostInFlight})`);
});

test("forEach: each item's output in order; child: a code workflow and a definition as children", async () => {
  const shout = defineWorkflow("shout", async (_ctx, input: { text: string }) => input.text.toUpperCase());
  await using engine = await startEngine([shout], { tasks });
  await engine.definitions.deploy({
    name: "inner",
    steps: [{ id: "r", task: { name: "record", input: { what: "{% $input.w %}" } } }],
  });
  const run = await runDefinition(engine, {
    name: "outer",
    steps: [
      {
        id: "each",
        forEach: {
          items: [1, 2, 3],
          concurrency: 3,
          steps: [{ id: "sq", task: { name: "record", input: { what: "{% $string($item * $item) %}" } } }],
        },
      },
      { id: "loud", child: { workflow: "shout", input: { text: "hi" } } },
      { id: "nested", child: { workflow: "inner", input: { w: "deep" } } },
    ],
    output: { each: "{% $steps.each.did %}", loud: "{% $steps.loud %}", nested: "{% $steps.nested %}" },
  });
  assert.deepEqual(await run.result(), { each: ["1", "4", "9"], loud: "HI", nested: { did: "deep" } });
  const children = (await engine.getRun(run.id)).children.map((c) => c.workflow).sort();
  assert.deepEqual(children, ["inner", "shout"]);
});

test("a failed node resumes: the run goes on from it, finished nodes are not run again", async () => {
  let fail = true;
  const gate = defineTask("gate", () => {
    if (fail) throw new Error("gate closed");
    return "open";
  });
  await using engine = await startEngine([], { tasks: [record, gate] });
  calls.length = 0;
  const run = await runDefinition(engine, {
    name: "resumable",
    steps: [
      { id: "before", task: { name: "record", input: { what: "before" } } },
      { id: "gate", task: { name: "gate", retry: { maxAttempts: 1 } } },
    ],
  });
  await statusOf(engine, run.id, "failed");
  fail = false;
  await engine.resume(run.id);
  assert.equal(await engine.handle(run.id).result(), "open");
  assert.deepEqual(calls, ["before"], "the finished node ran once");
});

test("cancel undoes finished nodes; fork starts a new run from a node, reusing what came before", async () => {
  await using engine = await startEngine([], { tasks });
  calls.length = 0;
  const document: DefinitionDocument = {
    name: "cancellable",
    steps: [
      {
        id: "reserve",
        task: {
          name: "record",
          input: { what: "reserve" },
          compensate: { task: { name: "record", input: { what: "release" } } },
        },
      },
      { id: "wait", wait: { signal: "go" } },
      { id: "after", task: { name: "record", input: { what: "{% 'after ' & $string($steps.wait) %}" } } },
    ],
  };
  const run = await runDefinition(engine, document, {}, "c-1");
  await statusOf(engine, run.id, "waiting");
  await engine.cancel(run.id);
  await statusOf(engine, run.id, "cancelled");
  assert.deepEqual(calls, ["reserve", "release"]);
  const fork = await engine.fork(run.id, { fromStep: 1, id: "c-2" });
  await statusOf(engine, fork.id, "waiting");
  await engine.signal(fork.id, "go", 7);
  assert.deepEqual(await fork.result(), { did: "after 7" });
  assert.deepEqual(calls, ["reserve", "release", "after 7"], "the fork reuses reserve's result");
  assert.deepEqual(
    [(await engine.getRun(fork.id)).workflow, (await engine.getRun(fork.id)).version],
    ["cancellable", "1"],
  );
});

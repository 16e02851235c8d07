import assert from "node:assert/strict";
import { test } from "node:test";
import { type BatonError, type DefinitionError, defineTask, defineWorkflow } from "baton";
import { eventually, startEngine, statusOf, tempStore } from "../helpers.js";

/** The code (and issues) of the error `promise` rejects with. */
async function refusal(
  promise: Promise<unknown>,
): Promise<{ code?: string; issues?: { path: string }[]; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as DefinitionError & BatonError;
    return { code: e.code, issues: e.issues, message: e.message };
  }
  assert.fail("expected a rejection");
}

const double = defineTask("double", (input: { n: number }) => ({ n: input.n * 2 }));

const pipeline = `
name: pipeline
description: doubles a number, then says whether it is big
input:
  type: object
  properties: { n: { type: number } }
  required: [n]
steps:
  - id: twice
    task: { name: double, input: { n: "{% $input.n %}" } }
  - id: check
    if:
      condition: "{% $steps.twice.n > 10 %}"
      then:
        - id: big
          succeed: { output: "{% 'big ' & $string($steps.twice.n) %}" }
      else:
        - id: small
          succeed: { output: small }
`;

test("a definition deployed as YAML runs on the engine, with the same history as code", async () => {
  await using engine = await startEngine([], { tasks: [double] });
  const { definition, outcome } = await engine.definitions.deploy(pipeline);
  assert.deepEqual([definition.name, definition.version, outcome], ["pipeline", "1", "created"]);
  assert.equal(definition.source, pipeline);
  const big = await engine.startRun("pipeline", { n: 6 }, { id: "p-big" });
  assert.equal(await big.result(), "big 12");
  const small = await engine.startRun("pipeline", { n: 2 }, { id: "p-small" });
  assert.equal(await small.result(), "small");
  const run = await engine.getRun("p-big");
  assert.deepEqual([run.workflow, run.version], ["pipeline", "1"]);
  assert.deepEqual(
    run.steps.map((s) => [s.kind, s.name, s.status, s.output]),
    [["step", "twice", "completed", { n: 12 }]],
  );
  const input = await refusal(engine.startRun("pipeline", { n: "six" }));
  assert.equal(input.code, "INVALID_INPUT", "the input is checked against the definition's input schema");
});

test("versions: the same content is the same version, a used version never changes, runs keep theirs", async () => {
  await using engine = await startEngine([], { tasks: [double] });
  const doc = (wait: string) => ({
    name: "versions",
    steps: [
      { id: "pause", wait: { signal: "go" } },
      { id: "done", succeed: { output: wait } },
    ],
  });
  const first = await engine.definitions.deploy(doc("first"));
  assert.equal(first.definition.version, "1");
  assert.equal((await engine.definitions.deploy(doc("first"))).outcome, "unchanged");
  const run = await engine.startRun("versions", {}, { id: "v-1" });
  await statusOf(engine, run.id, "waiting");
  const second = await engine.definitions.deploy(doc("second"));
  assert.deepEqual([second.definition.version, second.outcome], ["2", "created"]);
  await engine.signal(run.id, "go", true);
  assert.equal(await run.result(), "first", "the run finishes on the version it started on");
  const later = await engine.startRun("versions", {}, { id: "v-2" });
  await statusOf(engine, later.id, "waiting");
  await engine.signal(later.id, "go", true);
  assert.equal(await later.result(), "second", "a new run takes the newest version");
  const used = await refusal(engine.definitions.deploy({ ...doc("third"), version: "1" }));
  assert.equal(used.code, "DEFINITION_IMMUTABLE");
  assert.equal((await engine.definitions.get("versions", "1")).document.steps.length, 2);
  const explicit = await engine.definitions.deploy({ ...doc("x"), version: "2026-12-a" });
  assert.equal(explicit.definition.version, "2026-12-a");
  const unused = await engine.definitions.deploy({ ...doc("y"), version: "2026-12-a" });
  assert.equal(unused.outcome, "replaced", "a version no run used yet may still change");
  assert.equal((await engine.definitions.deploy(doc("z"))).definition.version, "3", "numbers go on after the highest");
  assert.deepEqual(
    (await engine.definitions.versions("versions")).map((v) => v.version),
    ["3", "2026-12-a", "2", "1"],
  );
  const [summary] = await engine.definitions.list();
  assert.deepEqual([summary?.name, summary?.latestVersion, summary?.versions], ["versions", "3", 4]);
  assert.equal((await refusal(engine.definitions.get("nope"))).code, "DEFINITION_NOT_FOUND");
});

test("a bad definition is refused with every error at once, each with its path, and nothing is stored", async () => {
  await using engine = await startEngine([]);
  const bad = await refusal(
    engine.definitions.deploy({
      name: "bad",
      steps: [
        { id: "a", http: { url: 42 } },
        { id: "a", wait: { signal: "x", duration: "1h" } },
        { id: "c", task: { name: "t", input: "{% $secrets.KEY %}" } },
        // biome-ignore lint/suspicious/noThenProperty: the if node's branch is named "then"
        { id: "d", if: { condition: "{% $input. %}", then: [{ id: "e", fial: {} }] } },
        { id: "f", forEach: { items: [1], steps: [{ id: "g", wait: { duration: "soon" } }] } },
      ],
    }),
  );
  assert.equal(bad.code, "INVALID_DEFINITION");
  const paths = (bad.issues ?? []).map((issue) => issue.path);
  for (const path of [
    "steps[0].http.url",
    "steps[1].id",
    "steps[1].wait",
    "steps[2].task.input",
    "steps[3].if.condition",
    "steps[3].if.then[0].fial",
    "steps[4].forEach.steps[0].wait.duration",
  ]) {
    assert.ok(paths.includes(path), `${path} is reported (got ${paths.join(", ")})`);
  }
  assert.match(bad.message, /steps\[0\]\.http\.url: /);
  assert.deepEqual(await engine.definitions.list(), [], "nothing is stored");
  const yaml = await refusal(engine.definitions.deploy("name: x\nsteps:\n  - id: a\n   wait: {}"));
  assert.equal(yaml.code, "INVALID_DEFINITION");
  assert.match(yaml.message, /line \d+, column \d+/);
});

test("a definition cannot take the name of a code workflow of the engine", async () => {
  const code = defineWorkflow("taken", async () => 1);
  await using engine = await startEngine([code]);
  const clash = await refusal(engine.definitions.deploy({ name: "taken", steps: [{ id: "a", succeed: {} }] }));
  assert.equal(clash.code, "DEFINITION_CONFLICT");
});

test("a run's graph says which nodes ran, which were skipped and which wait", async () => {
  await using engine = await startEngine([], { tasks: [double] });
  await engine.definitions.deploy({
    name: "graph",
    steps: [
      { id: "twice", task: { name: "double", input: { n: "{% $input.n %}" } } },
      {
        id: "choose",
        if: {
          condition: "{% $steps.twice.n > 10 %}",
          // biome-ignore lint/suspicious/noThenProperty: the if node's branch is named "then"
          then: [{ id: "approve", wait: { signal: "approve" } }],
          else: [{ id: "skip", succeed: {} }],
        },
      },
      { id: "after", task: { name: "double", input: { n: 1 } } },
    ],
  });
  const run = await engine.startRun("graph", { n: 6 }, { id: "g-1" });
  await statusOf(engine, run.id, "waiting");
  const waiting = await engine.definitions.graph(run.id);
  const statuses = () => Object.fromEntries(Object.entries(waiting.nodes).map(([id, node]) => [id, node.status]));
  assert.deepEqual(statuses(), {
    twice: "completed",
    choose: "waiting",
    approve: "waiting",
    skip: "skipped",
    after: "pending",
  });
  assert.deepEqual(waiting.nodes.twice?.positions, [0]);
  await engine.signal(run.id, "approve", true);
  await run.result();
  const done = await engine.definitions.graph(run.id);
  assert.deepEqual(Object.fromEntries(Object.entries(done.nodes).map(([id, node]) => [id, node.status])), {
    twice: "completed",
    choose: "completed",
    approve: "completed",
    skip: "skipped",
    after: "completed",
  });
  const code = defineWorkflow("plain", async () => 1);
  await using other = await startEngine([code]);
  const plain = await other.startRun(code, undefined);
  await plain.result();
  assert.equal((await refusal(other.definitions.graph(plain.id))).code, "NOT_A_DEFINITION_RUN");
});

test("a definition deployed by another engine of the store is run by this one", async () => {
  const store = tempStore();
  await using runner = await startEngine([], { tasks: [double], store });
  await using deployer = await startEngine([], { store, start: false });
  await deployer.definitions.deploy({
    name: "elsewhere",
    steps: [{ id: "twice", task: { name: "double", input: { n: 4 } } }],
  });
  const run = await deployer.startRun("elsewhere", {}, { id: "e-1" });
  const done = await eventually(async () => {
    const found = await runner.getRun(run.id);
    return found.status === "completed" ? found : undefined;
  });
  assert.deepEqual(done.output, { n: 8 });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { eventually, historyOfRun, rawSql, tempStore } from "../../baton/test/helpers.js";
import { startApi } from "./api-helpers.js";

type Json = Record<string, unknown> & { error?: { code: string; message: string; issues?: unknown[] } };
const json = async (response: Response) => (await response.json()) as Json;

test("start a run: 201 when created, 200 for the same id and input, 409 for another input", async () => {
  await using api = await startApi();
  const body = { workflow: "greet", input: { name: "Ada" }, id: "greet-1" };
  const first = await api.call("/api/runs", { json: body });
  assert.equal(first.status, 201);
  const created = await json(first);
  assert.equal(created.created, true);
  assert.equal((created.run as Json).id, "greet-1");
  assert.equal((created.run as Json).workflow, "greet");

  const again = await api.call("/api/runs", { json: body });
  assert.equal(again.status, 200);
  assert.equal((await json(again)).created, false);

  const other = await api.call("/api/runs", { json: { ...body, input: { name: "Bob" } } });
  assert.equal(other.status, 409);
  assert.equal((await json(other)).error?.code, "RUN_CONFLICT");
  assert.equal(await api.engine.handle("greet-1").result(), "Hello, Ada");
});

test("start a run: unknown workflow 404; input refused by the workflow's schema 400 naming the field", async () => {
  await using api = await startApi();
  const unknown = await api.call("/api/runs", { json: { workflow: "nope", input: {} } });
  assert.equal(unknown.status, 404);
  assert.match((await json(unknown)).error?.message ?? "", /unknown workflow "nope"/);

  const invalid = await api.call("/api/runs", { json: { workflow: "typed", input: { count: "three" } } });
  assert.equal(invalid.status, 400);
  const error = (await json(invalid)).error;
  assert.equal(error?.code, "INVALID_INPUT");
  assert.match(error?.message ?? "", /count/);
  assert.deepEqual(
    (error?.issues as { path: string }[] | undefined)?.map((i) => i.path),
    ["count"],
  );

  const ok = await api.call("/api/runs", { json: { workflow: "typed", input: { count: 3 }, id: "typed-1" } });
  assert.equal(ok.status, 201);
  assert.equal(await api.engine.handle("typed-1").result(), 6);
});

test("get a run with its steps, read its history, list runs with filters and a cursor", async () => {
  await using api = await startApi();
  for (let i = 0; i < 5; i++) {
    await api.call("/api/runs", { json: { workflow: "greet", input: { name: `n${i}` }, id: `g-${i}` } });
  }
  await api.call("/api/runs", { json: { workflow: "approval", input: { item: "desk" }, id: "a-1" } });
  for (let i = 0; i < 5; i++) await api.engine.handle(`g-${i}`).result();

  const run = await json(await api.call("/api/runs/g-0"));
  assert.equal(run.status, "completed");
  assert.equal(run.output, "Hello, n0");
  assert.deepEqual(run.input, { name: "n0" });
  const [step] = run.steps as Json[];
  assert.equal(step?.name, "compose");
  assert.equal((step?.attempts as Json[] | undefined)?.length, 1);
  assert.match(String(run.createdAt), /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual([run.children, run.childCount], [[], 0]);

  const history = await json(await api.call("/api/runs/g-0/history"));
  assert.deepEqual(
    (history.events as Json[]).map((e) => e.type),
    ["run.started", "step.started", "step.completed", "run.completed"],
  );

  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await json(
      await api.call(
        `/api/runs?workflow=greet&status=completed&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      ),
    );
    ids.push(...(page.runs as Json[]).map((r) => String(r.id)));
    cursor = page.nextCursor as string | undefined;
  } while (cursor);
  assert.deepEqual(ids, ["g-4", "g-3", "g-2", "g-1", "g-0"]);

  const waiting = await json(await api.call("/api/runs?status=waiting,pending,running"));
  assert.deepEqual(
    (waiting.runs as Json[]).map((r) => r.id),
    ["a-1"],
  );
  const future = new Date(Date.now() + 3_600_000).toISOString();
  const none = await json(await api.call(`/api/runs?createdAfter=${encodeURIComponent(future)}`));
  assert.deepEqual(none.runs, []);

  const missing = await api.call("/api/runs/no-such-run");
  assert.equal(missing.status, 404);
  assert.equal((await json(missing)).error?.code, "RUN_NOT_FOUND");
  assert.equal((await api.call("/api/runs/no-such-run/history")).status, 404);
});

test("signal a waiting run; a finished run refuses signals and cancel with 409", async () => {
  await using api = await startApi();
  await api.call("/api/runs", { json: { workflow: "approval", input: { item: "chair" }, id: "a-2" } });
  await eventually(async () => (await json(await api.call("/api/runs/a-2"))).status === "waiting");
  const sent = await api.call("/api/runs/a-2/signals", { json: { name: "approve", payload: true } });
  assert.equal(sent.status, 202);
  assert.deepEqual(await json(sent), { runId: "a-2", name: "approve" });
  assert.equal(await api.engine.handle("a-2").result(), "chair approved");

  const late = await api.call("/api/runs/a-2/signals", { json: { name: "approve", payload: false } });
  assert.equal(late.status, 409);
  assert.equal((await json(late)).error?.code, "RUN_FINISHED");
  assert.equal((await api.call("/api/runs/a-2/cancel", { json: {} })).status, 409);
  assert.equal((await api.call("/api/runs/nope/signals", { json: { name: "approve" } })).status, 404);
});

test("cancel a waiting run; resume a failed run; fork a run from a step", async () => {
  await using api = await startApi();
  await api.call("/api/runs", { json: { workflow: "approval", input: { item: "lamp" }, id: "a-3" } });
  await eventually(async () => (await json(await api.call("/api/runs/a-3"))).status === "waiting");
  const cancelled = await api.call("/api/runs/a-3/cancel", { json: {} });
  assert.equal(cancelled.status, 202);
  await eventually(async () => (await json(await api.call("/api/runs/a-3"))).status === "cancelled");

  await api.call("/api/runs", { json: { workflow: "flaky", input: {}, id: "f-1" } });
  await eventually(async () => (await json(await api.call("/api/runs/f-1"))).status === "failed");
  const notFailed = await api.call("/api/runs/a-3/resume", { method: "POST", json: {} });
  assert.equal(notFailed.status, 409);
  assert.equal((await json(notFailed)).error?.code, "RUN_NOT_FAILED");
  const resumed = await api.call("/api/runs/f-1/resume", { json: {} });
  assert.equal(resumed.status, 202);
  assert.equal(await api.engine.handle("f-1").result(), 2);

  const forked = await api.call("/api/runs/f-1/fork", { json: { fromStep: "second", id: "f-1-fork" } });
  assert.equal(forked.status, 201);
  assert.equal(((await json(forked)).run as Json).id, "f-1-fork");
  assert.equal(await api.engine.handle("f-1-fork").result(), 2);
  const badStep = await api.call("/api/runs/f-1/fork", { json: { fromStep: "nope" } });
  assert.equal(badStep.status, 400);
  assert.equal((await json(badStep)).error?.code, "INVALID_STEP");
  const taken = await api.call("/api/runs/f-1/fork", { json: { fromStep: 0, id: "f-1-fork" } });
  assert.equal(taken.status, 409);
});

test("watch streams the run's summary at every change and closes when the run ends", async () => {
  await using api = await startApi();
  await api.call("/api/runs", { json: { workflow: "approval", input: { item: "pen" }, id: "a-4" } });
  const response = await api.call("/api/runs/a-4/watch");
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
  const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const statuses = () =>
    [...text.matchAll(/^event: run\ndata: (.*)$/gm)].map((m) => (JSON.parse(m[1] as string) as Json).status);
  const readUntil = async (done: () => boolean) => {
    while (!done()) {
      const chunk = await reader.read();
      if (chunk.done) return;
      text += chunk.value;
    }
  };
  await readUntil(() => statuses().includes("waiting"));
  await api.engine.signal("a-4", "approve", true);
  await readUntil(() => false);
  const seen = statuses();
  assert.equal(seen.at(-1), "completed", `statuses seen: ${seen.join(", ")}`);
  assert.ok(seen.indexOf("waiting") < seen.indexOf("completed"));
  assert.equal((await api.call("/api/runs/nope/watch")).status, 404);
});

test("workflows lists those with code and those with runs only, with counts by status", async () => {
  await using api = await startApi();
  await (await api.engine.startRun("greet", { name: "a" })).result();
  await (await api.engine.startRun("greet", { name: "b" })).result();
  await api.engine.store.createRun(
    { id: "legacy-1", workflow: "legacy", version: "3", input: null, history: [{ type: "run.started", at: 1 }] },
    1,
  );
  const { workflows } = await json(await api.call("/api/workflows"));
  const list = workflows as Json[];
  assert.deepEqual(
    list.map((w) => `${w.name}@${w.version}:${w.registered}`),
    ["approval@1:true", "flaky@1:true", "greet@1:true", "legacy@3:false", "typed@1:true"],
  );
  const greet = list.find((w) => w.name === "greet");
  assert.deepEqual(greet?.counts, { completed: 2 });
  assert.deepEqual(greet?.versions, [{ version: "1", counts: { completed: 2 } }]);
  assert.equal(list.find((w) => w.name === "typed")?.validatesInput, true);
  assert.deepEqual(list.find((w) => w.name === "legacy")?.counts, { pending: 1 });
});

test("runs can be found by a part of their id; whoami tells the caller's role", async () => {
  await using api = await startApi();
  for (const id of ["order-17", "ORDER-170", "refund-17"]) {
    await api.call("/api/runs", { json: { workflow: "greet", input: { name: id }, id } });
  }
  const found = await json(await api.call("/api/runs?idContains=order-17"));
  assert.deepEqual((found.runs as Json[]).map((r) => r.id).sort(), ["ORDER-170", "order-17"]);
  assert.deepEqual(await json(await api.call("/api/whoami")), { role: "operator", name: "operator", auth: true });
  assert.deepEqual(await json(await api.call("/api/whoami", { token: "read-token-0123456789" })), {
    role: "reader",
    name: "reader",
    auth: true,
  });
});

test("health and ready answer without a token", async () => {
  await using api = await startApi();
  assert.deepEqual(await json(await api.call("/api/health", { token: null })), { status: "ok" });
  assert.deepEqual(await json(await api.call("/api/ready", { token: null })), { status: "ready" });
});

test("a run whose stored rows are not JSON: 500 with UNREADABLE_RUN naming it, and the others still read", async () => {
  const store = tempStore();
  const logged: string[] = [];
  await using api = await startApi({ store, logError: (message) => logged.push(message) });
  for (const id of ["intact", "damaged"]) {
    await api.call("/api/runs", { json: { workflow: "greet", input: { name: id }, id } });
    await api.engine.handle(id).result();
  }
  // A value that is not JSON, as no engine writes it (a hand edit, a bad restore).
  await rawSql(
    store,
    `UPDATE history SET data = '{not json' WHERE ${historyOfRun(store, "damaged")} AND type = 'step.completed'`,
  );
  const damaged = await api.call("/api/runs/damaged");
  assert.equal(damaged.status, 500);
  const error = (await json(damaged)).error;
  assert.equal(error?.code, "UNREADABLE_RUN");
  assert.match(error?.message ?? "", /^run "damaged" cannot be read from the store: /);
  assert.equal(logged.length, 1);
  assert.equal((await api.call("/api/runs/intact")).status, 200);
  assert.equal((await api.call("/api/runs?workflow=greet")).status, 200);
});

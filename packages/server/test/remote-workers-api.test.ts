import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine, defineWorkflow } from "baton";
import { z } from "zod";
import { startEngine, statusOf, tempStore } from "../../baton/test/helpers.js";
import { createApp } from "../src/index.js";

const token = "op-token-0123456789";

/** An API with no workflow code over the store at `store`, in front of the workers that serve it. */
function remoteApi(store: string) {
  const engine = createEngine({ store, pollInterval: 20, logger: { warn: () => {} } });
  const app = createApp({
    engine,
    watchIntervalMs: 20,
    tokens: [{ token, role: "operator" }],
    logger: { error: (message, error) => console.error(message, error) },
  });
  const post = async (path: string, body: unknown) => {
    const response = await app.request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { engine, post, [Symbol.asyncDispose]: () => engine[Symbol.asyncDispose]() };
}

test("an API without the code starts the workflows a worker subscribed, once per event id", async () => {
  const store = tempStore();
  const welcome = defineWorkflow("welcome", async (_ctx, input: { email: string }) => `hello ${input.email}`, {
    events: ["user.signed_up"],
  });
  await using worker = await startEngine([welcome], { store });
  await using api = remoteApi(store);
  const first = await api.post("/api/events", { name: "user.signed_up", payload: { email: "a@b.c" }, id: "e-1" });
  assert.equal(first.status, 202);
  assert.deepEqual(first.body, { id: "e-1", created: true, started: ["e-1:welcome"], delivered: [] });
  const again = await api.post("/api/events", { name: "user.signed_up", payload: { email: "x@y.z" }, id: "e-1" });
  assert.deepEqual(again.body, { id: "e-1", created: false, started: ["e-1:welcome"], delivered: [] });
  assert.equal(await worker.handle("e-1:welcome").result(), "hello a@b.c");

  const none = await api.post("/api/events", { name: "nobody.listens", id: "e-2" });
  assert.equal(none.status, 202);
  assert.deepEqual(none.body, {
    id: "e-2",
    created: true,
    started: [],
    delivered: [],
    reason: 'no workflow is subscribed to event "nobody.listens"',
  });
});

test("an API without the code refuses a signal payload with 400 naming the field, through the stored schema", async () => {
  const store = tempStore();
  const approval = defineWorkflow("approval", async (ctx) => ctx.waitForSignal<{ ok: boolean }>("approve"), {
    signals: { approve: z.object({ ok: z.boolean() }) },
  });
  await using worker = await startEngine([approval], { store });
  await using api = remoteApi(store);
  const run = await worker.startRun(approval, {}, { id: "a-1" });
  await statusOf(worker, run.id, "waiting");
  const refused = await api.post("/api/runs/a-1/signals", { name: "approve", payload: { ok: "yes" } });
  assert.equal(refused.status, 400);
  const error = refused.body.error as { code: string; message: string; issues: { path: string }[] };
  assert.equal(error.code, "INVALID_INPUT");
  assert.match(error.message, /^invalid payload of signal "approve": ok: /);
  assert.deepEqual(
    error.issues.map((issue) => issue.path),
    ["ok"],
  );
  const sent = await api.post("/api/runs/a-1/signals", { name: "approve", payload: { ok: true } });
  assert.equal(sent.status, 202);
  assert.deepEqual(await run.result(), { ok: true });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock } from "baton";
import { eventually, statusOf } from "../../baton/test/helpers.js";
import { readerToken, startApi } from "./api-helpers.js";

type Json = Record<string, unknown> & { error?: { code: string; message: string } };

test("flow control over HTTP: start options, the run's queue fields, and the queues as a reader sees them", async () => {
  const clock = createTestClock();
  await using api = await startApi({ clock, queues: { mail: { concurrency: 1, perKey: 1 } } });
  const start = async (body: Record<string, unknown>) => {
    const response = await api.call("/api/runs", { json: { workflow: "approval", input: { item: "x" }, ...body } });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const first = await start({ id: "m-1", queue: "mail", concurrencyKey: "c-1", priority: 2 });
  assert.equal(first.status, 201);
  assert.deepEqual(
    (({ queue, concurrencyKey, priority }) => ({ queue, concurrencyKey, priority }))(first.body.run as Json),
    { queue: "mail", concurrencyKey: "c-1", priority: 2 },
  );
  await statusOf(api.engine, "m-1", "waiting"); // it gave its slot up: m-2 can start
  await start({ id: "m-2", queue: "mail" });
  await statusOf(api.engine, "m-2", "waiting");
  const delayed = await start({ id: "later", delay: "1h" });
  assert.equal((delayed.body.run as Json).startAt, new Date(clock.now() + 3_600_000).toISOString());
  assert.equal((delayed.body.run as Json).status, "pending");

  const listed = async (query: string) => {
    const response = await api.call(`/api/runs?${query}`, { token: readerToken });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const ids = (page: { body: Json }) => (page.body.runs as Json[]).map((run) => run.id);
  assert.deepEqual(ids(await listed("queue=mail")), ["m-2", "m-1"]);
  assert.deepEqual(ids(await listed("queue=mail&status=waiting&limit=1")), ["m-2"]);
  assert.deepEqual(ids(await listed("queue=default")), ["later"]);
  assert.deepEqual(ids(await listed("queue=elsewhere")), []);
  const badQueue = await listed("queue=bad%20name");
  assert.equal(badQueue.status, 400);
  assert.equal(badQueue.body.error?.code, "INVALID_REQUEST");
  assert.match(JSON.stringify(badQueue.body.error), /queue/);

  // A waiting run's worker lets its slot go once the run's writes are committed, just after its status reads "waiting".
  const mail = await eventually(async () => {
    const queues = await api.call("/api/queues", { token: readerToken });
    assert.equal(queues.status, 200);
    const [queue] = ((await queues.json()) as { queues: Json[] }).queues;
    return queue?.running === 0 ? queue : undefined;
  });
  assert.deepEqual(
    (({ name, concurrency, perKey, holdWhileWaiting, pending, running }) => ({
      name,
      concurrency,
      perKey,
      holdWhileWaiting,
      pending,
      running,
    }))(mail as Json),
    { name: "mail", concurrency: 1, perKey: 1, holdWhileWaiting: false, pending: 0, running: 0 },
  );
});

test("bad start options are a 400 naming the value, and nothing is stored", async () => {
  await using api = await startApi({ queues: { mail: { concurrency: 1 } } });
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ queue: "nope" }, "UNKNOWN_QUEUE", /unknown queue "nope"/],
    [{ queue: "bad name" }, "INVALID_REQUEST", /queue/],
    [{ priority: 2_000_000 }, "INVALID_REQUEST", /priority/],
    [{ delay: "soon" }, "INVALID_REQUEST", /delay/],
    [{ startAt: "2026-04-31T00:00:00Z" }, "INVALID_REQUEST", /startAt/],
    [{ delay: "1m", startAt: "2026-01-01T00:00:00Z" }, "INVALID_START_OPTIONS", /startAt and delay are exclusive/],
    [{ id: "d", debounce: { key: "k", period: "1s" } }, "INVALID_START_OPTIONS", /debounce and id are exclusive/],
    [{ debounce: { key: "", period: "1s" } }, "INVALID_REQUEST", /debounce/],
  ];
  for (const [body, code, message] of cases) {
    const response = await api.call("/api/runs", { json: { workflow: "greet", input: { name: "A" }, ...body } });
    const json = (await response.json()) as Json;
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.equal(json.error?.code, code, JSON.stringify(json));
    assert.match(
      `${json.error?.message} ${JSON.stringify((json.error as { issues?: unknown }).issues ?? [])}`,
      message,
    );
  }
  assert.deepEqual((await api.engine.listRuns()).runs, []);
});

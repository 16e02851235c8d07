import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock, type Engine, historyEventTypes } from "baton";
import { eventually, historyOfRun, rawSql, tempStore } from "../../baton/test/helpers.js";
import { createApp } from "../src/index.js";
import { operatorToken, readerToken, startApi } from "./api-helpers.js";
import { conformanceWorkflows } from "./conformance-workflows.js";
import { sendBrokenDefinitionRequests, sendDefinitionRequests } from "./openapi-definition-requests.js";
import { sendHumanTaskRequests } from "./openapi-human-task-requests.js";
import { sendTaskRequests } from "./openapi-task-requests.js";
import { createResponseChecker, findOperation } from "./openapi-validator.js";

// biome-ignore lint/suspicious/noExplicitAny: a JSON document
type Doc = any;
type Init = { method?: string; json?: unknown; token?: string | null; headers?: Record<string, string>; body?: string };

/** Statuses a route declares that no request can produce (the handler cannot fail that way). */
const unreachable = new Set([
  "GET /api/health 500",
  "GET /api/ready 500",
  "GET /api/whoami 500",
  "GET /api/schemas/workflow-definition.json 500",
]);

/** Every POST names the JSON content type, with a body or without (the request guard asks it). */
const jsonHeader = { "content-type": "application/json" };

test("every answer of every route conforms to the OpenAPI document, and every declared status is produced", async () => {
  const store = tempStore();
  const clock = createTestClock();
  await using api = await startApi({
    store,
    clock,
    bodyLimit: 4096,
    workflows: conformanceWorkflows(),
    logError: () => {},
    queues: { mail: { concurrency: 2, perKey: 1, rateLimit: { limit: 10, period: "1m" } } },
  });
  const doc: Doc = await (await api.call("/api/openapi.json", { token: null })).json();
  // Closed: an answer holds no field the document does not name.
  const check = createResponseChecker(doc, { closed: true });
  const problems: string[] = [];
  const seen = new Set<string>();

  /** Sends a request through `app`, checks its answer against the document and records its status. */
  const send = async (
    path: string,
    init: Init = {},
    options: { app?: typeof api.app; firstMessageOnly?: boolean } = {},
  ) => {
    const method = init.method ?? (init.json === undefined && init.body === undefined ? "GET" : "POST");
    const headers: Record<string, string> = { ...init.headers };
    const token = init.token === undefined ? operatorToken : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers["content-type"] ??= "application/json";
    }
    const response = await (options.app ?? api.app).request(path, { method, headers, body });
    const template = findOperation(doc, method, path)?.template ?? path;
    seen.add(`${method} ${template} ${response.status}`);
    const streaming = (response.headers.get("content-type") ?? "").startsWith("text/event-stream");
    const copy = streaming ? undefined : response.clone();
    problems.push(...(await check(method, path, response, { firstMessageOnly: options.firstMessageOnly })));
    // biome-ignore lint/suspicious/noExplicitAny: a JSON answer
    const json: any = copy && response.status !== 405 ? await copy.json().catch(() => undefined) : undefined;
    return { status: response.status, json };
  };
  const settled = (id: string, engine: Engine = api.engine) =>
    eventually(async () => {
      const run = await engine.getRun(id);
      return ["completed", "failed", "compensated", "cancelled"].includes(run.status) ? run : undefined;
    });
  const waitingOn = (id: string, type: string, count = 1) =>
    eventually(async () => (await api.engine.getHistory(id)).filter((e) => e.type === type).length >= count);

  // System routes.
  await send("/api/health", { token: null });
  await send("/api/ready", { token: null });
  await send("/api/whoami");
  await send("/api/whoami", { token: readerToken });
  await send("/api/whoami", { token: null });

  // Starting runs: created, existing, conflicting, unknown, malformed, forbidden, too large, not JSON.
  assert.equal(
    (await send("/api/runs", { json: { workflow: "greet", input: { name: "Ada" }, id: "g-1" } })).status,
    201,
  );
  assert.equal(
    (await send("/api/runs", { json: { workflow: "greet", input: { name: "Ada" }, id: "g-1" } })).status,
    200,
  );
  await send("/api/runs", { json: { workflow: "greet", input: { name: "Bob" }, id: "g-1" } });
  await send("/api/runs", { json: { workflow: "nope" } });
  await send("/api/runs", { json: { workflow: "typed", input: { count: "three" } } });
  await send("/api/runs", { json: { workflow: "greet", timeout: "soon" } });
  await send("/api/runs", { body: "{not json", headers: { "content-type": "application/json" } });
  await send("/api/runs", { json: { workflow: "greet" }, token: readerToken });
  await send("/api/runs", { json: { workflow: "greet" }, token: null });
  await send("/api/runs", { json: { workflow: "greet", input: "x".repeat(5000) } });
  await send("/api/runs", { body: "{}", headers: { "content-type": "text/plain" } });

  // Runs of every ending: completed, failed (then resumed), compensated, failed while compensating,
  // cancelled, with children, signalled, timed out, started by an event.
  await send("/api/runs", { json: { workflow: "flaky", id: "flaky-1" } });
  await send("/api/runs", { json: { workflow: "saga", input: { undo: "ok" }, id: "saga-ok" } });
  await send("/api/runs", { json: { workflow: "saga", input: { undo: "fails" }, id: "saga-fails" } });
  await send("/api/runs", { json: { workflow: "parent", id: "parent-1" } });
  await send("/api/runs", { json: { workflow: "approval", input: { item: "desk" }, id: "approve-1" } });
  await send("/api/runs", { json: { workflow: "approval", input: { item: "chair" }, id: "cancel-1" } });
  await send("/api/runs", { json: { workflow: "slow", id: "slow-1", timeout: "1h 30m" } });
  await send("/api/runs", { json: { workflow: "waits", id: "waits-1" } });
  for (const id of ["g-1", "flaky-1", "saga-ok", "saga-fails", "parent-1"]) await settled(id);
  await send("/api/runs", { json: { workflow: "guarded", id: "guarded-1" } });
  await waitingOn("guarded-1", "signal.waiting");
  await send("/api/runs/guarded-1/signals", { json: { name: "approve", payload: "maybe" } });
  await waitingOn("guarded-1", "signal.refused");
  await send("/api/runs/guarded-1/signals", { json: { name: "approve", payload: true } });
  await settled("guarded-1");
  await send("/api/runs/guarded-1/history");

  await waitingOn("approve-1", "signal.waiting");
  assert.equal((await send("/api/runs/approve-1/signals", { json: { name: "approve", payload: true } })).status, 202);
  await send("/api/runs/approve-1/signals", { json: { name: "bad\u0007name" } });
  await send("/api/runs/approve-1/signals", { json: { name: "approve" }, token: readerToken });
  await send("/api/runs/approve-1/signals", { json: { name: "approve" }, token: null });
  await send("/api/runs/approve-1/signals", { json: { name: "approve", payload: "x".repeat(5000) } });
  await send("/api/runs/approve-1/signals", { body: "approve", headers: { "content-type": "text/plain" } });
  await send("/api/runs/unknown-run/signals", { json: { name: "approve" } });
  await send("/api/runs/not%20an%20id/signals", { json: { name: "approve" } });
  await settled("approve-1");
  await send("/api/runs/approve-1/signals", { json: { name: "approve" } });

  await waitingOn("cancel-1", "signal.waiting");
  assert.equal((await send("/api/runs/cancel-1/cancel", { method: "POST", headers: jsonHeader })).status, 202);
  await settled("cancel-1");
  await send("/api/runs/cancel-1/cancel", { json: {} });
  await send("/api/runs/cancel-1/cancel", { json: [] });
  await send("/api/runs/unknown-run/cancel", { method: "POST", headers: jsonHeader });
  await send("/api/runs/not%20an%20id/cancel", { method: "POST", headers: jsonHeader });
  await send("/api/runs/cancel-1/cancel", { method: "POST", headers: jsonHeader, token: readerToken });
  await send("/api/runs/cancel-1/cancel", { method: "POST", headers: jsonHeader, token: null });
  await send("/api/runs/cancel-1/cancel", { json: { pad: "x".repeat(5000) } });
  await send("/api/runs/cancel-1/cancel", { body: "{}", headers: { "content-type": "text/plain" } });

  assert.equal((await send("/api/runs/flaky-1/resume", { json: {} })).status, 202);
  await settled("flaky-1");
  await send("/api/runs/flaky-1/resume", { method: "POST", headers: jsonHeader });
  await send("/api/runs/flaky-1/resume", { json: "yes" });
  await send("/api/runs/unknown-run/resume", { method: "POST", headers: jsonHeader });
  await send("/api/runs/not%20an%20id/resume", { method: "POST", headers: jsonHeader });
  await send("/api/runs/flaky-1/resume", { method: "POST", headers: jsonHeader, token: readerToken });
  await send("/api/runs/flaky-1/resume", { method: "POST", headers: jsonHeader, token: null });
  await send("/api/runs/flaky-1/resume", { json: { pad: "x".repeat(5000) } });
  await send("/api/runs/flaky-1/resume", { body: "{}", headers: { "content-type": "text/plain" } });

  assert.equal((await send("/api/runs/g-1/fork", { json: { fromStep: 0, id: "g-fork" } })).status, 201);
  await send("/api/runs/g-1/fork", { json: { fromStep: 0, id: "g-fork" } });
  await send("/api/runs/g-1/fork", { json: { fromStep: "no-such-step" } });
  await send("/api/runs/unknown-run/fork", { json: { fromStep: 0 } });
  await send("/api/runs/g-1/fork", { json: { fromStep: 0 }, token: readerToken });
  await send("/api/runs/g-1/fork", { json: { fromStep: 0 }, token: null });
  await send("/api/runs/g-1/fork", { json: { fromStep: 0, pad: "x".repeat(5000) } });
  await send("/api/runs/g-1/fork", { body: "{}", headers: { "content-type": "text/plain" } });
  await settled("g-fork");

  // Waits: a retry, a timer, a signal and an event that time out, an event that arrives; a run timeout.
  await waitingOn("waits-1", "step.failed");
  await clock.advance("2s");
  await waitingOn("waits-1", "timer.set");
  await clock.advance("1m");
  await waitingOn("waits-1", "signal.waiting");
  await clock.advance("1m");
  await waitingOn("waits-1", "event.waiting");
  await clock.advance("1m");
  await waitingOn("waits-1", "event.waiting", 2);
  const receipt = await send("/api/events", {
    json: { name: "payment.settled", payload: { orderId: "o-1" }, id: "e-1" },
  });
  assert.equal(receipt.status, 202);
  await send("/api/events", { json: { name: "payment.settled", payload: { amount: 3 }, id: "e-2" } });
  await send("/api/events", { json: { name: "" } });
  await send("/api/events", { json: { name: "x" }, token: readerToken });
  await send("/api/events", { json: { name: "x" }, token: null });
  await send("/api/events", { json: { name: "x", payload: "x".repeat(5000) } });
  await send("/api/events", { body: "{}", headers: { "content-type": "text/plain" } });
  await settled("waits-1");
  await settled("e-1:on-payment");
  await sendTaskRequests(send, settled);
  await sendHumanTaskRequests(send, settled, (duration) => clock.advance(duration));
  await sendDefinitionRequests(send, "g-1", "greet");
  await settled("def-run-1");
  await clock.advance("2h");
  await settled("slow-1");

  // Reading: every run, its history and its watch stream; errors of each.
  const runs = (await send("/api/runs?limit=1000")).json.runs as { id: string }[];
  assert.ok(runs.length >= 12, `runs: ${runs.map((r) => r.id).join(", ")}`);
  const recorded = new Set<string>();
  for (const { id } of runs) {
    await send(`/api/runs/${encodeURIComponent(id)}`);
    const history = await send(`/api/runs/${encodeURIComponent(id)}/history`, { token: readerToken });
    for (const event of history.json.events as { type: string }[]) recorded.add(event.type);
    await send(`/api/runs/${encodeURIComponent(id)}/watch`);
  }
  await send("/api/runs", { json: { workflow: "approval", input: { item: "lamp" }, id: "watched" } });
  await send("/api/runs/watched/watch", {}, { firstMessageOnly: true });
  // A bodyless cancel that names the JSON content type all the same.
  const bodyless = { method: "POST", headers: { "content-type": "application/json" } };
  assert.equal((await send("/api/runs/watched/cancel", bodyless)).status, 202);
  assert.deepEqual(
    historyEventTypes.filter((type) => !recorded.has(type)),
    [],
    "the runs recorded every type of history event",
  );
  for (const suffix of ["", "/history", "/watch"]) {
    await send(`/api/runs/unknown-run${suffix}`);
    await send(`/api/runs/not%20an%20id${suffix}`);
    await send(`/api/runs/g-1${suffix}`, { token: null });
  }
  await send("/api/runs?status=failed,compensated&workflow=saga&createdAfter=2000-01-01T00:00:00Z");
  await send("/api/runs?status=done");
  await send("/api/runs?limit=0");
  await send("/api/runs", { token: null });
  await send("/api/workflows");
  await send("/api/workflows", { token: null });
  await send("/api/signal-waits?limit=2");
  await send("/api/signal-waits?limit=0");
  await send("/api/signal-waits", { token: null });
  // Flow control: start options, and the queues.
  const flow = { workflow: "greet", input: { name: "Queued" } };
  await send("/api/runs", { json: { ...flow, queue: "mail", concurrencyKey: "c-1", priority: 3 } });
  await send("/api/runs", { json: { ...flow, delay: "1h" } });
  await send("/api/runs", { json: { ...flow, startAt: "2099-01-01T00:00:00Z" } });
  await send("/api/runs", { json: { ...flow, debounce: { key: "k", period: "5s" } } });
  await send("/api/runs", { json: { ...flow, debounce: { key: "k", period: "5s" } } });
  await send("/api/runs", { json: { ...flow, queue: "unknown" } });
  await send("/api/runs", { json: { ...flow, priority: 0.5 } });
  await send("/api/queues");
  await send("/api/queues", { token: readerToken });
  await send("/api/queues", { token: null });

  // Schedules: created, the same again, conflicting, bad, changed, paused, resumed, triggered, backfilled, deleted.
  const daily = { id: "daily", workflow: "greet", cron: "0 6 * * *", timezone: "Europe/Paris", input: { name: "Ada" } };
  assert.equal((await send("/api/schedules", { json: daily })).status, 201);
  await send("/api/schedules", { json: daily });
  assert.equal((await send("/api/schedules", { json: { ...daily, cron: "0 7 * * *" } })).status, 409);
  await send("/api/schedules", { json: { ...daily, id: "bad", cron: "not a cron" } });
  await send("/api/schedules?workflow=greet");
  await send("/api/schedules?workflow=-bad");
  await send("/api/schedules/daily");
  await send("/api/schedules/daily", {
    method: "PATCH",
    json: { every: "1h", endAt: null, startAt: "2026-01-01T00:00:00Z" },
  });
  await send("/api/schedules/daily", { method: "PATCH", json: { every: "1ms" } });
  for (const action of ["pause", "resume"])
    await send(`/api/schedules/daily/${action}`, { method: "POST", headers: jsonHeader });
  const triggered = await send("/api/schedules/daily/trigger", { method: "POST", headers: jsonHeader });
  assert.equal(triggered.status, 201);
  await settled(triggered.json.run.id);
  await send(`/api/runs?scheduleId=daily`);
  await send(`/api/runs/${encodeURIComponent(triggered.json.run.id)}`);
  const range = { from: "2026-03-01T00:00:00Z", to: "2026-03-03T00:00:00Z" };
  assert.equal((await send("/api/schedules/daily/backfill", { json: range })).status, 200);
  await send("/api/schedules/daily/backfill", { json: { from: range.to, to: range.from } });
  const scheduleOps: [string, string, unknown][] = [
    ["PATCH", "", { paused: false }],
    ["DELETE", "", undefined],
    ["POST", "/pause", undefined],
    ["POST", "/resume", undefined],
    ["POST", "/trigger", undefined],
    ["POST", "/backfill", range],
  ];
  for (const [method, suffix, json] of scheduleOps) {
    const init = json === undefined ? { method, headers: jsonHeader } : { method, json };
    await send(`/api/schedules/unknown${suffix}`, init);
    await send(`/api/schedules/a@b${suffix}`, init);
    await send(`/api/schedules/daily${suffix}`, { ...init, token: readerToken });
    await send(`/api/schedules/daily${suffix}`, { ...init, token: null });
    await send(`/api/schedules/daily${suffix}`, { method, body: "{}", headers: { "content-type": "text/plain" } });
    await send(`/api/schedules/daily${suffix}`, { method, json: { pad: "x".repeat(5000) } });
  }
  await send("/api/schedules/unknown");
  await send("/api/schedules/a@b");
  await send("/api/schedules/daily", { token: null });
  await send("/api/schedules", { token: null });
  await send("/api/schedules", { json: daily, token: readerToken });
  await send("/api/schedules", { json: daily, token: null });
  await send("/api/schedules", { json: { ...daily, input: "x".repeat(5000) } });
  await send("/api/schedules", { body: "{}", headers: { "content-type": "text/plain" } });
  assert.equal((await send("/api/schedules/daily", { method: "DELETE", headers: jsonHeader })).status, 200);

  // Methods a path does not have.
  await send("/api/runs/g-1", { method: "DELETE" });
  await send("/api/health", { method: "PUT", token: null });
  await send("/api/runs", { method: "PATCH" });
  await send("/api/runs/g-1/cancel", { method: "GET" });
  await send("/api/runs/g-1", { method: "DELETE", token: readerToken });
  await send("/api/runs/g-1/fork", { method: "PUT", token: null });

  // A run the store cannot read: 500 on each read of it.
  await rawSql(
    store,
    `UPDATE history SET data = '{not json' WHERE ${historyOfRun(store, "g-1")} AND type = 'step.completed'`,
  );
  for (const suffix of ["", "/history", "/watch"]) await send(`/api/runs/g-1${suffix}`);

  // A store that fails: 500 from every route that reads or writes it, 503 from readiness.
  const down = () => {
    throw new Error("the store is down");
  };
  const failing = new Proxy(api.engine, {
    get: (target, key) =>
      key === "schedules" || key === "tasks" || key === "humanTasks" || key === "definitions"
        ? new Proxy({}, { get: () => down })
        : typeof (target as never)[key] === "function"
          ? down
          : (target as never)[key],
  });
  const broken = createApp({
    engine: failing,
    tokens: [{ token: operatorToken, role: "operator" }],
    logger: { error() {} },
  });
  const viaBroken = { app: broken };
  await send("/api/ready", { token: null }, viaBroken);
  await send("/api/runs", {}, viaBroken);
  await send("/api/runs/x", {}, viaBroken);
  await send("/api/runs/x/history", {}, viaBroken);
  await send("/api/runs/x/watch", {}, viaBroken);
  await send("/api/workflows", {}, viaBroken);
  await send("/api/runs", { json: { workflow: "greet" } }, viaBroken);
  await send("/api/runs/x/signals", { json: { name: "approve" } }, viaBroken);
  await send("/api/runs/x/cancel", { method: "POST", headers: jsonHeader }, viaBroken);
  await send("/api/runs/x/resume", { method: "POST", headers: jsonHeader }, viaBroken);
  await send("/api/runs/x/fork", { json: { fromStep: 0 } }, viaBroken);
  await send("/api/events", { json: { name: "x" } }, viaBroken);
  await send("/api/tasks/poll", { json: { workerId: "w", queues: ["media"] } }, viaBroken);
  for (const report of ["heartbeat", "complete", "fail"]) {
    const json = report === "fail" ? { error: { message: "x" } } : {};
    await send(
      `/api/tasks/${Buffer.from("x").toString("base64url")}.0.1.${"0".repeat(32)}/${report}`,
      { json },
      viaBroken,
    );
  }
  await send("/api/tasks", {}, viaBroken);
  await send("/api/human-tasks", {}, viaBroken);
  await send("/api/human-tasks/x:0", {}, viaBroken);
  for (const answer of ["complete", "reject"]) await send(`/api/human-tasks/x:0/${answer}`, { json: {} }, viaBroken);
  await send("/api/tasks/x:0", {}, viaBroken);
  await sendBrokenDefinitionRequests((path, init) => send(path, init, viaBroken));
  await send("/api/workers", {}, viaBroken);
  await send("/api/schedules", {}, viaBroken);
  await send("/api/schedules", { json: daily }, viaBroken);
  await send("/api/schedules/x", {}, viaBroken);
  for (const [method, suffix, json] of scheduleOps) {
    await send(
      `/api/schedules/x${suffix}`,
      json === undefined ? { method, headers: jsonHeader } : { method, json },
      viaBroken,
    );
  }

  assert.deepEqual(problems, []);
  const missing: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Doc>>)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const status of Object.keys(operation.responses)) {
        const key = `${method.toUpperCase()} ${path} ${status}`;
        if (!seen.has(key) && !unreachable.has(key)) missing.push(key);
      }
    }
  }
  assert.deepEqual(missing, [], "every declared status is produced by some request");
  for (const key of ["DELETE /api/runs/{id} 405", "PUT /api/health 405"]) assert.ok(seen.has(key), key);
});

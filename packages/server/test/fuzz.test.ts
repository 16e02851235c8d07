import assert from "node:assert/strict";
import { test } from "node:test";
import { operatorToken, readerToken, startApi } from "./api-helpers.js";
import { createRandom, createRequestGenerator } from "./fuzz-requests.js";
import { createRequestJudge, createResponseChecker } from "./openapi-validator.js";

const requests = Number(process.env.BATON_FUZZ_REQUESTS ?? 3000);
const seed = Number(process.env.BATON_FUZZ_SEED ?? Date.now() % 1_000_000);

test(`${requests} requests generated from the OpenAPI document: no 5xx, every answer conforms to the document, and finished runs stay as they were (seed ${seed})`, async (t) => {
  await using api = await startApi();
  const existing = ["done-1", "done-2", "done-3"];
  for (const id of existing) await (await api.engine.startRun("greet", { name: id }, { id })).result();
  await api.engine.startRun("approval", { item: "x" }, { id: "cancelled-1" });
  await api.engine.cancel("cancelled-1");
  await api.engine
    .handle("cancelled-1")
    .result()
    .catch(() => {});
  existing.push("cancelled-1");
  const snapshot = async () =>
    Promise.all(existing.map(async (id) => [await api.engine.getRun(id), await api.engine.getHistory(id)]));
  const before = await snapshot();

  const doc = await (await api.call("/api/openapi.json", { token: null })).json();
  const random = createRandom(seed);
  const next = createRequestGenerator(doc, random, {
    runIds: [...existing, "unknown-run", "x"],
    workflows: ["greet", "approval", "flaky", "typed", "unknown-workflow"],
    versions: ["1"],
    names: ["approve", "order.created", "first", "second", "compose"],
    tokens: [operatorToken, readerToken, null, "wrong-token"],
  });

  const check = createResponseChecker(doc, { closed: true });
  const judge = createRequestJudge(doc);
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  for (let i = 0; i < requests; i++) {
    const request = next();
    // A poll that is valid waits for a task up to its waitMs: the fuzz asks for no wait.
    if (request.path.split("?")[0] === "/api/tasks/poll" && request.body?.startsWith("{")) {
      try {
        const body = JSON.parse(request.body);
        if (body && typeof body === "object" && !Array.isArray(body))
          request.body = JSON.stringify({ ...body, waitMs: 0 });
      } catch {
        // not JSON: sent as it is
      }
    }
    const response = await api.app.request(request.path, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const sent = `${request.method} ${request.path} ${request.body?.slice(0, 200) ?? ""}`;
    if (response.status >= 500) failures.push(`${sent}: ${response.status} ${await response.clone().text()}`);
    // What the document refuses is refused; what it allows is not refused as malformed (Schemathesis'
    // negative_data_rejection and positive_data_acceptance). A workflow's input schema, the library's
    // own checks (INVALID_STEP...) and the token may still refuse it.
    const allowed = judge(request);
    if (allowed && !allowed.ok && response.status < 300) {
      failures.push(`${sent}: ${response.status}, but the document refuses it (${allowed.reason})`);
    }
    if (allowed?.ok && (response.status === 400 || response.status === 415)) {
      const code = ((await response.clone().json()) as { error: { code: string } }).error.code;
      if (code === "INVALID_REQUEST" || code === "UNSUPPORTED_MEDIA_TYPE") {
        failures.push(`${sent}: ${response.status} ${code}, but the document allows it`);
      }
    }
    // A watch stream of a run that does not end never ends either: its first message is checked.
    for (const problem of await check(request.method, request.path, response, { firstMessageOnly: true })) {
      failures.push(`${sent}: ${problem}`);
    }
  }
  assert.deepEqual(failures, [], `seed ${seed}`);
  assert.deepEqual(await snapshot(), before, "finished runs were not changed");
  const summary = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
  t.diagnostic(`statuses: ${summary.join(", ")}`);
  assert.ok((statuses.get(201) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0, `statuses: ${summary.join(", ")}`);
});

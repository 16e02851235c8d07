import assert from "node:assert/strict";
import { eventually } from "../../baton/test/helpers.js";
import { readerToken, workerToken } from "./api-helpers.js";

/** Sends a request, checks its answer against the document, records its status (the conformance test's `send`). */
type Send = (
  path: string,
  init?: { method?: string; json?: unknown; token?: string | null; headers?: Record<string, string>; body?: string },
) => Promise<{ status: number; json: unknown }>;

/**
 * The requests of the human task routes for the OpenAPI conformance test: a
 * run of `people` has one human task answered through the API and the other
 * reminded, reassigned and timed out (`advance` moves the test clock), and
 * each route answers each of its declared errors.
 */
export async function sendHumanTaskRequests(
  send: Send,
  settled: (id: string) => Promise<unknown>,
  advance: (duration: string) => Promise<void>,
): Promise<void> {
  assert.equal((await send("/api/runs", { json: { workflow: "people", id: "people-1" } })).status, 201);
  const open = await eventually(async () => {
    const page = (await send("/api/human-tasks?runId=people-1", { token: readerToken })).json as {
      humanTasks: { id: string; name: string }[];
    };
    return page.humanTasks.length === 2 ? page.humanTasks : undefined;
  });
  const review = open.find((task) => task.name === "review")?.id as string;
  const path = `/api/human-tasks/${encodeURIComponent(review)}`;
  await send(path, { token: readerToken });
  await send("/api/human-tasks?role=ops&status=open&limit=1", { token: readerToken });
  assert.equal((await send(`${path}/complete`, { json: { data: { ok: "yes" } } })).status, 400);
  assert.equal((await send(`${path}/complete`, { json: { data: { ok: true }, comment: "fine" } })).status, 200);
  assert.equal((await send(`${path}/complete`, { json: { data: { ok: true } } })).status, 200, "the same answer again");
  assert.equal((await send(`${path}/reject`, { json: {} })).status, 409);
  // Another run's review rejected, then too late to complete.
  assert.equal((await send("/api/runs", { json: { workflow: "people", id: "people-2" } })).status, 201);
  const other = `/api/human-tasks/${encodeURIComponent("people-2:0")}`;
  await eventually(async () => (await send(other)).status === 200);
  assert.equal((await send(`${other}/reject`, { json: { comment: "no" } })).status, 200);
  assert.equal((await send(`${other}/complete`, { json: { data: { ok: true } } })).status, 409);
  await advance("30m");
  await advance("31m");
  await eventually(async () => {
    const task = (await send("/api/human-tasks?role=managers")).json as { humanTasks: unknown[] };
    return task.humanTasks.length === 2;
  });
  await advance("1h");
  await settled("people-1");
  await settled("people-2");

  // Errors of every route: bad, unknown, closed, forbidden, unauthenticated, too large, not JSON.
  await send("/api/human-tasks?limit=0");
  await send("/api/human-tasks", { token: null });
  await send("/api/human-tasks", { token: workerToken });
  await send("/api/human-tasks/no-position");
  await send("/api/human-tasks/people-1:9");
  await send(path, { token: null });
  await send(path, { token: workerToken });
  for (const answer of ["complete", "reject"]) {
    await send(`${path}/${answer}`, { json: { extra: 1 } });
    await send(`/api/human-tasks/people-1:9/${answer}`, { json: {} });
    await send(`${path}/${answer}`, { json: {}, token: readerToken });
    await send(`${path}/${answer}`, { json: {}, token: null });
    await send(`${path}/${answer}`, { json: { comment: "x".repeat(5000) } });
    await send(`${path}/${answer}`, { method: "POST", body: "{}", headers: { "content-type": "text/plain" } });
  }
}

import assert from "node:assert/strict";
import { readerToken, workerToken } from "./api-helpers.js";

/** Sends a request, checks its answer against the document, records its status (the conformance test's `send`). */
type Send = (
  path: string,
  init?: { method?: string; json?: unknown; token?: string | null; headers?: Record<string, string>; body?: string },
) => Promise<{ status: number; json: unknown }>;

const jsonHeader = { "content-type": "application/json" };

/**
 * The requests of the task routes for the OpenAPI conformance test: a run of
 * `remote` has its first task completed and its second failed for good
 * through the API (as a worker token), and each route answers each of its
 * declared errors. Answers the run's id.
 */
export async function sendTaskRequests(send: Send, settled: (id: string) => Promise<unknown>): Promise<string> {
  assert.equal((await send("/api/runs", { json: { workflow: "remote", id: "remote-1" } })).status, 201);
  const poll = { workerId: "w-1", queues: ["media"], waitMs: 10_000 };
  const first = (await send("/api/tasks/poll", { json: poll, token: workerToken })).json as {
    tasks: { token: string; id: string }[];
  };
  const [task] = first.tasks;
  assert.equal(task?.id, "remote-1:0");
  const token = encodeURIComponent(task.token);
  assert.equal((await send(`/api/tasks/${token}/heartbeat`, { json: { details: { step: 1 } } })).status, 200);
  await send(`/api/tasks/${encodeURIComponent(task.id)}`, { token: readerToken });
  await send(`/api/tasks?queue=media&status=leased&limit=1`, { token: readerToken });
  assert.equal(
    (await send(`/api/tasks/${token}/complete`, { json: { output: "a.webp" }, token: workerToken })).status,
    200,
  );
  await send(`/api/tasks/${token}/complete`, { json: { output: "again" } });
  const second = (await send("/api/tasks/poll", { json: poll, token: workerToken })).json as {
    tasks: { token: string }[];
  };
  const next = encodeURIComponent(second.tasks[0]?.token ?? "");
  await send(`/api/tasks/${next}/fail`, {
    json: { error: { message: "corrupt", code: "BAD_FILE" } },
    token: workerToken,
  });
  await settled("remote-1");
  await send("/api/tasks?runId=remote-1");
  await send("/api/tasks/poll", { json: { ...poll, waitMs: 0 } });

  // Errors of every route: bad, unknown, stale, forbidden, unauthenticated, too large, not JSON.
  const unknown = `${Buffer.from("nope").toString("base64url")}.0.1.${"0".repeat(32)}`;
  for (const report of ["heartbeat", "complete", "fail"]) {
    const json = report === "fail" ? { error: { message: "x" } } : {};
    await send(`/api/tasks/${token}/${report}`, { json: report === "fail" ? { error: {} } : { extra: 1 } });
    await send(`/api/tasks/not-a-token/${report}`, { json });
    await send(`/api/tasks/${unknown}/${report}`, { json, token: workerToken });
    await send(`/api/tasks/${report === "complete" ? next : token}/${report}`, { json });
    await send(`/api/tasks/${token}/${report}`, { json, token: readerToken });
    await send(`/api/tasks/${token}/${report}`, { json, token: null });
    await send(`/api/tasks/${token}/${report}`, { json: { details: "x".repeat(5000) } });
    await send(`/api/tasks/${token}/${report}`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "text/plain" },
    });
  }
  await send("/api/tasks/poll", { json: { workerId: "", queues: [] } });
  await send("/api/tasks/poll", { json: poll, token: readerToken });
  await send("/api/tasks/poll", { json: poll, token: null });
  await send("/api/tasks/poll", { json: { ...poll, workerId: "x".repeat(5000) } });
  await send("/api/tasks/poll", { method: "POST", body: "{}", headers: { "content-type": "text/plain" } });
  await send("/api/tasks?limit=0");
  await send("/api/tasks", { token: null });
  await send("/api/tasks", { token: workerToken });
  await send("/api/tasks/remote-1", {});
  await send("/api/tasks/unknown-run:3");
  await send("/api/tasks/remote-1:0", { token: null });
  await send("/api/tasks/remote-1:0", { token: workerToken });
  // A worker token reads nothing else.
  const reads = ["/api/runs", "/api/runs/remote-1", "/api/runs/remote-1/history", "/api/runs/remote-1/watch"];
  reads.push("/api/workflows", "/api/signal-waits", "/api/queues", "/api/schedules", "/api/schedules/daily");
  for (const path of reads) assert.equal((await send(path, { token: workerToken })).status, 403, path);
  assert.equal(
    (await send("/api/runs/remote-1/cancel", { method: "POST", headers: jsonHeader, token: workerToken })).status,
    403,
  );
  return "remote-1";
}

import assert from "node:assert/strict";
import { test } from "node:test";
import { eventually, historyOfRun, rawSql, tempStore } from "../../baton/test/helpers.js";
import { startApi } from "./api-helpers.js";
import { parseEventStream } from "./openapi-validator.js";

/** Reads a stream until `done` says it has what it needs (or it ends). */
async function readUntil(body: ReadableStream<Uint8Array>, done: (text: string) => boolean) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) return { text, ended: true };
    text += decoder.decode(chunk.value, { stream: true });
    if (done(text)) return { text, ended: false, reader };
  }
}

test("watch: a run message now and at each change; the stream closes when the run ends", async () => {
  await using api = await startApi();
  await api.call("/api/runs", { json: { workflow: "approval", input: { item: "desk" }, id: "w-1" } });
  await eventually(async () => (await api.engine.getRun("w-1")).status === "waiting");
  const response = await api.call("/api/runs/w-1/watch");
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const body = response.body as ReadableStream<Uint8Array>;
  const first = await readUntil(body, (text) => parseEventStream(text).length === 1 && text.endsWith("\n\n"));
  assert.deepEqual(
    parseEventStream(first.text).map((m) => [m.event, m.id, JSON.parse(m.data).status]),
    [["run", "1", "waiting"]],
  );
  first.reader?.releaseLock();
  await api.call("/api/runs/w-1/signals", { json: { name: "approve", payload: true } });
  const rest = await readUntil(body, () => false);
  assert.equal(rest.ended, true);
  const messages = parseEventStream(rest.text);
  assert.deepEqual(messages.at(-1)?.event, "run");
  assert.equal(JSON.parse(messages.at(-1)?.data as string).status, "completed");
});

test("watch: when the run can no longer be read, an error message ends the stream", async () => {
  const store = tempStore();
  await using api = await startApi({ store, logError: () => {} });
  await api.call("/api/runs", { json: { workflow: "approval", input: { item: "desk" }, id: "w-2" } });
  await eventually(async () => (await api.engine.getRun("w-2")).status === "waiting");
  const response = await api.call("/api/runs/w-2/watch");
  const body = response.body as ReadableStream<Uint8Array>;
  const first = await readUntil(body, (text) => parseEventStream(text).length === 1 && text.endsWith("\n\n"));
  first.reader?.releaseLock();
  await rawSql(
    store,
    `UPDATE history SET data = '{not json' WHERE ${historyOfRun(store, "w-2")} AND type = 'signal.waiting'`,
  );
  const rest = await readUntil(body, () => false);
  assert.equal(rest.ended, true);
  const last = parseEventStream(rest.text).at(-1);
  assert.equal(last?.event, "error");
  assert.equal(last?.id, "2");
  assert.equal(JSON.parse(last?.data as string).error.code, "UNREADABLE_RUN");
});

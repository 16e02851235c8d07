import assert from "node:assert/strict";
import { test } from "node:test";
import { colorsFor } from "../src/colors.js";
import { formatRun } from "../src/format-run.js";
import { formatTable, visibleLength } from "../src/format-table.js";
import { formatDuration } from "../src/format-time.js";
import { parseTime } from "../src/option-parsers.js";
import { readServerSentEvents } from "../src/read-server-sent-events.js";

test("formatTable aligns columns whatever the colour codes, with nothing after the last cell", () => {
  const green = (text: string) => `\x1b[32m${text}\x1b[39m`;
  const lines = formatTable([
    ["ID", "STATUS", "X"],
    ["order-1", green("completed"), ""],
    ["o-2", "failed", "y"],
  ]);
  assert.deepEqual(
    lines.map((line) => line.replaceAll("\x1b[32m", "").replaceAll("\x1b[39m", "")),
    ["ID       STATUS     X", "order-1  completed", "o-2      failed     y"],
  );
  assert.equal(visibleLength(green("abc")), 3);
});

test("formatDuration reads as people write times", () => {
  assert.deepEqual(
    [0, 850, 1000, 4250, 59_999, 60_000, 119_999, 185_000, 7_800_000, 3 * 86_400_000 + 4 * 3_600_000].map(
      formatDuration,
    ),
    ["0ms", "850ms", "1s", "4.3s", "1m", "1m", "2m", "3m 5s", "2h 10m", "3d 4h"],
  );
});

test("parseTime takes ISO times and durations ago", () => {
  assert.equal(parseTime("2025-06-01T12:00:00Z"), "2025-06-01T12:00:00.000Z");
  const anHourAgo = Date.parse(parseTime("1h"));
  assert.ok(Math.abs(Date.now() - 3_600_000 - anHourAgo) < 5000);
  assert.throws(() => parseTime("yesterday"), /expected an ISO time/);
});

test("readServerSentEvents reads messages split anywhere across chunks, skipping comments", async () => {
  const text =
    ': keep-alive\n\nevent: run\nid: 1\ndata: {"a":1}\n\r\nevent: run\r\ndata: {"a":\ndata: 2}\n\ndata: plain\n\n';
  const chunks = [...text].map((char) => new TextEncoder().encode(char));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const messages = [];
  for await (const message of readServerSentEvents(new Response(body))) messages.push(message);
  assert.deepEqual(messages, [
    { event: "run", data: '{"a":1}' },
    { event: "run", data: '{"a":\n2}' },
    { event: "message", data: "plain" },
  ]);
});

test("colours are off when NO_COLOR is set, even on a terminal, and off when not on a terminal", () => {
  const saved = { ...process.env };
  try {
    delete process.env.FORCE_COLOR;
    process.env.NO_COLOR = "1";
    assert.equal(colorsFor({ isTTY: true } as NodeJS.WriteStream).red("x"), "x");
    delete process.env.NO_COLOR;
    assert.equal(colorsFor({ isTTY: false } as NodeJS.WriteStream).red("x"), "x");
    assert.equal(colorsFor({ isTTY: true } as NodeJS.WriteStream).red("x"), "\x1b[31mx\x1b[39m");
  } finally {
    process.env = saved;
  }
});

test("formatRun shows the header, steps with failed attempts, children and pending signals", () => {
  const c = colorsFor({ isTTY: false } as NodeJS.WriteStream);
  const at = "2025-06-01T10:00:00.000Z";
  const later = "2025-06-01T10:00:02.500Z";
  const failure = { name: "Error", message: "gateway timeout" };
  const lines = formatRun(c, {
    id: "o-1",
    workflow: "order",
    version: "2",
    status: "waiting",
    createdAt: at,
    updatedAt: later,
    queue: "default",
    priority: 0,
    input: { orderId: "A-1" },
    cancelRequested: false,
    steps: [
      {
        position: 0,
        kind: "step",
        name: "charge",
        status: "completed",
        startedAt: at,
        finishedAt: later,
        output: { id: "ch_1" },
        attempts: [
          { attempt: 1, status: "failed", error: failure, retryAt: at },
          { attempt: 2, status: "completed" },
        ],
      },
      {
        position: 1,
        kind: "child",
        name: "receipt",
        status: "waiting",
        startedAt: later,
        childId: "o-1-1",
        attempts: [],
      },
    ],
    children: [
      {
        id: "o-1-1",
        workflow: "receipt",
        version: "1",
        status: "running",
        createdAt: later,
        updatedAt: later,
        queue: "default",
        priority: 0,
      },
    ],
    childCount: 1,
    pendingSignals: [{ name: "approve", payload: true, sentAt: later }],
  });
  const text = lines.join("\n");
  assert.equal(lines[0], "run o-1  order@2  waiting");
  assert.match(text, /^input {5}\{"orderId":"A-1"\}$/m);
  assert.match(text, /^ {2}0 {2}step {3}charge {3}completed {2}2 {9}2\.5s$/m);
  assert.match(text, /^ {6}attempt 1 failed: Error: gateway timeout; retry at \d\d:\d\d:\d\d$/m);
  assert.match(text, /^ {2}1 {2}child {2}receipt {2}waiting {4}\S* +run o-1-1$/m);
  assert.match(text, /^children\n {2}ID {5}WORKFLOW {3}STATUS {3}CREATED/m);
  assert.match(text, /^pending signals\n {2}NAME {5}PAYLOAD {2}SENT\n {2}approve {2}true {5}2025-06-01 /m);
});

test("formatRun says when the run has more children than it lists, and how to list them all", () => {
  const c = colorsFor({ isTTY: false } as NodeJS.WriteStream);
  const at = "2025-06-01T10:00:00.000Z";
  const child = (n: number) => ({
    id: `fan-${n}`,
    workflow: "leaf",
    version: "1",
    status: "completed" as const,
    createdAt: at,
    updatedAt: at,
    queue: "default",
    priority: 0,
  });
  const text = formatRun(c, {
    id: "fan",
    workflow: "fan-out",
    version: "1",
    status: "waiting",
    createdAt: at,
    updatedAt: at,
    queue: "default",
    priority: 0,
    input: {},
    cancelRequested: false,
    steps: [],
    children: [child(1), child(2)],
    childCount: 1500,
    pendingSignals: [],
  }).join("\n");
  assert.match(text, /^children \(the last 2 of 1500\)$/m);
  assert.match(text, /^ {2}all of them: baton runs list --parent fan$/m);
});

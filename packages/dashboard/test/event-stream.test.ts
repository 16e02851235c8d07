import assert from "node:assert/strict";
import { test } from "node:test";
import { createEventStreamParser, readEventStream, type ServerSentEvent } from "../web/api/read-event-stream.js";

const parse = (...chunks: string[]) => {
  const events: ServerSentEvent[] = [];
  const parser = createEventStreamParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
};

test("messages are cut at blank lines, whatever the chunks", () => {
  const text = 'event: run\nid: 1\ndata: {"status":"running"}\n\nevent: run\ndata: {"status":"completed"}\n\n';
  const whole = parse(text);
  assert.deepEqual(whole, [
    { event: "run", id: "1", data: '{"status":"running"}' },
    { event: "run", id: "1", data: '{"status":"completed"}' },
  ]);
  assert.deepEqual(parse(...text.split("")), whole, "one character at a time");
  assert.deepEqual(parse(text.replaceAll("\n", "\r\n")), whole, "CRLF line ends");
  assert.deepEqual(parse(...text.replaceAll("\n", "\r\n").split("\r")), whole, "CRLF split between CR and LF");
});

test("comments are skipped, data lines join, a message cut off by the end is dropped", () => {
  assert.deepEqual(parse(": keep-alive\n\ndata: a\ndata: b\n\ndata:no space\n\nevent: run\ndata: cut"), [
    { event: "message", data: "a\nb" },
    { event: "message", data: "no space" },
  ]);
});

test("readEventStream reads a byte stream to its end, multi-byte characters split across chunks", async () => {
  const bytes = new TextEncoder().encode('event: run\ndata: {"id":"ünïcødé"}\n\n');
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
      controller.close();
    },
  });
  const events: ServerSentEvent[] = [];
  await readEventStream(body, (event) => events.push(event));
  assert.deepEqual(events, [{ event: "run", data: '{"id":"ünïcødé"}' }]);
});

test("readEventStream stops when its signal aborts", async () => {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("event: run\ndata: 1\n\n"));
    },
  });
  const controller = new AbortController();
  const events: ServerSentEvent[] = [];
  const reading = readEventStream(
    body,
    (event) => {
      events.push(event);
      controller.abort();
    },
    controller.signal,
  );
  await reading;
  assert.equal(events.length, 1);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { historyEventTypes, toMilliseconds } from "baton";
import { MessageName } from "../src/api-schemas.js";
import { startApi } from "./api-helpers.js";
import { createRandom } from "./fuzz-requests.js";
import { createSchemaValidator } from "./openapi-validator.js";

// biome-ignore lint/suspicious/noExplicitAny: a JSON document
type Doc = any;

const documentOf = async (api: Awaited<ReturnType<typeof startApi>>): Promise<Doc> =>
  (await api.call("/api/openapi.json", { token: null })).json();

const names = [
  "a",
  "approve",
  "order.created/v1",
  " spaced ",
  "é",
  "\u00a0",
  "\u00a0\u2028",
  "\u00ad",
  "x".repeat(200),
  "x".repeat(201),
  "",
  "a\u0000",
  "\u0007",
  "tab\there",
  "line\n",
  "\u001f",
  "\u007f",
  "\u0080",
  "\u0085",
  "\u009f",
  "😀",
  "😀".repeat(100),
];

test("signal and event names: the document's pattern, compiled by a JSON Schema validator, accepts what the route accepts", async () => {
  await using api = await startApi();
  const doc = await documentOf(api);
  const validate = createSchemaValidator(doc);
  const schema = doc.components.schemas.Signal.properties.name;
  assert.equal(schema.pattern, "^[^\\x00-\\x1f\\x7f-\\x9f]{1,200}$", "no flag, only \\x escapes");
  assert.deepEqual(doc.components.schemas.Event.properties.name, schema);
  // Beyond the route's answers: a lone surrogate, and characters outside the BMP, counted as one character each.
  for (const name of [...names, "\ud800", "😀".repeat(200), "😀".repeat(201)]) {
    const document = validate(schema, name).length === 0;
    assert.equal(MessageName.safeParse(name).success, document, JSON.stringify(name));
  }
  for (const name of names) {
    const document = validate(schema, name).length === 0;
    const event = await api.call("/api/events", { json: { name } });
    assert.equal(event.status, document ? 202 : 400, `event ${JSON.stringify(name)}: ${await event.text()}`);
    const signal = await api.call("/api/runs/no-such-run/signals", { json: { name } });
    assert.equal(signal.status, document ? 404 : 400, `signal ${JSON.stringify(name)}`);
  }
});

test("timeout: the document's duration pattern accepts exactly the library's syntax (spaces as the only blanks)", async () => {
  await using api = await startApi();
  const doc = await documentOf(api);
  const validate = createSchemaValidator(doc);
  const schema = doc.components.schemas.StartRun.properties.timeout;
  const random = createRandom(7);
  const alphabet = "0123456789.mshdw x";
  const samples = ["1h", "1h30m", "1h 30m", " 5 m ", "500ms", "1ms1s", "1.5s", "0s", "3d", "2w", "soon", "", "1", "h"];
  for (let i = 0; i < 3000; i++) {
    samples.push(Array.from({ length: 1 + random.int(7) }, () => alphabet[random.int(alphabet.length)]).join(""));
  }
  for (const text of samples) {
    let library = true;
    try {
      toMilliseconds(text);
    } catch {
      library = false;
    }
    assert.equal(validate(schema, text).length === 0, library, JSON.stringify(text));
  }
  for (const [timeout, status] of [
    ["1h 30m", 201],
    ["250ms", 201],
    ["1.5s", 201],
    ["soon", 400],
    ["1x", 400],
    [".5s", 400],
    [3600000, 201],
    [0, 400],
    [2 ** 53, 400],
  ] as const) {
    const response = await api.call("/api/runs", { json: { workflow: "approval", input: { item: "x" }, timeout } });
    assert.equal(response.status, status, `${JSON.stringify(timeout)}: ${await response.text()}`);
    assert.equal(validate(schema, timeout).length === 0, status === 201, JSON.stringify(timeout));
  }
});

test("createdAfter, createdBefore and limit are read exactly as declared: what the document allows is accepted, what it refuses gets 400", async () => {
  await using api = await startApi();
  const doc = await documentOf(api);
  const validate = createSchemaValidator(doc);
  const parameter = (name: string) =>
    doc.paths["/api/runs"].get.parameters.find((p: { name: string }) => p.name === name).schema;
  const dateTimes = [
    "2026-11-29T10:00:00Z",
    "2026-11-29t10:00:00z",
    "2026-11-29T10:00:00.123456+05:30",
    "2024-02-29T00:00:00-00:00",
    "0001-01-01T00:00:00Z",
    "2026-12-31T23:59:59.9-23:59",
    "2026-11-29",
    "2026-11-29T10:00Z",
    "2026-11-29 10:00:00Z",
    "2023-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-11-29T24:00:00Z",
    "2026-11-29T10:00:00",
    "2026-11-29T10:00:00+0100",
    "2016-12-31T23:59:60Z",
    "2026-11-29T10:00:00.Z",
    "+002026-11-29T10:00:00Z",
    "2026-11-29T10:00:00Z ",
  ];
  for (const name of ["createdAfter", "createdBefore"]) {
    for (const value of dateTimes) {
      const allowed = validate(parameter(name), value).length === 0;
      const response = await api.call(`/api/runs?${new URLSearchParams({ [name]: value })}`);
      assert.equal(response.status, allowed ? 200 : 400, `${name}=${value}`);
    }
  }
  // The instant is the one written, whatever the offset.
  await api.call("/api/runs", { json: { workflow: "greet", input: { name: "a" }, id: "a" } });
  const created = new Date(((await api.engine.getRun("a")).createdAt as Date).getTime());
  /** `date` written as the local time at an offset of `minutes` from UTC. */
  const atOffset = (date: Date, minutes: number) => {
    const sign = minutes < 0 ? "-" : "+";
    const hhmm = `${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, "0")}:${String(Math.abs(minutes) % 60).padStart(2, "0")}`;
    return `${new Date(date.getTime() + minutes * 60_000).toISOString().slice(0, 19)}${sign}${hhmm}`;
  };
  const ids = async (query: Record<string, string>) =>
    (((await (await api.call(`/api/runs?${new URLSearchParams(query)}`)).json()) as Doc).runs as { id: string }[]).map(
      (r) => r.id,
    );
  const minuteBefore = new Date(created.getTime() - 60_000);
  const minuteAfter = new Date(created.getTime() + 60_000);
  assert.deepEqual(await ids({ createdAfter: atOffset(minuteBefore, 120) }), ["a"]);
  assert.deepEqual(await ids({ createdAfter: atOffset(minuteAfter, -330) }), []);
  assert.deepEqual(await ids({ createdBefore: atOffset(minuteAfter, 345) }), ["a"]);
  assert.deepEqual(await ids({ createdBefore: atOffset(minuteBefore, 0) }), []);

  const limit = parameter("limit");
  assert.deepEqual(limit, { type: "integer", minimum: 1, maximum: 1000 });
  for (const value of [
    "1",
    "2",
    "999",
    "1000",
    "0",
    "1001",
    "-1",
    "1.5",
    "5.0",
    "1e2",
    " 5",
    "",
    "abc",
    "0x10",
    "+5",
  ]) {
    const integer = /^-?[0-9]+$/.test(value);
    const allowed: boolean = integer && validate(limit, Number(value)).length === 0;
    const response = await api.call(`/api/runs?limit=${encodeURIComponent(value)}`);
    assert.equal(response.status, allowed ? 200 : 400, `limit=${JSON.stringify(value)}`);
  }
});

test("lengths are counted as JSON Schema counts them, in code points", async () => {
  await using api = await startApi();
  const doc = await documentOf(api);
  const validate = createSchemaValidator(doc);
  const idContains = doc.paths["/api/runs"].get.parameters.find(
    (p: { name: string }) => p.name === "idContains",
  ).schema;
  for (const value of ["😀".repeat(200), "😀".repeat(201), "x".repeat(200), "x".repeat(201), ""]) {
    const allowed = validate(idContains, value).length === 0;
    const response = await api.call(`/api/runs?${new URLSearchParams({ idContains: value })}`);
    assert.equal(response.status, allowed ? 200 : 400, `idContains of ${[...value].length} characters`);
  }
  const fork = doc.components.schemas.Fork.properties.fromStep;
  for (const value of ["😀".repeat(200), "😀".repeat(201), ""]) {
    const allowed = validate(fork, value).length === 0;
    const response = await api.call("/api/runs/no-such-run/fork", { json: { fromStep: value } });
    assert.equal(response.status, allowed ? 404 : 400, `fromStep of ${[...value].length} characters`);
  }
});

test("history events: one member of the union per type the library lists, discriminated by type", async () => {
  await using api = await startApi();
  const doc = await documentOf(api);
  const union = doc.components.schemas.HistoryEvent;
  assert.equal(union.discriminator.propertyName, "type");
  assert.deepEqual(Object.keys(union.discriminator.mapping).sort(), [...historyEventTypes].sort());
  assert.equal(union.oneOf.length, historyEventTypes.length);
});

test("an error's cause is an error of the same shape, to any depth", async () => {
  await using api = await startApi();
  const doc = await documentOf(api);
  assert.deepEqual(doc.components.schemas.ErrorInfo.properties.cause, { $ref: "#/components/schemas/ErrorInfo" });
  const validate = createSchemaValidator(doc);
  const deep = { name: "A", message: "a", cause: { name: "B", message: "b", cause: { name: "C", message: "c" } } };
  assert.deepEqual(validate({ $ref: "#/components/schemas/ErrorInfo" }, deep), []);
  const broken = { name: "A", message: "a", cause: { name: "B", message: "b", cause: { name: "C" } } };
  assert.notDeepEqual(validate({ $ref: "#/components/schemas/ErrorInfo" }, broken), []);
});
